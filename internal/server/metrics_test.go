package server

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// hungStore is a store whose Counts answers only when its caller gives up.
type hungStore struct{ Store }

func (hungStore) Counts(ctx context.Context) (map[string]int, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// countsStore answers Counts at once.
type countsStore struct{ Store }

func (countsStore) Counts(context.Context) (map[string]int, error) {
	return map[string]int{stateQueued: 3, stateRunning: 2}, nil
}

func gauges(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out[mf.GetName()] = m.GetGauge().GetValue()
		}
	}
	return out
}

// A scrape reads the store once, and a store that hangs costs the scrape
// its timeout, not forever: the gauges say -1.
func TestQueueCollector(t *testing.T) {
	if got := gauges(t, newQueueCollector(countsStore{})); got["ddlbot_jobs_queued"] != 3 || got["ddlbot_jobs_running"] != 2 {
		t.Fatalf("gauges %v, want queued 3, running 2", got)
	}
	c := newQueueCollector(hungStore{})
	c.timeout = time.Millisecond
	if got := gauges(t, c); got["ddlbot_jobs_queued"] != -1 || got["ddlbot_jobs_running"] != -1 {
		t.Fatalf("gauges %v with a hung store, want -1 each", got)
	}
}
