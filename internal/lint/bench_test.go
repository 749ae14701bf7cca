package lint_test

// Benchmarks of lint and of the whole pipeline over a generated 2,000-table
// schema (internal/testgen) and a migration set that changes 200 of its tables:
//
//	go test -run='^$' -bench=. -benchtime=3x -cpu=1 ./schemadiff/ ./internal/lint/
//
// BenchmarkLoadLintDiff reports peak-rss-MiB: the peak resident set size of
// the process while the pipeline ran (Linux: VmHWM, reset through
// /proc/self/clear_refs before the timed loop; without that reset it is the
// peak since the process started).

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	vtlog "vitess.io/vitess/go/vt/log"

	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/internal/testgen"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// benchDirs returns the base migrations folder (the whole schema as one
// migration) and the head folder (the same plus the generated changes), as a
// pull request's base and head commits hold them.
var benchDirs = sync.OnceValues(func() (base, head fstest.MapFS) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	return testgen.BenchDirs()
})

func benchEnv(b *testing.B) *schemadiff.Env {
	b.Helper()
	env, err := schemadiff.NewEnv("")
	if err != nil {
		b.Fatal(err)
	}
	return env
}

// benchPipeline loads both sides, diffs them and builds the lint input: what
// the bot does for a pull request before it lints. The linted statements are
// those of the changed files (every file but the schema).
func benchPipeline(b *testing.B, env *schemadiff.Env) *lint.Input {
	b.Helper()
	baseDir, headDir := benchDirs()
	base, _, err := env.LoadMigrations(baseDir, ".", schemadiff.FormatPlain)
	if err != nil {
		b.Fatalf("base: %v", err)
	}
	head, _, err := env.LoadMigrations(headDir, ".", schemadiff.FormatPlain)
	if err != nil {
		b.Fatalf("head: %v", err)
	}
	d, err := schemadiff.Compute(context.Background(), base, head, schemadiff.DiffOptions{})
	if err != nil {
		b.Fatalf("diff: %v", err)
	}
	in := &lint.Input{Base: base, Head: head, Diff: d, AllowForeignKeys: true}
	for _, st := range head.Statements {
		if st.Source == nil || st.Source.Name != testgen.SchemaFile {
			in.Statements = append(in.Statements, st)
		}
	}
	return in
}

// BenchmarkLint runs every rule over the migration statements with the base
// and head schemas and their diff.
func BenchmarkLint(b *testing.B) {
	in := benchPipeline(b, benchEnv(b))
	b.ReportAllocs()
	var findings []lint.Finding
	for b.Loop() {
		findings = lint.Run(in)
	}
	b.ReportMetric(float64(len(findings)), "findings")
}

// BenchmarkLoadLintDiff is the whole pipeline of a pull request: load the
// base and the head schema, diff them, lint the changed files.
func BenchmarkLoadLintDiff(b *testing.B) {
	env := benchEnv(b)
	benchDirs()
	runtime.GC()
	debug.FreeOSMemory()
	benchResetPeakRSS()
	b.ReportAllocs()
	b.ResetTimer()
	var findings []lint.Finding
	for b.Loop() {
		in := benchPipeline(b, env)
		findings = lint.Run(in)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(findings)), "findings")
	if kb, ok := benchPeakRSSKiB(); ok {
		b.ReportMetric(float64(kb)/1024, "peak-rss-MiB")
	}
}

// benchResetPeakRSS resets the kernel's peak RSS counter of this process
// (Linux ≥ 4.0; a no-op elsewhere).
func benchResetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// benchPeakRSSKiB reads VmHWM, the peak resident set size, from /proc.
func benchPeakRSSKiB() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// BenchmarkLintCycles lints the schemas schemadiff's BenchmarkDiffCycles and
// BenchmarkLoadCycles use (testgen.GenerateCyclicSchema, version 1: every
// table in a foreign-key cycle, the clusters chained into one graph) as one
// file without a base, so every rule looks at every table, at 200, 2,000 and
// 20,000 tables. The time per table must stay flat as the size grows.
func BenchmarkLintCycles(b *testing.B) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	env := benchEnv(b)
	for _, tables := range []int{200, 2000, 20000} {
		b.Run("tables="+strconv.Itoa(tables), func(b *testing.B) {
			s, err := env.LoadSQL("cycles.sql", testgen.GenerateCyclicSchema(tables, testgen.BenchSeed, 1))
			if err != nil {
				b.Fatalf("load: %v", err)
			}
			in := &lint.Input{Statements: s.Statements, Head: s, AllowForeignKeys: true}
			b.ReportAllocs()
			var findings []lint.Finding
			for b.Loop() {
				findings = lint.Run(in)
			}
			b.ReportMetric(float64(len(findings)), "findings")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tables), "ns/table")
		})
	}
}
