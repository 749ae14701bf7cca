package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, on a registry of its own (no
// global state: two servers in one process, as in tests, do not collide).
type metrics struct {
	reg             *prometheus.Registry
	deliveries      *prometheus.CounterVec
	intakeSeconds   prometheus.Histogram
	psDeliveries    *prometheus.CounterVec
	psIntakeSeconds prometheus.Histogram
	jobs            *prometheus.CounterVec
	jobSeconds      prometheus.Histogram
}

func newMetrics(store Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ddlbot_webhook_deliveries_total",
			Help: "GitHub webhook deliveries received, by the HTTP status they were answered with."}, []string{"code"}),
		intakeSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ddlbot_webhook_intake_seconds",
			Help: "Time from a delivery's arrival to its answer.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, 1}}),
		psDeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ddlbot_planetscale_webhook_deliveries_total",
			Help: "PlanetScale webhook deliveries received, by the HTTP status they were answered with."}, []string{"code"}),
		psIntakeSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ddlbot_planetscale_webhook_intake_seconds",
			Help: "Time from a PlanetScale delivery's arrival to its answer.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, 1}}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ddlbot_jobs_total",
			Help: "Jobs run, by how the run ended (done, retry, failed, released, lease_lost)."}, []string{"result"}),
		jobSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ddlbot_job_seconds",
			Help: "Time one job run took.", Buckets: prometheus.ExponentialBuckets(0.01, 3, 10)}),
	}
	m.reg.MustRegister(m.deliveries, m.intakeSeconds, m.psDeliveries, m.psIntakeSeconds, m.jobs, m.jobSeconds, newQueueCollector(store),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// queueScrapeTimeout bounds the store read behind one scrape: a store that
// hangs must not hang /metrics (and the scraper's connections) with it.
const queueScrapeTimeout = 5 * time.Second

// queueCollector reports the store's job counts, read once per scrape
// within timeout.
type queueCollector struct {
	store           Store
	timeout         time.Duration
	queued, running *prometheus.Desc
}

func newQueueCollector(store Store) *queueCollector {
	return &queueCollector{store: store, timeout: queueScrapeTimeout,
		queued: prometheus.NewDesc("ddlbot_jobs_queued",
			"Jobs waiting in the store (follow-ups scheduled for later included); -1 when the store did not answer.", nil, nil),
		running: prometheus.NewDesc("ddlbot_jobs_running",
			"Jobs running (leased), on any replica; -1 when the store did not answer.", nil, nil)}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.queued
	ch <- c.running
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	queued, running := -1.0, -1.0
	if counts, err := c.store.Counts(ctx); err == nil {
		queued, running = float64(counts[stateQueued]), float64(counts[stateRunning])
	}
	ch <- prometheus.MustNewConstMetric(c.queued, prometheus.GaugeValue, queued)
	ch <- prometheus.MustNewConstMetric(c.running, prometheus.GaugeValue, running)
}
