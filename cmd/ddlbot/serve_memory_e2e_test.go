package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
)

// rssKiB reads a process's resident set (VmRSS) from /proc, in KiB.
func rssKiB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}

// TestServeMemory measures `ddlbot serve`'s resident memory idle and while
// it follows 50 deployments (50 pull requests deployed into one database:
// one in progress, the others queued behind it, all refreshed every second).
// The figures are logged (go test ./cmd/ddlbot/ -run TestServeMemory -v);
// the bounds are issue 10's.
func TestServeMemory(t *testing.T) {
	const prs = 50
	w := newCmdWorld(t, func(c *localscale.Config) {
		c.OperationDuration = 10 * time.Hour // the first stays in progress, the others queued
	})
	base := w.commit(sha("base"), "", map[string]string{".ddlbot.yml": actConfig, "db/schema/users.sql": actUsers})
	w.seed("app", base, "db/schema")
	for n := 1; n <= prs; n++ {
		head := w.commit(sha(fmt.Sprint("head", n)), base, map[string]string{"db/schema/users.sql": actUsersWith(fmt.Sprintf("  c%d varchar(40) DEFAULT NULL,\n", n))})
		w.gh.AddPullRequest(actOwner, w.repoName(), githubfake.PR{Number: n, BaseSHA: base, HeadSHA: head, Author: "alice"})
	}
	p := startServeWith(t, w, serveOptions{args: []string{"--workers", "4", "--follow-timeout", "100ms", "--follow-interval", "1s"}})
	waitFor(t, "/readyz", func() bool { return strings.HasPrefix(p.get("/readyz"), "200") }, p)
	idle := rssKiB(t, p.cmd.Process.Pid)

	sticky := func(n int) string {
		for _, c := range w.gh.Comments(actOwner, w.repoName(), n) {
			if strings.Contains(c.Body, "ddlbot:plan") {
				return c.Body
			}
		}
		return ""
	}
	for n := 1; n <= prs; n++ {
		if code := p.deliver("pull_request", "", w.gh.PullRequestEvent(t, "opened", actOwner, w.repoName(), n, nil), p.sign); code != 202 {
			t.Fatalf("delivery %d: %d", n, code)
		}
	}
	peak := 0
	sample := func() {
		if v := rssKiB(t, p.cmd.Process.Pid); v > peak {
			peak = v
		}
	}
	for n := 1; n <= prs; n++ {
		waitFor(t, fmt.Sprintf("#%d's plan", n), func() bool { sample(); return strings.Contains(sticky(n), "Deploy request [#") }, p)
		id := w.gh.AddComment(actOwner, w.repoName(), n, "alice", "/deploy")
		if code := p.deliver("issue_comment", "", w.gh.CommentEvent(t, "created", actOwner, w.repoName(), id, nil), p.sign); code != 202 {
			t.Fatalf("/deploy %d: %d", n, code)
		}
	}
	for n := 1; n <= prs; n++ {
		waitFor(t, fmt.Sprintf("#%d's deployment", n), func() bool { sample(); return strings.Contains(sticky(n), "#### Deployment of") }, p)
	}
	// Then a few follow-ups over all 50.
	done := func() int { n, _ := strconv.Atoi(p.metric(`ddlbot_jobs_total{result="done"}`)); return n }
	until := done() + 5
	waitFor(t, "five follow-ups", func() bool { sample(); return done() >= until }, p)
	following := rssKiB(t, p.cmd.Process.Pid)
	t.Logf("RSS: idle %.1f MiB; following %d deployments %.1f MiB (peak %.1f MiB)", float64(idle)/1024, prs, float64(following)/1024, float64(peak)/1024)
	if idle > 100*1024 {
		t.Errorf("idle RSS %.1f MiB, want ≤ 100 MiB", float64(idle)/1024)
	}
	if peak > 300*1024 {
		t.Errorf("RSS %.1f MiB while following %d deployments, want ≤ 300 MiB", float64(peak)/1024, prs)
	}
}
