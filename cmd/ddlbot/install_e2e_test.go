package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The release and the action's first step, end to end: scripts/release.sh
// builds a snapshot release for this machine's OS and architecture (only
// that one, to keep it fast: .ci/run cross-builds others), a loopback HTTP
// server serves it as GitHub serves release assets, and
// scripts/action-install.sh runs against it with `sh`, as action.yml runs
// it, with the runner's environment variables.

const installVersion = "1.2.3" // the snapshot is named as release v1.2.3

// releaseServer serves release assets at /<tag>/<file> and counts requests.
type releaseServer struct {
	*httptest.Server
	mu       sync.Mutex
	files    map[string][]byte // "v1.2.3/checksums.txt" -> bytes
	requests []string
}

func newReleaseServer(t *testing.T, files map[string][]byte) *releaseServer {
	s := &releaseServer{files: files}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		data, ok := s.files[strings.TrimPrefix(r.URL.Path, "/")]
		s.mu.Unlock()
		if !ok || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *releaseServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// runnerNames are RUNNER_OS and RUNNER_ARCH of this machine.
func runnerNames(t *testing.T) (string, string) {
	t.Helper()
	osName := map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	if osName == "" || arch == "" {
		t.Skipf("ddlbot is not released for %s/%s (or sh is not the shell here)", runtime.GOOS, runtime.GOARCH)
	}
	return osName, arch
}

type installResult struct {
	code           int
	stdout, stderr string
	outputs        map[string]string
	path           string // what went to GITHUB_PATH
	took           time.Duration
}

// install runs scripts/action-install.sh with the runner's variables and
// env on top (a value "" unsets a variable).
func install(t *testing.T, env map[string]string) installResult {
	t.Helper()
	dir := t.TempDir()
	out, ghPath := filepath.Join(dir, "output"), filepath.Join(dir, "path")
	for _, p := range []string{out, ghPath} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	osName, arch := runnerNames(t)
	vars := map[string]string{
		"RUNNER_OS": osName, "RUNNER_ARCH": arch, "RUNNER_TEMP": dir,
		"GITHUB_OUTPUT": out, "GITHUB_PATH": ghPath,
		"GITHUB_ACTION_REPOSITORY": "ddlbot/ddlbot", "GITHUB_ACTION_REF": "v" + installVersion,
	}
	for k, v := range env {
		vars[k] = v
	}
	environ := hostEnviron()
	for k, v := range vars {
		if v != "" {
			environ = append(environ, k+"="+v)
		}
	}
	cmd := exec.Command("sh", filepath.Join(repoRoot(t), "scripts", "action-install.sh"))
	cmd.Dir = dir
	cmd.Env = environ
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := installResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	r.outputs = readOutputs(t, out)
	p, err := os.ReadFile(ghPath)
	if err != nil {
		t.Fatal(err)
	}
	r.path = strings.TrimSpace(string(p))
	return r
}

// hostEnviron is the test's own environment, less anything a runner sets.
func hostEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "RUNNER_") && !strings.HasPrefix(k, "DDLBOT_") {
			env = append(env, kv)
		}
	}
	return env
}

// readOutputs reads a GITHUB_OUTPUT file of name=value lines (ddlbot's
// values are single lines; go-githubactions writes name<<delimiter blocks).
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if k, v, ok := strings.Cut(lines[i], "="); ok {
			out[k] = v
		} else if k, delim, ok := strings.Cut(lines[i], "<<"); ok && i+1 < len(lines) {
			out[k] = lines[i+1] // one line: ddlbot writes no multi-line output
			for i < len(lines) && lines[i] != delim {
				i++
			}
		}
	}
	return out
}

// snapshot runs scripts/release.sh --snapshot for this machine into dist.
func snapshot(t *testing.T, dist string) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "release.sh"),
		"--snapshot", "--version", "v"+installVersion, "--target", runtime.GOOS+"/"+runtime.GOARCH)
	cmd.Env = append(os.Environ(), "DIST="+dist)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}
	t.Logf("release.sh --snapshot for %s/%s: %v", runtime.GOOS, runtime.GOARCH, time.Since(start).Round(time.Millisecond))
}

func headCommit(t *testing.T) (sha string, unix int64) {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot(t), "log", "-1", "--format=%H %ct").Output()
	if err != nil {
		t.Fatalf("git log: %v", err)
	}
	if _, err := fmt.Sscanf(string(out), "%s %d", &sha, &unix); err != nil {
		t.Fatalf("git log %q: %v", out, err)
	}
	return sha, unix
}

func TestReleaseAndActionInstall(t *testing.T) {
	osName, arch := runnerNames(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is not installed: release.sh needs it (scripts/test.sh runs in it; install bash)")
	}
	dist := t.TempDir()
	snapshot(t, dist)
	archive := fmt.Sprintf("ddlbot_%s_%s_%s.tar.gz", installVersion, runtime.GOOS, runtime.GOARCH)
	sums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dist, archive))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]) + "  " + archive + "\n"; string(sums) != want {
		t.Fatalf("checksums.txt:\n%s\nwant (sha256sum format):\n%s", sums, want)
	}
	sha, unix := headCommit(t)

	t.Run("archive", func(t *testing.T) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if zr.Name != "" || !zr.ModTime.IsZero() {
			t.Errorf("gzip header keeps name %q, time %v: not reproducible", zr.Name, zr.ModTime)
		}
		tr := tar.NewReader(zr)
		var names []string
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, h.Name)
			if h.ModTime.Unix() != unix || h.Uid != 0 || h.Gid != 0 || h.Uname != "" {
				t.Errorf("%s: mtime %v uid %d gid %d uname %q, want the commit's time and 0:0", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname)
			}
			if want := map[string]int64{"ddlbot": 0o755}[h.Name]; want != 0 && h.Mode&0o777 != want {
				t.Errorf("%s: mode %o", h.Name, h.Mode)
			}
		}
		if !slices.Equal(names, []string{"ddlbot", "LICENSE", "README.md"}) {
			t.Errorf("archive holds %v", names)
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		again := t.TempDir()
		snapshot(t, again)
		sums2, err := os.ReadFile(filepath.Join(again, "checksums.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sums, sums2) {
			t.Errorf("two builds of one commit differ:\n%s\n%s", sums, sums2)
		}
		if _, err := os.Stat(filepath.Join(again, "image", runtime.GOOS, runtime.GOARCH, "ddlbot")); runtime.GOOS == "linux" && err != nil {
			t.Errorf("no image context for Dockerfile.release: %v", err)
		}
	})

	release := func() map[string][]byte {
		return map[string][]byte{"v" + installVersion + "/checksums.txt": sums, "v" + installVersion + "/" + archive: data}
	}

	t.Run("download, then the cache", func(t *testing.T) {
		srv := newReleaseServer(t, release())
		cache := t.TempDir()
		env := map[string]string{"DDLBOT_RELEASE_URL": srv.URL, "RUNNER_TOOL_CACHE": cache}
		r := install(t, env)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		dir := filepath.Join(cache, "ddlbot", installVersion, strings.ToLower(arch))
		want := map[string]string{"path": dir, "bin": filepath.Join(dir, "ddlbot"), "version": installVersion, "source": "download"}
		if !maps.Equal(r.outputs, want) || r.path != dir {
			t.Errorf("outputs %v, GITHUB_PATH %q; want %v", r.outputs, r.path, want)
		}
		if got := srv.count(); got != 2 {
			t.Errorf("%d requests (%v), want checksums.txt and the archive", got, srv.requests)
		}
		start := time.Now()
		out, err := exec.Command(r.outputs["bin"], "version").Output()
		if err != nil || strings.TrimSpace(string(out)) != "ddlbot v"+installVersion+" ("+sha[:12]+")" {
			t.Errorf("the installed ddlbot version: %q %v", out, err)
		}
		t.Logf("install from a loopback download: %v, then ddlbot runs after %v", r.took.Round(time.Millisecond), (r.took + time.Since(start)).Round(time.Millisecond))

		again := install(t, env)
		if again.code != 0 || again.outputs["source"] != "cache" || again.outputs["bin"] != want["bin"] || again.path != dir {
			t.Errorf("second run: exit %d outputs %v path %q\n%s%s", again.code, again.outputs, again.path, again.stdout, again.stderr)
		}
		if got := srv.count(); got != 2 {
			t.Errorf("the second run made %d requests (%v): the tool cache should serve it", got-2, srv.requests[2:])
		}
		t.Logf("install from the tool cache: %v", again.took.Round(time.Millisecond))
	})

	// action.yml's two steps as the runner runs them: the install step's
	// script (bash), its bin output into the run step's DDLBOT_BIN, and
	// `ddlbot action` on an event it ignores, from the step's start to the
	// action's outputs.
	t.Run("the composite's steps", func(t *testing.T) {
		srv := newReleaseServer(t, release())
		a := loadActionYAML(t).raw
		inst, run := a.step(t, "install"), a.step(t, "run")
		cache, dir := t.TempDir(), t.TempDir()
		for _, c := range []struct{ name, source string }{{"download", "download"}, {"cache", "cache"}} {
			out, sum := filepath.Join(dir, c.name+".out"), filepath.Join(dir, c.name+".summary")
			for _, p := range []string{out, sum} {
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			base := append(hostEnviron(), "RUNNER_OS="+osName, "RUNNER_ARCH="+arch, "RUNNER_TOOL_CACHE="+cache, "RUNNER_TEMP="+dir,
				"GITHUB_ACTION_PATH="+repoRoot(t), "GITHUB_OUTPUT="+out, "DDLBOT_RELEASE_URL="+srv.URL,
				"DDLBOT_ACTION_REF=v"+installVersion, "DDLBOT_ACTION_REPOSITORY=ddlbot/ddlbot")
			start := time.Now()
			step1 := exec.Command("bash", "-c", inst.Run)
			step1.Env, step1.Dir = base, dir
			if b, err := step1.CombinedOutput(); err != nil {
				t.Fatalf("install step: %v\n%s", err, b)
			}
			outputs := readOutputs(t, out)
			if outputs["source"] != c.source {
				t.Errorf("install step outputs %v, want source %s", outputs, c.source)
			}
			if err := os.WriteFile(out, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			step2 := exec.Command("bash", "-c", run.Run)
			step2.Env = append(base, "DDLBOT_BIN="+outputs["bin"], "GITHUB_EVENT_NAME=push", "GITHUB_EVENT_PATH="+filepath.Join(dir, "none.json"),
				"GITHUB_STEP_SUMMARY="+sum, "GITHUB_ACTIONS=true")
			step2.Dir = dir
			if b, err := step2.CombinedOutput(); err != nil {
				t.Fatalf("run step: %v\n%s", err, b)
			}
			took := time.Since(start)
			if got := readOutputs(t, out); got[outDecision] != "ignored" || got[outReasonCode] != string(reasonEventIgnored) {
				t.Errorf("ddlbot action's outputs %v, want ignored / %s", got, reasonEventIgnored)
			}
			t.Logf("%s: from the install step's start to ddlbot action's outputs: %v", c.name, took.Round(time.Millisecond))
		}
		if got := srv.count(); got != 2 {
			t.Errorf("%d requests (%v): want 2, then none from the cache", got, srv.requests)
		}
	})

	t.Run("moving ref v1", func(t *testing.T) {
		files := release()
		files["v1/checksums.txt"], files["v1/"+archive] = sums, data
		srv := newReleaseServer(t, files)
		env := map[string]string{"DDLBOT_RELEASE_URL": srv.URL, "RUNNER_TOOL_CACHE": t.TempDir(), "GITHUB_ACTION_REF": "v1"}
		r := install(t, env)
		if r.code != 0 || r.outputs["version"] != installVersion || r.outputs["source"] != "download" {
			t.Fatalf("exit %d outputs %v\n%s%s", r.code, r.outputs, r.stdout, r.stderr)
		}
		if want := []string{"GET /v1/checksums.txt", "GET /v1/" + archive}; !slices.Equal(srv.requests, want) {
			t.Errorf("requests %v, want %v", srv.requests, want)
		}
		// v1 may have moved: the second run asks which release it is, and
		// finds that one in the cache.
		again := install(t, env)
		if again.code != 0 || again.outputs["source"] != "cache" || srv.count() != 3 {
			t.Errorf("second run: exit %d outputs %v requests %v\n%s", again.code, again.outputs, srv.requests, again.stdout)
		}
	})

	// The Windows branch (a .zip with ddlbot.exe), on this machine: the
	// archive is made here, as release.sh's windows build is not (it would
	// cost a cross-build); the binary in it is a script that says hello.
	t.Run("windows zip", func(t *testing.T) {
		if _, err := exec.LookPath("unzip"); err != nil {
			t.Fatal("unzip is not installed: the action unpacks Windows archives with it (scripts/test.sh installs it: `bash .ci/packages.sh unzip`)")
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		h := &zip.FileHeader{Name: "ddlbot.exe", Method: zip.Deflate}
		h.SetMode(0o755)
		f, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("#!/bin/sh\necho windows build\n")); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		name := "ddlbot_" + installVersion + "_windows_arm64.zip"
		sum := sha256.Sum256(buf.Bytes())
		srv := newReleaseServer(t, map[string][]byte{
			"v" + installVersion + "/checksums.txt": []byte(hex.EncodeToString(sum[:]) + "  " + name + "\n"),
			"v" + installVersion + "/" + name:       buf.Bytes(),
		})
		cache := t.TempDir()
		r := install(t, map[string]string{"DDLBOT_RELEASE_URL": srv.URL, "RUNNER_TOOL_CACHE": cache, "RUNNER_OS": "Windows", "RUNNER_ARCH": "ARM64"})
		want := filepath.Join(cache, "ddlbot", installVersion, "arm64", "ddlbot.exe")
		if r.code != 0 || r.outputs["bin"] != want || r.outputs["source"] != "download" {
			t.Fatalf("exit %d outputs %v, want bin %s\n%s%s", r.code, r.outputs, want, r.stdout, r.stderr)
		}
		if out, err := exec.Command(want).Output(); err != nil || string(out) != "windows build\n" {
			t.Errorf("the installed ddlbot.exe: %q %v", out, err)
		}
	})

	refused := []struct {
		name   string
		files  func() map[string][]byte
		env    map[string]string
		want   string
		served int // requests that reach the server
	}{
		{
			name: "tampered archive",
			files: func() map[string][]byte {
				f := release()
				bad := slices.Clone(data)
				bad[len(bad)/2] ^= 0xff
				f["v"+installVersion+"/"+archive] = bad
				return f
			},
			want:   archive + " does not match checksums.txt",
			served: 2,
		},
		{
			name: "missing checksum",
			files: func() map[string][]byte {
				f := release()
				f["v"+installVersion+"/checksums.txt"] = []byte(strings.Repeat("0", 64) + "  ddlbot_" + installVersion + "_plan9_amd64.tar.gz\n")
				return f
			},
			want:   "checksums.txt of release v" + installVersion + " has no line for " + archive + ": not installing an archive that cannot be verified",
			served: 1,
		},
		{
			name:   "release not found",
			files:  release,
			env:    map[string]string{"GITHUB_ACTION_REF": "v9.9.9"},
			want:   "not found (HTTP 404): \"v9.9.9\" is not a published ddlbot release",
			served: 1,
		},
		{
			name:   "pre-release not found",
			files:  release,
			env:    map[string]string{"GITHUB_ACTION_REF": "v2.0.0-rc.1"},
			want:   "/v2.0.0-rc.1/checksums.txt: not found (HTTP 404)",
			served: 1,
		},
		{
			name:  "unknown architecture",
			files: release,
			env:   map[string]string{"RUNNER_ARCH": "X86"},
			want:  `unknown runner architecture "X86" (RUNNER_ARCH): ddlbot is released for X64 and ARM64`,
		},
		{
			name:  "unknown OS",
			files: release,
			env:   map[string]string{"RUNNER_OS": "Plan9"},
			want:  `unknown runner OS "Plan9" (RUNNER_OS): ddlbot is released for Linux, macOS and Windows`,
		},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			srv := newReleaseServer(t, c.files())
			cache := t.TempDir()
			env := map[string]string{"DDLBOT_RELEASE_URL": srv.URL, "RUNNER_TOOL_CACHE": cache}
			for k, v := range c.env {
				env[k] = v
			}
			r := install(t, env)
			if r.code != 1 || !strings.Contains(r.stdout, "::error title=ddlbot install::") || !strings.Contains(r.stdout, c.want) {
				t.Errorf("exit %d, want 1 and an error annotation with %q\nstdout: %s\nstderr: %s", r.code, c.want, r.stdout, r.stderr)
			}
			if len(r.outputs) != 0 || r.path != "" {
				t.Errorf("a refused install wrote outputs %v, path %q", r.outputs, r.path)
			}
			if got := srv.count(); got != c.served {
				t.Errorf("%d requests (%v), want %d", got, srv.requests, c.served)
			}
			if entries, _ := filepath.Glob(filepath.Join(cache, "ddlbot", "*", "*")); len(entries) != 0 {
				t.Errorf("a refused install left %v in the tool cache", entries)
			}
		})
	}
}

// TestActionInstallFromSource: a ref that is not a release (a branch, a
// SHA, or a local `uses: ./`) builds ddlbot from the action's source with
// the runner's Go, and downloads nothing. The source is a tiny module in
// ddlbot's layout, so the build takes a second.
func TestActionInstallFromSource(t *testing.T) {
	runnerNames(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("go is not on PATH: the action builds from source with it")
	}
	src := folder(t, map[string]string{
		"go.mod": "module github.com/ddlbot/ddlbot\n\ngo 1.22\n",
		"cmd/ddlbot/main.go": "package main\n\nimport \"fmt\"\n\nvar version, commit string\n\n" +
			"func main() { fmt.Printf(\"source build version=%q commit=%q\\n\", version, commit) }\n",
	})
	srv := newReleaseServer(t, map[string][]byte{})
	const sha = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct{ ref, want string }{
		{"main", `source build version="" commit=""`},
		{"feature/v1.2.3-x", `source build version="" commit=""`},
		{"v1.2.3.4", `source build version="" commit=""`},
		{sha, `source build version="" commit="` + sha + `"`},
		{"", `source build version="" commit=""`},
	} {
		t.Run("ref "+c.ref, func(t *testing.T) {
			r := install(t, map[string]string{"GITHUB_ACTION_REF": c.ref, "GITHUB_ACTION_PATH": src,
				"DDLBOT_RELEASE_URL": srv.URL, "RUNNER_TOOL_CACHE": t.TempDir()})
			if r.code != 0 || r.outputs["source"] != "build" {
				t.Fatalf("exit %d outputs %v\n%s%s", r.code, r.outputs, r.stdout, r.stderr)
			}
			out, err := exec.Command(r.outputs["bin"]).Output()
			if err != nil || strings.TrimSpace(string(out)) != c.want {
				t.Errorf("the built binary says %q (%v), want %q", out, err, c.want)
			}
			if filepath.Dir(r.outputs["bin"]) != r.path {
				t.Errorf("GITHUB_PATH %q, bin %q", r.path, r.outputs["bin"])
			}
		})
	}
	if srv.count() != 0 {
		t.Errorf("source builds made requests: %v", srv.requests)
	}

	t.Run("no Go", func(t *testing.T) {
		// A PATH of links to the shell's tools, without go (which may share
		// a folder with them).
		bin := t.TempDir()
		for _, tool := range []string{"sh", "tr", "wc", "dirname", "cut", "awk"} {
			p, err := exec.LookPath(tool)
			if err != nil {
				t.Fatalf("%s, which the action's install script uses: %v", tool, err)
			}
			if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
				t.Fatal(err)
			}
		}
		r := install(t, map[string]string{"GITHUB_ACTION_REF": "main", "GITHUB_ACTION_PATH": src, "PATH": bin})
		want := `ref "main" is not a release, so ddlbot is built from source, and Go is not installed: add actions/setup-go`
		if r.code != 1 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d, want 1 and %q\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	})
}

// TestReleaseScriptRefuses: bad arguments stop release.sh before it builds
// anything, with a message that says what to pass instead.
func TestReleaseScriptRefuses(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is not installed: release.sh needs it")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--snapshot", "--target", "plan9/amd64"}, "unknown target plan9/amd64: use one of linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"},
		{[]string{"--snapshot", "--version", "1.2.3"}, "version 1.2.3 does not start with v and a digit (v1.2.3)"},
		{[]string{"--snapshot", "--version"}, "--version needs a value such as v1.2.3"},
		{[]string{"--frobnicate"}, "unknown argument --frobnicate (see --help)"},
	} {
		dist := t.TempDir()
		cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "release.sh"))
		cmd.Args = append(cmd.Args, c.args...)
		cmd.Env = append(os.Environ(), "DIST="+dist)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || strings.TrimSpace(string(out)) != "release.sh: "+c.want {
			t.Errorf("release.sh %v: %v\n%s\nwant exit 1 and: release.sh: %s", c.args, err, out, c.want)
		}
		if entries, _ := os.ReadDir(dist); len(entries) != 0 {
			t.Errorf("release.sh %v wrote into dist before refusing", c.args)
		}
	}
}
