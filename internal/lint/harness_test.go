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

// How a case's lint input is built (the `input:` option of a case in
// testdata/rules).
const (
	// inputMigration: without base, head is a file of statements linted on
	// its own; with base, base is the schema before the change and head a
	// migration applied on top of it (m.sql).
	inputMigration = "migration"
	// inputDeclarative: base and head are both complete schemas, and the
	// linted statements are head's (schema.sql, the schema files as they are
	// in the pull request).
	inputDeclarative = "declarative"
	// inputDetectRenames: a migration on a base, with the diff's rename
	// detection on.
	inputDetectRenames = "detect-renames"
)

// ruleCase is one test case for a rule, as a testdata/rules file holds it.
type ruleCase struct {
	name string
	// line is where the case starts in its file, for failure messages.
	line    int
	input   string
	base    string
	head    string
	allowFK bool
	// want lists the expected findings of the rule under test as "line:col",
	// or "line:col message-substring".
	want []string
}

// lintCase builds the lint input a case describes, runs every rule over it
// and returns all findings.
func lintCase(t *testing.T, c ruleCase) []Finding {
	t.Helper()
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	file := "m.sql"
	if c.input == inputDeclarative {
		file = "schema.sql"
	}
	in := &Input{Statements: env.ParseSource(schemadiff.NewSource(file, c.head)), AllowForeignKeys: c.allowFK}
	if c.input == inputMigration && c.base == "" {
		b := env.NewBuilder()
		b.Apply(in.Statements)
		in.Head, _ = b.Finish()
		// As check.Run does: the statements as the builder read them (it
		// settles what conditional DDL ran).
		in.Statements = in.Head.Statements
		return Run(in)
	}
	base, err := env.LoadSQL("base.sql", c.base)
	if err != nil {
		t.Fatalf("base schema: %v", err)
	}
	in.Base = base
	b := env.NewBuilderFrom(base)
	if c.input == inputDeclarative {
		b = env.NewBuilder()
	}
	b.Apply(in.Statements)
	head, err := b.Finish()
	in.Head = head
	if c.input == inputMigration {
		// A migration's head may not build (the schema-error rule's cases):
		// the rules see whatever diff there is, as check.Run gives them.
		if head.Vitess() != nil {
			in.Diff, in.DiffError = schemadiff.Compute(context.Background(), base, head, schemadiff.DiffOptions{})
		}
		in.Statements = in.Head.Statements
		return Run(in)
	}
	if err != nil {
		t.Fatalf("head schema: %v", err)
	}
	opts := schemadiff.DiffOptions{DetectRenames: c.input == inputDetectRenames}
	if in.Diff, err = schemadiff.Compute(context.Background(), base, head, opts); err != nil {
		t.Fatalf("diff: %v", err)
	}
	return Run(in)
}

// checkRule runs cases for one rule, comparing only that rule's findings.
func checkRule(t *testing.T, file, rule string, cases []ruleCase) {
	t.Helper()
	if _, ok := RuleByID(rule); !ok {
		t.Fatalf("%s: rule %s is not registered (the file is named after the rule id it tests)", file, rule)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []Finding
			for _, f := range lintCase(t, c) {
				if f.Rule == rule {
					got = append(got, f)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s:%d: got %d findings, want %d:\n%s", file, c.line, len(got), len(c.want), describe(got))
			}
			for i, w := range c.want {
				pos, sub, _ := strings.Cut(w, " ")
				if at := fmt.Sprintf("%d:%d", got[i].Line, got[i].Column); at != pos {
					t.Errorf("%s:%d: finding %d at %s, want %s:\n%s", file, c.line, i, at, pos, describe(got))
				}
				if sub != "" && !strings.Contains(got[i].Message, sub) {
					t.Errorf("%s:%d: finding %d message %q does not contain %q", file, c.line, i, got[i].Message, sub)
				}
			}
		})
	}
}

func describe(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %d:%d %s [%s] %s\n", f.Line, f.Column, f.Severity, f.Rule, f.Message)
	}
	return b.String()
}
