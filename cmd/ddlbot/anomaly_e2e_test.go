package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// TestCommandAnomalyInRevertWindow: a slowdown of production after the
// cutover, while the revert window is open, is posted once on the pull
// request on the next command run, and not again on the one after.
func TestCommandAnomalyInRevertWindow(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.planned(actConfig)
	if r, _ := w.command("alice", "/deploy", nil); r.out[outReasonCode] != ps.StateCompletePendingRevert {
		t.Fatal(r)
	}
	a, err := w.ls.Slowdown(actOwner, "app", "main", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	anomalyComments := func() []string {
		var out []string
		for _, c := range w.comments() {
			if strings.HasPrefix(c.Body, bot.AnomalyMarker("app", a.ID)) {
				out = append(out, c.Body)
			}
		}
		return out
	}
	w.done("bob", "/plan", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	got := anomalyComments()
	if len(got) != 1 {
		t.Fatalf("%d anomaly comments, want 1", len(got))
	}
	contains(t, "anomaly comment", got[0], "**Production `main` slowed down ", " after deploy request [#1](https://app.planetscale.com/acme/app/deploy-requests/1) cut over.**",
		"PlanetScale Insights reports an anomaly on its primary since ", "The revert window is open until ", "comment `/revert` to put production's schema back")
	if cr := w.checkRun(head, bot.CheckName("app")); cr == nil || cr.Conclusion == "action_required" {
		t.Fatalf("the database's check run %+v: the anomaly must not block it", cr)
	}
	cr := w.checkRun(head, bot.AnomalyCheckName("app"))
	if cr == nil || cr.Conclusion != "neutral" || !strings.HasSuffix(cr.Title, "after the cutover of deploy request #1: /revert?") {
		t.Fatalf("check run %+v", cr)
	}
	r, _ := w.command("bob", "/plan", nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionDone})
	if n := len(anomalyComments()); n != 1 {
		t.Fatalf("%d anomaly comments after the next run, want still 1", n)
	}
	wantNoViolations(t, w)
}
