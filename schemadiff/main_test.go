package schemadiff

import (
	"flag"
	"io"
	"log/slog"
	"os"
	"testing"

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
