package gitfs

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestFS(t *testing.T) {
	dir := t.TempDir()
	run(t, dir, "init", "-q", "-b", "main")
	if err := os.MkdirAll(filepath.Join(dir, "db", "schema"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "db", "schema", "a b.sql"), []byte("CREATE TABLE a (id int primary key);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "-qm", "one")
	if err := os.WriteFile(filepath.Join(dir, "db", "schema", "a b.sql"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Repo{Dir: dir}
	ctx := context.Background()
	fsys, err := r.FS(ctx, "HEAD", "db/schema")
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, "db/schema/a b.sql")
	if err != nil || string(b) != "CREATE TABLE a (id int primary key);\n" {
		t.Fatalf("read = %q, %v", b, err)
	}
	if _, err := fs.ReadFile(fsys, "README"); err == nil {
		t.Fatal("README is outside the folder asked for")
	}
	empty, err := r.FS(ctx, "HEAD", "db/missing")
	if err != nil || len(*empty) != 0 {
		t.Fatalf("missing folder: %v %v", empty, err)
	}
	for _, bad := range []string{"--output=x", "", "a..b", "nope"} {
		if _, err := r.FS(ctx, bad, "."); err == nil {
			t.Errorf("ref %q accepted", bad)
		}
	}
	if _, err := r.FS(ctx, "HEAD", "../etc"); err == nil {
		t.Error("path outside the repo accepted")
	}
	sub, err := Repo{Dir: filepath.Join(dir, "db")}.FS(ctx, "HEAD", ".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(sub, "schema/a b.sql"); err != nil {
		t.Fatalf("paths are not relative to the folder: %v", err)
	}
}
