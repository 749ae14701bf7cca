package schemadiff

import (
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
	vtlog "vitess.io/vitess/go/vt/log"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

func testEnv(t testing.TB) *Env {
	t.Helper()
	e, err := NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestArchive is one case of a table-driven test kept as
// testdata/<dir>/<Name>.txtar. It is exported for the package's external
// tests too (test builds only).
type TestArchive struct {
	Name, Path string
	*txtar.Archive
}

// ReadTestArchives parses every testdata/<dir>/*.txtar, in name order; a
// folder without any fails the test.
func ReadTestArchives(t *testing.T, dir string) []TestArchive {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases under testdata/%s: %v", dir, err)
	}
	out := make([]TestArchive, 0, len(paths))
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, TestArchive{Name: strings.TrimSuffix(filepath.Base(p), ".txtar"), Path: p, Archive: a})
	}
	return out
}
