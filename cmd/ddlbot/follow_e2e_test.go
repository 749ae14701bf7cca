package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// The end-to-end tests of following deployments past the job that started
// them: a /deploy whose job stops following at its wait-timeout, then
// `ddlbot action` on schedule and workflow_dispatch events (the example
// workflow's follow job) bringing the pull request up to date.

// longDeploys: an ALTER TABLE takes 5 s (at the command worlds' speed), so a
// /deploy with wait-timeout 1 stops following while it runs, even on a busy
// machine; the revert window ends at once, so a deployment ends at complete.
func longDeploys(c *localscale.Config) {
	c.OperationDuration = 100 * time.Second
	c.RevertWindow = time.Millisecond
}

func (w *actWorld) schedule(label string, inputs map[string]string) actResult {
	w.t.Helper()
	return w.run(label, "schedule", []byte(`{"schedule":"*/5 * * * *"}`), inputs)
}

func (w *actWorld) dispatch(label string, inputs map[string]string) actResult {
	w.t.Helper()
	payload := githubfake.AdaptWebhook(w.t, githubfake.LoadWebhook(w.t, "workflow_dispatch"), map[string]any{
		"repository.name": w.repoName(), "repository.full_name": actOwner + "/" + w.repoName(), "repository.owner.login": actOwner,
	})
	return w.run(label, "workflow_dispatch", payload, inputs)
}

// deployTimesOut comments /deploy (args appended) with wait-timeout 1 (a bare
// number of seconds): the job stops following while the deployment runs.
// It returns the in-progress check run the command left.
func (w *actWorld) deployTimesOut(head, args string) *githubfake.CheckRun {
	w.t.Helper()
	r, _ := w.command("alice", strings.TrimSpace("/deploy "+args), map[string]string{inWaitTimeout: "1"})
	wantOutputs(w.t, r, map[string]any{outDecision: bot.DecisionFollowTimeout, outReasonCode: bot.ReasonFollowTimeout})
	contains(w.t, "reply", w.lastReply("alice"), "Stopped following deploy request #", "after 1s")
	cr := w.checkRun(head, bot.CheckName("app"))
	if cr == nil || cr.Status != "in_progress" {
		w.t.Fatalf("the command's check run %+v", cr)
	}
	return cr
}

// TestFollowOnSchedule: the schedule's run after the deployment finished
// shows it finished (comment, the command's check run, one reply); a second
// run changes nothing; an open pull request without ddlbot's comment is
// skipped.
func TestFollowOnSchedule(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t, longDeploys)
	head := w.planned(actConfig)
	w.gh.AddPullRequest(actOwner, w.repoName(), githubfake.PR{Number: 8, BaseSHA: sha("base"), HeadSHA: head, Author: "bob"})
	cr := w.deployTimesOut(head, "")

	dr := w.waitDeployState("app", 1, ps.StateComplete)
	comments := len(w.comments())
	r := w.schedule("schedule (finished)", nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefreshed, outReasonCode: bot.ReasonFollowed,
		outDRNumber: "1", outDeploymentSt: ps.StateComplete, outDRURL: dr.HTMLURL})
	contains(t, "sticky comment", w.sticky("app"), "#### Deployment of [#1]", ": complete\n", "| `users` | ALTER · complete |", "Deployed.")
	got := w.wantCheckRun(head, "app", "success", "Deploy request #1: complete")
	if got.ID != cr.ID {
		t.Errorf("a new check run %d: want the command's %d completed", got.ID, cr.ID)
	}
	if n := len(w.comments()); n != comments+1 {
		t.Fatalf("%d new comments, want the one reply", n-comments)
	}
	last := w.comments()[comments].Body
	contains(t, "reply", last, "Deploy request [#1](", "is **complete** (took ", "Deployed.")
	if strings.HasPrefix(last, "@") {
		t.Errorf("the reply mentions someone: %q", last)
	}
	contains(t, "job summary", r.summary, "### ddlbot: deployments in progress", "- #7 `app`: deploy request [#1](", ") is complete (complete)", "#### Pull request #7")
	if strings.Contains(r.summary, "#8") {
		t.Errorf("the summary names #8, which has no deployment:\n%s", r.summary)
	}

	// Idempotent: the next scheduled run writes nothing.
	r = w.schedule("schedule (again)", nil)
	if r.code != 0 || r.ghWriteCalls != 0 || r.psWrites != 0 || len(w.comments()) != comments+1 {
		t.Fatalf("second run: %d GitHub writes, %d PlanetScale writes, %d new comments: %s", r.ghWriteCalls, r.psWrites, len(w.comments())-comments-1, r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefreshed, outReasonCode: bot.ReasonNothingToFollow, outDRNumber: ""})
	contains(t, "job summary", r.summary, "no deployment in progress on the 2 open pull request(s)")
	if w.psCount.deployCalls() != 1 {
		t.Fatalf("deploy calls %d", w.psCount.deployCalls())
	}
	wantNoViolations(t, w)
}

// TestFollowOnDispatch: started by hand while a gated deployment runs, the
// run polls it (within wait-timeout) until it waits for its cutover.
func TestFollowOnDispatch(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t, longDeploys)
	head := w.planned(actConfig)
	w.deployTimesOut(head, "--gated")

	r := w.dispatch("workflow_dispatch (running)", map[string]string{inWaitTimeout: "30"})
	if r.code != 0 {
		t.Fatal(r)
	}
	// --gated replaced deploy request #1 by the gated #2.
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefreshed, outReasonCode: bot.ReasonFollowed,
		outDRNumber: "2", outDeploymentSt: ps.StatePendingCutover})
	if r.took > 20*time.Second {
		t.Errorf("the run took %s for a 5 s deployment", r.took)
	}
	contains(t, "sticky comment", w.sticky("app"), "#### Deployment of [#2]", ": pending cutover\n", "Ready to cut over: comment `/cutover`")
	w.wantCheckRun(head, "app", "neutral", "Deploy request #2: pending cutover")
	cs := w.comments()
	contains(t, "reply", cs[len(cs)-1].Body, "is **pending cutover**", "/cutover")

	// Nothing moves while it waits for the cutover: nothing is written.
	r = w.dispatch("workflow_dispatch (waiting)", nil)
	if r.code != 0 || r.ghWriteCalls != 0 {
		t.Fatalf("%d GitHub writes: %s", r.ghWriteCalls, r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefreshed, outReasonCode: bot.ReasonFollowed, outDeploymentSt: ps.StatePendingCutover})
	contains(t, "job summary", r.summary, ") is pending cutover (unchanged)")
	wantNoViolations(t, w)
}

// TestFollowNeedsPlanetScale: a schedule run without the PlanetScale token
// says so and exits 2; it touches nothing.
func TestFollowNeedsPlanetScale(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig)
	r := w.schedule("schedule (no token)", map[string]string{inPSTokenID: "-", inPSToken: "-"})
	if r.code != 2 || r.ghWriteCalls != 0 {
		t.Fatalf("want exit 2 and no writes: %s", r)
	}
	contains(t, "log", r.stdout, "::error::ddlbot: a schedule run follows the deployments in progress, which needs a PlanetScale service token")
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: reasonCredentials})
}
