package localscale

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
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
	// rules are the targeted faults armed with InjectFaults, in order.
	rules []FaultRule
}

// FaultRule fails chosen requests: the ones whose method is Method (any
// when empty) and whose path ends with Path (the API path, e.g.
// "/databases/app/deploy-requests/1/deploy"), after letting Skip of them
// through. Times of them (1 when 0) are answered 500 `{}` with
// "Retry-After: 0", so a retrying client spends its retries at once; with
// Lost the request is handled first, as when the response is lost after
// the change was made. Tests arm rules with Server.InjectFaults.
type FaultRule struct {
	Method string
	Path   string
	Skip   int
	Times  int
	Lost   bool
}

// InjectFaults arms targeted faults, after any armed before. A request
// matching several rules is failed by the first one with failures left.
func (s *Server) InjectFaults(rules ...FaultRule) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for _, r := range rules {
		if r.Times <= 0 {
			r.Times = 1
		}
		s.faults.rules = append(s.faults.rules, r)
	}
}

// PendingFaults is how many targeted failures are armed and not yet served.
func (s *Server) PendingFaults() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := 0
	for _, r := range s.faults.rules {
		n += r.Times
	}
	return n
}

// ruleFor takes one failure of the first armed rule r matches: faultNone
// when none does.
func (f *faultInjector) ruleFor(r *http.Request) faultKind {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.rules {
		rule := &f.rules[i]
		if rule.Times == 0 || (rule.Method != "" && rule.Method != r.Method) || !strings.HasSuffix(r.URL.Path, rule.Path) {
			continue
		}
		if rule.Skip > 0 {
			rule.Skip--
			return faultNone
		}
		rule.Times--
		if rule.Lost {
			return faultLostResponse
		}
		return faultError
	}
	return faultNone
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch f.ruleFor(r) {
		case faultError:
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusInternalServerError, struct{}{})
			return
		case faultLostResponse:
			next.ServeHTTP(&discardWriter{h: http.Header{}}, r)
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusInternalServerError, struct{}{})
			return
		}
		if !f.cfg.active() {
			next.ServeHTTP(w, r)
			return
		}
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
