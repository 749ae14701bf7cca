// Package retry holds the waiting primitives the API clients and the engine
// share.
package retry

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sleep waits d, or until ctx is done (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff is the wait before retry attempt+1 (attempt counts from 0): base
// doubled per attempt, at most limit, with equal jitter: half of it fixed,
// r (in [0, 1]; anything else counts as 0.5) of the other half, so waits
// spread out yet never collapse to nothing.
func Backoff(attempt int, base, limit time.Duration, r float64) time.Duration {
	d := base
	for i := 0; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if r < 0 || r > 1 {
		r = 0.5
	}
	return d/2 + time.Duration(r*float64(d/2))
}

// maxRetryAfter caps a Retry-After: a server asking for days is wrong.
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads a Retry-After header value: delay-seconds, or an
// HTTP-date (how long from now; a date past is 0). A negative or malformed
// value is not ok. At most 24 h.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}
