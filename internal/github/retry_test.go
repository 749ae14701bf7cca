package github

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// failFirst answers the first n requests with status, headers and body,
// then lets the fake answer.
func failFirst(n, status int, headers map[string]string, body string) func(http.ResponseWriter, *http.Request, int) bool {
	return func(w http.ResponseWriter, r *http.Request, i int) bool {
		if i > n {
			return false
		}
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

func prFake(t *testing.T) *fakeGitHub {
	f := newFake(t)
	f.pulls[1] = map[string]any{"number": 1, "state": "open"}
	return f
}

func TestPrimaryRateLimitWaitsUntilReset(t *testing.T) {
	for _, status := range []int{403, 429} {
		f := prFake(t)
		c, rec := f.client(t)
		reset := rec.now.Add(2*time.Minute + 7*time.Second)
		f.before = failFirst(1, status, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "5000",
			"X-RateLimit-Reset": strconv.FormatInt(reset.Unix(), 10)}, `{"message":"API rate limit exceeded for installation ID 1."}`)
		if _, err := c.PullRequest(ctx, "o", "r", 1); err != nil {
			t.Fatal(err)
		}
		if got := rec.slept(); !slices.Equal(got, []time.Duration{reset.Sub(rec.now)}) {
			t.Fatalf("%d: slept %v, want [%v]", status, got, reset.Sub(rec.now))
		}
		if n := len(f.takeCalls()); n != 2 {
			t.Fatalf("%d calls", n)
		}
		if !strings.Contains(rec.log.String(), "rate limited") {
			t.Fatalf("log: %s", rec.log.String())
		}
	}
}

func TestPrimaryRateLimitBeyondCapFails(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t, func(c *Config) { c.MaxWait = 10 * time.Minute })
	reset := rec.now.Add(47 * time.Minute)
	f.before = failFirst(1, 403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset.Unix(), 10)},
		`{"message":"API rate limit exceeded"}`)
	_, err := c.PullRequest(ctx, "o", "r", 1)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Secondary || rl.Wait != 47*time.Minute || !rl.Until.Equal(reset) {
		t.Fatalf("err = %v (%+v)", err, rl)
	}
	if !strings.HasPrefix(err.Error(), "get pull request o/r#1: ") || !strings.Contains(err.Error(), "exceed the 10m0s limit") {
		t.Fatalf("message: %v", err)
	}
	if len(rec.slept()) != 0 || len(f.takeCalls()) != 1 {
		t.Fatal("no wait, no retry")
	}
}

func TestSecondaryRateLimit(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t)
	f.before = failFirst(1, 403, map[string]string{"Retry-After": "30"},
		`{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
	if _, err := c.PullRequest(ctx, "o", "r", 1); err != nil {
		t.Fatal(err)
	}
	if got := rec.slept(); !slices.Equal(got, []time.Duration{30 * time.Second}) {
		t.Fatalf("slept %v", got)
	}

	// No Retry-After: one minute, then doubling.
	f2 := prFake(t)
	c2, rec2 := f2.client(t)
	f2.before = failFirst(2, 403, nil, `{"message":"You have exceeded a secondary rate limit."}`)
	if _, err := c2.PullRequest(ctx, "o", "r", 1); err != nil {
		t.Fatal(err)
	}
	if got := rec2.slept(); !slices.Equal(got, []time.Duration{time.Minute, 2 * time.Minute}) {
		t.Fatalf("slept %v", got)
	}
}

func TestPlainForbiddenIsNotRetried(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t)
	f.before = failFirst(1, 403, nil, `{"message":"Resource not accessible by integration"}`)
	_, err := c.PullRequest(ctx, "o", "r", 1)
	if err == nil || statusCode(err) != 403 || !strings.Contains(err.Error(), "Resource not accessible") || !IsForbidden(err) {
		t.Fatalf("err = %v", err)
	}
	if len(rec.slept()) != 0 || len(f.takeCalls()) != 1 {
		t.Fatal("retried a permission error")
	}
	if IsForbidden(&RateLimitError{}) || IsForbidden(errors.New("403")) {
		t.Fatal("IsForbidden is only GitHub's permission 403")
	}
}

func TestServerErrorRetriedForGET(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t)
	f.before = failFirst(1, 502, nil, `<html>Bad Gateway</html>`)
	pr, err := c.PullRequest(ctx, "o", "r", 1)
	if err != nil || pr.Number != 1 {
		t.Fatal(pr, err)
	}
	got := rec.slept()
	if len(got) != 1 || got[0] < 500*time.Millisecond || got[0] > time.Second {
		t.Fatalf("slept %v, want one backoff in [0.5s, 1s]", got)
	}
	if n := len(f.takeCalls()); n != 2 {
		t.Fatalf("%d calls", n)
	}

	// Always failing: MaxRetries retries, then the error.
	f2 := prFake(t)
	c2, rec2 := f2.client(t, func(c *Config) { c.MaxRetries = 3 })
	f2.before = failFirst(100, 503, nil, `{"message":"unavailable"}`)
	_, err = c2.PullRequest(ctx, "o", "r", 1)
	if err == nil || statusCode(err) != 503 || len(f2.takeCalls()) != 4 || len(rec2.slept()) != 3 {
		t.Fatalf("err = %v, sleeps %v", err, rec2.slept())
	}
	for i, d := range rec2.slept() {
		if lo := (time.Second << i) / 2; d < lo || d > 2*lo {
			t.Errorf("backoff %d = %v", i, d)
		}
	}
}

func TestPOSTNotRetriedOnServerError(t *testing.T) {
	f := newFake(t)
	c, rec := f.client(t)
	f.before = failFirst(1, 502, nil, `bad gateway`)
	_, err := c.Reply(ctx, "o", "r", 1, "hello")
	if err == nil || statusCode(err) != 502 || !strings.HasPrefix(err.Error(), "reply on o/r#1: ") {
		t.Fatalf("err = %v", err)
	}
	if len(rec.slept()) != 0 || len(f.takeCalls()) != 1 || len(f.comments) != 0 {
		t.Fatal("a POST was retried after a 502")
	}
}

func TestPOSTRetriedOnRateLimitWithSameBody(t *testing.T) {
	f := newFake(t)
	c, rec := f.client(t)
	f.before = failFirst(1, 429, map[string]string{"Retry-After": "2"}, `{"message":"secondary rate limit"}`)
	if _, err := c.Reply(ctx, "o", "r", 1, "hello ✓"); err != nil {
		t.Fatal(err)
	}
	calls := f.takeCalls()
	if len(calls) != 2 || string(calls[0].Body) != string(calls[1].Body) || calls[1].json(t)["body"] != "hello ✓" {
		t.Fatalf("calls %v", callNames(calls))
	}
	if !slices.Equal(rec.slept(), []time.Duration{2 * time.Second}) || len(f.comments) != 1 {
		t.Fatalf("slept %v, %d comments", rec.slept(), len(f.comments))
	}
}

func TestPATCHReplaysBody(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	id, err := c.Reply(ctx, "o", "r", 1, "v1")
	if err != nil {
		t.Fatal(err)
	}
	f.takeCalls()
	f.before = func(w http.ResponseWriter, r *http.Request, i int) bool {
		if r.Method == http.MethodPatch && i == 1 {
			w.WriteHeader(503)
			return true
		}
		return false
	}
	if err := c.EditComment(ctx, "o", "r", id, "v2"); err != nil {
		t.Fatal(err)
	}
	calls := f.takeCalls()
	if len(calls) != 2 || calls[1].json(t)["body"] != "v2" || string(calls[0].Body) != string(calls[1].Body) {
		t.Fatalf("calls %v", callNames(calls))
	}
}

func TestNetworkErrorRetriedForGET(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t)
	f.before = func(w http.ResponseWriter, r *http.Request, i int) bool {
		if i > 1 {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return true
		}
		conn.Close() // the connection drops before any answer
		return true
	}
	if _, err := c.PullRequest(ctx, "o", "r", 1); err != nil {
		t.Fatal(err)
	}
	if len(rec.slept()) != 1 || len(f.takeCalls()) != 2 || !strings.Contains(rec.log.String(), "network error") {
		t.Fatalf("slept %v; log %s", rec.slept(), rec.log.String())
	}
}

func TestExhaustedLimitOnSuccessWaitsBeforeNextRequest(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t)
	reset := time.Now().Add(5 * time.Minute) // go-github checks against the real clock
	rec.now = time.Now()
	f.before = func(w http.ResponseWriter, r *http.Request, i int) bool {
		if i == 1 {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
			w.Header().Set("X-RateLimit-Resource", "core")
		}
		return false
	}
	for range 2 {
		if _, err := c.PullRequest(ctx, "o", "r", 1); err != nil {
			t.Fatal(err)
		}
	}
	got := rec.slept()
	if want := time.Unix(reset.Unix(), 0).Sub(rec.now); len(got) != 1 || got[0] != want {
		t.Fatalf("slept %v, want [%v]", got, want)
	}
	if n := len(f.takeCalls()); n != 2 {
		t.Fatalf("%d calls", n)
	}
}

func TestCanceledContextStopsRetrying(t *testing.T) {
	f := prFake(t)
	c, err := New(ctx, Config{Token: testToken, BaseURL: f.baseURL()}) // real sleep
	if err != nil {
		t.Fatal(err)
	}
	f.before = failFirst(100, 502, nil, "")
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.PullRequest(cctx, "o", "r", 1)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	f := prFake(t)
	c, rec := f.client(t, func(c *Config) { c.MaxWait = time.Minute })
	var errs []error
	for _, before := range []func(http.ResponseWriter, *http.Request, int) bool{
		failFirst(100, 401, nil, `{"message":"Bad credentials"}`),
		failFirst(100, 502, nil, `oops`),
		failFirst(100, 403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(rec.now.Add(time.Hour).Unix(), 10)}, `{}`),
		failFirst(100, 429, map[string]string{"Retry-After": "5"}, `{}`),
		func(w http.ResponseWriter, r *http.Request, i int) bool {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return true
		},
	} {
		f.before = before
		_, err := c.PullRequest(ctx, "o", "r", 1)
		if err == nil {
			t.Fatal("no error")
		}
		errs = append(errs, err)
		_, err = c.Reply(ctx, "o", "r", 1, "x")
		errs = append(errs, err)
	}
	if !errors.Is(errs[0], ErrUnauthorized) {
		t.Fatalf("401: %v", errs[0])
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("no error")
		}
		assertNoSecrets(t, "error", err.Error())
		if strings.Contains(err.Error(), "Bearer") || strings.Contains(err.Error(), "Authorization") {
			t.Fatalf("error mentions the auth header: %v", err)
		}
	}
	if !strings.Contains(rec.log.String(), "retrying") {
		t.Fatal("retries are logged")
	}
	assertNoSecrets(t, "log", rec.log.String())
}
