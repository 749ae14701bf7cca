package localscale

import (
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func TestFakeClock(t *testing.T) {
	c := NewFakeClock(time.Time{})
	start := c.Now()
	var order []int
	var seen []time.Time
	c.AfterFunc(3*time.Second, func() { order = append(order, 3); seen = append(seen, c.Now()) })
	c.AfterFunc(time.Second, func() {
		order = append(order, 1)
		seen = append(seen, c.Now())
		// A timer scheduled by a callback fires within the same Advance when due.
		c.AfterFunc(time.Second, func() { order = append(order, 2); seen = append(seen, c.Now()) })
	})
	stopped := c.AfterFunc(2*time.Second, func() { order = append(order, 99) })
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop should report true once")
	}
	ch := c.After(4 * time.Second)
	c.Advance(5 * time.Second)
	if got := c.Now().Sub(start); got != 5*time.Second {
		t.Errorf("now moved %v", got)
	}
	if len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 3 {
		t.Errorf("order %v", order)
	}
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
		if seen[i].Sub(start) != want {
			t.Errorf("callback %d saw %v", i, seen[i].Sub(start))
		}
	}
	select {
	case at := <-ch:
		if at.Sub(start) != 4*time.Second {
			t.Errorf("After delivered %v", at.Sub(start))
		}
	default:
		t.Error("After did not fire")
	}
	if c.Pending() != 0 {
		t.Errorf("%d timers left", c.Pending())
	}
}

// TestRealClockBackgroundLoop checks that, on the wall clock, transitions and
// webhooks happen without any request.
func TestRealClockBackgroundLoop(t *testing.T) {
	s, err := New(Config{Org: "acme", BranchReadyDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := &harness{t: t, s: s, id: s.cfg.TokenID, tok: s.cfg.Token}
	h.ts = newTestServer(t, s)
	h.must("POST", "/organizations/acme/databases", map[string]any{"name": "app"}, 201, nil)
	_, ch := h.subscribe(nil)
	h.must("POST", dbPath+"/branches", map[string]any{"name": "feat", "parent_branch": "main"}, 201, nil)
	if r := next(t, ch); r.event.Event != ps.EventBranchReady || !r.sigOK {
		t.Fatalf("got %+v", r)
	}
}
