package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// End-to-end tests of issue 17 ("Deploy only what was reviewed"): what
// reaches production is exactly the schema of the reviewed head commit, for
// this pull request, this repository and this database.

// TestTwoRepositoriesOneDatabase: acme/shop#7 and acme/admin#7 plan into the
// same PlanetScale database; each gets its own branch and deploy request,
// and /deploy on shop#7 never touches admin#7's (issue 17 item 6).
func TestTwoRepositoriesOneDatabase(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig) // shop#7 adds nick: deploy request #1

	admin := w.sibling("admin")
	admin.gh.SetPermission(actOwner, "admin", "alice", "write")
	abase := admin.commit(sha("admin-base"), "", map[string]string{".ddlbot.yml": actConfig, "db/schema/users.sql": actUsers})
	ahead := admin.commit(sha("admin-head"), abase, map[string]string{"db/schema/users.sql": actUsersWith("  age int DEFAULT NULL,\n")})
	admin.gh.AddPullRequest(actOwner, "admin", githubfake.PR{Number: actPR, BaseSHA: abase, HeadSHA: ahead, Author: "alice"})
	r := admin.run("admin: opened", "pull_request", admin.prEvent("opened"), nil)
	adminBranch := bot.BranchName(bot.Repo{Owner: actOwner, Name: "admin"}, actPR)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "2", outBranch: adminBranch})
	if adminBranch == actBranch {
		t.Fatalf("both repositories' pull request #7 use branch %s", actBranch)
	}
	if dr := w.deployRequest("app", 1); dr.Branch != actBranch {
		t.Fatalf("shop's deploy request #1 is on %s, want %s", dr.Branch, actBranch)
	}
	if dr := w.deployRequest("app", 2); dr.Branch != adminBranch || dr.DeploymentState != ps.StateReady {
		t.Fatalf("admin's deploy request #2: branch %s, %s", dr.Branch, dr.DeploymentState)
	}

	w.done("alice", "/deploy", nil, map[string]any{outDRNumber: "1", outBranch: actBranch})
	if !w.productionHas("app", "users", "nick") || w.productionHas("app", "users", "age") {
		t.Fatal("production does not hold exactly shop#7's change")
	}
	if dr := w.deployRequest("app", 2); dr.DeploymentState != ps.StateReady || dr.State != ps.DeployRequestOpen {
		t.Fatalf("/deploy on shop#7 touched admin#7's deploy request: %s %s", dr.State, dr.DeploymentState)
	}
	contains(t, "admin's sticky comment", admin.sticky("app"), `"branch":"`+adminBranch+`"`, `"deploy_request":2`)
	if n := w.psCount.deployCalls(); n != 1 {
		t.Fatalf("%d deploy calls", n)
	}
	wantNoViolations(t, w)
}

// legacyPlanned sets up pull request #7 as an earlier ddlbot planned it:
// branch ddlbot-pr-7 at the head's schema, deploy request #1 from it, and
// the sticky comment naming them, written by the bot.
func legacyPlanned(t *testing.T, w *actWorld) (head string) {
	t.Helper()
	ctx := context.Background()
	_, head = w.addPR(actConfig, nil, nil)
	legacy := bot.LegacyBranchName(actPR)
	if _, err := w.ps.CreateBranch(ctx, actOwner, "app", ps.CreateBranchRequest{Name: legacy, ParentBranch: "main"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ps.WaitBranchReady(ctx, actOwner, "app", legacy, time.Now().Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ps.ApplyDDL(ctx, actOwner, "app", legacy, []string{"ALTER TABLE `users` ADD COLUMN `nick` varchar(40) DEFAULT NULL AFTER `email`"}, ps.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	dr, err := w.ps.CreateDeployRequest(ctx, actOwner, "app", ps.CreateDeployRequestRequest{Branch: legacy, IntoBranch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	w.waitDeployState("app", dr.Number, ps.StateReady)
	state := fmt.Sprintf(`<!-- ddlbot:state {"v":1,"db":"app","branch":%q,"deploy_request":%d,"head_sha":%q} -->`, legacy, dr.Number, head)
	w.gh.AddComment(actOwner, actRepo, actPR, "github-actions[bot]", bot.Marker("app")+"\n"+state+"\n\n### ddlbot · `app`\n\nDeploy request #1: **ready**\n")
	return head
}

// TestLegacyBranchState: a pull request planned before branch names named
// the repository keeps working: /deploy deploys its deploy request, closing
// it cleans up ddlbot-pr-7, and a re-plan moves it to its own branch
// (issue 17 item 6).
func TestLegacyBranchState(t *testing.T) {
	t.Parallel()
	legacy := bot.LegacyBranchName(actPR)
	cmdSubtest(t, "deploy", func(t *testing.T, w *actWorld) {
		legacyPlanned(t, w)
		w.done("alice", "/deploy", nil, map[string]any{outDRNumber: "1", outBranch: legacy})
		if !w.productionHas("app", "users", "nick") {
			t.Fatal("not deployed")
		}
	})
	cmdSubtest(t, "close", func(t *testing.T, w *actWorld) {
		legacyPlanned(t, w)
		w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.State = "closed" })
		r := w.run("closed", "pull_request", w.prEvent("closed"), nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionClosed})
		contains(t, "sticky comment", w.sticky("app"), "deploy request #1 closed and branch `"+legacy+"` deleted")
		if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", legacy); !ps.IsNotFound(err) {
			t.Fatalf("branch %s: %v", legacy, err)
		}
		if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestClosed {
			t.Fatalf("deploy request #1 is %s", dr.State)
		}
	})
	cmdSubtest(t, "replan", func(t *testing.T, w *actWorld) {
		legacyPlanned(t, w)
		r := w.run("synchronize", "pull_request", w.prEvent("synchronize"), nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "2", outBranch: actBranch})
		contains(t, "sticky comment", visible(w.sticky("app")), "moved from branch `"+legacy+"`", "to its own branch `"+actBranch+"`")
		if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", legacy); !ps.IsNotFound(err) {
			t.Fatalf("branch %s: %v", legacy, err)
		}
		if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestClosed {
			t.Fatalf("deploy request #1 is %s", dr.State)
		}
		w.done("alice", "/deploy", nil, map[string]any{outDRNumber: "2"})
		if !w.productionHas("app", "users", "nick") || strings.Contains(w.sticky("app"), `"branch":"`+legacy) {
			t.Fatal("not deployed from the new branch")
		}
	})
}

// TestDeployRefusesTamperedBranch: someone changes the pull request's
// branch in PlanetScale between the plan and /deploy (a column added over
// MySQL): the pre-deploy check compares the branch with the reviewed head,
// refuses, says what differs, and nothing is deployed (issue 17, the check
// before every DeployDeployRequest).
func TestDeployRefusesTamperedBranch(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig)
	if _, err := w.ps.ApplyDDL(context.Background(), actOwner, "app", actBranch, []string{"ALTER TABLE `users` ADD COLUMN `evil` int"}, ps.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	w.refused("alice", "/deploy", bot.ReasonNotReviewed, "what deploy request #1 would deploy is not what was reviewed, so nothing was deployed",
		"branch `"+actBranch+"` does not hold the schema of the head", "DROP COLUMN `evil`", "`/plan`")
	if n := w.psCount.deployCalls(); n != 0 {
		t.Fatalf("%d deploy calls", n)
	}
	if w.productionHas("app", "users", "evil") || w.productionHas("app", "users", "nick") {
		t.Fatal("production changed")
	}
	// /plan brings the branch back to the head; then /deploy ships exactly it.
	if r, _ := w.command("alice", "/plan", nil); r.code != 0 {
		t.Fatal(r)
	}
	w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	if w.productionHas("app", "users", "evil") || !w.productionHas("app", "users", "nick") {
		t.Fatal("production does not hold exactly the reviewed head")
	}
	wantNoViolations(t, w)
}

// slowDeploys keeps a deployment in_progress for minutes.
func slowDeploys(c *localscale.Config) { c.OperationDuration = 24 * time.Hour }

// startDeploy deploys deploy request n as someone in PlanetScale's UI would,
// and waits until it runs.
func (w *actWorld) startDeploy(n int) {
	w.t.Helper()
	if _, err := w.ps.DeployDeployRequest(context.Background(), actOwner, "app", n, ps.DeployOptions{}); err != nil {
		w.t.Fatal(err)
	}
	w.waitDeployState("app", n, ps.StateInProgress)
}

// branchHas reports whether a branch's users table has a column.
func (w *actWorld) branchHas(branch, column string) bool {
	w.t.Helper()
	tables, err := w.ps.BranchSchema(context.Background(), actOwner, "app", branch)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, tb := range tables {
		if tb.Name == "users" {
			return strings.Contains(tb.Raw, "`"+column+"`")
		}
	}
	return false
}

// TestPushAfterDeploy: a push after /deploy never touches the deployed or
// deploying branch: it is planned as a new deploy request on a new branch,
// the report says so, and /deploy then ships the new head (issue 17 item 4).
func TestPushAfterDeploy(t *testing.T) {
	t.Parallel()
	gen2 := actBranch + "-2"
	cmdSubtest(t, "deployed", func(t *testing.T, w *actWorld) {
		head := w.planned(actConfig)
		w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
		// The same head planned again (a re-run) finds it deployed: nothing new.
		r := w.run("synchronize (same head)", "pull_request", w.prEvent("synchronize"), nil)
		wantOutputs(t, r, map[string]any{outDRNumber: "1", outBranch: actBranch, outDeploymentSt: ps.StateCompletePendingRevert})
		if drs, err := w.ps.ListDeployRequests(context.Background(), actOwner, "app", ps.ListDeployRequestsOptions{}); err != nil || len(drs) != 1 {
			t.Fatalf("a re-run of a deployed head opened a deploy request: %d %v", len(drs), err)
		}
		head2 := w.pushAge(head)
		r = w.run("synchronize", "pull_request", w.prEvent("synchronize"), nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "2", outBranch: gen2, outDeploymentSt: ps.StateReady})
		contains(t, "sticky comment", w.sticky("app"), "of branch `"+actBranch+"` is complete pending revert, so this push does not touch it: it is planned as a new deploy request on branch `"+gen2+"`",
			`"branch":"`+gen2+`"`, `"deploy_request":2`, `"head_sha":"`+head2+`"`)
		if w.branchHas(actBranch, "age") {
			t.Fatal("the deployed branch was changed")
		}
		w.done("alice", "/deploy", nil, map[string]any{outDRNumber: "2", outReasonCode: ps.StateCompletePendingRevert})
		if !w.productionHas("app", "users", "age") {
			t.Fatal("the push never reached production")
		}
	})
	t.Run("deploying", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t, slowDeploys)
		head := w.planned(actConfig)
		w.startDeploy(1)
		w.pushAge(head)
		r := w.run("synchronize", "pull_request", w.prEvent("synchronize"), nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "2", outBranch: gen2})
		contains(t, "sticky comment", w.sticky("app"), "of branch `"+actBranch+"` is in progress, so this push does not touch it")
		if w.branchHas(actBranch, "age") {
			t.Fatal("DDL was applied to the branch under a running deployment")
		}
		if dr := w.deployRequest("app", 1); dr.DeploymentState != ps.StateInProgress {
			t.Fatalf("deploy request #1 is %s", dr.DeploymentState)
		}
		if n := w.psCount.deployCalls(); n != 1 {
			t.Fatalf("%d deploy calls", n)
		}
		// /cancel still reaches the running deployment of #1, though the
		// plan now names #2.
		w.done("alice", "/cancel", nil, map[string]any{outReasonCode: ps.StateCompleteCancel, outDRNumber: "1"})
		if dr := w.deployRequest("app", 2); dr.DeploymentState != ps.StateReady {
			t.Fatalf("deploy request #2 is %s", dr.DeploymentState)
		}
	})
}

// TestTransientErrorKeepsDeployRequest: PlanetScale fails while a push is
// re-planned under a running deployment: the sticky state keeps deploy
// request #1, and closing the pull request leaves the deployment and its
// branch alone (issue 17 item 7).
func TestTransientErrorKeepsDeployRequest(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t, slowDeploys)
	head := w.planned(actConfig)
	w.startDeploy(1)
	w.pushAge(head)
	// Every attempt of the first call that reads PlanetScale's deploy requests fails.
	w.ls.InjectFaults(localscale.FaultRule{Method: "GET", Path: "/databases/app/deploy-requests", Times: 1 + ps.DefaultMaxRetries})
	r := w.run("synchronize (500s)", "pull_request", w.prEvent("synchronize"), nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outDRNumber: "1", outBranch: actBranch})
	if n := w.ls.PendingFaults(); n != 0 {
		t.Fatalf("%d injected faults not reached", n)
	}
	contains(t, "sticky comment", w.sticky("app"), `"deploy_request":1`, `"head_sha":"`+head+`"`, "nothing was changed")
	if w.branchHas(actBranch, "age") {
		t.Fatal("DDL was applied to the branch under a running deployment")
	}

	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.State = "closed" })
	r = w.run("closed", "pull_request", w.prEvent("closed"), nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionClosed})
	contains(t, "sticky comment", w.sticky("app"), "Deploy request #1 is in_progress, so it and branch `"+actBranch+"` are left as they are.")
	if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", actBranch); err != nil {
		t.Fatalf("the branch of a running deployment: %v", err)
	}
	if dr := w.deployRequest("app", 1); dr.DeploymentState != ps.StateInProgress || dr.State != ps.DeployRequestOpen {
		t.Fatalf("deploy request #1: %s %s", dr.State, dr.DeploymentState)
	}
}

// TestDeployLostResponse: PlanetScale deploys but its answer is lost, and
// the client's re-check fails too: ddlbot reads the deploy request again,
// finds it deploying and follows it to the end, instead of reporting
// "PlanetScale refused" while production deploys (issue 17 item 10).
func TestDeployLostResponse(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig)
	w.ls.InjectFaults(
		localscale.FaultRule{Method: "POST", Path: "/databases/app/deploy-requests/1/deploy", Lost: true},
		// /deploy reads #1 twice before deploying (the command's checks and
		// the pre-deploy verification); every attempt of the client's
		// re-check after the lost answer fails.
		localscale.FaultRule{Method: "GET", Path: "/databases/app/deploy-requests/1", Skip: 2, Times: 1 + ps.DefaultMaxRetries},
	)
	r, id := w.command("alice", "/deploy", nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert, outDRNumber: "1"})
	if n := w.ls.PendingFaults(); n != 0 {
		t.Fatalf("%d injected faults not reached", n)
	}
	wantReactions(t, w.reactions(id), "eyes", "rocket")
	var said bool
	for _, c := range w.comments() {
		said = said || strings.Contains(c.Body, "PlanetScale's answer to the deploy of #1 was lost, but the deploy request is ")
		if strings.Contains(c.Body, "refused") {
			t.Errorf("a comment says PlanetScale refused: %q", c.Body)
		}
	}
	if !said {
		t.Error("no reply says the answer was lost and the deployment is followed")
	}
	if !w.productionHas("app", "users", "nick") || w.psCount.deployCalls() != 1 {
		t.Fatalf("production has nick: %v; %d deploy calls", w.productionHas("app", "users", "nick"), w.psCount.deployCalls())
	}
	wantNoViolations(t, w)
}

// TestDeployRetriedAfterFault: PlanetScale answers the deploy with 500s
// past the client's own retries, and nothing starts: ddlbot asks again a
// little later and deploys once, instead of "PlanetScale refused" for a
// fault that passes. Faults that outlast its attempts get the refusal.
func TestDeployRetriedAfterFault(t *testing.T) {
	t.Parallel()
	deploy := "/databases/app/deploy-requests/1/deploy"
	t.Run("passes", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t)
		w.planned(actConfig)
		w.ls.InjectFaults(localscale.FaultRule{Method: "POST", Path: deploy, Times: 1 + ps.DefaultMaxRetries})
		r, id := w.command("alice", "/deploy", nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert, outDRNumber: "1"})
		if n := w.ls.PendingFaults(); n != 0 {
			t.Fatalf("%d injected faults not reached", n)
		}
		wantReactions(t, w.reactions(id), "eyes", "rocket")
		for _, c := range w.comments() {
			if strings.Contains(c.Body, "refused") {
				t.Errorf("a comment says PlanetScale refused: %q", c.Body)
			}
		}
		if !w.productionHas("app", "users", "nick") || w.psCount.acceptedDeploys() != 1 {
			t.Fatalf("production has nick: %v; %d deploy calls accepted", w.productionHas("app", "users", "nick"), w.psCount.acceptedDeploys())
		}
		wantNoViolations(t, w)
	})
	t.Run("outlasts the attempts", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t)
		w.planned(actConfig)
		w.ls.InjectFaults(localscale.FaultRule{Method: "POST", Path: deploy, Times: 3 * (1 + ps.DefaultMaxRetries)})
		r, _ := w.command("alice", "/deploy", nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: bot.ReasonPlanetScaleError})
		if n := w.ls.PendingFaults(); n != 0 {
			t.Fatalf("%d injected faults not reached: ddlbot asked fewer than 3 times", n)
		}
		if w.productionHas("app", "users", "nick") || w.psCount.acceptedDeploys() != 0 {
			t.Fatalf("deployed after all: %d deploy calls accepted", w.psCount.acceptedDeploys())
		}
	})
}

// TestConfigFromDefaultBranch: the configuration comes from the default
// branch, never from the pull request's base. A pull request into a side
// branch whose .ddlbot.yml is permissive is linted and planned, but cannot
// /deploy unless the default branch's configuration lists that branch in
// deploy.base_branches (issue 17 item 1).
func TestConfigFromDefaultBranch(t *testing.T) {
	t.Parallel()
	strict := strings.Replace(actConfig, "lint:", "deploy:\n  min_permission: admin\nlint:", 1)
	// sidePR commits the default branch (main) with mainCfg and a side
	// branch with a configuration anyone may deploy with, and opens #7 into side.
	sidePR := func(t *testing.T, mainCfg string) *actWorld {
		w := newCmdWorld(t)
		files := map[string]string{".ddlbot.yml": mainCfg, "db/schema/users.sql": actUsers}
		w.commit("main", "", files)
		side := w.commit(sha("side"), "main", map[string]string{".ddlbot.yml": strings.Replace(actConfig, "lint:", "deploy:\n  min_permission: read\nlint:", 1)})
		head := w.commit(sha("side-head"), side, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
		w.seed("app", "main", "db/schema")
		w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: side, BaseRef: "side", HeadSHA: head, Author: "alice"})
		r := w.run("opened into side", "pull_request", w.prEvent("opened"), nil)
		wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "1", outDeploymentSt: ps.StateReady})
		return w
	}
	t.Run("the default branch's permissions govern", func(t *testing.T) {
		t.Parallel()
		w := sidePR(t, strict)
		w.refused("alice", "/deploy", bot.ReasonPermission, "it needs at least admin permission")
		if n := w.psCount.deployCalls(); n != 0 || w.productionHas("app", "users", "nick") {
			t.Fatalf("deployed (%d deploy calls)", n)
		}
	})
	t.Run("a side branch does not deploy", func(t *testing.T) {
		t.Parallel()
		w := sidePR(t, actConfig)
		contains(t, "sticky comment", visible(w.sticky("app")), "`/deploy` is not available: this pull request goes into `side`, not the default branch `main`")
		w.refused("alice", "/deploy", bot.ReasonBaseBranch, "this pull request goes into `side`, not the default branch `main`", "`deploy.base_branches`")
		if n := w.psCount.deployCalls(); n != 0 || w.productionHas("app", "users", "nick") {
			t.Fatalf("deployed (%d deploy calls)", n)
		}
	})
	t.Run("unless the default branch lists it", func(t *testing.T) {
		t.Parallel()
		w := sidePR(t, strings.Replace(actConfig, "lint:", "deploy:\n  base_branches: [side]\nlint:", 1))
		w.deploys("nick")
	})
}
