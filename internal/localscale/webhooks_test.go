package localscale

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

type received struct {
	event ps.WebhookEvent
	sigOK bool
}

// receiver is a webhook endpoint; fail decides, per attempt number (from 1),
// whether to answer 500.
func receiver(t testing.TB, secret *atomic.Value, fail func(n int) bool) (*httptest.Server, chan received) {
	t.Helper()
	ch := make(chan received, 100)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(secret.Load().(string)))
		m.Write(body)
		want := hex.EncodeToString(m.Sum(nil))
		var ev ps.WebhookEvent
		_ = json.Unmarshal(body, &ev)
		ch <- received{event: ev, sigOK: hmac.Equal([]byte(want), []byte(r.Header.Get("X-PlanetScale-Signature")))}
		if fail != nil && fail(int(n.Add(1))) {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// subscribe registers a webhook of the database for events (all when none)
// with a receiver that fails the deliveries fail says (nil: none), and
// returns the webhook and what the receiver gets, signatures checked with
// the webhook's secret.
func (h *harness) subscribe(fail func(n int) bool, events ...string) (ps.Webhook, chan received) {
	h.t.Helper()
	var secret atomic.Value
	secret.Store("")
	srv, ch := receiver(h.t, &secret, fail)
	body := map[string]any{"url": srv.URL}
	if len(events) > 0 {
		body["events"] = events
	}
	var w ps.Webhook
	h.must("POST", dbPath+"/webhooks", body, 201, &w)
	secret.Store(w.Secret)
	return w, ch
}

func next(t *testing.T, ch chan received) received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery")
	}
	return received{}
}

func TestWebhooksFollowTheDeployment(t *testing.T) {
	h := newHarness(t)
	w, ch := h.subscribe(nil)

	h.must("POST", dbPath+"/branches", map[string]any{"name": "feat", "parent_branch": "main"}, 201, nil)
	// No request after this: the clock alone makes the branch ready and the webhook fire.
	h.clock.Advance(2 * time.Second)
	r := next(t, ch)
	if r.event.Event != ps.EventBranchReady || !r.sigOK || r.event.Organization != "acme" || r.event.Database != "app" ||
		r.event.Resource["name"] != "feat" || r.event.Resource["state"] != "ready" {
		t.Fatalf("branch.ready: %+v sig=%v", r.event, r.sigOK)
	}
	h.mustDDL("feat", "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.must("POST", dbPath+"/deploy-requests", map[string]any{"branch": "feat", "into_branch": "main", "auto_cutover": false}, 201, nil)
	h.clock.Advance(time.Second)
	h.action(1, "deploy", nil)
	h.clock.Advance(time.Minute)
	h.action(1, "apply-deploy", nil)
	h.clock.Advance(2 * time.Second)
	h.action(1, "revert", nil)
	h.clock.Advance(2 * time.Second)
	want := []string{
		ps.EventDeployRequestOpened, ps.EventDeployRequestQueued, ps.EventDeployRequestInProgress,
		ps.EventDeployRequestPendingCutover, ps.EventDeployRequestSchemaApplied, ps.EventDeployRequestReverted,
		ps.EventDeployRequestClosed,
	}
	for _, e := range want {
		r := next(t, ch)
		if r.event.Event != e || !r.sigOK {
			t.Fatalf("got %s (signature ok %v), want %s", r.event.Event, r.sigOK, e)
		}
		if r.event.Resource["number"].(float64) != 1 {
			t.Errorf("%s resource %v", e, r.event.Resource)
		}
		if e == ps.EventDeployRequestPendingCutover && r.event.Resource["deployment_state"] != ps.StatePendingCutover {
			t.Errorf("pending_cutover resource state %v", r.event.Resource["deployment_state"])
		}
	}
	// The webhook records its last delivery.
	h.must("GET", dbPath+"/webhooks/"+w.ID, nil, 200, &w)
	if w.LastSentSuccess == nil || !*w.LastSentSuccess || w.LastSentAt == nil {
		t.Errorf("webhook %+v", w)
	}
}

func TestWebhookRetry(t *testing.T) {
	h := newHarness(t)
	_, ch := h.subscribe(func(n int) bool { return n == 1 }, "branch.ready")
	h.must("POST", dbPath+"/branches", map[string]any{"name": "feat", "parent_branch": "main"}, 201, nil)
	h.clock.Advance(2 * time.Second)
	first := next(t, ch)
	if first.event.Event != ps.EventBranchReady {
		t.Fatalf("first attempt %+v", first.event)
	}
	// The retry waits for the clock: 1s after the failed attempt.
	h.clock.Advance(time.Second)
	second := next(t, ch)
	if second.event.Event != ps.EventBranchReady || !second.sigOK || second.event.Timestamp != first.event.Timestamp {
		t.Fatalf("retry %+v", second.event)
	}
	select {
	case r := <-ch:
		t.Fatalf("unexpected delivery %+v", r.event)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestWebhookGivesUpAfterRetries(t *testing.T) {
	h := newHarness(t)
	_, ch := h.subscribe(func(int) bool { return true }, "branch.ready")
	h.must("POST", dbPath+"/branches", map[string]any{"name": "feat", "parent_branch": "main"}, 201, nil)
	h.clock.Advance(2 * time.Second)
	next(t, ch)
	for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		h.clock.Advance(d)
		next(t, ch)
	}
	h.clock.Advance(time.Hour)
	select {
	case r := <-ch:
		t.Fatalf("a fifth attempt: %+v", r.event)
	case <-time.After(50 * time.Millisecond):
	}
	var w ps.List[ps.Webhook]
	h.must("GET", dbPath+"/webhooks", nil, 200, &w)
	if ls := w.Data[0].LastSentSuccess; ls == nil || *ls {
		t.Errorf("last_sent_success %v", ls)
	}
}

func TestSlowWebhookDoesNotBlockRequests(t *testing.T) {
	h := newHarness(t)
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	h.must("POST", dbPath+"/webhooks", map[string]any{"url": srv.URL}, 201, nil)
	h.branch("feat")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			h.must("GET", dbPath+"/branches/feat", nil, 200, nil)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("requests blocked behind a webhook delivery")
	}
}
