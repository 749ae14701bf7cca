package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v66/github"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// extendCounter counts lease renewals; lost makes them fail as when
// another worker has taken the job over.
type extendCounter struct {
	Store
	mu      sync.Mutex
	extends int
	lost    bool
}

func (s *extendCounter) Extend(ctx context.Context, id int64, owner string, until time.Time) error {
	s.mu.Lock()
	s.extends++
	lost := s.lost
	s.mu.Unlock()
	if lost {
		return ErrLeaseLost
	}
	return s.Store.Extend(ctx, id, owner, until)
}

func (s *extendCounter) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.extends
}

// blocker is a Runner that runs until released, or until its context ends.
type blocker struct {
	started chan struct{}
	release chan struct{}
	cause   chan error
}

func (b *blocker) Run(ctx context.Context, j *Job) (*FollowUp, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
		return nil, nil
	case <-ctx.Done():
		b.cause <- context.Cause(ctx)
		return nil, ctx.Err()
	}
}

func leasePool(st Store, run Runner, lease time.Duration) *pool {
	return &pool{store: st, runner: run, log: slog.New(slog.DiscardHandler), metrics: newMetrics(st), owner: "a", workers: 1,
		lease: lease, poll: 10 * time.Millisecond, maxAttempts: 3, backoff: func(int) time.Duration { return 0 }, wake: make(chan struct{}, 1)}
}

// TestLeaseRenewed: a job that runs longer than its lease keeps it (no
// other worker may take it), and ends done once.
func TestLeaseRenewed(t *testing.T) {
	ctx := context.Background()
	st := &extendCounter{Store: openTestStore(t)}
	if _, err := st.Enqueue(ctx, Job{Delivery: "d1", Event: "pull_request", Key: "o/r#1", Payload: []byte("{}")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	run := &blocker{started: make(chan struct{}, 1), release: make(chan struct{}), cause: make(chan error, 1)}
	const lease = 150 * time.Millisecond
	p := leasePool(st, run, lease)
	j, err := st.Claim(ctx, "a/0", time.Now(), lease)
	if err != nil || j == nil {
		t.Fatalf("claim: %v %v", j, err)
	}
	ran := make(chan struct{})
	go func() { p.runOne(ctx, "a/0", j); close(ran) }()
	<-run.started
	// Four renewals: well past the first lease's end.
	for st.count() < 4 {
		time.Sleep(5 * time.Millisecond)
	}
	if other, err := st.Claim(ctx, "b/0", time.Now(), lease); err != nil || other != nil {
		t.Fatalf("another worker claimed %+v (%v) under a renewed lease", other, err)
	}
	close(run.release)
	<-ran
	if c, _ := st.Counts(ctx); c[stateDone] != 1 {
		t.Fatalf("counts %v", c)
	}
}

// TestLeaseLost: a renewal that finds the lease lost cancels the run, and
// the worker leaves the job to whoever holds it now.
func TestLeaseLost(t *testing.T) {
	ctx := context.Background()
	st := &extendCounter{Store: openTestStore(t), lost: true}
	if _, err := st.Enqueue(ctx, Job{Delivery: "d1", Event: "pull_request", Key: "o/r#1", Payload: []byte("{}")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	run := &blocker{started: make(chan struct{}, 1), release: make(chan struct{}), cause: make(chan error, 1)}
	p := leasePool(st, run, 30*time.Millisecond)
	j, err := st.Claim(ctx, "a/0", time.Now(), time.Hour)
	if err != nil || j == nil {
		t.Fatalf("claim: %v %v", j, err)
	}
	p.runOne(ctx, "a/0", j)
	if cause := <-run.cause; !errors.Is(cause, ErrLeaseLost) {
		t.Fatalf("the run ended by %v, want ErrLeaseLost", cause)
	}
	// Not released, retried or finished by the worker that lost it.
	if c, _ := st.Counts(ctx); c[stateRunning] != 1 {
		t.Fatalf("counts %v", c)
	}
}

// failing is a Runner whose every run fails with err.
type failing struct{ err error }

func (f failing) Run(context.Context, *Job) (*FollowUp, error) { return nil, f.err }

// TestRetryOnlyWhatMayPass: a job that failed for a reason that may pass
// (a 5xx, the network) is put back to run again; one GitHub or PlanetScale
// refused for good (a 4xx, an unusable payload) ends failed at once.
func TestRetryOnlyWhatMayPass(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		state string
	}{
		{"GitHub 502", fmt.Errorf("list comments: %w", &gh.ErrorResponse{Response: &http.Response{StatusCode: 502}}), stateQueued},
		{"network", errors.New("dial tcp 127.0.0.1:1: connection refused"), stateQueued},
		{"PlanetScale 503", &ps.Error{StatusCode: 503}, stateQueued},
		{"GitHub 404", fmt.Errorf("read the pull request: %w", &gh.ErrorResponse{Response: &http.Response{StatusCode: 404}}), stateQueued}, // right after a push
		{"GitHub 401", fmt.Errorf("read the pull request: %w", &gh.ErrorResponse{Response: &http.Response{StatusCode: 401}}), stateFailed},
		{"installation token 401", &ghinstallation.HTTPError{Message: "could not refresh the token", Response: &http.Response{StatusCode: 401}}, stateFailed},
		{"PlanetScale 403", fmt.Errorf("create a branch: %w", &ps.Error{StatusCode: 403}), stateFailed},
		{"unusable payload", Permanent(errors.New("parse the delivery")), stateFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := openTestStore(t)
			if _, err := st.Enqueue(ctx, Job{Delivery: "d1", Event: "pull_request", Key: "o/r#1", Payload: []byte("{}")}, time.Now()); err != nil {
				t.Fatal(err)
			}
			p := leasePool(st, failing{tc.err}, time.Minute)
			j, err := st.Claim(ctx, "a/0", time.Now(), time.Minute)
			if err != nil || j == nil {
				t.Fatalf("claim: %v %v", j, err)
			}
			p.runOne(ctx, "a/0", j)
			if c, _ := st.Counts(ctx); c[tc.state] != 1 {
				t.Fatalf("after attempt 1 of 3: %v, want the job %s", c, tc.state)
			}
		})
	}
}
