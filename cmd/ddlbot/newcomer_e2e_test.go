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
	dir := folder(t, map[string]string{
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

// TestLintAnyPath checks that a path outside the current folder (absolute,
// or ../other-repo) is linted as it is from inside, with --base comparing
// within the repository that holds it.
func TestLintAnyPath(t *testing.T) {
	repo := gitRepo(t, filepath.Join(t.TempDir(), "other-repo"), map[string]string{
		"db/migrations/001_init.sql": "CREATE TABLE users (\n  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  nick varchar(40)\n);\n",
	})
	write(t, repo, map[string]string{"db/migrations/002_drop.sql": "ALTER TABLE users DROP COLUMN nick;\n"})
	elsewhere := filepath.Join(filepath.Dir(repo), "elsewhere")
	write(t, elsewhere, map[string]string{"README": "not a repository\n"})

	inside := ddlbot(t, repo, "lint", "db/migrations", "--base", "main")
	for _, tc := range []struct {
		name string
		dir  string
		path string
		want string // the finding's file as printed
	}{
		{"absolute", elsewhere, filepath.Join(repo, "db", "migrations"), filepath.Join(repo, "db", "migrations", "002_drop.sql")},
		{"relative", elsewhere, "../other-repo/db/migrations", "../other-repo/db/migrations/002_drop.sql"},
	} {
		r := ddlbot(t, tc.dir, "lint", tc.path, "--base", "main")
		if r.code != inside.code || !strings.Contains(r.stdout, tc.want+":1:31: error [drop-column]") {
			t.Errorf("%s: exit %d (inside the repository: %d)\n%s%s\nwant %s:1:31 drop-column", tc.name, r.code, inside.code, r.stdout, r.stderr, tc.want)
		}
	}
	// A file outside any repository is linted from its own folder.
	loose := filepath.Join(t.TempDir(), "loose.sql")
	write(t, filepath.Dir(loose), map[string]string{"loose.sql": "CREATE TABLE t (a float);\n"})
	r := ddlbot(t, elsewhere, "lint", loose)
	if !strings.Contains(r.stdout, loose+":1:") || strings.Contains(r.stderr, "outside") {
		t.Errorf("loose file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := ddlbot(t, elsewhere, "lint", "../nowhere"); r.code != 2 || !strings.Contains(r.stderr, `schema path "../nowhere": no such file or folder`) {
		t.Errorf("missing path: exit %d\n%s", r.code, r.stderr)
	}
}

// Issue 12 (review): --base and REF:PATH read the repository that holds the
// path, found from the path: from a folder outside any repository that holds
// the clone (git would otherwise run in the current folder and fail), and
// from inside another repository (whose history must not be read instead).
func TestBaseFromThePathsRepository(t *testing.T) {
	outside := t.TempDir() // no repository
	// 001 has a finding of its own: it shows only if the base is wrong (001
	// then counts as changed) or --base is ignored.
	init := "CREATE TABLE users (\n  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  nick varchar(40),\n  score float\n);\n"
	repo := gitRepo(t, filepath.Join(outside, "shop"), map[string]string{"db/migrations/001_init.sql": init})
	write(t, repo, map[string]string{"db/migrations/002_drop.sql": "ALTER TABLE users DROP COLUMN nick;\n"})
	// Another repository holding a clone of shop (untracked there): its own
	// HEAD has none of shop's files.
	other := gitRepo(t, filepath.Join(t.TempDir(), "other"), map[string]string{"README": "another repository\n"})
	git(t, other, "clone", "-q", repo, "vendor/shop")
	write(t, filepath.Join(other, "vendor", "shop"), map[string]string{"db/migrations/002_drop.sql": "ALTER TABLE users DROP COLUMN nick;\n"})

	inside := ddlbot(t, repo, "lint", "db/migrations", "--base", "HEAD")
	if inside.code != 1 || !strings.Contains(inside.stdout, "db/migrations/002_drop.sql:1:31: error [drop-column]") || strings.Contains(inside.stdout, "001_init") {
		t.Fatalf("inside the repository: exit %d\n%s%s", inside.code, inside.stdout, inside.stderr)
	}
	for _, tc := range []struct {
		name, dir, path string
		want            string // the finding's file as printed
	}{
		{"outside git, relative", outside, "shop/db/migrations", "shop/db/migrations/002_drop.sql"},
		{"outside git, absolute", outside, filepath.Join(repo, "db", "migrations"), filepath.Join(repo, "db", "migrations", "002_drop.sql")},
		{"outside git, ./ and a trailing slash", outside, "./shop/db/migrations/", "shop/db/migrations/002_drop.sql"},
		{"another repository, nested clone", other, "vendor/shop/db/migrations", "vendor/shop/db/migrations/002_drop.sql"},
		{"another repository, absolute", other, filepath.Join(repo, "db", "migrations"), filepath.Join(repo, "db", "migrations", "002_drop.sql")},
		{"another repository, ../", filepath.Join(other, "vendor"), "../../../" + filepath.Base(outside) + "/shop/db/migrations", "../../../" + filepath.Base(outside) + "/shop/db/migrations/002_drop.sql"},
	} {
		r := ddlbot(t, tc.dir, "lint", tc.path, "--base", "HEAD")
		if r.code != 1 || !strings.Contains(r.stdout, tc.want+":1:31: error [drop-column]") || strings.Contains(r.stdout, "001_init") || r.stderr != "" {
			t.Errorf("lint %s: exit %d\n%s%s\nwant only %s:1:31 drop-column, as from inside", tc.name, r.code, r.stdout, r.stderr, tc.want)
		}
	}
	// diff REF:PATH the same way: HEAD's schema against the working tree's.
	want := "ALTER TABLE `users` DROP COLUMN `nick`;\n"
	for _, tc := range []struct{ name, dir, path string }{
		{"outside git, relative", outside, "shop/db/migrations"},
		{"outside git, absolute", outside, filepath.Join(repo, "db", "migrations")},
		{"another repository, nested clone", other, "vendor/shop/db/migrations"},
		{"another repository, absolute", other, filepath.Join(repo, "db", "migrations")},
		{"another repository, ../", filepath.Join(other, "vendor"), "../../../" + filepath.Base(outside) + "/shop/db/migrations"},
	} {
		r := ddlbot(t, tc.dir, "diff", "HEAD:"+tc.path, tc.path)
		if r.code != 0 || r.stdout != want {
			t.Errorf("diff %s: exit %d\n%s%s\nwant %q", tc.name, r.code, r.stdout, r.stderr, want)
		}
	}
	// A path in the current folder's repository still reads from it, as written.
	if r := ddlbot(t, filepath.Join(repo, "db"), "diff", "HEAD:migrations", "migrations"); r.code != 0 || r.stdout != want {
		t.Errorf("diff inside: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestFreshRepository checks what a newcomer meets in a `git init`ed
// repository with an empty migrations folder: a word that nothing was
// linted, and no `git fetch` hint where there is nothing to fetch.
func TestFreshRepository(t *testing.T) {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	write(t, dir, map[string]string{
		"db/migrations/.keep": "",
		".ddlbot.yml":         "databases:\n  - name: app\n    migrations: db/migrations\n",
	})
	r := ddlbot(t, dir, "lint")
	if r.code != 0 || !strings.Contains(r.stderr, "ddlbot: database app (db/migrations): no SQL statements found, so nothing was linted") {
		t.Errorf("empty folder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"lint", "--base", "main"}, {"plan"}} {
		r := ddlbot(t, dir, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "this repository has no commit yet") || strings.Contains(r.stderr, "git fetch") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

// Issue 15: from a subfolder, lint and plan find the repository's
// .ddlbot.yml as git finds .git; a configuration under .github/ reaches
// ../db/migrations (its folders are relative to its own folder, and may climb
// to the repository root but not past it).
func TestConfigFoundUpwards(t *testing.T) {
	repo := gitRepo(t, filepath.Join(t.TempDir(), "shop"), map[string]string{
		".ddlbot.yml":                "databases:\n  - name: shop\n    migrations: db/migrations\nlint:\n  rules:\n    drop-column: error\n",
		".github/ddlbot.yml":         "databases:\n  - name: shop\n    migrations: ../db/migrations\nlint:\n  rules:\n    drop-column: notice\n",
		".github/bad.yml":            "databases:\n  - name: shop\n    migrations: ../../db/migrations\n",
		"db/migrations/001_init.sql": "CREATE TABLE users (\n  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  nick varchar(40)\n);\n",
	})
	write(t, repo, map[string]string{"db/migrations/002_drop.sql": "ALTER TABLE users DROP COLUMN nick;\n"})
	sub := filepath.Join(repo, "db", "migrations")

	// From db/migrations: the root's .ddlbot.yml, its rule override, paths relative to where we stand.
	r := ddlbot(t, sub, "lint", "--base", "main")
	if r.code != 1 || !strings.Contains(r.stdout, "002_drop.sql:1:31: error [drop-column]") || strings.Contains(r.stdout, "db/migrations/002") {
		t.Errorf("lint from a subfolder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// --config .github/ddlbot.yml: ../db/migrations is the repository's db/migrations.
	r = ddlbot(t, repo, "lint", "--config", ".github/ddlbot.yml", "--base", "main")
	if r.code != 0 || !strings.Contains(r.stdout, "db/migrations/002_drop.sql:1:31: notice [drop-column]") {
		t.Errorf("lint --config .github/ddlbot.yml: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ddlbot(t, repo, "lint", "--config", ".github/bad.yml")
	if r.code != 2 || !strings.Contains(r.stderr, `path "../../db/migrations" leaves the repository (folders are relative to this file's folder, ".github")`) {
		t.Errorf("a path past the root: exit %d\n%s", r.code, r.stderr)
	}
	// plan from the subfolder: the configuration at the base commit, found upwards.
	r = ddlbot(t, sub, "plan", "--base", "main", "--format", "markdown")
	if r.code != 1 || !strings.Contains(r.stderr, "failure: 1 lint error(s)") || !strings.Contains(r.stdout, "`db/migrations/002_drop.sql:1:31` `drop-column`") {
		t.Errorf("plan from a subfolder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Outside a repository the search stops at the current folder.
	loose := folder(t, map[string]string{"x/a.sql": "CREATE TABLE t (id int PRIMARY KEY);\n"})
	if r := ddlbot(t, filepath.Join(loose, "x"), "lint"); r.code != 2 || !strings.Contains(r.stderr, "nothing to lint") {
		t.Errorf("no configuration outside a repository: exit %d\n%s", r.code, r.stderr)
	}
}

// `ddlbot lint` lints a configured database as the Action does: its
// ignore_tables are left out (the terminal used to build its own target and
// forgot them).
func TestLintHonoursIgnoreTables(t *testing.T) {
	dir := folder(t, map[string]string{
		".ddlbot.yml":    "databases:\n  - name: app\n    schema: db\n    ignore_tables: [\"tmp_*\"]\n",
		"db/users.sql":   "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);\n",
		"db/scratch.sql": "CREATE TABLE tmp_scratch (a float);\n",
	})
	r := ddlbot(t, dir, "lint")
	if r.code != 0 || strings.Contains(r.stdout, "tmp_scratch") {
		t.Errorf("an ignored table was linted: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
