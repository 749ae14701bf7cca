package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
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
	wantOutputs(t, r, map[string]string{outDecision: bot.DecisionPlanned, outDRNumber: "2", outBranch: adminBranch})
	if adminBranch == actBranch {
		t.Fatalf("both repositories' pull request #7 use branch %s", actBranch)
	}
	if dr := w.deployRequest("app", 1); dr.Branch != actBranch {
		t.Fatalf("shop's deploy request #1 is on %s, want %s", dr.Branch, actBranch)
	}
	if dr := w.deployRequest("app", 2); dr.Branch != adminBranch || dr.DeploymentState != ps.StateReady {
		t.Fatalf("admin's deploy request #2: branch %s, %s", dr.Branch, dr.DeploymentState)
	}

	r, _ = w.command("alice", "/deploy", nil)
	wantOutputs(t, r, map[string]string{outDecision: bot.DecisionDone, outDRNumber: "1", outBranch: actBranch})
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
	base := w.commit(sha("base"), "", map[string]string{".ddlbot.yml": actConfig, "db/schema/users.sql": actUsers})
	head = w.commit(sha("head1"), base, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
	w.seed("app", base, "db/schema")
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"})
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
	t.Run("deploy", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t)
		legacyPlanned(t, w)
		r, _ := w.command("alice", "/deploy", nil)
		wantOutputs(t, r, map[string]string{outDecision: bot.DecisionDone, outDRNumber: "1", outBranch: legacy})
		if !w.productionHas("app", "users", "nick") {
			t.Fatal("not deployed")
		}
	})
	t.Run("close", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t)
		legacyPlanned(t, w)
		w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.State = "closed" })
		r := w.run("closed", "pull_request", w.prEvent("closed"), nil)
		wantOutputs(t, r, map[string]string{outDecision: bot.DecisionClosed})
		contains(t, "sticky comment", w.sticky("app"), "deploy request #1 closed and branch `"+legacy+"` deleted")
		if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", legacy); !ps.IsNotFound(err) {
			t.Fatalf("branch %s: %v", legacy, err)
		}
		if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestClosed {
			t.Fatalf("deploy request #1 is %s", dr.State)
		}
	})
	t.Run("replan", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t)
		legacyPlanned(t, w)
		r := w.run("synchronize", "pull_request", w.prEvent("synchronize"), nil)
		wantOutputs(t, r, map[string]string{outDecision: bot.DecisionPlanned, outDRNumber: "2", outBranch: actBranch})
		contains(t, "sticky comment", visible(w.sticky("app")), "moved from branch `"+legacy+"`", "to its own branch `"+actBranch+"`")
		if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", legacy); !ps.IsNotFound(err) {
			t.Fatalf("branch %s: %v", legacy, err)
		}
		if dr := w.deployRequest("app", 1); dr.State != ps.DeployRequestClosed {
			t.Fatalf("deploy request #1 is %s", dr.State)
		}
		r, _ = w.command("alice", "/deploy", nil)
		wantOutputs(t, r, map[string]string{outDecision: bot.DecisionDone, outDRNumber: "2"})
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
	r, id := w.command("alice", "/deploy", nil)
	wantOutputs(t, r, map[string]string{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonNotReviewed})
	wantReactions(t, w.reactions(id), "eyes", "-1")
	contains(t, "reply", w.lastReply("alice"), "what deploy request #1 would deploy is not what was reviewed, so nothing was deployed",
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
	r, _ = w.command("alice", "/deploy", nil)
	wantOutputs(t, r, map[string]string{outDecision: bot.DecisionDone, outReasonCode: ps.StateCompletePendingRevert})
	if w.productionHas("app", "users", "evil") || !w.productionHas("app", "users", "nick") {
		t.Fatal("production does not hold exactly the reviewed head")
	}
	wantNoViolations(t, w)
}
