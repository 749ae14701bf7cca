package lint

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
	vtlog "vitess.io/vitess/go/vt/log"
)

func TestMain(m *testing.M) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

// ruleCase is one table-test case for a rule.
//
// Without base, head is a file of statements linted on its own. With base,
// base is the schema before the change and head is a migration applied on top
// of it: the change rules see the diff base → head.
type ruleCase struct {
	name    string
	base    string
	head    string
	allowFK bool
	// want lists the expected findings of the rule under test as "line:col",
	// or "line:col message-substring".
	want []string
}

// lintCase runs every rule over a case and returns all findings.
func lintCase(t *testing.T, c ruleCase) []Finding {
	t.Helper()
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	in := &Input{AllowForeignKeys: c.allowFK}
	headSrc := schemadiff.NewSource("m.sql", c.head)
	in.Statements = env.ParseSource(headSrc)
	if c.base != "" {
		base, err := env.LoadSQL("base.sql", c.base)
		if err != nil {
			t.Fatalf("base schema: %v", err)
		}
		b := env.NewBuilderFrom(base)
		b.Apply(in.Statements)
		head, _ := b.Finish()
		in.Base, in.Head = base, head
		if head.Vitess() != nil {
			d, err := schemadiff.Compute(context.Background(), base, head, schemadiff.DiffOptions{})
			in.Diff, in.DiffError = d, err
		}
	} else {
		b := env.NewBuilder()
		b.Apply(in.Statements)
		in.Head, _ = b.Finish()
	}
	// As check.Run does: the statements as the builder read them (it settles
	// what conditional DDL ran).
	in.Statements = in.Head.Statements
	return Run(in)
}

// checkRule runs table cases for one rule, comparing only that rule's findings.
func checkRule(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	checkRuleUsing(t, lintCase, rule, cases)
}

func describe(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %d:%d %s [%s] %s\n", f.Line, f.Column, f.Severity, f.Rule, f.Message)
	}
	return b.String()
}
