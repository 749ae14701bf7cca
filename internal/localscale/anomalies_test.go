package localscale

import (
	"strings"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// A scripted slowdown is listed while active and after, and announced with
// the branch.anomaly webhook.
func TestSlowdown(t *testing.T) {
	h := newHarness(t)
	_, ch := h.subscribe(nil, ps.EventBranchAnomaly)

	start := h.clock.Now()
	a, err := h.s.Slowdown("acme", "app", "main", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r := next(t, ch)
	if r.event.Event != ps.EventBranchAnomaly || !r.sigOK || r.event.Resource["id"] != a.ID || r.event.Resource["active"] != true {
		t.Fatalf("webhook %+v sig=%v", r.event, r.sigOK)
	}
	const path = dbPath + "/branches/main/insights/anomalies"
	h.clock.Advance(4 * time.Minute)
	var l ps.List[ps.Anomaly]
	h.must("GET", path, nil, 200, &l)
	if len(l.Data) != 1 || !l.Data[0].Active || l.Data[0].PeriodEnd != nil || l.Data[0].MinutesInViolation != 4 || !l.Data[0].PeriodStart.Equal(start) {
		t.Fatalf("while active: %+v", l.Data)
	}
	h.clock.Advance(time.Hour)
	var got ps.Anomaly
	h.must("GET", path+"/"+a.ID, nil, 200, &got)
	if got.Active || got.PeriodEnd == nil || !got.PeriodEnd.Equal(start.Add(10*time.Minute)) || got.MinutesInViolation != 10 || got.Duration != 600 {
		t.Fatalf("after: %+v", got)
	}
	h.must("GET", path+"/nope", nil, 404, nil)
	h.s.DenyAccess(ps.AccessReadDatabase)
	if status, data := h.call("GET", path, nil); status != 403 || !strings.Contains(string(data), "read_database") {
		t.Fatalf("denied: %d %s", status, data)
	}
	if _, err := h.s.Slowdown("acme", "app", "nope", time.Minute); err == nil {
		t.Error("a slowdown of a missing branch")
	}
	if _, err := h.s.Slowdown("acme", "app", "main", 0); err == nil {
		t.Error("a slowdown without a duration")
	}
}
