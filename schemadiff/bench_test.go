package schemadiff_test

// Benchmarks over a generated 2,000-table schema (internal/testgen) and a
// migration set that changes 200 of its tables:
//
//	go test -run='^$' -bench=. -benchtime=3x -cpu=1 ./schemadiff/ ./internal/lint/
//
// The whole pipeline (load both sides, diff, lint) is BenchmarkLoadLintDiff in
// internal/lint. Timings live here, never in tests.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/testgen"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// benchDirs returns the base migrations folder (the whole schema as one
// migration) and the head folder (the same plus the generated changes),
// generated once.
var benchDirs = sync.OnceValues(testgen.BenchDirs)

func benchLoad(b *testing.B, env *schemadiff.Env, fsys fstest.MapFS) *schemadiff.Schema {
	b.Helper()
	s, _, err := env.LoadMigrations(fsys, ".", schemadiff.FormatPlain)
	if err != nil {
		b.Fatalf("load: %v", err)
	}
	return s
}

// BenchmarkLoad parses and applies the 2,000-table schema and the 200-table
// migration set on top of it, in memory.
func BenchmarkLoad(b *testing.B) {
	env := fidEnv(b)
	_, head := benchDirs()
	b.ReportAllocs()
	var s *schemadiff.Schema
	for b.Loop() {
		s = benchLoad(b, env, head)
	}
	b.ReportMetric(float64(len(s.Statements)), "statements")
}

// BenchmarkDiff diffs the base schema against the head schema and analyses
// every change.
func BenchmarkDiff(b *testing.B) {
	env := fidEnv(b)
	baseDir, headDir := benchDirs()
	base, head := benchLoad(b, env, baseDir), benchLoad(b, env, headDir)
	b.ReportAllocs()
	var d *schemadiff.Diff
	for b.Loop() {
		var err error
		d, err = schemadiff.Compute(context.Background(), base, head, schemadiff.DiffOptions{})
		if err != nil {
			b.Fatalf("diff: %v", err)
		}
	}
	b.ReportMetric(float64(len(d.Changes)), "changes")
}

// BenchmarkDiffCycles plans schemas whose tables sit in foreign-key cycles
// (testgen.GenerateCyclicSchema: all tables linked into one group): from an
// empty schema to version 1, and from version 1 to version 2, at 200, 2,000
// and 20,000 tables. The time per table must stay flat as the size grows.
func BenchmarkDiffCycles(b *testing.B) {
	env := fidEnv(b)
	for _, tables := range []int{200, 2000, 20000} {
		load := func(sql string) *schemadiff.Schema {
			s, err := env.LoadSQL("cycles.sql", sql)
			if err != nil {
				b.Fatalf("load: %v", err)
			}
			return s
		}
		var empty, v1, v2 *schemadiff.Schema
		for _, pair := range []struct {
			name     string
			from, to **schemadiff.Schema
		}{{"from-empty", &empty, &v1}, {"v1-to-v2", &v1, &v2}} {
			b.Run(fmt.Sprintf("tables=%d/%s", tables, pair.name), func(b *testing.B) {
				if v1 == nil {
					empty, v1, v2 = load(""), load(testgen.GenerateCyclicSchema(tables, testgen.BenchSeed, 1)), load(testgen.GenerateCyclicSchema(tables, testgen.BenchSeed, 2))
				}
				b.ReportAllocs()
				var d *schemadiff.Diff
				for b.Loop() {
					var err error
					d, err = schemadiff.Compute(context.Background(), *pair.from, *pair.to, schemadiff.DiffOptions{})
					if err != nil {
						b.Fatalf("diff: %v", err)
					}
				}
				b.ReportMetric(float64(len(d.Changes)), "changes")
			})
		}
	}
}

// BenchmarkLoadCycles loads the schemas BenchmarkDiffCycles plans (version 1
// of testgen.GenerateCyclicSchema) from their SQL text: split, parse, apply
// and validate, at 200, 2,000 and 20,000 tables. The time per table must stay
// flat as the size grows.
func BenchmarkLoadCycles(b *testing.B) {
	env := fidEnv(b)
	for _, tables := range []int{200, 2000, 20000} {
		b.Run(fmt.Sprintf("tables=%d", tables), func(b *testing.B) {
			sql := testgen.GenerateCyclicSchema(tables, testgen.BenchSeed, 1)
			b.SetBytes(int64(len(sql)))
			b.ReportAllocs()
			var s *schemadiff.Schema
			for b.Loop() {
				var err error
				if s, err = env.LoadSQL("cycles.sql", sql); err != nil {
					b.Fatalf("load: %v", err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Tables())), "ns/table")
		})
	}
}
