package lint

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// BenchmarkIntDisplayWidth runs the rule over 50,000 new tables with two
// columns each, one with a display width, as a pull request creating them
// all would (a diff from an empty base): the rule once looked every column up
// by rescanning every statement, and every table's change by rescanning the
// diff.
//
//	go test ./internal/lint/ -run='^$' -bench=IntDisplayWidth -benchtime=1x
func BenchmarkIntDisplayWidth(b *testing.B) {
	const tables = 50_000
	env, err := schemadiff.NewEnv("")
	if err != nil {
		b.Fatal(err)
	}
	var sql strings.Builder
	for i := range tables {
		fmt.Fprintf(&sql, "CREATE TABLE t%05d (id bigint unsigned NOT NULL PRIMARY KEY, n int(11) NOT NULL);\n", i)
	}
	in := &Input{Statements: env.ParseSource(schemadiff.NewSource("m.sql", sql.String()))}
	base, err := env.LoadSQL("base.sql", "")
	if err != nil {
		b.Fatal(err)
	}
	bld := env.NewBuilderFrom(base)
	bld.Apply(in.Statements)
	in.Base = base
	if in.Head, err = bld.Finish(); err != nil {
		b.Fatal(err)
	}
	if in.Diff, err = schemadiff.Compute(context.Background(), base, in.Head, schemadiff.DiffOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var n int
	for b.Loop() {
		n = 0
		for _, f := range Run(&Input{Statements: in.Statements, Base: in.Base, Head: in.Head, Diff: in.Diff, Severities: onlyRule(ruleIntDisplayWidth.ID)}) {
			if f.Rule == ruleIntDisplayWidth.ID {
				n++
			}
		}
	}
	if n != tables {
		b.Fatalf("%d findings, want %d", n, tables)
	}
	b.ReportMetric(float64(n), "findings")
}

// onlyRule turns every rule but id off.
func onlyRule(id string) map[string]Severity {
	m := map[string]Severity{}
	for _, r := range Rules() {
		if r.ID != id {
			m[r.ID] = Off
		}
	}
	return m
}
