package main

import (
	"bytes"
	"database/sql"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	"github.com/ddlbot/ddlbot/internal/mysqltest"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// The soak runs only when DDLBOT_SOAK is set (scripts/soak.sh sets it): it
// takes minutes, longer than .ci/run should.
const (
	envSoak        = "DDLBOT_SOAK"
	envSoakPRs     = "DDLBOT_SOAK_PRS"     // pull requests (default 200)
	envSoakTimeout = "DDLBOT_SOAK_TIMEOUT" // the whole run's bound (default 10m)
	envSoakSeed    = "DDLBOT_SOAK_SEED"    // the faults' and the driver's seed (default 1)
	envSoakLogs    = "DDLBOT_SOAK_LOGS"    // a folder for the replicas' logs (default none)
)

// soakPR is one pull request the soak drives: opened, planned, /deploy,
// deployed (a /deploy PlanetScale refused, for an injected fault, is sent
// again, as its author would).
type soakPR struct {
	*replicaRepo
	phase      int   // 0 waiting for the plan, 1 deploying, 2 done
	refusedRun int64 // the check run of the last refusal acted on
	deploys    int   // /deploy comments sent
}

// soakRun is the state the driver keeps.
type soakRun struct {
	t        *testing.T
	w        *actWorld
	rng      *mrand.Rand
	replicas []*serveProc
	gone     []*serveProc // replicas killed
	opts     serveOptions
	accepted map[string]bool // deliveries answered 202
	dups     int             // deliveries sent a second time
	sent     int
	redeploy int // /deploy sent again after a refusal
}

// deliver posts a delivery to a random live replica (retrying another when
// one does not answer, as GitHub redelivers), and a fifth of them a second
// time, to any replica.
func (s *soakRun) deliver(event, delivery string, body []byte) {
	s.t.Helper()
	post := func() int {
		for range 100 {
			p := s.replicas[s.rng.IntN(len(s.replicas))]
			req, err := http.NewRequest(http.MethodPost, p.url+"/webhooks/github", bytes.NewReader(body))
			if err != nil {
				s.t.Fatal(err)
			}
			req.Header.Set("X-GitHub-Event", event)
			req.Header.Set("X-GitHub-Delivery", delivery)
			req.Header.Set("X-Hub-Signature-256", p.sign(body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				continue // that replica is down: GitHub delivers again
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				continue
			}
			return resp.StatusCode
		}
		s.t.Fatalf("no replica took delivery %s", delivery)
		return 0
	}
	s.sent++
	code := post()
	if code == http.StatusAccepted {
		s.accepted[delivery] = true
	} else if code != http.StatusOK {
		s.t.Fatalf("delivery %s: %d", delivery, code)
	}
	if s.rng.Float64() < 0.2 {
		s.dups++
		if code := post(); code != http.StatusOK {
			s.t.Fatalf("the duplicate of %s: %d, want 200", delivery, code)
		}
	}
}

func (s *soakRun) deploy(pr *soakPR) {
	pr.deploys++
	id := s.w.gh.AddComment(actOwner, pr.w.repoName(), actPR, "alice", "/deploy")
	s.deliver("issue_comment", fmt.Sprintf("deploy-%s-%d", pr.db, pr.deploys), s.w.gh.CommentEvent(s.t, "created", actOwner, pr.w.repoName(), id, nil))
}

// TestServeSoak: PRs pull requests (DDLBOT_SOAK_PRS, 200) opened and
// deployed through two replicas on one MariaDB store, with about 10 % of
// GitHub's and PlanetScale's answers failing (5xx, 429), a fifth of the
// deliveries sent twice, and one replica killed and started again midway.
// It reports PRs right / deploy requests deployed exactly once / jobs lost.
func TestServeSoak(t *testing.T) {
	if os.Getenv(envSoak) == "" {
		t.Skipf("%s is not set: the soak takes minutes; run scripts/soak.sh", envSoak)
	}
	n := envInt(t, envSoakPRs, 200)
	seed := uint64(envInt(t, envSoakSeed, 1))
	timeout := 10 * time.Minute
	if v := os.Getenv(envSoakTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s: %v", envSoakTimeout, err)
		}
		timeout = d
	}
	dsn := mysqltest.Database(t, "ddlbot_soak_")
	db, err := sql.Open("mysql", dsn.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	w := newCmdWorld(t, func(c *localscale.Config) {
		c.Faults = localscale.Faults{ErrorRate: 0.08, RateLimitRate: 0.02, RetryAfter: time.Second, Seed: int64(seed)}
	})
	var prs []*soakPR
	for _, r := range replicaRepos(w, n) {
		prs = append(prs, &soakPR{replicaRepo: r})
	}
	s := &soakRun{t: t, w: w, rng: mrand.New(mrand.NewPCG(seed, seed+1)), accepted: map[string]bool{},
		opts: serveOptions{store: mysqltest.StoreURL(dsn), secret: []byte("whsec_" + randHex(t, 12)),
			args: []string{"--lease", "3s", "--workers", "4", "--attempts", "12", "--retry-wait", "500ms"}}}
	s.replicas = []*serveProc{startServeWith(t, w, s.opts), startServeWith(t, w, s.opts)}
	// A pull request costs about 55 GitHub calls (plan, /deploy, following):
	// 200 of them within minutes from one installation pass GitHub.com's
	// 5,000 an hour, which ddlbot honours by waiting for the reset. The
	// soak is about faults, not that wait: it gets Enterprise Cloud's 15,000.
	w.gh.SetRateLimit(15000)
	w.gh.SetFlaky(githubfake.Flaky{Rate: 0.10, RateLimited: 0.1, Seed: seed})
	start := time.Now()

	for _, pr := range prs {
		s.deliver("pull_request", "opened-"+pr.db, pr.w.prEvent("opened"))
	}
	restarted := false
	deadline := start.Add(timeout)
	for done := 0; done < len(prs); {
		if time.Now().After(deadline) {
			t.Errorf("the soak ran out of time (%s) with %d of %d pull requests deployed", timeout, done, len(prs))
			break
		}
		done = 0
		for _, pr := range prs {
			cr := pr.w.checkRun(pr.head, "ddlbot/app")
			switch {
			case pr.phase == 2:
			case cr == nil || cr.Status != "completed":
			case pr.phase == 0 && cr.Title == "Deploy request #1 is ready":
				pr.phase = 1
				s.deploy(pr)
			case pr.phase == 1 && cr.Title == "Deploy request #1: complete pending revert":
				pr.phase = 2
			case pr.phase == 1 && cr.Title == "Deploy request #1: not deployed" && cr.ID != pr.refusedRun:
				// PlanetScale answered the deploy 500 (injected): the author
				// reads "PlanetScale refused" and comments /deploy again.
				pr.refusedRun = cr.ID
				s.redeploy++
				s.deploy(pr)
			}
			if pr.phase == 2 {
				done++
			}
		}
		if !restarted && done >= len(prs)/3 {
			// One replica dies (SIGKILL, jobs under lease) and starts again.
			restarted = true
			old := s.replicas[0]
			_ = old.cmd.Process.Signal(syscall.SIGKILL)
			_ = old.cmd.Wait()
			s.gone = append(s.gone, old)
			s.replicas[0] = startServeWith(t, w, s.opts)
			t.Logf("replica pid %d killed and started again (pid %d) after %s, %d pull requests deployed",
				old.cmd.Process.Pid, s.replicas[0].cmd.Process.Pid, time.Since(start).Round(time.Millisecond), done)
		}
		time.Sleep(50 * time.Millisecond) // the driver's pace, not an assertion
	}
	took := time.Since(start)
	w.gh.SetFlaky(githubfake.Flaky{})

	// The verdict, per pull request.
	right, once := 0, 0
	var wrong []string
	for _, pr := range prs {
		var why []string
		cr := pr.w.checkRun(pr.head, "ddlbot/app")
		if cr == nil || cr.Status != "completed" || cr.Conclusion != "success" || cr.Title != "Deploy request #1: complete pending revert" {
			if cr == nil {
				why = append(why, "no check run")
			} else {
				why = append(why, fmt.Sprintf("check run %s %s %q", cr.Status, cr.Conclusion, cr.Title))
			}
			why = append(why, "jobs: "+soakJobs(t, db, pr.w.repoName()))
		}
		var stickies int
		for _, c := range pr.w.comments() {
			if strings.Contains(c.Body, "ddlbot:plan") {
				stickies++
			}
		}
		if stickies != 1 {
			why = append(why, fmt.Sprintf("%d sticky comments", stickies))
		}
		if !strings.Contains(pr.w.lastReply("alice"), "complete pending revert") {
			why = append(why, "the last reply does not say complete pending revert")
		}
		if dr, err := w.ps.GetDeployRequest(t.Context(), actOwner, pr.db, 1); err != nil {
			why = append(why, fmt.Sprintf("deploy request: %v", err))
		} else if dr.DeploymentState != ps.StateCompletePendingRevert {
			why = append(why, "deploy request "+dr.DeploymentState)
		}
		if len(why) == 0 {
			right++
		} else {
			wrong = append(wrong, pr.db+": "+strings.Join(why, "; "))
		}
		if w.psCount.deploysOf(fmt.Sprintf("/v1/organizations/%s/databases/%s/deploy-requests/1/deploy", actOwner, pr.db)) == 1 {
			once++
		}
	}
	// Jobs lost: deliveries answered 202 whose job never ended.
	lost, failed := 0, 0
	for d := range s.accepted {
		var state string
		if err := db.QueryRow(`SELECT state FROM jobs WHERE delivery = ?`, d).Scan(&state); err != nil {
			lost++
			continue
		}
		switch state {
		case "done":
		case "failed":
			failed++
		default:
			lost++
		}
	}
	ghInjected := 0
	for _, c := range w.gh.Calls() {
		if c.Injected {
			ghInjected++
		}
	}
	ghCalls := len(w.gh.Calls())
	psTotal, _ := w.psCount.counts()
	t.Logf("soak: %d pull requests, 2 replicas (one killed and restarted), %s", n, took.Round(time.Second))
	t.Logf("  deliveries: %d sent, %d duplicated, %d answered 202; /deploy sent again after a refused deploy: %d", s.sent, s.dups, len(s.accepted), s.redeploy)
	t.Logf("  GitHub: %d calls, %d failed on purpose (%.1f%%); PlanetScale: %d calls, %d answered 429/5xx (%.1f%%)",
		ghCalls, ghInjected, pct(ghInjected, ghCalls), psTotal, w.psCount.failed, pct(w.psCount.failed, psTotal))
	t.Logf("  PRs right %d/%d, deploy requests deployed exactly once %d/%d, jobs lost %d, jobs failed %d", right, n, once, n, lost, failed)
	if right != n || once != n || lost != 0 || failed != 0 {
		t.Errorf("want every pull request right, every deploy request deployed once, no job lost or failed:\n%s", strings.Join(wrong, "\n"))
	}
	for _, p := range s.replicas {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		_ = p.cmd.Wait()
	}
	if dir := os.Getenv(envSoakLogs); dir != "" {
		for i, p := range append(s.gone, s.replicas...) {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("replica-%d.log", i)), []byte(p.stderr.String()), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}

// soakJobs lists a repository's jobs: event, state, attempts, error.
func soakJobs(t *testing.T, db *sql.DB, repo string) string {
	t.Helper()
	rows, err := db.Query(`SELECT delivery, state, attempts, error FROM jobs WHERE pr_key LIKE ? ORDER BY id`, "%"+repo+"#%")
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d, st, e string
		var n int
		if err := rows.Scan(&d, &st, &n, &e); err != nil {
			return err.Error()
		}
		out = append(out, fmt.Sprintf("%s %s ×%d %.200s", d, st, n, e))
	}
	return strings.Join(out, " | ")
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}
