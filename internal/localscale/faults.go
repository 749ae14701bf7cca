package localscale

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// faultInjector decides, request by request, whether to misbehave. The
// decisions depend only on the seed and the order of requests.
type faultInjector struct {
	cfg Faults
	mu  sync.Mutex
	rng *rand.Rand
	n   int
}

func newFaultInjector(cfg Faults) *faultInjector {
	return &faultInjector{cfg: cfg, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Seed)^0x9e3779b97f4a7c15))}
}

type faultKind int

const (
	faultNone faultKind = iota
	faultRateLimit
	faultError
	faultLostResponse
)

// next draws the fault for the next request. Every request draws the same
// number of random values, so one outcome does not shift the next.
func (f *faultInjector) next() faultKind {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	r1, r2, r3 := f.rng.Float64(), f.rng.Float64(), f.rng.Float64()
	switch {
	case f.cfg.RateLimitEvery > 0 && f.n%f.cfg.RateLimitEvery == 0:
		return faultRateLimit
	case r1 < f.cfg.RateLimitRate:
		return faultRateLimit
	case r2 < f.cfg.ErrorRate:
		return faultError
	case r3 < f.cfg.LostResponseRate:
		return faultLostResponse
	}
	return faultNone
}

// middleware applies the faults in front of the API.
func (f *faultInjector) middleware(next http.Handler) http.Handler {
	if !f.cfg.active() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.cfg.Latency > 0 {
			t := time.NewTimer(f.cfg.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch f.next() {
		case faultRateLimit:
			secs := int(math.Ceil(f.cfg.RetryAfter.Seconds()))
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeJSON(w, http.StatusTooManyRequests, apiError{Code: "too_many_requests", Message: "Too Many Requests"})
		case faultError:
			writeJSON(w, http.StatusInternalServerError, struct{}{})
		case faultLostResponse:
			next.ServeHTTP(&discardWriter{h: http.Header{}}, r)
			writeJSON(w, http.StatusInternalServerError, struct{}{})
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// discardWriter swallows a response.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
