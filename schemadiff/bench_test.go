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
	"maps"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/testgen"
	"github.com/ddlbot/ddlbot/schemadiff"
)

const (
	benchTables  = 2000
	benchChanged = 200
	benchSeed    = 1
)

var (
	benchOnce            sync.Once
	benchBase, benchHead fstest.MapFS
)

// benchDirs returns the base migrations folder (the whole schema as one
// migration) and the head folder (the same plus the generated changes).
func benchDirs() (base, head fstest.MapFS) {
	benchOnce.Do(func() {
		benchBase = fstest.MapFS{"0001_schema.sql": {Data: []byte(testgen.GenerateSchema(benchTables, benchSeed))}}
		benchHead = maps.Clone(benchBase)
		for _, f := range testgen.GenerateMigrations(benchTables, benchChanged, benchSeed) {
			benchHead[f.Name] = &fstest.MapFile{Data: []byte(f.SQL)}
		}
	})
	return benchBase, benchHead
}

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
