package gitfs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ddlbot/ddlbot/internal/gittest"
	"github.com/ddlbot/ddlbot/internal/listedfs"
)

func TestFS(t *testing.T) {
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "-q", "-b", "main")
	if err := os.MkdirAll(filepath.Join(dir, "db", "schema"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "db", "schema", "a b.sql"), []byte("CREATE TABLE a (id int primary key);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	gittest.Run(t, dir, "add", "-A")
	gittest.Run(t, dir, "commit", "-qm", "one")
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
	if entries, _ := fs.ReadDir(empty, "."); err != nil || len(entries) != 0 {
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

// TestMaxSQLFileSize: a .sql file past the limit is listed with its size
// from the tree but not read; other files of any size, and .sql files
// within it, are read.
func TestMaxSQLFileSize(t *testing.T) {
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "-q", "-b", "main")
	files := map[string]int{"db/a.sql": 10, "db/B.SQL": 100, "db/notes.txt": 1000}
	for name, size := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Run(t, dir, "add", "-A")
	gittest.Run(t, dir, "commit", "-qm", "one")
	ctx := context.Background()
	m, err := Repo{Dir: dir, MaxSQLFileSize: 99}.FS(ctx, "main", "db")
	if err != nil {
		t.Fatal(err)
	}
	if info, err := fs.Stat(m, "db/B.SQL"); err != nil || info.Size() != 100 {
		t.Fatalf("the unread file's listed size: %v %v", info, err)
	}
	_, err = fs.ReadFile(m, "db/B.SQL")
	var ue *listedfs.UnreadError
	if !errors.As(err, &ue) || *ue != (listedfs.UnreadError{Path: "db/B.SQL", Size: 100, Max: 99}) {
		t.Fatalf("read %v, want db/B.SQL left unread", err)
	}
	if b, err := fs.ReadFile(m, "db/a.sql"); err != nil || len(b) != 10 {
		t.Fatalf("a .sql file within the limit: %d bytes, %v", len(b), err)
	}
	m, err = Repo{Dir: dir, MaxSQLFileSize: 100}.FS(ctx, "main", "db")
	if err != nil {
		t.Fatal(err)
	}
	for name, size := range files {
		if b, err := fs.ReadFile(m, name); err != nil || len(b) != size {
			t.Fatalf("within the limit: %s %d bytes, %v", name, len(b), err)
		}
	}
}
