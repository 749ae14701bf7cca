package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/schemadiff"
	vtlog "vitess.io/vitess/go/vt/log"
)

func TestMain(m *testing.M) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func findings(r *Result) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s:%d:%d %s", f.File, f.Line, f.Column, f.Rule))
	}
	return strings.Join(out, "\n")
}

func TestRunLayouts(t *testing.T) {
	ctx := context.Background()
	base := mapFS(map[string]string{
		"db/schema/users.sql": "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, nick varchar(10));",
		"db/schema/logs.sql":  "CREATE TABLE logs (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);",
		"db/m/001_a.sql":      "CREATE TABLE a (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);",
	})
	head := mapFS(map[string]string{
		"db/schema/users.sql": "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);",
		"db/m/001_a.sql":      "CREATE TABLE a (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);",
		"db/m/002_b.sql":      "ALTER TABLE a ADD COLUMN f float;",
		"db/new/t.sql":        "CREATE TABLE t (a int);",
		"one.sql":             "CREATE TABLE x (id int PRIMARY KEY);\nINSERT INTO x VALUES (1);",
	})
	tests := []struct {
		name   string
		target Target
		base   fstest.MapFS
		layout Layout
		want   string
	}{
		{"declarative change: deleted file and dropped column", Target{Path: "db/schema"}, base, LayoutDeclarative,
			// The dropped table's file is gone: the finding points at its base definition.
			"db/schema/logs.sql:1:1 drop-table\ndb/schema/users.sql:1:1 drop-column"},
		{"migrations: only the new file is linted", Target{Path: "db/m"}, base, LayoutMigrations, "db/m/002_b.sql:1:26 float-column"},
		{"new folder: empty base", Target{Path: "db/new"}, base, LayoutDeclarative, "db/new/t.sql:1:1 no-unique-key"},
		{"no base: every file", Target{Path: "db/m"}, nil, LayoutMigrations, "db/m/002_b.sql:1:26 float-column"},
		{"single file", Target{Path: "one.sql"}, nil, LayoutFile, "one.sql:2:1 non-schema-statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b = tt.base
			var res *Result
			var err error
			if b == nil {
				res, err = Run(ctx, tt.target, nil, head, Options{})
			} else {
				res, err = Run(ctx, tt.target, b, head, Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Layout != tt.layout {
				t.Errorf("layout %s, want %s", res.Layout, tt.layout)
			}
			if got := findings(res); got != tt.want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRunSeveritiesAndErrors(t *testing.T) {
	ctx := context.Background()
	head := mapFS(map[string]string{"s/a.sql": "CREATE TABLE a (id int PRIMARY KEY, f float);", "s/bad.sql": "CREATE TABLE b (id int PRIMARY KEY,);"})
	res, err := Run(ctx, Target{Path: "s"}, nil, head, Options{Severities: map[string]lint.Severity{"float-column": lint.Off}})
	if err != nil {
		t.Fatal(err)
	}
	if got := findings(res); got != "s/bad.sql:1:36 syntax-error" {
		t.Fatalf("findings: %s", got)
	}
	if !FailsOn(res.Findings, lint.Error) || res.Source("s/bad.sql") == nil {
		t.Fatal("a syntax error fails the check, and its source is kept")
	}
	if _, err := Run(ctx, Target{Path: "nope"}, nil, head, Options{}); err == nil || !strings.Contains(err.Error(), `schema path "nope"`) {
		t.Fatalf("missing path: %v", err)
	}
	if _, err := Run(ctx, Target{Path: "s", MySQLVersion: "9.9"}, nil, head, Options{}); err == nil {
		t.Fatal("bad MySQL version accepted")
	}
	if _, err := Run(ctx, Target{Path: "s/a.sql", Layout: LayoutMigrations}, nil, head, Options{}); err == nil {
		t.Fatal("a file with a folder layout accepted")
	}
	badBase := mapFS(map[string]string{"s/a.sql": "CREATE TABLE a (id int PRIMARY KEY, f float);", "s/bad.sql": "ALTER TABLE nope ADD COLUMN x int;"})
	res, err = Run(ctx, Target{Path: "s"}, badBase, mapFS(map[string]string{"s/a.sql": "CREATE TABLE a (id int PRIMARY KEY);"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.BaseErr == nil || res.Diff != nil {
		t.Fatalf("a base that does not load: BaseErr %v, Diff %v", res.BaseErr, res.Diff)
	}
	if _, err := Run(ctx, Target{Path: "m", Format: schemadiff.FormatGoose, Layout: LayoutMigrations}, nil, mapFS(map[string]string{"m/1_a.sql": "SELECT 1;"}), Options{}); err == nil || !strings.Contains(err.Error(), "goose Up") {
		t.Fatalf("unreadable migrations: %v", err)
	}
}

// A limit error names only the ways the command at hand has to raise it.
func TestLimitHint(t *testing.T) {
	le := fmt.Errorf("load: %w", &schemadiff.LimitError{Path: "db", Limit: "max_files", Max: 10, Got: 11})
	for _, c := range []struct {
		hint LimitHint
		want string
	}{
		{LimitHint{Config: true, Flags: true}, "; if it is meant to be this large, raise the limit with limits.max_files in .ddlbot.yml or --max-files"},
		{LimitHint{Config: true}, "; if it is meant to be this large, raise the limit with limits.max_files in .ddlbot.yml"},
		{LimitHint{Flags: true}, "; if it is meant to be this large, raise the limit with --max-files"},
		{LimitHint{}, ": a schema this large is refused so that it cannot exhaust the machine's memory"},
	} {
		err := c.hint.Hint(le)
		var got *schemadiff.LimitError
		if !errors.As(err, &got) || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%+v: %v, want it to end %q and wrap the limit error", c.hint, err, c.want)
		}
	}
	other := errors.New("not a limit")
	if err := (LimitHint{Config: true}).Hint(other); err != other {
		t.Errorf("another error came back as %v", err)
	}
}
