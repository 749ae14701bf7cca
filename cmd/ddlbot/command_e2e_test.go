package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// The end-to-end tests of the pull request commands run the real binary on
// issue_comment events, with the action harness (githubfake checking every
// request against GitHub's OpenAPI description, an in-process localscale).
// localscale runs on the real clock with short durations, so a whole
// deployment takes a fraction of a second; the binary follows it with
// millisecond polls (the DDLBOT_*_INTERVAL knobs). The tests assert on final
// states only, never on timing.

// fastEngine makes the binary poll and edit often enough to follow a
// deployment that lasts a fraction of a second.
var fastEngine = []string{envPollInterval + "=20ms", envMaxPollInterval + "=50ms", envMinUpdateInterval + "=50ms"}

// fastDeploys makes deployments quick: an ALTER TABLE takes 200 ms, the
// submit, cutover, revert and cancel phases 100 ms each.
func fastDeploys(c *localscale.Config) {
	c.Speed = 20
	c.OperationDuration = 4 * time.Second
}

// newCmdWorld is an action world for commands: quick deployments, and the
// users alice (the author, write), bob (write), carol (read) and dave (triage).
func newCmdWorld(t *testing.T, mutate ...func(*localscale.Config)) *actWorld {
	t.Helper()
	w := newActWorld(t, append([]func(*localscale.Config){fastDeploys}, mutate...)...)
	w.env = fastEngine
	for user, role := range map[string]string{"alice": "write", "bob": "write", "carol": "read", "dave": "triage"} {
		w.gh.SetPermission(actOwner, w.repoName(), user, role)
	}
	return w
}

// cmdSubtest runs body as a parallel subtest on its own command world.
func cmdSubtest(t *testing.T, name string, body func(t *testing.T, w *actWorld)) {
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		body(t, newCmdWorld(t))
	})
}

// openPR opens the pull request addPR makes and plans it through the binary.
func (w *actWorld) openPR(cfg string, headChanges map[string]string, edit func(*githubfake.PR)) (head string, plan actResult) {
	w.t.Helper()
	_, head = w.addPR(cfg, headChanges, edit)
	return head, w.run("opened", "pull_request", w.prEvent("opened"), nil)
}

// addPR commits the base (cfg, users) and a head (adding the column nick,
// plus headChanges), seeds production with the base and adds pull request #7
// by alice (edit changes it first).
func (w *actWorld) addPR(cfg string, headChanges map[string]string, edit func(*githubfake.PR)) (base, head string) {
	w.t.Helper()
	base = w.commit(sha("base"), "", map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
	changes := map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")}
	for p, c := range headChanges {
		changes[p] = c
	}
	head = w.commit(sha("head1"), base, changes)
	w.seed("app", base, "db/schema")
	pr := githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"}
	if edit != nil {
		edit(&pr)
	}
	w.gh.AddPullRequest(actOwner, w.repoName(), pr)
	return base, head
}

// planned opens the standard pull request and checks it was planned.
func (w *actWorld) planned(cfg string) string {
	w.t.Helper()
	head, r := w.openPR(cfg, nil, nil)
	if r.code != 0 || r.out[outDecision] != string(bot.DecisionPlanned) {
		w.t.Fatalf("plan: %s", r)
	}
	return head
}

// command posts a comment as user and runs the binary on its issue_comment
// event; it returns the run and the comment's id.
func (w *actWorld) command(user, body string, inputs map[string]string) (actResult, int64) {
	w.t.Helper()
	id := w.gh.AddComment(actOwner, w.repoName(), actPR, user, body)
	return w.run(fmt.Sprintf("%s (%s)", body, user), "issue_comment", w.gh.CommentEvent(w.t, "created", actOwner, w.repoName(), id, nil), inputs), id
}

// reactions lists the reactions on a comment, oldest first.
func (w *actWorld) reactions(id int64) []string {
	for _, c := range w.comments() {
		if c.ID == id {
			var out []string
			for _, r := range c.Reactions {
				out = append(out, r.Content)
			}
			return out
		}
	}
	w.t.Fatalf("no comment %d", id)
	return nil
}

func wantReactions(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("reactions %v, want %v", got, want)
	}
}

// lastReply is the newest comment that mentions user at its start: ddlbot's
// reply to user's command.
func (w *actWorld) lastReply(user string) string {
	cs := w.comments()
	for i := len(cs) - 1; i >= 0; i-- {
		if strings.HasPrefix(cs[i].Body, "@"+user+" ") {
			return cs[i].Body
		}
	}
	return ""
}

// refused posts a command as user that must be refused for reason: the
// run's outputs say so, the comment gets 👀 then 👎, and ddlbot's reply to
// user contains each of replies.
func (w *actWorld) refused(user, body string, reason bot.ReasonCode, replies ...string) actResult {
	w.t.Helper()
	r, id := w.command(user, body, nil)
	wantOutputs(w.t, r, map[string]any{outDecision: bot.DecisionRefused, outReasonCode: reason})
	wantReactions(w.t, w.reactions(id), "eyes", "-1")
	contains(w.t, "reply", w.lastReply(user), replies...)
	return r
}

// done posts a command as user that must succeed: exit 0, the decision
// done with the other outputs of want, and 👀 then 🚀 on the comment.
func (w *actWorld) done(user, body string, inputs map[string]string, want map[string]any) actResult {
	w.t.Helper()
	r, id := w.command(user, body, inputs)
	if r.code != 0 {
		w.t.Fatal(r)
	}
	wantOutputs(w.t, r, map[string]any{outDecision: bot.DecisionDone})
	wantOutputs(w.t, r, want)
	wantReactions(w.t, w.reactions(id), "eyes", "rocket")
	return r
}

// deploys has alice comment /deploy, which must complete (pending revert)
// with column in production's users table.
func (w *actWorld) deploys(column string) {
	w.t.Helper()
	w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	if !w.productionHas("app", "users", column) {
		w.t.Fatalf("after /deploy production's users table lacks %s", column)
	}
}

// sticky is the sticky comment of a database; there must be exactly one.
func (w *actWorld) sticky(db string) string {
	w.t.Helper()
	var found []string
	for _, c := range w.comments() {
		if strings.Contains(c.Body, bot.Marker(db)) {
			found = append(found, c.Body)
		}
	}
	if len(found) != 1 {
		w.t.Fatalf("%d sticky comments for %s", len(found), db)
	}
	return found[0]
}

func (w *actWorld) deployRequest(db string, n int) *ps.DeployRequest {
	w.t.Helper()
	dr, err := w.ps.GetDeployRequest(context.Background(), actOwner, db, n)
	if err != nil {
		w.t.Fatal(err)
	}
	return dr
}

// waitDeployState waits (30 s at most) until a deploy request is in one of states.
func (w *actWorld) waitDeployState(db string, n int, states ...string) *ps.DeployRequest {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		dr := w.deployRequest(db, n)
		for _, s := range states {
			if dr.DeploymentState == s {
				return dr
			}
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("deploy request %s#%d is %s, want one of %v", db, n, dr.DeploymentState, states)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// productionHas reports whether production's users table has a column.
func (w *actWorld) productionHas(db, table, column string) bool {
	w.t.Helper()
	tables, err := w.ps.BranchSchema(context.Background(), actOwner, db, "main")
	if err != nil {
		w.t.Fatal(err)
	}
	for _, tb := range tables {
		if tb.Name == table {
			return strings.Contains(tb.Raw, "`"+column+"`")
		}
	}
	w.t.Fatalf("production of %s has no table %s", db, table)
	return false
}

// wantCheckRun checks the newest check run of a database on a commit.
func (w *actWorld) wantCheckRun(head, db, conclusion, title string) *githubfake.CheckRun {
	w.t.Helper()
	cr := w.checkRun(head, bot.CheckName(db))
	if cr == nil || cr.Status != "completed" || cr.Conclusion != conclusion || cr.Title != title {
		w.t.Fatalf("check run %+v, want completed %s %q", cr, conclusion, title)
	}
	return cr
}

// wantDeployCalls checks how many deploy calls reached PlanetScale.
func (w *actWorld) wantDeployCalls(n int) {
	w.t.Helper()
	if got := w.psCount.deployCalls(); got != n {
		w.t.Errorf("%d deploy calls, want %d", got, n)
	}
}

func wantNoViolations(t *testing.T, w *actWorld) {
	t.Helper()
	if v := w.gh.Violations(); len(v) != 0 {
		t.Errorf("requests that break GitHub's OpenAPI description:\n%s", strings.Join(v, "\n"))
	}
}

// deploymentTook is how long a deployment ran at PlanetScale: from queued
// until it stopped moving (cutover, or its last update).
func deploymentTook(dr *ps.DeployRequest) time.Duration {
	d := dr.Deployment
	if d == nil || d.QueuedAt == nil {
		return 0
	}
	end := d.UpdatedAt
	if d.CutoverAt != nil {
		end = *d.CutoverAt
	}
	return end.Sub(*d.QueuedAt)
}

// TestCommandDeployHappyPath: /deploy → complete_pending_revert, then
// /skip-revert → complete.
func TestCommandDeployHappyPath(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.planned(actConfig)

	r := w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert,
		outDeploymentSt: ps.StateCompletePendingRevert, outDRNumber: "1", outBranch: actBranch})
	contains(t, "reply", w.lastReply("alice"), "Deploy request [#1](https://app.planetscale.com/acme/app/deploy-requests/1) is **complete pending revert** (took ",
		"`/revert`", "`/skip-revert`")
	sticky := w.sticky("app")
	contains(t, "sticky comment", sticky, "#### Deployment of [#1](https://app.planetscale.com/acme/app/deploy-requests/1): complete pending revert",
		"| `users` | ALTER · complete | `██████████` 100% | — |", "The revert window ends at", "ADD COLUMN `nick`", `"deploy_request":1`, `"head_sha":"`+head+`"`)
	// The plan below the deployment tells the truth too: not "ready", no "comment /deploy".
	if v := visible(sticky); strings.Contains(v, "**ready**") || strings.Contains(v, "Next step") {
		t.Errorf("after the deploy the comment still says ready, or the plan's next step:\n%s", v)
	}
	cr := w.wantCheckRun(head, "app", "success", "Deploy request #1: complete pending revert")
	contains(t, "check run summary", cr.Summary, "| `users` | ALTER · complete |")
	if n := len(w.checkRunsOn(head)); n != 2 {
		t.Errorf("%d check runs on the head, want 2 (the plan's, the deployment's)", n)
	}
	dr := w.deployRequest("app", 1)
	if dr.DeploymentState != ps.StateCompletePendingRevert || !w.productionHas("app", "users", "nick") {
		t.Fatalf("deploy request %s; production has nick: %v", dr.DeploymentState, w.productionHas("app", "users", "nick"))
	}
	took := deploymentTook(dr)
	t.Logf("/deploy: %d GitHub calls (%d writes) in %s; the deployment took %s at PlanetScale (polling every 20-50 ms, editing at most every 50 ms)",
		r.ghTotal, r.ghWriteCalls, r.took.Round(time.Millisecond), took.Round(time.Millisecond))

	r = w.done("alice", "/skip-revert", nil, map[string]any{outReasonCode: ps.StateComplete, outDeploymentSt: ps.StateComplete, outDRNumber: "1"})
	contains(t, "reply", w.lastReply("alice"), "is **complete** (took ")
	contains(t, "sticky comment", w.sticky("app"), ": complete\n", "Deployed.")
	w.wantCheckRun(head, "app", "success", "Deploy request #1: complete")
	if s := w.deployRequest("app", 1).DeploymentState; s != ps.StateComplete {
		t.Fatalf("after skip-revert: %s", s)
	}
	w.wantDeployCalls(1)
	wantNoViolations(t, w)
}

// TestCommandGatedCutoverRevert: /deploy --gated stops at pending_cutover;
// /revert is refused there; /cutover finishes; /revert within the window
// puts production back.
func TestCommandGatedCutoverRevert(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.planned(actConfig)

	// The deploy request cut over by itself: it was replaced by a gated one.
	w.done("alice", "/deploy --gated", nil, map[string]any{outReasonCode: ps.StatePendingCutover, outDeploymentSt: ps.StatePendingCutover, outDRNumber: "2"})
	contains(t, "reply", w.lastReply("alice"), "is **pending cutover**", "`/cutover`")
	contains(t, "sticky comment", w.sticky("app"), ": pending cutover", `"deploy_request":2`, "comment `/cutover` to finish")
	w.wantCheckRun(head, "app", "neutral", "Deploy request #2: pending cutover")
	if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestClosed {
		t.Errorf("the replaced deploy request is %s", dr.State)
	}
	if w.productionHas("app", "users", "nick") {
		t.Fatal("a gated deploy changed production before the cutover")
	}

	w.refused("alice", "/revert", bot.ReasonWrongState, "`/revert` was not run: deploy request #2 is pending cutover; `/revert` works when it is complete_pending_revert.")

	w.done("bob", "/cutover", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert, outDRNumber: "2"})
	if !w.productionHas("app", "users", "nick") {
		t.Fatal("cutover did not change production")
	}

	w.done("alice", "/revert", nil, map[string]any{outReasonCode: ps.StateCompleteRevert, outDeploymentSt: ps.StateCompleteRevert})
	contains(t, "reply", w.lastReply("alice"), "is **complete revert**", "production is back to its previous schema")
	w.wantCheckRun(head, "app", "neutral", "Deploy request #2: complete revert")
	if w.productionHas("app", "users", "nick") {
		t.Fatal("the revert left the column in production")
	}
	w.wantDeployCalls(1)
	wantNoViolations(t, w)
}

// TestCommandRevertWindowEnds: once the revert window is over, /revert is
// refused and /plan shows the deployment complete.
func TestCommandRevertWindowEnds(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t, func(c *localscale.Config) { c.RevertWindow = 500 * time.Millisecond })
	head := w.planned(actConfig)
	w.done("alice", "/deploy", nil, nil)
	w.waitDeployState("app", 1, ps.StateComplete)
	w.refused("alice", "/revert", bot.ReasonWrongState, "deploy request #1 is complete; `/revert` works when it is complete_pending_revert")

	w.done("carol", "/plan", nil, map[string]any{outReasonCode: ps.StateComplete, outDeploymentSt: ps.StateComplete}) // read permission is enough
	contains(t, "sticky comment", w.sticky("app"), ": complete\n")
	w.wantCheckRun(head, "app", "success", "Deploy request #1: complete")
	if !w.productionHas("app", "users", "nick") {
		t.Fatal("production lost the change")
	}
	wantNoViolations(t, w)
}

// TestCommandCancelWhileRunning: the job that received /deploy stops
// following at wait-timeout while the deployment runs; /cancel cancels it.
func TestCommandCancelWhileRunning(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t, func(c *localscale.Config) { c.OperationDuration = time.Hour }) // an ALTER takes 3 minutes
	head := w.planned(actConfig)

	r, id := w.command("alice", "/deploy", map[string]string{inWaitTimeout: "1s"})
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFollowTimeout, outReasonCode: bot.ReasonFollowTimeout, outDRNumber: "1"})
	if s := r.out[outDeploymentSt]; s != ps.StateQueued && s != ps.StateSubmitting && s != ps.StateInProgress {
		t.Errorf("deployment-state %q", s)
	}
	wantReactions(t, w.reactions(id), "eyes") // nothing final: the deployment goes on
	contains(t, "reply", w.lastReply("alice"), "Stopped following deploy request #1 after 1s", "comment `/plan` to pick up its state")
	contains(t, "sticky comment", w.sticky("app"), "#### Deployment of [#1]", "Comment `/cancel` to stop it.")
	if cr := w.checkRun(head, "ddlbot/app"); cr == nil || cr.Status != "in_progress" {
		t.Errorf("the deployment's check run %+v", cr)
	}

	r = w.done("bob", "/cancel", nil, map[string]any{outReasonCode: ps.StateCompleteCancel, outDeploymentSt: ps.StateCompleteCancel})
	contains(t, "reply", w.lastReply("bob"), "is **complete cancel**", "nothing changed in production")
	contains(t, "sticky comment", w.sticky("app"), ": complete cancel")
	w.wantCheckRun(head, "app", "neutral", "Deploy request #1: complete cancel")
	if s := w.deployRequest("app", 1).DeploymentState; s != ps.StateCompleteCancel || w.productionHas("app", "users", "nick") {
		t.Fatalf("after cancel: %s", s)
	}
	// Nothing left to cancel.
	r, _ = w.command("bob", "/cancel", nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonWrongState})
	wantNoViolations(t, w)
}

// TestCommandJobKilledThenPlan: the job following a deployment is killed
// (SIGKILL, as when a runner dies); the next event, /plan, picks the
// deployment up and follows it to the end. Nothing is deployed twice.
func TestCommandJobKilledThenPlan(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t, func(c *localscale.Config) { c.OperationDuration = time.Minute }) // an ALTER takes 3 s
	head := w.planned(actConfig)

	w.watch = func() bool {
		dr, err := w.ps.GetDeployRequest(context.Background(), actOwner, "app", 1)
		return err == nil && dr.DeploymentState == ps.StateInProgress
	}
	r, id := w.command("alice", "/deploy", nil)
	w.watch = nil
	if !r.killed {
		t.Fatalf("the job was not killed: %s", r)
	}
	wantReactions(t, w.reactions(id), "eyes")

	r = w.done("carol", "/plan", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert,
		outDeploymentSt: ps.StateCompletePendingRevert, outDRNumber: "1"})
	contains(t, "reply", w.lastReply("carol"), "is **complete pending revert**")
	contains(t, "sticky comment", w.sticky("app"), ": complete pending revert", "| `users` | ALTER · complete |")
	w.wantCheckRun(head, "app", "success", "Deploy request #1: complete pending revert")
	if !w.productionHas("app", "users", "nick") || w.psCount.deployCalls() != 1 {
		t.Fatalf("deploy calls %d", w.psCount.deployCalls())
	}
	wantNoViolations(t, w)
}

// TestCommandDuplicateDelivery: the same /deploy payload delivered twice
// deploys once; the second run finds the deployment and follows it.
func TestCommandDuplicateDelivery(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig)
	id := w.gh.AddComment(actOwner, actRepo, actPR, "alice", "/deploy")
	payload := w.gh.CommentEvent(t, "created", actOwner, actRepo, id, nil)
	r := w.run("/deploy", "issue_comment", payload, nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert})
	r = w.run("/deploy (same delivery again)", "issue_comment", payload, nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert, outDRNumber: "1"})
	contains(t, "reply", w.lastReply("alice"), "is **complete pending revert**")
	var already bool
	for _, c := range w.comments() {
		already = already || strings.Contains(c.Body, "Deploy request #1 is already complete pending revert; following it.")
	}
	if !already {
		t.Error("the second delivery did not say the deploy request was already deployed")
	}
	if n := w.psCount.deployCalls(); n != 1 {
		t.Fatalf("%d deploy calls for one /deploy delivered twice", n)
	}
	wantReactions(t, w.reactions(id), "eyes", "rocket") // a reaction is added once
	wantNoViolations(t, w)
}

// TestCommandStalePlan: a push the bot has not planned yet: /deploy re-plans
// and refuses; the next /deploy deploys the new head.
func TestCommandStalePlan(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.planned(actConfig)
	head2 := w.pushAge(head)

	w.refused("alice", "/deploy", bot.ReasonStalePlan, "the plan was made for `"+head[:7]+"` but the pull request is now at `"+head2[:7]+"`. I re-planned")
	contains(t, "sticky comment", w.sticky("app"), `"head_sha":"`+head2+`"`, "`age`")
	w.wantCheckRun(head2, "app", "success", "Deploy request #1 is ready")
	if n := w.psCount.deployCalls(); n != 0 {
		t.Fatalf("a stale plan was deployed (%d deploy calls)", n)
	}
	if diff, err := w.ps.DeployRequestDiff(context.Background(), actOwner, "app", 1); err != nil || !strings.Contains(diff[0].Raw, "age") {
		t.Fatalf("the deploy request was not brought to the new head: %+v %v", diff, err)
	}

	w.deploys("age")
	wantNoViolations(t, w)
}

// TestCommandRefusals: who may deploy, and when.
func TestCommandRefusals(t *testing.T) {
	t.Parallel()
	cmdSubtest(t, "permission", func(t *testing.T, w *actWorld) {
		w.planned(actConfig)
		r := w.refused("carol", "/deploy", bot.ReasonPermission, "`/deploy` was not run: it needs at least write permission on this repository, and @carol has read.")
		wantOutputs(t, r, map[string]any{outDeploymentSt: ""})
		w.refused("dave", "/deploy", bot.ReasonPermission, "@dave has triage") // triage is below write
		// A malformed command gets the help; /help needs only read.
		w.refused("alice", "/deploy --force", bot.ReasonBadCommand, "`/deploy` does not take `--force` (it takes --db, --gated, --instant, --accept-drift, --drop-unknown-tables, --skip-backup)", "`/skip-revert [--db NAME]`")
		w.done("carol", "/help", nil, map[string]any{outReasonCode: "help"})
		if n := w.psCount.deployCalls(); n != 0 || w.deployRequest("app", 1).DeploymentState != ps.StateReady {
			t.Fatalf("%d deploy calls", n)
		}
		wantNoViolations(t, w)
	})
	// Pull requests that /deploy refuses as they stand.
	for _, tc := range []struct {
		name   string
		open   func(w *actWorld)
		reason bot.ReasonCode
		reply  string
	}{
		{"draft", func(w *actWorld) {
			w.planned(actConfig)
			w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.Draft = true })
		}, bot.ReasonDraft, "the pull request is a draft: mark it ready for review first."},
		// issue_comment runs in the base repository, with its secrets: the engine refuses.
		{"fork", func(w *actWorld) {
			_, plan := w.openPR(actConfig, nil, func(p *githubfake.PR) { p.Fork = true })
			wantOutputs(w.t, plan, map[string]any{outDecision: bot.DecisionLintOnly, outReasonCode: "fork"})
		}, bot.ReasonFork, "the pull request comes from a fork, and `deploy.allow_forks` is off."},
		{"lint errors", func(w *actWorld) {
			_, plan := w.openPR(actConfig, map[string]string{"db/schema/events.sql": "CREATE TABLE events (payload json);\n"}, nil)
			wantOutputs(w.t, plan, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: "check-failed", outLintErrors: "1", outDRNumber: ""})
		}, bot.ReasonLintErrors, "the change has 1 lint error(s); see the plan comment."},
	} {
		cmdSubtest(t, tc.name, func(t *testing.T, w *actWorld) {
			tc.open(w)
			if r := w.refused("alice", "/deploy", tc.reason, tc.reply); r.psCalls != 0 || w.psCount.deployCalls() != 0 {
				t.Errorf("refused (%s), yet %d PlanetScale calls, %d deploy calls", tc.name, r.psCalls, w.psCount.deployCalls())
			}
			wantNoViolations(t, w)
		})
	}
	cmdSubtest(t, "approvals", func(t *testing.T, w *actWorld) {
		head := w.planned(actConfig + "deploy:\n  required_approvals: 1\n")
		w.gh.AddReview(actOwner, actRepo, actPR, githubfake.Review{User: "alice", State: "APPROVED"})                         // the author
		w.gh.AddReview(actOwner, actRepo, actPR, githubfake.Review{User: "carol", State: "APPROVED"})                         // read permission
		w.gh.AddReview(actOwner, actRepo, actPR, githubfake.Review{User: "bob", State: "APPROVED", CommitID: sha("earlier")}) // an older head
		w.refused("alice", "/deploy", bot.ReasonApprovals, "it needs 1 approving review(s) on the current head `"+head[:7]+"` from someone other than the author with write permission; it has 0.")
		if w.psCount.deployCalls() != 0 {
			t.Fatal("deployed without approval")
		}
		w.gh.AddReview(actOwner, actRepo, actPR, githubfake.Review{User: "bob", State: "APPROVED"}) // on the head
		w.deploys("nick")
		wantNoViolations(t, w)
	})
}

// TestCommandTwoDatabases: with two databases /deploy needs --db.
func TestCommandTwoDatabases(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	cfg := "databases:\n  - name: app\n    organization: acme\n    schema: db/app\n  - name: billing\n    organization: acme\n    schema: db/billing\nlint:\n  rules:\n    not-instant: off\n"
	base := w.commit(sha("base2"), "", map[string]string{".ddlbot.yml": cfg, "db/app/users.sql": actUsers, "db/billing/users.sql": actUsers})
	head := w.commit(sha("both2"), base, map[string]string{
		"db/app/users.sql":     actUsersWith("  nick varchar(40) DEFAULT NULL,\n"),
		"db/billing/users.sql": actUsersWith("  plan varchar(20) DEFAULT NULL,\n"),
	})
	w.seed("app", base, "db/app")
	w.seed("billing", base, "db/billing")
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"})
	if r := w.run("opened (two databases)", "pull_request", w.prEvent("opened"), nil); r.out[outDecision] != string(bot.DecisionPlanned) {
		t.Fatal(r)
	}
	w.refused("alice", "/deploy", bot.ReasonWhichDatabase, "this repository has several databases: say which with `--db NAME` (app, billing).")
	w.refused("alice", "/deploy --db nope", bot.ReasonWhichDatabase)
	if w.psCount.deployCalls() != 0 {
		t.Fatal("deployed without --db")
	}
	w.done("alice", "/deploy --db billing", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	contains(t, "billing sticky comment", w.sticky("billing"), "#### Deployment of [#1](https://app.planetscale.com/acme/billing/deploy-requests/1): complete pending revert")
	if strings.Contains(w.sticky("app"), "#### Deployment") {
		t.Error("the app comment shows billing's deployment")
	}
	w.wantCheckRun(head, "billing", "success", "Deploy request #1: complete pending revert")
	if !w.productionHas("billing", "users", "plan") || w.productionHas("app", "users", "nick") {
		t.Fatal("the wrong database was deployed")
	}
	wantNoViolations(t, w)
}

// TestCommandDeployErrorsInPlanetScale: another deploy request with a
// conflicting change deploys first and holds the queue: ours fails when it
// starts, the step exits 1.
func TestCommandDeployErrorsInPlanetScale(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.planned(actConfig)
	ctx := context.Background()
	if _, err := w.ps.CreateBranch(ctx, actOwner, "app", ps.CreateBranchRequest{Name: "other", ParentBranch: "main"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ps.WaitBranchReady(ctx, actOwner, "app", "other", time.Now().Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ps.ApplyDDL(ctx, actOwner, "app", "other", []string{"ALTER TABLE users ADD COLUMN nick bigint"}, ps.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	// Gated, so that it holds the queue until it is cut over: once our
	// deployment is queued behind it.
	off := false
	other, err := w.ps.CreateDeployRequest(ctx, actOwner, "app", ps.CreateDeployRequestRequest{Branch: "other", IntoBranch: "main", AutoCutover: &off})
	if err != nil {
		t.Fatal(err)
	}
	w.waitDeployState("app", other.Number, ps.StateReady)
	if _, err := w.ps.DeployDeployRequest(ctx, actOwner, "app", other.Number, ps.DeployOptions{}); err != nil {
		t.Fatal(err)
	}
	w.waitDeployState("app", other.Number, ps.StatePendingCutover)
	cutOver := false
	w.watch = func() bool {
		if dr, err := w.ps.GetDeployRequest(ctx, actOwner, "app", 1); !cutOver && err == nil && dr.DeploymentState == ps.StateQueued {
			if _, err := w.ps.ApplyDeploy(ctx, actOwner, "app", other.Number); err != nil {
				t.Error(err)
			}
			cutOver = true
		}
		return false
	}

	r, id := w.command("alice", "/deploy", nil)
	w.watch = nil
	if r.code != 1 || !cutOver {
		t.Fatalf("want exit 1 (other cut over: %v): %s", cutOver, r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: ps.StateCompleteError, outDeploymentSt: ps.StateCompleteError, outDRNumber: "1"})
	wantReactions(t, w.reactions(id), "eyes", "-1")
	contains(t, "reply", w.lastReply("alice"), "is **complete error**", "The deploy failed")
	contains(t, "sticky comment", w.sticky("app"), ": complete error", "PlanetScale: ")
	w.wantCheckRun(head, "app", "failure", "Deploy request #1: complete error")
	contains(t, "log", r.stdout, "::error::ddlbot: ")
	if tables, _ := w.ps.BranchSchema(ctx, actOwner, "app", "main"); !strings.Contains(tables[0].Raw, "`nick` bigint") {
		t.Fatalf("production: %s", tables[0].Raw)
	}
	wantNoViolations(t, w)
}

// TestCommandCallRate follows a realistic deployment (three tables, 15 s
// each at PlanetScale's pace) with the engine's default intervals and
// reports the GitHub calls per minute of deployment.
func TestCommandCallRate(t *testing.T) {
	// A measurement on the real clock (about 55 s), for the numbers in the
	// notes; the deterministic check of the same limit is internal/bot's
	// TestDeployCallRate on a fake clock.
	if os.Getenv("DDLBOT_MEASURE") == "" {
		t.Skip("a 50-second deployment on the real clock: set DDLBOT_MEASURE=1 to measure GitHub calls per minute of deployment")
	}
	t.Parallel()
	w := newActWorld(t, func(c *localscale.Config) { c.OperationDuration = 15 * time.Second })
	w.gh.SetPermission(actOwner, actRepo, "alice", "write")
	tables := map[string]string{"db/schema/users.sql": actUsers}
	for _, name := range []string{"orders", "items"} {
		tables["db/schema/"+name+".sql"] = "CREATE TABLE " + name + " (\n  id bigint NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (id)\n);\n"
	}
	base := w.commit(sha("base3"), "", map[string]string{".ddlbot.yml": actConfig})
	base = w.commit(sha("base3t"), base, tables)
	changes := map[string]string{}
	for p, c := range tables {
		changes[p] = strings.Replace(c, "  PRIMARY KEY", "  note varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)
	}
	head := w.commit(sha("three"), base, changes)
	w.seed("app", base, "db/schema")
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"})
	if r := w.run("opened (three tables)", "pull_request", w.prEvent("opened"), nil); r.out[outDecision] != string(bot.DecisionPlanned) {
		t.Fatal(r)
	}
	r := w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	dr := w.deployRequest("app", 1)
	if n := len(dr.Deployment.DeployOperations); n != 3 {
		t.Fatalf("%d operations", n)
	}
	took := deploymentTook(dr)
	ops := map[string]int{}
	edits := 0 // while following: edits of the comment and of the check run
	for _, c := range r.ghCalls {
		ops[c.OperationID]++
		if c.Method == "PATCH" {
			edits++
		}
	}
	var breakdown []string
	for op, n := range ops {
		breakdown = append(breakdown, fmt.Sprintf("%s %d", op, n))
	}
	sort.Strings(breakdown)
	t.Logf("/deploy of 3 tables: %d GitHub calls (%d writes) over a %s deployment (the job ran %s): %.1f calls per minute of deployment; "+
		"following it: %d edits of the comment and the check run (%.1f per minute); by operation: %s",
		r.ghTotal, r.ghWriteCalls, took.Round(time.Second), r.took.Round(time.Second), float64(r.ghTotal)/took.Minutes(),
		edits, float64(edits)/took.Minutes(), strings.Join(breakdown, ", "))
	// At most one edit of each every 10 s (MinUpdateInterval), plus the
	// first and the last, plus completing the check run.
	if limit := 2*int(r.took/(10*time.Second)) + 5; edits > limit {
		t.Errorf("%d edits while following for %s: more than %d", edits, r.took.Round(time.Second), limit)
	}
	wantNoViolations(t, w)
}

// TestCommandInputsApply: the organization and database inputs apply to
// commands as they do to the pull request flow (the configuration names
// neither).
func TestCommandInputsApply(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	cfg := "databases:\n  - name: shop\n    schema: db/schema\nlint:\n  rules:\n    not-instant: off\n" // no organization, database "shop"
	w.addPR(cfg, nil, nil)
	inputs := map[string]string{inOrganization: actOwner, inDatabase: "app"}
	if r := w.run("opened (inputs)", "pull_request", w.prEvent("opened"), inputs); r.out[outDecision] != string(bot.DecisionPlanned) {
		t.Fatal(r)
	}
	w.done("alice", "/deploy", inputs, map[string]any{outReasonCode: ps.StateCompletePendingRevert, outDRNumber: "1"})
	if !w.productionHas("app", "users", "nick") {
		t.Fatal("not deployed to the database the input names")
	}
	wantNoViolations(t, w)
}
