package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// psForwarder stands between localscale's webhooks and the server: the
// webhook must exist (its secret is the server's configuration) before the
// server's port is known. It records what arrived and what the server said.
type psForwarder struct {
	mu       sync.Mutex
	target   string
	arrivals []psArrival
}

type psArrival struct {
	event string
	code  int
	at    time.Time
}

func (f *psForwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	target := f.target
	f.mu.Unlock()
	code := http.StatusServiceUnavailable
	if target != "" {
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, target, bytes.NewReader(body))
		if err == nil {
			req.Header = r.Header.Clone()
			if resp, err := http.DefaultClient.Do(req); err == nil {
				code = resp.StatusCode
				resp.Body.Close()
			}
		}
	}
	f.mu.Lock()
	f.arrivals = append(f.arrivals, psArrival{event: r.Header.Get("X-PlanetScale-Event"), code: code, at: time.Now()})
	f.mu.Unlock()
	w.WriteHeader(code)
}

func (f *psForwarder) setTarget(u string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.target = u
}

// first is when event first arrived and was accepted (zero if never).
func (f *psForwarder) first(event string) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.arrivals {
		if a.event == event && a.code == http.StatusAccepted {
			return a.at
		}
	}
	return time.Time{}
}

// stickyOrEmpty is the database's sticky comment, "" before there is one.
func stickyOrEmpty(w *actWorld, db string) string {
	for _, c := range w.comments() {
		if strings.Contains(c.Body, bot.Marker(db)) {
			return c.Body
		}
	}
	return ""
}

var shownState = regexp.MustCompile(`#### Deployment of \[#\d+\]\([^)]*\): ([a-z ]+)\n`)

// metric reads one sample of the server's /metrics ("" when absent).
func (p *serveProc) metric(name string) string { return p.metrics(name)[0] }

// metrics reads samples from one scrape of /metrics.
func (p *serveProc) metrics(names ...string) []string {
	out := make([]string, len(names))
	for _, line := range strings.Split(p.get("/metrics"), "\n") {
		for i, name := range names {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				out[i] = v
			}
		}
	}
	return out
}

// atRest: no job waits or runs (read in one scrape: a job that ends and
// schedules its follow-up in between is not missed).
func (p *serveProc) atRest() bool {
	m := p.metrics("ddlbot_jobs_queued", "ddlbot_jobs_running")
	return m[0] == "0" && m[1] == "0"
}

// deployWithWebhooks runs `ddlbot serve` with a PlanetScale webhook on the
// database (through a psForwarder), plans pull request #7 and comments
// /deploy. An ALTER takes 3 s and the submit and cutover phases 0.5 s each;
// the job follows for 300 ms, and the polling follow-up of a moving
// deployment is a minute away.
func deployWithWebhooks(t *testing.T, revertWindow time.Duration, args ...string) (*actWorld, *serveProc, *psForwarder, string) {
	t.Helper()
	w := newCmdWorld(t, func(c *localscale.Config) {
		c.Speed = 4
		c.OperationDuration = 12 * time.Second
		c.RevertWindow = revertWindow
	})
	_, head := w.addPR(actConfig, nil, nil)

	fwd := &psForwarder{}
	fsrv := httptest.NewServer(fwd)
	t.Cleanup(fsrv.Close)
	wh, err := w.ps.CreateWebhook(context.Background(), actOwner, "app", ps.CreateWebhookRequest{URL: fsrv.URL + "/ps", Events: []string{
		ps.EventDeployRequestQueued, ps.EventDeployRequestInProgress, ps.EventDeployRequestPendingCutover,
		ps.EventDeployRequestSchemaApplied, ps.EventDeployRequestErrored, ps.EventDeployRequestReverted, ps.EventBranchAnomaly}})
	if err != nil {
		t.Fatal(err)
	}
	p := startServeWith(t, w, serveOptions{args: append([]string{"--follow-timeout", "300ms", "--follow-interval", "1m"}, args...),
		env: []string{"DDLBOT_PLANETSCALE_WEBHOOK_SECRET=" + wh.Secret}})
	fwd.setTarget(p.url + "/webhooks/planetscale")

	if code := p.deliver("pull_request", "", w.prEvent("opened"), p.sign); code != http.StatusAccepted {
		t.Fatalf("delivery: %d", code)
	}
	waitFor(t, "the plan", func() bool { return strings.Contains(stickyOrEmpty(w, "app"), "Deploy request [#1](") }, p)
	id := w.gh.AddComment(actOwner, w.repoName(), actPR, "alice", "/deploy")
	if code := p.deliver("issue_comment", "", w.gh.CommentEvent(t, "created", actOwner, w.repoName(), id, nil), p.sign); code != http.StatusAccepted {
		t.Fatalf("/deploy delivery: %d", code)
	}
	return w, p, fwd, head
}

// TestServeAnomalyWebhook: in the revert window, PlanetScale's
// branch.anomaly webhook has the slowdown posted on the pull request at once
// (the idle follow-up is a minute away), with /revert suggested.
func TestServeAnomalyWebhook(t *testing.T) {
	w, p, fwd, _ := deployWithWebhooks(t, time.Hour, "--follow-idle-interval", "1m")
	waitFor(t, "the revert window", func() bool {
		m := shownState.FindStringSubmatch(stickyOrEmpty(w, "app"))
		return m != nil && m[1] == "complete pending revert"
	}, p)
	a, err := w.ls.Slowdown(actOwner, "app", "main", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var posted string
	waitFor(t, "the anomaly's comment", func() bool {
		for _, c := range w.comments() {
			if strings.HasPrefix(c.Body, bot.AnomalyMarker("app", a.ID)) {
				posted = c.Body
				return true
			}
		}
		return false
	}, p)
	arrived := fwd.first(ps.EventBranchAnomaly)
	if arrived.IsZero() {
		t.Fatal("the branch.anomaly webhook was not routed")
	}
	if took := time.Since(arrived); took > 20*time.Second {
		t.Errorf("the anomaly was posted %s after its webhook", took)
	}
	if !strings.Contains(posted, "comment `/revert`") {
		t.Errorf("the anomaly's comment suggests no /revert:\n%s", posted)
	}
	wantNoViolations(t, w)
}

// TestServePlanetScaleWebhooks: a deployment that outlasts the job's
// --follow-timeout is followed on by PlanetScale's webhooks (the polling
// follow-up is a minute away: only a webhook can bring the comment to the
// revert window this soon), a forged PlanetScale delivery is refused and
// queues nothing, and once the revert window is over nothing more is
// scheduled.
func TestServePlanetScaleWebhooks(t *testing.T) {
	w, p, fwd, head := deployWithWebhooks(t, 3*time.Second, "--follow-idle-interval", "500ms")
	// The states the comment shows, in order, and when each first showed.
	var seen []string
	shownAt := map[string]time.Time{}
	waitFor(t, "the comment to show the deployment complete", func() bool {
		m := shownState.FindStringSubmatch(w.sticky("app"))
		if m != nil && (len(seen) == 0 || seen[len(seen)-1] != m[1]) {
			seen = append(seen, m[1])
			shownAt[m[1]] = time.Now()
		}
		return m != nil && m[1] == "complete"
	}, p)
	t.Logf("the comment showed: %s", strings.Join(seen, " → "))
	applied := fwd.first(ps.EventDeployRequestSchemaApplied)
	revert, ok := shownAt["complete pending revert"]
	switch {
	case !ok:
		t.Fatalf("the comment never showed the revert window: %v", seen)
	case applied.IsZero():
		t.Fatalf("no deploy_request.schema_applied webhook was routed to the deployment\nserver log:\n%s", p.stderr.String())
	case revert.Before(applied):
		t.Fatalf("the comment showed the revert window before the webhook came")
	case revert.Sub(applied) > 10*time.Second:
		// The follow-up's own poll is a minute away.
		t.Fatalf("the comment showed the revert window %s after the webhook", revert.Sub(applied))
	}
	t.Logf("webhook → comment edit: %s", revert.Sub(applied).Round(time.Millisecond))
	// At rest and past the revert window: the last follow-up (which edits
	// the comment, then the check run, then replies) schedules none.
	waitFor(t, "the follow-ups to stop", p.atRest, p)
	var replies []string
	for _, c := range w.comments() {
		if strings.Contains(c.Body, "Stopped following") {
			t.Errorf("the server asked for /plan: %q", c.Body)
		}
		if strings.HasPrefix(c.Body, "Deploy request [#1](") {
			replies = append(replies, c.Body)
		}
	}
	if len(replies) != 2 || !strings.Contains(replies[0], "**complete pending revert**") || !strings.Contains(replies[1], "**complete**") {
		t.Errorf("replies: %q, want the revert window, then complete", replies)
	}
	if cr := w.checkRun(head, "ddlbot/app"); cr == nil || cr.Conclusion != "success" || !strings.Contains(cr.Title, "complete") {
		t.Errorf("check run: %+v", cr)
	}
	w.wantDeployCalls(1)

	done := p.metric(`ddlbot_jobs_total{result="done"}`)

	// A forged PlanetScale delivery of the recorded deployment: refused,
	// nothing queued.
	forged := []byte(`{"timestamp":1,"event":"deploy_request.schema_applied","organization":"acme","database":"app","resource":{"number":1}}`)
	req, _ := http.NewRequest(http.MethodPost, p.url+"/webhooks/planetscale", bytes.NewReader(forged))
	req.Header.Set(ps.SignatureHeader, ps.SignWebhook("not the secret", forged))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged PlanetScale delivery: %d, want 401", resp.StatusCode)
	}
	if m := p.metrics("ddlbot_jobs_queued", "ddlbot_jobs_running", `ddlbot_jobs_total{result="done"}`); m[0] != "0" || m[1] != "0" || m[2] != done {
		t.Errorf("after the forged delivery: queued %s, running %s, done %s (was %s)", m[0], m[1], m[2], done)
	}
	if got := p.metric(`ddlbot_planetscale_webhook_deliveries_total{code="401"}`); got != "1" {
		t.Errorf("401s counted: %q", got)
	}
	wantNoViolations(t, w)
}

// TestServeMergedWhileDeploying: the pull request is merged while its
// deployment runs past the job's --follow-timeout. Its follow-ups are the
// pull request's own (a follow-up listing the open pull requests would
// never look at it again), so the comment, the check run and the reply
// still follow the deployment to its end.
func TestServeMergedWhileDeploying(t *testing.T) {
	w, p, _, head := deployWithWebhooks(t, 3*time.Second, "--follow-idle-interval", "500ms")
	waitFor(t, "the deployment to show", func() bool { return shownState.MatchString(stickyOrEmpty(w, "app")) }, p)
	w.gh.UpdatePullRequest(actOwner, w.repoName(), actPR, func(pr *githubfake.PR) { pr.State, pr.Merged, pr.MergedBy = "closed", true, "alice" })
	if code := p.deliver("pull_request", "", w.prEvent("closed"), p.sign); code != http.StatusAccepted {
		t.Fatalf("closed delivery: %d", code)
	}
	waitFor(t, "the comment to show the deployment complete", func() bool {
		m := shownState.FindStringSubmatch(w.sticky("app"))
		return m != nil && m[1] == "complete"
	}, p)
	waitFor(t, "the follow-ups to stop", p.atRest, p)
	var ended bool
	for _, c := range w.comments() {
		ended = ended || strings.HasPrefix(c.Body, "Deploy request [#1](") && strings.Contains(c.Body, "**complete**")
	}
	if !ended {
		t.Error("no reply says the deployment is complete")
	}
	if cr := w.checkRun(head, "ddlbot/app"); cr == nil || cr.Conclusion != "success" || !strings.Contains(cr.Title, "complete") {
		t.Errorf("check run: %+v", cr)
	}
	w.wantDeployCalls(1)
	wantNoViolations(t, w)
}

// TestServeTwoInstallations: two repositories in two installations of the
// App, their deliveries sent at once: each is planned with a token of its
// own installation, and no call crosses (githubfake answers 404 to a token
// on another installation's repository and counts it).
func TestServeTwoInstallations(t *testing.T) {
	w := newCmdWorld(t)
	const otherInstallation = 777
	other := w.sibling("billing")
	w.gh.AddRepoWith(githubfake.Repo{Owner: actOwner, Name: "billing", Org: true, Installation: otherInstallation})
	for _, x := range []struct {
		w      *actWorld
		db     string
		config string
	}{{w, "app", actConfig}, {other, "billing", strings.Replace(actConfig, "database: app", "database: billing", 1)}} {
		base := x.w.commit(sha(x.db+"base"), "", map[string]string{".ddlbot.yml": x.config, "db/schema/users.sql": actUsers})
		head := x.w.commit(sha(x.db+"head"), base, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
		x.w.seed(x.db, base, "db/schema")
		w.gh.AddPullRequest(actOwner, x.w.repoName(), githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"})
	}
	p := startServe(t, w)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, x := range []*actWorld{w, other} {
		body := x.prEvent("opened")
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = w.gh.Deliver(p.url+"/webhooks/github", p.secret, "pull_request", body)
		}()
	}
	wg.Wait()
	if codes[0] != http.StatusAccepted || codes[1] != http.StatusAccepted {
		t.Fatalf("deliveries: %v", codes)
	}
	for _, x := range []*actWorld{w, other} {
		waitFor(t, x.repoName()+"'s plan", func() bool {
			return strings.Contains(stickyOrEmpty(x, "app"), "Deploy request [#")
		}, p)
	}
	if n := w.gh.CrossInstallationRefusals(); n != 0 {
		t.Errorf("%d calls refused for crossing installations", n)
	}
	app := w.gh.App()
	want := map[string]int64{"/repos/" + actOwner + "/" + actRepo + "/": app.InstallationID, "/repos/" + actOwner + "/billing/": otherInstallation}
	calls := map[int64]int{}
	tokens := map[string]bool{}
	for _, c := range w.gh.Calls() {
		if strings.HasPrefix(c.Path, "/app/installations/") {
			tokens[c.Path] = true
		}
		for prefix, inst := range want {
			if strings.HasPrefix(c.Path, prefix) {
				calls[inst]++
				if c.Installation != inst {
					t.Errorf("%s %s by installation %d, want %d", c.Method, c.Path, c.Installation, inst)
				}
			}
		}
	}
	if calls[app.InstallationID] == 0 || calls[otherInstallation] == 0 || len(tokens) != 2 {
		t.Errorf("calls per installation %v, token requests %v", calls, tokens)
	}
	t.Logf("calls per installation: %v", calls)
	wantNoViolations(t, w)
}
