// Package server is `ddlbot serve`: the GitHub App server. Signed webhook
// deliveries come in on POST /webhooks/github, are verified and stored in a
// durable queue (the store), and answered at once; workers then claim them
// with a lease, one job per pull request at a time, and run them through
// the same engine as the Action (internal/bot). A deployment that outlasts
// one job is followed by follow-up jobs the runner schedules, so it is
// followed to its end across restarts.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Config configures a Server.
type Config struct {
	// WebhookSecret is the GitHub App's webhook secret (required).
	WebhookSecret []byte
	// PlanetScaleWebhookSecrets are the PlanetScale webhooks' secrets (one
	// webhook per database, each with its own); a delivery signed with any
	// of them is accepted. Without, POST /webhooks/planetscale answers 503
	// and deployments are followed by polling only.
	PlanetScaleWebhookSecrets []string
	Store                     Store
	Runner                    Runner
	Logger                    *slog.Logger
	// Workers run jobs in parallel (different pull requests); 0 means 4.
	Workers int
	// Lease is how long a claimed job is this replica's before another
	// may take it over unless renewed (the pool renews it every third of
	// it while the job runs); 0 means 10 minutes.
	Lease time.Duration
	// Poll is how often an idle worker looks at the store; 0 means 1 s.
	Poll time.Duration
	// MaxAttempts a job runs before it ends as failed; 0 means 5.
	MaxAttempts int
	// Drain is how long running jobs may finish after a stop; 0 means 60 s.
	Drain time.Duration
	// Keep is how long ended jobs and quiet deployments stay in the store
	// before they are pruned (hourly); 0 means 7 days.
	Keep time.Duration
	// Backoff is the wait before a failed job's next attempt; nil means
	// 10 s doubling to 10 minutes.
	Backoff func(attempt int) time.Duration
	// Replica names this process in leases; "" means host name and pid.
	Replica string
}

// Server is `ddlbot serve`.
type Server struct {
	cfg      Config
	metrics  *metrics
	pool     *pool
	draining atomic.Bool
	handler  http.Handler
}

// New checks cfg and makes the server; it starts nothing.
func New(cfg Config) (*Server, error) {
	switch {
	case len(cfg.WebhookSecret) == 0:
		return nil, errors.New("no webhook secret: set DDLBOT_WEBHOOK_SECRET to the GitHub App's webhook secret (ddlbot refuses unsigned deliveries)")
	case cfg.Store == nil:
		return nil, errors.New("no store")
	case cfg.Runner == nil:
		return nil, errors.New("no runner")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Drain <= 0 {
		cfg.Drain = time.Minute
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 7 * 24 * time.Hour
	}
	if cfg.Backoff == nil {
		cfg.Backoff = backoff
	}
	if cfg.Replica == "" {
		host, _ := os.Hostname()
		cfg.Replica = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	s := &Server{cfg: cfg, metrics: newMetrics(cfg.Store)}
	s.pool = &pool{store: cfg.Store, runner: cfg.Runner, log: cfg.Logger, metrics: s.metrics, owner: cfg.Replica, workers: cfg.Workers,
		lease: cfg.Lease, poll: cfg.Poll, maxAttempts: cfg.MaxAttempts, backoff: cfg.Backoff, keep: cfg.Keep, wake: make(chan struct{}, 1)}
	in := &intake{secret: cfg.WebhookSecret, store: cfg.Store, log: cfg.Logger, metrics: s.metrics,
		ready: func() bool { return !s.draining.Load() }, wake: s.pool.notify}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/github", in)
	mux.Handle("/webhooks/planetscale", &psIntake{secrets: cfg.PlanetScaleWebhookSecrets, store: cfg.Store, log: cfg.Logger, metrics: s.metrics,
		ready: func() bool { return !s.draining.Load() }, wake: s.pool.notify})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	s.handler = mux
	return s, nil
}

// Handler serves the routes: POST /webhooks/github, POST
// /webhooks/planetscale, GET /healthz (the
// process is up), GET /readyz (the store answers and the server is not
// draining), GET /metrics (Prometheus).
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		http.Error(w, "draining", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		http.Error(w, "the store does not answer", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Run serves on ln and runs the workers until ctx is done; then it drains:
// new deliveries get 503 (GitHub delivers them again, to a replica that
// runs), no job is claimed, running jobs get Config.Drain to finish before
// they are given back, and the listener closes.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	workers := make(chan struct{})
	go func() { s.pool.run(ctx, s.cfg.Drain); close(workers) }()
	s.cfg.Logger.Info("serving", "address", ln.Addr().String(), "workers", s.cfg.Workers)
	if len(s.cfg.PlanetScaleWebhookSecrets) == 0 {
		s.cfg.Logger.Info("no PlanetScale webhook secret (DDLBOT_PLANETSCALE_WEBHOOK_SECRET): deployment progress relies on polling")
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
		stop() // the workers stop too
	}
	s.draining.Store(true)
	s.cfg.Logger.Info("draining: finishing running jobs", "up_to", s.cfg.Drain)
	<-workers
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
