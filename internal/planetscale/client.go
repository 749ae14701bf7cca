package planetscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ddlbot/ddlbot/internal/clip"
	"github.com/ddlbot/ddlbot/internal/retry"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults used by New when the Config leaves a field zero.
const (
	// DefaultBaseURL is PlanetScale's public API.
	DefaultBaseURL = "https://api.planetscale.com/v1"
	// DefaultMaxRetries is how many times a request is retried after the
	// first attempt (so up to DefaultMaxRetries+1 attempts).
	DefaultMaxRetries = 5
	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "ddlbot/dev"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvServiceTokenID = "PLANETSCALE_SERVICE_TOKEN_ID"
	EnvServiceToken   = "PLANETSCALE_SERVICE_TOKEN"
	EnvOAuthToken     = "PLANETSCALE_OAUTH_TOKEN"
	EnvAPIURL         = "PLANETSCALE_API_URL"
)

// Backoff parameters for retried requests: exponential with equal jitter (retry.Backoff).
const (
	retryBase = 500 * time.Millisecond
	retryCap  = 30 * time.Second
	// perPage is the page size asked for on every list call (PlanetScale's maximum).
	perPage = 100
	// maxPages bounds a pagination loop against a server that never ends it.
	maxPages = 10000
	// maxBody bounds how much of a successful response is read.
	maxBody = 64 << 20
	// maxErrorBody bounds how much of an error response is read.
	maxErrorBody = 64 << 10
)

// Config configures a Client. Only the credentials are required.
type Config struct {
	// BaseURL is the API root, e.g. https://api.planetscale.com/v1 (the
	// default) or a localscale emulator's http://127.0.0.1:PORT/v1.
	BaseURL string
	// ServiceTokenID and ServiceToken authenticate with a service token
	// ("Authorization: <id>:<token>"). They take precedence over OAuthToken.
	ServiceTokenID string
	ServiceToken   string
	// OAuthToken authenticates as "Authorization: Bearer <token>".
	OAuthToken string
	// UserAgent is the User-Agent header, e.g. "ddlbot/1.2.3". Default DefaultUserAgent.
	UserAgent string
	// HTTPClient sends the requests. Default: a client with a 60 s timeout.
	HTTPClient *http.Client
	// Logger receives Debug records for requests and retries (never headers
	// or secrets). Default: discard.
	Logger *slog.Logger
	// MaxRetries is how many times a failed request is retried. 0 means
	// DefaultMaxRetries; a negative value disables retries.
	MaxRetries int
	// Sleep waits d or until ctx is done (then it returns ctx's error).
	// Default: a timer. Tests inject a recorder so that they never sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for backoff jitter. Default math/rand/v2.Float64.
	Rand func() float64
	// Now is the clock (WaitBranchReady's deadline, HTTP-date Retry-After).
	// Default time.Now.
	Now func() time.Time
}

// ConfigFromEnv reads PLANETSCALE_SERVICE_TOKEN_ID, PLANETSCALE_SERVICE_TOKEN,
// PLANETSCALE_OAUTH_TOKEN and PLANETSCALE_API_URL through getenv (os.Getenv
// in production). Surrounding whitespace is trimmed. The other fields are
// left zero for New's defaults.
func ConfigFromEnv(getenv func(string) string) Config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	return Config{
		BaseURL:        get(EnvAPIURL),
		ServiceTokenID: get(EnvServiceTokenID),
		ServiceToken:   get(EnvServiceToken),
		OAuthToken:     get(EnvOAuthToken),
	}
}

// HasCredentials reports whether any credential is set (a service token,
// even half of one, or an OAuth token): without, callers lint only or use
// localscale; with half a token, New says what is missing.
func (c Config) HasCredentials() bool {
	return c.ServiceTokenID != "" || c.ServiceToken != "" || c.OAuthToken != ""
}

// String describes the configuration without its secrets, so that printing
// a Config by mistake leaks nothing.
func (c Config) String() string {
	auth := "none"
	switch {
	case c.ServiceTokenID != "" || c.ServiceToken != "":
		auth = "service token"
	case c.OAuthToken != "":
		auth = "oauth token"
	}
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err == nil {
		base = u.Redacted()
	} else {
		base = "(invalid)"
	}
	return fmt.Sprintf("planetscale.Config{BaseURL: %s, auth: %s}", base, auth)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue keeps secrets out of slog records.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Client talks to the PlanetScale API. It is safe for concurrent use and
// holds no mutable state.
type Client struct {
	base       string // without trailing slash
	authHeader string // never logged, never in errors
	authKind   string
	userAgent  string
	http       *http.Client
	log        *slog.Logger
	maxRetries int
	sleep      func(context.Context, time.Duration) error
	rand       func() float64
	now        func() time.Time
}

// New returns a Client. It fails when no credentials are configured (naming
// the environment variables to set) or when BaseURL is not an http(s) URL.
func New(cfg Config) (*Client, error) {
	c := &Client{
		userAgent:  cfg.UserAgent,
		http:       cfg.HTTPClient,
		log:        cfg.Logger,
		maxRetries: cfg.MaxRetries,
		sleep:      cfg.Sleep,
		rand:       cfg.Rand,
		now:        cfg.Now,
	}
	switch {
	case cfg.ServiceTokenID != "" || cfg.ServiceToken != "":
		if cfg.ServiceTokenID == "" {
			return nil, fmt.Errorf("planetscale: %s is set but %s is empty: set both for a service token", EnvServiceToken, EnvServiceTokenID)
		}
		if cfg.ServiceToken == "" {
			return nil, fmt.Errorf("planetscale: %s is set but %s is empty: set both for a service token", EnvServiceTokenID, EnvServiceToken)
		}
		if !validToken(cfg.ServiceTokenID) || !validToken(cfg.ServiceToken) {
			return nil, fmt.Errorf("planetscale: the service token (%s / %s) contains whitespace or control characters", EnvServiceTokenID, EnvServiceToken)
		}
		c.authHeader = cfg.ServiceTokenID + ":" + cfg.ServiceToken
		c.authKind = "service token"
	case cfg.OAuthToken != "":
		if !validToken(cfg.OAuthToken) {
			return nil, fmt.Errorf("planetscale: the OAuth token (%s) contains whitespace or control characters", EnvOAuthToken)
		}
		c.authHeader = "Bearer " + cfg.OAuthToken
		c.authKind = "oauth token"
	default:
		return nil, fmt.Errorf("planetscale: no credentials: set %s and %s (a service token) or %s", EnvServiceTokenID, EnvServiceToken, EnvOAuthToken)
	}

	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL itself may hold userinfo: do not echo it
		}
		return nil, fmt.Errorf("planetscale: invalid API URL (%s): %w", EnvAPIURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("planetscale: invalid API URL %q (%s): want http(s)://host[/path]", u.Redacted(), EnvAPIURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("planetscale: invalid API URL %q (%s): no user info, query or fragment allowed", u.Redacted(), EnvAPIURL)
	}
	c.base = strings.TrimRight(u.String(), "/")

	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.sleep == nil {
		c.sleep = retry.Sleep
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	if c.now == nil {
		c.now = time.Now
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		c.log.Warn("planetscale: the API URL is plain http to a non-loopback host: credentials travel unencrypted", "host", u.Host)
	}
	return c, nil
}

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("planetscale.Client{BaseURL: %s, auth: %s}", c.base, c.authKind)
}

// BaseURL returns the API root the client talks to.
func (c *Client) BaseURL() string { return c.base }

func validToken(s string) bool {
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// retryPolicy says which failures a request may be repeated after.
type retryPolicy int

const (
	// retryIdempotent: 429, 5xx and network errors (GET, DELETE, PATCH).
	retryIdempotent retryPolicy = iota
	// retryRefused: 429 only; the server refused the request, so nothing
	// happened. 5xx and network errors are returned to the caller, which
	// decides (re-check or give up). Used for POSTs.
	retryRefused
)

// request is one API call.
type request struct {
	op     string
	method string
	path   string // escaped, relative to the base URL
	query  url.Values
	body   any // JSON-encoded when non-nil
	out    any // JSON-decoded from a 2xx body when non-nil
	policy retryPolicy
	// goneOK: after an ambiguous failure (5xx, network), a 404 on a retry
	// means the earlier attempt succeeded (DELETE).
	goneOK bool
	// access is the service token access the call needs (write_backups):
	// a 403 names it, so the user knows what to add.
	access string
}

// transportError is a failure to get a response at all (dial, reset,
// truncated body). It unwraps to the cause.
type transportError struct {
	op     string
	method string
	path   string
	err    error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("planetscale: %s: %s %s: %v", e.op, e.method, e.path, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// ambiguous reports whether err leaves open whether the server acted on the
// request: a 5xx or a network error (not a context error).
func ambiguous(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	return false
}

// backoff is the wait before retry number attempt+1 (retry.Backoff).
func (c *Client) backoff(attempt int) time.Duration {
	return retry.Backoff(attempt, retryBase, retryCap, c.rand())
}

// waitRetry sleeps before a retry. It returns an error wrapping cause when
// the wait would outlast ctx's deadline (without waiting) or when ctx ends
// during the wait.
func (c *Client) waitRetry(ctx context.Context, op string, status int, attempt int, wait time.Duration, cause error) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return fmt.Errorf("planetscale: %s: not retrying: the wait (%s) would outlast the context deadline: %w", op, wait, cause)
	}
	attrs := []any{"op", op, "attempt", attempt + 1, "wait", wait}
	if status != 0 {
		attrs = append(attrs, "status", status)
	} else {
		attrs = append(attrs, "error", rootCause(cause))
	}
	c.log.Debug("planetscale: retrying", attrs...)
	if err := c.sleep(ctx, wait); err != nil {
		return fmt.Errorf("planetscale: %s: stopped waiting to retry: %w (last failure: %w)", op, err, cause)
	}
	return nil
}

// rootCause is the innermost error's text (no URLs, no ops): for logs.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// do sends r, retrying as its policy allows, and decodes the response.
func (c *Client) do(ctx context.Context, r *request) error {
	var prevAmbiguous bool
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, r)
		if err == nil {
			return nil
		}
		if r.goneOK && prevAmbiguous && IsNotFound(err) {
			c.log.Debug("planetscale: already gone after an earlier failed attempt", "op", r.op)
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		var ae *Error
		isAPI := errors.As(err, &ae)
		if isAPI {
			ae.Attempts = attempt + 1
		}
		retryable := false
		switch {
		case isAPI && ae.StatusCode == http.StatusTooManyRequests:
			retryable = true
		case r.policy == retryIdempotent && ambiguous(err):
			retryable = !isAPI || (ae.StatusCode != http.StatusNotImplemented && ae.StatusCode != http.StatusHTTPVersionNotSupported)
		}
		if !retryable || attempt >= c.maxRetries {
			return err
		}
		prevAmbiguous = ambiguous(err)
		wait := c.backoff(attempt)
		status := 0
		if isAPI {
			status = ae.StatusCode
			if ae.retryAfterSet {
				wait = ae.RetryAfter
			}
		}
		if werr := c.waitRetry(ctx, r.op, status, attempt, wait, err); werr != nil {
			return werr
		}
	}
}

// once sends r a single time.
func (c *Client) once(ctx context.Context, r *request) error {
	target := c.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("planetscale: %s: encoding request: %w", r.op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return fmt.Errorf("planetscale: %s: building request: %w", r.op, err)
	}
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := c.now()
	resp, err := c.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats method and URL
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return &transportError{op: r.op, method: r.method, path: r.path, err: err}
	}
	defer resp.Body.Close()
	c.log.Debug("planetscale: request", "op", r.op, "method", r.method, "path", r.path, "status", resp.StatusCode, "duration", c.now().Sub(start))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return c.apiError(r, resp, raw)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return &transportError{op: r.op, method: r.method, path: r.path, err: fmt.Errorf("reading response: %w", err)}
	}
	if len(raw) > maxBody {
		return fmt.Errorf("planetscale: %s: response larger than %d bytes", r.op, maxBody)
	}
	if r.out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, r.out); err != nil {
		return fmt.Errorf("planetscale: %s: decoding %d response: %w", r.op, resp.StatusCode, err)
	}
	return nil
}

// apiError builds an *Error from a non-2xx response.
func (c *Client) apiError(r *request, resp *http.Response, raw []byte) *Error {
	e := &Error{
		Op:         r.op,
		Method:     r.method,
		Path:       r.path,
		StatusCode: resp.StatusCode,
	}
	if resp.StatusCode == http.StatusForbidden {
		e.Access = r.access
	}
	var body struct {
		Code    any `json:"code"`
		Message any `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Code = cleanText(scalarString(body.Code), 100)
		e.Message = cleanText(scalarString(body.Message), 500)
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if d, ok := retry.RetryAfter(v, c.now()); ok {
			e.RetryAfter = d
			e.retryAfterSet = true
		}
	}
	return e
}

// scalarString renders a JSON string or number; anything else is "".
func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	}
	return ""
}

// cleanText makes server-provided text safe for one log or error line.
func cleanText(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return clip.Runes(s, limit)
}

// isLoopbackHost reports whether host (no port) is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if i := strings.IndexByte(host, '%'); i >= 0 { // zone
		host = host[:i]
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Path helpers: every segment escaped with url.PathEscape.

func dbPath(org, db string) string {
	return "/organizations/" + url.PathEscape(org) + "/databases/" + url.PathEscape(db)
}

func branchPath(org, db, branch string) string {
	return dbPath(org, db) + "/branches/" + url.PathEscape(branch)
}

func drPath(org, db string, number int) string {
	return fmt.Sprintf("%s/deploy-requests/%d", dbPath(org, db), number)
}

// listAll follows PlanetScale's pagination (per_page=100, next_page until null).
func listAll[T any](ctx context.Context, c *Client, op, path string, query url.Values) ([]T, error) {
	return listAllNeeding[T](ctx, c, op, path, query, "")
}

// fetch sends r and decodes the answer into a new T.
func fetch[T any](ctx context.Context, c *Client, r *request) (*T, error) {
	var out T
	r.out = &out
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	return &out, nil
}

// listAllNeeding is listAll for a list that needs a service token access
// (named by a 403).
func listAllNeeding[T any](ctx context.Context, c *Client, op, path string, query url.Values, access string) ([]T, error) {
	var all []T
	page := 1
	for range maxPages {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("page", fmt.Sprint(page))
		q.Set("per_page", fmt.Sprint(perPage))
		var l List[T]
		if err := c.do(ctx, &request{op: op, method: http.MethodGet, path: path, query: q, out: &l, access: access}); err != nil {
			return nil, err
		}
		all = append(all, l.Data...)
		if l.NextPage == nil {
			if all == nil {
				all = []T{}
			}
			return all, nil
		}
		if *l.NextPage <= page {
			return nil, fmt.Errorf("planetscale: %s: server returned next_page %d after page %d", op, *l.NextPage, page)
		}
		page = *l.NextPage
	}
	return nil, fmt.Errorf("planetscale: %s: more than %d pages", op, maxPages)
}

// retryAmbiguous runs call, which does a non-idempotent request (a POST).
// When it fails in a way that leaves open whether the server acted on it (a
// 5xx or a network error), recheck asks the server: when it reports done,
// its value is returned; otherwise call is repeated after a backoff, at most
// MaxRetries times. Any other failure is returned as is.
func retryAmbiguous[T any](ctx context.Context, c *Client, op string, call func() (T, error), recheck func() (T, bool, error)) (T, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		v, err := call()
		if err == nil {
			return v, nil
		}
		if !ambiguous(err) || ctx.Err() != nil {
			return zero, err
		}
		var ae *Error
		if errors.As(err, &ae) {
			ae.Attempts = attempt + 1
		}
		got, done, rerr := recheck()
		if rerr != nil {
			c.log.Debug("planetscale: re-check after a failed request failed", "op", op, "error", rootCause(rerr))
			if ctx.Err() != nil {
				return zero, err
			}
			return zero, fmt.Errorf("%w (could not tell whether it took effect: %v)", err, rerr)
		}
		if done {
			c.log.Debug("planetscale: re-check shows the failed request took effect", "op", op)
			return got, nil
		}
		if attempt >= c.maxRetries {
			return zero, err
		}
		status := 0
		if ae != nil {
			status = ae.StatusCode
		}
		if werr := c.waitRetry(ctx, op, status, attempt, c.backoff(attempt), err); werr != nil {
			return zero, werr
		}
	}
}
