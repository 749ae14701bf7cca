package localscale

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// lostCounter counts create-password requests answered 500, which is how
// localscale's lost-response fault looks to the client.
type lostCounter struct {
	next http.RoundTripper
	lost atomic.Int32
}

func (l *lostCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/passwords") && resp.StatusCode == http.StatusInternalServerError {
		l.lost.Add(1)
	}
	return resp, err
}

// ApplyDDL through the real client while localscale loses responses after
// acting on them: every call still applies its DDL, and no password is left
// on the branch, though some were created and their responses lost.
func TestApplyDDLLostPasswordResponses(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.MySQLAddr = ""
		c.Faults = Faults{LostResponseRate: 0.3, Seed: 5}
	})
	if _, err := h.s.ListenMySQL("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	lc := &lostCounter{next: &http.Transport{DisableKeepAlives: true}}
	c, err := ps.New(ps.Config{
		BaseURL: h.ts.URL + "/v1", ServiceTokenID: h.id, ServiceToken: h.tok, MaxRetries: 8,
		HTTPClient: &http.Client{Transport: lc},
		Sleep:      func(ctx context.Context, d time.Duration) error { h.clock.Advance(d); return ctx.Err() },
		Now:        h.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBranch(ctx, "acme", "app", ps.CreateBranchRequest{Name: "ddlbot-pr-7", ParentBranch: "main"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitBranchReady(ctx, "acme", "app", "ddlbot-pr-7", h.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		res, err := c.ApplyDDL(ctx, "acme", "app", "ddlbot-pr-7", []string{"SELECT 1"}, ps.ApplyOptions{})
		if err != nil {
			t.Fatalf("apply %d: %v", i, err)
		}
		if res.PasswordDeleteErr != nil {
			t.Fatalf("apply %d: password delete: %v", i, res.PasswordDeleteErr)
		}
	}
	if lc.lost.Load() == 0 {
		t.Fatal("no create-password response was lost: the test tests nothing (change the seed)")
	}
	// Read the branch's passwords without faults: straight from the state.
	left := -1
	h.s.mu.Lock()
	for _, b := range h.s.st.Orgs["acme"].Databases["app"].Branches {
		if b.Name == "ddlbot-pr-7" {
			left = len(b.Passwords)
		}
	}
	h.s.mu.Unlock()
	if left != 0 {
		t.Errorf("%d passwords left on the branch after %d lost create responses", left, lc.lost.Load())
	}
}
