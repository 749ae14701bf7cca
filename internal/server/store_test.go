package server

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/mysqltest"
)

func openTestStore(t testing.TB) Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "ddlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openMySQLTestStore(t testing.TB) Store {
	t.Helper()
	s, err := OpenMySQL(context.Background(), mysqltest.StoreURL(mysqltest.Database(t, "ddlbot_srv_")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// stores are the Store implementations every store test runs against.
var stores = []struct {
	name string
	open func(testing.TB) Store
}{
	{"sqlite", openTestStore},
	{"mysql", openMySQLTestStore},
}

// eachStore runs test against each of the stores, as a subtest named after
// the store.
func eachStore(t *testing.T, test func(*testing.T, Store)) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { test(t, st.open(t)) })
	}
}

func TestStoreQueue(t *testing.T) {
	eachStore(t, testStoreQueue)
}

func testStoreQueue(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	enq := func(delivery, key string, at time.Time) bool {
		t.Helper()
		ok, err := s.Enqueue(ctx, Job{Delivery: delivery, Event: "pull_request", Key: key, Payload: []byte("{}")}, at)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	claim := func(owner string, at time.Time) *Job {
		t.Helper()
		j, err := s.Claim(ctx, owner, at, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	if !enq("d1", "o/r#1", now) || enq("d1", "o/r#1", now) {
		t.Fatal("a redelivery was stored twice, or the first not at all")
	}
	enq("d2", "o/r#1", now) // same pull request: waits for d1
	enq("d3", "o/r#2", now) // another one: runs beside it
	enq("d4", "o/r#3", now.Add(time.Hour))

	a := claim("a", now)
	b := claim("b", now)
	if a == nil || b == nil || a.Delivery != "d1" || b.Delivery != "d3" {
		t.Fatalf("claims %+v %+v: want d1 then d3 (d2 waits for d1)", a, b)
	}
	if j := claim("c", now); j != nil {
		t.Fatalf("claimed %+v while its pull request runs, or before its time", j)
	}
	if err := s.Finish(ctx, a.ID, "a", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, a.ID, "a", ""); err == nil {
		t.Fatal("finished a job twice")
	}
	c := claim("c", now)
	if c == nil || c.Delivery != "d2" {
		t.Fatalf("after d1: %+v, want d2", c)
	}
	// A replica dies holding d2: once its lease runs out another takes it.
	if j := claim("d", now.Add(30*time.Second)); j != nil {
		t.Fatalf("claimed %+v under a live lease", j)
	}
	d := claim("d", now.Add(2*time.Minute))
	if d == nil || d.Delivery != "d2" || d.Attempts != 2 {
		t.Fatalf("after the lease ran out: %+v", d)
	}
	if err := s.Finish(ctx, c.ID, "c", ""); err == nil {
		t.Fatal("the dead replica finished a job it had lost")
	}
	if err := s.Extend(ctx, c.ID, "c", now.Add(time.Hour)); err == nil {
		t.Fatal("the dead replica renewed a lease it had lost")
	}
	// A renewed lease holds past its first end.
	if err := s.Extend(ctx, d.ID, "d", now.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if j := claim("x", now.Add(3*time.Minute)); j != nil && j.Key == "o/r#1" {
		t.Fatalf("claimed %+v under a renewed lease", j)
	}
	// Retry: back in the queue, later; its pull request's later jobs wait.
	enq("d5", "o/r#1", now)
	if err := s.Retry(ctx, d.ID, "d", now.Add(5*time.Minute), "GitHub answered 502"); err != nil {
		t.Fatal(err)
	}
	if j := claim("e", now.Add(4*time.Minute)); j != nil && j.Key == "o/r#1" {
		t.Fatalf("claimed %+v ahead of a retry of its pull request", j)
	}
	if j := claim("e", now.Add(6*time.Minute)); j == nil || j.Delivery != "d2" {
		t.Fatalf("the retry: %+v", j)
	} else if err := s.Finish(ctx, j.ID, "e", "gave up"); err != nil {
		t.Fatal(err)
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[stateDone] != 1 || counts[stateFailed] != 1 || counts[stateRunning] != 1 || counts[stateQueued] != 2 {
		t.Fatalf("counts %v", counts)
	}
}

func TestStoreDeployments(t *testing.T) {
	eachStore(t, testStoreDeployments)
}

func testStoreDeployments(t *testing.T, s Store) {
	ctx := context.Background()
	if d, err := s.LookupDeployment(ctx, "acme", "shop", 3); err != nil || d != nil {
		t.Fatalf("before any record: %+v %v", d, err)
	}
	at := time.UnixMilli(1_800_000_000_000)
	rec := func(number int, state string, at time.Time) {
		t.Helper()
		if err := s.RecordDeployment(ctx, Deployment{Organization: "acme", Database: "shop", Number: number, InstallationID: 9,
			Repo: "acme/app", PullRequest: 7, State: state, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	rec(3, "in_progress", at)
	rec(4, "queued", at.Add(time.Second))
	if err := s.RecordDeployment(ctx, Deployment{Organization: "acme", Database: "shop", Number: 3, InstallationID: 9,
		Repo: "acme/app", PullRequest: 7, State: "in_progress", CommentID: 501, CheckRunID: 601, UpdatedAt: at.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	rec(3, "complete_pending_revert", at.Add(2*time.Second)) // brought up to date; the ids known stay
	d, err := s.LookupDeployment(ctx, "acme", "shop", 3)
	if err != nil || d == nil || d.State != "complete_pending_revert" || d.Repo != "acme/app" || d.PullRequest != 7 || d.InstallationID != 9 || !d.UpdatedAt.Equal(at.Add(2*time.Second)) ||
		d.CommentID != 501 || d.CheckRunID != 601 {
		t.Fatalf("deploy request 3: %+v %v", d, err)
	}
	if d, _ := s.LookupDeployment(ctx, "acme", "shop", 0); d == nil || d.Number != 3 {
		t.Fatalf("the latest of the database: %+v, want #3", d)
	}
	if d, _ := s.LookupDeployment(ctx, "acme", "other", 0); d != nil {
		t.Fatalf("another database: %+v", d)
	}
}

func TestStoreWake(t *testing.T) {
	eachStore(t, testStoreWake)
}

func testStoreWake(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	if _, err := s.Enqueue(ctx, Job{Delivery: "f1", Event: KindFollow, Key: "follow:o/r", Payload: []byte("{}")}, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if j, _ := s.Claim(ctx, "a", now, time.Minute); j != nil {
		t.Fatalf("claimed a follow-up before its time: %+v", j)
	}
	if n, err := s.Wake(ctx, "follow:o/other", now); err != nil || n != 0 {
		t.Fatalf("woke %d of another key (%v)", n, err)
	}
	if n, err := s.Wake(ctx, "follow:o/r", now); err != nil || n != 1 {
		t.Fatalf("woke %d, want 1 (%v)", n, err)
	}
	// Due already: a later time leaves it, and it still counts as waiting.
	if n, err := s.Wake(ctx, "follow:o/r", now.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("a waiting job: %d (%v)", n, err)
	}
	j, err := s.Claim(ctx, "a", now, time.Minute)
	if err != nil || j == nil || j.Delivery != "f1" {
		t.Fatalf("after the wake: %+v %v", j, err)
	}
	if n, _ := s.Wake(ctx, "follow:o/r", now); n != 0 {
		t.Fatalf("woke a running job")
	}
}

// TestFollowUpYieldsToPush: a follow-up waiting for its time does not hold
// back a push to its pull request, and a follow-up that is due waits while
// a job of its pull request runs (one job of a pull request at a time).
func TestFollowUpYieldsToPush(t *testing.T) {
	eachStore(t, testFollowUpYieldsToPush)
}

func testFollowUpYieldsToPush(t *testing.T, st Store) {
	ctx := context.Background()
	repo := bot.Repo{Owner: "acme", Name: "shop"}
	now := time.Now()
	if _, err := st.Enqueue(ctx, followJob("f1", 9, repo, 7), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enqueue(ctx, Job{Delivery: "push", Event: "pull_request", InstallationID: 9, Key: "acme/shop#7", Payload: []byte("{}")}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	j, err := st.Claim(ctx, "w1", now, time.Minute)
	if err != nil || j == nil || j.Delivery != "push" {
		t.Fatalf("claimed %+v %v, want the push ahead of the follow-up not due yet", j, err)
	}
	if n, err := st.Wake(ctx, "acme/shop#7", now); err != nil || n != 1 {
		t.Fatalf("Wake: %d %v, want the one follow-up", n, err)
	}
	if j2, err := st.Claim(ctx, "w2", now, time.Minute); err != nil || j2 != nil {
		t.Fatalf("claimed %+v %v while the push runs, want nothing", j2, err)
	}
	if err := st.Finish(ctx, j.ID, "w1", ""); err != nil {
		t.Fatal(err)
	}
	if j2, err := st.Claim(ctx, "w2", now, time.Minute); err != nil || j2 == nil || j2.Delivery != "f1" {
		t.Fatalf("claimed %+v %v, want the follow-up", j2, err)
	}
}

// TestStoreConcurrentClaims: workers claiming from one store at once (on
// MySQL, through a connection each, as replicas do) run every job exactly
// once, never two jobs of one pull request at a time, and a pull request's
// jobs in the order they came, retries included.
func TestStoreConcurrentClaims(t *testing.T) {
	eachStore(t, testConcurrentClaims)
}

// run is a job a worker of testConcurrentClaims holds; ending once the
// worker has started to write its end to the store.
type run struct {
	delivery string
	ending   bool
}

func testConcurrentClaims(t *testing.T, s Store) {
	const keys, perKey, workers = 12, 8, 8
	ctx := context.Background()
	seq := map[string]int{} // delivery → its place in its key's order
	for i := range perKey {
		for k := range keys {
			d := fmt.Sprintf("k%d-j%d", k, i)
			seq[d] = i
			if ok, err := s.Enqueue(ctx, Job{Delivery: d, Event: "pull_request", Key: fmt.Sprintf("o/r#%d", k), Payload: []byte("{}")}, time.Now()); err != nil || !ok {
				t.Fatalf("enqueue %s: %v %v", d, ok, err)
			}
		}
	}
	var (
		mu       sync.Mutex
		running  = map[string]*run{} // key → the job of it that runs
		last     = map[string]int{}  // key → place of the last job done
		ran      = map[string]int{}  // delivery → runs that ended done
		attempts = map[string]int{}
		problems []string
		wg       sync.WaitGroup
	)
	deadline := time.Now().Add(60 * time.Second)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("w%d", w)
			for time.Now().Before(deadline) {
				j, err := s.Claim(ctx, owner, time.Now(), time.Minute)
				if err != nil {
					mu.Lock()
					problems = append(problems, "claim: "+err.Error())
					mu.Unlock()
					return
				}
				mu.Lock()
				if j == nil {
					finished := len(ran) == keys*perKey
					mu.Unlock()
					if finished {
						return
					}
					time.Sleep(time.Millisecond) // pacing an idle worker, as the pool's poll does
					continue
				}
				// A job whose end is being written may have committed it
				// already: the next of its key may then be claimed before
				// its worker hears back. One still running may not.
				if other, busy := running[j.Key]; busy && !other.ending {
					problems = append(problems, fmt.Sprintf("%s claimed while %s of %s runs", j.Delivery, other.delivery, j.Key))
				}
				if seq[j.Delivery] != last[j.Key] {
					problems = append(problems, fmt.Sprintf("%s ran out of order (after place %d of %s)", j.Delivery, last[j.Key]-1, j.Key))
				}
				running[j.Key] = &run{delivery: j.Delivery}
				attempts[j.Delivery]++
				retry := attempts[j.Delivery] == 1 && seq[j.Delivery]%3 == 1 // every third job fails once
				mu.Unlock()
				time.Sleep(time.Millisecond) // a job takes time: others claim meanwhile
				mu.Lock()
				if !retry {
					ran[j.Delivery]++
					last[j.Key] = seq[j.Delivery] + 1
				}
				mine := running[j.Key]
				mine.ending = true
				mu.Unlock()
				if retry {
					err = s.Retry(ctx, j.ID, owner, time.Now(), "GitHub answered 502")
				} else {
					err = s.Finish(ctx, j.ID, owner, "")
				}
				// Another worker may have claimed the key's next job since
				// the store committed this end: that run stays recorded.
				mu.Lock()
				if running[j.Key] == mine {
					delete(running, j.Key)
				}
				if err != nil {
					problems = append(problems, fmt.Sprintf("end %s: %v", j.Delivery, err))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	for d := range seq {
		if ran[d] != 1 {
			t.Errorf("%s ran %d times, want once", d, ran[d])
		}
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[stateDone] != keys*perKey {
		t.Fatalf("counts %v, want %d done", counts, keys*perKey)
	}
}

func TestStorePrune(t *testing.T) {
	eachStore(t, testStorePrune)
}

// testStorePrune: ended jobs and quiet deployments older than the cutoff go;
// waiting jobs and recent deployments stay.
func testStorePrune(t *testing.T, s Store) {
	ctx := context.Background()
	for _, j := range []Job{{Delivery: "ended", Key: "o/r#1"}, {Delivery: "waiting", Key: "o/r#2"}, {Delivery: "bad", Key: "invalid:bad", Error: "no repository"}} {
		j.Event, j.Payload = "pull_request", []byte("{}")
		if _, err := s.Enqueue(ctx, j, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	j, err := s.Claim(ctx, "a", time.Now(), time.Minute)
	if err != nil || j == nil || j.Delivery != "ended" {
		t.Fatalf("claim: %+v %v", j, err)
	}
	if err := s.Finish(ctx, j.ID, "a", ""); err != nil {
		t.Fatal(err)
	}
	// The cutoff below is a second from now (so that the jobs that just
	// ended are past it): "recent" is heard of after it.
	old, recent := time.Now().Add(-30*24*time.Hour), time.Now().Add(time.Hour)
	for n, at := range map[int]time.Time{1: old, 2: recent} {
		if err := s.RecordDeployment(ctx, Deployment{Organization: "acme", Database: "shop", Number: n, InstallationID: 9, Repo: "acme/app", PullRequest: n, State: "complete", UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Prune(ctx, time.Now().Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d jobs (%v), want the ended and the failed one", n, err)
	}
	counts, err := s.Counts(ctx)
	if err != nil || counts[stateQueued] != 1 || counts[stateDone] != 0 || counts[stateFailed] != 0 {
		t.Fatalf("counts after prune %v %v", counts, err)
	}
	if d, _ := s.LookupDeployment(ctx, "acme", "shop", 2); d == nil {
		t.Error("a recent deployment was pruned")
	}
	if d, _ := s.LookupDeployment(ctx, "acme", "shop", 1); d != nil {
		t.Errorf("a deployment quiet for 30 days was kept: %+v", d)
	}
}

func TestStoreAnnounce(t *testing.T) {
	eachStore(t, testStoreAnnounce)
}

// A reply is claimed once: by its first job, which may claim it again (a
// retry), never by another; jobs racing for one key get one winner; a long
// key is kept by its hash; Prune forgets old claims.
func testStoreAnnounce(t *testing.T, s Store) {
	ctx := context.Background()
	claim := func(key string, job int64) bool {
		t.Helper()
		ok, err := s.Announce(ctx, key, job)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	key := "o/r#7/app/1/complete"
	first := claim(key, 1)
	retried := claim(key, 1)
	if !first || !retried || claim(key, 2) {
		t.Fatalf("first claim %v, its retry %v: want the first job to hold the reply, again on a retry, and the second job refused", first, retried)
	}
	if !claim("o/r#7/app/1/complete_pending_revert", 2) {
		t.Fatal("another state of the deployment is another reply")
	}
	long := "o/" + strings.Repeat("r", 300) + "#7/app/1/complete"
	if !claim(long, 3) || claim(long, 4) {
		t.Fatal("a long key: want one holder")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for job := int64(10); job < 18; job++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Announce(ctx, "o/r#8/app/2/complete", job)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			}
			if ok {
				won++
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d jobs won one reply, want 1", won)
	}
	if _, err := s.Prune(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !claim(key, 2) {
		t.Fatal("after Prune the claim is gone")
	}
}

// TestOlderStoreOpens: a store made by an older ddlbot (deployments without
// the comment and check run columns; on MySQL, jobs without the claim and
// prune indexes) opens, gains them, and works.
func TestOlderStoreOpens(t *testing.T) {
	ctx := context.Background()
	oldDeployments := `CREATE TABLE deployments (org VARCHAR(255) NOT NULL, db VARCHAR(255) NOT NULL, number BIGINT NOT NULL,
		installation BIGINT NOT NULL, repo VARCHAR(255) NOT NULL, pr BIGINT NOT NULL, state VARCHAR(64) NOT NULL,
		updated_at BIGINT NOT NULL, PRIMARY KEY (org, db, number))`
	check := func(t *testing.T, s Store) {
		t.Helper()
		d := Deployment{Organization: "acme", Database: "shop", Number: 3, InstallationID: 9, Repo: "acme/app", PullRequest: 7,
			State: "in_progress", CommentID: 11, CheckRunID: 12, UpdatedAt: time.UnixMilli(1_800_000_000_000)}
		if err := s.RecordDeployment(ctx, d); err != nil {
			t.Fatal(err)
		}
		if got, err := s.LookupDeployment(ctx, "acme", "shop", 3); err != nil || got == nil || got.CommentID != 11 || got.CheckRunID != 12 {
			t.Fatalf("after the upgrade: %+v %v", got, err)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, oldDeployments); err != nil {
			t.Fatal(err)
		}
		_ = db.Close()
		s, err := OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		check(t, s)
	})
	t.Run("mysql", func(t *testing.T) {
		dsn := mysqltest.Database(t, "ddlbot_old_")
		db, err := sql.Open("mysql", dsn.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		oldJobs := strings.Replace(strings.Replace(mysqlSchemaJobs, "\tKEY jobs_state (state, id),\n", "", 1), "\tKEY jobs_ended (state, updated_at),\n", "", 1)
		if oldJobs == mysqlSchemaJobs {
			t.Fatal("the test's older jobs table is today's")
		}
		for _, q := range []string{oldJobs, oldDeployments} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		// Two replicas of the newer ddlbot start at once.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		opened := make([]Store, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				opened[i], errs[i] = OpenMySQL(ctx, mysqltest.StoreURL(dsn))
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
			defer opened[i].Close()
		}
		for _, ix := range addedIndexesMySQL {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'jobs' AND index_name = ?`, ix.name).Scan(&n); err != nil || n == 0 {
				t.Fatalf("index %s: %d %v", ix.name, n, err)
			}
		}
		check(t, opened[0])
	})
}
