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
// in this response. The request is never repeated after a 5xx or a network
// error (it cannot be checked without the secret); only 429s are retried.
func (c *Client) CreatePassword(ctx context.Context, org, db, branch string, req CreatePasswordRequest) (*Password, error) {
	var p Password
	op := fmt.Sprintf("create password on branch %q", branch)
	err := c.do(ctx, &request{op: op, method: http.MethodPost, path: branchPath(org, db, branch) + "/passwords", body: req, out: &p, policy: retryRefused})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeletePassword deletes a branch password (204).
func (c *Client) DeletePassword(ctx context.Context, org, db, branch, id string) error {
	op := fmt.Sprintf("delete password %q on branch %q", id, branch)
	return c.do(ctx, &request{op: op, method: http.MethodDelete, path: branchPath(org, db, branch) + "/passwords/" + url.PathEscape(id), goneOK: true})
}
