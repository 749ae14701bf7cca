package localscale

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
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

// reqCtx is what a handler knows about its request: the request, and the
// organization, database, branch or deploy request its path names, looked
// up (see resolve) before the handler runs.
type reqCtx struct {
	r     *http.Request
	api   string // the API root as the client reached it, e.g. http://127.0.0.1:8345/v1
	actor string

	org    *orgState      // a path with {org} but no {db}
	db     *database      // a path with {db}
	branch *branch        // a path with {branch}
	dr     *deployRequest // a path with {number}
}

func (c *reqCtx) path(name string) string { return c.r.PathValue(name) }

// handlerFunc runs under the server lock with the state advanced to now,
// once what the path names exists.
type handlerFunc func(now time.Time, c *reqCtx) (int, any, *apiError)

// handle adapts a handlerFunc to HTTP. A call that needs a service token
// access (access, if not "") that DenyAccess took away is refused with 403
// before anything is looked up; one whose path names something that does
// not exist is a 404.
func (s *Server) handle(access string, fn handlerFunc) http.HandlerFunc {
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
			if aerr = s.forbidden(access); aerr != nil {
				return
			}
			if aerr = s.resolve(c); aerr != nil {
				return
			}
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
		access  string // the service token access the call needs (see DenyAccess), if any
	}{
		{"GET " + org + "/databases", s.listDatabases, ""},
		{"POST " + org + "/databases", s.createDatabase, ""},
		{"GET " + db, s.getDatabase, ""},
		{"GET " + db + "/branches", s.listBranches, ""},
		{"POST " + db + "/branches", s.createBranch, ""},
		{"GET " + br, s.getBranch, ""},
		{"DELETE " + br, s.deleteBranchHandler, ""},
		{"GET " + br + "/schema", s.branchSchema, ""},
		{"GET " + br + "/diff", s.branchDiff, ""},
		{"GET " + br + "/passwords", s.listPasswords, ""},
		{"POST " + br + "/passwords", s.createPassword, ""},
		{"GET " + br + "/passwords/{id}", s.getPassword, ""},
		{"DELETE " + br + "/passwords/{id}", s.deletePassword, ""},
		{"GET " + br + "/backups", s.listBackups, ps.AccessReadBackups},
		{"POST " + br + "/backups", s.createBackup, ps.AccessWriteBackups},
		{"GET " + br + "/backups/{id}", s.getBackup, ps.AccessReadBackups},
		{"DELETE " + br + "/backups/{id}", s.deleteBackup, ps.AccessDeleteBackups},
		{"GET " + br + "/insights/anomalies", s.listAnomalies, ps.AccessReadDatabase},
		{"GET " + br + "/insights/anomalies/{id}", s.getAnomaly, ps.AccessReadDatabase},
		{"GET " + db + "/deploy-requests", s.listDeployRequests, ""},
		{"POST " + db + "/deploy-requests", s.createDeployRequest, ""},
		{"GET " + dr, s.getDeployRequest, ""},
		{"PATCH " + dr, s.closeDeployRequest, ""},
		{"POST " + dr + "/deploy", s.deployHandler, ""},
		{"POST " + dr + "/apply-deploy", s.act(s.applyDeploy), ""},
		{"POST " + dr + "/cancel", s.act(s.cancelDeploy), ""},
		{"POST " + dr + "/revert", s.act(s.revertDeploy), ""},
		{"POST " + dr + "/skip-revert", s.act(s.skipRevert), ""},
		{"POST " + dr + "/complete-deploy", s.act(s.completeDeploy), ""},
		{"GET " + dr + "/deployment", s.getDeployment, ""},
		{"GET " + dr + "/operations", s.listOperations, ""},
		{"GET " + dr + "/diff", s.deployRequestDiff, ""},
		{"GET " + dr + "/reviews", s.listReviews, ""},
		{"POST " + dr + "/reviews", s.createReview, ""},
		{"GET " + db + "/webhooks", s.listWebhooks, ""},
		{"POST " + db + "/webhooks", s.createWebhook, ""},
		{"GET " + db + "/webhooks/{id}", s.getWebhook, ""},
		{"DELETE " + db + "/webhooks/{id}", s.deleteWebhook, ""},
		{"POST " + db + "/webhooks/{id}/test", s.testWebhook, ""},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.handle(rt.access, rt.fn))
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

// list answers a list call: items cut into the page the request asks for.
func list[T any](c *reqCtx, items []T) (int, any, *apiError) {
	l, aerr := paginate(c, items)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, l, nil
}

// listed answers a list call with every item rendered by render, in order.
func listed[E, T any](c *reqCtx, items []E, render func(E) T) (int, any, *apiError) {
	out := make([]T, 0, len(items))
	for _, x := range items {
		out = append(out, render(x))
	}
	return list(c, out)
}

// newestFirst is items (kept oldest first) in the order list calls show them.
func newestFirst[E any](items []E) []E {
	out := slices.Clone(items)
	slices.Reverse(out)
	return out
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

// resolve looks up the deepest thing the request's path names (a deploy
// request, else a branch, else a database, else an organization) and what
// holds it, into c.
func (s *Server) resolve(c *reqCtx) (aerr *apiError) {
	switch {
	case c.path("number") != "":
		c.db, c.dr, aerr = s.drOf(c)
	case c.path("branch") != "":
		c.db, c.branch, aerr = s.branchOf(c)
	case c.path("db") != "":
		c.db, aerr = s.dbOf(c)
	default:
		c.org, aerr = s.orgOf(c)
	}
	return aerr
}

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
