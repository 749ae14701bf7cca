package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	gh "github.com/google/go-github/v66/github"
)

// readOnlyChecks is a GitHub whose check run writes get 403, as a fork pull
// request's read-only GITHUB_TOKEN does.
type readOnlyChecks struct{ *fakeGitHub }

var errForbidden = &gh.ErrorResponse{Response: &http.Response{StatusCode: http.StatusForbidden}, Message: "Resource not accessible by integration"}

func (r readOnlyChecks) CreateCheckRun(context.Context, string, string, github.CheckRunOptions) (github.CheckRun, error) {
	r.mu.Lock()
	r.count("create-check-403")
	r.mu.Unlock()
	return github.CheckRun{}, errForbidden
}

func (r readOnlyChecks) UpdateCheckRun(context.Context, string, string, int64, github.CheckRunOptions) (github.CheckRun, error) {
	return github.CheckRun{}, errForbidden
}

func TestConfigPathInSubfolderAndAdjust(t *testing.T) {
	// The configuration lives in services/api and names its folder relative to it.
	cfg := "databases:\n  - name: app\n    schema: db/schema\n"
	w := newWorld(t, appConfig, map[string]string{"services/api/.ddlbot.yml": cfg, "services/api/db/schema/users.sql": baseSchema})
	w.seed("app", "services/api/db/schema")
	w.engine.Options.ConfigPath = "./services/api/.ddlbot.yml"
	w.engine.Options.Adjust = func(c *config.Config) error {
		c.Databases[0].Organization = "acme" // the file has none: the override makes it plannable
		c.Lint.FailOn = config.SeverityWarning
		return nil
	}
	w.push("head1", map[string]string{"services/api/db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  score float DEFAULT NULL,\n  PRIMARY KEY", 1)})
	out := w.run("opened")
	if len(out.Databases) != 1 {
		t.Fatalf("outcome %+v", out)
	}
	do := out.Databases[0]
	// The organization from Adjust makes it plannable, and the fail_on from
	// Adjust makes the warning fail: so nothing is made on PlanetScale.
	if do.DeployRequest != 0 || do.Warnings == 0 || do.Conclusion != github.ConclusionFailure || out.Decision != DecisionFailed ||
		!strings.Contains(do.Report, "Lint fails, so no PlanetScale branch or deploy request was made") || strings.Contains(do.Report, "no `organization`") {
		t.Fatalf("with the override the warning fails the plan: %+v\n%s", do, do.Report)
	}
	for _, f := range do.Findings {
		if !strings.HasPrefix(f.File, "services/api/db/schema/") {
			t.Errorf("finding path %q is not relative to the repository root", f.File)
		}
	}

	// An Adjust error stops the run with one failing check.
	w.engine.Options.Adjust = func(*config.Config) error { return errors.New("two databases") }
	out = w.run("synchronize")
	if out.Decision != DecisionFailed || out.ReasonCode != "inputs-invalid" {
		t.Fatalf("adjust error: %+v", out)
	}
	if cr := w.gh.check("head1", "ddlbot"); cr == nil || cr.Conclusion != github.ConclusionFailure || !strings.Contains(cr.Summary, "two databases") {
		t.Fatalf("check %+v", cr)
	}

	// A configured path that is missing on the base branch: nothing to plan, named in the reason.
	w.engine.Options.Adjust = nil
	w.engine.Options.ConfigPath = "nowhere/ddlbot.yml"
	if out = w.run("synchronize"); out.ReasonCode != "no-config" || !strings.Contains(out.Reason, "nowhere/ddlbot.yml") {
		t.Fatalf("missing config: %+v", out)
	}
	w.engine.Options.ConfigPath = "../outside.yml"
	if out = w.run("synchronize"); out.ReasonCode != "config-invalid" {
		t.Fatalf("config outside the repository: %+v", out)
	}
}

func TestDuplicateDeliveryWritesNoCheck(t *testing.T) {
	w := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema})
	w.seed("app", "db/schema")
	w.push("head1", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	first := w.run("opened")
	id := first.Databases[0].CheckRunID
	if id == 0 {
		t.Fatal("no check run id")
	}
	before := map[string]int{}
	for k, v := range w.gh.calls {
		before[k] = v
	}
	again := w.run("opened")
	if again.Databases[0].CheckRunID != id || w.gh.calls["create-check"] != before["create-check"] || w.gh.calls["update-check"] != before["update-check"] {
		t.Fatalf("a duplicate delivery wrote the check run: %v → %v", before, w.gh.calls)
	}
	// The same commit with another result (someone closed the deploy request
	// on PlanetScale): a new run, so that the first run's annotations are not
	// repeated by an update.
	if _, err := w.client.CloseDeployRequest(context.Background(), "acme", "app", 1); err != nil {
		t.Fatal(err)
	}
	third := w.run("synchronize")
	if third.Databases[0].CheckRunID == id || third.Databases[0].DeployRequest != 2 || w.gh.calls["create-check"] != before["create-check"]+1 {
		t.Fatalf("changed result: %+v calls %v", third.Databases[0], w.gh.calls)
	}
}

func TestReadOnlyTokenDoesNotFail(t *testing.T) {
	w := newWorld(t, appConfig, map[string]string{"db/schema/users.sql": baseSchema})
	w.seed("app", "db/schema")
	w.gh.pr.IsFork = true
	w.engine.GitHub = readOnlyChecks{w.gh}
	w.engine.PlanetScale = nil
	w.push("fork", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  f float,\n  PRIMARY KEY", 1)})
	out := w.run("opened")
	if out.Decision != DecisionLintOnly || out.Databases[0].CheckRunID != 0 || out.Databases[0].Warnings == 0 || len(w.gh.comments) != 0 {
		t.Fatalf("fork with a read-only token: %+v %+v", out, out.Databases[0])
	}
	if n := w.gh.calls["create-check-403"]; n != 1 {
		t.Fatalf("%d refused check run creations, want 1 (no retry once refused)", n)
	}
	// No schema change and an invalid configuration: the neutral and the
	// failing check are refused too, and the run still does not fail.
	w.push("docs", map[string]string{"db/schema/users.sql": baseSchema, "README.md": "hi"})
	if out, err := w.engine.HandlePullRequest(context.Background(), PullRequestEvent{Action: "synchronize", Repo: Repo{"o", "r"}, Number: 7}); err != nil || out.Decision != DecisionNoSchemaChange {
		t.Fatalf("neutral: %+v %v", out, err)
	}
	w.gh.mu.Lock()
	w.gh.commits["base1"][".ddlbot.yml"] = "databases: [\n"
	w.gh.mu.Unlock()
	if out, err := w.engine.HandlePullRequest(context.Background(), PullRequestEvent{Action: "synchronize", Repo: Repo{"o", "r"}, Number: 7}); err != nil || out.ReasonCode != "config-invalid" {
		t.Fatalf("invalid config: %+v %v", out, err)
	}
}
