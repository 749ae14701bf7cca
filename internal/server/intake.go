package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/logsafe"
	"github.com/prometheus/client_golang/prometheus"
)

// MaxBody is the largest webhook body accepted (GitHub caps deliveries at
// 25 MiB).
const MaxBody = 25 << 20

// VerifySignature checks X-Hub-Signature-256 ("sha256=<hex>") over the raw
// body in constant time. A missing header, another algorithm (sha1) or a
// malformed value is refused like a wrong signature.
func VerifySignature(secret []byte, header string, body []byte) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(secret) == 0 {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Sign is the X-Hub-Signature-256 value of body (for tests and tools that
// send deliveries).
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// intake answers POST /webhooks/github: verify, store, answer. Nothing that
// needs GitHub or PlanetScale happens here, so the answer takes
// milliseconds, well inside GitHub's 10 s.
type intake struct {
	secret  []byte
	store   Store
	log     *slog.Logger
	metrics *metrics
	// ready is false while draining: deliveries are then refused with 503
	// and GitHub redelivers them to a replica that runs.
	ready func() bool
	wake  func() // tells the workers a job is waiting
}

func (in *intake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer(w, r, in.serve, in.metrics.deliveries, in.metrics.intakeSeconds)
}

// answer writes what serve says of a webhook delivery (status and a line
// for the sender's delivery log), counted by status in deliveries and timed
// in seconds: each webhook endpoint has its pair of metrics.
func answer(w http.ResponseWriter, r *http.Request, serve func(*http.Request) (int, string), deliveries *prometheus.CounterVec, seconds prometheus.Histogram) {
	start := time.Now()
	code, msg := serve(r)
	deliveries.WithLabelValues(fmt.Sprint(code)).Inc()
	seconds.Observe(time.Since(start).Seconds())
	http.Error(w, msg, code)
}

// storeWithin bounds the intake's store write, well inside GitHub's 10 s:
// a store that hangs gets a 503 in time. It is no tighter because GitHub
// does not deliver a failed delivery again by itself (a person must, from
// the App's settings): a write that waits a moment behind another (SQLite
// has one writer) must still be taken. A store that answers takes a few
// milliseconds (BenchmarkIntake).
const storeWithin = 5 * time.Second

// storeDown is the answer when the store fails: the sender delivers again.
const storeDown = "the store is unavailable: deliver again later"

func (in *intake) serve(r *http.Request) (int, string) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "POST a GitHub webhook delivery here"
	}
	body, code, msg := readDelivery(r, in.ready, MaxBody)
	if code != 0 {
		return code, msg
	}
	if !VerifySignature(in.secret, r.Header.Get("X-Hub-Signature-256"), body) {
		in.log.Warn("webhook refused: bad or missing X-Hub-Signature-256", "remote", r.RemoteAddr)
		return http.StatusUnauthorized, "the X-Hub-Signature-256 signature is missing or does not match the webhook secret"
	}
	event, delivery := r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery")
	if event == "" || delivery == "" || len(delivery) > 200 {
		return http.StatusBadRequest, "X-GitHub-Event and X-GitHub-Delivery are required"
	}
	// A store that hangs gets a 503 in time (GitHub records the failure;
	// redeliver it from the App's settings), never an answer past GitHub's
	// 10 s.
	ctx, cancel := context.WithTimeout(r.Context(), storeWithin)
	defer cancel()
	// bot.ParseEvent knows which events ddlbot acts on (and reads no
	// others): one place to add an event.
	ev, err := bot.ParseEvent(event, body)
	if err == nil && !ev.Handled() {
		return http.StatusAccepted, "ddlbot does nothing on " + event + " events like this one"
	}
	if err != nil {
		// Stored as failed with the reason, so it can be looked at; 400 tells
		// GitHub's delivery log what was wrong.
		in.log.Warn("webhook payload refused", "event", event, "delivery", logsafe.Line(delivery), "err", err)
		if _, serr := in.store.Enqueue(ctx, Job{Delivery: delivery, Event: event, Key: "invalid:" + delivery, Payload: body, Error: err.Error()}, time.Now()); serr != nil {
			return http.StatusServiceUnavailable, storeDown
		}
		return http.StatusBadRequest, "the payload is not a usable " + event + " event: " + err.Error()
	}
	j := Job{Delivery: delivery, Event: event, InstallationID: ev.InstallationID, Key: jobKey(ev), Payload: body}
	inserted, err := in.store.Enqueue(ctx, j, time.Time{})
	if err != nil {
		in.log.Error("store a delivery", "delivery", logsafe.Line(delivery), "err", err)
		return http.StatusServiceUnavailable, storeDown
	}
	if !inserted {
		return http.StatusOK, "already received"
	}
	in.wake()
	return http.StatusAccepted, "queued"
}

// jobKey is what serialises a delivery's job: its pull request.
func jobKey(ev bot.Event) string {
	switch {
	case ev.Installation != nil:
		return fmt.Sprintf("installation:%d", ev.Installation.ID)
	case ev.PullRequest != nil:
		return prKey(ev.PullRequest.Repo, ev.PullRequest.Number)
	case ev.Comment != nil:
		return prKey(ev.Comment.Repo, ev.Comment.Number)
	}
	return ev.Name
}

// prKey is the job key of a pull request: its deliveries' jobs and its
// follow-ups share it, so they never run at once.
func prKey(repo bot.Repo, number int) string { return fmt.Sprintf("%s#%d", repo, number) }

// readDelivery reads a delivery's body, at most limit bytes, on a server
// that is ready (running, not draining); code is 0 when it could be read,
// else the status and msg why: 503 while draining (the sender delivers
// again later, to a replica that runs), 413 over the limit.
func readDelivery(r *http.Request, ready func() bool, limit int64) (body []byte, code int, msg string) {
	if !ready() {
		return nil, http.StatusServiceUnavailable, "draining: deliver again later"
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", limit)
		}
		return nil, http.StatusBadRequest, "the body could not be read"
	}
	return body, 0, ""
}
