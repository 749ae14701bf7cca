package server

// Benchmarks of the server's own paths (figures in NOTES.md):
//
//	go test ./internal/server/ -run='^$' -bench=Intake -benchtime=20000x
//	go test ./internal/server/ -run='^$' -bench=WebhookToComment -benchtime=5x
//
// BenchmarkIntake posts signed deliveries from parallel clients over
// loopback to the SQLite store; BenchmarkWebhookToComment runs the engine
// (githubfake as GitHub with the App, localscale as PlanetScale) and times a
// PlanetScale webhook's arrival to the sticky comment's edit (its ns/op is
// not the figure: the timed path is asynchronous; see webhook-to-edit-ms).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/syncbuf"
	vtlog "vitess.io/vitess/go/vt/log"
)

// percentiles reports p50 and p99 of ds in milliseconds.
func percentiles(b *testing.B, ds []time.Duration) {
	b.Helper()
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// nopRunner runs nothing: the intake benchmark measures the intake.
type nopRunner struct{}

func (nopRunner) Run(context.Context, *Job) (*FollowUp, error) { return nil, nil }

// BenchmarkIntake: signed pull_request deliveries, each a new delivery id,
// from 16 parallel clients over loopback into the SQLite store. "intake"
// measures the intake alone; "with workers" runs the server as it runs
// (Server.Run, 4 workers claiming and finishing each job as it comes), so
// the intake shares SQLite's one writer with the claims, the lease
// renewals and the job ends. Each delivery is another pull request.
func BenchmarkIntake(b *testing.B) {
	b.Run("intake", func(b *testing.B) { benchIntake(b, false) })
	b.Run("with workers", func(b *testing.B) { benchIntake(b, true) })
}

func benchIntake(b *testing.B, workers bool) {
	st := openTestStore(b)
	s, err := New(Config{WebhookSecret: secret, Store: st, Runner: nopRunner{}, Workers: 4, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	url := ""
	if workers {
		var stop func()
		url, stop = runServer(b, s)
		defer stop()
	} else {
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		url = srv.URL
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var seq atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8) // 8 × GOMAXPROCS clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			n := seq.Add(1)
			body := []byte(strings.Replace(prPayload, `"number":7`, fmt.Sprintf(`"number":%d`, n), 1))
			req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/github", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d", n))
			req.Header.Set("X-Hub-Signature-256", Sign(secret, body))
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(t0))
			if resp.StatusCode != http.StatusAccepted {
				b.Errorf("delivery: %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	percentiles(b, lat)
	c, err := st.Counts(context.Background())
	if err != nil || c[stateQueued]+c[stateRunning]+c[stateDone] != b.N || c[stateFailed] != 0 {
		b.Fatalf("stored %v, want %d jobs (%v)", c, b.N, err)
	}
	if workers {
		b.ReportMetric(float64(c[stateDone]), "jobs-done")
	}
}

// benchUsers is the users table with the columns c0 ... c(n-1): iteration
// i deploys c(i) on top of what the earlier ones deployed.
func benchUsers(n int) string {
	var cols strings.Builder
	for i := range n {
		fmt.Fprintf(&cols, "  c%d varchar(40) DEFAULT NULL,\n", i)
	}
	return "CREATE TABLE users (\n  id bigint NOT NULL AUTO_INCREMENT,\n  email varchar(255) NOT NULL,\n" + cols.String() + "  PRIMARY KEY (id)\n);\n"
}

// BenchmarkWebhookToComment: per iteration a new repository (one database);
// its pull request is planned and deployed through the server (untimed),
// the job hands the deployment over, and then the deploy_request.in_progress
// webhook's arrival to the comment showing the deployment past its submit
// phase is timed. The
// deployment's submit phase lasts 2 s, so the state shown can only come
// from the webhook's follow-up (the polling follow-up is an hour away).
func BenchmarkWebhookToComment(b *testing.B) {
	const org = "acme"
	vtlog.SwapLogger(slog.New(slog.DiscardHandler))
	var logBuf syncbuf.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, nil))
	gh := githubfake.New(b)
	app := gh.App()
	ls, err := localscale.New(localscale.Config{Org: org, BranchReadyDelay: time.Microsecond, CheckDelay: time.Microsecond,
		Speed: 1, OperationDuration: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ls.ListenMySQL("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	psSrv := httptest.NewServer(ls.Handler())
	defer func() { psSrv.Close(); _ = ls.Close() }()
	tokID, tok := ls.Token()
	psc, err := ps.New(ps.Config{BaseURL: psSrv.URL + "/v1", ServiceTokenID: tokID, ServiceToken: tok})
	if err != nil {
		b.Fatal(err)
	}
	// The webhook's arrival, before the server sees it.
	var arrivedMu sync.Mutex
	arrived := map[string]time.Time{} // by deploy request number
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	serverURL := "http://" + ln.Addr().String()
	fwd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(r.Body)
		var ev ps.WebhookEvent
		if r.Header.Get("X-PlanetScale-Event") == ps.EventDeployRequestInProgress && json.Unmarshal(body, &ev) == nil {
			arrivedMu.Lock()
			arrived[fmt.Sprint(ev.Resource["number"])] = at
			arrivedMu.Unlock()
		}
		req, _ := http.NewRequest(http.MethodPost, serverURL+"/webhooks/planetscale", bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
	}))
	defer fwd.Close()

	if err := ls.SeedDatabase(org, "app", fstest.MapFS{"db/schema/users.sql": {Data: []byte(benchUsers(0))}}, "db/schema"); err != nil {
		b.Fatal(err)
	}
	wh, err := psc.CreateWebhook(context.Background(), org, "app", ps.CreateWebhookRequest{URL: fwd.URL,
		Events: []string{ps.EventDeployRequestInProgress}})
	if err != nil {
		b.Fatal(err)
	}
	st := openTestStore(b)
	runner := &EngineRunner{AppID: app.ID, PrivateKey: app.PrivateKeyPEM, GitHubURL: gh.URL(), PlanetScale: psc,
		Options: bot.Options{FollowTimeout: time.Millisecond, FollowedOn: true, PollInterval: 10 * time.Millisecond,
			MaxPollInterval: 20 * time.Millisecond, MinUpdateInterval: time.Millisecond},
		FollowEvery: time.Hour, FollowIdle: time.Hour, Logger: logger}
	s, err := New(Config{WebhookSecret: secret, PlanetScaleWebhookSecrets: []string{wh.Secret}, Store: st, Runner: runner, Logger: logger,
		Workers: 4, Poll: 50 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() { ended <- s.Run(ctx, ln) }()
	defer func() { stop(); <-ended }()

	deliver := func(event string, payload []byte) {
		b.Helper()
		code, err := gh.Deliver(serverURL+"/webhooks/github", secret, event, payload)
		if err != nil || code != http.StatusAccepted {
			b.Fatalf("deliver %s: %d %v", event, code, err)
		}
	}
	waitComment := func(repo, what string, not ...string) time.Time {
		b.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			for _, c := range gh.Comments(org, repo, 7) {
				if strings.Contains(c.Body, bot.Marker("app")) && strings.Contains(c.Body, what) && !containsAny(c.Body, not) {
					return time.Now()
				}
			}
			time.Sleep(time.Millisecond)
		}
		b.Fatalf("%s: the comment never showed %q\nserver log:\n%s", repo, what, logBuf.String())
		return time.Time{}
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		repo := fmt.Sprintf("shop%d", i)
		gh.AddRepoWith(githubfake.Repo{Owner: org, Name: repo, Org: true})
		gh.SetPermission(org, repo, "alice", "write")
		cfg := fmt.Sprintf("databases:\n  - name: app\n    organization: %s\n    database: app\n    schema: db/schema\nlint:\n  rules:\n    not-instant: off\n", org)
		base, head := fmt.Sprintf("%040x", 2*i+1), fmt.Sprintf("%040x", 2*i+2)
		for ref, n := range map[string]int{"main": i, base: i, head: i + 1} {
			gh.SetFiles(org, repo, ref, map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": benchUsers(n)})
		}
		gh.AddPullRequest(org, repo, githubfake.PR{Number: 7, BaseSHA: base, HeadSHA: head, Author: "alice"})
		deliver("pull_request", gh.PullRequestEvent(b, "opened", org, repo, 7, nil))
		waitComment(repo, "Deploy request [#")
		id := gh.AddComment(org, repo, 7, "alice", "/deploy")
		deliver("issue_comment", gh.CommentEvent(b, "created", org, repo, id, nil))
		// The job hands over while the deployment is queued or submitting;
		// the webhook's follow-up shows it moved on.
		shown := waitComment(repo, "#### Deployment of", ": queued\n", ": submitting\n")
		number := deployRequestOf(b, gh.Comments(org, repo, 7))
		arrivedMu.Lock()
		at, ok := arrived[fmt.Sprint(number)]
		arrivedMu.Unlock()
		if !ok || shown.Before(at) {
			b.Fatalf("%s: the comment showed the deployment in progress without the webhook", repo)
		}
		lat = append(lat, shown.Sub(at))
		// The next deployment queues behind this one until its cutover.
		deadline := time.Now().Add(time.Minute)
		for {
			dr, err := psc.GetDeployRequest(context.Background(), org, "app", number)
			if err == nil && dr.DeploymentState == ps.StateCompletePendingRevert {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("deploy request #%d did not finish: %v %v", number, dr, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	b.StopTimer()
	percentiles(b, lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	b.ReportMetric(float64(sum)/float64(len(lat))/float64(time.Millisecond), "webhook-to-edit-ms")
	if gh.CrossInstallationRefusals() != 0 || len(gh.Violations()) != 0 {
		b.Fatalf("GitHub calls refused or off the OpenAPI description: %v", gh.Violations())
	}
}

var drNumber = regexp.MustCompile(`Deployment of \[#(\d+)\]`)

// deployRequestOf is the deploy request the sticky comment shows deploying.
func deployRequestOf(b *testing.B, cs []githubfake.Comment) int {
	b.Helper()
	for _, c := range cs {
		if m := drNumber.FindStringSubmatch(c.Body); m != nil && strings.Contains(c.Body, bot.Marker("app")) {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	b.Fatal("no deployment in the sticky comment")
	return 0
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
