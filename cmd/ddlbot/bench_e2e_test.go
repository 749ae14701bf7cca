package main

// End-to-end benchmarks: the built binary (TestMain) on generated schemas
// (internal/testgen) of 200, 2,000 and 20,000 tables, a tenth of them
// changed by migrations, so the figure is the one a user sees:
//
//	go test ./cmd/ddlbot/ -run='^$' -bench=Binary -benchtime=3x
//
// ns/op is one whole process; ns/table divides it by the tables, and stays
// flat when the commands scale linearly; cpu-ms/op is the CPU time of a run
// (user and system: on a busy machine it varies less than the time);
// peak-rss-MiB is the largest resident set of a run.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vtlog "vitess.io/vitess/go/vt/log"
	vsd "vitess.io/vitess/go/vt/schemadiff"

	"github.com/ddlbot/ddlbot/internal/testgen"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// benchFolders writes a base folder (the schema as one migration) and a head
// folder (the same plus the generated changes) for a size.
func benchFolders(b *testing.B, tables int) (base, head string) {
	b.Helper()
	dir := b.TempDir()
	base, head = filepath.Join(dir, "base"), filepath.Join(dir, "head")
	schema := testgen.GenerateSchema(tables, 1)
	for _, d := range []string{base, head} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "0001_schema.sql"), []byte(schema), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range testgen.GenerateMigrations(tables, tables/10, 1) {
		if err := os.WriteFile(filepath.Join(head, f.Name), []byte(f.SQL), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return base, head
}

// runBinary runs ddlbot once and returns its peak resident set size in
// bytes (0 where the system does not say) and the CPU time it used; exit
// status 1 (findings, differences) is a result, anything above is a failure.
func runBinary(b *testing.B, args ...string) (int64, time.Duration) {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		if err != nil {
			b.Fatalf("ddlbot %v: %v\n%.2000s", args, err, out)
		}
	}
	return peakRSS(cmd.ProcessState), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func BenchmarkBinary(parent *testing.B) {
	for _, tables := range []int{200, 2000, 20000} {
		var base, head string
		for _, cmd := range []string{"lint", "diff"} {
			parent.Run(fmt.Sprintf("%s/tables=%d", cmd, tables), func(b *testing.B) {
				if base == "" {
					base, head = benchFolders(parent, tables) // kept for both commands
				}
				args := []string{"lint", head}
				if cmd == "diff" {
					args = []string{"diff", base, head}
				}
				var (
					rss int64
					cpu time.Duration
				)
				for b.Loop() {
					r, c := runBinary(b, args...)
					rss, cpu = max(rss, r), cpu+c
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tables), "ns/table")
				b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/op")
				if rss > 0 {
					b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
				}
			})
		}
	}
}

// BenchmarkNaiveVitess is the anchor the binary's figures are read against:
// Vitess' schemadiff used as its documentation shows, in process, on the
// same schemas as BenchmarkBinary: parse both sides' CREATE statements
// (NewSchemaFromSQL), SchemaDiff, OrderedDiffs. The CREATE statements are
// what ddlbot's loader makes of the folders (Vitess cannot apply a
// migrations folder itself), written once before the timer starts. Vitess
// re-validates the whole schema for every diff it orders, so 20,000 tables
// (12 minutes) run only with DDLBOT_BENCH_NAIVE_20K=1.
//
//	go test ./cmd/ddlbot/ -run='^$' -bench='Binary|NaiveVitess' -benchtime=3x
func BenchmarkNaiveVitess(parent *testing.B) {
	for _, tables := range []int{200, 2000, 20000} {
		parent.Run(fmt.Sprintf("tables=%d", tables), func(b *testing.B) {
			if tables > 2000 && os.Getenv("DDLBOT_BENCH_NAIVE_20K") == "" {
				b.Skip("quadratic: set DDLBOT_BENCH_NAIVE_20K=1 to run it")
			}
			vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil))) // a line per diff otherwise
			env, err := schemadiff.NewEnv("")
			if err != nil {
				b.Fatal(err)
			}
			base, head := benchFolders(b, tables)
			var sql [2]string
			for i, dir := range []string{base, head} {
				s, _, err := env.LoadMigrations(os.DirFS(dir), ".", schemadiff.FormatPlain)
				if err != nil {
					b.Fatal(err)
				}
				sql[i] = strings.Join(s.CreateStatements(), ";\n") + ";\n"
			}
			hints := &vsd.DiffHints{ForeignKeyCheckStrategy: vsd.ForeignKeyCheckStrategyStrict, SubsequentDiffStrategy: vsd.SubsequentDiffStrategyAllow}
			var diffs []vsd.EntityDiff
			for b.Loop() {
				from, err := vsd.NewSchemaFromSQL(env.Vitess(), sql[0])
				if err != nil {
					b.Fatal(err)
				}
				to, err := vsd.NewSchemaFromSQL(env.Vitess(), sql[1])
				if err != nil {
					b.Fatal(err)
				}
				sd, err := from.SchemaDiff(to, hints)
				if err != nil {
					b.Fatal(err)
				}
				if diffs, err = sd.OrderedDiffs(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			if len(diffs) == 0 {
				b.Fatal("no diffs")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tables), "ns/table")
			b.ReportMetric(float64(len(diffs)), "diffs")
		})
	}
}
