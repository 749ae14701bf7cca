package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sparseFile makes a file of size bytes that takes no disk (a hole), and
// the folders it needs; it returns path.
func sparseFile(t *testing.T, path string, size int64) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantExit2 checks that a run ended with exit status 2, its stderr holding
// each of wants.
func wantExit2(t *testing.T, r result, wants ...string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

// TestSchemaLimits checks that a schema past a limit ends with an error
// naming the file or folder, the limit and how to raise it, before anything
// is parsed: a sparse 100 MB file (no disk written, never read), a folder
// with more files than allowed, and a limit set in .ddlbot.yml.
func TestSchemaLimits(t *testing.T) {
	dir := folder(t, map[string]string{"small/001_users.sql": "CREATE TABLE users (id int PRIMARY KEY);\n"})
	sparseFile(t, filepath.Join(dir, "huge", "dump.sql"), 100<<20)
	many := map[string]string{}
	for i := range 101 {
		many[fmt.Sprintf("many/%04d_t%d.sql", i, i)] = fmt.Sprintf("CREATE TABLE t%d (id int PRIMARY KEY);\n", i)
	}
	write(t, dir, many)

	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"lint a 100 MB file", []string{"lint", "huge/dump.sql"}, []string{"huge/dump.sql: 100 MiB, more than the 32 MiB one file may have (max_file_size)", "limits.max_file_size in .ddlbot.yml or --max-file-size"}},
		{"lint its folder", []string{"lint", "huge"}, []string{"huge/dump.sql: 100 MiB", "max_file_size"}},
		{"diff to it", []string{"diff", "small", "huge"}, []string{"huge does not load", "huge/dump.sql: 100 MiB", "--max-file-size"}},
		{"diff from it", []string{"diff", filepath.Join(dir, "huge", "dump.sql"), "small"}, []string{"dump.sql: 100 MiB", "max_file_size"}},
		{"lint too many files", []string{"lint", "--max-files", "100", "many"}, []string{"many: more than 100 .sql files, the most a schema may have (max_files)", "--max-files"}},
		{"diff too many files", []string{"diff", "--max-files", "100", "small", "many"}, []string{"many: more than 100 .sql files", "raise the limit with --max-files"}},
		{"lint too much SQL", []string{"lint", "--max-total-size", "1KiB", "many"}, []string{"many: its .sql files hold more than 1 KiB, the most a schema may have (max_total_size)"}},
		{"a bad size", []string{"lint", "--max-file-size", "lots", "small"}, []string{`--max-file-size: invalid size "lots"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ddlbot(t, dir, tc.args...)
			wantExit2(t, r, tc.want...)
			if tc.args[0] == "diff" && strings.Contains(r.stderr, ".ddlbot.yml") {
				t.Errorf("diff reads no configuration, yet its error points there:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("crashed:\n%s", r.stderr)
			}
		})
	}

	// Within the limits (raised by flag): a result.
	if r := ddlbot(t, dir, "lint", "--max-files", "101", "many"); r.code != 0 || !strings.Contains(r.stdout, "no findings") {
		t.Errorf("lint within the limits: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := ddlbot(t, dir, "diff", "--max-files", "101", "small", "many"); r.code != 0 || !strings.Contains(r.stdout, "CREATE TABLE `t100`") {
		t.Errorf("diff within the limits: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The configuration's limits, and a flag over them.
	write(t, dir, map[string]string{".ddlbot.yml": "databases:\n  - name: app\n    schema: many\nlimits:\n  max_total_size: 2KiB\n"})
	r := ddlbot(t, dir, "lint")
	if r.code != 2 || !strings.Contains(r.stderr, "more than 2 KiB") || !strings.Contains(r.stderr, "limits.max_total_size") {
		t.Errorf("configured limit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := ddlbot(t, dir, "lint", "--max-total-size", "1MB"); r.code > 1 {
		t.Errorf("--max-total-size over the configured limit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestSchemaLimitsAtARef checks that a .sql file past the limit at a git
// ref (lint --base, diff REF:PATH) is refused from its size in the tree,
// before git is asked for any file's content.
func TestSchemaLimitsAtARef(t *testing.T) {
	repo := t.TempDir()
	huge := sparseFile(t, filepath.Join(repo, "db", "002_dump.sql"), 2<<20)
	gitRepo(t, repo, map[string]string{"db/001_users.sql": "CREATE TABLE users (id int PRIMARY KEY);\n"})
	if err := os.Remove(huge); err != nil { // the work tree is small again: only the ref holds it
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"lint --base", []string{"lint", "--max-file-size", "1MiB", "--base", "main", "db"}, []string{"db/002_dump.sql: 2 MiB, more than the 1 MiB one file may have (max_file_size)", "limits.max_file_size in .ddlbot.yml or --max-file-size"}},
		{"diff REF:PATH", []string{"diff", "--max-file-size", "1MiB", "main:db", "db"}, []string{"db/002_dump.sql: 2 MiB, more than the 1 MiB one file may have", "raise the limit with --max-file-size"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantExit2(t, ddlbot(t, repo, tc.args...), tc.want...)
		})
	}
	// Within the limit the file is read (and, being zeros, does not parse).
	if r := ddlbot(t, repo, "diff", "--max-file-size", "3MiB", "main:db", "db"); r.code != 2 || !strings.Contains(r.stderr, "db/002_dump.sql:1:1: syntax error") || strings.Contains(r.stderr, "max_file_size") {
		t.Errorf("within the limit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestPlanLimitAtARef: plan reads the base at a git ref with the same guard
// as lint: a .sql file over limits.max_file_size is refused before it is read.
func TestPlanLimitAtARef(t *testing.T) {
	noPlanetScale(t)
	repo := t.TempDir()
	huge := sparseFile(t, filepath.Join(repo, "db", "002_dump.sql"), 2<<20)
	gitRepo(t, repo, map[string]string{".ddlbot.yml": "databases:\n  - name: app\n    migrations: db\nlimits:\n  max_file_size: 1MiB\n",
		"db/001_users.sql": "CREATE TABLE users (id int PRIMARY KEY);\n"})
	if err := os.Remove(huge); err != nil {
		t.Fatal(err)
	}
	r := ddlbot(t, repo, "plan", "--base", "main")
	// plan takes no --max-… flags: the configuration is the way named.
	if r.code == 0 || !strings.Contains(r.stderr, "db/002_dump.sql: 2 MiB, more than the 1 MiB one file may have (max_file_size)") ||
		!strings.Contains(r.stderr, "raise the limit with limits.max_file_size in .ddlbot.yml\n") || strings.Contains(r.stderr, "--max-file-size") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
