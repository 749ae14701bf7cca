package planetscale

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/retry"
	"github.com/ddlbot/ddlbot/internal/syncbuf"
)

// Credentials used by every test; tests scan errors and logs for them.
const (
	testTokenID = "svc-id-1234"
	testToken   = "pscale_tkn_TOPSECRET_do_not_leak"
	testOAuth   = "pscale_oauth_TOPSECRET_bearer"
)

// recorded is one request the fake API received.
type recorded struct {
	Method      string
	Path        string // escaped
	Query       string
	Auth        string
	Accept      string
	ContentType string
	UserAgent   string
	Body        []byte
}

// fakeClock is a settable clock; the recording Sleep advances it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is a Client talking to a loopback fake API, with recorded
// requests, sleeps and logs.
type harness struct {
	t      *testing.T
	c      *Client
	srv    *httptest.Server
	clock  *fakeClock
	logs   *syncbuf.Buffer
	mu     sync.Mutex
	reqs   []recorded
	sleeps []time.Duration
}

// newHarness starts a fake API answering with handler (n is the 0-based
// number of the request). mod may adjust the Config before New.
func newHarness(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int), mod func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, clock: &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}, logs: &syncbuf.Buffer{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		n := len(h.reqs)
		h.reqs = append(h.reqs, recorded{
			Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
			Auth: r.Header.Get("Authorization"), Accept: r.Header.Get("Accept"),
			ContentType: r.Header.Get("Content-Type"), UserAgent: r.Header.Get("User-Agent"),
			Body: body,
		})
		h.mu.Unlock()
		handler(w, r, n)
	}))
	t.Cleanup(h.srv.Close)
	cfg := Config{
		BaseURL:        h.srv.URL + "/v1",
		ServiceTokenID: testTokenID,
		ServiceToken:   testToken,
		UserAgent:      "ddlbot/test",
		// No keep-alive: every request gets its own connection, so the
		// transport never replays a request on its own and counts are exact.
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
		Logger:     slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			h.clock.Advance(d)
			return ctx.Err()
		},
		Rand: func() float64 { return 0.5 },
		Now:  h.clock.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	t.Cleanup(func() {
		if logs := h.logs.String(); strings.Contains(logs, testToken) || strings.Contains(logs, testOAuth) {
			t.Errorf("a token leaked into the logs:\n%s", logs)
		}
	})
	return h
}

func (h *harness) requests() []recorded {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]recorded(nil), h.reqs...)
}

func (h *harness) recordedSleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// countMethod counts the recorded requests with this method.
func (h *harness) countMethod(method string) int {
	n := 0
	for _, r := range h.requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// noSecret fails when err's text holds a token.
func noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{testToken, testOAuth, testTokenID + ":"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error leaks a credential: %v", err)
		}
	}
}

// reply writes a JSON response.
func reply(w http.ResponseWriter, status int, body string) {
	if body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// hangUp closes the connection without an answer.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

const (
	branchJSON = `{"type":"Branch","id":"br1","name":"ddlbot-pr-7","parent_branch":"main","ready":true,"state":"ready","production":false,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z","deleted_at":null,"schema_last_updated_at":null,"region":{"slug":"us-east"},"actor":{"id":"a1","display_name":"bot","avatar_url":""}}`
	drJSON     = `{"id":"dr1","number":7,"branch":"ddlbot-pr-7","into_branch":"main","state":"open","deployment_state":"ready","html_url":"https://app.planetscale.com/my-org/my-db/deploy-requests/7","deployment":{"id":"dep1","state":"ready","deployable":true,"deploy_operations":[]},"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z","closed_at":null,"deployed_at":null}`
)

func TestNewCredentials(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string // substrings; nil means success
		auth    string
	}{
		{name: "none", cfg: Config{}, wantErr: []string{EnvServiceTokenID, EnvServiceToken, EnvOAuthToken}},
		{name: "id only", cfg: Config{ServiceTokenID: "id"}, wantErr: []string{EnvServiceToken}},
		{name: "token only", cfg: Config{ServiceToken: testToken}, wantErr: []string{EnvServiceTokenID}},
		{name: "token with newline", cfg: Config{ServiceTokenID: "id", ServiceToken: testToken + "\nX-Evil: 1"}, wantErr: []string{"control"}},
		{name: "bad url", cfg: Config{OAuthToken: testOAuth, BaseURL: "ftp://example.com"}, wantErr: []string{EnvAPIURL}},
		{name: "url with userinfo", cfg: Config{OAuthToken: testOAuth, BaseURL: "https://u:hunter2@example.com/v1"}, wantErr: []string{"user info"}},
		{name: "service token", cfg: Config{ServiceTokenID: testTokenID, ServiceToken: testToken}, auth: testTokenID + ":" + testToken},
		{name: "oauth", cfg: Config{OAuthToken: testOAuth}, auth: "Bearer " + testOAuth},
		{name: "service token wins", cfg: Config{ServiceTokenID: testTokenID, ServiceToken: testToken, OAuthToken: testOAuth}, auth: testTokenID + ":" + testToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("New succeeded, want an error")
				}
				noSecret(t, err)
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error leaks the URL password: %v", err)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.authHeader != tt.auth {
				t.Errorf("auth header = %q, want %q", c.authHeader, tt.auth)
			}
			if c.BaseURL() != DefaultBaseURL {
				t.Errorf("BaseURL = %q", c.BaseURL())
			}
			for _, s := range []string{c.String(), fmt.Sprintf("%v %+v", c, c), tt.cfg.String(), fmt.Sprintf("%v %+v %#v", tt.cfg, tt.cfg, tt.cfg)} {
				if strings.Contains(s, testToken) || strings.Contains(s, testOAuth) {
					t.Errorf("printing leaks a token: %s", s)
				}
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		EnvServiceTokenID: " id \n",
		EnvServiceToken:   testToken + "\n",
		EnvOAuthToken:     testOAuth,
		EnvAPIURL:         "http://127.0.0.1:8080/v1/",
		"UNRELATED":       "x",
	}
	cfg := ConfigFromEnv(func(k string) string { return env[k] })
	want := Config{BaseURL: "http://127.0.0.1:8080/v1/", ServiceTokenID: "id", ServiceToken: testToken, OAuthToken: testOAuth}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("ConfigFromEnv = %#v", cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://127.0.0.1:8080/v1" {
		t.Errorf("BaseURL = %q, want the trailing slash trimmed", c.BaseURL())
	}
	if _, err := New(ConfigFromEnv(func(string) string { return "" })); err == nil {
		t.Error("New with an empty environment succeeded")
	}
}

func TestAuthHeaders(t *testing.T) {
	for _, tt := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"service token", nil, testTokenID + ":" + testToken},
		{"bearer", func(c *Config) { c.ServiceTokenID, c.ServiceToken, c.OAuthToken = "", "", testOAuth }, "Bearer " + testOAuth},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method == http.MethodPost {
					reply(w, 201, branchJSON)
					return
				}
				reply(w, 200, branchJSON)
			}, tt.mod)
			ctx := context.Background()
			if _, err := h.c.GetBranch(ctx, "o", "d", "b"); err != nil {
				t.Fatal(err)
			}
			if _, err := h.c.CreateBranch(ctx, "o", "d", CreateBranchRequest{Name: "b", ParentBranch: "main"}); err != nil {
				t.Fatal(err)
			}
			reqs := h.requests()
			for _, r := range reqs {
				if r.Auth != tt.want {
					t.Errorf("%s: Authorization = %q, want %q", r.Method, r.Auth, tt.want)
				}
				if r.Accept != "application/json" {
					t.Errorf("%s: Accept = %q", r.Method, r.Accept)
				}
				if r.UserAgent != "ddlbot/test" {
					t.Errorf("%s: User-Agent = %q", r.Method, r.UserAgent)
				}
			}
			if reqs[0].ContentType != "" {
				t.Errorf("GET has Content-Type %q", reqs[0].ContentType)
			}
			if reqs[1].ContentType != "application/json" {
				t.Errorf("POST has Content-Type %q", reqs[1].ContentType)
			}
		})
	}
}

func TestDefaultUserAgent(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, branchJSON) },
		func(c *Config) { c.UserAgent = "" })
	if _, err := h.c.GetBranch(context.Background(), "o", "d", "b"); err != nil {
		t.Fatal(err)
	}
	if ua := h.requests()[0].UserAgent; ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", ua, DefaultUserAgent)
	}
}

func TestTypedErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		ctype     string
		body      string
		want      string
		code, msg string
		is        func(error) bool
	}{
		{name: "404", status: 404, body: `{"code":"not_found","message":"Not Found"}`,
			want: `planetscale: get branch "ddlbot-pr-7": 404 not_found: Not Found`, code: "not_found", msg: "Not Found", is: IsNotFound},
		{name: "401", status: 401, body: `{"code":"unauthorized","message":"Unauthorized"}`,
			want: `planetscale: get branch "ddlbot-pr-7": 401 unauthorized: Unauthorized`, code: "unauthorized", msg: "Unauthorized", is: IsUnauthorized},
		{name: "422", status: 422, body: `{"code":"schema_mutation_blocked","message":"Direct DDL is disabled\non this branch"}`,
			want: `planetscale: get branch "ddlbot-pr-7": 422 schema_mutation_blocked: Direct DDL is disabled on this branch`, code: "schema_mutation_blocked", msg: "Direct DDL is disabled on this branch"},
		{name: "500 empty object", status: 500, body: `{}`,
			want: `planetscale: get branch "ddlbot-pr-7": 500 Internal Server Error`},
		{name: "500 html", status: 500, ctype: "text/html", body: "<html><body><h1>We're sorry, but something went wrong.</h1></body></html>",
			want: `planetscale: get branch "ddlbot-pr-7": 500 Internal Server Error`},
		{name: "502 empty", status: 502, ctype: "text/plain",
			want: `planetscale: get branch "ddlbot-pr-7": 502 Bad Gateway`},
		{name: "code only", status: 400, body: `{"code":"bad_request"}`,
			want: `planetscale: get branch "ddlbot-pr-7": 400 bad_request`, code: "bad_request"},
		{name: "429", status: 429, body: `{"code":"rate_limited","message":"Too many requests"}`,
			want: `planetscale: get branch "ddlbot-pr-7": 429 rate_limited: Too many requests`, code: "rate_limited", msg: "Too many requests", is: IsRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}, func(c *Config) { c.MaxRetries = -1 })
			_, err := h.c.GetBranch(context.Background(), "my-org", "my-db", "ddlbot-pr-7")
			if err == nil {
				t.Fatal("no error")
			}
			noSecret(t, err)
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.StatusCode != tt.status || e.Code != tt.code || e.Message != tt.msg || e.Method != "GET" ||
				e.Path != "/organizations/my-org/databases/my-db/branches/ddlbot-pr-7" || e.Op != `get branch "ddlbot-pr-7"` {
				t.Errorf("error fields = %+v", *e)
			}
			for _, f := range []func(error) bool{IsNotFound, IsUnauthorized, IsRateLimited} {
				got := f(err)
				want := tt.is != nil && reflect.ValueOf(f).Pointer() == reflect.ValueOf(tt.is).Pointer()
				if got != want {
					t.Errorf("%s = %v", funcName(f), got)
				}
			}
			if len(h.requests()) != 1 {
				t.Errorf("%d requests with retries disabled", len(h.requests()))
			}
		})
	}
	if IsNotFound(nil) || IsNotFound(errors.New("x")) || IsUnauthorized(nil) || IsRateLimited(nil) {
		t.Error("helpers accept non-API errors")
	}
}

func funcName(f func(error) bool) string {
	switch reflect.ValueOf(f).Pointer() {
	case reflect.ValueOf(IsNotFound).Pointer():
		return "IsNotFound"
	case reflect.ValueOf(IsUnauthorized).Pointer():
		return "IsUnauthorized"
	}
	return "IsRateLimited"
}

func TestErrorWrappedWithContext(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
	}, nil)
	err := fmt.Errorf("ensure branch: %w", func() error {
		_, err := h.c.GetBranch(context.Background(), "o", "d", "b")
		return err
	}())
	if !IsNotFound(err) {
		t.Errorf("IsNotFound does not see through wrapping: %v", err)
	}
}

func TestRetry429RetryAfterSeconds(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 2 {
			w.Header().Set("Retry-After", "7")
			reply(w, 429, `{"code":"too_many_requests","message":"slow down"}`)
			return
		}
		reply(w, 200, branchJSON)
	}, nil)
	b, err := h.c.GetBranch(context.Background(), "o", "d", "ddlbot-pr-7")
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "ddlbot-pr-7" {
		t.Errorf("branch = %+v", b)
	}
	if got, want := h.recordedSleeps(), []time.Duration{7 * time.Second, 7 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v (Retry-After over the backoff)", got, want)
	}
	logs := h.logs.String()
	for _, s := range []string{"retrying", "status=429", "wait=7s", `op="get branch \"ddlbot-pr-7\""`} {
		if !strings.Contains(logs, s) {
			t.Errorf("retry log lacks %q:\n%s", s, logs)
		}
	}
}

func TestRetry429RetryAfterHTTPDate(t *testing.T) {
	var h *harness
	h = newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", h.clock.Now().Add(12*time.Second).Format(http.TimeFormat))
			reply(w, 429, `{}`)
			return
		}
		reply(w, 201, branchJSON)
	}, nil)
	// A POST is retried on 429: the server refused it.
	if _, err := h.c.CreateBranch(context.Background(), "o", "d", CreateBranchRequest{Name: "ddlbot-pr-7", ParentBranch: "main"}); err != nil {
		t.Fatal(err)
	}
	if got, want := h.recordedSleeps(), []time.Duration{12 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
	if n := h.countMethod("POST"); n != 2 {
		t.Errorf("%d POSTs, want 2", n)
	}
}

func TestRetry5xxThenSuccess(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 0:
			reply(w, 503, `{}`)
		case 1:
			reply(w, 500, `<html>oops</html>`)
		default:
			reply(w, 200, drJSON)
		}
	}, nil)
	dr, err := h.c.GetDeployRequest(context.Background(), "o", "d", 7)
	if err != nil {
		t.Fatal(err)
	}
	if dr.Number != 7 || dr.Deployment == nil || !dr.Deployment.Deployable {
		t.Errorf("deploy request = %+v", dr)
	}
	// Equal jitter with Rand=0.5: three quarters of 500ms, then of 1s.
	if got, want := h.recordedSleeps(), []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func TestRetryNetworkErrorThenSuccess(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			hangUp(t, w)
			return
		}
		reply(w, 200, `{"data":[{"name":"t","raw":"CREATE TABLE t (id bigint PRIMARY KEY)","html":""}]}`)
	}, nil)
	tables, err := h.c.BranchSchema(context.Background(), "o", "d", "b")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Name != "t" {
		t.Errorf("schema = %+v", tables)
	}
	if len(h.requests()) != 2 || len(h.recordedSleeps()) != 1 {
		t.Errorf("%d requests, sleeps %v", len(h.requests()), h.recordedSleeps())
	}
	if !strings.Contains(h.logs.String(), "retrying") {
		t.Errorf("no retry log:\n%s", h.logs)
	}
}

func TestRetriesExhausted(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 503, `{"code":"unavailable","message":"try later"}`)
	}, func(c *Config) { c.MaxRetries = 3 })
	_, err := h.c.ListBranches(context.Background(), "o", "d")
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 503 || e.Attempts != 4 {
		t.Fatalf("err = %v (%#v)", err, e)
	}
	if want := `planetscale: list branches: 503 unavailable: try later (after 4 attempts)`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if got, want := h.recordedSleeps(), []time.Duration{375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
	noSecret(t, err)
}

func TestBackoffCapped(t *testing.T) {
	c, err := New(Config{OAuthToken: testOAuth, Rand: func() float64 { return 0.999999 }})
	if err != nil {
		t.Fatal(err)
	}
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
		got := c.backoff(attempt)
		if got > want || got < want*99/100 {
			t.Errorf("backoff(%d) = %v, want about %v", attempt, got, want)
		}
	}
	if got := c.backoff(1000); got > retryCap {
		t.Errorf("backoff(1000) = %v", got)
	}
}

func TestNetworkErrorWrapped(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { hangUp(t, w) }, func(c *Config) { c.MaxRetries = 1 })
	_, err := h.c.GetBranch(context.Background(), "my-org", "my-db", "x")
	if err == nil {
		t.Fatal("no error")
	}
	noSecret(t, err)
	if !strings.HasPrefix(err.Error(), `planetscale: get branch "x": GET /organizations/my-org/databases/my-db/branches/x: `) {
		t.Errorf("error = %q", err)
	}
	if strings.Contains(err.Error(), h.srv.URL) {
		t.Errorf("error repeats the full URL: %q", err)
	}
	if len(h.requests()) != 2 {
		t.Errorf("%d requests, want 2", len(h.requests()))
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sleeping := make(chan time.Duration, 1)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		reply(w, 429, `{}`)
	}, func(c *Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			sleeping <- d
			return retry.Sleep(ctx, d) // the real timer
		}
	})
	done := make(chan error, 1)
	go func() {
		_, err := h.c.GetBranch(ctx, "o", "d", "b")
		done <- err
	}()
	if d := <-sleeping; d != time.Hour {
		t.Errorf("waiting %v, want the Retry-After hour", d)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if !IsRateLimited(err) {
			t.Errorf("err = %v, want it to keep the last failure", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the client kept waiting after ctx was cancelled")
	}
	if len(h.requests()) != 1 {
		t.Errorf("%d requests", len(h.requests()))
	}
}

func TestRetryAfterBeyondDeadline(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		reply(w, 429, `{}`)
	}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := h.c.GetBranch(ctx, "o", "d", "b")
	if !IsRateLimited(err) || !strings.Contains(err.Error(), "outlast") {
		t.Errorf("err = %v", err)
	}
	if len(h.recordedSleeps()) != 0 {
		t.Errorf("slept %v although the deadline was nearer", h.recordedSleeps())
	}
}

func TestCancelledBeforeRequest(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, branchJSON) }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.c.GetBranch(ctx, "o", "d", "b")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if len(h.recordedSleeps()) != 0 {
		t.Errorf("retried a cancelled request: %v", h.recordedSleeps())
	}
}

func TestPagination(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		page := r.URL.Query().Get("page")
		next := map[string]string{"1": "2", "2": "3", "3": "null"}[page]
		if next == "" {
			reply(w, 400, `{"code":"bad_request","message":"bad page"}`)
			return
		}
		fmt.Fprintf(w, `{"type":"list","current_page":%s,"per_page":100,"next_page":%s,"prev_page":null,"data":[{"name":"b%s-1"},{"name":"b%s-2"}]}`, page, next, page, page)
	}, nil)
	branches, err := h.c.ListBranches(context.Background(), "o", "d")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range branches {
		names = append(names, b.Name)
	}
	if want := []string{"b1-1", "b1-2", "b2-1", "b2-2", "b3-1", "b3-2"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names = %v", names)
	}
	var queries []string
	for _, r := range h.requests() {
		queries = append(queries, r.Query)
	}
	if want := []string{"page=1&per_page=100", "page=2&per_page=100", "page=3&per_page=100"}; !reflect.DeepEqual(queries, want) {
		t.Errorf("queries = %v", queries)
	}
}

func TestPaginationKeepsFilters(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Query().Get("page") == "1" {
			reply(w, 200, `{"type":"list","next_page":2,"data":[{"number":1}]}`)
			return
		}
		reply(w, 200, `{"type":"list","next_page":null,"data":[{"number":2}]}`)
	}, nil)
	drs, err := h.c.ListDeployRequests(context.Background(), "o", "d", ListDeployRequestsOptions{State: "open", Branch: "ddlbot-pr-7"})
	if err != nil {
		t.Fatal(err)
	}
	if len(drs) != 2 || drs[1].Number != 2 {
		t.Errorf("drs = %+v", drs)
	}
	for _, r := range h.requests() {
		if !strings.Contains(r.Query, "branch=ddlbot-pr-7") || !strings.Contains(r.Query, "state=open") || strings.Contains(r.Query, "into_branch") {
			t.Errorf("query = %q", r.Query)
		}
	}
}

func TestPaginationStuck(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 200, `{"type":"list","next_page":1,"data":[]}`)
	}, nil)
	if _, err := h.c.ListBranches(context.Background(), "o", "d"); err == nil || !strings.Contains(err.Error(), "next_page") {
		t.Errorf("err = %v", err)
	}
}

func TestEmptyListIsNotNil(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 200, `{"type":"list","next_page":null,"data":[]}`)
	}, nil)
	bs, err := h.c.ListBranches(context.Background(), "o", "d")
	if err != nil || bs == nil || len(bs) != 0 {
		t.Errorf("ListBranches = %#v, %v", bs, err)
	}
}

func TestDecodeError(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, `{"name": 12`) }, nil)
	_, err := h.c.GetBranch(context.Background(), "o", "d", "b")
	if err == nil || !strings.Contains(err.Error(), `get branch "b": decoding 200 response`) {
		t.Errorf("err = %v", err)
	}
	if len(h.requests()) != 1 {
		t.Errorf("a malformed 200 was retried")
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "localhost.": true, "127.0.0.1": true, "127.1.2.3": true,
		"::1": true, "[::1]": true, "aws.connect.psdb.cloud": false, "10.0.0.1": false, "": false,
		"127.0.0.1.nip.io": false, "::ffff:127.0.0.1": true, "0.0.0.0": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
