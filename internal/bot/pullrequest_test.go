package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

const appConfig = "databases:\n  - name: app\n    organization: acme\n    database: app\n    schema: db/schema\nlint:\n  rules:\n    not-instant: off\n"

func TestPlanOpenAndRerun(t *testing.T) {
	w := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema})
	w.seed("app", "db/schema")
	w.push("head1", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})

	out := w.run("opened")
	if out.Decision != DecisionPlanned || len(out.Databases) != 1 {
		t.Fatalf("outcome %+v", out)
	}
	do := out.Databases[0]
	if do.DeployRequest != 1 || do.Branch != testBranch || do.DeploymentState != ps.StateReady || do.Conclusion != github.ConclusionSuccess {
		t.Fatalf("database outcome %+v\n%s", do, do.Report)
	}
	body := w.gh.comments[Marker("app")]
	for _, want := range []string{"Deploy request [#1]", "ADD COLUMN `nick`", "/deploy", `"deploy_request":1`, `"head_sha":"head1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q:\n%s", want, body)
		}
	}
	cr := w.gh.check("head1", "ddlbot/app")
	if cr == nil || cr.Conclusion != github.ConclusionSuccess {
		t.Fatalf("check run %+v", cr)
	}
	// The branch now has the pull request's schema.
	tables, err := w.client.BranchSchema(context.Background(), "acme", "app", testBranch)
	if err != nil || !strings.Contains(tables[0].Raw, "`nick`") {
		t.Fatalf("branch schema %v %+v", err, tables)
	}

	// A duplicate delivery changes nothing.
	writes := w.gh.calls["write-comment"]
	out = w.run("opened")
	if out.Databases[0].DeployRequest != 1 || w.gh.calls["write-comment"] != writes || w.gh.calls["create-check"] != 1 {
		t.Fatalf("rerun changed things: %+v calls %v", out.Databases[0], w.gh.calls)
	}
	if drs, _ := w.client.ListDeployRequests(context.Background(), "acme", "app", ps.ListDeployRequestsOptions{}); len(drs) != 1 {
		t.Fatalf("%d deploy requests", len(drs))
	}

	// A new push re-plans on the same branch and deploy request.
	w.push("head2", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  age int DEFAULT NULL,\n  PRIMARY KEY", 1)})
	out = w.run("synchronize")
	if out.Databases[0].DeployRequest != 1 || out.Databases[0].DeploymentState != ps.StateReady {
		t.Fatalf("after push: %+v", out.Databases[0])
	}
	if body := w.gh.comments[Marker("app")]; !strings.Contains(body, "`age`") || !strings.Contains(body, `"head_sha":"head2"`) {
		t.Fatalf("comment not updated:\n%s", body)
	}
	diff, err := w.client.DeployRequestDiff(context.Background(), "acme", "app", 1)
	if err != nil || !strings.Contains(diff[0].Raw, "age") {
		t.Fatalf("deploy request diff %v %+v", err, diff)
	}
}

func TestPlanLintErrorAndNoChange(t *testing.T) {
	w := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema})
	w.seed("app", "db/schema")
	// Only a README changes: neutral, nothing else.
	w.push("docs", map[string]string{"README.md": "hello"})
	out := w.run("opened")
	if out.Decision != DecisionNoSchemaChange {
		t.Fatalf("decision %s", out.Decision)
	}
	if cr := w.gh.check("docs", "ddlbot"); cr == nil || cr.Conclusion != github.ConclusionNeutral {
		t.Fatalf("neutral check %+v", cr)
	}
	if len(w.gh.comments) != 0 {
		t.Fatal("a comment for a pull request without schema change")
	}
	if _, err := w.client.GetBranch(context.Background(), "acme", "app", testBranch); !ps.IsNotFound(err) {
		t.Fatalf("branch created: %v", err)
	}
	// A table without a primary key: lint error, failing check with an annotation at the line.
	w.push("bad", map[string]string{"db/schema/events.sql": "-- events\nCREATE TABLE events (payload json);\n"})
	out = w.run("synchronize")
	do := out.Databases[0]
	if out.Decision != DecisionFailed || do.Errors == 0 || do.Conclusion != github.ConclusionFailure {
		t.Fatalf("outcome %+v %+v", out, do)
	}
	cr := w.gh.check("bad", "ddlbot/app")
	var found bool
	for _, a := range w.gh.anns[cr.ID] {
		if a.Path == "db/schema/events.sql" && a.StartLine == 2 && a.Title == "no-unique-key" && a.Level == github.LevelFailure {
			found = true
		}
	}
	if !found {
		t.Fatalf("annotations %+v", w.gh.anns[cr.ID])
	}
}

func TestPlanForkTwoDatabasesAndClose(t *testing.T) {
	cfg := "databases:\n  - name: app\n    organization: acme\n    schema: db/app\n  - name: billing\n    organization: acme\n    migrations: db/billing\n"
	w := newWorld(t, cfg, map[string]string{
		"db/app/users.sql":            baseSchema,
		"db/billing/001_invoices.sql": "CREATE TABLE invoices (id bigint NOT NULL, PRIMARY KEY (id));\n",
	})
	w.seed("app", "db/app")
	w.seed("billing", "db/billing")
	w.push("both", map[string]string{
		"db/app/users.sql":        strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1),
		"db/billing/002_paid.sql": "ALTER TABLE invoices ADD COLUMN paid tinyint(1) NOT NULL DEFAULT 0;\n",
	})
	out := w.run("opened")
	if len(out.Databases) != 2 || out.Databases[0].DeployRequest != 1 || out.Databases[1].DeployRequest != 1 {
		t.Fatalf("two databases: %+v", out)
	}
	if !strings.Contains(w.gh.comments[Marker("billing")], "/deploy --db billing") {
		t.Fatalf("with two databases the next step names --db:\n%s", w.gh.comments[Marker("billing")])
	}
	// Closing cleans up both.
	w.gh.pr.State = "closed"
	out = w.run("closed")
	if out.Decision != DecisionClosed || len(out.Databases) != 2 {
		t.Fatalf("closed: %+v", out)
	}
	for _, db := range []string{"app", "billing"} {
		if _, err := w.client.GetBranch(context.Background(), "acme", db, testBranch); !ps.IsNotFound(err) {
			t.Errorf("%s branch kept: %v", db, err)
		}
		if dr, _ := w.client.GetDeployRequest(context.Background(), "acme", db, 1); dr == nil || dr.State != ps.DeployRequestClosed {
			t.Errorf("%s deploy request not closed: %+v", db, dr)
		}
		if !strings.Contains(w.gh.comments[Marker(db)], "closed") {
			t.Errorf("%s comment: %s", db, w.gh.comments[Marker(db)])
		}
	}
	// A second closed delivery does nothing more.
	if out = w.run("closed"); len(out.Databases) != 0 {
		t.Fatalf("second close: %+v", out)
	}

	// A fork: lint only, no comment, no branch.
	f := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema})
	f.seed("app", "db/schema")
	f.gh.pr.IsFork = true
	f.push("fork", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  f float,\n  PRIMARY KEY", 1)})
	out = f.run("opened")
	if out.Decision != DecisionLintOnly || out.ReasonCode != "fork" || len(f.gh.comments) != 0 {
		t.Fatalf("fork: %+v comments %d", out, len(f.gh.comments))
	}
	if cr := f.gh.check("fork", "ddlbot/app"); cr == nil || cr.Conclusion != github.ConclusionSuccess || len(f.gh.anns[cr.ID]) == 0 {
		t.Fatalf("fork check %+v", cr)
	}
}

func TestPlanBranchNeverReady(t *testing.T) {
	w := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema}, func(c *localscale.Config) { c.BranchReadyDelay = 24 * time.Hour })
	w.seed("app", "db/schema")
	w.engine.Options.BranchReadyTimeout = 30 * time.Second
	w.push("head1", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	out := w.run("opened")
	do := out.Databases[0]
	if do.Conclusion != github.ConclusionFailure || !strings.Contains(do.Report, "did not become ready within 30s") {
		t.Fatalf("outcome %+v\n%s", do, do.Report)
	}
}

// A state that lost its deploy request number (an older ddlbot, a failed
// plan) must not let closing the pull request delete the branch of a
// running deployment (issue 17 item 7).
func TestCloseLeavesRunningDeploymentWithoutNumber(t *testing.T) {
	w := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema}, func(c *localscale.Config) { c.OperationDuration = 24 * time.Hour })
	w.seed("app", "db/schema")
	w.push("head1", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	if out := w.run("opened"); out.Decision != DecisionPlanned {
		t.Fatalf("plan: %+v", out)
	}
	if _, err := w.client.DeployDeployRequest(context.Background(), "acme", "app", 1, ps.DeployOptions{}); err != nil {
		t.Fatal(err)
	}
	w.gh.comments[Marker("app")] = Marker("app") + "\n" + encodeState(PlanState{Database: "app", Branch: testBranch, HeadSHA: "head1"}) + "\n\n### ddlbot\n"
	w.gh.pr.State = "closed"
	out := w.run("closed")
	if out.Decision != DecisionClosed || !strings.Contains(w.gh.comments[Marker("app")], "Deploy request #1 is ") || !strings.Contains(w.gh.comments[Marker("app")], "are left as they are") {
		t.Fatalf("closed: %+v\n%s", out, w.gh.comments[Marker("app")])
	}
	if _, err := w.client.GetBranch(context.Background(), "acme", "app", testBranch); err != nil {
		t.Fatalf("the branch of a running deployment: %v", err)
	}
	if dr, _ := w.client.GetDeployRequest(context.Background(), "acme", "app", 1); dr.State != ps.DeployRequestOpen || !deployingStates[dr.DeploymentState] {
		t.Fatalf("deploy request #1: %s %s", dr.State, dr.DeploymentState)
	}
}
