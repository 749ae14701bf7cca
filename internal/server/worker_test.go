package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"
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
