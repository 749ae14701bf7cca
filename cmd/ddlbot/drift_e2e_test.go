package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// driftWorld is production behind the base (main dropped legacy_username,
// merged, never deployed), holding a table the repository never had
// (audit) and golang-migrate's tracking table; the pull request adds an
// index. deploy is the deploy section of the base's .ddlbot.yml. The drop of
// legacy_username (an error by default) is a warning here: these tests are
// about the drift gate, not lint.
func driftWorld(t *testing.T, deploy string) (w *actWorld, head string) {
	t.Helper()
	cfg := actConfig + "    drop-column: warning\n" + deploy
	w = newCmdWorld(t)
	base := w.commit(sha("base"), "", map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
	prod := w.commit(sha("production"), base, map[string]string{
		"db/schema/users.sql":   actUsersWith("  legacy_username varchar(40) DEFAULT NULL,\n"),
		"db/schema/audit.sql":   "CREATE TABLE audit (id bigint NOT NULL, PRIMARY KEY (id));\n",
		"db/schema/tracker.sql": "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty tinyint(1) NOT NULL, PRIMARY KEY (version));\n",
	})
	w.seed("app", prod, "db/schema")
	head = w.commit(sha("head index"), base, map[string]string{"db/schema/users.sql": actUsersWith("  KEY email_idx (email),\n")})
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"})
	return w, head
}

// productionTables lists the tables of production.
func (w *actWorld) productionTables(db string) map[string]string {
	w.t.Helper()
	tables, err := w.ps.BranchSchema(context.Background(), actOwner, db, "main")
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]string{}
	for _, tb := range tables {
		out[tb.Name] = tb.Raw
	}
	return out
}

// TestActionDriftWarning: the comment warns that production differs from
// the base and lists each table that does, and why; the tracking table is
// not listed. Until acknowledged the check run is action_required and
// /deploy is refused, first for the difference, then for the drop of the
// table the repository never had; acknowledged, the deploy ships what
// PlanetScale's diff shows, and the tracking table survives.
func TestActionDriftWarning(t *testing.T) {
	t.Parallel()
	w, head := driftWorld(t, "")
	r := w.run("opened (drift)", "pull_request", w.prEvent("opened"), nil)
	// Linted as shipped (production → head): the drop of legacy_username is
	// a warning; the drop of audit is the drift gate's, not lint's.
	if r.code != 0 || r.out[outLintErrors] != "0" {
		t.Fatalf("exit %d: %s", r.code, r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outReasonCode: bot.ReasonDrift, outDeploymentSt: ps.StateReady})
	cr := w.wantCheckRun(head, "app", "action_required", "Production differs from main: acknowledge before deploying")
	sticky := w.sticky("app")
	contains(t, "comment", sticky, "**Production differs from ",
		"- `users`: differs: an undeployed merged change, or a change made outside ddlbot",
		"- `audit`: in production only, unknown to the repository: the deploy request drops it",
		"drop-column", "in what the deploy request ships: production branch main → this pull request",
		"**Next step:** comment `/deploy --accept-drift --drop-unknown-tables` to deploy.")
	contains(t, "check run", cr.Summary, "**Production differs from ")
	if got := visible(sticky); strings.Contains(got, "`schema_migrations`") || strings.Contains(got, "`drop-table`") {
		t.Errorf("the tracking table is listed as drift, or the unknown table's drop as a lint finding:\n%s", got)
	}

	w.refused("alice", "/deploy", bot.ReasonUnknownTables, "production differs from `main` in `users`", "`/deploy --accept-drift`",
		"drops `audit`, which the repository never had", "`/deploy --drop-unknown-tables`")

	w.refused("alice", "/deploy --accept-drift", bot.ReasonUnknownTables)
	if reply := w.lastReply("alice"); strings.Contains(reply, "in `users`") || !strings.Contains(reply, "drops `audit`") {
		t.Errorf("reply to /deploy --accept-drift: %s", reply)
	}
	if n := w.psCount.deployCalls(); n != 0 {
		t.Fatalf("%d deploy calls before the drift was acknowledged", n)
	}
	if tables := w.productionTables("app"); tables["audit"] == "" || !strings.Contains(tables["users"], "legacy_username") {
		t.Fatalf("production changed before any deploy: %v", tables)
	}

	w.done("alice", "/deploy --accept-drift --drop-unknown-tables", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	tables := w.productionTables("app")
	if tables["audit"] != "" || strings.Contains(tables["users"], "legacy_username") || !strings.Contains(tables["users"], "email_idx") || tables["schema_migrations"] == "" {
		t.Fatalf("production after the deploy: %v", tables)
	}
	wantNoViolations(t, w)
}

// TestActionDriftAcceptedByConfig: deploy.accept_drift acknowledges the
// difference for every pull request: the warning stays, the check run
// succeeds. The table the repository never had still needs its own
// acknowledgement, which deploy.drop_unknown_tables gives.
func TestActionDriftAcceptedByConfig(t *testing.T) {
	t.Parallel()
	w, head := driftWorld(t, "deploy:\n  accept_drift: true\n")
	r := w.run("opened (accept_drift)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	w.wantCheckRun(head, "app", "action_required", "Production differs from main: acknowledge before deploying")
	contains(t, "comment", w.sticky("app"), "**Production differs from ", "comment `/deploy --drop-unknown-tables` to deploy.")
	r, _ = w.command("alice", "/deploy", nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonUnknownTables})

	w2, head2 := driftWorld(t, "deploy:\n  accept_drift: true\n  drop_unknown_tables: true\n")
	r = w2.run("opened (both)", "pull_request", w2.prEvent("opened"), nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outReasonCode: "planned"})
	w2.wantCheckRun(head2, "app", "success", "Deploy request #1 is ready")
	contains(t, "comment", w2.sticky("app"), "**Production differs from ", "Acknowledged by the configuration", "comment `/deploy` to deploy.")
	r, _ = w2.command("alice", "/deploy", nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert})
	if tables := w2.productionTables("app"); tables["audit"] != "" || !strings.Contains(tables["users"], "email_idx") {
		t.Fatalf("production after the deploy: %v", tables)
	}
}

// TestActionDriftWhenLintFails: a head whose lint fails gets no branch and
// no deploy request, but the comment still says how production differs
// from the base, so the author learns it before the next push.
func TestActionDriftWhenLintFails(t *testing.T) {
	t.Parallel()
	w, _ := driftWorld(t, "  fail_on: warning\n") // the drop of legacy_username (production → head) is a warning
	r := w.run("opened (drift, failing lint)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outDRNumber: "", outBranch: ""})
	contains(t, "comment", w.sticky("app"), "**Production differs from ",
		"- `users`: differs: an undeployed merged change, or a change made outside ddlbot",
		"Lint fails, so no PlanetScale branch or deploy request was made for this head")
	contains(t, "log", r.stdout, `reason="database app: 1 lint warning(s), and lint fails on warnings"`)
	if _, writes := w.psCount.counts(); writes != 0 {
		t.Errorf("%d writes to PlanetScale for a head that fails lint", writes)
	}
	wantNoViolations(t, w)
}
