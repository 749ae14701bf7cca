package localscale

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// apiError is PlanetScale's error body: {"code":"not_found","message":"Not Found"}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func errNotFound() *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "Not Found"}
}

func errInvalid(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_params", Message: fmt.Sprintf(format, args...)}
}

func errUnprocessable(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "unprocessable", Message: fmt.Sprintf(format, args...)}
}

var reName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62})$`)

// validName reports whether a branch, database or organization name uses only
// lowercase letters, digits and hyphens (and does not start with a hyphen).
func validName(s string) bool { return reName.MatchString(s) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusNoContent {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// reqCtx is what a handler knows about its request.
type reqCtx struct {
	r     *http.Request
	api   string // the API root as the client reached it, e.g. http://127.0.0.1:8345/v1
	actor string
}

func (c *reqCtx) path(name string) string { return c.r.PathValue(name) }

// handlerFunc runs under the server lock with the state advanced to now.
type handlerFunc func(now time.Time, c *reqCtx) (int, any, *apiError)

// handle adapts a handlerFunc to HTTP.
func (s *Server) handle(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("localscale: internal error", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, struct{}{})
			}
		}()
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		actor := strings.TrimSpace(r.Header.Get("X-Localscale-Actor"))
		if actor == "" || len(actor) > 100 {
			actor = defaultActor
		}
		c := &reqCtx{r: r, api: scheme + "://" + r.Host + "/v1", actor: actor}
		var (
			status int
			body   any
			aerr   *apiError
		)
		s.update(func(now time.Time) {
			s.apiURL = c.api
			status, body, aerr = fn(now, c)
		})
		if aerr != nil {
			writeJSON(w, aerr.Status, aerr)
			return
		}
		writeJSON(w, status, body)
	}
}

// routes builds the API: PlanetScale's paths under /v1, behind the token
// check and the fault injector.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	const org = "/v1/organizations/{org}"
	const db = org + "/databases/{db}"
	const br = db + "/branches/{branch}"
	const dr = db + "/deploy-requests/{number}"
	routes := []struct {
		pattern string
		fn      handlerFunc
	}{
		{"GET " + org + "/databases", s.listDatabases},
		{"POST " + org + "/databases", s.createDatabase},
		{"GET " + db, s.getDatabase},
		{"GET " + db + "/branches", s.listBranches},
		{"POST " + db + "/branches", s.createBranch},
		{"GET " + br, s.getBranch},
		{"DELETE " + br, s.deleteBranchHandler},
		{"GET " + br + "/schema", s.branchSchema},
		{"GET " + br + "/diff", s.branchDiff},
		{"GET " + br + "/passwords", s.listPasswords},
		{"POST " + br + "/passwords", s.createPassword},
		{"GET " + br + "/passwords/{id}", s.getPassword},
		{"DELETE " + br + "/passwords/{id}", s.deletePassword},
		{"GET " + br + "/backups", s.listBackups},
		{"POST " + br + "/backups", s.createBackup},
		{"GET " + br + "/backups/{id}", s.getBackup},
		{"DELETE " + br + "/backups/{id}", s.deleteBackup},
		{"GET " + br + "/insights/anomalies", s.listAnomalies},
		{"GET " + br + "/insights/anomalies/{id}", s.getAnomaly},
		{"GET " + db + "/deploy-requests", s.listDeployRequests},
		{"POST " + db + "/deploy-requests", s.createDeployRequest},
		{"GET " + dr, s.getDeployRequest},
		{"PATCH " + dr, s.closeDeployRequest},
		{"POST " + dr + "/deploy", s.deployHandler},
		{"POST " + dr + "/apply-deploy", s.applyDeploy},
		{"POST " + dr + "/cancel", s.cancelDeploy},
		{"POST " + dr + "/revert", s.revertDeploy},
		{"POST " + dr + "/skip-revert", s.skipRevert},
		{"POST " + dr + "/complete-deploy", s.completeDeploy},
		{"GET " + dr + "/deployment", s.getDeployment},
		{"GET " + dr + "/operations", s.listOperations},
		{"GET " + dr + "/diff", s.deployRequestDiff},
		{"GET " + dr + "/reviews", s.listReviews},
		{"POST " + dr + "/reviews", s.createReview},
		{"GET " + db + "/webhooks", s.listWebhooks},
		{"POST " + db + "/webhooks", s.createWebhook},
		{"GET " + db + "/webhooks/{id}", s.getWebhook},
		{"DELETE " + db + "/webhooks/{id}", s.deleteWebhook},
		{"POST " + db + "/webhooks/{id}/test", s.testWebhook},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.handle(rt.fn))
	}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			writeJSON(w, http.StatusNotFound, errNotFound())
			return
		}
		mux.ServeHTTP(w, r)
	})
	h = s.authenticate(h)
	h = s.faults.middleware(h)
	return s.logRequests(s.pages(h))
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		s.log.Debug("localscale: request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// authenticate accepts `Authorization: <id>:<token>` (service token) or
// `Authorization: Bearer <token>`.
func (s *Server) authenticate(next http.Handler) http.Handler {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := strings.TrimSpace(r.Header.Get("Authorization"))
		ok := false
		if tok, found := strings.CutPrefix(h, "Bearer "); found {
			ok = eq(strings.TrimSpace(tok), s.cfg.Token)
		} else if id, tok, found := strings.Cut(h, ":"); found {
			idOK, tokOK := eq(id, s.cfg.TokenID), eq(tok, s.cfg.Token)
			ok = idOK && tokOK
		}
		if !ok {
			writeJSON(w, http.StatusUnauthorized, &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "Unauthorized"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// decode reads an optional JSON object body into v. Type errors name the field.
func decode(r *http.Request, v any) *apiError {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil {
		return errInvalid("could not read the request body: %v", err)
	}
	if len(data) > 1<<20 {
		return errInvalid("request body is too large")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return errInvalid("%s must be a %s, not %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return errInvalid("request body is not a valid JSON object: %v", err)
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "bool":
		return "boolean"
	case "int", "int64", "float64":
		return "number"
	case "slice":
		return "list"
	}
	return k
}

// pageParams reads page and per_page (default 1 and 25, per_page at most 100).
func pageParams(r *http.Request) (page, perPage int, aerr *apiError) {
	page, perPage = 1, 25
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, errInvalid("page must be a positive integer")
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, errInvalid("per_page must be a positive integer")
		}
		perPage = min(n, 100)
	}
	return page, perPage, nil
}

// paginate cuts items into PlanetScale's list envelope.
func paginate[T any](c *reqCtx, items []T) (ps.List[T], *apiError) {
	page, perPage, aerr := pageParams(c.r)
	if aerr != nil {
		return ps.List[T]{}, aerr
	}
	total := len(items)
	pages := (total + perPage - 1) / perPage
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	out := ps.List[T]{Type: "list", CurrentPage: page, PerPage: perPage, TotalCount: total, TotalPages: pages,
		Data: append(make([]T, 0, end-start), items[start:end]...)}
	pageURL := func(n int) *string {
		q := c.r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		u := strings.TrimSuffix(c.api, "/v1") + c.r.URL.Path + "?" + q.Encode()
		return &u
	}
	if end < total {
		out.NextPage = ptr(page + 1)
		out.NextPageURL = pageURL(page + 1)
	}
	if page > 1 {
		prev := min(page-1, max(pages, 1))
		out.PrevPage = ptr(prev)
		out.PrevPageURL = pageURL(prev)
	}
	return out, nil
}

// lookups (under the lock)

func (s *Server) orgOf(c *reqCtx) (*orgState, *apiError) {
	o := s.st.Orgs[c.path("org")]
	if o == nil {
		return nil, errNotFound()
	}
	return o, nil
}

func (s *Server) dbOf(c *reqCtx) (*database, *apiError) {
	d := s.database(c.path("org"), c.path("db"))
	if d == nil {
		return nil, errNotFound()
	}
	return d, nil
}

func (s *Server) branchOf(c *reqCtx) (*database, *branch, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return nil, nil, aerr
	}
	b := d.branch(c.path("branch"))
	if b == nil {
		return nil, nil, errNotFound()
	}
	return d, b, nil
}

func (s *Server) drOf(c *reqCtx) (*database, *deployRequest, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return nil, nil, aerr
	}
	n, err := strconv.Atoi(c.path("number"))
	if err != nil {
		return nil, nil, errNotFound()
	}
	dr := d.deployRequest(n)
	if dr == nil {
		return nil, nil, errNotFound()
	}
	return d, dr, nil
}

// Databases

func (s *Server) listDatabases(now time.Time, c *reqCtx) (int, any, *apiError) {
	o, aerr := s.orgOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	var items []ps.Database
	for _, name := range sortedKeys(o.Databases) {
		items = append(items, s.renderDatabase(o.Databases[name], c.api))
	}
	l, aerr := paginate(c, items)
	return http.StatusOK, l, aerr
}

func (s *Server) createDatabase(now time.Time, c *reqCtx) (int, any, *apiError) {
	o, aerr := s.orgOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, s.renderDatabase(d, c.api), nil
}

// Branches

func (s *Server) listBranches(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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
	l, aerr := paginate(c, items)
	return http.StatusOK, l, aerr
}

func (s *Server) createBranch(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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
	d, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, s.renderBranch(d, b, now, c.api), nil
}

func (s *Server) deleteBranchHandler(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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
	_, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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
	_, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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

var roles = []string{ps.RoleReader, ps.RoleWriter, ps.RoleAdmin, ps.RoleReadWriter}

func (s *Server) createPassword(now time.Time, c *reqCtx) (int, any, *apiError) {
	_, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
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
	_, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	items := []ps.Password{}
	for _, p := range b.Passwords {
		items = append(items, s.renderPassword(b, p, now, false))
	}
	l, aerr := paginate(c, items)
	return http.StatusOK, l, aerr
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
	_, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	_, p := findPassword(b, c.path("id"))
	if p == nil {
		return 0, nil, errNotFound()
	}
	return http.StatusOK, s.renderPassword(b, p, now, false), nil
}

func (s *Server) deletePassword(now time.Time, c *reqCtx) (int, any, *apiError) {
	_, b, aerr := s.branchOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	i, p := findPassword(b, c.path("id"))
	if p == nil {
		return 0, nil, errNotFound()
	}
	b.Passwords = append(b.Passwords[:i:i], b.Passwords[i+1:]...)
	s.dirty = true
	return http.StatusNoContent, nil, nil
}

// Deploy requests

func (s *Server) listDeployRequests(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	q := c.r.URL.Query()
	state, br, into := q.Get("state"), q.Get("branch"), q.Get("into_branch")
	switch state {
	case "", ps.DeployRequestOpen, ps.DeployRequestClosed, "deployed":
	default:
		return 0, nil, errInvalid("state must be open, closed or deployed, not %q", state)
	}
	items := []ps.DeployRequest{}
	for i := len(d.DeployRequests) - 1; i >= 0; i-- {
		dr := d.DeployRequests[i]
		switch {
		case state == "deployed" && dr.DeployedAt == nil,
			state != "" && state != "deployed" && dr.State != state,
			br != "" && dr.Branch != br,
			into != "" && dr.IntoBranch != into:
			continue
		}
		items = append(items, s.renderDR(d, dr, now, c.api))
	}
	l, aerr := paginate(c, items)
	return http.StatusOK, l, aerr
}

func (s *Server) createDeployRequest(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	var body struct {
		Branch           *string `json:"branch"`
		IntoBranch       *string `json:"into_branch"`
		Notes            string  `json:"notes"`
		AutoCutover      *bool   `json:"auto_cutover"`
		AutoDeleteBranch bool    `json:"auto_delete_branch"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	switch {
	case body.Branch == nil || *body.Branch == "":
		return 0, nil, errInvalid("branch is required")
	case body.IntoBranch == nil || *body.IntoBranch == "":
		return 0, nil, errInvalid("into_branch is required")
	}
	b, into := d.branch(*body.Branch), d.branch(*body.IntoBranch)
	switch {
	case b == nil:
		return 0, nil, errInvalid("branch %q does not exist", *body.Branch)
	case into == nil:
		return 0, nil, errInvalid("into_branch %q does not exist", *body.IntoBranch)
	case b == into:
		return 0, nil, errInvalid("branch and into_branch must differ")
	case b.Production:
		return 0, nil, errInvalid("branch %q is a production branch: deploy requests come from development branches", b.Name)
	}
	for _, o := range d.DeployRequests {
		if o.State == ps.DeployRequestOpen && o.Branch == b.Name && o.IntoBranch == into.Name {
			return 0, nil, errUnprocessable("an open deploy request (#%d) already exists for branch %q into %q", o.Number, b.Name, into.Name)
		}
	}
	autoCutover := true
	if body.AutoCutover != nil {
		autoCutover = *body.AutoCutover
	}
	due := now.Add(s.cfg.CheckDelay)
	dr := &deployRequest{ID: randString(12), Number: len(d.DeployRequests) + 1, Actor: c.actor, Branch: b.Name, BranchID: b.ID,
		IntoBranch: into.Name, Notes: body.Notes, State: ps.DeployRequestOpen, CreatedAt: now, UpdatedAt: now, Reviews: []*review{},
		D: deployment{ID: randString(12), State: ps.StatePending, StateAt: now, ChecksDueAt: &due, AutoCutover: autoCutover,
			AutoDeleteBranch: body.AutoDeleteBranch, CreatedAt: now, UpdatedAt: now}}
	d.DeployRequests = append(d.DeployRequests, dr)
	s.dirty = true
	out := s.renderDR(d, dr, now, c.api)
	s.emit(d, ps.EventDeployRequestOpened, now, out)
	return http.StatusCreated, out, nil
}

func (s *Server) getDeployRequest(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) closeDeployRequest(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	var body struct {
		State *string `json:"state"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.State == nil || *body.State != ps.DeployRequestClosed {
		return 0, nil, errInvalid("state must be %q", ps.DeployRequestClosed)
	}
	if dr.State == ps.DeployRequestClosed {
		return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
	}
	switch dr.D.State {
	case ps.StateQueued, ps.StateSubmitting, ps.StateInProgress, ps.StatePendingCutover, ps.StateInProgressCutover,
		ps.StateInProgressCancel, ps.StateInProgressRevert:
		return 0, nil, errUnprocessable("deploy request #%d is deploying (%s): cancel the deployment before closing it", dr.Number, dr.D.State)
	case ps.StateCompletePendingRevert:
		return 0, nil, errUnprocessable("deploy request #%d is in its revert window: revert or skip the revert before closing it", dr.Number)
	}
	release(d, dr, now)
	dr.State = ps.DeployRequestClosed
	dr.ClosedAt = &now
	dr.ClosedBy = c.actor
	dr.UpdatedAt = now
	dr.D.ChecksDueAt = nil
	s.dirty = true
	out := s.renderDR(d, dr, now, c.api)
	s.emit(d, ps.EventDeployRequestClosed, now, out)
	return http.StatusOK, out, nil
}

func (s *Server) deployHandler(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	var body struct {
		InstantDDL bool `json:"instant_ddl"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	dep := &dr.D
	if dr.State != ps.DeployRequestOpen {
		return 0, nil, errUnprocessable("deploy request #%d is closed", dr.Number)
	}
	switch dep.State {
	case ps.StateReady, ps.StateCompleteCancel:
	case ps.StateCompleteError:
		if dep.HoldsSlot {
			return 0, nil, errUnprocessable("deploy request #%d errored and still holds the deploy queue: complete it first", dr.Number)
		}
	case ps.StatePending:
		return 0, nil, errUnprocessable("deploy request #%d is not ready: its checks are still running", dr.Number)
	case ps.StateError:
		return 0, nil, errUnprocessable("deploy request #%d cannot be deployed: its checks failed", dr.Number)
	case ps.StateNoChanges:
		return 0, nil, errUnprocessable("deploy request #%d has no changes to deploy", dr.Number)
	default:
		return 0, nil, errUnprocessable("deploy request #%d is already deployed or deploying (%s)", dr.Number, dep.State)
	}
	if d.RequireApproval && !approved(dr) {
		return 0, nil, errUnprocessable("deploy request #%d must be approved by someone other than its author before it can be deployed", dr.Number)
	}
	if body.InstantDDL {
		if !dep.AutoCutover {
			return 0, nil, errUnprocessable("instant deployments cannot be gated: deploy request #%d has auto_cutover off", dr.Number)
		}
		if !dep.InstantEligible {
			return 0, nil, errUnprocessable("deploy request #%d is not eligible for instant DDL", dr.Number)
		}
	}
	dep.InstantDDL = body.InstantDDL
	dep.Actor = c.actor
	dep.CutoverActor, dep.CancelledActor = "", ""
	dep.QueuedAt = &now
	dep.SubmittedAt, dep.StartedAt, dep.ReadyToCutoverAt, dep.CutoverAt, dep.FinishedAt, dep.CancelledAt = nil, nil, nil, nil, nil, nil
	dep.RevertID, dep.RevertCreatedAt, dep.RevertWindowEnd, dep.RevertState = "", nil, nil, ""
	dep.CheckErrors = nil
	setState(dr, ps.StateQueued, now)
	d.Queue = append(d.Queue, dr.Number)
	s.dirty = true
	out := s.renderDR(d, dr, now, c.api)
	s.emit(d, ps.EventDeployRequestQueued, now, out)
	return http.StatusOK, out, nil
}

func (s *Server) applyDeploy(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	if dr.D.State != ps.StatePendingCutover {
		return 0, nil, errUnprocessable("deploy request #%d is not waiting for cutover (%s)", dr.Number, dr.D.State)
	}
	dr.D.CutoverAt = &now
	dr.D.CutoverActor = c.actor
	setState(dr, ps.StateInProgressCutover, now)
	s.dirty = true
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) cancelDeploy(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	switch dr.D.State {
	case ps.StateQueued:
		d.removeFromQueue(dr.Number)
	case ps.StateSubmitting, ps.StateInProgress, ps.StatePendingCutover:
	default:
		return 0, nil, errUnprocessable("deploy request #%d has no queued or running deployment to cancel (%s)", dr.Number, dr.D.State)
	}
	dr.D.CancelledAt = &now
	dr.D.CancelledActor = c.actor
	setState(dr, ps.StateInProgressCancel, now)
	s.dirty = true
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) revertDeploy(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	if dr.D.InstantDDL {
		return 0, nil, errUnprocessable("deploy request #%d was deployed with instant DDL, which cannot be reverted", dr.Number)
	}
	if dr.D.State != ps.StateCompletePendingRevert {
		return 0, nil, errUnprocessable("deploy request #%d is not in its revert window (%s)", dr.Number, dr.D.State)
	}
	into := d.branch(dr.IntoBranch)
	if into == nil || into.Schema != dr.D.Result {
		return 0, nil, errUnprocessable("deploy request #%d cannot be reverted: %s changed since it was deployed", dr.Number, dr.IntoBranch)
	}
	if h := holder(d); h != nil {
		return 0, nil, errUnprocessable("deploy request #%d cannot be reverted while deploy request #%d is deploying", dr.Number, h.Number)
	}
	dr.D.HoldsSlot = true
	dr.D.Actor = c.actor
	dr.D.RevertState = "in_progress"
	setState(dr, ps.StateInProgressRevert, now)
	s.dirty = true
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) skipRevert(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	if dr.D.InstantDDL {
		return 0, nil, errUnprocessable("deploy request #%d was deployed with instant DDL: there is no revert window", dr.Number)
	}
	if dr.D.State != ps.StateCompletePendingRevert {
		return 0, nil, errUnprocessable("deploy request #%d is not in its revert window (%s)", dr.Number, dr.D.State)
	}
	dr.D.FinishedAt = &now
	dr.D.RevertState = "skipped"
	setState(dr, ps.StateComplete, now)
	s.autoDeleteBranch(d, dr, now)
	s.dirty = true
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) completeDeploy(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	if dr.D.State != ps.StateCompleteError {
		return 0, nil, errUnprocessable("deploy request #%d has no errored deployment to complete (%s)", dr.Number, dr.D.State)
	}
	release(d, dr, now)
	dr.D.UpdatedAt = now
	s.dirty = true
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) getDeployment(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, s.renderDeployment(d, dr, now), nil
}

func (s *Server) listOperations(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	l, aerr := paginate(c, s.renderOperations(d, dr, now))
	return http.StatusOK, l, aerr
}

func (s *Server) deployRequestDiff(now time.Time, c *reqCtx) (int, any, *apiError) {
	_, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	out := schemaList{Data: []ps.SchemaTable{}}
	for _, o := range dr.D.Ops {
		out.Data = append(out.Data, schemaTable(o.Table, o.Raw))
	}
	return http.StatusOK, out, nil
}

func (s *Server) listReviews(now time.Time, c *reqCtx) (int, any, *apiError) {
	_, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	items := []ps.Review{}
	for _, r := range dr.Reviews {
		items = append(items, renderReview(r))
	}
	l, aerr := paginate(c, items)
	return http.StatusOK, l, aerr
}

func (s *Server) createReview(now time.Time, c *reqCtx) (int, any, *apiError) {
	_, dr, aerr := s.drOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	var body struct {
		State string `json:"state"`
		Body  string `json:"body"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.State == "" {
		body.State = "commented"
	}
	if body.State != "commented" && body.State != "approved" {
		return 0, nil, errInvalid("state must be commented or approved, not %q", body.State)
	}
	r := &review{ID: randString(12), State: body.State, Body: body.Body, Actor: c.actor, CreatedAt: now}
	dr.Reviews = append(dr.Reviews, r)
	dr.UpdatedAt = now
	s.dirty = true
	return http.StatusCreated, renderReview(r), nil
}

// Webhooks

func (s *Server) listWebhooks(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	items := []ps.Webhook{}
	for _, w := range d.Webhooks {
		items = append(items, renderWebhook(w))
	}
	l, aerr := paginate(c, items)
	return http.StatusOK, l, aerr
}

func (s *Server) createWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	var body struct {
		URL     *string  `json:"url"`
		Enabled *bool    `json:"enabled"`
		Events  []string `json:"events"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.URL == nil || *body.URL == "" {
		return 0, nil, errInvalid("url is required")
	}
	u, err := url.Parse(*body.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, nil, errInvalid("url must be an http or https URL")
	}
	for _, e := range body.Events {
		if !knownEvent(e) {
			return 0, nil, errInvalid("events: unknown event %q", e)
		}
	}
	w := &webhook{ID: randString(12), URL: *body.URL, Secret: randString(32), Enabled: true, Events: append([]string{}, body.Events...),
		CreatedAt: now, UpdatedAt: now}
	if body.Enabled != nil {
		w.Enabled = *body.Enabled
	}
	d.Webhooks = append(d.Webhooks, w)
	s.dirty = true
	return http.StatusCreated, renderWebhook(w), nil
}

func findWebhookIn(d *database, id string) (int, *webhook) {
	for i, w := range d.Webhooks {
		if w.ID == id {
			return i, w
		}
	}
	return -1, nil
}

func (s *Server) getWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	_, w := findWebhookIn(d, c.path("id"))
	if w == nil {
		return 0, nil, errNotFound()
	}
	return http.StatusOK, renderWebhook(w), nil
}

func (s *Server) deleteWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	i, w := findWebhookIn(d, c.path("id"))
	if w == nil {
		return 0, nil, errNotFound()
	}
	d.Webhooks = append(d.Webhooks[:i:i], d.Webhooks[i+1:]...)
	s.dirty = true
	return http.StatusNoContent, nil, nil
}

func (s *Server) testWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, aerr := s.dbOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	_, w := findWebhookIn(d, c.path("id"))
	if w == nil {
		return 0, nil, errNotFound()
	}
	s.enqueue(d, w, ps.EventWebhookTest, now, map[string]any{"id": w.ID, "url": w.URL})
	return http.StatusOK, renderWebhook(w), nil
}
