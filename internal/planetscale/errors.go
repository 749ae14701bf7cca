package planetscale

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is a non-2xx answer from the PlanetScale API. It never holds
// request headers or credentials.
type Error struct {
	// Op says what the client was doing, e.g. `create branch "ddlbot-pr-7"`.
	Op string
	// Method and Path are the request's (Path is escaped and relative to
	// the base URL, without the query).
	Method string
	Path   string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code and Message come from PlanetScale's error body
	// {"code":"not_found","message":"Not Found"}; empty when the body had
	// none (a 500 with {} or an HTML page).
	Code    string
	Message string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Attempts is how many times the request was sent (retries included).
	Attempts int
	// Access is, on a 403, the service token access the call needs
	// (write_backups, ...); empty when the client does not know it.
	Access string

	retryAfterSet bool
}

// Error reads like `planetscale: create branch "x": 404 not_found: Not Found`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("planetscale: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, " %s: %s", e.Code, e.Message)
	case e.Code != "":
		fmt.Fprintf(&b, " %s", e.Code)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	default:
		if t := http.StatusText(e.StatusCode); t != "" {
			fmt.Fprintf(&b, " %s", t)
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.Access != "" {
		fmt.Fprintf(&b, ": the service token lacks the %s access: add it to the token in PlanetScale (organization settings, service tokens)", e.Access)
	}
	return b.String()
}

// IsNotFound reports whether err is a 404 from the API. PlanetScale also
// answers 404 when the token lacks the permission for the resource.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

// IsUnauthorized reports whether err is a 401 from the API (bad or expired
// credentials).
func IsUnauthorized(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusUnauthorized
}

// IsForbidden reports whether err is a 403 from the API: the token lacks an
// access the call needs (MissingAccess names it when the client knows it).
func IsForbidden(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusForbidden
}

// MissingAccess returns the service token access (write_backups, ...) whose
// absence made the API answer err with a 403; ok is false for any other error
// or when the call's access is not known.
func MissingAccess(err error) (access string, ok bool) {
	var e *Error
	if errors.As(err, &e) && e.StatusCode == http.StatusForbidden && e.Access != "" {
		return e.Access, true
	}
	return "", false
}

// IsPermanent reports whether the API refused the request itself in a way
// that asking again will not change: 400, 401 (bad credentials), 403 (a
// missing access), 405, 410, 413. A 404 or 422 is left out: PlanetScale
// answers them for a moment while a branch or deploy request is being set
// up.
func IsPermanent(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusMethodNotAllowed,
		http.StatusGone, http.StatusRequestEntityTooLarge:
		return true
	}
	return false
}

// IsRateLimited reports whether err is a 429 from the API (after the
// client's own retries were used up).
func IsRateLimited(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusTooManyRequests
}

// ErrBranchNotReady is wrapped by WaitBranchReady's error when the deadline
// passes before the branch is ready.
var ErrBranchNotReady = errors.New("branch not ready")
