package localscale

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// clientFor returns the real API client pointed at the harness. Its sleeps
// advance the fake clock, so polling and retry backoff cost no real time.
func clientFor(t *testing.T, h *harness) *ps.Client {
	t.Helper()
	c, err := ps.New(ps.Config{
		BaseURL: h.ts.URL + "/v1", ServiceTokenID: h.id, ServiceToken: h.tok, MaxRetries: 8,
		Sleep: func(ctx context.Context, d time.Duration) error { h.clock.Advance(d); return ctx.Err() },
		Now:   h.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func waitChecks(t *testing.T, ctx context.Context, h *harness, c *ps.Client, n int) *ps.DeployRequest {
	t.Helper()
	for i := 0; i < 20; i++ {
		dr, err := c.GetDeployRequest(ctx, "acme", "app", n)
		if err != nil {
			t.Fatal(err)
		}
		if dr.DeploymentState != ps.StatePending {
			return dr
		}
		h.clock.Advance(500 * time.Millisecond)
	}
	t.Fatal("checks never finished")
	return nil
}

func TestClientEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults Faults
	}{
		{"clean", Faults{}},
		{"faults", Faults{ErrorRate: 0.2, RateLimitEvery: 5, Seed: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.MySQLAddr = ""; c.Faults = tc.faults })
			if _, err := h.s.ListenMySQL("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			c := clientFor(t, h)
			if _, err := c.CreateBranch(ctx, "acme", "app", ps.CreateBranchRequest{Name: "ddlbot-pr-7", ParentBranch: "main"}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.WaitBranchReady(ctx, "acme", "app", "ddlbot-pr-7", h.clock.Now().Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ApplyDDL(ctx, "acme", "app", "ddlbot-pr-7", []string{
				"ALTER TABLE users ADD COLUMN nick varchar(50)",
				"CREATE TABLE tags (id bigint NOT NULL AUTO_INCREMENT, name varchar(50) NOT NULL, PRIMARY KEY (id))",
			}, ps.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			tables, err := c.BranchSchema(ctx, "acme", "app", "ddlbot-pr-7")
			if err != nil || len(tables) != 3 {
				t.Fatalf("branch schema: %v %+v", err, tables)
			}
			autoCutover := false
			dr, err := c.CreateDeployRequest(ctx, "acme", "app", ps.CreateDeployRequestRequest{Branch: "ddlbot-pr-7", IntoBranch: "main", AutoCutover: &autoCutover})
			if err != nil {
				t.Fatal(err)
			}
			dr = waitChecks(t, ctx, h, c, dr.Number)
			if dr.DeploymentState != ps.StateReady {
				t.Fatalf("checks: %s", dr.DeploymentState)
			}
			diff, err := c.DeployRequestDiff(ctx, "acme", "app", dr.Number)
			if err != nil || len(diff) != 2 {
				t.Fatalf("diff: %v %+v", err, diff)
			}
			if _, err := c.DeployDeployRequest(ctx, "acme", "app", dr.Number, ps.DeployOptions{}); err != nil {
				t.Fatal(err)
			}
			h.clock.Advance(time.Minute)
			dep, err := c.GetDeployment(ctx, "acme", "app", dr.Number)
			if err != nil || dep.State != ps.StatePendingCutover {
				t.Fatalf("deployment: %v %+v", err, dep)
			}
			if _, err := c.ApplyDeploy(ctx, "acme", "app", dr.Number); err != nil {
				t.Fatal(err)
			}
			h.clock.Advance(5 * time.Second)
			tables, err = c.BranchSchema(ctx, "acme", "app", "main")
			if err != nil || len(tables) != 3 {
				t.Fatalf("main after deploy: %v %+v", err, tables)
			}
			if _, err := c.RevertDeployRequest(ctx, "acme", "app", dr.Number); err != nil {
				t.Fatal(err)
			}
			h.clock.Advance(5 * time.Second)
			got, err := c.GetDeployRequest(ctx, "acme", "app", dr.Number)
			if err != nil || got.DeploymentState != ps.StateCompleteRevert || got.State != ps.DeployRequestClosed {
				t.Fatalf("after revert: %v %+v", err, got)
			}
			tables, err = c.BranchSchema(ctx, "acme", "app", "main")
			if err != nil || len(tables) != 2 {
				t.Fatalf("main after revert: %v %d tables", err, len(tables))
			}
			for _, tb := range tables {
				if strings.Contains(tb.Raw, "nick") {
					t.Errorf("revert left %s", tb.Raw)
				}
			}
		})
	}
}

// TestClientPaths drives the other paths of the issue through the real client
// over TCP: skip-revert, a lint error, a three-way conflict, and a restart from
// the state file in the middle of a deployment.
func TestClientPaths(t *testing.T) {
	ctx := context.Background()
	// branchWith creates a ready branch from main and applies DDL to it over MySQL.
	branchWith := func(t *testing.T, h *harness, c *ps.Client, name string, ddl ...string) {
		t.Helper()
		if _, err := c.CreateBranch(ctx, "acme", "app", ps.CreateBranchRequest{Name: name, ParentBranch: "main"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitBranchReady(ctx, "acme", "app", name, h.clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ApplyDDL(ctx, "acme", "app", name, ddl, ps.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	open := func(t *testing.T, h *harness, c *ps.Client, branch string) *ps.DeployRequest {
		t.Helper()
		dr, err := c.CreateDeployRequest(ctx, "acme", "app", ps.CreateDeployRequestRequest{Branch: branch, IntoBranch: "main"})
		if err != nil {
			t.Fatal(err)
		}
		return waitChecks(t, ctx, h, c, dr.Number)
	}
	withMySQL := func(t *testing.T, mutate ...func(*Config)) (*harness, *ps.Client) {
		h := newHarness(t, append([]func(*Config){func(c *Config) { c.MySQLAddr = "" }}, mutate...)...)
		if _, err := h.s.ListenMySQL("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		return h, clientFor(t, h)
	}

	t.Run("skip-revert", func(t *testing.T) {
		h, c := withMySQL(t)
		branchWith(t, h, c, "feat", "ALTER TABLE posts ADD COLUMN body text")
		dr := open(t, h, c, "feat")
		if _, err := c.DeployDeployRequest(ctx, "acme", "app", dr.Number, ps.DeployOptions{}); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Minute)
		if got, _ := c.GetDeployRequest(ctx, "acme", "app", dr.Number); got.DeploymentState != ps.StateCompletePendingRevert {
			t.Fatalf("after deploy: %s", got.DeploymentState)
		}
		if _, err := c.SkipRevert(ctx, "acme", "app", dr.Number); err != nil {
			t.Fatal(err)
		}
		got, err := c.GetDeployRequest(ctx, "acme", "app", dr.Number)
		if err != nil || got.DeploymentState != ps.StateComplete {
			t.Fatalf("after skip-revert: %v %s", err, got.DeploymentState)
		}
		if _, err := c.RevertDeployRequest(ctx, "acme", "app", dr.Number); err == nil {
			t.Fatal("revert after skip-revert must be refused")
		}
	})

	t.Run("lint error", func(t *testing.T) {
		h, c := withMySQL(t)
		branchWith(t, h, c, "nopk", "CREATE TABLE events (payload json)")
		dr := open(t, h, c, "nopk")
		if dr.DeploymentState != ps.StateError || dr.Deployment == nil || len(dr.Deployment.LintErrors) == 0 {
			t.Fatalf("checks: %s %+v", dr.DeploymentState, dr.Deployment)
		}
		if le := dr.Deployment.LintErrors[0]; le.LintError != "NO_UNIQUE_KEY" || le.TableName != "events" {
			t.Fatalf("lint error: %+v", le)
		}
		if _, err := c.DeployDeployRequest(ctx, "acme", "app", dr.Number, ps.DeployOptions{}); err == nil {
			t.Fatal("a deploy request in error must not deploy")
		}
	})

	t.Run("three-way conflict", func(t *testing.T) {
		h, c := withMySQL(t)
		branchWith(t, h, c, "a", "ALTER TABLE users ADD COLUMN nick varchar(50)")
		branchWith(t, h, c, "b", "ALTER TABLE users ADD COLUMN nick bigint")
		first := open(t, h, c, "a")
		if _, err := c.DeployDeployRequest(ctx, "acme", "app", first.Number, ps.DeployOptions{}); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Minute)
		if _, err := c.SkipRevert(ctx, "acme", "app", first.Number); err != nil {
			t.Fatal(err)
		}
		// b was cut before a landed: its change conflicts with production as it is now.
		second := open(t, h, c, "b")
		if second.DeploymentState != ps.StateError || second.Deployment == nil || second.Deployment.DeployCheckErrors == nil ||
			!strings.Contains(*second.Deployment.DeployCheckErrors, "users") {
			t.Fatalf("conflict: %s %+v", second.DeploymentState, second.Deployment)
		}
	})

	t.Run("restart mid-deployment", func(t *testing.T) {
		path := t.TempDir() + "/state.json"
		h, c := withMySQL(t, func(cfg *Config) { cfg.StatePath = path })
		branchWith(t, h, c, "feat", "ALTER TABLE users ADD COLUMN nick varchar(50)")
		dr := open(t, h, c, "feat")
		if _, err := c.DeployDeployRequest(ctx, "acme", "app", dr.Number, ps.DeployOptions{}); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(12 * time.Second)
		mid, err := c.GetDeployment(ctx, "acme", "app", dr.Number)
		if err != nil || mid.State != ps.StateInProgress {
			t.Fatalf("mid-deployment: %v %+v", err, mid)
		}
		now := h.clock.Now()
		h.ts.Close()
		if err := h.s.Close(); err != nil {
			t.Fatal(err)
		}
		clock := NewFakeClock(now)
		s2, err := New(Config{Org: "acme", Clock: clock, StatePath: path})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s2.Handler())
		t.Cleanup(func() { ts.Close(); _ = s2.Close() })
		h2 := &harness{t: t, s: s2, clock: clock, ts: ts, id: h.id, tok: h.tok}
		c2 := clientFor(t, h2)
		clock.Advance(time.Minute)
		got, err := c2.GetDeployRequest(ctx, "acme", "app", dr.Number)
		if err != nil || got.DeploymentState != ps.StateCompletePendingRevert {
			t.Fatalf("after restart: %v %+v", err, got)
		}
		tables, err := c2.BranchSchema(ctx, "acme", "app", "main")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, tb := range tables {
			found = found || strings.Contains(tb.Raw, "`nick`")
		}
		if !found {
			t.Fatal("the resumed deployment did not reach production")
		}
	})
}
