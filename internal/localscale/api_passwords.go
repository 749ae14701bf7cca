package localscale

import (
	"net/http"
	"strings"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

var roles = []string{ps.RoleReader, ps.RoleWriter, ps.RoleAdmin, ps.RoleReadWriter}

func (s *Server) createPassword(now time.Time, c *reqCtx) (int, any, *apiError) {
	b := c.branch
	var body struct {
		Name         string   `json:"name"`
		Role         string   `json:"role"`
		TTL          *int     `json:"ttl"`
		Replica      bool     `json:"replica"`
		CIDRs        []string `json:"cidrs"`
		DirectVTGate bool     `json:"direct_vtgate"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.Role == "" {
		body.Role = ps.RoleAdmin
	}
	okRole := false
	for _, r := range roles {
		okRole = okRole || r == body.Role
	}
	if !okRole {
		return 0, nil, errInvalid("role must be one of %s, not %q", strings.Join(roles, ", "), body.Role)
	}
	if body.TTL != nil && *body.TTL < 0 {
		return 0, nil, errInvalid("ttl must not be negative")
	}
	if body.Name == "" {
		body.Name = b.Name + "-" + now.UTC().Format("2006-01-02-150405")
	}
	p := &password{ID: randString(12), Name: body.Name, Role: body.Role, Username: randString(20),
		PlainText: "pscale_pw_" + randString(43), Actor: c.actor, CreatedAt: now}
	if body.TTL != nil && *body.TTL > 0 {
		p.TTL = ptr(*body.TTL)
		p.ExpiresAt = ptr(now.Add(time.Duration(*body.TTL) * time.Second))
	}
	b.Passwords = append(b.Passwords, p)
	s.dirty = true
	return http.StatusCreated, s.renderPassword(b, p, now, true), nil
}

func (s *Server) listPasswords(now time.Time, c *reqCtx) (int, any, *apiError) {
	return listed(c, c.branch.Passwords, func(p *password) ps.Password { return s.renderPassword(c.branch, p, now, false) })
}

func findPassword(b *branch, id string) (int, *password) {
	for i, p := range b.Passwords {
		if p.ID == id {
			return i, p
		}
	}
	return -1, nil
}

func (s *Server) getPassword(now time.Time, c *reqCtx) (int, any, *apiError) {
	b := c.branch
	_, p := findPassword(b, c.path("id"))
	if p == nil {
		return 0, nil, errNotFound()
	}
	return http.StatusOK, s.renderPassword(b, p, now, false), nil
}

func (s *Server) deletePassword(now time.Time, c *reqCtx) (int, any, *apiError) {
	b := c.branch
	i, p := findPassword(b, c.path("id"))
	if p == nil {
		return 0, nil, errNotFound()
	}
	b.Passwords = append(b.Passwords[:i:i], b.Passwords[i+1:]...)
	s.dirty = true
	return http.StatusNoContent, nil, nil
}

// Deploy requests
