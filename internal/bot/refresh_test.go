package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// refreshGitHub adds the open pull requests to the commands' fake: #7 (the
// deploy world's) and others given by number, each with its own sticky
// comment (others) or none, or whose comments cannot be read (broken).
type refreshGitHub struct {
	*commandGitHub
	others  map[int]github.PullRequest
	sticky  map[int]string // number → the bot's sticky comment of "app"
	broken  map[int]bool
	listErr error
}

func (f *refreshGitHub) OpenPullRequests(context.Context, string, string) ([]github.PullRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("list-pulls")
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := []github.PullRequest{}
	for _, pr := range f.others {
		out = append(out, pr)
	}
	if f.pr.State == "open" {
		out = append(out, f.pr)
	}
	return out, nil
}

func (f *refreshGitHub) FindStickyComment(ctx context.Context, owner, repo string, n int, marker string) (*github.Comment, error) {
	f.mu.Lock()
	if f.broken[n] {
		f.mu.Unlock()
		return nil, fmt.Errorf("list comments of #%d: 502 Bad Gateway", n)
	}
	if n != f.pr.Number {
		defer f.mu.Unlock()
		f.count("find-comment")
		if b, ok := f.sticky[n]; ok && marker == Marker("app") {
			return &github.Comment{ID: int64(n), Body: b}, nil
		}
		return nil, nil
	}
	f.mu.Unlock()
	return f.commandGitHub.FindStickyComment(ctx, owner, repo, n, marker)
}

// newRefreshWorld is a deploy world whose /deploy stopped following after
// 3 s (the job's wait) with the deployment in progress (an ALTER takes 20 s).
func newRefreshWorld(t *testing.T) (*deployWorld, *refreshGitHub) {
	t.Helper()
	d := newDeployWorld(t, "")
	rg := &refreshGitHub{commandGitHub: d.gh, others: map[int]github.PullRequest{}, sticky: map[int]string{}, broken: map[int]bool{}}
	d.engine.GitHub = rg
	d.engine.Options.FollowTimeout = 3 * time.Second
	if out := d.comment("dev", "/deploy"); out.Decision != DecisionFollowTimeout {
		t.Fatalf("deploy: %+v %q", out, d.gh.lastReply())
	}
	if s := d.state(1); !movingStates[s] {
		t.Fatalf("the deployment is %s, want it moving", s)
	}
	return d, rg
}

func (d *deployWorld) refresh() *Outcome {
	d.t.Helper()
	out, err := d.engine.Refresh(context.Background(), testRepo)
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// writes counts what changes GitHub: comment edits and creations, check
// runs created and updated, replies.
func writes(f *fakeGitHub) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls["write-comment"] + f.calls["edit-comment"] + f.calls["create-check"] + f.calls["update-check"] + f.calls["reply"]
}

func TestRefreshFollowsPastTheJob(t *testing.T) {
	d, _ := newRefreshWorld(t)
	sticky := func() string { return d.gh.comments[Marker("app")] }
	if !strings.Contains(sticky(), "Deployment of [#1]") {
		t.Fatalf("the command showed no deployment:\n%s", sticky())
	}
	replies := len(d.gh.replies)

	// Nothing moved since the command stopped: nothing is written.
	before := writes(d.gh.fakeGitHub)
	out := d.refresh()
	if out.Decision != DecisionRefreshed || out.ReasonCode != ReasonFollowed || len(out.Databases) != 1 || writes(d.gh.fakeGitHub) != before {
		t.Fatalf("refresh right away: %+v, %d writes", out, writes(d.gh.fakeGitHub)-before)
	}
	if db := out.Databases[0]; db.PullRequest != 7 || db.DeployRequest != 1 || !movingStates[db.DeploymentState] {
		t.Fatalf("database outcome %+v", db)
	}

	// The deployment finishes between two scheduled runs.
	d.clock.Advance(time.Minute)
	if s := d.state(1); s != ps.StateCompletePendingRevert {
		t.Fatalf("after a minute: %s", s)
	}
	out = d.refresh()
	if out.Decision != DecisionRefreshed || out.ReasonCode != ReasonFollowed || len(out.Databases) != 1 || out.Databases[0].DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("refresh after the deployment: %+v", out)
	}
	if !strings.Contains(sticky(), ": complete pending revert\n") || !strings.Contains(sticky(), "#### Changes") {
		t.Fatalf("sticky comment:\n%s", sticky())
	}
	cr := d.gh.check("head1", "ddlbot/app")
	if cr == nil || cr.Conclusion != github.ConclusionSuccess || cr.Title != "Deploy request #1: complete pending revert" {
		t.Fatalf("check run %+v", cr)
	}
	if len(d.gh.replies) != replies+1 || !strings.Contains(d.gh.lastReply(), "is **complete pending revert** (took ") || strings.HasPrefix(d.gh.lastReply(), "@") {
		t.Fatalf("replies %q", d.gh.replies[replies:])
	}
	if !strings.Contains(out.Summary, "- #7 `app`: deploy request [#1](") || !strings.Contains(out.Summary, ") is complete pending revert (complete pending revert)") {
		t.Errorf("summary %q", out.Summary)
	}

	// Again, nothing changed: nothing is written, nothing is said twice.
	before = writes(d.gh.fakeGitHub)
	if out := d.refresh(); out.ReasonCode != ReasonFollowed || writes(d.gh.fakeGitHub) != before {
		t.Fatalf("second refresh: %+v, %d writes", out, writes(d.gh.fakeGitHub)-before)
	}

	// The revert window's countdown moves on: the comment, not the check run.
	d.clock.Advance(10 * time.Minute)
	checks, creates := d.gh.calls["update-check"], d.gh.calls["create-check"]
	d.refresh()
	if !strings.Contains(sticky(), "(in 19m0s)") || d.gh.calls["update-check"] != checks || d.gh.calls["create-check"] != creates || len(d.gh.replies) != replies+1 {
		t.Fatalf("countdown: checks %d→%d, creates %d→%d\n%s", checks, d.gh.calls["update-check"], creates, d.gh.calls["create-check"], sticky())
	}

	// The revert window closes: complete, said once; then nothing to follow.
	d.clock.Advance(30 * time.Minute)
	out = d.refresh()
	if out.Databases[0].DeploymentState != ps.StateComplete || !strings.Contains(sticky(), ": complete\n") || !strings.Contains(d.gh.lastReply(), "is **complete**") {
		t.Fatalf("after the revert window: %+v %q\n%s", out, d.gh.lastReply(), sticky())
	}
	if cr := d.gh.check("head1", "ddlbot/app"); cr.Conclusion != github.ConclusionSuccess || cr.Title != "Deploy request #1: complete" {
		t.Fatalf("check run %+v", cr)
	}
	before = writes(d.gh.fakeGitHub)
	if out := d.refresh(); out.Decision != DecisionRefreshed || out.ReasonCode != ReasonNothingToFollow || len(out.Databases) != 0 || writes(d.gh.fakeGitHub) != before {
		t.Fatalf("after completion: %+v, %d writes", out, writes(d.gh.fakeGitHub)-before)
	}
	if d.cps.deploys != 1 {
		t.Fatalf("%d deploy calls", d.cps.deploys)
	}
}

// TestRefreshPollsWithinItsTimeout: with RefreshTimeout the run goes on
// polling the deployment until it rests, updating the command's check run.
func TestRefreshPollsWithinItsTimeout(t *testing.T) {
	d, _ := newRefreshWorld(t)
	id := d.gh.check("head1", "ddlbot/app").ID
	creates := d.gh.calls["create-check"]
	d.engine.Options.RefreshTimeout = 10 * time.Minute
	t0 := d.clock.Now()
	out := d.refresh()
	if out.Decision != DecisionRefreshed || len(out.Databases) != 1 || out.Databases[0].DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("refresh: %+v", out)
	}
	if took := d.clock.Now().Sub(t0); took > 2*time.Minute {
		t.Errorf("the refresh waited %s for a 20 s deployment", took)
	}
	cr := d.gh.check("head1", "ddlbot/app")
	if cr.ID != id || d.gh.calls["create-check"] != creates || cr.Conclusion != github.ConclusionSuccess {
		t.Fatalf("check run %+v (was %d), %d created", cr, id, d.gh.calls["create-check"]-creates)
	}
	if out.Databases[0].CheckRunID != id || !strings.Contains(out.Databases[0].Report, "#### Pull request #7") {
		t.Errorf("outcome %+v", out.Databases[0])
	}

	// Bounded: a deployment longer than the timeout stays in progress.
	e, _ := newRefreshWorld(t)
	e.engine.Options.RefreshTimeout = 5 * time.Second
	t0 = e.clock.Now()
	out = e.refresh()
	if out.Decision != DecisionRefreshed || !movingStates[out.Databases[0].DeploymentState] {
		t.Fatalf("bounded refresh: %+v", out)
	}
	if took := e.clock.Now().Sub(t0); took > 5*time.Second {
		t.Errorf("the refresh took %s with a 5 s timeout", took)
	}
	if cr := e.gh.check("head1", "ddlbot/app"); cr.Status != github.StatusInProgress {
		t.Errorf("check run %+v", cr)
	}
}

// TestRefreshPerPullRequest: pull requests without ddlbot's comment are
// skipped; one that fails is reported and the others go on.
func TestRefreshPerPullRequest(t *testing.T) {
	d, rg := newRefreshWorld(t)
	for _, n := range []int{3, 8, 9} {
		rg.others[n] = github.PullRequest{Number: n, State: "open", HeadSHA: fmt.Sprintf("h%d", n), BaseSHA: "base1"}
	}
	// #3: a comment with the marker but written by someone else's layout
	// (the state is not on the marker's next line): not the bot's state.
	rg.sticky[3] = Marker("app") + "\n\nhello\n" + encodeState(PlanState{Database: "app", Branch: BranchName(testRepo, 3), DeployRequest: 1})
	rg.broken[9] = true
	d.clock.Advance(time.Minute)
	out := d.refresh()
	if out.Decision != DecisionFailed || out.ReasonCode != ReasonRefreshFailed || len(out.Databases) != 1 || out.Databases[0].DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("refresh: %+v", out)
	}
	for _, want := range []string{") is complete pending revert (complete pending revert)", "- #9 `app`: could not be refreshed: read the sticky comment: list comments of \\#9: 502 Bad Gateway"} {
		if !strings.Contains(out.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, out.Summary)
		}
	}
	if strings.Contains(out.Summary, "#3") || strings.Contains(out.Summary, "#8") {
		t.Errorf("skipped pull requests in the summary:\n%s", out.Summary)
	}
	// Pull requests come in number order, each costing one comment lookup.
	if n := d.gh.calls["find-comment"]; n < 3 {
		t.Errorf("%d comment lookups", n)
	}

	rg.listErr = errors.New("502 Bad Gateway")
	if _, err := d.engine.Refresh(context.Background(), testRepo); err == nil || !strings.Contains(err.Error(), "refresh o/r: 502") {
		t.Errorf("list error: %v", err)
	}
}

func TestRefreshNeedsPlanetScale(t *testing.T) {
	d, _ := newRefreshWorld(t)
	d.engine.PlanetScale = nil
	out := d.refresh()
	if out.Decision != DecisionFailed || out.ReasonCode != ReasonNoPlanetScale || !strings.Contains(out.Reason, "service token") {
		t.Fatalf("%+v", out)
	}
}

// TestRefreshEarlierGeneration: a push under the running deployment moved
// the plan to a new deploy request; Refresh follows the running one.
func TestRefreshEarlierGeneration(t *testing.T) {
	d, _ := newRefreshWorld(t)
	d.push("head2", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  bio text,\n  PRIMARY KEY", 1)})
	if out := d.run("synchronize"); out.Decision != DecisionPlanned {
		t.Fatalf("re-plan: %+v", out)
	}
	st, _ := decodeState(d.gh.comments[Marker("app")])
	if st.DeployRequest == 1 {
		t.Fatalf("the re-plan kept deploy request #1: %+v", st)
	}
	d.clock.Advance(time.Minute)
	out := d.refresh()
	if len(out.Databases) != 1 || out.Databases[0].DeployRequest != 1 || out.Databases[0].DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("refresh: %+v", out)
	}
	if body := d.gh.comments[Marker("app")]; !strings.Contains(body, "Deployment of [#1]") || !strings.Contains(body, ": complete pending revert") {
		t.Fatalf("comment:\n%s", body)
	}
	if after, _ := decodeState(d.gh.comments[Marker("app")]); after != st {
		t.Errorf("state %+v, was %+v", after, st)
	}
}

func TestShownDeployment(t *testing.T) {
	for _, c := range []struct {
		body, section string
		number        int
		state         string
	}{
		{"no section", "", 0, ""},
		{deployStart + "\n#### Deployment of [#3](https://x/3): in progress\n\nmore\n" + deployEnd + "\nplan", "#### Deployment of [#3](https://x/3): in progress\n\nmore", 3, ps.StateInProgress},
		{deployStart + "\r\n#### Deployment of #12: complete pending revert\r\n" + deployEnd, "#### Deployment of #12: complete pending revert", 12, ps.StateCompletePendingRevert},
		{deployStart + "\nDeploy request #1 was replaced by the gated deploy request #2.\n" + deployEnd, "Deploy request #1 was replaced by the gated deploy request #2.", 0, ""},
		{deployEnd + deployStart, "", 0, ""},
	} {
		section, number, state := shownDeployment(c.body)
		if section != c.section || number != c.number || state != c.state {
			t.Errorf("shownDeployment(%q) = %q, %d, %q; want %q, %d, %q", c.body, section, number, state, c.section, c.number, c.state)
		}
	}
}

// TestRefreshLeavesPlansAlone: a planned pull request, not deployed, is not
// touched, even when its comment carries a section about no deployment
// (the note a gated /deploy leaves before its job deploys).
func TestRefreshLeavesPlansAlone(t *testing.T) {
	d := newDeployWorld(t, "")
	d.engine.GitHub = &refreshGitHub{commandGitHub: d.gh}
	for _, body := range []string{"", deployStart + "\nDeploy request #0 was replaced by the gated deploy request #1.\n" + deployEnd + "\n"} {
		if body != "" {
			c := d.gh.comments[Marker("app")]
			st := reState.FindString(c)
			d.gh.comments[Marker("app")] = strings.Replace(c, st, st+"\n\n"+body, 1)
		}
		before := writes(d.gh.fakeGitHub)
		out := d.refresh()
		if out.Decision != DecisionRefreshed || out.ReasonCode != ReasonNothingToFollow || writes(d.gh.fakeGitHub) != before {
			t.Fatalf("refresh of a plan (section %q): %+v, %d writes", body, out, writes(d.gh.fakeGitHub)-before)
		}
		if !strings.Contains(out.Reason, "on the 1 open pull request(s)") {
			t.Errorf("reason %q", out.Reason)
		}
	}
}

// hookClock runs a hook at its first Sleep: something another job does
// while the engine waits.
type hookClock struct {
	fakeClock
	hook func()
}

func (h *hookClock) Sleep(ctx context.Context, d time.Duration) error {
	if f := h.hook; f != nil {
		h.hook = nil
		f()
	}
	return h.fakeClock.Sleep(ctx, d)
}

// TestRefreshKeepsAConcurrentPlan: a push re-plans while Refresh polls (the
// follow job is in no pull request's concurrency group): the new plan stays.
func TestRefreshKeepsAConcurrentPlan(t *testing.T) {
	d, _ := newRefreshWorld(t)
	d.engine.Options.RefreshTimeout = 10 * time.Minute
	d.engine.Clock = &hookClock{fakeClock: fakeClock{d.clock}, hook: func() {
		d.gh.mu.Lock()
		defer d.gh.mu.Unlock()
		d.gh.comments[Marker("app")] = strings.Replace(d.gh.comments[Marker("app")], "#### Changes", "#### Changes (planned again)", 1)
	}}
	if out := d.refresh(); len(out.Databases) != 1 || out.Databases[0].DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("refresh: %+v", out)
	}
	body := d.gh.comments[Marker("app")]
	if !strings.Contains(body, "#### Changes (planned again)") || !strings.Contains(body, ": complete pending revert\n") {
		t.Fatalf("comment:\n%s", body)
	}
}

// TestShownBackup: a refresh keeps the backup made before the deploy above
// the deployment it re-renders.
func TestShownBackup(t *testing.T) {
	for _, tc := range []struct{ section, want string }{
		{"#### Backup of `main`: success\n\n| a | b |\n\n#### Deployment of #3: queued\n\nx", "#### Backup of `main`: success\n\n| a | b |"},
		{"#### Deployment of #3: queued\n\nx", ""},
		{"#### Backup of `main`: skipped\n\nno deployment heading", ""},
		{"", ""},
	} {
		if got := shownBackup(tc.section); got != tc.want {
			t.Errorf("shownBackup(%q) = %q, want %q", tc.section, got, tc.want)
		}
	}
	if _, n, st := shownDeployment("x\n" + deployStart + "\n#### Backup of `main`: success\n\n#### Deployment of #3: in progress\n" + deployEnd); n != 3 || st != "in_progress" {
		t.Errorf("the deployment under a backup: #%d %q", n, st)
	}
}

// TestRefreshWatchesTheRevertWindow: a scheduled run posts a slowdown of
// production after the cutover once, as a command would.
func TestRefreshWatchesTheRevertWindow(t *testing.T) {
	d, _ := newRefreshWorld(t)
	d.clock.Advance(time.Minute)
	if out := d.refresh(); out.Databases[0].DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("refresh after the deployment: %+v", out)
	}
	d.clock.Advance(2 * time.Minute)
	if _, err := d.ls.Slowdown("acme", "app", "main", time.Hour); err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(time.Minute)
	d.refresh()
	d.refresh()
	got := d.anomalyComments()
	if len(got) != 1 || !strings.Contains(got[0], "comment `/revert` to put production's schema back") {
		t.Fatalf("anomaly comments after two scheduled runs: %q", got)
	}
}

// TestRefreshPullRequestMerged: a deployment on a pull request merged
// since the /deploy (the server's follow-ups name the pull request) is
// followed to its end by RefreshPullRequest, which Refresh, listing open
// pull requests only, never looks at.
func TestRefreshPullRequestMerged(t *testing.T) {
	d, _ := newRefreshWorld(t)
	d.gh.mu.Lock()
	d.gh.pr.State, d.gh.pr.Merged = "closed", true
	d.gh.mu.Unlock()
	d.clock.Advance(time.Minute)
	if out := d.refresh(); out.ReasonCode != ReasonNothingToFollow || len(out.Databases) != 0 {
		t.Fatalf("Refresh of the open pull requests: %+v", out)
	}
	replies := len(d.gh.replies)
	out, err := d.engine.RefreshPullRequest(context.Background(), testRepo, 7)
	if err != nil {
		t.Fatal(err)
	}
	if out.ReasonCode != ReasonFollowed || len(out.Databases) != 1 || out.Databases[0].DeploymentState != ps.StateCompletePendingRevert || out.Databases[0].PullRequest != 7 {
		t.Fatalf("RefreshPullRequest: %+v", out)
	}
	if db := out.Databases[0]; db.CommentID == 0 || db.CheckRunID == 0 {
		t.Errorf("the outcome names no comment (%d) or check run (%d)", db.CommentID, db.CheckRunID)
	}
	if !strings.Contains(d.gh.comments[Marker("app")], ": complete pending revert\n") {
		t.Fatalf("sticky comment:\n%s", d.gh.comments[Marker("app")])
	}
	if len(d.gh.replies) != replies+1 || !strings.Contains(d.gh.lastReply(), "is **complete pending revert**") {
		t.Fatalf("replies %q", d.gh.replies[replies:])
	}
	out, err = d.engine.RefreshPullRequest(context.Background(), testRepo, 7)
	if err != nil || out.Reason != "1 deployment(s) followed" || len(d.gh.replies) != replies+1 {
		t.Fatalf("again: %+v %v, replies %q", out, err, d.gh.replies[replies:])
	}
	if out, err := d.engine.RefreshPullRequest(context.Background(), testRepo, 99); err == nil {
		t.Fatalf("an unknown pull request: %+v", out)
	}
}
