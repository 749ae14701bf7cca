package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

const psSecret = "ps-webhook-secret"

func psEvent(t testing.TB, event string, resource map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(ps.WebhookEvent{Timestamp: 1_800_000_000, Event: event, Organization: "acme", Database: "shop", Resource: resource})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postPS(h http.Handler, body []byte, sig string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/planetscale", strings.NewReader(string(body)))
	if sig != "" {
		req.Header.Set(ps.SignatureHeader, sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func newPSServer(t *testing.T, psKeys ...string) (*Server, Store) {
	t.Helper()
	st := openTestStore(t)
	s, err := New(Config{WebhookSecret: secret, PlanetScaleWebhookSecrets: psKeys, Store: st, Runner: &recorder{done: make(chan string, 10)}})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// TestPlanetScaleWebhook: a signed deploy_request event of a recorded
// deployment queues one follow-up of its repository (a redelivery none
// more, a follow-up already scheduled is woken instead); anything else
// queues nothing.
func TestPlanetScaleWebhook(t *testing.T) {
	ctx := context.Background()
	s, st := newPSServer(t, "another database's secret", psSecret)
	h := s.Handler()
	if err := st.RecordDeployment(ctx, Deployment{Organization: "acme", Database: "shop", Number: 3, InstallationID: 9, Repo: "acme/app",
		PullRequest: 7, State: ps.StateInProgress, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	sign := func(b []byte) string { return ps.SignWebhook(psSecret, b) }
	dr3 := psEvent(t, ps.EventDeployRequestSchemaApplied, map[string]any{"number": 3})
	for _, tc := range []struct {
		name string
		body []byte
		sig  string
		code int
		want string
	}{
		{"unsigned", dr3, "", 401, "X-PlanetScale-Signature"},
		{"forged", dr3, ps.SignWebhook("other", dr3), 401, "does not match"},
		{"malformed signature", dr3, "zz", 401, ""},
		{"not JSON", []byte("{"), sign([]byte("{")), 400, "not a PlanetScale webhook event"},
		{"no number", psEvent(t, ps.EventDeployRequestQueued, nil), sign(psEvent(t, ps.EventDeployRequestQueued, nil)), 400, "resource.number"},
		{"other event", psEvent(t, "branch.ready", nil), sign(psEvent(t, "branch.ready", nil)), 202, "does nothing on branch.ready"},
		{"not recorded", psEvent(t, ps.EventDeployRequestQueued, map[string]any{"number": 4}), sign(psEvent(t, ps.EventDeployRequestQueued, map[string]any{"number": 4})), 202, "not a deployment"},
	} {
		if w := postPS(h, tc.body, tc.sig); w.Code != tc.code || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, w.Code, w.Body.String(), tc.code, tc.want)
		}
	}
	if c, _ := st.Counts(ctx); c[stateQueued] != 0 {
		t.Fatalf("refused or unrouted deliveries queued jobs: %v", c)
	}
	for range 3 { // PlanetScale's redeliveries of it
		if w := postPS(h, dr3, sign(dr3)); w.Code != 202 || !strings.Contains(w.Body.String(), "following") {
			t.Fatalf("routed delivery: %d %q", w.Code, w.Body.String())
		}
	}
	j, err := st.Claim(ctx, "a", time.Now(), time.Minute)
	if err != nil || j == nil || j.Event != KindFollow || j.Key != "acme/app#7" || j.InstallationID != 9 || string(j.Payload) != `{"Owner":"acme","Name":"app","PullRequest":7}` {
		t.Fatalf("the follow-up: %+v %v", j, err)
	}
	if next, _ := st.Claim(ctx, "b", time.Now(), time.Minute); next != nil {
		t.Fatalf("a redelivery queued another job: %+v", next)
	}
	if err := st.Finish(ctx, j.ID, "a", ""); err != nil {
		t.Fatal(err)
	}
	// A follow-up scheduled for later is woken, not doubled.
	if _, err := st.Enqueue(ctx, followJob("follow:later", 9, bot.Repo{Owner: "acme", Name: "app"}, 7), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	in := psEvent(t, ps.EventDeployRequestPendingCutover, map[string]any{"number": 3})
	if w := postPS(h, in, sign(in)); w.Code != 202 {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if j, _ := st.Claim(ctx, "a", time.Now(), time.Minute); j == nil || j.Delivery != "follow:later" {
		t.Fatalf("the scheduled follow-up was not woken: %+v", j)
	}
	if c, _ := st.Counts(ctx); c[stateQueued] != 0 {
		t.Fatalf("a wake also queued a job: %v", c)
	}
	// An anomaly: the database's latest deployment while it is followed.
	anomaly := psEvent(t, ps.EventBranchAnomaly, map[string]any{"id": "a1"})
	if w := postPS(h, anomaly, sign(anomaly)); w.Code != 202 || !strings.Contains(w.Body.String(), "following") {
		t.Fatalf("anomaly in the revert window: %d %q", w.Code, w.Body.String())
	}
	if err := st.RecordDeployment(ctx, Deployment{Organization: "acme", Database: "shop", Number: 3, InstallationID: 9, Repo: "acme/app",
		PullRequest: 7, State: ps.StateComplete, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	anomaly = psEvent(t, ps.EventBranchAnomaly, map[string]any{"id": "a2"})
	if w := postPS(h, anomaly, sign(anomaly)); w.Code != 202 || !strings.Contains(w.Body.String(), "not a deployment") {
		t.Fatalf("anomaly after the revert window: %d %q", w.Code, w.Body.String())
	}
}

func TestPlanetScaleWebhookUnconfigured(t *testing.T) {
	s, _ := newPSServer(t)
	body := psEvent(t, ps.EventDeployRequestQueued, map[string]any{"number": 1})
	if w := postPS(s.Handler(), body, ps.SignWebhook("x", body)); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "DDLBOT_PLANETSCALE_WEBHOOK_SECRET") {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
}

func TestSplitSecrets(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", " a , b,,": "a|b"} {
		if got := strings.Join(SplitSecrets(in), "|"); got != want {
			t.Errorf("SplitSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPlanetScaleWebhook: any signed body is answered with a status from
// the intake's list, never a panic or a 200 for something not stored.
func FuzzPlanetScaleWebhook(f *testing.F) {
	f.Add([]byte(`{"timestamp":1,"event":"deploy_request.queued","organization":"acme","database":"shop","resource":{"number":3}}`))
	f.Add([]byte(`{"event":"branch.anomaly","organization":"acme","database":"shop","resource":{}}`))
	f.Add([]byte(`{"resource":{"number":1.5}}`))
	st, err := OpenSQLite(context.Background(), filepath.Join(f.TempDir(), "ddlbot.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	s, err := New(Config{WebhookSecret: secret, PlanetScaleWebhookSecrets: []string{psSecret}, Store: st, Runner: &recorder{done: make(chan string, 10)}})
	if err != nil {
		f.Fatal(err)
	}
	// A recorded deployment, so that events of it reach the routed path.
	if err := st.RecordDeployment(context.Background(), Deployment{Organization: "acme", Database: "shop", Number: 3, InstallationID: 9,
		Repo: "acme/app", PullRequest: 7, State: ps.StateCompletePendingRevert, UpdatedAt: time.Now()}); err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		w := postPS(h, body, ps.SignWebhook(psSecret, body))
		switch w.Code {
		case http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%d %q for %q", w.Code, w.Body.String(), body)
		}
	})
}
