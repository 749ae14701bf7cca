package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/gittest"
	goldenfile "github.com/ddlbot/ddlbot/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

// binary is the ddlbot binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "ddlbot-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ddlbot")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build ddlbot:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// ddlbot runs the real binary in dir.
func ddlbot(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	return runCmd(t, cmd)
}

// runCmd runs a command and returns its output and exit status; a command
// that does not start fails the test.
func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// golden compares got with testdata/name (golden.Check).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), []byte(got), *update, "go test ./cmd/ddlbot/ -update")
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// git runs git in dir (gittest.Run).
var git = gittest.Run

// folder makes a temporary folder holding files.
func folder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, files)
	return dir
}

// gitRepo makes a git repository at dir (a new temporary folder if dir is
// "") whose branch main holds one commit, "base": base's files and whatever
// dir held already. It returns dir.
func gitRepo(t *testing.T, dir string, base map[string]string) string {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	git(t, t.TempDir(), "init", "-q", "-b", "main", dir)
	write(t, dir, base)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "base")
	return dir
}

func TestReadmeQuickStart(t *testing.T) {
	root := repoRoot(t)
	// The first command plans the bundled example end to end, in-process.
	noPlanetScale(t)
	r := ddlbot(t, root, "plan", "--config", "examples/shop/ddlbot-schema.yml", "--base-dir", "examples/shop/schema")
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "plan report", r.stdout, "Deploy request #1: ready",
		"Next step: run `ddlbot deploy --config examples/shop/ddlbot-schema.yml --base-dir examples/shop/schema` to deploy it", "PlanetScale's diff (2 table(s)):")
	golden(t, "quickstart-plan.txt", stableReport(r.stdout))
	golden(t, "quickstart-plan.stderr", stableReport(r.stderr))
	// --format markdown: the pull request's comment, as posted.
	r = ddlbot(t, root, "plan", "--config", "examples/shop/ddlbot-schema.yml", "--base-dir", "examples/shop/schema", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("plan --format markdown: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "plan report", r.stdout, "Deploy request #1: **ready**", "comment `/deploy` to deploy")
	golden(t, "quickstart-plan.md", stableReport(r.stdout))
	r = ddlbot(t, root, "lint", "--config", "examples/shop/.ddlbot.yml")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	golden(t, "quickstart-lint.txt", r.stdout)
	r = ddlbot(t, root, "diff", "examples/shop/schema", "examples/shop/schema-pr", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	golden(t, "quickstart-diff.md", r.stdout)
	// The README must keep showing these exact commands.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"go run ./cmd/ddlbot plan --config examples/shop/ddlbot-schema.yml --base-dir examples/shop/schema",
		"go run ./cmd/ddlbot lint --config examples/shop/.ddlbot.yml", "go run ./cmd/ddlbot diff examples/shop/schema examples/shop/schema-pr --format markdown", "scripts/test.sh"} {
		if !strings.Contains(string(readme), c) {
			t.Errorf("README no longer shows %q", c)
		}
	}
	// The quick start leads with an installed ddlbot (a release, or go
	// install of this module's command), then the checkout's go run.
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	module, _, _ := strings.Cut(strings.TrimPrefix(string(gomod), "module "), "\n")
	_, quick, _ := strings.Cut(string(readme), "\n## Quick start\n")
	quick, _, _ = strings.Cut(quick, "\n## ")
	order := []string{"releases/download/", "go install " + strings.TrimSpace(module) + "/cmd/ddlbot@latest",
		"\nddlbot plan --config examples/shop/ddlbot-schema.yml --base-dir examples/shop/schema\n",
		"\ngo run ./cmd/ddlbot plan --config examples/shop/ddlbot-schema.yml --base-dir examples/shop/schema\n"}
	at := -1
	for k, c := range order {
		i := strings.Index(quick, c)
		if i < 0 || i < at {
			t.Errorf("the quick start does not show %q (after %q)", c, order[max(k-1, 0)])
		}
		at = i
	}
}

func TestLintBaseInGitRepo(t *testing.T) {
	dir := gitRepo(t, "", map[string]string{
		".ddlbot.yml":                 "databases:\n  - name: app\n    migrations: db/migrations\nlint:\n  rules:\n    not-instant: off\n    drop-column: warning\n",
		"db/migrations/001_init.sql":  "CREATE TABLE users (\n  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  email varchar(255) NOT NULL,\n  nick varchar(40)\n);\n",
		"db/migrations/002_index.sql": "-- an old migration with a style problem the change must not be blamed for\nALTER TABLE users ADD COLUMN score float;\n",
	})
	write(t, dir, map[string]string{
		"db/migrations/003_change.sql": "ALTER TABLE users\n  DROP COLUMN nick,\n  ADD COLUMN age int NOT NULL;\n\n-- ddlbot:ignore add-unique-key -- emails were deduplicated in #12\nCREATE UNIQUE INDEX uk_email ON users (email);\n",
	})
	r := ddlbot(t, dir, "lint", "--base", "main", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d (warnings only must pass)\n%s%s", r.code, r.stdout, r.stderr)
	}
	var out struct {
		Findings []struct {
			File, Rule, Severity string
			Line, Column         int
		}
		Summary map[string]int
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	var got []string
	for _, f := range out.Findings {
		got = append(got, fmt.Sprintf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Severity, f.Rule))
	}
	want := []string{
		"db/migrations/003_change.sql:2:15 warning drop-column",
		"db/migrations/003_change.sql:3:14 warning not-null-without-default",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The same change fails with drop-column at its default, error.
	write(t, dir, map[string]string{".ddlbot.yml": "databases:\n  - name: app\n    migrations: db/migrations\n"})
	r = ddlbot(t, dir, "lint", "--base", "main", "--format", "github")
	if r.code != 1 || !strings.Contains(r.stdout, "::error file=db/migrations/003_change.sql,line=2,col=15,") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// From a subfolder, paths print relative to it and the config is given explicitly.
	r = ddlbot(t, filepath.Join(dir, "db"), "lint", "--config", "../.ddlbot.yml", "--base", "main")
	if r.code != 1 || !strings.Contains(r.stdout, "migrations/003_change.sql:2:15: error [drop-column]") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// diff against a git ref.
	r = ddlbot(t, dir, "diff", "main:db/migrations", "db/migrations", "--format", "sql", "--exit-code")
	if r.code != 1 || !strings.Contains(r.stdout, "DROP COLUMN `nick`") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestLintErrors(t *testing.T) {
	dir := folder(t, map[string]string{
		"bad.sql":      "CREATE TABLE t (\n  id int PRIMARY KEY,\n  x varchar(10) NOT NUL\n);\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.x = 'a';\nCREATE TABLE nopk (a int);\n",
		"bad.yml":      "databases:\n  - name: app\n    shema: db\n",
		"schema/a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
	})
	r := ddlbot(t, dir, "lint", "bad.sql")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	golden(t, "lint-errors.txt", r.stdout)

	r = ddlbot(t, dir, "lint", "bad.sql", "--format", "sarif")
	if r.code != 1 || !strings.Contains(r.stdout, `"version": "2.1.0"`) {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "--config", "bad.yml"}, `bad.yml:3:5: unknown key "shema"`},
		{[]string{"lint", "--config", "missing.yml"}, "missing.yml"},
		{[]string{"lint"}, "nothing to lint"},
		{[]string{"lint", "nope/"}, `schema path "nope"`},
		{[]string{"lint", "schema", "--format", "xml"}, `unknown output format "xml"`},
		{[]string{"lint", "--bogus"}, "unknown flag \"--bogus\""},
		{[]string{"lint", "schema", "--base", "--upload-pack=x"}, "invalid git ref"},
		{[]string{"diff", "schema"}, "diff takes FROM and TO"},
		{[]string{"diff", "schema", "bad.sql"}, "bad.sql:3:21: syntax error"},
		{[]string{"diff", "schema", "nowhere"}, "no such file or folder"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"version", "extra"}, "version takes no arguments"},
	} {
		r := ddlbot(t, dir, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	r := ddlbot(t, dir, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ddlbot ") {
		t.Fatalf("version: %d %q", r.code, r.stdout)
	}
	for _, cmd := range []string{"lint", "diff", "version"} {
		r := ddlbot(t, dir, cmd, "--help")
		if cmd != "version" && (r.code != 0 || !strings.Contains(r.stdout, "Usage: ddlbot "+cmd)) {
			t.Errorf("%s --help: exit %d\n%s%s", cmd, r.code, r.stdout, r.stderr)
		}
	}
	r = ddlbot(t, dir, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "lint") || !strings.Contains(r.stdout, "diff") {
		t.Fatalf("--help: %d %s", r.code, r.stdout)
	}
	r = ddlbot(t, dir)
	if r.code != 2 {
		t.Fatalf("no command: exit %d", r.code)
	}
	r = ddlbot(t, dir, "lint", "--list-rules", "--markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "| `no-unique-key` |") {
		t.Fatalf("--list-rules: %d %s", r.code, r.stdout)
	}
}
