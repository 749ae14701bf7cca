package localscale

import (
	"context"
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
