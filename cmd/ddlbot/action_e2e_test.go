package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/gittest"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	vtlog "vitess.io/vitess/go/vt/log"
)

// The end-to-end tests of `ddlbot action` run the real binary as the Actions
// runner would: inputs as INPUT_* (defaults from action.yml), a real
// webhook payload at GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
// files. GitHub is githubfake (every request checked against GitHub's OpenAPI
// description), PlanetScale an in-process localscale on loopback with a real
// clock and microsecond delays, so that no run ever waits for a branch or a
// deploy request's checks.

const (
	actOwner = "acme"
	actRepo  = "shop"
	actPR    = 7
)

// actBranch is the PlanetScale branch of acme/shop#7.
var actBranch = bot.BranchName(bot.Repo{Owner: actOwner, Name: actRepo}, actPR)

const actConfig = `databases:
  - name: app
    organization: acme
    database: app
    schema: db/schema
lint:
  rules:
    not-instant: off
`

const actUsers = "CREATE TABLE users (\n  id bigint NOT NULL AUTO_INCREMENT,\n  email varchar(255) NOT NULL,\n  PRIMARY KEY (id)\n);\n"

func actUsersWith(cols ...string) string {
	return strings.Replace(actUsers, "  PRIMARY KEY", strings.Join(cols, "")+"  PRIMARY KEY", 1)
}

var vtQuiet sync.Once

// psCounter counts the requests that reach localscale's HTTP API.
type psCounter struct {
	h       http.Handler
	mu      sync.Mutex
	total   int
	writes  int
	deploys int // POST .../deploy-requests/N/deploy
	// deployed counts the deploy calls answered 2xx, per path: a deploy
	// request PlanetScale started deploying.
	deployed map[string]int
	failed   int // answered 429 or 5xx (localscale's injected faults)
}

func (c *psCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.total++
	if r.Method != http.MethodGet {
		c.writes++
	}
	deploy := r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/deploy-requests/") && strings.HasSuffix(r.URL.Path, "/deploy")
	if deploy {
		c.deploys++
	}
	c.mu.Unlock()
	sw := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	c.h.ServeHTTP(sw, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case sw.status == http.StatusTooManyRequests || sw.status >= 500:
		c.failed++
	case deploy && sw.status < 300:
		if c.deployed == nil {
			c.deployed = map[string]int{}
		}
		c.deployed[r.URL.Path]++
	}
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// deploysOf is how many deploy calls of a path PlanetScale accepted.
func (c *psCounter) deploysOf(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deployed[path]
}

// acceptedDeploys is how many deploy calls PlanetScale accepted, of any path.
func (c *psCounter) acceptedDeploys() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.deployed {
		n += v
	}
	return n
}

// deployCalls counts the deploy requests' deploy calls that reached PlanetScale.
func (c *psCounter) deployCalls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deploys
}

func (c *psCounter) counts() (total, writes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, c.writes
}

// actWorld is a repository on githubfake, a localscale, and a workspace.
type actWorld struct {
	t        *testing.T
	gh       *githubfake.Server
	ls       *localscale.Server
	psCount  *psCounter
	psURL    string
	psID     string
	psSecret string
	ps       *ps.Client
	ws       string // GITHUB_WORKSPACE
	files    map[string]map[string]string
	table    []string
	// env is added to the environment of every run (DDLBOT_POLL_INTERVAL, ...).
	env []string
	// watch, when set, is called every 10 ms while a run goes on: it may act
	// meanwhile, as another person or system would, and once it reports true
	// the process is killed (SIGKILL), as when a runner dies.
	watch func() (kill bool)
	// repo is the repository's name under actOwner (default actRepo).
	repo string
}

func (w *actWorld) repoName() string {
	if w.repo == "" {
		return actRepo
	}
	return w.repo
}

// sibling is another repository of actOwner on the same GitHub and the same
// PlanetScale organization (and so able to use the same databases), with its
// own commits.
func (w *actWorld) sibling(name string) *actWorld {
	w.t.Helper()
	s := *w
	s.repo, s.files = name, map[string]map[string]string{}
	w.gh.AddRepoWith(githubfake.Repo{Owner: actOwner, Name: name, Org: true})
	return &s
}

func newActWorld(t *testing.T, mutate ...func(*localscale.Config)) *actWorld {
	t.Helper()
	vtQuiet.Do(func() { vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil))) })
	w := &actWorld{t: t, gh: githubfake.New(t), ws: t.TempDir(), files: map[string]map[string]string{},
		psID: "pscale_tkn_" + randHex(t, 6), psSecret: "pscale_tkn_" + randHex(t, 16)}
	// AppURL: it stands in for PlanetScale, whose links point at its app.
	cfg := localscale.Config{Org: actOwner, TokenID: w.psID, Token: w.psSecret, BranchReadyDelay: time.Microsecond, CheckDelay: time.Microsecond,
		BackupStartDelay: time.Microsecond, BackupDuration: 20 * time.Millisecond, AppURL: "https://app.planetscale.com"}
	for _, m := range mutate {
		m(&cfg)
	}
	w.ls, w.psCount, w.psURL = startLocalscaleAPI(t, cfg)
	var err error
	w.ps, err = ps.New(ps.Config{BaseURL: w.psURL, ServiceTokenID: w.psID, ServiceToken: w.psSecret})
	if err != nil {
		t.Fatal(err)
	}
	w.gh.AddRepoWith(githubfake.Repo{Owner: actOwner, Name: actRepo, Org: true})
	t.Cleanup(func() {
		if len(w.table) > 0 {
			t.Logf("calls per run:\n  %-28s %4s %14s %19s\n  %s", "run", "exit", "GitHub (writes)", "PlanetScale (writes)", strings.Join(w.table, "\n  "))
		}
	})
	return w
}

// startLocalscaleAPI starts an in-process localscale with its MySQL
// protocol on a loopback port and its API behind a psCounter; it returns
// the API's base URL. Both stop when the test ends.
func startLocalscaleAPI(t *testing.T, cfg localscale.Config) (*localscale.Server, *psCounter, string) {
	t.Helper()
	ls, err := localscale.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ls.ListenMySQL("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	count := &psCounter{h: ls.Handler()}
	srv := httptest.NewServer(count)
	t.Cleanup(func() { srv.Close(); _ = ls.Close() })
	return ls, count, srv.URL + "/v1"
}

func randHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// sha makes a commit id for a label.
func sha(label string) string {
	h := sha1.Sum([]byte(label))
	return hex.EncodeToString(h[:])
}

// commit sets the files of a commit on the fake (changes applied to the
// files of from; "" deletes) and returns its id.
func (w *actWorld) commit(id, from string, changes map[string]string) string {
	files := map[string]string{}
	for p, c := range w.files[from] {
		files[p] = c
	}
	for p, c := range changes {
		if c == "" {
			delete(files, p)
		} else {
			files[p] = c
		}
	}
	w.files[id] = files
	w.gh.SetFiles(actOwner, w.repoName(), id, files)
	return id
}

// push commits changes on top of from (as commit does) under the id of
// label, and makes it the pull request's head; it returns the new head.
func (w *actWorld) push(label, from string, changes map[string]string) string {
	head := w.commit(sha(label), from, changes)
	w.gh.UpdatePullRequest(actOwner, w.repoName(), actPR, func(p *githubfake.PR) { p.HeadSHA = head })
	return head
}

// pushAge moves the pull request to a new head, on top of from, whose users
// table has the columns nick and age.
func (w *actWorld) pushAge(from string) string {
	return w.push("head-age", from, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n", "  age int DEFAULT NULL,\n")})
}

// seed creates a PlanetScale database from a folder of a commit.
func (w *actWorld) seed(db, commit, dir string) {
	w.t.Helper()
	m := fstest.MapFS{}
	for p, c := range w.files[commit] {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	if err := w.ls.SeedDatabase(actOwner, db, m, dir); err != nil {
		w.t.Fatal(err)
	}
}

// standard is a repository with one database and an open pull request that
// adds a column.
func (w *actWorld) standard() (base, head string) {
	base = w.commit(sha("base"), "", map[string]string{".ddlbot.yml": actConfig, "db/schema/users.sql": actUsers, "README.md": "shop\n"})
	head = w.commit(sha("head1"), base, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
	w.seed("app", base, "db/schema")
	w.gh.AddPullRequest(actOwner, w.repoName(), githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Author: "alice"})
	return base, head
}

// standardAt is the standard repository with the pull request's head at
// base plus changes instead (label names the commit).
func (w *actWorld) standardAt(label string, changes map[string]string) (base, head string) {
	base, _ = w.standard()
	return base, w.push(label, base, changes)
}

type actResult struct {
	code                  int
	stdout, stderr        string
	summary               string
	out                   map[string]string
	ghCalls               []githubfake.Call
	psCalls, psWrites     int
	ghTotal, ghWriteCalls int
	took                  time.Duration // wall time of the run
	killed                bool          // killed by watch
}

func (r actResult) String() string {
	return fmt.Sprintf("exit %d, outputs %v\n--- stdout\n%s--- stderr\n%s", r.code, r.out, r.stdout, r.stderr)
}

// actionYAML is action.yml, parsed.
func actionInputDefaults(t *testing.T) map[string]string {
	t.Helper()
	a := loadActionYAML(t)
	out := map[string]string{}
	for name, in := range a.Inputs {
		out[name] = in.Default
	}
	return out
}

// compositeEnv is the environment action.yml's run step gets: each
// ${{ inputs.NAME }} replaced by values[NAME] (a value "-" leaves the
// variable out), ${{ steps.install.outputs.bin }} by the binary under test.
func compositeEnv(t *testing.T, step actionStep, values map[string]string) []string {
	t.Helper()
	var env []string
	for k, v := range step.Env {
		switch {
		case v == "${{ steps.install.outputs.bin }}":
			v = binary
		case strings.HasPrefix(v, "${{ inputs.") && strings.HasSuffix(v, " }}"):
			name := strings.TrimSuffix(strings.TrimPrefix(v, "${{ inputs."), " }}")
			val, ok := values[name]
			if !ok {
				t.Fatalf("action.yml's run step passes %s, which is no input", v)
			}
			if val == "-" {
				continue
			}
			v = val
		default:
			t.Fatalf("action.yml's run step: %s: %q is neither an input nor the installed binary", k, v)
		}
		env = append(env, k+"="+v)
	}
	return env
}

// run runs `ddlbot action` on an event with the given payload; inputs
// override action.yml's defaults ("-" unsets one).
func (w *actWorld) run(label, event string, payload []byte, inputs map[string]string) actResult {
	w.t.Helper()
	dir := w.t.TempDir()
	eventPath := filepath.Join(dir, "event.json")
	outPath := filepath.Join(dir, "output")
	sumPath := filepath.Join(dir, "summary")
	if err := os.WriteFile(eventPath, payload, 0o644); err != nil {
		w.t.Fatal(err)
	}
	for _, p := range []string{outPath, sumPath} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			w.t.Fatal(err)
		}
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "NO_COLOR=1",
		"GITHUB_ACTIONS=true", "CI=true",
		"GITHUB_EVENT_NAME=" + event, "GITHUB_EVENT_PATH=" + eventPath,
		"GITHUB_OUTPUT=" + outPath, "GITHUB_STEP_SUMMARY=" + sumPath,
		"GITHUB_WORKSPACE=" + w.ws, "GITHUB_API_URL=" + w.gh.URL(),
		"GITHUB_REPOSITORY=" + actOwner + "/" + w.repoName(), "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=4242",
	}
	values := actionInputDefaults(w.t)
	values[inGitHubToken] = w.gh.Token() // ${{ github.token }}
	values[inPSTokenID], values[inPSToken], values[inPSAPIURL] = w.psID, w.psSecret, w.psURL
	for k, v := range inputs {
		values[k] = v
	}
	// As action.yml's composite runs it: its run step's environment, with
	// the inputs' values in place of ${{ inputs.NAME }}, and its script run
	// by bash.
	step := loadActionYAML(w.t).raw.step(w.t, "run")
	env = append(env, compositeEnv(w.t, step, values)...)
	env = append(env, w.env...)
	ghBefore := len(w.gh.Calls())
	psBefore, psWBefore := w.psCount.counts()

	cmd := exec.Command("bash", "-c", step.Run)
	cmd.Dir = w.ws
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	started := time.Now()
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	killed, done := make(chan bool, 1), make(chan struct{})
	if w.watch != nil {
		go func(when func() bool) {
			for {
				select {
				case <-done:
					killed <- false
					return
				case <-time.After(10 * time.Millisecond):
				}
				if when() {
					_ = cmd.Process.Kill()
					killed <- true
					return
				}
			}
		}(w.watch)
	}
	err := cmd.Wait()
	r := actResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(started)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		w.t.Fatal(err)
	}
	if w.watch != nil {
		close(done)
		r.killed = <-killed
	}
	sum, _ := os.ReadFile(sumPath)
	r.summary = string(sum)
	outs, _ := os.ReadFile(outPath)
	r.out = parseOutputs(w.t, string(outs))
	calls := w.gh.Calls()
	r.ghCalls = calls[ghBefore:]
	r.ghTotal = len(r.ghCalls)
	for _, c := range r.ghCalls {
		if c.Method != http.MethodGet {
			r.ghWriteCalls++
		}
	}
	psAfter, psWAfter := w.psCount.counts()
	r.psCalls, r.psWrites = psAfter-psBefore, psWAfter-psWBefore
	w.table = append(w.table, fmt.Sprintf("%-28s %4d %8d (%3d) %12d (%3d)", label, r.code, r.ghTotal, r.ghWriteCalls, r.psCalls, r.psWrites))

	// Secrets appear only in the ::add-mask:: commands that hide them.
	for _, secret := range []string{w.gh.Token(), w.gh.ReadOnlyToken(), w.psID, w.psSecret} {
		for _, where := range []struct{ name, text string }{{"stdout", r.stdout}, {"stderr", r.stderr}, {"summary", r.summary}, {"outputs", string(outs)}} {
			for _, line := range strings.Split(where.text, "\n") {
				if strings.Contains(line, secret) && line != "::add-mask::"+secret {
					w.t.Errorf("%s: a secret appears in %s: %q", label, where.name, line)
				}
			}
		}
	}
	if v := w.gh.Violations(); len(v) != 0 {
		w.t.Errorf("%s: requests that break GitHub's OpenAPI description:\n%s", label, strings.Join(v, "\n"))
	}
	if r.code != 2 && !r.killed {
		for _, k := range actionOutputs {
			if _, ok := r.out[k]; !ok {
				w.t.Errorf("%s: output %s not written", label, k)
			}
		}
	}
	return r
}

// parseOutputs reads a GITHUB_OUTPUT file (name<<DELIM ... DELIM blocks).
func parseOutputs(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %q", lines[i])
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

func (w *actWorld) prEvent(action string) []byte {
	return w.gh.PullRequestEvent(w.t, action, actOwner, w.repoName(), actPR, nil)
}

func (w *actWorld) comments() []githubfake.Comment {
	return w.gh.Comments(actOwner, w.repoName(), actPR)
}

// checkRun returns the newest check run of a name on a commit.
func (w *actWorld) checkRun(sha, name string) *githubfake.CheckRun {
	var got *githubfake.CheckRun
	for _, c := range w.gh.CheckRuns(actOwner, w.repoName()) {
		if c.HeadSHA == sha && c.Name == name {
			c := c
			got = &c
		}
	}
	return got
}

func (w *actWorld) checkRunsOn(sha string) []githubfake.CheckRun {
	var out []githubfake.CheckRun
	for _, c := range w.gh.CheckRuns(actOwner, w.repoName()) {
		if c.HeadSHA == sha {
			out = append(out, c)
		}
	}
	return out
}

func wantOutputs(t *testing.T, r actResult, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if r.out[k] != fmt.Sprint(v) {
			t.Errorf("output %s = %q, want %q\n%s", k, r.out[k], fmt.Sprint(v), r)
		}
	}
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}

// visible is what markdown shows of a report (no hidden lines).
func visible(body string) string { return bot.VisibleReport(body) }

// TestActionPullRequestLifecycle: open → push → duplicate delivery → closed,
// reading files through the API (the workspace is not a git checkout).
func TestActionPullRequestLifecycle(t *testing.T) {
	w := newActWorld(t)
	_, head := w.standard()
	ctx := context.Background()

	// Opened: a comment, a check run, a branch and a deploy request.
	r := w.run("opened", "pull_request", w.prEvent("opened"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outReasonCode: "planned", outDRNumber: "1", outBranch: actBranch,
		outDeploymentSt: ps.StateReady, outLintErrors: "0", outLintWarnings: "0"})
	if !strings.HasPrefix(r.out[outDRURL], "https://app.planetscale.com/acme/app/deploy-requests/1") {
		t.Errorf("deploy-request-url %q", r.out[outDRURL])
	}
	cs := w.comments()
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	commentID := cs[0].ID
	contains(t, "comment", cs[0].Body, "<!-- ddlbot:plan db=app -->", "Deploy request [#1]", "ADD COLUMN `nick`", "/deploy", `"head_sha":"`+head+`"`)
	contains(t, "job summary", r.summary, visible(cs[0].Body))
	if strings.Contains(r.summary, "ddlbot:state") {
		t.Error("the job summary shows the hidden state block")
	}
	cr := w.checkRun(head, "ddlbot/app")
	if cr == nil || cr.Status != "completed" || cr.Conclusion != "success" || cr.DetailsURL != "https://github.com/acme/shop/actions/runs/4242" {
		t.Fatalf("check run %+v", cr)
	}
	if strings.Contains(r.stdout, "::error") || strings.Contains(r.stdout, "::warning") {
		t.Errorf("annotations in the log of a run whose check run carries them:\n%s", r.stdout)
	}
	if dr, err := w.ps.GetDeployRequest(ctx, actOwner, "app", 1); err != nil || dr.Branch != actBranch || dr.State != ps.DeployRequestOpen || !strings.Contains(dr.Notes, "/pull/7") {
		t.Fatalf("deploy request %+v %v", dr, err)
	}
	if tables, err := w.ps.BranchSchema(ctx, actOwner, "app", actBranch); err != nil || !strings.Contains(tables[0].Raw, "`nick`") {
		t.Fatalf("branch schema %+v %v", tables, err)
	}
	if r.ghTotal == 0 || w.gh.Count("repos/get-content") == 0 || w.gh.Count("git/get-blob") == 0 {
		t.Errorf("files were not read through the API: %s", w.gh.CountsString())
	}

	// A push: the same comment edited, the same deploy request, a new check run.
	head2 := w.pushAge(head)
	r = w.run("synchronize", "pull_request", w.prEvent("synchronize"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "1", outDeploymentSt: ps.StateReady})
	cs = w.comments()
	if len(cs) != 1 || cs[0].ID != commentID {
		t.Fatalf("comments after a push: %+v", cs)
	}
	contains(t, "comment", cs[0].Body, "`age`", `"head_sha":"`+head2+`"`)
	if cr := w.checkRun(head2, "ddlbot/app"); cr == nil || cr.Conclusion != "success" {
		t.Fatalf("check run on the new head %+v", cr)
	}
	if drs, err := w.ps.ListDeployRequests(ctx, actOwner, "app", ps.ListDeployRequestsOptions{}); err != nil || len(drs) != 1 {
		t.Fatalf("deploy requests %+v %v", drs, err)
	}
	if diff, err := w.ps.DeployRequestDiff(ctx, actOwner, "app", 1); err != nil || !strings.Contains(diff[0].Raw, "age") {
		t.Fatalf("deploy request diff %+v %v", diff, err)
	}

	// The same delivery again: nothing is written, on GitHub or PlanetScale.
	r = w.run("synchronize (duplicate)", "pull_request", w.prEvent("synchronize"), nil)
	if r.code != 0 || r.ghWriteCalls != 0 || r.psWrites != 0 {
		var writes []string
		for _, c := range r.ghCalls {
			if c.Method != http.MethodGet {
				writes = append(writes, c.Method+" "+c.Path)
			}
		}
		t.Fatalf("duplicate delivery: exit %d, GitHub writes %v, PlanetScale writes %d\n%s", r.code, writes, r.psWrites, r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "1"})

	// Closed: the deploy request closed, the branch deleted, the comment says so.
	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.State = "closed" })
	r = w.run("closed", "pull_request", w.prEvent("closed"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionClosed, outReasonCode: "closed", outDRNumber: "1", outBranch: actBranch})
	if _, err := w.ps.GetBranch(ctx, actOwner, "app", actBranch); !ps.IsNotFound(err) {
		t.Errorf("branch not deleted: %v", err)
	}
	if dr, err := w.ps.GetDeployRequest(ctx, actOwner, "app", 1); err != nil || dr.State != ps.DeployRequestClosed {
		t.Errorf("deploy request not closed: %+v %v", dr, err)
	}
	cs = w.comments()
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	contains(t, "comment", cs[0].Body, "deploy request #1 closed and branch `"+actBranch+"` deleted")
	contains(t, "job summary", r.summary, "deploy request #1 closed")

	// A second closed delivery: nothing more.
	r = w.run("closed (duplicate)", "pull_request", w.prEvent("closed"), nil)
	if r.code != 0 || r.ghWriteCalls != 0 || r.psCalls != 0 {
		t.Fatalf("second close: GitHub writes %d, PlanetScale calls %d\n%s", r.ghWriteCalls, r.psCalls, r)
	}
}

// TestActionLintError: a table without a primary key fails the check, with an
// annotation at the statement's line, and the step exits 1.
func TestActionLintError(t *testing.T) {
	w := newActWorld(t)
	base, bad := w.standardAt("bad", map[string]string{"db/schema/events.sql": "-- events\nCREATE TABLE events (payload json);\n"})
	r := w.run("opened (lint error)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: "check-failed", outLintErrors: "1"})
	contains(t, "log", r.stdout, "::error::ddlbot: database app: 1 lint error(s)")
	cr := w.checkRun(bad, "ddlbot/app")
	if cr == nil || cr.Conclusion != "failure" {
		t.Fatalf("check run %+v", cr)
	}
	var found bool
	for _, a := range cr.Annotations {
		if a.Path == "db/schema/events.sql" && a.StartLine == 2 && a.EndLine == 2 && a.Level == "failure" && a.Title == "no-unique-key" {
			found = true
		}
	}
	if !found {
		t.Fatalf("annotations %+v", cr.Annotations)
	}
	// The check run has the annotations: the log repeats none of them.
	if strings.Contains(r.stdout, "::error file=") {
		t.Errorf("duplicate workflow annotations:\n%s", r.stdout)
	}
	cs := w.comments()
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	contains(t, "comment", cs[0].Body, "`db/schema/events.sql:2:", "no-unique-key")
	contains(t, "job summary", r.summary, visible(cs[0].Body))

	// With fail-on: warning a warning fails too (a FLOAT column).
	warn := w.push("warn", base, map[string]string{"db/schema/users.sql": actUsersWith("  score float DEFAULT NULL,\n")})
	r = w.run("synchronize (fail-on)", "pull_request", w.prEvent("synchronize"), map[string]string{inFailOn: "warning"})
	if r.code != 1 || r.out[outLintWarnings] == "0" || r.out[outDecision] != string(bot.DecisionFailed) {
		t.Fatalf("fail-on warning: %s", r)
	}
	if cr := w.checkRun(warn, "ddlbot/app"); cr == nil || cr.Conclusion != "failure" {
		t.Fatalf("check run with fail-on warning %+v", cr)
	}
	r = w.run("synchronize (warnings ok)", "pull_request", w.prEvent("synchronize"), nil)
	if r.code != 0 || r.out[outLintWarnings] == "0" {
		t.Fatalf("warnings without fail-on: %s", r)
	}
}

// TestActionNoSchemaChange: one neutral check, no comment, no branch.
func TestActionNoSchemaChange(t *testing.T) {
	w := newActWorld(t)
	_, docs := w.standardAt("docs", map[string]string{"README.md": "shop, documented\n"})
	r := w.run("opened (docs only)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionNoSchemaChange, outReasonCode: "no-schema-change", outDRNumber: "", outBranch: "", outLintErrors: "0"})
	runs := w.checkRunsOn(docs)
	if len(runs) != 1 || runs[0].Name != "ddlbot" || runs[0].Conclusion != "neutral" {
		t.Fatalf("check runs %+v", runs)
	}
	if cs := w.comments(); len(cs) != 0 {
		t.Fatalf("comments %+v", cs)
	}
	if _, err := w.ps.GetBranch(context.Background(), actOwner, "app", actBranch); !ps.IsNotFound(err) {
		t.Fatalf("branch created: %v", err)
	}
	if r.psCalls != 0 {
		t.Errorf("%d PlanetScale requests for a pull request without schema change", r.psCalls)
	}
	contains(t, "job summary", r.summary, "this pull request changes no schema")
}

// TestActionTwoDatabases: two databases in one repository, one declarative,
// one with migrations.
func TestActionTwoDatabases(t *testing.T) {
	w := newActWorld(t)
	cfg := "databases:\n  - name: app\n    organization: acme\n    schema: db/app\n  - name: billing\n    organization: acme\n    migrations: db/billing\nlint:\n  rules:\n    not-instant: off\n"
	base := w.commit(sha("base2"), "", map[string]string{".ddlbot.yml": cfg, "db/app/users.sql": actUsers,
		"db/billing/001_invoices.sql": "CREATE TABLE invoices (id bigint NOT NULL, PRIMARY KEY (id));\n"})
	head := w.commit(sha("both"), base, map[string]string{
		"db/app/users.sql":        actUsersWith("  nick varchar(40) DEFAULT NULL,\n"),
		"db/billing/002_paid.sql": "ALTER TABLE invoices ADD COLUMN paid tinyint(1) NOT NULL DEFAULT 0, ADD COLUMN note float;\n",
	})
	w.seed("app", base, "db/app")
	w.seed("billing", base, "db/billing")
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head})
	r := w.run("opened (two databases)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "1", outBranch: actBranch, outLintWarnings: "1"})
	cs := w.comments()
	if len(cs) != 2 {
		t.Fatalf("%d comments", len(cs))
	}
	for _, db := range []string{"app", "billing"} {
		if cr := w.checkRun(head, "ddlbot/"+db); cr == nil || cr.Conclusion != "success" {
			t.Errorf("check run of %s: %+v", db, cr)
		}
		dr, err := w.ps.GetDeployRequest(context.Background(), actOwner, db, 1)
		if err != nil || dr.Branch != actBranch {
			t.Errorf("deploy request of %s: %+v %v", db, dr, err)
		}
	}
	for _, c := range cs {
		contains(t, "job summary", r.summary, visible(c.Body))
	}
	contains(t, "billing comment", cs[1].Body+cs[0].Body, "/deploy --db billing", "/deploy --db app")

	// The database input cannot apply to two databases: a failing check that
	// says so, and exit 2.
	r = w.run("synchronize (database input)", "pull_request", w.prEvent("synchronize"), map[string]string{inDatabase: "other"})
	if r.code != 2 {
		t.Fatalf("database input with two databases: %s", r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: "inputs-invalid"})
	contains(t, "log", r.stdout, "the database input (\"other\") applies only to a configuration with one database; this one has 2 (app, billing)")
	if cr := w.checkRun(head, "ddlbot"); cr == nil || cr.Conclusion != "failure" {
		t.Fatalf("check run %+v", cr)
	}
}

// TestActionForkPullRequest: a fork's read-only token and no PlanetScale
// secrets: lint only, the report in the job summary, the findings as
// workflow annotations (the token cannot write check runs), exit 0.
func TestActionForkPullRequest(t *testing.T) {
	w := newActWorld(t)
	base := w.commit(sha("base"), "", map[string]string{".ddlbot.yml": actConfig, "db/schema/users.sql": actUsers})
	head := w.commit(sha("fork"), base, map[string]string{"db/schema/users.sql": actUsersWith("  score float DEFAULT NULL,\n")})
	w.seed("app", base, "db/schema")
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head, Fork: true, Author: "eve"})
	r := w.run("opened (fork)", "pull_request", w.prEvent("opened"), map[string]string{
		inGitHubToken: w.gh.ReadOnlyToken(), inPSTokenID: "", inPSToken: "", inPSAPIURL: "https://api.planetscale.com/v1"})
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionLintOnly, outReasonCode: "fork", outDRNumber: "", outBranch: "", outLintWarnings: "1"})
	if runs := w.gh.CheckRuns(actOwner, actRepo); len(runs) != 0 {
		t.Fatalf("check runs %+v", runs)
	}
	if cs := w.comments(); len(cs) != 0 {
		t.Fatalf("comments %+v", cs)
	}
	if r.psCalls != 0 {
		t.Errorf("%d PlanetScale requests without credentials", r.psCalls)
	}
	contains(t, "log", r.stdout, "::warning col=3,endColumn=", "file=db/schema/users.sql,line=4,title=float-column::")
	contains(t, "job summary", r.summary, "### ddlbot · `app`", "float-column", "pull requests from forks are linted only")
	var refused int
	for _, c := range r.ghCalls {
		if c.Status == http.StatusForbidden {
			refused++
		}
	}
	if refused != 1 { // the one check run creation; nothing is retried once refused
		t.Errorf("%d refused requests, want 1", refused)
	}
}

// TestActionFaults: PlanetScale answers 500s and 429s, GitHub a 502 and a
// secondary rate limit: the result is the same as without them.
func TestActionFaults(t *testing.T) {
	w := newActWorld(t, func(c *localscale.Config) {
		c.Faults = localscale.Faults{ErrorRate: 0.2, RateLimitEvery: 7, RetryAfter: time.Second, Seed: 3}
	})
	_, head := w.standard()
	w.gh.FailNext(http.MethodGet, "/repos/acme/shop/pulls/7", http.StatusBadGateway, nil)
	w.gh.FailNext(http.MethodPost, "/repos/acme/shop/check-runs", http.StatusForbidden, map[string]string{"Retry-After": "1"})
	w.gh.FailNext(http.MethodPost, "/repos/acme/shop/issues/7/comments", http.StatusTooManyRequests, map[string]string{"Retry-After": "1"})
	r := w.run("opened (faults)", "pull_request", w.prEvent("opened"), nil)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "1", outDeploymentSt: ps.StateReady})
	injected := 0
	for _, c := range r.ghCalls {
		if c.Injected {
			injected++
		}
	}
	if injected != 3 {
		t.Errorf("%d GitHub faults answered, want 3", injected)
	}
	if cs := w.comments(); len(cs) != 1 || !strings.Contains(cs[0].Body, "Deploy request [#1]") {
		t.Fatalf("comments %+v", cs)
	}
	if cr := w.checkRun(head, "ddlbot/app"); cr == nil || cr.Conclusion != "success" {
		t.Fatalf("check run %+v", cr)
	}
	if drs, err := w.ps.ListDeployRequests(context.Background(), actOwner, "app", ps.ListDeployRequestsOptions{}); err != nil || len(drs) != 1 {
		t.Fatalf("deploy requests %+v %v", drs, err)
	}
	if n := len(w.checkRunsOn(head)); n != 1 {
		t.Errorf("%d check runs", n)
	}
}

// TestActionBranchNeverReady: the branch stays pending past wait-timeout: the
// check fails and says why, the step exits 1.
func TestActionBranchNeverReady(t *testing.T) {
	w := newActWorld(t, func(c *localscale.Config) { c.BranchReadyDelay = 24 * time.Hour })
	_, head := w.standard()
	start := time.Now()
	r := w.run("opened (branch never ready)", "pull_request", w.prEvent("opened"), map[string]string{inWaitTimeout: "2s"})
	if r.code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the run took %s with wait-timeout 2s", d)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outReasonCode: "check-failed", outBranch: actBranch, outDRNumber: ""})
	cr := w.checkRun(head, "ddlbot/app")
	if cr == nil || cr.Conclusion != "failure" || cr.Title != "Planning failed" {
		t.Fatalf("check run %+v", cr)
	}
	contains(t, "check run summary", cr.Summary, "did not become ready within 2s", `re\-run to keep waiting`)
	contains(t, "log", r.stdout, "::error::ddlbot: database app: planning failed: branch "+actBranch+" did not become ready within 2s")
	// The done line's reason is what happened, not the report's heading.
	contains(t, "log", r.stdout, `done decision=failed reason_code=check-failed reason="database app: planning failed: branch `+actBranch+` did not become ready`)
}

// TestActionLocalCheckout: the workspace is a real git checkout holding the
// base and head commits: files come from git, not from the API. A push whose
// commit is not in the checkout falls back to the API for it. The
// organization and database inputs override the configuration.
func TestActionLocalCheckout(t *testing.T) {
	w := newActWorld(t)
	cfg := "databases:\n  - name: shop\n    schema: db/schema\nlint:\n  rules:\n    not-instant: off\n" // no organization
	gitRepo(t, w.ws, map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
	base := revParse(t, w.ws, "HEAD")
	write(t, w.ws, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
	git(t, w.ws, "commit", "-qam", "nick")
	head := revParse(t, w.ws, "HEAD")
	// The fake serves the same commits, for the API fallback.
	w.commit(base, "", map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
	w.commit(head, base, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
	w.seed("app", base, "db/schema")
	w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head})

	inputs := map[string]string{inOrganization: "acme", inDatabase: "app"}
	r := w.run("opened (git checkout)", "pull_request", w.prEvent("opened"), inputs)
	if r.code != 0 {
		t.Fatal(r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionPlanned, outDRNumber: "1", outBranch: actBranch})
	for _, c := range fileReads(r.ghCalls) {
		t.Errorf("read through the API although the commit is checked out: %s %s", c.Method, c.Path)
	}
	if dr, err := w.ps.GetDeployRequest(context.Background(), actOwner, "app", 1); err != nil || dr.Branch != actBranch {
		t.Fatalf("deploy request in the database named by the input: %+v %v", dr, err)
	}
	contains(t, "comment", w.comments()[0].Body, "### ddlbot · `shop`", "Deploy request [#1]")
	localCalls := r.ghTotal

	// A push that is not in the checkout: the head is read through the API,
	// the base still from git.
	w.pushAge(head)
	r = w.run("synchronize (head not local)", "pull_request", w.prEvent("synchronize"), inputs)
	if r.code != 0 {
		t.Fatal(r)
	}
	apiReads := fileReads(r.ghCalls)
	for _, c := range apiReads {
		if strings.Contains(c.Path, base) || strings.Contains(c.Query.Get("ref"), base) {
			t.Errorf("the base commit read through the API: %s", c.Path)
		}
	}
	if len(apiReads) == 0 {
		t.Fatal("the pushed head was not read through the API")
	}
	if r.ghTotal <= localCalls {
		t.Errorf("GitHub calls: %d from the checkout, %d with the API fallback", localCalls, r.ghTotal)
	}
	contains(t, "comment", w.comments()[0].Body, "`age`")
}

// fileReads are the calls that read a commit's files through the API
// (contents, git objects), but for the configuration's read from the
// default branch: it governs from there, named by branch, never from a
// checkout, whose branches are not GitHub's.
func fileReads(calls []githubfake.Call) []githubfake.Call {
	var out []githubfake.Call
	for _, c := range calls {
		if strings.HasSuffix(c.Path, "/contents/.ddlbot.yml") && c.Query.Get("ref") == "main" {
			continue
		}
		if strings.Contains(c.Path, "/contents/") || strings.Contains(c.Path, "/git/") {
			out = append(out, c)
		}
	}
	return out
}

func revParse(t *testing.T, dir, ref string) string {
	t.Helper()
	return gittest.Output(t, dir, "rev-parse", ref)
}

// TestActionEventsAndSetup: events the action does not plan on, and steps
// set up wrong (exit 2, with what to fix).
func TestActionEventsAndSetup(t *testing.T) {
	w := newActWorld(t)
	w.standard()

	r := w.run("push (ignored)", "push", []byte(`{"ref":"refs/heads/main"}`), nil)
	if r.code != 0 || r.ghTotal != 0 {
		t.Fatalf("push: %s", r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionIgnored, outReasonCode: "event-not-handled", outLintErrors: "0"})

	// A comment that is no command: ignored, no reaction.
	id := w.gh.AddComment(actOwner, actRepo, actPR, "alice", "LGTM")
	r = w.run("issue_comment (not a command)", "issue_comment", w.gh.CommentEvent(t, "created", actOwner, actRepo, id, nil), nil)
	if r.code != 0 || r.psCalls != 0 {
		t.Fatalf("issue_comment: %s", r)
	}
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionIgnored, outReasonCode: bot.ReasonNotACommand})

	for _, tc := range []struct {
		name    string
		event   string
		payload []byte
		inputs  map[string]string
		want    string
	}{
		{"empty payload", "pull_request", nil, nil, "pull_request event: the payload at GITHUB_EVENT_PATH is not valid JSON"},
		{"malformed payload", "pull_request", []byte(`{"action":`), nil, "pull_request event: the payload at GITHUB_EVENT_PATH is not valid JSON"},
		{"payload without number", "pull_request", []byte(`{"action":"opened","repository":{"name":"shop","owner":{"login":"acme"}}}`), nil, "no pull request number"},
		{"payload without repository", "pull_request_target", []byte(`{"action":"opened","number":7}`), nil, "the payload has no repository"},
		{"comment payload without comment", "issue_comment", []byte(`{"action":"created","issue":{"number":7}}`), nil, "the payload has no comment"},
		{"no token", "pull_request", w.prEvent("opened"), map[string]string{inGitHubToken: "-"}, "no GitHub token: set the github-token input"},
		{"rejected token", "pull_request", w.prEvent("opened"), map[string]string{inGitHubToken: "ghp_wrong"}, "GitHub rejected the token"},
		{"bad fail-on", "pull_request", w.prEvent("opened"), map[string]string{inFailOn: "notice"}, `the fail-on input is "notice": use error or warning`},
		{"bad wait-timeout", "pull_request", w.prEvent("opened"), map[string]string{inWaitTimeout: "10 minutes"}, `the wait-timeout input is "10 minutes": give a number of seconds (120) or a Go duration`},
		{"half a PlanetScale token", "pull_request", w.prEvent("opened"), map[string]string{inPSToken: ""}, "PLANETSCALE_SERVICE_TOKEN is empty"},
	} {
		r := w.run(tc.name, tc.event, tc.payload, tc.inputs)
		if r.code != 2 || !strings.Contains(r.stdout, "::error::ddlbot: ") || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%s: want exit 2 and %q: %s", tc.name, tc.want, r)
		}
		if r.out[outDecision] != string(bot.DecisionFailed) || r.out[outReasonCode] == "" {
			t.Errorf("%s: outputs %v", tc.name, r.out)
		}
	}
	if runs := w.gh.CheckRuns(actOwner, actRepo); len(runs) != 0 {
		t.Errorf("check runs from failed setups: %+v", runs)
	}
}

// TestActionOutsideActions: without GITHUB_EVENT_NAME the command says where
// it runs.
func TestActionOutsideActions(t *testing.T) {
	run := func(args ...string) (int, string) {
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = t.TempDir(), []string{"PATH=" + os.Getenv("PATH")} // not the environment of a CI job running this test
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), string(out)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	if code, out := run("action"); code != 2 || !strings.Contains(out, "GITHUB_EVENT_NAME is not set") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if code, out := run("action", "--help"); code != 0 || !strings.Contains(out, "Usage: ddlbot action") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
