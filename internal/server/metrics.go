package server

import (
	"context"

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
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ddlbot_jobs_queued", Help: "Jobs waiting in the store (follow-ups scheduled for later included)."}, func() float64 {
		c, err := store.Counts(context.Background())
		if err != nil {
			return -1
		}
		return float64(c[stateQueued])
	})
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ddlbot_jobs_running", Help: "Jobs running (leased), on any replica."}, func() float64 {
		c, err := store.Counts(context.Background())
		if err != nil {
			return -1
		}
		return float64(c[stateRunning])
	})
	m.reg.MustRegister(m.deliveries, m.intakeSeconds, m.psDeliveries, m.psIntakeSeconds, m.jobs, m.jobSeconds, queue, running,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
