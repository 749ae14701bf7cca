package localscale

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// wideSchema is n tables of a dozen columns and a few indexes each.
func wideSchema(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%03d (\n  id bigint NOT NULL AUTO_INCREMENT,\n  account_id bigint NOT NULL,\n", i)
		for c := 0; c < 10; c++ {
			fmt.Fprintf(&b, "  c%d varchar(%d) DEFAULT NULL,\n", c, 20+c)
		}
		b.WriteString("  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,\n  PRIMARY KEY (id),\n  KEY account_id (account_id),\n  KEY c0_c1 (c0, c1)\n);\n")
	}
	return b.String()
}

// BenchmarkGetDeployRequest measures get-deploy-request over loopback HTTP,
// in parallel, and reports requests per second and the p99 latency.
func BenchmarkGetDeployRequest(b *testing.B) {
	h := newHarness(b)
	h.branch("feat")
	h.mustDDL("feat", "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.openDR("feat", nil)
	h.action(1, "deploy", nil)
	h.clock.Advance(12 * time.Second)
	url := h.ts.URL + "/v1" + dbPath + "/deploy-requests/1"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
			req.Header.Set("Authorization", "tid:tok")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkMemoryBranches measures the heap held by 1,000 branches of a
// 200-table schema, each changed by one ALTER (so no two share a schema).
func BenchmarkMemoryBranches(b *testing.B) {
	const branches, tables = 1000, 200
	for b.Loop() {
		s, err := New(Config{Org: "acme", Clock: NewFakeClock(time.Time{}), BranchReadyDelay: time.Nanosecond})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.SeedDatabase("acme", "app", fstest.MapFS{"s/schema.sql": {Data: []byte(wideSchema(tables))}}, "s"); err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(s.Handler())
		h := &harness{t: b, s: s, clock: s.clock.(*FakeClock), ts: ts, id: s.cfg.TokenID, tok: s.cfg.Token}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < branches; i++ {
			name := fmt.Sprintf("b%04d", i)
			h.must("POST", dbPath+"/branches", map[string]any{"name": name, "parent_branch": "main"}, 201, nil)
			if err := h.ddl(name, fmt.Sprintf("ALTER TABLE t%03d ADD COLUMN extra%d int", i%tables, i)); err != nil {
				b.Fatal(err)
			}
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		var l ps.List[ps.Branch]
		h.must("GET", dbPath+"/branches?per_page=1", nil, 200, &l)
		if l.TotalCount != branches+1 {
			b.Fatalf("%d branches", l.TotalCount)
		}
		b.ReportMetric(float64(after.HeapInuse)/(1<<20), "heap-MiB")
		// Signed: the collector may have freed seed-time garbage in between.
		b.ReportMetric((float64(after.HeapInuse)-float64(before.HeapInuse))/(1<<20)/branches*1000, "MiB/1000branches")
		ts.Close()
		s.Close()
	}
}
