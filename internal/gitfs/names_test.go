package gitfs

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/gittest"
)

// A name holding "\n<blob id>" once made cat-file --batch read an extra
// object, so every later file got the previous file's content.
func TestFSRefusesControlCharacters(t *testing.T) {
	for _, tc := range []struct{ name, suffix string }{
		{"newline and blob id", "\n"},
		{"tab", "\t"},
		{"carriage return", "\r"},
		{"escape", "\x1b"},
		{"DEL", "\x7f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gittest.Run(t, dir, "init", "-q", "-b", "main")
			schema := filepath.Join(dir, "db", "schema")
			if err := os.MkdirAll(schema, 0o755); err != nil {
				t.Fatal(err)
			}
			write := func(name, body string) {
				t.Helper()
				if err := os.WriteFile(filepath.Join(schema, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("b.sql", "CREATE TABLE b (id int primary key);\n")
			gittest.Run(t, dir, "add", "-A")
			gittest.Run(t, dir, "commit", "-qm", "one")
			blob := gittest.Output(t, dir, "rev-parse", "HEAD:db/schema/b.sql")
			bad := "a.sql" + tc.suffix + blob
			write(bad, "CREATE TABLE a (id int primary key, email text);\n")
			write("c.sql", "CREATE TABLE c (id int primary key);\n")
			gittest.Run(t, dir, "add", "-A")
			gittest.Run(t, dir, "commit", "-qm", "two")
			_, err := Repo{Dir: dir}.FS(context.Background(), "HEAD", "db/schema")
			if err == nil {
				t.Fatal("a file name with a control character was accepted")
			}
			if !strings.Contains(err.Error(), "control character") || !strings.Contains(err.Error(), "db/schema/a.sql") {
				t.Fatalf("error does not name the file and the problem: %v", err)
			}
		})
	}
}

// Each file gets its own content, whatever characters its name holds: names
// never go on the cat-file stream, only object ids.
func TestFSContentMatchesName(t *testing.T) {
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "-q", "-b", "main")
	schema := filepath.Join(dir, "db", "schema")
	if err := os.MkdirAll(schema, 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"a b.sql", "a:HEAD.sql", "é.sql", "x\\y.sql", "z.sql"}
	for i, n := range names {
		if err := os.WriteFile(filepath.Join(schema, n), []byte(strings.Repeat("x", i)+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Run(t, dir, "add", "-A")
	gittest.Run(t, dir, "commit", "-qm", "one")
	fsys, err := Repo{Dir: dir}.FS(context.Background(), "HEAD", "db/schema")
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		b, err := fs.ReadFile(fsys, "db/schema/"+n)
		if want := strings.Repeat("x", i) + n; err != nil || string(b) != want {
			t.Errorf("%q = %q, %v; want %q", n, b, err, want)
		}
	}
}
