package githubfake

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is the GitHub API stand-in. Its methods are safe for concurrent use.
type Server struct {
	t        testing.TB
	srv      *httptest.Server
	spec     *Spec
	specPath string
	// checkResponses validates the fake's own 2xx responses.
	checkResponses bool
	verbose        bool
	appSlug        string

	mu           sync.Mutex
	start        time.Time
	calls        []Call
	counts       map[string]int
	violations   []string
	faults       []*Fault
	flaky        *flaky
	rateLimit    int // requests per hour per identity (GitHub's 5,000)
	tokens       map[string]*identity
	defaultToken string
	readOnlyTok  string
	app          *AppCredentials
	users        map[string]int64
	repos        map[string]*repoState
	teams        map[string]map[string]string
	rate         map[string]int // identity key → requests used this hour
	// crossInstallation counts calls refused because an installation
	// token touched another installation's repository.
	crossInstallation int
	nextUserID        int64
	nextRepoID        int64
	nextPRID          int64
	nextID            int64
	requestSeq        int
}

// Call is one request the fake received.
type Call struct {
	Method string
	// Path is the request path without the optional "/api/v3" prefix of
	// GitHub Enterprise Server style base URLs, still escaped.
	Path  string
	Query url.Values
	Body  []byte
	// Status is the status the fake answered with.
	Status int
	// OperationID is GitHub's operationId ("checks/create"), or "" for a
	// request that matches no operation of the subset.
	OperationID string
	// Violations lists how the request broke GitHub's OpenAPI description.
	Violations []string
	// Injected is true when a Fault produced the answer.
	Injected bool
	// Response is the body the fake answered with.
	Response []byte
	// Installation is the App installation whose token made the call (0
	// for other credentials).
	Installation int64
	Time         time.Time
}

// Option configures New.
type Option func(*Server)

// WithSpecFile checks requests against the OpenAPI subset at path instead
// of the vendored testdata/github/openapi-subset.json.
func WithSpecFile(path string) Option { return func(s *Server) { s.specPath = path } }

// WithoutResponseCheck stops the fake from validating its own successful
// responses against the response schemas (it does by default, reporting a
// mismatch as a bug of the fake through t.Errorf).
func WithoutResponseCheck() Option { return func(s *Server) { s.checkResponses = false } }

// WithVerbose logs every request and its status through t.Logf.
func WithVerbose() Option { return func(s *Server) { s.verbose = true } }

// WithAppSlug names the GitHub App whose installation tokens
// (AppCredentials) the fake issues; default "ddlbot".
func WithAppSlug(slug string) Option { return func(s *Server) { s.appSlug = slug } }

// New starts a fake on 127.0.0.1 with an empty state, and closes it when
// the test ends. It fails t if the OpenAPI subset cannot be loaded.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		t:              t,
		checkResponses: true,
		appSlug:        "ddlbot",
		start:          time.Now().UTC().Truncate(time.Second),
		counts:         map[string]int{},
		tokens:         map[string]*identity{},
		users:          map[string]int64{},
		repos:          map[string]*repoState{},
		teams:          map[string]map[string]string{},
		rate:           map[string]int{},
		nextUserID:     1000,
		nextRepoID:     500000000,
		nextPRID:       1700000000,
		nextID:         2000000000,
	}
	for _, o := range opts {
		o(s)
	}
	if s.specPath == "" {
		s.specPath = filepath.Join(RepoRoot(t), filepath.FromSlash(SpecPath))
	}
	spec, err := LoadSpec(s.specPath)
	if err != nil {
		t.Fatalf("githubfake: %v", err)
	}
	s.spec = spec
	s.defaultToken = "ghs_" + randomHex(18)
	s.tokens[s.defaultToken] = &identity{login: "github-actions[bot]", bot: true, appSlug: "github-actions", appID: 15368, installation: 1}
	s.readOnlyTok = "ghs_" + randomHex(18)
	s.tokens[s.readOnlyTok] = &identity{login: "github-actions[bot]", bot: true, appSlug: "github-actions", appID: 15368, installation: 1, readOnly: true}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("githubfake: listen: %v", err)
	}
	s.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the API root with a trailing slash, as go-github expects: pass it
// as GITHUB_API_URL. Paths under "<URL>api/v3/" are served too.
func (s *Server) URL() string { return s.srv.URL + "/" }

// Spec returns the compiled OpenAPI subset the fake checks against.
func (s *Server) Spec() *Spec { return s.spec }

// Token is an accepted token that acts like the GITHUB_TOKEN of a GitHub
// Actions run: an installation token of the github-actions app, writing as
// "github-actions[bot]" (GET /user answers 403 for it, as on GitHub).
func (s *Server) Token() string { return s.defaultToken }

// ReadOnlyToken is an accepted token like Token, but read-only, as the
// GITHUB_TOKEN of a workflow run for a pull request from a fork: every
// write (comments, reactions, check runs) answers 403 "Resource not
// accessible by integration".
func (s *Server) ReadOnlyToken() string { return s.readOnlyTok }

// AddUserToken accepts token as a personal access token of user login.
// Check runs cannot be created with it (403), as on GitHub.
func (s *Server) AddUserToken(token, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = &identity{login: login}
}

// AddBotToken accepts token as an installation token of the GitHub App
// appSlug: it writes as "<appSlug>[bot]".
func (s *Server) AddBotToken(token, appSlug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = &identity{login: appSlug + "[bot]", bot: true, appSlug: appSlug, appID: appIDFor(appSlug), installation: 2}
}

// Calls returns a copy of every request received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	copy(out, s.calls)
	return out
}

// Count returns how many requests matched the operation (GitHub's
// operationId, such as "issues/create-comment"); "unknown" counts requests
// that matched none.
func (s *Server) Count(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[operationID]
}

// Counts returns the number of requests per operationId.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// CountsString renders Counts as "op=n, op=n" sorted by operationId, for
// test logs.
func (s *Server) CountsString() string {
	c := s.Counts()
	keys := sortedKeys(c)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, c[k])
	}
	return strings.Join(parts, ", ")
}

// Violations returns every contract violation reported so far (each was
// also reported through t.Errorf).
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// ResetCalls forgets the recorded calls and counters (not the state).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.counts = map[string]int{}
}

// A Fault is an error answer the fake gives instead of serving a request.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// PathPrefix matches the start of the request path (without "/api/v3"),
	// such as "/repos/o/r/check-runs"; "" matches any.
	PathPrefix string
	// Status is the answer's status; 0 closes the connection without an
	// answer, as a network failure would.
	Status int
	Header map[string]string
	// Body is sent as is; when empty, a GitHub-like JSON error is made from
	// the status and headers (secondary rate limit when Retry-After is set,
	// primary rate limit when X-RateLimit-Remaining is "0").
	Body string
	// Times is how many requests the fault answers; 0 means 1.
	Times int
}

// FailNext makes the next request matching method (or any, if "") and
// pathPrefix fail with status (0: the connection is closed without an
// answer) and the given headers. Faults queue up: each answers one request,
// the first matching first. For example
//
//	s.FailNext("", "/", 502, nil)
//	s.FailNext("POST", "/repos/o/r/check-runs", 403, map[string]string{"Retry-After": "1"})
//	s.FailNext("", "/", 403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
func (s *Server) FailNext(method, pathPrefix string, status int, headers map[string]string) {
	s.Fail(Fault{Method: method, PathPrefix: pathPrefix, Status: status, Header: headers})
}

// Fail queues a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Flaky fails a fraction of all requests at random, as a GitHub having a
// bad day does: Rate of them (0 to 1) are answered instead of served, a
// RateLimited fraction of those with a secondary rate limit (429,
// Retry-After: 1), the rest with 502. The draws come from Seed and the
// order of requests, so a run can be repeated.
type Flaky struct {
	Rate        float64
	RateLimited float64
	Seed        uint64
}

type flaky struct {
	cfg Flaky
	rng *mrand.Rand
}

// SetFlaky makes requests fail at random from now on (a zero Flaky stops
// it). Targeted faults (Fail) are served first.
func (s *Server) SetFlaky(f Flaky) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Rate <= 0 {
		s.flaky = nil
		return
	}
	s.flaky = &flaky{cfg: f, rng: mrand.New(mrand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))}
}

// draw is the random fault for the next request, nil for none. Every
// request draws twice, so one outcome does not shift the next.
func (f *flaky) draw() *Fault {
	if f == nil {
		return nil
	}
	fail, kind := f.rng.Float64(), f.rng.Float64()
	switch {
	case fail >= f.cfg.Rate:
		return nil
	case kind < f.cfg.RateLimited:
		return &Fault{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "1"}}
	}
	return &Fault{Status: http.StatusBadGateway}
}

// identity is who a token authenticates.
type identity struct {
	login        string
	bot          bool
	appSlug      string
	appID        int64
	installation int64
	jwt          bool // an App's JWT: only /app endpoints
	readOnly     bool // GET only: a fork pull request's GITHUB_TOKEN
}

func (id *identity) key() string {
	if id.jwt {
		return "jwt:" + id.appSlug
	}
	return id.login
}

type response struct {
	status int
	body   any
	header http.Header
}

type reqCtx struct {
	s      *Server
	r      *http.Request
	op     *Operation
	params map[string]string
	query  url.Values
	body   []byte
	who    *identity
	path   string // the escaped path, without /api/v3
	prefix string // "" or "/api/v3"
}

const maxBody = 25 << 20

// ServeHTTP serves the fake API: it records the request, checks it against
// the OpenAPI subset, authenticates it, applies any queued fault, and
// answers from the in-memory state.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	escaped := r.URL.EscapedPath()
	prefix := ""
	if p, ok := strings.CutPrefix(escaped, "/api/v3"); ok && (p == "" || strings.HasPrefix(p, "/")) {
		prefix, escaped = "/api/v3", p
	}
	if escaped == "" {
		escaped = "/"
	}
	query := r.URL.Query()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.requestSeq++
	call := Call{Method: r.Method, Path: escaped, Query: query, Body: body, Time: time.Now()}
	rc := &reqCtx{s: s, r: r, query: query, body: body, path: escaped, prefix: prefix}

	op, params, allowed := s.spec.Match(r.Method, escaped)
	rc.op, rc.params = op, params
	var resp response
	switch {
	case op == nil:
		msg := fmt.Sprintf("%s %s is not an operation of GitHub's REST API subset (%s)", r.Method, escaped, SpecPath)
		if len(allowed) > 0 {
			msg = fmt.Sprintf("%s %s: the subset documents only %s for this path", r.Method, escaped, strings.Join(allowed, ", "))
		}
		msg += "; if ddlbot needs it, add it to scripts/vendor-github-testdata.sh and to internal/githubfake"
		call.Violations = []string{msg}
		s.report("githubfake: " + msg)
		s.counts["unknown"]++
		resp = errorResponse(http.StatusNotFound, "Not Found")
	default:
		call.OperationID = op.ID
		s.counts[op.ID]++
		call.Violations = op.CheckRequest(params, query, body)
		if len(call.Violations) > 0 {
			s.report(fmt.Sprintf("githubfake: %s %s (%s) breaks GitHub's OpenAPI description:\n  - %s",
				r.Method, escaped, op.ID, strings.Join(call.Violations, "\n  - ")))
		}
		resp = s.serve(rc, &call)
	}

	if call.Injected && resp.status == 0 {
		// A network failure: close the connection without an answer.
		s.calls = append(s.calls, call)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}

	// Common headers, then the answer.
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("FAKE:%04X:%06X", s.requestSeq%0xFFFF, s.requestSeq))
	s.rateHeaders(h, rc.who)
	for k, vs := range resp.header {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	var out []byte
	switch b := resp.body.(type) {
	case nil:
	case []byte:
		out = b
	case string:
		out = []byte(b)
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(b); err != nil {
			s.report(fmt.Sprintf("githubfake: BUG: cannot encode the response to %s %s: %v", r.Method, escaped, err))
		}
		out = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	if resp.status == http.StatusNoContent || resp.status == http.StatusNotModified {
		out = nil
	}
	if out != nil {
		h.Set("Content-Length", strconv.Itoa(len(out)))
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(out)

	call.Status, call.Response = resp.status, out
	if s.checkResponses && op != nil && !call.Injected && resp.status < 300 && strings.Contains(h.Get("Content-Type"), "json") {
		if msg := op.CheckResponse(resp.status, out); msg != "" {
			s.report(fmt.Sprintf("githubfake: BUG in the fake: its %d response to %s %s (%s) does not match GitHub's OpenAPI description: %s",
				resp.status, r.Method, escaped, op.ID, msg))
		}
	}
	s.calls = append(s.calls, call)
	if s.verbose {
		s.t.Logf("githubfake: %s %s → %d", r.Method, r.URL.RequestURI(), resp.status)
	}
}

func (s *Server) report(msg string) {
	s.violations = append(s.violations, msg)
	s.t.Errorf("%s", msg)
}

// serve authenticates, applies faults and the request body check, then runs
// the operation's handler.
func (s *Server) serve(rc *reqCtx, call *Call) response {
	who, resp, ok := s.authenticate(rc)
	if !ok {
		return resp
	}
	rc.who = who
	if who != nil && !who.jwt && rc.op.ID != "rate-limit/get" {
		s.rate[who.key()]++
	}
	if s.app != nil && who != nil && !who.jwt && who.appID == s.app.ID {
		call.Installation = who.installation
		// An installation token reaches only its installation's
		// repositories; GitHub answers 404 for the others.
		if rs := rc.repo(); rs != nil && s.installationOf(rs) != who.installation {
			s.crossInstallation++
			return notFound()
		}
	}
	if f := s.takeFault(rc.r.Method, rc.path); f != nil {
		call.Injected = true
		return s.faultResponse(f, who)
	}
	if f := s.flaky.draw(); f != nil {
		call.Injected = true
		return s.faultResponse(f, who)
	}
	// A body the schema rejects gets GitHub's answer, not the handler's.
	for _, v := range call.Violations {
		switch {
		case strings.HasPrefix(v, msgBodyNotJSON):
			return errorResponse(http.StatusBadRequest, "Problems parsing JSON")
		case strings.HasPrefix(v, msgBodyMissing):
			return invalidRequest("For 'links/0/schema', nil is not an object.")
		case strings.HasPrefix(v, msgBodyInvalid):
			return invalidRequest(strings.TrimPrefix(v, msgBodyInvalid))
		}
	}
	h := handlers[rc.op.ID]
	if h == nil {
		return errorResponse(http.StatusNotFound, "Not Found")
	}
	return h(rc)
}

func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

func (s *Server) faultResponse(f *Fault, who *identity) response {
	if f.Status == 0 {
		return response{}
	}
	h := http.Header{}
	for k, v := range f.Header {
		h.Set(k, v)
	}
	if f.Body != "" {
		return response{status: f.Status, body: f.Body, header: h}
	}
	status := strconv.Itoa(f.Status)
	limited := f.Status == http.StatusForbidden || f.Status == http.StatusTooManyRequests
	switch {
	case limited && h.Get("Retry-After") != "":
		return response{status: f.Status, header: h, body: map[string]any{
			"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE.",
			"documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			"status":            status,
		}}
	case limited && h.Get("X-RateLimit-Remaining") == "0":
		if h.Get("X-RateLimit-Reset") == "" {
			h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10))
		}
		h.Set("X-RateLimit-Used", strconv.Itoa(s.limit()))
		h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit()))
		subject := "user ID 1"
		if who != nil && who.bot {
			subject = fmt.Sprintf("installation ID %d", who.installation)
		}
		return response{status: f.Status, header: h, body: map[string]any{
			"message":           fmt.Sprintf("API rate limit exceeded for %s. If you reach out to GitHub Support for help, please include the request ID FAKE and timestamp %s.", subject, time.Now().UTC().Format("2006-01-02 15:04:05 MST")),
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
			"status":            status,
		}}
	case f.Status >= 500:
		return response{status: f.Status, header: h, body: map[string]any{"message": "Server Error"}}
	default:
		return errorResponse(f.Status, http.StatusText(f.Status)).with(h)
	}
}

func (r response) with(h http.Header) response {
	if r.header == nil {
		r.header = http.Header{}
	}
	for k, vs := range h {
		r.header[k] = vs
	}
	return r
}

// SetRateLimit sets the primary rate limit, requests per hour for each
// token (default 5,000, an installation's or a user's on GitHub.com;
// GitHub Enterprise Cloud gives installations 15,000).
func (s *Server) SetRateLimit(perHour int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit = perHour
}

func (s *Server) limit() int {
	if s.rateLimit <= 0 {
		return 5000
	}
	return s.rateLimit
}

func (s *Server) rateHeaders(h http.Header, who *identity) {
	if who == nil || who.jwt {
		return
	}
	used, limit := s.rate[who.key()], s.limit()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, limit-used)))
	h.Set("X-RateLimit-Used", strconv.Itoa(used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.start.Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

const docsURL = "https://docs.github.com/rest"

func errorResponse(status int, message string) response {
	return response{status: status, body: map[string]any{
		"message":           message,
		"documentation_url": docsURL,
		"status":            strconv.Itoa(status),
	}}
}

// invalidRequest is GitHub's answer to a body its schema rejects.
func invalidRequest(detail string) response {
	return response{status: http.StatusUnprocessableEntity, body: map[string]any{
		"message":           "Invalid request.\n\n" + detail,
		"documentation_url": docsURL,
		"status":            "422",
	}}
}

// validationFailed is GitHub's "Validation Failed" 422 with one error.
func validationFailed(resource, code, field, message string) response {
	e := map[string]any{"resource": resource, "code": code, "field": field}
	if message != "" {
		e["message"] = message
	}
	return response{status: http.StatusUnprocessableEntity, body: map[string]any{
		"message":           "Validation Failed",
		"errors":            []any{e},
		"documentation_url": docsURL,
		"status":            "422",
	}}
}

func (s *Server) now() time.Time { return time.Now().UTC().Truncate(time.Second) }

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

func (s *Server) userID(login string) int64 {
	k := strings.ToLower(login)
	if id, ok := s.users[k]; ok {
		return id
	}
	s.nextUserID++
	s.users[k] = s.nextUserID
	return s.nextUserID
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
