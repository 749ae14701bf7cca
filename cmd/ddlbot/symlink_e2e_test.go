package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A schema file that is a symbolic link out of the repository (say to
// /proc/self/environ) is refused, naming it, instead of being read and its
// content printed in findings; links inside the repository are followed.
func TestSymlinkOutOfRepositoryRefused(t *testing.T) {
	noPlanetScale(t)
	outside := folder(t, map[string]string{"secret.sql": "SECRET=hunter2\n", "dir/x.sql": "SECRET=hunter2\n"})
	for _, tc := range []struct {
		name  string
		git   bool
		link  string // where the link is, relative to the repository
		to    string // its target ("" for the outside file)
		args  []string
		bad   bool
		names string // what the error names
	}{
		{name: "lint, file link out, no git", link: "db/schema/e.sql", args: []string{"lint"}, bad: true, names: "db/schema/e.sql"},
		{name: "lint, file link out, git", git: true, link: "db/schema/e.sql", args: []string{"lint"}, bad: true, names: "db/schema/e.sql"},
		// Folders are walked without following links, as with os.DirFS: skipped.
		{name: "lint, folder link out", git: true, link: "db/schema/sub", to: filepath.Join(outside, "dir"), args: []string{"lint"}},
		{name: "lint, relative link out", link: "db/schema/e.sql", to: "../../../" + filepath.Base(outside) + "/secret.sql", args: []string{"lint"}, bad: true, names: "e.sql"},
		{name: "diff", git: true, link: "db/schema/e.sql", args: []string{"diff", "db/schema", "db/schema"}, bad: true, names: "e.sql"},
		{name: "plan --base-dir", link: "base/e.sql", args: []string{"plan", "--base-dir", "base"}, bad: true, names: "e.sql"},
		{name: "lint, link inside", git: true, link: "db/schema/b.sql", to: "../../other/b.sql", args: []string{"lint"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "repo")
			// A relative link's target is resolved from its folder: put the
			// outside file beside the repository for the relative case.
			write(t, parent, map[string]string{"secret.sql": "SECRET=hunter2\n"})
			if tc.git {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				git(t, dir, "init", "-q", "-b", "main")
			}
			write(t, dir, map[string]string{
				".ddlbot.yml":     "databases:\n  - name: app\n    schema: db/schema\n",
				"db/schema/a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
				"base/a.sql":      "CREATE TABLE a (id int PRIMARY KEY);\n",
				"other/b.sql":     "CREATE TABLE b (id int PRIMARY KEY, name FLOAT(7,2));\n",
			})
			if tc.git {
				git(t, dir, "add", "-A")
				git(t, dir, "commit", "-qm", "base")
			}
			to := tc.to
			if to == "" {
				to = filepath.Join(outside, "secret.sql")
			}
			if strings.HasPrefix(to, "../../../") {
				to = "../../../secret.sql"
			}
			if err := os.Symlink(to, filepath.Join(dir, tc.link)); err != nil {
				t.Fatal(err)
			}
			r := ddlbot(t, dir, tc.args...)
			out := r.stdout + r.stderr
			if strings.Contains(out, "hunter2") {
				t.Fatalf("the linked file's content was printed:\n%s", out)
			}
			if !tc.bad {
				// A link inside is read: its table's finding is reported.
				if r.code == 2 || strings.Contains(out, "leads out of") || strings.HasSuffix(tc.link, ".sql") != strings.Contains(out, "b.sql") {
					t.Fatalf("a link inside the repository was refused: exit %d\n%s", r.code, out)
				}
				return
			}
			if r.code != 2 || !strings.Contains(r.stderr, tc.names) || !strings.Contains(r.stderr, "does not follow links out of the repository") {
				t.Fatalf("exit %d, want 2 and an error naming %s\nstdout: %s\nstderr: %s", r.code, tc.names, r.stdout, r.stderr)
			}
		})
	}
}
