// Package github is everything ddlbot does on GitHub: pull requests and
// their changed files, file contents at a ref, the sticky comment, check runs
// and their annotations, reactions, replies, permissions, team membership and
// reviews. Every REST call goes through go-github (v66), over a transport that
// honours GitHub's primary and secondary rate limits and retries server and
// network errors of idempotent requests. It authenticates with a token
// (GITHUB_TOKEN or a personal access token) or as a GitHub App installation
// (ghinstallation).
//
// Errors say what failed (e.g. "update check run 123 on owner/repo: ...") and
// wrap their cause; credentials never appear in errors or logs.
package github

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/ddlbot/ddlbot/internal/retry"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v66/github"
)

// DefaultBaseURL is GitHub.com's REST API root.
const DefaultBaseURL = "https://api.github.com/"

// ActionsBotLogin is the login that GITHUB_TOKEN acts as in GitHub Actions.
const ActionsBotLogin = "github-actions[bot]"

// Config configures New. Set either Token, or AppID, PrivateKey and
// InstallationID.
type Config struct {
	// Token is a GITHUB_TOKEN, a personal access token or an installation
	// token.
	Token string
	// AppID, PrivateKey (PEM, PKCS#1 or PKCS#8 RSA) and InstallationID
	// authenticate as a GitHub App installation.
	AppID          int64
	PrivateKey     []byte
	InstallationID int64
	// BaseURL is the REST API root (GITHUB_API_URL); empty means
	// https://api.github.com/. GitHub Enterprise Server works the same: a
	// bare host (https://ghe.example.com) gets /api/v3/ appended as go-github's
	// WithEnterpriseURLs does; a URL with a path
	// (https://ghe.example.com/api/v3, http://127.0.0.1:8080/api/v3) is used
	// as given.
	BaseURL string
	// HTTPClient sends each attempt; its Timeout applies per attempt, not
	// to the waits between them. Nil means a client with a 60 s timeout.
	HTTPClient *http.Client
	// Logger receives retries and rate-limit waits at debug (long waits at
	// info). Nil discards.
	Logger *slog.Logger
	// Sleep waits between attempts; nil means a real, context-aware sleep.
	// Tests inject one that records and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock the rate-limit waits are computed against; nil means
	// time.Now.
	Now func() time.Time
	// MaxRetries is how often one request is retried; 0 means
	// DefaultMaxRetries, negative means never.
	MaxRetries int
	// MaxWait caps one rate-limit wait; 0 means DefaultMaxWait. A longer wait
	// fails at once with a *RateLimitError.
	MaxWait time.Duration
	// UserAgent is sent with every request; empty means "ddlbot".
	UserAgent string
}

// Errors New returns for missing or unusable credentials. None of them
// carries the credential itself.
var (
	ErrNoCredentials      = errors.New("github: no credentials: set a token, or a GitHub App id, private key and installation id")
	ErrAmbiguousAuth      = errors.New("github: both a token and GitHub App credentials are set: use one")
	ErrInvalidToken       = errors.New("github: the token is malformed (empty, or contains spaces or control characters)")
	ErrInvalidPrivateKey  = errors.New("github: the GitHub App private key is not a PEM-encoded RSA private key")
	ErrIncompleteAppCreds = errors.New("github: incomplete GitHub App credentials")
	// ErrUnauthorized wraps GitHub's 401 answers: the credentials were
	// rejected (revoked, expired or wrong).
	ErrUnauthorized = errors.New("github: credentials rejected (401)")
)

// Client performs ddlbot's GitHub operations. It is safe for concurrent use.
type Client struct {
	gh    *gh.Client
	app   *gh.Client // JWT-authenticated, GitHub App only
	isApp bool
	log   *slog.Logger
	now   func() time.Time

	loginMu sync.Mutex
	login   string
}

// New returns a Client for cfg. It makes no request: credentials are first
// used (and an installation token fetched) by the first operation.
func New(ctx context.Context, cfg Config) (*Client, error) {
	_ = ctx // nothing to fetch yet; kept for symmetry with the operations
	token := strings.TrimSpace(cfg.Token)
	appSet := cfg.AppID != 0 || len(cfg.PrivateKey) > 0 || cfg.InstallationID != 0
	switch {
	case cfg.Token != "" && appSet:
		return nil, ErrAmbiguousAuth
	case cfg.Token == "" && !appSet:
		return nil, ErrNoCredentials
	case cfg.Token != "" && !validToken(token):
		return nil, ErrInvalidToken
	}
	var key *rsa.PrivateKey
	if appSet {
		var missing []string
		if cfg.AppID <= 0 {
			missing = append(missing, "app id")
		}
		if len(cfg.PrivateKey) == 0 {
			missing = append(missing, "private key")
		}
		if cfg.InstallationID <= 0 {
			missing = append(missing, "installation id")
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("%w: missing %s", ErrIncompleteAppCreds, strings.Join(missing, ", "))
		}
		var err error
		if key, err = parsePrivateKey(cfg.PrivateKey); err != nil {
			return nil, err
		}
	}
	base, err := resolveBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}

	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = retry.Sleep
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 0
	}
	maxWait := cfg.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "ddlbot"
	}
	rt := &retryTransport{client: hc, log: log, now: now, sleep: sleep, maxRetries: retries, maxWait: maxWait}

	c := &Client{log: log, now: now, isApp: appSet}
	if appSet {
		atr := ghinstallation.NewAppsTransportFromPrivateKey(rt, cfg.AppID, key)
		atr.BaseURL = strings.TrimSuffix(base.String(), "/")
		itr := ghinstallation.NewFromAppsTransport(atr, cfg.InstallationID)
		c.gh = newGitHub(&http.Client{Transport: itr}, base, ua)
		c.app = newGitHub(&http.Client{Transport: atr}, base, ua)
	} else {
		c.gh = newGitHub(&http.Client{Transport: rt}, base, ua).WithAuthToken(token)
	}
	return c, nil
}

func newGitHub(hc *http.Client, base *url.URL, ua string) *gh.Client {
	c := gh.NewClient(hc)
	u := *base
	c.BaseURL = &u
	up := *base
	c.UploadURL = &up
	c.UserAgent = ua
	return c
}

// resolveBaseURL turns GITHUB_API_URL into go-github's base URL.
func resolveBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	def, _ := url.Parse(DefaultBaseURL)
	if raw == "" {
		return def, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("github: invalid API URL (want http(s)://host[/path]): %q", redactURL(raw))
	}
	if u.User != nil {
		return nil, errors.New("github: the API URL must not carry credentials")
	}
	if strings.EqualFold(u.Host, "api.github.com") {
		return def, nil
	}
	if u.Path != "" && u.Path != "/" {
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		u.RawQuery, u.Fragment = "", ""
		return u, nil
	}
	ent, err := gh.NewClient(nil).WithEnterpriseURLs(raw, raw)
	if err != nil {
		return nil, fmt.Errorf("github: invalid API URL: %w", err)
	}
	return ent.BaseURL, nil
}

func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}

func validToken(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return true
}

func parsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	b := pemBytes
	if !strings.Contains(string(b), "\n") && strings.Contains(string(b), `\n`) {
		// A key pasted into an environment variable with escaped newlines.
		b = []byte(strings.ReplaceAll(string(b), `\n`, "\n"))
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, ErrInvalidPrivateKey
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, ErrInvalidPrivateKey
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w (GitHub App keys are RSA)", ErrInvalidPrivateKey)
	}
	return rk, nil
}

// AuthenticatedLogin returns the login the client acts as. For a token it
// asks GET /user; GITHUB_TOKEN cannot (403), and then it is
// "github-actions[bot]". For a GitHub App it is the app's bot user,
// "<slug>[bot]" (GET /app, authenticated with the app's JWT). The answer is
// cached.
func (c *Client) AuthenticatedLogin(ctx context.Context) (string, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if c.login != "" {
		return c.login, nil
	}
	if c.isApp {
		app, _, err := c.app.Apps.Get(ctx, "")
		if err != nil {
			return "", wrapErr("get the authenticated GitHub App", err)
		}
		if app.GetSlug() == "" {
			return "", errors.New("get the authenticated GitHub App: the answer has no slug")
		}
		c.login = app.GetSlug() + "[bot]"
		return c.login, nil
	}
	u, _, err := c.gh.Users.Get(ctx, "")
	if err != nil {
		if code := statusCode(err); code == http.StatusForbidden || code == http.StatusNotFound {
			// GITHUB_TOKEN: "Resource not accessible by integration".
			c.login = ActionsBotLogin
			return c.login, nil
		}
		return "", wrapErr("get the authenticated user", err)
	}
	if u.GetLogin() == "" {
		return "", errors.New("get the authenticated user: the answer has no login")
	}
	c.login = u.GetLogin()
	return c.login, nil
}

// wrapErr prefixes err with what failed, and marks a 401 with
// ErrUnauthorized so callers can tell rejected credentials apart.
func wrapErr(what string, err error) error {
	if statusCode(err) == http.StatusUnauthorized {
		return fmt.Errorf("%s: %w: %w", what, ErrUnauthorized, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// statusCode returns the HTTP status of a go-github error, or 0.
func statusCode(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return ab.Response.StatusCode
	}
	return 0
}

// IsForbidden reports whether err is GitHub's 403 for a missing permission
// (not a rate limit, which the transport turns into a *RateLimitError): a
// fork pull request's read-only GITHUB_TOKEN gets it for every write, such as
// creating a check run ("Resource not accessible by integration").
func IsForbidden(err error) bool {
	var er *gh.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusForbidden
}

// IsNotFound reports whether err is GitHub's 404 (or wraps
// fs.ErrNotExist, as FileContent and ReadDir do).
func IsNotFound(err error) bool {
	return statusCode(err) == http.StatusNotFound || errors.Is(err, errNotExist)
}

// IsTransient reports whether a call failed for a reason that may pass:
// GitHub's 5xx, a rate limit, a network error; not an answer about the
// request itself (4xx) nor a cancelled context.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var lim *RateLimitError
	var primary *gh.RateLimitError
	var secondary *gh.AbuseRateLimitError
	if errors.As(err, &lim) || errors.As(err, &primary) || errors.As(err, &secondary) {
		return true
	}
	switch code := statusCode(err); {
	case code == 0 && tokenStatus(err) != 0:
		code = tokenStatus(err)
		return code >= 500 || code == http.StatusTooManyRequests
	case code == 0:
		return true // no answer: the network
	case code >= 500, code == http.StatusTooManyRequests:
		return true
	}
	return false
}

// IsPermanent reports whether GitHub answered the request itself with a
// refusal that asking again will not change: 400, 401, 403 (not a rate
// limit), 405, 410, 413, 451, and any 4xx but 408 and 429 for the App's
// installation token (a deleted installation, a wrong key).
func IsPermanent(err error) bool {
	var lim *RateLimitError
	var primary *gh.RateLimitError
	var secondary *gh.AbuseRateLimitError
	if err == nil || errors.As(err, &lim) || errors.As(err, &primary) || errors.As(err, &secondary) {
		return false
	}
	if code := tokenStatus(err); code != 0 && statusCode(err) == 0 {
		// The installation's token was refused: a removed installation,
		// a wrong key or App id.
		return code >= 400 && code < 500 && code != http.StatusTooManyRequests && code != http.StatusRequestTimeout
	}
	// 404 and 422 are left out: GitHub answers them for a moment after a
	// push or a new pull request, before its replicas agree.
	switch statusCode(err) {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusMethodNotAllowed,
		http.StatusGone, http.StatusRequestEntityTooLarge, http.StatusUnavailableForLegalReasons:
		return true
	}
	return false
}

// tokenStatus is the status of a failed installation token request
// (ghinstallation's transport), 0 for any other error. It is kept apart
// from statusCode: a 404 for the token is no missing file.
func tokenStatus(err error) int {
	var tok *ghinstallation.HTTPError
	if errors.As(err, &tok) && tok.Response != nil {
		return tok.Response.StatusCode
	}
	return 0
}

func repoName(owner, repo string) string { return owner + "/" + repo }
