package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// TestActionSchemaFolderTypo: a configured folder that does not exist (a
// typo) fails the check, naming the file and line of the setting, even
// though the pull request drops a table in the real folder; a folder
// emptied where the base had a schema fails the same way. Neither is "no
// schema change", and nothing reaches PlanetScale.
func TestActionSchemaFolderTypo(t *testing.T) {
	w := newActWorld(t)
	base, _ := w.standard()
	typo := strings.Replace(actConfig, "schema: db/schema", "schema: db/schemma", 1)
	base2 := w.commit(sha("base typo"), base, map[string]string{".ddlbot.yml": typo})
	head := w.commit(sha("head drop"), base2, map[string]string{"db/schema/users.sql": "", "db/schema/drop.sql": "CREATE TABLE keep (id int NOT NULL, PRIMARY KEY (id));\n"})
	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.BaseSHA, p.HeadSHA = base2, head })
	r := w.run("opened (folder typo)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: bot.ReasonSchemaFolder})
	cr := w.checkRun(head, "ddlbot")
	if cr == nil || cr.Conclusion != "failure" {
		t.Fatalf("check run %+v", cr)
	}
	contains(t, "check run", cr.Summary, "`schema: db/schemma` (.ddlbot.yml line 5, database `app`): the folder does not exist at the head of this pull request")
	if strings.Contains(r.stdout+r.summary, "no schema change") {
		t.Errorf("reported as no schema change:\n%s", r.stdout)
	}
	if r.psCalls != 0 {
		t.Errorf("%d PlanetScale requests", r.psCalls)
	}

	// The right path, but the pull request moves every file out of the folder.
	emptied := w.commit(sha("head emptied"), base, map[string]string{"db/schema/users.sql": "", "db/schema/README.md": "moved\n", "db/users.sql": actUsers})
	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.BaseSHA, p.HeadSHA = base, emptied })
	r = w.run("synchronize (emptied)", "pull_request", w.prEvent("synchronize"), nil)
	if r.code != 1 || r.out[outReasonCode] != string(bot.ReasonSchemaFolder) {
		t.Fatalf("emptied folder: %s", r)
	}
	cr = w.checkRun(emptied, "ddlbot")
	if cr == nil || cr.Conclusion != "failure" {
		t.Fatalf("check run %+v", cr)
	}
	contains(t, "check run", cr.Summary, "`schema: db/schema` (.ddlbot.yml line 5, database `app`): the folder holds no schema at the head of this pull request, and held 1 table(s)")
	if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", actBranch); !ps.IsNotFound(err) {
		t.Fatalf("branch created: %v", err)
	}
}

// TestPlanSchemaFolderTypo: `ddlbot plan` fails the same way (exit 1, the
// report names the setting), never "nothing to plan".
func TestPlanSchemaFolderTypo(t *testing.T) {
	noPlanetScale(t)
	dir := planRepo(t)
	write(t, dir, map[string]string{".ddlbot.yml": strings.Replace(planAppConfig, "migrations: billing/migrations", "migrations: billing/migratons", 1)})
	git(t, dir, "commit", "-qam", "typo")
	write(t, dir, map[string]string{"billing/migrations/003_drop.sql": "DROP TABLE invoices;\n"})
	r := ddlbot(t, dir, "plan", "--base", "main", "--format", "markdown")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "report", r.stdout, "`migrations: billing/migratons` (.ddlbot.yml line 6, database `billing`): the folder does not exist at the head of this pull request")
	// The text report says it of the working tree.
	r = ddlbot(t, dir, "plan", "--base", "main")
	if r.code != 1 {
		t.Fatalf("text: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "text report", r.stdout, "A configured schema folder is wrong, so the working tree's schema cannot be checked:",
		"migrations: billing/migratons (.ddlbot.yml line 6, database billing): the folder does not exist in the working tree (worktree).")
	if strings.Contains(r.stderr, "nothing to plan") {
		t.Errorf("nothing to plan:\n%s", r.stderr)
	}
}
