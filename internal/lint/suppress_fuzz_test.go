package lint

import (
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// FuzzParseDirective: any comment parses without panicking; a directive with
// rules and a reason and no problem names only known rules.
func FuzzParseDirective(f *testing.F) {
	for _, s := range []string{
		"-- ddlbot:ignore drop-column -- unused since v2",
		"-- ddlbot:ignore-file float-column,zero-date -- legacy",
		"# ddlbot:ignore drop-table",
		"/* ddlbot:ignore no-unique-key -- staging only */",
		"-- ddlbot:ignore -- no rule",
		"-- ddlbot:frobnicate",
		"-- just a comment",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, ok := ParseDirective(schemadiff.Comment{Text: text})
		if !ok {
			return
		}
		if d.Problem == "" {
			if len(d.Rules) == 0 || strings.TrimSpace(d.Reason) == "" {
				t.Fatalf("directive without rules or reason accepted: %q → %+v", text, d)
			}
			for _, r := range d.Rules {
				if !KnownRule(r) {
					t.Fatalf("unknown rule %q accepted", r)
				}
			}
		}
	})
}

// FuzzRun: linting any file never panics (rules recover, but a panic in the
// engine around them would still crash).
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"CREATE TABLE t (id int PRIMARY KEY, f float, d datetime DEFAULT '0000-00-00 00:00:00');",
		"-- ddlbot:ignore float-column -- ok\nCREATE TABLE `rank` (a int, UNIQUE KEY (a), KEY (a)) ENGINE=MyISAM CHARSET=latin2;",
		"CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id)); CREATE VIEW v AS SELECT nope FROM c;",
		"ALTER TABLE t DROP COLUMN x; INSERT INTO t VALUES (1); CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET @a = 1;",
	} {
		f.Add(s)
	}
	env, err := schemadiff.NewEnv("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		src := schemadiff.NewSource("f.sql", text)
		in := &Input{Statements: env.ParseSource(src)}
		b := env.NewBuilder()
		b.Apply(in.Statements)
		in.Head, _ = b.Finish()
		for _, fd := range Run(in) {
			if strings.Contains(fd.Message, "failed internally") {
				t.Fatalf("rule %s panicked: %s", fd.Rule, fd.Message)
			}
		}
	})
}
