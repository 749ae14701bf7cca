package lint

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// Two more ways to build a lint input than the harness' lintCase, for the
// situations it does not cover.

// lintDeclarative lints a declarative change: base and head are both complete
// schemas, and the linted statements are head's (the schema files as they are
// in the pull request).
func lintDeclarative(t *testing.T, c ruleCase) []Finding {
	t.Helper()
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	base, err := env.LoadSQL("base.sql", c.base)
	if err != nil {
		t.Fatalf("base schema: %v", err)
	}
	src := schemadiff.NewSource("schema.sql", c.head)
	in := &Input{Statements: env.ParseSource(src), Base: base, AllowForeignKeys: c.allowFK}
	b := env.NewBuilder()
	b.Apply(in.Statements)
	head, err := b.Finish()
	if err != nil {
		t.Fatalf("head schema: %v", err)
	}
	in.Head = head
	if in.Diff, err = schemadiff.Compute(context.Background(), base, head, schemadiff.DiffOptions{}); err != nil {
		t.Fatalf("diff: %v", err)
	}
	return Run(in)
}

// lintDetectingRenames is lintCase (base plus a migration) with the diff's
// rename detection on.
func lintDetectingRenames(t *testing.T, c ruleCase) []Finding {
	t.Helper()
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	base, err := env.LoadSQL("base.sql", c.base)
	if err != nil {
		t.Fatalf("base schema: %v", err)
	}
	in := &Input{Statements: env.ParseSource(schemadiff.NewSource("m.sql", c.head)), Base: base, AllowForeignKeys: c.allowFK}
	b := env.NewBuilderFrom(base)
	b.Apply(in.Statements)
	head, err := b.Finish()
	if err != nil {
		t.Fatalf("head schema: %v", err)
	}
	in.Head = head
	if in.Diff, err = schemadiff.Compute(context.Background(), base, head, schemadiff.DiffOptions{DetectRenames: true}); err != nil {
		t.Fatalf("diff: %v", err)
	}
	return Run(in)
}

// checkRuleUsing is checkRule with another way to build the input.
func checkRuleUsing(t *testing.T, lint func(*testing.T, ruleCase) []Finding, rule string, cases []ruleCase) {
	t.Helper()
	if _, ok := RuleByID(rule); !ok {
		t.Fatalf("rule %s is not registered", rule)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []Finding
			for _, f := range lint(t, c) {
				if f.Rule == rule {
					got = append(got, f)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(c.want), describe(got))
			}
			for i, w := range c.want {
				pos, sub, _ := strings.Cut(w, " ")
				if at := fmt.Sprintf("%d:%d", got[i].Line, got[i].Column); at != pos {
					t.Errorf("finding %d at %s, want %s:\n%s", i, at, pos, describe(got))
				}
				if sub != "" && !strings.Contains(got[i].Message, sub) {
					t.Errorf("finding %d message %q does not contain %q", i, got[i].Message, sub)
				}
			}
		})
	}
}
