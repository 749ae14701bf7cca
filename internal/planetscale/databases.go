package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// CreateDatabaseRequest is the body of POST /organizations/{org}/databases.
type CreateDatabaseRequest struct {
	// Name of the database. Required.
	Name string `json:"name"`
	// Region slug; empty means the organization's default.
	Region string `json:"region,omitempty"`
	// ClusterSize, e.g. "PS_10" (PlanetScale requires it; localscale does not).
	ClusterSize string `json:"cluster_size,omitempty"`
	// Replicas: 0 for non-HA, 2+ for HA; nil leaves PlanetScale's default.
	Replicas *int `json:"replicas,omitempty"`
	// Kind is "mysql" or "postgresql"; empty means mysql.
	Kind string `json:"kind,omitempty"`
}

// CreateDatabase creates a database (201). Only 429s are retried: a
// database costs money, so an ambiguous failure is returned to the caller
// (check with GetDatabase).
func (c *Client) CreateDatabase(ctx context.Context, org string, req CreateDatabaseRequest) (*Database, error) {
	op := fmt.Sprintf("create database %q", req.Name)
	path := "/organizations/" + url.PathEscape(org) + "/databases"
	return fetch[Database](ctx, c, &request{op: op, method: http.MethodPost, path: path, body: req, policy: retryRefused})
}

// GetDatabase returns a database; IsNotFound(err) when it does not exist
// (or the token may not see it).
func (c *Client) GetDatabase(ctx context.Context, org, db string) (*Database, error) {
	op := fmt.Sprintf("get database %q", db)
	return fetch[Database](ctx, c, &request{op: op, method: http.MethodGet, path: dbPath(org, db)})
}
