package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/server"
	"github.com/ddlbot/ddlbot/internal/syncbuf"
)

// serveProc is a running `ddlbot serve`.
type serveProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	secret []byte
	stderr *syncbuf.Buffer
	n      int // deliveries sent
}

// startServe runs the binary as a GitHub App server for w: githubfake's App,
// w's localscale, an OS-chosen port and a store in a temporary folder.
func startServe(t *testing.T, w *actWorld) *serveProc {
	t.Helper()
	return startServeWith(t, w, serveOptions{})
}

// serveOptions change how startServeWith runs the server.
type serveOptions struct {
	// store is DDLBOT_STORE ("": a SQLite file in a temporary folder).
	store string
	// secret is the webhook secret (nil: a new one); replicas share one.
	secret []byte
	// args are added to the command line, env to the environment.
	args, env []string
}

func startServeWith(t *testing.T, w *actWorld, o serveOptions) *serveProc {
	t.Helper()
	app := w.gh.App()
	if o.secret == nil {
		o.secret = []byte("whsec_" + randHex(t, 12))
	}
	if o.store == "" {
		o.store = filepath.Join(t.TempDir(), "ddlbot.db")
	}
	p := &serveProc{t: t, secret: o.secret, stderr: &syncbuf.Buffer{}}
	p.cmd = exec.Command(binary, append([]string{"serve", "--workers", "2", "--drain", "20s"}, o.args...)...)
	p.cmd.Env = append(os.Environ(), "DDLBOT_WEBHOOK_SECRET="+string(p.secret), fmt.Sprintf("DDLBOT_APP_ID=%d", app.ID),
		"DDLBOT_PRIVATE_KEY="+string(app.PrivateKeyPEM), "DDLBOT_LISTEN=127.0.0.1:0", "DDLBOT_STORE="+o.store,
		"GITHUB_API_URL="+w.gh.URL(), planetscale.EnvAPIURL+"="+w.psURL, planetscale.EnvServiceTokenID+"="+w.psID,
		planetscale.EnvServiceToken+"="+w.psSecret, planetscale.EnvOAuthToken+"=")
	p.cmd.Env = append(p.cmd.Env, fastEngine...)
	p.cmd.Env = append(p.cmd.Env, o.env...)
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "ddlbot serve: listening on ")
	if err != nil || !ok {
		t.Fatalf("serve did not start: %q %v\n%s", line, err, p.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	p.url = addr
	return p
}

// deliver posts a delivery (signed unless sign is false) and returns the
// status; delivery "" makes a new delivery id.
func (p *serveProc) deliver(event, delivery string, body []byte, sign func([]byte) string) int {
	p.t.Helper()
	if delivery == "" {
		p.n++
		delivery = fmt.Sprintf("delivery-%d", p.n)
	}
	req, err := http.NewRequest(http.MethodPost, p.url+"/webhooks/github", bytes.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	if sign != nil {
		if sig := sign(body); sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (p *serveProc) sign(b []byte) string { return server.Sign(p.secret, b) }

func (p *serveProc) get(path string) string {
	p.t.Helper()
	resp, err := http.Get(p.url + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s", resp.StatusCode, b)
}

// waitFor polls cond (a state of githubfake or of the server, not a timer)
// until it holds.
func waitFor(t *testing.T, what string, cond func() bool, p *serveProc) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\nserver log:\n%s", what, p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServe: `ddlbot serve` as a process, GitHub's deliveries signed with the
// App's webhook secret: a pull request is planned (one sticky comment, one
// check run, one deploy request) however often its delivery comes; forged,
// unsigned, sha1-signed and oversized deliveries run nothing; /deploy by a
// writer is deployed once and followed to its end; SIGTERM stops it.
func TestServe(t *testing.T) {
	w := newCmdWorld(t)
	_, head := w.addPR(actConfig, nil, nil)
	p := startServe(t, w)
	if got := p.get("/healthz"); got != "200 ok\n" {
		t.Fatalf("/healthz: %q", got)
	}
	if got := p.get("/readyz"); got != "200 ready\n" {
		t.Fatalf("/readyz: %q", got)
	}

	opened := w.prEvent("opened")
	// Refused before anything is stored: nothing runs.
	for name, sign := range map[string]func([]byte) string{
		"unsigned": func([]byte) string { return "" },
		"forged":   func(b []byte) string { return server.Sign([]byte("not the secret"), b) },
		"sha1":     func([]byte) string { return "sha1=" + strings.Repeat("ab", 20) },
	} {
		if code := p.deliver("pull_request", "refused-"+name, opened, sign); code != http.StatusUnauthorized {
			t.Errorf("%s delivery: %d, want 401", name, code)
		}
	}
	if code := p.deliver("pull_request", "", bytes.Repeat([]byte(" "), server.MaxBody+1), p.sign); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized delivery: %d, want 413", code)
	}
	// The delivery, then GitHub's redeliveries of it: one job.
	if code := p.deliver("pull_request", "opened-1", opened, p.sign); code != http.StatusAccepted {
		t.Fatalf("delivery: %d", code)
	}
	for range 4 {
		if code := p.deliver("pull_request", "opened-1", opened, p.sign); code != http.StatusOK {
			t.Fatalf("redelivery: %d, want 200", code)
		}
	}
	waitFor(t, "the plan's check run", func() bool {
		cr := w.checkRun(head, "ddlbot/app")
		return cr != nil && cr.Status == "completed"
	}, p)
	waitFor(t, "the job to be recorded", func() bool { return strings.Contains(p.get("/metrics"), `ddlbot_jobs_total{result="done"} 1`) }, p)
	cr := w.checkRun(head, "ddlbot/app")
	if cr.Conclusion != "success" || !strings.Contains(w.sticky("app"), "Deploy request [#1](") {
		t.Fatalf("check run %+v\n%s", cr, w.sticky("app"))
	}
	for _, c := range w.comments() {
		if strings.Contains(c.Body, "ddlbot:plan") && c.User != w.gh.App().Slug+"[bot]" {
			t.Errorf("the sticky comment is by %s, not the App", c.User)
		}
	}
	metrics := p.get("/metrics")
	for _, want := range []string{`ddlbot_webhook_deliveries_total{code="401"} 3`, `ddlbot_webhook_deliveries_total{code="413"} 1`,
		`ddlbot_webhook_deliveries_total{code="200"} 4`, `ddlbot_webhook_deliveries_total{code="202"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// /deploy by alice (write): deployed once, followed to the revert window.
	id := w.gh.AddComment(actOwner, w.repoName(), actPR, "alice", "/deploy")
	if code := p.deliver("issue_comment", "", w.gh.CommentEvent(t, "created", actOwner, w.repoName(), id, nil), p.sign); code != http.StatusAccepted {
		t.Fatalf("/deploy delivery: %d", code)
	}
	waitFor(t, "the deploy's reply", func() bool { return strings.Contains(w.lastReply("alice"), "complete pending revert") }, p)
	// The reaction is written after the reply: wait for it too (the server
	// runs the job on its own time).
	waitFor(t, "the deploy's reactions", func() bool { return len(w.reactions(id)) >= 2 }, p)
	w.wantDeployCalls(1)
	wantReactions(t, w.reactions(id), "eyes", "rocket")

	// SIGTERM: drained and stopped.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	log := p.stderr.String()
	for _, secret := range []string{string(p.secret), w.psSecret, "PRIVATE KEY"} {
		if strings.Contains(log, secret) {
			t.Fatalf("the server log shows a secret")
		}
	}
	if !strings.Contains(log, "draining") {
		t.Errorf("no drain in the log:\n%s", log)
	}
	wantNoViolations(t, w)
}
