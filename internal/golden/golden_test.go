package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps its failures instead of failing.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatal(args ...any) { r.failures = append(r.failures, fmt.Sprint(args...)) }

func (r *recorder) Fatalf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.txt")
	const rerun = "go test ./x/ -update"
	check := func(got string, update bool) []string {
		r := &recorder{TB: t}
		Check(r, path, []byte(got), update, rerun)
		return r.failures
	}

	if f := check("a\n", false); len(f) != 1 || !strings.Contains(f[0], "run `"+rerun+"` to create it") {
		t.Fatalf("missing file: %q", f)
	}
	if f := check("a\n", true); len(f) != 0 {
		t.Fatalf("update: %q", f)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a\n" {
		t.Fatalf("update wrote %q, %v", b, err)
	}
	if f := check("a\n", false); len(f) != 0 {
		t.Fatalf("same output: %q", f)
	}
	f := check("b\n", false)
	if len(f) != 1 || !strings.Contains(f[0], path+" differs") || !strings.Contains(f[0], "run `"+rerun+"` if the change is intended") ||
		!strings.Contains(f[0], "--- got ---\nb\n") || !strings.Contains(f[0], "--- want ---\na\n") {
		t.Fatalf("different output: %q", f)
	}
}
