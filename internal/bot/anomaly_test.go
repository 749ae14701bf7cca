package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func (d *deployWorld) anomalyComments() []string {
	d.gh.mu.Lock()
	defer d.gh.mu.Unlock()
	var out []string
	for marker, body := range d.gh.comments {
		if strings.HasPrefix(marker, "<!-- ddlbot:anomaly ") {
			out = append(out, body)
		}
	}
	return out
}

// An anomaly on production after the cutover, within the revert window, is
// posted once on the pull request with /revert suggested; an earlier one is
// not; the check run asks for action.
func TestAnomalyInRevertWindow(t *testing.T) {
	d := newDeployWorld(t, "")
	if _, err := d.ls.Slowdown("acme", "app", "main", time.Minute); err != nil { // before the deploy: not its doing
		t.Fatal(err)
	}
	d.clock.Advance(2 * time.Minute)
	if out := d.comment("dev", "/deploy"); out.ReasonCode != ps.StateCompletePendingRevert {
		t.Fatalf("deploy: %+v", out)
	}
	if n := len(d.anomalyComments()); n != 0 {
		t.Fatalf("%d anomaly comments before any anomaly after the cutover", n)
	}
	d.clock.Advance(5 * time.Minute)
	a, err := d.ls.Slowdown("acme", "app", "main", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(3 * time.Minute)
	if out := d.comment("dev", "/plan"); out.Decision != DecisionDone {
		t.Fatalf("/plan: %+v", out)
	}
	got := d.anomalyComments()
	if len(got) != 1 {
		t.Fatalf("%d anomaly comments, want 1", len(got))
	}
	for _, want := range []string{AnomalyMarker("app", a.ID), "**Production `main` slowed down 5m after deploy request [#1](", "cut over.**",
		"active, 3 minute(s) in violation so far", "The revert window is open until ", "comment `/revert` to put production's schema back"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("anomaly comment lacks %q:\n%s", want, got[0])
		}
	}
	if cr := d.gh.check(d.gh.pr.HeadSHA, CheckName("app")); cr == nil || cr.Conclusion == github.ConclusionActionRequired {
		t.Fatalf("the database's check run %+v: the anomaly must not block it", cr)
	}
	cr := d.gh.check(d.gh.pr.HeadSHA, AnomalyCheckName("app"))
	if cr == nil || cr.Conclusion != github.ConclusionNeutral || cr.Title != "Anomaly on main 5m after the cutover of deploy request #1: /revert?" {
		t.Fatalf("check run %+v", cr)
	}
	// The next runs say nothing again.
	before := d.gh.calls["write-comment"]
	d.comment("dev", "/plan")
	d.comment("dev", "/cancel") // wrong state, but the watch runs
	if n := len(d.anomalyComments()); n != 1 || d.gh.calls["write-comment"] != before {
		t.Fatalf("%d anomaly comments, %d upserts after repeated runs", n, d.gh.calls["write-comment"]-before)
	}
	// /revert acts on it: no anomaly talk.
	if _, err := d.ls.Slowdown("acme", "app", "main", time.Hour); err != nil {
		t.Fatal(err)
	}
	if out := d.comment("dev", "/revert"); out.Decision != DecisionDone {
		t.Fatalf("/revert: %+v", out)
	}
	if n := len(d.anomalyComments()); n != 1 {
		t.Fatalf("%d anomaly comments after /revert", n)
	}
}

// After the revert window, and without read_database, nothing is posted and
// the command still works.
func TestAnomalyOutsideWindowOrUnreadable(t *testing.T) {
	d := newDeployWorld(t, "")
	d.comment("dev", "/deploy")
	d.ls.DenyAccess(ps.AccessReadDatabase)
	if _, err := d.ls.Slowdown("acme", "app", "main", time.Hour); err != nil {
		t.Fatal(err)
	}
	if out := d.comment("dev", "/plan"); out.Decision != DecisionDone || len(d.anomalyComments()) != 0 {
		t.Fatalf("/plan without read_database: %+v, %d comments", out, len(d.anomalyComments()))
	}
	d.ls.AllowAccess(ps.AccessReadDatabase)
	d.clock.Advance(31 * time.Minute) // the window (30m) closes
	if out := d.comment("dev", "/plan"); out.Decision != DecisionDone || len(d.anomalyComments()) != 0 {
		t.Fatalf("/plan after the window: %+v, %d comments", out, len(d.anomalyComments()))
	}
}

func TestMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Second: "under a minute", 5 * time.Minute: "5m", 65*time.Minute + 20*time.Second: "1h5m", 2 * time.Hour: "2h"} {
		if got := minutes(d); got != want {
			t.Errorf("minutes(%s) = %q, want %q", d, got, want)
		}
	}
}

// slowdownAtRevertWindow is the PlanetScale of a test whose production
// slows down the moment a deploy request is first read in its revert
// window, i.e. while a command follows it there.
type slowdownAtRevertWindow struct {
	*countingPS
	d    *deployWorld
	done bool
}

func (s *slowdownAtRevertWindow) GetDeployRequest(ctx context.Context, org, db string, n int) (*ps.DeployRequest, error) {
	dr, err := s.countingPS.GetDeployRequest(ctx, org, db, n)
	if err == nil && dr.DeploymentState == ps.StateCompletePendingRevert && !s.done {
		s.done = true
		if _, err := s.d.ls.Slowdown(org, db, "main", time.Hour); err != nil {
			s.d.t.Error(err)
		}
	}
	return dr, err
}

// A /plan that picks a deployment up and follows it into the revert window
// watches production with the deploy request as the follow left it, not as
// it was read before.
func TestAnomalyWatchAfterFollow(t *testing.T) {
	d := newDeployWorld(t, "")
	d.engine.Options.FollowTimeout = time.Second // the deploy's own follow gives up at once
	if out := d.comment("dev", "/deploy"); out.Decision != DecisionFollowTimeout {
		t.Fatalf("deploy: %+v", out)
	}
	if st := d.state(1); st == ps.StateCompletePendingRevert {
		t.Fatalf("the deploy is already %s: the test needs /plan to follow it there", st)
	}
	d.engine.Options.FollowTimeout = 2 * time.Hour
	d.engine.PlanetScale = &slowdownAtRevertWindow{countingPS: d.cps, d: d}
	if out := d.comment("dev", "/plan"); out.ReasonCode != ps.StateCompletePendingRevert {
		t.Fatalf("/plan: %+v", out)
	}
	if n := len(d.anomalyComments()); n != 1 {
		t.Fatalf("%d anomaly comments after /plan followed into the revert window, want 1", n)
	}
}
