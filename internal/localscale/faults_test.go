package localscale

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func statuses(t *testing.T, f Faults, n int) ([]int, []string) {
	t.Helper()
	h := newHarness(t, func(c *Config) { c.Faults = f })
	var out []int
	var bodies []string
	for i := 0; i < n; i++ {
		code, body := h.call("GET", dbPath, nil)
		out = append(out, code)
		bodies = append(bodies, strings.TrimSpace(string(body)))
	}
	return out, bodies
}

func TestFaultErrorRateIsDeterministic(t *testing.T) {
	f := Faults{ErrorRate: 0.5, Seed: 7}
	a, bodies := statuses(t, f, 40)
	b, _ := statuses(t, f, 40)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	c, _ := statuses(t, Faults{ErrorRate: 0.5, Seed: 8}, 40)
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Errorf("different seeds, same faults")
	}
	n500 := 0
	for i, s := range a {
		switch s {
		case 500:
			n500++
			if bodies[i] != "{}" {
				t.Errorf("500 body %q", bodies[i])
			}
		case 200:
		default:
			t.Errorf("status %d", s)
		}
	}
	if n500 < 10 || n500 > 30 {
		t.Errorf("%d of 40 failed at rate 0.5", n500)
	}
}

func TestFaultRateLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Faults = Faults{RateLimitEvery: 3, RetryAfter: 2 * time.Second} })
	for i := 1; i <= 9; i++ {
		req := h.ts.URL + "/v1" + dbPath
		code, body := h.call("GET", dbPath, nil)
		if i%3 == 0 {
			if code != 429 || !strings.Contains(string(body), "too_many_requests") {
				t.Errorf("request %d (%s): %d %s", i, req, code, body)
			}
		} else if code != 200 {
			t.Errorf("request %d: %d", i, code)
		}
	}
	resp, err := h.ts.Client().Get(h.ts.URL + "/v1" + dbPath) // 10th: fine, unauthenticated 401
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = h.ts.Client().Get(h.ts.URL + "/v1" + dbPath) // 11th
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = h.ts.Client().Get(h.ts.URL + "/v1" + dbPath) // 12th: limited
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("12th request: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestFaultLostResponse(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Faults = Faults{LostResponseRate: 1} })
	code, body := h.call("POST", dbPath+"/branches", map[string]any{"name": "lost", "parent_branch": "main"})
	if code != 500 || strings.TrimSpace(string(body)) != "{}" {
		t.Fatalf("%d %s", code, body)
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if h.s.database("acme", "app").branch("lost") == nil {
		t.Error("the change behind a lost response was not made")
	}
}

func TestFaultRules(t *testing.T) {
	h := newHarness(t)
	h.s.InjectFaults(FaultRule{Method: "GET", Path: "/databases/app", Skip: 1, Times: 2})
	var got []int
	for i := 0; i < 4; i++ {
		code, _ := h.call("GET", dbPath, nil)
		got = append(got, code)
	}
	if fmt.Sprint(got) != "[200 500 500 200]" {
		t.Fatalf("statuses %v, want the 2nd and 3rd request failed", got)
	}
	if n := h.s.PendingFaults(); n != 0 {
		t.Fatalf("%d faults left", n)
	}
}
