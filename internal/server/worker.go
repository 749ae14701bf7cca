package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/redact"
	"github.com/ddlbot/ddlbot/internal/retry"
)

// Runner runs one job. A FollowUp it returns is stored as a new job (a
// deployment still moving is followed again later); an error makes the job
// run again with backoff, up to the attempts allowed.
type Runner interface {
	Run(ctx context.Context, j *Job) (*FollowUp, error)
}

// FollowUp is what a run leaves for later: each of Jobs runs at At, unless
// a follow-up of its Key is queued already (that one is then made due by At
// instead), and the Deployments it saw are recorded.
type FollowUp struct {
	Jobs        []Job
	At          time.Time
	Deployments []Deployment
}

// pool runs jobs from the store on a number of workers.
type pool struct {
	store   Store
	runner  Runner
	log     *slog.Logger
	metrics *metrics
	owner   string // this replica: the lease holder's name
	workers int
	lease   time.Duration
	// poll is how often an idle worker looks at the store when nothing woke
	// it (a job of another replica's intake, a retry whose time came).
	poll        time.Duration
	maxAttempts int
	backoff     func(attempt int) time.Duration
	keep        time.Duration // how long ended jobs stay (prune)
	wake        chan struct{}
}

// notify wakes one idle worker, without blocking.
func (p *pool) notify() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run works until ctx is done, then lets running jobs finish for up to
// drain before it cancels them and gives them back to the store.
func (p *pool) run(ctx context.Context, drain time.Duration) {
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	var wg sync.WaitGroup
	for i := range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(ctx, jobCtx, fmt.Sprintf("%s/%d", p.owner, i))
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.pruneEvery(ctx, time.Hour)
	}()
	<-ctx.Done()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drain):
		cancelJobs() // the jobs see a cancelled context and are released
		<-done
	}
}

// pruneEvery deletes what ended more than p.keep ago, at start and then
// every interval, until ctx is done. A replica's prune is harmless beside
// another's: both delete the same ended rows.
func (p *pool) pruneEvery(ctx context.Context, interval time.Duration) {
	if p.keep <= 0 {
		return // kept for ever (a pool made without New, in tests)
	}
	for {
		if n, err := p.store.Prune(ctx, time.Now().Add(-p.keep)); err != nil && ctx.Err() == nil {
			p.log.Warn("prune the store", "err", err)
		} else if n > 0 {
			p.log.Info("pruned ended jobs", "jobs", n, "older_than", p.keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func (p *pool) work(ctx, jobCtx context.Context, owner string) {
	for ctx.Err() == nil {
		j, err := p.store.Claim(ctx, owner, time.Now(), p.lease)
		if err != nil && ctx.Err() == nil {
			p.log.Error("claim a job", "err", err)
		}
		if j == nil {
			select {
			case <-ctx.Done():
			case <-p.wake:
			case <-time.After(p.poll):
			}
			continue
		}
		p.runOne(jobCtx, owner, j)
	}
}

func (p *pool) runOne(parent context.Context, owner string, j *Job) {
	start := time.Now()
	log := p.log.With("job", j.ID, "event", j.Event, "key", j.Key, "attempt", j.Attempts)
	log.Info("job started")
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	stopRenewing := p.renew(ctx, cancel, owner, j, log)
	defer stopRenewing()
	var next *FollowUp
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = permanentError{fmt.Errorf("internal error: %v", v)}
			}
		}()
		next, err = p.runner.Run(ctx, j)
		return err
	}()
	stopRenewing()
	p.metrics.jobSeconds.Observe(time.Since(start).Seconds())
	if errors.Is(context.Cause(ctx), ErrLeaseLost) {
		// Another worker runs the job now; whatever this run did, the
		// engine's idempotence makes the other run's result the one that
		// stands, and the store is its to write.
		p.metrics.jobs.WithLabelValues("lease_lost").Inc()
		log.Warn("job given up: its lease passed to another worker")
		return
	}
	// The store is written with a context of its own: a job cancelled by
	// draining must still be given back.
	sctx, cancelStore := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelStore()
	switch {
	case err != nil && errors.Is(ctx.Err(), context.Canceled):
		p.metrics.jobs.WithLabelValues("released").Inc()
		if rerr := p.store.Release(sctx, j.ID, owner); rerr != nil {
			log.Warn("give back a job cut off by draining", "err", rerr)
		}
		log.Info("job released: the server is stopping")
		return
	case err != nil && j.Attempts < p.maxAttempts && !permanent(err):
		msg := redact.Secrets(err.Error())
		wait := p.backoff(j.Attempts)
		p.metrics.jobs.WithLabelValues("retry").Inc()
		if rerr := p.store.Retry(sctx, j.ID, owner, time.Now().Add(wait), msg); rerr != nil {
			log.Warn("put a failed job back", "err", rerr)
		}
		log.Warn("job failed: will retry", "in", wait, "err", msg)
		return
	case err != nil:
		msg := redact.Secrets(err.Error())
		p.metrics.jobs.WithLabelValues("failed").Inc()
		if rerr := p.store.Finish(sctx, j.ID, owner, msg); rerr != nil {
			log.Warn("record a failed job", "err", rerr)
		}
		log.Error("job failed", "err", msg)
		return
	}
	for _, d := range deploymentsOf(next) {
		if err := p.store.RecordDeployment(sctx, d); err != nil {
			// Its webhooks then find no repository; polling still follows it.
			log.Warn("record a deployment", "err", err)
		}
	}
	for _, f := range followUpsOf(next) {
		// A follow-up of the key already waiting serves (made due by
		// next.At): two databases deploying in one pull request, or a
		// webhook's follow-up beside the scheduled one, do not double the
		// polling.
		if n, err := p.store.Wake(sctx, f.Key, next.At); err != nil {
			log.Warn("schedule the follow-up", "err", err)
		} else if n > 0 {
			// served
		} else if _, err := p.store.Enqueue(sctx, f, next.At); err != nil {
			// The deployment is still followed by the next command or push.
			log.Warn("schedule the follow-up", "err", err)
		}
	}
	p.metrics.jobs.WithLabelValues("done").Inc()
	if err := p.store.Finish(sctx, j.ID, owner, ""); err != nil {
		log.Warn("record a finished job", "err", err)
	}
	log.Info("job done", "took", time.Since(start).Round(time.Millisecond))
}

// renew extends j's lease every third of the lease while it runs; a lease
// found lost cancels the run (cause ErrLeaseLost). The returned func stops
// renewing and waits until it has.
func (p *pool) renew(ctx context.Context, cancel context.CancelCauseFunc, owner string, j *Job, log *slog.Logger) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(p.lease / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			sctx, scancel := context.WithTimeout(ctx, p.lease/3)
			err := p.store.Extend(sctx, j.ID, owner, time.Now().Add(p.lease))
			scancel()
			switch {
			case errors.Is(err, ErrLeaseLost):
				cancel(ErrLeaseLost)
				return
			case err != nil && ctx.Err() == nil:
				// The store is down for a moment: the lease still runs; the
				// next tick tries again.
				log.Warn("renew the job's lease", "err", err)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-stopped
	}
}

// backoff is the wait before attempt+1 of a job (attempt counts from 1):
// 5-10 s, doubling, at most 10 minutes (retry.Backoff, jittered so that
// replicas do not retry in step). GitHub and PlanetScale errors that reach
// here already survived the clients' own retries.
func backoff(attempt int) time.Duration { return Backoff(10 * time.Second)(attempt) }

// Backoff is a job's wait before attempt+1 (attempt counts from 1): first
// (half of it to all of it, at random, so that replicas do not retry in
// step), doubling for each attempt after, at most 10 minutes.
func Backoff(first time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		return retry.Backoff(attempt-1, first, 10*time.Minute, rand.Float64())
	}
}

// permanentError is a job's error that running it again cannot mend.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Permanent marks err as one that running the job again cannot mend (a
// payload that cannot be used): the job ends failed at once.
func Permanent(err error) error { return permanentError{err} }

// permanent reports whether a job failed for good: GitHub or PlanetScale
// refused the request itself (a 4xx: a deleted installation, a wrong key, a
// missing access), the payload cannot be used, or the run panicked. Any
// other error (5xx, 429, the network, a timeout) may pass: the job runs
// again, with backoff.
func permanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || github.IsPermanent(err) || ps.IsPermanent(err)
}

func followUpsOf(f *FollowUp) []Job {
	if f == nil {
		return nil
	}
	return f.Jobs
}

func deploymentsOf(f *FollowUp) []Deployment {
	if f == nil {
		return nil
	}
	return f.Deployments
}
