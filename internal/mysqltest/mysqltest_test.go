package mysqltest

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// childEnv marks the run of this test binary that calls Root for
// TestRootSkipsOrFails.
const childEnv = "MYSQLTEST_ROOT_CHILD"

// TestRootChild only runs inside TestRootSkipsOrFails: it calls Root as a
// MySQL-backed test would.
func TestRootChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestRootSkipsOrFails")
	}
	Root(t)
}

// TestRootSkipsOrFails checks that a MySQL-backed test skips when the
// variable is unset (go test by hand) and fails, never skips, when it is set
// but nothing answers there: CI must not pass without its fidelity run.
func TestRootSkipsOrFails(t *testing.T) {
	// A port nothing listens on: taken, then released.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	run := func(dsn string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRootChild$", "-test.v")
		env := []string{childEnv + "=1"}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, Env+"=") && !strings.HasPrefix(kv, childEnv+"=") {
				env = append(env, kv)
			}
		}
		if dsn != "" {
			env = append(env, Env+"="+dsn)
		}
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP: TestRootChild") || !strings.Contains(out, Env+" is not set") {
		t.Errorf("unset: want a skip naming %s, got %v:\n%s", Env, err, out)
	}
	out, err = run("ddlbot:ddlbot@tcp(" + addr + ")/?timeout=5s")
	if err == nil || !strings.Contains(out, "--- FAIL: TestRootChild") || !strings.Contains(out, "is set but the server does not answer (ddlbot@"+addr) || strings.Contains(out, "SKIP") {
		t.Errorf("set, nothing listening: want a failure naming the address, got %v:\n%s", err, out)
	}
}
