package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/syncbuf"
)

// startLocalscale runs `ddlbot localscale` in-process and returns the
// exported variables, a stop function and the exit code channel.
func startLocalscale(t *testing.T, dir string, args ...string) (map[string]string, context.CancelFunc, chan int, *syncbuf.Buffer) {
	t.Helper()
	pr, pw := io.Pipe()
	stderr := &syncbuf.Buffer{}
	a := &app{stdout: pw, stderr: stderr, dir: dir, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code := a.main(ctx, append([]string{"localscale"}, args...))
		pw.Close()
		done <- code
	}()
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < 4 && sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(env) < 4 {
		cancel()
		t.Fatalf("localscale printed %v (exit %d); stderr:\n%s", env, <-done, stderr.String())
	}
	return env, cancel, done, stderr
}

// stopLocalscale stops a localscale startLocalscale started and returns
// its exit code; -1, and a test error, if it does not stop within 30 s.
func stopLocalscale(t *testing.T, stop context.CancelFunc, done chan int) int {
	t.Helper()
	stop()
	select {
	case code := <-done:
		return code
	case <-time.After(30 * time.Second):
		t.Error("localscale did not stop")
		return -1
	}
}

// inProcess runs a ddlbot command in-process in dir, its environment env
// (nothing else), and returns its exit code and output.
func inProcess(dir string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, dir: dir, getenv: func(k string) string { return env[k] }}
	code = a.main(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestLocalscaleCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "schema"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "schema", "t.sql"), []byte("CREATE TABLE t (id int NOT NULL PRIMARY KEY);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--listen", "127.0.0.1:0", "--mysql-listen", "127.0.0.1:0", "--org", "acme", "--db", "app", "--seed", "schema", "--state", "state.json"}
	env, stop, done, stderr := startLocalscale(t, dir, args...)
	api := env["PLANETSCALE_API_URL"]
	if !strings.HasPrefix(api, "http://127.0.0.1:") || !strings.HasSuffix(api, "/v1") || env["PLANETSCALE_ORG"] != "acme" {
		t.Fatalf("exports %v", env)
	}
	get := func(env map[string]string, path string) (int, string) {
		req, err := http.NewRequest("GET", env["PLANETSCALE_API_URL"]+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", env["PLANETSCALE_SERVICE_TOKEN_ID"]+":"+env["PLANETSCALE_SERVICE_TOKEN"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, body := get(env, "/organizations/acme/databases/app/branches/main/schema")
	if code != 200 || !strings.Contains(body, "CREATE TABLE `t`") {
		t.Fatalf("schema: %d %s", code, body)
	}
	if !strings.Contains(stderr.String(), "MySQL endpoint at 127.0.0.1:") {
		t.Errorf("stderr: %s", stderr.String())
	}
	if code := stopLocalscale(t, stop, done); code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "state.json")); err != nil {
		t.Fatal(err)
	}

	// A restart from the state keeps the token and the database, and does not re-seed.
	env2, stop2, done2, stderr2 := startLocalscale(t, dir, args...)
	defer func() { stop2(); <-done2 }()
	if env2["PLANETSCALE_SERVICE_TOKEN"] != env["PLANETSCALE_SERVICE_TOKEN"] {
		t.Errorf("token changed across a restart")
	}
	if code, _ := get(env2, "/organizations/acme/databases/app/branches/main"); code != 200 {
		t.Errorf("after restart: %d", code)
	}
	if !strings.Contains(stderr2.String(), "not seeding it again") {
		t.Errorf("stderr after restart: %s", stderr2.String())
	}
}

func TestLocalscaleUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--seed", "x"},
		{"--speed", "0"},
		{"--token-id", "a"},
		{"extra"},
	} {
		if code, _, _ := inProcess(t.TempDir(), nil, append([]string{"localscale"}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	if code, out, _ := inProcess(t.TempDir(), nil, "localscale", "--help"); code != exitOK || !strings.Contains(out, "--mysql-listen") {
		t.Errorf("help: %d %s", code, out)
	}
}
