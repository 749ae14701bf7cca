// Package golden compares a test's output with a golden file, or rewrites
// the file when the test runs with -update (each test package defines that
// flag and passes its value: one flag name cannot be registered twice).
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with the file at path. With update it writes got there
// instead (creating the folder). rerun is the command that rewrites the
// file; failures name it, so that accepting an intended change is one
// command away.
func Check(t testing.TB, path string, got []byte, update bool, rerun string) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `%s` to create it)", err, rerun)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run `%s` if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, rerun, got, want)
	}
}
