package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ddlbot/ddlbot/internal/retry"
)

// Defaults of the retrying transport.
const (
	// DefaultMaxRetries is how many times one request is retried when
	// Config.MaxRetries is zero.
	DefaultMaxRetries = 5
	// DefaultMaxWait caps a single wait for a rate limit to reset when
	// Config.MaxWait is zero. A longer wait fails the request at once with a
	// *RateLimitError instead.
	DefaultMaxWait = 15 * time.Minute

	backoffBase        = time.Second
	backoffMax         = 30 * time.Second
	secondaryBackoff   = time.Minute
	maxErrorBodyToRead = 64 << 10
)

// RateLimitError reports a request that was not (or no longer) attempted
// because GitHub's rate limit would not let it through in time. It is
// returned, wrapped, by every operation; test for it with errors.As.
type RateLimitError struct {
	// Secondary is true for a secondary (abuse) rate limit, false for the
	// primary, hourly one.
	Secondary bool
	// Until is when GitHub said requests may resume (zero if unknown).
	Until time.Time
	// Wait is the wait that was needed, which exceeded MaxWait, or zero
	// when the retries were used up.
	Wait time.Duration
	// MaxWait is the cap that was in force.
	MaxWait time.Duration
	// Method and Path name the request (the path carries no secrets).
	Method, Path string
}

func (e *RateLimitError) Error() string {
	kind := "primary"
	if e.Secondary {
		kind = "secondary"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "github %s rate limit exceeded (%s %s)", kind, e.Method, e.Path)
	if !e.Until.IsZero() {
		fmt.Fprintf(&b, " until %s", e.Until.UTC().Format(time.RFC3339))
	}
	if e.Wait > 0 {
		fmt.Fprintf(&b, ": waiting %s would exceed the %s limit", e.Wait.Round(time.Second), e.MaxWait)
	} else {
		b.WriteString(": retries used up")
	}
	return b.String()
}

// retryTransport is the http.RoundTripper under go-github. It buffers each
// request body so that it can be sent again, honours GitHub's primary and
// secondary rate limits, and retries server errors and network errors of
// idempotent requests with exponential backoff and jitter.
type retryTransport struct {
	client     *http.Client // sends one attempt (its Timeout applies per attempt)
	log        *slog.Logger
	now        func() time.Time
	sleep      func(context.Context, time.Duration) error
	maxRetries int
	maxWait    time.Duration

	mu        sync.Mutex
	notBefore time.Time // no request is sent before this (rate limit exhausted)
	limitSec  bool      // notBefore comes from a secondary rate limit
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("buffer request body: %w", err)
		}
		body = b
	}
	idempotent := isIdempotent(req.Method)
	path := req.URL.Path
	secondaryHits := 0

	for attempt := 0; ; attempt++ {
		if err := t.waitNotBefore(ctx, req.Method, path); err != nil {
			return nil, err
		}
		resp, err := t.client.Do(attemptRequest(ctx, req, body))
		if err != nil {
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err // the caller's http.Client adds the URL again
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempt >= t.maxRetries || !(idempotent || isDialError(err)) {
				return nil, err
			}
			d := backoff(attempt)
			t.log.DebugContext(ctx, "github: retrying after network error",
				"method", req.Method, "path", path, "attempt", attempt+1, "wait", d, "error", err.Error())
			if err := t.sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		}

		switch {
		case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
			lim, ok := t.rateLimit(resp, secondaryHits)
			if !ok {
				t.noteSuccess(resp)
				return resp, nil // a plain permission error
			}
			drain(resp)
			if lim.Secondary {
				secondaryHits++
			}
			lim.Method, lim.Path, lim.MaxWait = req.Method, path, t.maxWait
			if lim.Wait > t.maxWait {
				return nil, lim
			}
			if attempt >= t.maxRetries {
				lim.Wait = 0
				return nil, lim
			}
			t.setNotBefore(t.now().Add(lim.Wait), lim.Secondary)
			level := slog.LevelDebug
			if lim.Wait >= 10*time.Second {
				level = slog.LevelInfo
			}
			t.log.Log(ctx, level, "github: rate limited, waiting",
				"method", req.Method, "path", path, "status", resp.StatusCode,
				"secondary", lim.Secondary, "attempt", attempt+1, "wait", lim.Wait)
			continue // waitNotBefore sleeps
		case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
			if !idempotent || attempt >= t.maxRetries {
				return resp, nil
			}
			drain(resp)
			d := backoff(attempt)
			t.log.DebugContext(ctx, "github: retrying after server error",
				"method", req.Method, "path", path, "status", resp.StatusCode, "attempt", attempt+1, "wait", d)
			if err := t.sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		}
		t.noteSuccess(resp)
		return resp, nil
	}
}

// rateLimit tells whether a 403 or 429 response is a rate limit, and how
// long to wait, following GitHub's guidance: Retry-After first; then
// X-RateLimit-Remaining: 0 with X-RateLimit-Reset; then, for a secondary
// limit without either, one minute, doubling.
func (t *retryTransport) rateLimit(resp *http.Response, secondaryHits int) (*RateLimitError, bool) {
	h := resp.Header
	now := t.now()
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		lim := &RateLimitError{Secondary: true}
		if d, ok := retry.RetryAfter(ra, now); ok {
			lim.Wait = max(d, time.Second)
		} else {
			lim.Wait = secondaryBackoff
		}
		lim.Until = now.Add(lim.Wait)
		return lim, true
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && reset > 0 {
			until := time.Unix(reset, 0)
			return &RateLimitError{Until: until, Wait: max(until.Sub(now), time.Second)}, true
		}
	}
	secondary := resp.StatusCode == http.StatusTooManyRequests
	if !secondary {
		// Read the body to tell a secondary limit from a permission error,
		// then put it back for go-github to decode.
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyToRead))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		lb := strings.ToLower(string(b))
		secondary = strings.Contains(lb, "secondary rate limit") || strings.Contains(lb, "abuse detection") ||
			strings.Contains(lb, "rate limit exceeded")
	}
	if !secondary {
		return nil, false
	}
	wait := secondaryBackoff << min(secondaryHits, 10)
	return &RateLimitError{Secondary: true, Wait: wait, Until: now.Add(wait)}, true
}

// noteSuccess remembers an exhausted primary limit reported on a response
// that went through (the next request would be refused), and hides it from
// go-github, whose own check would fail the next call at once instead of
// letting this transport wait.
func (t *retryTransport) noteSuccess(resp *http.Response) {
	h := resp.Header
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	if res := h.Get("X-RateLimit-Resource"); res != "" && res != "core" {
		return
	}
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || reset <= 0 {
		return
	}
	t.setNotBefore(time.Unix(reset, 0), false)
	h.Del("X-RateLimit-Reset")
}

func (t *retryTransport) setNotBefore(at time.Time, secondary bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at.After(t.notBefore) {
		t.notBefore, t.limitSec = at, secondary
	}
}

// waitNotBefore waits until a known rate limit has reset, or fails at once
// when that is further away than maxWait.
func (t *retryTransport) waitNotBefore(ctx context.Context, method, path string) error {
	t.mu.Lock()
	until, secondary := t.notBefore, t.limitSec
	t.mu.Unlock()
	d := until.Sub(t.now())
	if d <= 0 {
		return nil
	}
	if d > t.maxWait {
		return &RateLimitError{Secondary: secondary, Until: until, Wait: d, MaxWait: t.maxWait, Method: method, Path: path}
	}
	if err := t.sleep(ctx, d); err != nil {
		return err
	}
	t.mu.Lock()
	if !t.notBefore.After(until) {
		t.notBefore = time.Time{}
	}
	t.mu.Unlock()
	return nil
}

func attemptRequest(ctx context.Context, req *http.Request, body []byte) *http.Request {
	r := req.Clone(ctx)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	return r
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBodyToRead))
	resp.Body.Close()
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return true
	}
	return false
}

// isDialError reports a connection that was never made: retrying it cannot
// repeat a side effect, whatever the method.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff is the wait before retry attempt+1: from one second, at most
// 30 s (retry.Backoff).
func backoff(attempt int) time.Duration {
	return retry.Backoff(attempt, backoffBase, backoffMax, rand.Float64())
}
