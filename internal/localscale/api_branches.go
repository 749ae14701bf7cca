package localscale

import (
	"net/http"
	"strings"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func (s *Server) listBranches(now time.Time, c *reqCtx) (int, any, *apiError) {
	d := c.db
	q := c.r.URL.Query()
	filter := strings.ToLower(q.Get("q"))
	prod := q.Get("production")
	if prod != "" && prod != "true" && prod != "false" {
		return 0, nil, errInvalid("production must be true or false")
	}
	items := []ps.Branch{}
	for _, b := range d.Branches {
		if filter != "" && !strings.Contains(b.Name, filter) {
			continue
		}
		if prod != "" && (prod == "true") != b.Production {
			continue
		}
		items = append(items, s.renderBranch(d, b, now, c.api))
	}
	return list(c, items)
}

func (s *Server) createBranch(now time.Time, c *reqCtx) (int, any, *apiError) {
	d := c.db
	var body struct {
		Name         *string `json:"name"`
		ParentBranch *string `json:"parent_branch"`
		Region       string  `json:"region"`
		BackupID     string  `json:"backup_id"`
		SeedData     string  `json:"seed_data"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	switch {
	case body.Name == nil || *body.Name == "":
		return 0, nil, errInvalid("name is required")
	case !validName(*body.Name):
		return 0, nil, errInvalid("name %q is invalid: branch names use lowercase letters, digits and hyphens", *body.Name)
	case body.ParentBranch == nil || *body.ParentBranch == "":
		return 0, nil, errInvalid("parent_branch is required")
	case body.BackupID != "" || body.SeedData != "":
		return 0, nil, errInvalid("backup_id and seed_data are not supported by localscale (branches hold schemas only)")
	}
	parent := d.branch(*body.ParentBranch)
	if parent == nil {
		return 0, nil, errInvalid("parent_branch %q does not exist", *body.ParentBranch)
	}
	if d.branch(*body.Name) != nil {
		return 0, nil, errInvalid("name %q has already been taken", *body.Name)
	}
	b := &branch{ID: randString(12), Name: *body.Name, Parent: parent.Name, Actor: c.actor, CreatedAt: now, UpdatedAt: now,
		ReadyAt: now.Add(s.cfg.BranchReadyDelay), Schema: parent.Schema, Base: parent.Schema, SchemaUpdatedAt: parent.SchemaUpdatedAt}
	d.Branches = append(d.Branches, b)
	s.dirty = true
	return http.StatusCreated, s.renderBranch(d, b, now, c.api), nil
}

func (s *Server) getBranch(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, b := c.db, c.branch
	return http.StatusOK, s.renderBranch(d, b, now, c.api), nil
}

func (s *Server) deleteBranchHandler(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, b := c.db, c.branch
	if b.Production {
		return 0, nil, errUnprocessable("branch %q is a production branch and cannot be deleted", b.Name)
	}
	s.deleteBranch(d, b, c.actor, now)
	return http.StatusNoContent, nil, nil
}

type schemaList struct {
	Data []ps.SchemaTable `json:"data"`
}

func schemaTable(name, raw string) ps.SchemaTable {
	return ps.SchemaTable{Name: name, Raw: raw, HTML: "<pre>" + htmlEscape(raw) + "</pre>"}
}

func (s *Server) branchSchema(now time.Time, c *reqCtx) (int, any, *apiError) {
	b := c.branch
	sch := s.sch.get(b.Schema)
	tables, views := entityNames(sch)
	out := schemaList{Data: []ps.SchemaTable{}}
	for _, n := range sortedStrings(append(tables, views...)) {
		raw, _ := createStatement(sch, n)
		out.Data = append(out.Data, schemaTable(n, raw))
	}
	return http.StatusOK, out, nil
}

func (s *Server) branchDiff(now time.Time, c *reqCtx) (int, any, *apiError) {
	b := c.branch
	out := schemaList{Data: []ps.SchemaTable{}}
	diff, err := computeDiff(s.sch.get(b.Base), s.sch.get(b.Schema))
	if err != nil {
		return 0, nil, errUnprocessable("could not diff branch %q: %v", b.Name, err)
	}
	seen := map[string]bool{}
	for _, ch := range diff.Changes {
		if !seen[ch.Entity] {
			seen[ch.Entity] = true
			out.Data = append(out.Data, schemaTable(ch.Entity, ch.Unified))
		}
	}
	return http.StatusOK, out, nil
}

// Passwords
