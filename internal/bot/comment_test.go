package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// deployWorld is a planned pull request (one database "app", adding a
// column) with commands enabled.
type deployWorld struct {
	*world
	gh  *commandGitHub
	cps *countingPS
}

func newDeployWorld(t *testing.T, cfgExtra string, mutate ...func(*localscale.Config)) *deployWorld {
	t.Helper()
	head := strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)
	return newPlannedWorld(t, appConfig+cfgExtra, head, map[string]string{"lead": "maintain"}, mutate...)
}

// newPlannedWorld is a pull request by "dev" that changes the users table of
// database "app" from baseSchema to head, planned with config cfg and
// commands enabled. "dev" may write, "reader" read, and more holds other
// users and their permission.
func newPlannedWorld(t *testing.T, cfg, head string, more map[string]string, mutate ...func(*localscale.Config)) *deployWorld {
	t.Helper()
	w := newWorld(t, cfg, map[string]string{"db/schema/users.sql": baseSchema}, mutate...)
	w.seed("app", "db/schema")
	cg := newCommandGitHub(w.gh)
	cg.perms["dev"] = "write"
	cg.perms["reader"] = "read"
	for user, perm := range more {
		cg.perms[user] = perm
	}
	cps := &countingPS{Client: w.client}
	w.engine.GitHub, w.engine.PlanetScale = cg, cps
	w.engine.Options.FollowTimeout = 2 * time.Hour
	w.gh.pr.Author = "dev"
	w.push("head1", map[string]string{"db/schema/users.sql": head})
	if out := w.run("opened"); out.Decision != DecisionPlanned {
		t.Fatalf("plan: %+v", out)
	}
	return &deployWorld{world: w, gh: cg, cps: cps}
}

func (d *deployWorld) comment(author, body string) *Outcome {
	d.t.Helper()
	out, err := d.engine.HandleComment(context.Background(), CommentEvent{Action: "created", Repo: Repo{"o", "r"}, Number: 7,
		IsPullRequest: true, CommentID: 99, Body: body, Author: author})
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

func (d *deployWorld) state(n int) string {
	d.t.Helper()
	dr, err := d.client.GetDeployRequest(context.Background(), "acme", "app", n)
	if err != nil {
		d.t.Fatal(err)
	}
	return dr.DeploymentState
}

func TestDeployHappyPathToComplete(t *testing.T) {
	d := newDeployWorld(t, "")
	start := d.gh.calls
	_ = start
	before := totalCalls(d.gh.fakeGitHub)
	t0 := d.clock.Now()
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionDone || out.ReasonCode != ps.StateCompletePendingRevert {
		t.Fatalf("deploy: %+v (reply %q)", out, d.gh.lastReply())
	}
	if d.gh.reactions[0] != github.ReactionEyes || d.gh.lastReaction() != github.ReactionRocket {
		t.Fatalf("reactions %v", d.gh.reactions)
	}
	if !strings.Contains(d.gh.lastReply(), "/revert") || !strings.Contains(d.gh.lastReply(), "took") {
		t.Fatalf("reply %q", d.gh.lastReply())
	}
	body := d.gh.comments[Marker("app")]
	if !strings.Contains(body, "Deployment of [#1]") || !strings.Contains(body, "`users`") || !strings.Contains(body, "#### Changes") {
		t.Fatalf("comment keeps the plan and shows the deployment:\n%s", body)
	}
	elapsed := d.clock.Now().Sub(t0)
	calls := totalCalls(d.gh.fakeGitHub) - before
	t.Logf("GitHub calls for a %s deployment: %d (%.1f per minute)", elapsed.Round(time.Second), calls, float64(calls)/elapsed.Minutes())
	if per := float64(calls) / elapsed.Minutes(); per > 60 {
		t.Errorf("%.0f GitHub calls per minute of deployment: too many", per)
	}
	// Then skip the revert window: complete.
	if out := d.comment("dev", "/skip-revert"); out.ReasonCode != ps.StateComplete || d.state(1) != ps.StateComplete {
		t.Fatalf("skip-revert: %+v", out)
	}
	if d.cps.deploys != 1 {
		t.Fatalf("%d deploy calls", d.cps.deploys)
	}
}

func totalCalls(f *fakeGitHub) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func TestGatedDeployAndCutover(t *testing.T) {
	d := newDeployWorld(t, "")
	out := d.comment("dev", "/deploy --gated")
	if out.ReasonCode != ps.StatePendingCutover {
		t.Fatalf("gated deploy: %+v %q", out, d.gh.lastReply())
	}
	// The deploy request was replaced by a gated one; the comment follows it.
	st, _ := decodeState(d.gh.comments[Marker("app")])
	if st.DeployRequest != 2 || !strings.Contains(d.gh.lastReply(), "/cutover") {
		t.Fatalf("state %+v reply %q", st, d.gh.lastReply())
	}
	if out := d.comment("dev", "/revert"); out.Decision != DecisionRefused || out.ReasonCode != ReasonWrongState {
		t.Fatalf("revert before cutover must be refused: %+v", out)
	}
	if out := d.comment("dev", "/cutover"); out.ReasonCode != ps.StateCompletePendingRevert {
		t.Fatalf("cutover: %+v %q", out, d.gh.lastReply())
	}
	// Revert within the window.
	if out := d.comment("dev", "/revert"); out.ReasonCode != ps.StateCompleteRevert || d.gh.lastReaction() != github.ReactionRocket {
		t.Fatalf("revert: %+v %q", out, d.gh.lastReply())
	}
	tables, _ := d.client.BranchSchema(context.Background(), "acme", "app", "main")
	if strings.Contains(tables[0].Raw, "nick") {
		t.Fatal("revert left the column in production")
	}
}

func TestCancelWhileRunningAndRecovery(t *testing.T) {
	d := newDeployWorld(t, "")
	// The job following the deploy "dies" early (a short follow timeout).
	d.engine.Options.FollowTimeout = 3 * time.Second
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionFollowTimeout || !strings.Contains(d.gh.lastReply(), "/plan") {
		t.Fatalf("follow timeout: %+v %q", out, d.gh.lastReply())
	}
	if s := d.state(1); s != ps.StateInProgress && s != ps.StateSubmitting && s != ps.StateQueued {
		t.Fatalf("state %s", s)
	}
	// A duplicate /deploy delivery does not deploy again.
	d.comment("dev", "/deploy")
	if d.cps.deploys != 1 {
		t.Fatalf("%d deploy calls", d.cps.deploys)
	}
	d.engine.Options.FollowTimeout = time.Hour
	out = d.comment("dev", "/cancel")
	if out.ReasonCode != ps.StateCompleteCancel {
		t.Fatalf("cancel: %+v %q", out, d.gh.lastReply())
	}

	// Recovery: a deploy whose job died is picked up by /plan.
	r := newDeployWorld(t, "")
	r.engine.Options.FollowTimeout = 3 * time.Second
	r.comment("dev", "/deploy")
	r.engine.Options.FollowTimeout = time.Hour
	out = r.comment("reader", "/plan")
	if out.ReasonCode != ps.StateCompletePendingRevert || r.cps.deploys != 1 {
		t.Fatalf("recovered: %+v deploys %d", out, r.cps.deploys)
	}
}

func TestDeployRefusals(t *testing.T) {
	t.Run("unauthorized", func(t *testing.T) {
		d := newDeployWorld(t, "")
		out := d.comment("reader", "/deploy")
		if out.ReasonCode != ReasonPermission || d.gh.lastReaction() != github.ReactionMinusOne || !strings.Contains(d.gh.lastReply(), "write permission") {
			t.Fatalf("%+v %q", out, d.gh.lastReply())
		}
		if out := d.comment("stranger", "/deploy"); out.ReasonCode != ReasonPermission {
			t.Fatalf("no permission at all: %+v", out)
		}
		if d.cps.deploys != 0 {
			t.Fatal("deployed")
		}
	})
	t.Run("maintain counts as write, triage as read", func(t *testing.T) {
		d := newDeployWorld(t, "")
		d.gh.perms["tri"] = "triage"
		if out := d.comment("tri", "/deploy"); out.ReasonCode != ReasonPermission {
			t.Fatalf("triage: %+v", out)
		}
		if out := d.comment("lead", "/deploy"); out.Decision != DecisionDone {
			t.Fatalf("maintain: %+v %q", out, d.gh.lastReply())
		}
	})
	t.Run("draft", func(t *testing.T) {
		d := newDeployWorld(t, "")
		d.gh.pr.Draft = true
		if out := d.comment("dev", "/deploy"); out.ReasonCode != ReasonDraft {
			t.Fatalf("%+v", out)
		}
	})
	t.Run("fork", func(t *testing.T) {
		d := newDeployWorld(t, "")
		d.gh.pr.IsFork = true
		if out := d.comment("dev", "/deploy"); out.ReasonCode != ReasonFork {
			t.Fatalf("%+v", out)
		}
	})
	t.Run("stale plan", func(t *testing.T) {
		d := newDeployWorld(t, "")
		d.push("head2", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  age int DEFAULT NULL,\n  PRIMARY KEY", 1)})
		out := d.comment("dev", "/deploy")
		if out.ReasonCode != ReasonStalePlan || !strings.Contains(d.gh.lastReply(), "re-planned") || d.cps.deploys != 0 {
			t.Fatalf("%+v %q", out, d.gh.lastReply())
		}
		if st, _ := decodeState(d.gh.comments[Marker("app")]); st.HeadSHA != "head2" {
			t.Fatalf("not re-planned: %+v", st)
		}
		if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
			t.Fatalf("deploy after re-plan: %+v %q", out, d.gh.lastReply())
		}
	})
	t.Run("lint error blocks", func(t *testing.T) {
		d := newDeployWorld(t, "    float-column: error\n") // continues appConfig's lint.rules
		d.push("head2", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  score float DEFAULT NULL,\n  PRIMARY KEY", 1)})
		out := d.run("synchronize")
		// Nothing on PlanetScale moved to head2: the state is head1's, the
		// branch keeps head1's schema, and the report says why.
		st, _ := decodeState(d.gh.comments[Marker("app")])
		if st.HeadSHA != "head1" || st.DeployRequest != 1 || !strings.Contains(out.Databases[0].Report, "deploy request #1 still holds head `head1`") {
			t.Fatalf("state %+v\n%s", st, out.Databases[0].Report)
		}
		tables, err := d.client.BranchSchema(context.Background(), "acme", "app", st.Branch)
		if err != nil || len(tables) == 0 || strings.Contains(tables[0].Raw, "score") {
			t.Fatalf("branch schema changed under a failing lint: %v %+v", err, tables)
		}
		// /deploy says lint, every time (not "re-planned, try again").
		for range 2 {
			if out := d.comment("dev", "/deploy"); out.ReasonCode != ReasonLintErrors || d.cps.deploys != 0 {
				t.Fatalf("%+v %q", out, d.gh.lastReply())
			}
		}
	})
	t.Run("lint fails on the first plan", func(t *testing.T) {
		w := newWorld(t, appConfig+"    float-column: error\n", map[string]string{"db/schema/users.sql": baseSchema})
		w.seed("app", "db/schema")
		w.push("head1", map[string]string{"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  score float DEFAULT NULL,\n  PRIMARY KEY", 1)})
		out := w.run("opened")
		if do := out.Databases[0]; do.Conclusion != github.ConclusionFailure || do.Branch != "" || !strings.Contains(do.Report, "no PlanetScale branch or deploy request was made") {
			t.Fatalf("%+v\n%s", do, do.Report)
		}
		if bs, _ := w.client.ListBranches(context.Background(), "acme", "app"); len(bs) != 1 {
			t.Fatalf("branches %+v: only production should exist", bs)
		}
	})
	t.Run("approvals required and missing", func(t *testing.T) {
		d := newDeployWorld(t, "deploy:\n  required_approvals: 1\n")
		d.gh.reviews = []github.Review{
			{User: "dev", State: "APPROVED", CommitID: "head1"},    // the author
			{User: "reader", State: "APPROVED", CommitID: "head1"}, // no write permission
			{User: "lead", State: "APPROVED", CommitID: "old"},     // an older head
		}
		if out := d.comment("dev", "/deploy"); out.ReasonCode != ReasonApprovals || !strings.Contains(d.gh.lastReply(), "it has 0") {
			t.Fatalf("%+v %q", out, d.gh.lastReply())
		}
		d.gh.reviews = append(d.gh.reviews, github.Review{User: "lead", State: "APPROVED", CommitID: "head1"})
		if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
			t.Fatalf("approved: %+v %q", out, d.gh.lastReply())
		}
	})
	t.Run("bad command gets help", func(t *testing.T) {
		d := newDeployWorld(t, "")
		if out := d.comment("dev", "/deploy --force"); out.ReasonCode != ReasonBadCommand || !strings.Contains(d.gh.lastReply(), "/skip-revert") {
			t.Fatalf("%+v %q", out, d.gh.lastReply())
		}
		if out := d.comment("dev", "/depoly"); out.ReasonCode != ReasonBadCommand || !strings.HasPrefix(d.gh.lastReply(), "@dev Nothing was run: unknown command `/depoly` (did you mean `/deploy`?)") {
			t.Fatalf("a mistyped command is not quoted as `/`: %+v %q", out, d.gh.lastReply())
		}
		reacted := len(d.gh.reactions)
		if out := d.comment("dev", "thanks!"); out.Decision != DecisionIgnored || len(d.gh.reactions) != reacted {
			t.Fatalf("plain comments are ignored without reacting: %+v %v", out, d.gh.reactions)
		}
		out, _ := d.engine.HandleComment(context.Background(), CommentEvent{Action: "created", Repo: Repo{"o", "r"}, Number: 7, IsPullRequest: true, Body: "/deploy", Author: "renovate[bot]"})
		if out.ReasonCode != "bot-author" {
			t.Fatalf("bots are ignored: %+v", out)
		}
		out, _ = d.engine.HandleComment(context.Background(), CommentEvent{Action: "edited", Repo: Repo{"o", "r"}, Number: 7, IsPullRequest: true, Body: "/deploy", Author: "dev"})
		if out.Decision != DecisionIgnored {
			t.Fatalf("edited comments are ignored: %+v", out)
		}
	})
}

func TestTwoDatabasesNeedDB(t *testing.T) {
	cfg := "databases:\n  - name: app\n    organization: acme\n    schema: db/app\n  - name: billing\n    organization: acme\n    schema: db/billing\n"
	w := newWorld(t, cfg, map[string]string{"db/app/users.sql": baseSchema, "db/billing/users.sql": baseSchema})
	w.seed("app", "db/app")
	w.seed("billing", "db/billing")
	cg := newCommandGitHub(w.gh)
	cg.perms["dev"] = "write"
	w.engine.GitHub = cg
	w.engine.Options.FollowTimeout = time.Hour
	w.push("h", map[string]string{"db/billing/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	w.run("opened")
	out, err := w.engine.HandleComment(context.Background(), CommentEvent{Action: "created", Repo: Repo{"o", "r"}, Number: 7, IsPullRequest: true, Body: "/deploy", Author: "dev"})
	if err != nil || out.ReasonCode != ReasonWhichDatabase || !strings.Contains(cg.lastReply(), "--db") {
		t.Fatalf("%v %+v %q", err, out, cg.lastReply())
	}
	out, err = w.engine.HandleComment(context.Background(), CommentEvent{Action: "created", Repo: Repo{"o", "r"}, Number: 7, IsPullRequest: true, Body: "/deploy --db billing", Author: "dev"})
	if err != nil || out.Decision != DecisionDone {
		t.Fatalf("%v %+v %q", err, out, cg.lastReply())
	}
}

func TestDeployErrorsInPlanetScale(t *testing.T) {
	d := newDeployWorld(t, "")
	ctx := context.Background()
	// Another branch deploys a conflicting change first and holds the queue.
	if _, err := d.client.CreateBranch(ctx, "acme", "app", ps.CreateBranchRequest{Name: "other", ParentBranch: "main"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.client.WaitBranchReady(ctx, "acme", "app", "other", d.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.client.ApplyDDL(ctx, "acme", "app", "other", []string{"ALTER TABLE users ADD COLUMN nick bigint"}, ps.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	other, err := d.client.CreateDeployRequest(ctx, "acme", "app", ps.CreateDeployRequestRequest{Branch: "other", IntoBranch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(5 * time.Second)
	if _, err := d.client.DeployDeployRequest(ctx, "acme", "app", other.Number, ps.DeployOptions{}); err != nil {
		t.Fatal(err)
	}
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionFailed || d.gh.lastReaction() != github.ReactionMinusOne {
		t.Fatalf("%+v %q", out, d.gh.lastReply())
	}
	if st := out.Databases[0].DeploymentState; st != ps.StateCompleteError {
		t.Fatalf("state %s; reply %q", st, d.gh.lastReply())
	}
}

// TestDeployCallRate measures GitHub calls per minute while following a
// long deployment (three tables, five minutes each).
func TestDeployCallRate(t *testing.T) {
	d := newDeployWorld(t, "", func(c *localscale.Config) { c.OperationDuration = 5 * time.Minute })
	d.push("head2", map[string]string{
		"db/schema/users.sql": strings.Replace(baseSchema, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1),
		"db/schema/a.sql":     "CREATE TABLE a (id int NOT NULL, PRIMARY KEY (id));\n",
	})
	d.run("synchronize")
	before, t0 := totalCalls(d.gh.fakeGitHub), d.clock.Now()
	if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
		t.Fatalf("%+v %q", out, d.gh.lastReply())
	}
	calls, elapsed := totalCalls(d.gh.fakeGitHub)-before, d.clock.Now().Sub(t0)
	perMin := float64(calls) / elapsed.Minutes()
	t.Logf("GitHub calls following a %s deployment: %d (%.1f per minute)", elapsed.Round(time.Second), calls, perMin)
	if perMin > 15 {
		t.Errorf("%.1f GitHub calls per minute of deployment: the follower must edit at most every MinUpdateInterval", perMin)
	}
}

// TestCommandsApplyAdjust: Options.Adjust (the Action's organization and
// database inputs) applies to commands as to the pull request flow; an
// Adjust error refuses the command with inputs-invalid.
func TestCommandsApplyAdjust(t *testing.T) {
	d := newDeployWorld(t, "")
	var calls int
	d.engine.Options.Adjust = func(c *config.Config) error {
		calls++
		c.Databases[0].Organization = "" // as if the input were missing: nothing to deploy to
		return nil
	}
	if out := d.comment("dev", "/deploy"); out.ReasonCode != ReasonNoPlanetScale || calls != 1 {
		t.Fatalf("Adjust not applied to /deploy: %+v (%d calls)", out, calls)
	}
	d.engine.Options.Adjust = func(*config.Config) error { return errors.New("the database input applies to one database") }
	if out := d.comment("dev", "/deploy"); out.Decision != DecisionRefused || out.ReasonCode != "inputs-invalid" || !strings.Contains(d.gh.lastReply(), "one database") {
		t.Fatalf("%+v %q", out, d.gh.lastReply())
	}
	if d.cps.deploys != 0 {
		t.Fatal("deployed")
	}
}

// lostPS loses the answer of every deploy (the deploy happens) and, once
// one was lost, fails reads of deploy requests while failReads is set.
type lostPS struct {
	*countingPS
	failReads bool
	lost      bool
}

func (l *lostPS) DeployDeployRequest(ctx context.Context, org, db string, n int, o ps.DeployOptions) (*ps.DeployRequest, error) {
	if _, err := l.countingPS.DeployDeployRequest(ctx, org, db, n, o); err != nil {
		return nil, err
	}
	l.lost = true
	return nil, errors.New("planetscale: deploy deploy request #1: 500: {} (could not tell whether it took effect: 500)")
}

func (l *lostPS) GetDeployRequest(ctx context.Context, org, db string, n int) (*ps.DeployRequest, error) {
	if l.lost && l.failReads {
		return nil, errors.New("planetscale: get deploy request #1: 503 unavailable")
	}
	return l.countingPS.GetDeployRequest(ctx, org, db, n)
}

// A deploy whose answer is lost is looked up again before anything is said
// (issue 17 item 10): deploying → followed; unreadable → "cannot tell",
// never "PlanetScale refused".
func TestDeployLostAnswer(t *testing.T) {
	t.Run("deploying", func(t *testing.T) {
		d := newDeployWorld(t, "")
		l := &lostPS{countingPS: d.cps}
		d.engine.PlanetScale = l
		out := d.comment("dev", "/deploy")
		if out.Decision != DecisionDone || out.ReasonCode != ps.StateCompletePendingRevert {
			t.Fatalf("outcome %+v; replies %q", out, d.gh.replies)
		}
		if !strings.Contains(strings.Join(d.gh.replies, "\n"), "PlanetScale's answer to the deploy of #1 was lost, but the deploy request is ") {
			t.Fatalf("replies %q", d.gh.replies)
		}
		if d.cps.deploys != 1 || d.gh.lastReaction() != github.ReactionRocket {
			t.Fatalf("%d deploys, reaction %s", d.cps.deploys, d.gh.lastReaction())
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		d := newDeployWorld(t, "")
		l := &lostPS{countingPS: d.cps, failReads: true}
		d.engine.PlanetScale = l
		out := d.comment("dev", "/deploy")
		reply := d.gh.lastReply()
		if out.Decision != DecisionFailed || out.ReasonCode != ReasonDeployUnknown || strings.Contains(reply, "refused") {
			t.Fatalf("outcome %+v; reply %q", out, reply)
		}
		for _, want := range []string{"cannot tell whether deploy request #1 is deploying", "503 unavailable", "`/plan`"} {
			if !strings.Contains(reply, want) {
				t.Errorf("reply lacks %q: %q", want, reply)
			}
		}
		if d.gh.lastReaction() != github.ReactionConfused {
			t.Errorf("reaction %s", d.gh.lastReaction())
		}
		// It did deploy: /plan picks the deployment up.
		l.failReads = false
		if out := d.comment("dev", "/plan"); out.Decision != DecisionDone {
			t.Fatalf("/plan after a lost deploy: %+v", out)
		}
	})
}
