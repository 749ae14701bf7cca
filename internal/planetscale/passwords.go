package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// CreatePasswordRequest is the body of POST /branches/{branch}/passwords.
type CreatePasswordRequest struct {
	// Name is an optional display name.
	Name string `json:"name,omitempty"`
	// Role is RoleReader, RoleWriter, RoleAdmin or RoleReadWriter.
	Role string `json:"role,omitempty"`
	// TTL is the password's lifetime in seconds; 0 means no expiry.
	TTL int `json:"ttl,omitempty"`
}

// CreatePassword creates a branch password (201). Password.PlainText is only
// in this response, so a password whose response was lost (a 5xx or a
// network error after the server may have acted) cannot be used: when req
// has a Name, CreatePassword then lists the branch's passwords, deletes those
// with that name (so none is left behind until its TTL), and asks again, at
// most MaxRetries times. The name must therefore be unique to this call
// (ApplyDDL's are). Without a name the request is never repeated after such
// a failure; 429s are always retried.
func (c *Client) CreatePassword(ctx context.Context, org, db, branch string, req CreatePasswordRequest) (*Password, error) {
	op := fmt.Sprintf("create password on branch %q", branch)
	create := func() (*Password, error) {
		return fetch[Password](ctx, c, &request{op: op, method: http.MethodPost, path: branchPath(org, db, branch) + "/passwords", body: req, policy: retryRefused})
	}
	if req.Name == "" {
		return create()
	}
	return retryAmbiguous(ctx, c, op, create, func() (*Password, bool, error) {
		return nil, false, c.deletePasswordsNamed(ctx, org, db, branch, req.Name)
	})
}

// deletePasswordsNamed deletes the branch's passwords called name.
func (c *Client) deletePasswordsNamed(ctx context.Context, org, db, branch, name string) error {
	pws, err := c.ListPasswords(ctx, org, db, branch)
	if err != nil {
		return err
	}
	for _, p := range pws {
		if p.Name != name {
			continue
		}
		if err := c.DeletePassword(ctx, org, db, branch, p.ID); err != nil {
			return err
		}
		c.log.Debug("planetscale: deleted a password whose create response was lost", "branch", branch, "password_id", p.ID)
	}
	return nil
}

// ListPasswords returns the branch's passwords (all pages), without their
// secrets.
func (c *Client) ListPasswords(ctx context.Context, org, db, branch string) ([]Password, error) {
	return listAll[Password](ctx, c, fmt.Sprintf("list passwords of branch %q", branch), branchPath(org, db, branch)+"/passwords", nil)
}

// DeletePassword deletes a branch password (204).
func (c *Client) DeletePassword(ctx context.Context, org, db, branch, id string) error {
	op := fmt.Sprintf("delete password %q on branch %q", id, branch)
	return c.do(ctx, &request{op: op, method: http.MethodDelete, path: branchPath(org, db, branch) + "/passwords/" + url.PathEscape(id), goneOK: true})
}
