package bot

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/listedfs"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	vtlog "vitess.io/vitess/go/vt/log"
)

func TestMain(m *testing.M) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

// fakeGitHub is an in-memory GitHub for engine tests: commits are file maps.
type fakeGitHub struct {
	mu       sync.Mutex
	pr       github.PullRequest
	commits  map[string]map[string]string // sha → path → content
	comments map[string]string            // marker → body
	checks   map[string]*github.CheckRun  // sha/name → run
	anns     map[int64][]github.Annotation
	calls    map[string]int
	nextID   int64
}

func newFakeGitHub() *fakeGitHub {
	return &fakeGitHub{commits: map[string]map[string]string{}, comments: map[string]string{}, checks: map[string]*github.CheckRun{},
		anns: map[int64][]github.Annotation{}, calls: map[string]int{}}
}

func (f *fakeGitHub) count(op string) { f.calls[op]++ }

func (f *fakeGitHub) PullRequest(_ context.Context, _, _ string, n int) (github.PullRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("pull")
	if n != f.pr.Number {
		return github.PullRequest{}, fmt.Errorf("no pull request #%d", n)
	}
	return f.pr, nil
}

func (f *fakeGitHub) FileContent(_ context.Context, _, _, ref, p string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("content")
	c, ok := f.commits[ref][p]
	if !ok {
		return nil, fmt.Errorf("%s at %s: %w", p, ref, fs.ErrNotExist)
	}
	return []byte(c), nil
}

// RepoFS leaves a .sql file over maxSQLFileSize unread, as the real ones do.
func (f *fakeGitHub) RepoFS(_ context.Context, _, _, ref, dir string, limits listedfs.Limits) (fs.FS, error) {
	maxSQLFileSize := limits.MaxFileSize
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("tree")
	m := fstest.MapFS{}
	unread := map[string]int64{}
	for p, c := range f.commits[ref] {
		if !strings.HasPrefix(p, path.Clean(dir)+"/") {
			continue
		}
		if maxSQLFileSize > 0 && int64(len(c)) > maxSQLFileSize && strings.HasSuffix(p, ".sql") {
			m[p], unread[p] = &fstest.MapFile{}, int64(len(c))
			continue
		}
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	return listedfs.New(m, unread, maxSQLFileSize), nil
}

func (f *fakeGitHub) FindStickyComment(_ context.Context, _, _ string, _ int, marker string) (*github.Comment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("find-comment")
	if b, ok := f.comments[marker]; ok {
		return &github.Comment{ID: commentID(marker), Body: b}, nil
	}
	return nil, nil
}

func (f *fakeGitHub) UpsertStickyComment(_ context.Context, _, _ string, _ int, marker, body string) (int64, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok := f.comments[marker]
	if ok && old == body {
		return commentID(marker), false, nil
	}
	f.count("write-comment")
	f.comments[marker] = body
	return commentID(marker), !ok, nil
}

// commentID is the fake's stable id for the comment holding a marker.
func commentID(marker string) int64 {
	var h int64 = 7
	for _, c := range marker {
		h = h*31 + int64(c)
	}
	if h < 0 {
		h = -h
	}
	return h%1_000_000 + 1
}

func (f *fakeGitHub) CreateCheckRun(_ context.Context, _, _ string, o github.CheckRunOptions) (github.CheckRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("create-check")
	f.nextID++
	cr := &github.CheckRun{ID: f.nextID, Name: o.Name, HeadSHA: o.HeadSHA}
	f.checks[o.HeadSHA+"/"+o.Name] = cr
	f.apply(cr, o)
	return *cr, nil
}

func (f *fakeGitHub) UpdateCheckRun(_ context.Context, _, _ string, id int64, o github.CheckRunOptions) (github.CheckRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("update-check")
	for _, cr := range f.checks {
		if cr.ID == id {
			f.apply(cr, o)
			return *cr, nil
		}
	}
	return github.CheckRun{}, fmt.Errorf("no check run %d", id)
}

func (f *fakeGitHub) apply(cr *github.CheckRun, o github.CheckRunOptions) {
	cr.Status, cr.Conclusion = o.Status, o.Conclusion
	if o.Conclusion != "" {
		cr.Status = github.StatusCompleted
	}
	cr.Title, cr.Summary = o.Title, o.Summary
	f.anns[cr.ID] = append(f.anns[cr.ID], o.Annotations...)
}

func (f *fakeGitHub) FindCheckRun(_ context.Context, _, _, sha, name string) (*github.CheckRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("find-check")
	if cr, ok := f.checks[sha+"/"+name]; ok {
		c := *cr
		return &c, nil
	}
	return nil, nil
}

func (f *fakeGitHub) check(sha, name string) *github.CheckRun {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.checks[sha+"/"+name]
}

// fakeClock drives localscale's fake clock from the engine's waits.
type fakeClock struct{ c *localscale.FakeClock }

func (f fakeClock) Now() time.Time { return f.c.Now() }
func (f fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.c.Advance(d)
	return ctx.Err()
}

// world is an engine wired to a fake GitHub and an in-process localscale
// (real HTTP and MySQL on loopback, fake clock).
type world struct {
	t      testing.TB
	gh     *fakeGitHub
	ls     *localscale.Server
	clock  *localscale.FakeClock
	client *ps.Client
	engine *Engine
}

const baseSchema = "CREATE TABLE users (\n  id bigint NOT NULL AUTO_INCREMENT,\n  email varchar(255) NOT NULL,\n  PRIMARY KEY (id)\n);\n"

func newWorld(t testing.TB, cfgYAML string, files map[string]string, mutate ...func(*localscale.Config)) *world {
	t.Helper()
	clock := localscale.NewFakeClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	cfg := localscale.Config{Org: "acme", Clock: clock, TokenID: "tid", Token: "tok"}
	for _, m := range mutate {
		m(&cfg)
	}
	ls, err := localscale.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ls.ListenMySQL("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(ls.Handler())
	t.Cleanup(func() { ts.Close(); _ = ls.Close() })
	gh := newFakeGitHub()
	base := map[string]string{".ddlbot.yml": cfgYAML}
	for p, c := range files {
		base[p] = c
	}
	gh.commits["base1"] = base
	gh.pr = github.PullRequest{Number: 7, State: "open", HeadSHA: "base1", BaseSHA: "base1", HTMLURL: "https://github.com/o/r/pull/7"}
	seed := fstest.MapFS{}
	for p, c := range files {
		seed[p] = &fstest.MapFile{Data: []byte(c)}
	}
	w := &world{t: t, gh: gh, ls: ls, clock: clock}
	w.client, err = ps.New(ps.Config{BaseURL: ts.URL + "/v1", ServiceTokenID: "tid", ServiceToken: "tok",
		Sleep: func(ctx context.Context, d time.Duration) error { clock.Advance(d); return ctx.Err() }, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.engine = &Engine{GitHub: gh, PlanetScale: w.client, Clock: fakeClock{clock}, Options: Options{Version: "test"}}
	return w
}

// seed creates a database in localscale from a folder of the base commit.
func (w *world) seed(db, dir string) {
	w.t.Helper()
	m := fstest.MapFS{}
	for p, c := range w.gh.commits["base1"] {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	if err := w.ls.SeedDatabase("acme", db, m, dir); err != nil {
		w.t.Fatal(err)
	}
}

// push makes a new head commit from the base plus changes ("" deletes).
func (w *world) push(sha string, changes map[string]string) {
	w.gh.mu.Lock()
	defer w.gh.mu.Unlock()
	c := map[string]string{}
	for p, v := range w.gh.commits[w.gh.pr.HeadSHA] {
		c[p] = v
	}
	for p, v := range changes {
		if v == "" {
			delete(c, p)
		} else {
			c[p] = v
		}
	}
	w.gh.commits[sha] = c
	w.gh.pr.HeadSHA = sha
}

func (w *world) run(action string) *Outcome {
	w.t.Helper()
	out, err := w.engine.HandlePullRequest(context.Background(), PullRequestEvent{Action: action, Repo: Repo{"o", "r"}, Number: 7})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// testRepo is the repository of the engine tests' pull request #7.
var testRepo = Repo{"o", "r"}

// testBranch is the PlanetScale branch of testRepo's pull request #7.
var testBranch = BranchName(testRepo, 7)
