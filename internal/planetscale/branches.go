package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// CreateBranchRequest is the body of POST /branches.
type CreateBranchRequest struct {
	// Name of the new branch (lowercase alphanumerics and hyphens). Required.
	Name string `json:"name"`
	// ParentBranch is the branch to fork, usually the production branch. Required.
	ParentBranch string `json:"parent_branch"`
	// Region slug; empty means the database's default region.
	Region string `json:"region,omitempty"`
}

// CreateBranch creates a branch (201). A new branch is not ready at once:
// follow with WaitBranchReady.
//
// When the POST fails in a way that leaves open whether the branch was
// created (a 5xx or a network error), CreateBranch asks GetBranch(name) and
// returns the branch if it exists, and repeats the create otherwise. So a
// branch of that name that already existed is returned too.
func (c *Client) CreateBranch(ctx context.Context, org, db string, req CreateBranchRequest) (*Branch, error) {
	op := fmt.Sprintf("create branch %q", req.Name)
	return retryAmbiguous(ctx, c, op,
		func() (*Branch, error) {
			return fetch[Branch](ctx, c, &request{op: op, method: http.MethodPost, path: dbPath(org, db) + "/branches", body: req, policy: retryRefused})
		},
		func() (*Branch, bool, error) {
			b, err := c.GetBranch(ctx, org, db, req.Name)
			switch {
			case err == nil:
				return b, true, nil
			case IsNotFound(err):
				return nil, false, nil
			default:
				return nil, false, err
			}
		})
}

// GetBranch returns a branch; IsNotFound(err) when it does not exist.
func (c *Client) GetBranch(ctx context.Context, org, db, branch string) (*Branch, error) {
	op := fmt.Sprintf("get branch %q", branch)
	return fetch[Branch](ctx, c, &request{op: op, method: http.MethodGet, path: branchPath(org, db, branch)})
}

// ListBranches returns every branch of the database (all pages).
func (c *Client) ListBranches(ctx context.Context, org, db string) ([]Branch, error) {
	return listAll[Branch](ctx, c, "list branches", dbPath(org, db)+"/branches", nil)
}

// DeleteBranch deletes a branch (204). A retry that finds the branch gone
// after an earlier attempt failed ambiguously counts as success.
func (c *Client) DeleteBranch(ctx context.Context, org, db, branch string) error {
	op := fmt.Sprintf("delete branch %q", branch)
	return c.do(ctx, &request{op: op, method: http.MethodDelete, path: branchPath(org, db, branch), goneOK: true})
}

// BranchSchema returns the branch's tables, one CREATE statement each (Raw).
func (c *Client) BranchSchema(ctx context.Context, org, db, branch string) ([]SchemaTable, error) {
	return c.schemaTables(ctx, fmt.Sprintf("get schema of branch %q", branch), branchPath(org, db, branch)+"/schema")
}

// schemaTables gets a list of tables (a branch's schema, a deploy request's
// diff): never nil.
func (c *Client) schemaTables(ctx context.Context, op, path string) ([]SchemaTable, error) {
	out, err := fetch[struct {
		Data []SchemaTable `json:"data"`
	}](ctx, c, &request{op: op, method: http.MethodGet, path: path})
	if err != nil {
		return nil, err
	}
	if out.Data == nil {
		return []SchemaTable{}, nil
	}
	return out.Data, nil
}

// Branch readiness polling: 1 s doubling to 10 s.
const (
	branchPollFirst = time.Second
	branchPollMax   = 10 * time.Second
)

// WaitBranchReady polls GetBranch until the branch is ready, waiting 1 s,
// then doubling up to 10 s between polls (through Config.Sleep), and
// returns the ready branch. At the deadline it fails with an error that
// names the branch and its last state and wraps ErrBranchNotReady; a zero
// deadline leaves only ctx to end the wait. API errors (a 404 included) and
// ctx's end stop the wait at once.
func (c *Client) WaitBranchReady(ctx context.Context, org, db, branch string, deadline time.Time) (*Branch, error) {
	start := c.now()
	wait := branchPollFirst
	for {
		b, err := c.GetBranch(ctx, org, db, branch)
		if err != nil {
			return nil, fmt.Errorf("waiting for branch %q to be ready: %w", branch, err)
		}
		if b.Ready {
			return b, nil
		}
		remaining := deadline.Sub(c.now())
		if deadline.IsZero() {
			remaining = branchPollMax
		}
		if remaining <= 0 {
			state := b.State
			if state == "" {
				state = "unknown"
			}
			return nil, fmt.Errorf("planetscale: branch %q of %s/%s is still %q after %s (deadline %s): %w",
				branch, org, db, state, c.now().Sub(start).Round(time.Second), deadline.Format(time.RFC3339), ErrBranchNotReady)
		}
		d := min(wait, remaining)
		c.log.Debug("planetscale: waiting for branch", "branch", branch, "state", b.State, "wait", d)
		if err := c.sleep(ctx, d); err != nil {
			return nil, fmt.Errorf("planetscale: waiting for branch %q to be ready (last state %q): %w", branch, b.State, err)
		}
		wait = min(wait*2, branchPollMax)
	}
}
