package main

import (
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// merge marks pull request #7 merged by user and runs the binary on its
// closed event, which must exit 0 with the outputs of want.
func (w *actWorld) merge(user string, want map[string]any) actResult {
	w.t.Helper()
	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.State, p.Merged, p.MergedBy = "closed", true, user })
	r := w.run("closed (merged by "+user+")", "pull_request", w.prEvent("closed"), nil)
	if r.code != 0 {
		w.t.Fatal(r)
	}
	wantOutputs(w.t, r, want)
	return r
}

// TestMergeWithoutOnMerge: merging a pull request whose change was never
// deployed leaves its deploy request open and says so on the pull request
// (comment and an action_required check run); production is unchanged. The
// next pull request's plan shows the change as drift. /deploy on the merged
// pull request still deploys it.
func TestMergeWithoutOnMerge(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.planned(actConfig)
	w.merge("bob", map[string]any{outDecision: bot.DecisionClosed, outReasonCode: bot.ReasonMergedNotDeployed, outDRNumber: "1", outDeploymentSt: ps.StateReady})
	sticky := w.sticky("app")
	contains(t, "sticky comment", sticky, "**Merged, not deployed.** Production does not have this change: deploy request [#1](",
		"comment `/deploy` on this pull request", "`deploy.on_merge: true` deploys on merge", "ADD COLUMN `nick`", `"deploy_request":1`)
	w.wantCheckRun(head, "app", "action_required", "Merged, not deployed: deploy request #1 is open")
	if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestOpen || dr.DeploymentState != ps.StateReady {
		t.Fatalf("deploy request after the merge: %s %s", dr.State, dr.DeploymentState)
	}
	if w.productionHas("app", "users", "nick") {
		t.Fatal("production changed on a merge without on_merge")
	}
	// The same delivery again: nothing new.
	before := len(w.comments())
	if r := w.merge("bob", nil); len(w.comments()) != before {
		t.Fatalf("duplicate merge delivery: %d comments, was %d\n%s", len(w.comments()), before, r)
	}

	// The next pull request, from the merged main: its plan shows the undeployed change as drift.
	merged := w.commit(sha("merged main"), head, nil)
	next := w.commit(sha("next head"), merged, map[string]string{"db/schema/orders.sql": "CREATE TABLE orders (id bigint NOT NULL, PRIMARY KEY (id));\n"})
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: 8, BaseSHA: merged, HeadSHA: next, Author: "carol"})
	r := w.run("opened #8", "pull_request", w.gh.PullRequestEvent(t, "opened", actOwner, actRepo, 8, nil), nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outReasonCode: bot.ReasonDrift})
	var plan8 string
	for _, c := range w.gh.Comments(actOwner, actRepo, 8) {
		if strings.Contains(c.Body, bot.Marker("app")) {
			plan8 = c.Body
		}
	}
	contains(t, "plan of #8", plan8, "**Production differs from ", "- `users`: differs: an undeployed merged change")
	if cr := w.checkRun(next, "ddlbot/app"); cr == nil || cr.Conclusion != "action_required" {
		t.Fatalf("check run of #8: %+v", cr)
	}

	// /deploy on the merged pull request deploys its deploy request.
	w.deploys("nick")
	if strings.Contains(visible(w.sticky("app")), "Merged, not deployed") {
		t.Errorf("the comment still says the change is not deployed:\n%s", visible(w.sticky("app")))
	}
	wantNoViolations(t, w)
}

// TestMergeOnMerge: with deploy.on_merge the merge deploys, through the
// checks of /deploy. required_approvals 1 and no review: the merge counts as
// the approval only where the branch's protection requires a review (here a
// ruleset, which the Actions token can read).
func TestMergeOnMerge(t *testing.T) {
	t.Parallel()
	cfg := actConfig + "deploy:\n  on_merge: true\n  required_approvals: 1\n"

	cmdSubtest(t, "protected", func(t *testing.T, w *actWorld) {
		w.gh.RequireReviews(actOwner, actRepo, "main", 1, true)
		head := w.planned(cfg)
		contains(t, "plan", w.sticky("app"), "needs 1 approving review of head", "or merge the pull request (`deploy.on_merge` deploys it then")
		w.merge("bob", map[string]any{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert, outDRNumber: "1"})
		if !w.productionHas("app", "users", "nick") {
			t.Fatal("production lacks nick after the merge")
		}
		w.wantCheckRun(head, "app", "success", "Deploy request #1: complete pending revert")
		sticky := w.sticky("app")
		contains(t, "sticky comment", sticky, "#### Deployment of [#1](", ": complete pending revert", "Deploy request [#1](https://app.planetscale.com/acme/app/deploy-requests/1): **complete pending revert**")
		if v := visible(sticky); strings.Contains(v, "**ready**") || strings.Contains(v, "Next step") {
			t.Errorf("after the deploy the comment still says ready, or a next step of the plan:\n%s", v)
		}
		contains(t, "reply", w.lastReply("bob"), "is **complete pending revert**")
		wantNoViolations(t, w)
	})

	cmdSubtest(t, "unprotected", func(t *testing.T, w *actWorld) {
		head := w.planned(cfg)
		w.merge("bob", map[string]any{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonApprovals, outDRNumber: "1"})
		contains(t, "reply", w.lastReply("bob"), "The merge did not deploy (`deploy.on_merge`): it needs 1 approving review(s) on the merged head",
			"the merge counts as approval only where the protection of `main` requires 1")
		sticky := w.sticky("app")
		contains(t, "sticky comment", sticky, "**Merged, not deployed.**", "The merge did not deploy it (`deploy.on_merge`): it needs 1 approving review(s) on the merged head `")
		if v := visible(sticky); strings.Contains(v, "Next step") || strings.Contains(v, "\\`") {
			t.Errorf("after the merge the comment still shows the plan's next step, or escaped code:\n%s", v)
		}
		w.wantCheckRun(head, "app", "action_required", "Merged, not deployed: deploy request #1 is open")
		if w.productionHas("app", "users", "nick") || w.deployRequest("app", 1).State != ps.DeployRequestOpen {
			t.Fatal("production changed, or the deploy request was closed")
		}
		if n := w.psCount.deployCalls(); n != 0 {
			t.Fatalf("%d deploy calls", n)
		}
	})

	cmdSubtest(t, "merged by a reader", func(t *testing.T, w *actWorld) {
		w.gh.RequireReviews(actOwner, actRepo, "main", 1, true)
		w.planned(cfg)
		w.merge("carol", map[string]any{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonPermission})
		if w.productionHas("app", "users", "nick") {
			t.Fatal("production changed")
		}
	})
}

// TestClosedUnmergedClosesDeployRequest: a pull request closed without
// merging still closes its deploy request, even with deploy.on_merge.
func TestClosedUnmergedClosesDeployRequest(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig + "deploy:\n  on_merge: true\n")
	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.State = "closed" })
	r := w.run("closed", "pull_request", w.prEvent("closed"), nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionClosed, outReasonCode: "closed"})
	if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestClosed {
		t.Fatalf("deploy request %s", dr.State)
	}
	if w.productionHas("app", "users", "nick") {
		t.Fatal("production changed")
	}
	contains(t, "sticky comment", w.sticky("app"), "deploy request #1 closed and branch `"+actBranch+"` deleted")
}
