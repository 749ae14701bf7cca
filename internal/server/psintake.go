package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/logsafe"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// MaxPlanetScaleBody is the largest PlanetScale webhook body accepted: a
// deploy request with its deployment is a few KiB.
const MaxPlanetScaleBody = 1 << 20

// psAnswerWithin bounds the store's work for one PlanetScale delivery:
// PlanetScale wants an answer within 2 s.
const psAnswerWithin = 1500 * time.Millisecond

// psIntake answers POST /webhooks/planetscale: verify, look up which
// repository the deploy request belongs to, wake its follow-up. Only the
// store is on the request path.
type psIntake struct {
	secrets []string
	store   Store
	log     *slog.Logger
	metrics *metrics
	ready   func() bool
	wake    func()
}

func (in *psIntake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer(w, r, in.serve, in.metrics.psDeliveries, in.metrics.psIntakeSeconds)
}

func (in *psIntake) serve(r *http.Request) (int, string) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "POST a PlanetScale webhook delivery here"
	}
	if len(in.secrets) == 0 {
		return http.StatusServiceUnavailable, "PlanetScale webhooks are not set up on this server: set DDLBOT_PLANETSCALE_WEBHOOK_SECRET to the webhook's secret (until then deployments are followed by polling)"
	}
	body, code, msg := readDelivery(r, in.ready, MaxPlanetScaleBody)
	if code != 0 {
		return code, msg
	}
	if err := verifyAny(in.secrets, body, r.Header.Get(ps.SignatureHeader)); err != nil {
		in.log.Warn("PlanetScale webhook refused", "remote", r.RemoteAddr, "err", err)
		return http.StatusUnauthorized, "the " + ps.SignatureHeader + " signature is missing or does not match the webhook secret"
	}
	var ev ps.WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return http.StatusBadRequest, "the body is not a PlanetScale webhook event: " + err.Error()
	}
	if ev.Organization == "" || ev.Database == "" || ev.Event == "" {
		return http.StatusBadRequest, "the event lacks organization, database or event"
	}
	ctx, cancel := context.WithTimeout(r.Context(), psAnswerWithin)
	defer cancel()
	var (
		d   *Deployment
		err error
	)
	switch {
	case strings.HasPrefix(ev.Event, "deploy_request."):
		n, ok := ev.Resource["number"].(float64)
		if !ok || n <= 0 || n != float64(int(n)) {
			return http.StatusBadRequest, "the deploy request event has no resource.number"
		}
		if d, err = in.store.LookupDeployment(ctx, ev.Organization, ev.Database, int(n)); err != nil {
			in.log.Error("look up a deployment", "err", err)
			return http.StatusServiceUnavailable, storeDown
		}
	case ev.Event == ps.EventBranchAnomaly:
		// The anomaly names no deploy request: the database's latest
		// deployment, while it is followed (its revert window), is the one
		// it may be about; Refresh decides whether to post it.
		if d, err = in.store.LookupDeployment(ctx, ev.Organization, ev.Database, 0); err != nil {
			in.log.Error("look up a deployment", "err", err)
			return http.StatusServiceUnavailable, storeDown
		}
		if d != nil {
			if followed, _ := bot.Followed(d.State); !followed {
				d = nil
			}
		}
	default:
		return http.StatusAccepted, "ddlbot does nothing on " + ev.Event + " events"
	}
	if d == nil {
		return http.StatusAccepted, "not a deployment ddlbot follows"
	}
	owner, name, ok := strings.Cut(d.Repo, "/")
	if !ok {
		return http.StatusAccepted, "not a deployment ddlbot follows"
	}
	repo := bot.Repo{Owner: owner, Name: name}
	job := followJob("", d.InstallationID, repo, d.PullRequest)
	woke, err := in.store.Wake(ctx, job.Key, time.Now())
	if err == nil && woke == 0 {
		// No follow-up waiting (none yet, or one running that may have read
		// the deploy request before this change): one more, after it. The
		// body's hash is the delivery: a redelivery is stored once.
		sum := sha256.Sum256(body)
		job.Delivery = "planetscale:" + hex.EncodeToString(sum[:16])
		_, err = in.store.Enqueue(ctx, job, time.Time{})
	}
	if err != nil {
		in.log.Error("wake the follow-up", "repository", logsafe.Line(d.Repo), "err", err)
		return http.StatusServiceUnavailable, storeDown
	}
	in.log.Info("PlanetScale webhook: following", "event", logsafe.Line(ev.Event), "repository", logsafe.Line(d.Repo),
		"pull_request", d.PullRequest, "deploy_request", d.Number)
	in.wake()
	return http.StatusAccepted, "following"
}

// verifyAny accepts a signature made with any of the secrets (each
// compared in constant time).
func verifyAny(secrets []string, body []byte, header string) error {
	err := ps.VerifyWebhookSignature("", body, header)
	for _, sec := range secrets {
		if err = ps.VerifyWebhookSignature(sec, body, header); err == nil {
			return nil
		}
	}
	return err
}

// SplitSecrets reads DDLBOT_PLANETSCALE_WEBHOOK_SECRET: one secret, or
// several separated by commas (one per database's webhook).
func SplitSecrets(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
