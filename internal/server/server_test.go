package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
)

var secret = []byte("webhook-secret")

const prPayload = `{"action":"opened","number":7,"installation":{"id":9},"repository":{"name":"shop","owner":{"login":"acme"}}}`

// recorder is a Runner that records the jobs it ran, failing the first
// fail runs.
type recorder struct {
	mu   sync.Mutex
	ran  []string
	fail int
	done chan string
}

func (r *recorder) Run(_ context.Context, j *Job) (*FollowUp, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return nil, errors.New("GitHub answered 502")
	}
	r.ran = append(r.ran, j.Delivery)
	r.done <- j.Delivery
	return nil, nil
}

func newTestServer(t *testing.T, run Runner) (*Server, Store) {
	t.Helper()
	st := openTestStore(t)
	s, err := New(Config{WebhookSecret: secret, Store: st, Runner: run, Workers: 2, Poll: 10 * time.Millisecond,
		Backoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

func deliver(t *testing.T, h http.Handler, event, delivery, body string, sign func([]byte) string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/github", strings.NewReader(body))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	if sig := sign([]byte(body)); sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func signed(b []byte) string { return Sign(secret, b) }

func TestIntake(t *testing.T) {
	s, st := newTestServer(t, &recorder{done: make(chan string, 10)})
	h := s.Handler()
	for _, tc := range []struct {
		name, event, body string
		sign              func([]byte) string
		code              int
		want              string
	}{
		{"no signature", "pull_request", prPayload, func([]byte) string { return "" }, 401, "X-Hub-Signature-256"},
		{"sha1 only", "pull_request", prPayload, func(b []byte) string { return "sha1=" + strings.Repeat("0", 40) }, 401, ""},
		{"wrong secret", "pull_request", prPayload, func(b []byte) string { return Sign([]byte("other"), b) }, 401, ""},
		{"truncated signature", "pull_request", prPayload, func(b []byte) string { return signed(b)[:20] }, 401, ""},
		{"unknown event", "star", `{}`, signed, 202, "does nothing on star"},
		{"malformed payload", "pull_request", `{"action":`, signed, 400, "not a usable pull_request event"},
		{"no repository", "pull_request", `{"action":"opened","number":7}`, signed, 400, "the payload has no repository"},
		{"valid", "pull_request", prPayload, signed, 202, "queued"},
	} {
		w := deliver(t, h, tc.event, "d-"+tc.name, tc.body, tc.sign)
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, w.Code, w.Body.String(), tc.code, tc.want)
		}
	}
	// A redelivery: answered 200, stored once.
	for range 4 {
		if w := deliver(t, h, "pull_request", "d-valid", prPayload, signed); w.Code != 200 {
			t.Fatalf("redelivery: %d", w.Code)
		}
	}
	// Too big: 413 before anything is verified or stored.
	big := bytes.Repeat([]byte("x"), MaxBody+1)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/github", bytes.NewReader(big))
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "d-big")
	req.Header.Set("X-Hub-Signature-256", signed(big))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", w.Code)
	}
	counts, _ := st.Counts(context.Background())
	// The valid delivery queued; the two unusable payloads kept as failed, with why.
	if counts[stateQueued] != 1 || counts[stateFailed] != 2 {
		t.Errorf("counts %v", counts)
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(prPayload)
	if !VerifySignature(secret, Sign(secret, body), body) {
		t.Fatal("a good signature was refused")
	}
	for _, h := range []string{"", "sha256=", "sha256=zz", "SHA256=" + Sign(secret, body)[7:], Sign(secret, append(body, ' '))} {
		if VerifySignature(secret, h, body) {
			t.Errorf("accepted %q", h)
		}
	}
	if VerifySignature(nil, Sign(nil, body), body) {
		t.Error("accepted a delivery with no secret configured")
	}
}

// FuzzVerifySignature: any header and body is judged, never a panic, and
// only the real signature passes.
func FuzzVerifySignature(f *testing.F) {
	f.Add("sha256=00", []byte("{}"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if VerifySignature(secret, header, body) && header != Sign(secret, body) && !strings.EqualFold(header, Sign(secret, body)) {
			t.Fatalf("accepted %q", header)
		}
	})
}

// runServer runs s on a loopback port the OS picks, at url, until stop,
// which waits for Run to end and fails the test if it ended in an error.
func runServer(t testing.TB, s *Server) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() { ended <- s.Run(ctx, ln) }()
	t.Cleanup(cancel) // a test that fails before stop leaves no server running
	return "http://" + ln.Addr().String(), func() {
		t.Helper()
		cancel()
		if err := <-ended; err != nil {
			t.Fatal(err)
		}
	}
}

// TestServerRunsJobs: deliveries become jobs that run once each, a failing
// job runs again, and a stop drains: /readyz and the intake say so.
func TestServerRunsJobs(t *testing.T) {
	run := &recorder{done: make(chan string, 10), fail: 1}
	s, _ := newTestServer(t, run)
	url, stop := runServer(t, s)
	post := func(delivery, body string) int {
		req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/github", strings.NewReader(body))
		req.Header.Set("X-GitHub-Event", "pull_request")
		req.Header.Set("X-GitHub-Delivery", delivery)
		req.Header.Set("X-Hub-Signature-256", Sign(secret, []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	other := strings.Replace(prPayload, `"number":7`, `"number":8`, 1)
	if post("a", prPayload) != 202 || post("b", other) != 202 || post("a", prPayload) != 200 {
		t.Fatal("intake")
	}
	got := map[string]bool{}
	for len(got) < 2 {
		select {
		case d := <-run.done:
			got[d] = true
		case <-time.After(30 * time.Second):
			t.Fatalf("jobs did not run: %v", got)
		}
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz %d", code)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, `ddlbot_webhook_deliveries_total{code="202"} 2`) || !strings.Contains(body, `ddlbot_jobs_total{result="retry"} 1`) {
		t.Errorf("/metrics %d:\n%s", code, body)
	}
	stop()
	run.mu.Lock()
	defer run.mu.Unlock()
	if len(run.ran) != 2 {
		t.Errorf("ran %v: each delivery once", run.ran)
	}
}

// followRunner schedules a follow-up of the job's pull request after every
// job: soon after a pull request's, in an hour after a follow-up's.
type followRunner struct {
	follows atomic.Int32
}

func (r *followRunner) Run(_ context.Context, j *Job) (*FollowUp, error) {
	at := time.Now().Add(10 * time.Millisecond)
	if j.Event == KindFollow {
		r.follows.Add(1)
		at = time.Now().Add(time.Hour)
	}
	pr := prOf(j)
	return &FollowUp{At: at, Jobs: []Job{followJob(fmt.Sprintf("follow:acme/shop#%d:after:%d", pr, j.ID), 9, bot.Repo{Owner: "acme", Name: "shop"}, pr)},
		Deployments: []Deployment{{Organization: "acme", Database: "shop", Number: int(j.ID), InstallationID: 9, Repo: "acme/shop", PullRequest: pr, State: "in_progress", UpdatedAt: time.Now()}}}, nil
}

// TestFollowUpsDoNotDouble: two pull requests of one repository each leave
// a follow-up under the pull request's own key; once a follow-up has run,
// one waits per pull request, not two, and the deployments are recorded.
func TestFollowUpsDoNotDouble(t *testing.T) {
	run := &followRunner{}
	s, st := newTestServer(t, run)
	_, stop := runServer(t, s)
	h := s.Handler()
	deliver(t, h, "pull_request", "a", prPayload, signed)
	deliver(t, h, "pull_request", "b", strings.Replace(prPayload, `"number":7`, `"number":8`, 1), signed)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := st.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if run.follows.Load() >= 2 && c[stateRunning] == 0 && c[stateQueued] == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the jobs did not run: %v", c)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	if c, _ := st.Counts(context.Background()); c[stateQueued] != 2 {
		t.Fatalf("%d follow-ups wait, want 2, one per pull request (%v)", c[stateQueued], c)
	}
	for _, n := range []int{1, 2} {
		if d, err := st.LookupDeployment(context.Background(), "acme", "shop", n); err != nil || d == nil || d.Repo != "acme/shop" {
			t.Errorf("deployment %d not recorded: %+v %v", n, d, err)
		}
	}
}

// TestStoreDown: a store that does not answer makes /readyz fail and the
// intake answer 503 (GitHub delivers again), never 200 for a delivery that
// was not stored; a draining server says so too.
func TestStoreDown(t *testing.T) {
	s, st := newTestServer(t, &recorder{done: make(chan string, 1)})
	h := s.Handler()
	if w := deliver(t, h, "pull_request", "before", prPayload, signed); w.Code != http.StatusAccepted {
		t.Fatalf("with the store up: %d", w.Code)
	}
	_ = st.Close()
	if w := deliver(t, h, "pull_request", "down", prPayload, signed); w.Code != http.StatusServiceUnavailable {
		t.Errorf("with the store down: %d %q", w.Code, w.Body.String())
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the store down: %d", w.Code)
	}
	s.draining.Store(true)
	if w := deliver(t, h, "pull_request", "draining", prPayload, signed); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "draining") {
		t.Errorf("draining: %d %q", w.Code, w.Body.String())
	}
}
