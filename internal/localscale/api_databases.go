package localscale

import (
	"net/http"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func (s *Server) listDatabases(now time.Time, c *reqCtx) (int, any, *apiError) {
	return listed(c, sortedKeys(c.org.Databases), func(name string) ps.Database { return s.renderDatabase(c.org.Databases[name], c.api) })
}

func (s *Server) createDatabase(now time.Time, c *reqCtx) (int, any, *apiError) {
	o := c.org
	var body struct {
		Name            *string `json:"name"`
		Region          string  `json:"region"`
		ClusterSize     string  `json:"cluster_size"`
		Kind            string  `json:"kind"`
		RequireApproval *bool   `json:"require_approval_for_deploy"`
		ForeignKeys     *bool   `json:"foreign_keys_enabled"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.Name == nil || *body.Name == "" {
		return 0, nil, errInvalid("name is required")
	}
	if !validName(*body.Name) {
		return 0, nil, errInvalid("name %q is invalid: use lowercase letters, digits and hyphens", *body.Name)
	}
	if body.Kind != "" && body.Kind != "mysql" {
		return 0, nil, errInvalid("kind %q is not supported by localscale (only mysql)", body.Kind)
	}
	if o.Databases[*body.Name] != nil {
		return 0, nil, errInvalid("name %q has already been taken", *body.Name)
	}
	d := s.newDatabase(o.Name, *body.Name, now, s.cfg.RequireApproval, s.cfg.ForeignKeysEnabled)
	if body.RequireApproval != nil {
		d.RequireApproval = *body.RequireApproval
	}
	if body.ForeignKeys != nil {
		d.ForeignKeys = *body.ForeignKeys
	}
	if body.Region != "" {
		d.Region = body.Region
	}
	o.Databases[d.Name] = d
	s.dirty = true
	return http.StatusCreated, s.renderDatabase(d, c.api), nil
}

func (s *Server) getDatabase(now time.Time, c *reqCtx) (int, any, *apiError) {
	d := c.db
	return http.StatusOK, s.renderDatabase(d, c.api), nil
}

// Branches
