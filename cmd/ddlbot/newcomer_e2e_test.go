package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpPrintedOnce checks that every command's --help goes to stdout
// once (not again on stderr), and pins the text in golden files.
func TestHelpPrintedOnce(t *testing.T) {
	dir := t.TempDir()
	for _, c := range commands() {
		if c.name == "version" {
			continue
		}
		r := ddlbot(t, dir, c.name, "--help")
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%s --help: exit %d, stderr %q; want exit 0 and nothing on stderr", c.name, r.code, r.stderr)
		}
		if n := strings.Count(r.stdout, "Usage: ddlbot "+c.name); n != 1 {
			t.Errorf("%s --help prints its usage %d times:\n%s", c.name, n, r.stdout)
		}
		golden(t, filepath.Join("help", c.name+".txt"), r.stdout)
	}
}

// TestUnknownFlagSuggests checks that a mistyped flag gets one line with
// the flag meant and where help is, not the whole help.
func TestUnknownFlagSuggests(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "-fromat", "json"}, "ddlbot lint: unknown flag \"--fromat\" (did you mean --format?)\nRun `ddlbot lint --help` for its usage.\n"},
		{[]string{"diff", "--detect-rename", "a", "b"}, "ddlbot diff: unknown flag \"--detect-rename\" (did you mean --detect-renames?)\nRun `ddlbot diff --help` for its usage.\n"},
		{[]string{"plan", "--zzz"}, "ddlbot plan: unknown flag \"--zzz\"\nRun `ddlbot plan --help` for its usage.\n"},
		{[]string{"lint", "--format"}, "ddlbot lint: flag needs an argument: -format\nRun `ddlbot lint --help` for its usage.\n"},
	} {
		r := ddlbot(t, dir, tc.args...)
		if r.code != 2 || r.stderr != tc.want || r.stdout != "" {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q\nwant exit 2 and stderr %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
		}
	}
}

// TestConfigRuleSuggestions checks the "did you mean" of lint.rules: an
// unknown rule id, an abbreviated severity, and a boolean where a severity
// belongs.
func TestConfigRuleSuggestions(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"schema/t.sql": "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY);\n",
		".ddlbot.yml": `databases:
  - name: app
    schema: schema
lint:
  rules:
    no-uniqe-key: error
    not-instant: false
    drop-column: warn
`,
	})
	r := ddlbot(t, dir, "lint", "--config", ".ddlbot.yml", "schema")
	for _, want := range []string{
		`.ddlbot.yml:6:5: lint.rules: unknown rule "no-uniqe-key" (did you mean "no-unique-key"?)`,
		".ddlbot.yml:7:18: lint.rules.not-instant: expected a severity, got the boolean false (write `off` to disable the rule; allowed: error, warning, notice, off)",
		`.ddlbot.yml:8:18: lint.rules.drop-column: invalid value "warn" (allowed: error, warning, notice, off; did you mean "warning"?)`,
	} {
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", r.code, r.stderr, want)
		}
	}
}
