package localscale

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func TestRestartMidDeployment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(c *Config) { c.StatePath = path })
	h.deployable("feat", nil, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	var p ps.Password
	h.must("POST", dbPath+"/branches/feat/passwords", nil, 201, &p)
	var w ps.Webhook
	h.must("POST", dbPath+"/webhooks", map[string]any{"url": "http://127.0.0.1:1/hook", "enabled": false}, 201, &w)
	h.action(1, "deploy", nil)
	h.clock.Advance(12 * time.Second) // 10s into the 20s ALTER
	if dr := h.dr(1); dr.Deployment.DeployOperations[0].ProgressPercentage != 50 {
		t.Fatalf("before restart: %+v", dr.Deployment.DeployOperations[0])
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".localscale-state-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	now := h.clock.Now()
	h.ts.Close()
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}

	// A new server from the same file, with a clock 5s later.
	clock := NewFakeClock(now.Add(5 * time.Second))
	s2, err := New(Config{Org: "acme", Clock: clock, TokenID: "tid", Token: "tok", StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s2.Handler())
	defer ts.Close()
	defer s2.Close()
	h2 := &harness{t: t, s: s2, clock: clock, ts: ts, id: "tid", tok: "tok"}
	dr := h2.dr(1)
	if dr.DeploymentState != ps.StateInProgress || dr.Deployment.DeployOperations[0].ProgressPercentage != 75 {
		t.Fatalf("after restart: %s %+v", dr.DeploymentState, dr.Deployment.DeployOperations[0])
	}
	h2.must("GET", dbPath+"/webhooks/"+w.ID, nil, 200, nil)
	if _, err := s2.MySQLBackend().Authenticate(context.Background(), p.Username, func(pw string) bool { return pw == p.PlainText }); err != nil {
		t.Errorf("password lost: %v", err)
	}
	clock.Advance(10 * time.Second)
	if st := h2.state(1); st != ps.StateCompletePendingRevert {
		t.Fatalf("resumed deployment: %s", st)
	}
	if !strings.Contains(h2.schema("main")["users"], "nick") {
		t.Error("production not updated after restart")
	}
	// The branch keeps its base: a new deploy request from it has nothing left to do.
	h2.must("PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "closed"}, 422, nil)
	h2.action(1, "skip-revert", nil)
	h2.must("PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "closed"}, 200, nil)
	var dr2 ps.DeployRequest
	h2.must("POST", dbPath+"/deploy-requests", map[string]any{"branch": "feat", "into_branch": "main"}, 201, &dr2)
	clock.Advance(time.Second)
	if st := h2.state(dr2.Number); st != ps.StateNoChanges {
		t.Errorf("redeploying a deployed branch: %s", st)
	}
}

func TestStateFileRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{StatePath: path, Clock: NewFakeClock(time.Time{})}); err == nil {
		t.Fatal("garbage state accepted")
	}
}
