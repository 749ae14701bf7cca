package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/ddlbot/ddlbot/internal/clip"
	_ "modernc.org/sqlite" // the embedded store: pure Go, no cgo
)

// Job is one unit of work: a webhook delivery to run through the engine, or
// a follow-up the server scheduled itself (following a deployment).
type Job struct {
	ID int64
	// Delivery is X-GitHub-Delivery (or the follow-up's own key): a job is
	// stored once per delivery, so a redelivery never runs twice.
	Delivery string
	// Event is the GitHub event name, or KindFollow.
	Event          string
	InstallationID int64
	// Key serialises jobs: one job per pull request ("owner/repo#7") runs
	// at a time across every replica.
	Key      string
	Payload  []byte
	Attempts int
	// Error is why the job failed, kept when it ends as failed.
	Error string
}

// KindFollow is the event name of a follow-up job: refresh the deployments
// of a repository until they rest (Payload is the repository, owner/name).
const KindFollow = "ddlbot.follow"

// Store keeps the queue. Every method is safe for concurrent use.
type Store interface {
	// Enqueue stores a job unless one with its Delivery exists; inserted
	// false means a redelivery. A job with an Error is stored as failed.
	Enqueue(ctx context.Context, j Job, notBefore time.Time) (inserted bool, err error)
	// Claim leases the next runnable job to owner until now+lease: the
	// oldest queued one whose time has come and whose pull request has no
	// other job running or waiting before it. nil when there is none.
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (*Job, error)
	// Finish ends a leased job: done when errMsg is "", else failed.
	Finish(ctx context.Context, id int64, owner, errMsg string) error
	// Retry puts a leased job back in the queue to run again at notBefore.
	Retry(ctx context.Context, id int64, owner string, notBefore time.Time, errMsg string) error
	// Release gives a leased job back at once (draining).
	Release(ctx context.Context, id int64, owner string) error
	// Wake makes the queued jobs of key that wait for a time after at due
	// at at (a PlanetScale webhook wakes a scheduled follow-up; a follow-up
	// that would come sooner than the one waiting brings it forward) and
	// returns how many jobs of key are queued, all due by at now: 0 means
	// none waits, and the caller enqueues one.
	Wake(ctx context.Context, key string, at time.Time) (int, error)
	// RecordDeployment stores (or brings up to date) which repository a
	// deploy request's deployment belongs to.
	RecordDeployment(ctx context.Context, d Deployment) error
	// LookupDeployment returns the deployment recorded for a deploy request
	// (number 0: the one of the database recorded last), nil when there is none.
	LookupDeployment(ctx context.Context, org, db string, number int) (*Deployment, error)

	// Extend renews a leased job's lease until the given time: a worker
	// renews its job's lease while it runs, so a lease can be short and a
	// replica that dies loses its jobs soon. ErrLeaseLost when another
	// worker has taken the job over.
	Extend(ctx context.Context, id int64, owner string, until time.Time) error
	// Announce claims the reply named key for job: true the first time, and
	// again for the same job (a retried job may reply once more, having
	// failed before it could); false once another job has claimed it.
	Announce(ctx context.Context, key string, job int64) (bool, error)
	// Counts returns the number of jobs per state.
	Counts(ctx context.Context) (map[string]int, error)
	// Ping checks the store is reachable.
	Ping(ctx context.Context) error
	// Prune deletes the jobs that ended (done or failed) before cutoff, and
	// deployments not heard of since: the store does not grow forever.
	Prune(ctx context.Context, cutoff time.Time) (int, error)
	Close() error
}

// Deployment is a deploy request ddlbot deployed and follows: PlanetScale's
// webhooks name the organization, database and deploy request; this says
// which installation's repository (and pull request) to refresh.
type Deployment struct {
	Organization, Database string
	Number                 int
	InstallationID         int64
	// Repo is owner/name.
	Repo        string
	PullRequest int
	// CommentID and CheckRunID are the sticky comment and the check run
	// that show it (0 when not known). The engine finds both again on
	// every run (it keeps no state); they are kept for whoever reads the
	// store, and for the logs.
	CommentID, CheckRunID int64
	// State is the deployment state last seen.
	State     string
	UpdatedAt time.Time
}

// Job states.
const (
	stateQueued  = "queued"
	stateRunning = "running"
	stateDone    = "done"
	stateFailed  = "failed"
)

// sqlStore is the Store over database/sql, on SQLite or MySQL: the SQL is
// the same but for the schema, the insert that skips a known delivery and
// how a claim keeps two replicas off one pull request (mysql.go).
type sqlStore struct {
	db      *sql.DB
	dialect dialect
}

// dialect is the SQL flavour of a sqlStore.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectMySQL
)

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS jobs (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	delivery    TEXT    NOT NULL UNIQUE,
	event       TEXT    NOT NULL,
	installation INTEGER NOT NULL,
	pr_key      TEXT    NOT NULL,
	payload     BLOB    NOT NULL,
	state       TEXT    NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	not_before  INTEGER NOT NULL,
	lease_owner TEXT    NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	error       TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
-- (state, id): a claim walks the queued jobs in id order and stops at the
-- first it can take; an index led by not_before made it sort every waiting
-- job on each claim (stores made before have it: dropped).
DROP INDEX IF EXISTS jobs_runnable;
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id);
-- Prune deletes the ended jobs by age without reading them all.
CREATE INDEX IF NOT EXISTS jobs_ended ON jobs (state, updated_at);
CREATE INDEX IF NOT EXISTS jobs_pr ON jobs (pr_key, state, id);
CREATE TABLE IF NOT EXISTS deployments (
	org          TEXT    NOT NULL,
	db           TEXT    NOT NULL,
	number       INTEGER NOT NULL,
	installation INTEGER NOT NULL,
	repo         TEXT    NOT NULL,
	pr           INTEGER NOT NULL,
	state        TEXT    NOT NULL,
	updated_at   INTEGER NOT NULL,
	comment_id   INTEGER NOT NULL DEFAULT 0,
	check_run_id INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (org, db, number)
);
CREATE INDEX IF NOT EXISTS deployments_db ON deployments (org, db, updated_at);
CREATE TABLE IF NOT EXISTS announcements (
	reply_key  TEXT    NOT NULL PRIMARY KEY,
	job        INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
`

// OpenSQLite opens (creating if needed) the SQLite store at path.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	if path == "" {
		return nil, errors.New("the store path is empty")
	}
	// WAL: readers never wait for the writer; one connection makes SQLite's
	// single writer explicit, so a claim and an intake never interleave.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open the store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, sqliteSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("create the store's tables in %s: %w", path, err)
	}
	s := &sqlStore{db: db, dialect: dialectSQLite}
	if err := s.addColumns(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bring the store %s up to date: %w", path, err)
	}
	return s, nil
}

// addedColumns are the columns added to a table after its first release,
// with their definition: a store made by an older ddlbot gains them when it
// is opened.
var addedColumns = []struct{ table, column, def string }{
	{"deployments", "comment_id", "BIGINT NOT NULL DEFAULT 0"},
	{"deployments", "check_run_id", "BIGINT NOT NULL DEFAULT 0"},
}

// addColumns adds the addedColumns a store lacks (ensure).
func (s *sqlStore) addColumns(ctx context.Context) error {
	has := func(table, column string) (bool, error) {
		q := `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`
		if s.dialect == dialectMySQL {
			q = `SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?`
		}
		var n int
		err := s.db.QueryRowContext(ctx, q, table, column).Scan(&n)
		return n > 0, err
	}
	for _, c := range addedColumns {
		if err := s.ensure(ctx, c.table+"."+c.column, func() (bool, error) { return has(c.table, c.column) },
			`ALTER TABLE `+c.table+` ADD COLUMN `+c.column+` `+c.def); err != nil {
			return err
		}
	}
	return nil
}

// ensure runs ddl unless has says what it adds (what) is there. Replicas
// starting at once may both run it: the one that fails finds it there and
// goes on.
func (s *sqlStore) ensure(ctx context.Context, what string, has func() (bool, error), ddl string) error {
	ok, err := has()
	if err != nil {
		return fmt.Errorf("look for %s: %w", what, err)
	}
	if ok {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, ddl); err != nil {
		if ok, herr := has(); herr != nil || !ok {
			return fmt.Errorf("add %s: %w", what, err)
		}
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func (s *sqlStore) Enqueue(ctx context.Context, j Job, notBefore time.Time) (bool, error) {
	if s.dialect == dialectMySQL {
		return s.enqueueMySQL(ctx, j, notBefore)
	}
	now := ms(time.Now())
	res, err := s.db.ExecContext(ctx, `INSERT INTO jobs (delivery, event, installation, pr_key, payload, state, error, not_before, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery) DO NOTHING`,
		j.Delivery, j.Event, j.InstallationID, j.Key, j.Payload, enqueuedState(j), clipError(j.Error), ms(notBefore), now, now)
	return inserted(j.Delivery, res, err)
}

// enqueuedState is a new job's state: queued, or failed at once when it
// comes with its error (a delivery whose payload could not be used is kept,
// with why, but never runs).
func enqueuedState(j Job) string {
	if j.Error != "" {
		return stateFailed
	}
	return stateQueued
}

// inserted reads an insert that skips a known delivery: one row, or none
// for a redelivery.
func inserted(delivery string, res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("store delivery %s: %w", delivery, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store delivery %s: %w", delivery, err)
	}
	return n == 1, nil
}

// runnable selects the claimable jobs, oldest first: queued (or, with
// expired, running under a lease that ran out: its replica died), whose
// time has come, with no earlier job of their pull request waiting or
// running and no other job of it running under a live lease. A follow-up
// that is not due yet holds no later job back: a push or a command need
// not wait for the next poll (the follow-up re-derives everything when it
// runs). The two kinds are two queries so that each walks an index in id
// order and stops at the first it can take, however many jobs wait or have
// ended. byKey adds a pr_key = ? condition (its argument last). The
// arguments are runnableArgs(t, expired); cols is the select list
// (jobColumns for scanJob).
func runnable(cols string, byKey bool, limit int, expired bool) string {
	which := `j.state = ?`
	if expired {
		which = `j.state = ? AND j.lease_until < ?`
	}
	q := `
		SELECT ` + cols + ` FROM jobs j
		WHERE ` + which + ` AND j.not_before <= ?
		  AND NOT EXISTS (SELECT 1 FROM jobs k WHERE k.pr_key = j.pr_key AND k.id < j.id AND k.state IN (?, ?)
		                  AND NOT (k.event = ? AND k.state = ? AND k.not_before > ?))
		  AND NOT EXISTS (SELECT 1 FROM jobs k WHERE k.pr_key = j.pr_key AND k.id <> j.id AND k.state = ? AND k.lease_until >= ?)`
	if byKey {
		q += ` AND j.pr_key = ?`
	}
	return q + fmt.Sprintf(` ORDER BY j.id LIMIT %d`, limit)
}

func runnableArgs(t int64, expired bool) []any {
	args := []any{stateQueued}
	if expired {
		args = []any{stateRunning, t}
	}
	return append(args, t, stateQueued, stateRunning, KindFollow, stateQueued, t, stateRunning, t)
}

// runnableKinds are the two kinds of runnable jobs: whose worker died, and
// queued. A claim takes the oldest of both.
var runnableKinds = []bool{true, false}

// jobColumns are the columns scanJob reads.
const jobColumns = "j.id, j.delivery, j.event, j.installation, j.pr_key, j.payload, j.attempts"

func scanJob(row interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	if err := row.Scan(&j.ID, &j.Delivery, &j.Event, &j.InstallationID, &j.Key, &j.Payload, &j.Attempts); err != nil {
		return nil, err
	}
	return &j, nil
}

// lease marks a job, read in tx, as owner's until now+lease.
func lease(ctx context.Context, tx *sql.Tx, j *Job, owner string, now time.Time, d time.Duration) error {
	j.Attempts++
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, lease_owner = ?, lease_until = ?, attempts = ?, updated_at = ? WHERE id = ?`,
		stateRunning, owner, ms(now.Add(d)), j.Attempts, ms(now), j.ID); err != nil {
		return fmt.Errorf("claim job %d: %w", j.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("claim job %d: %w", j.ID, err)
	}
	return nil
}

func (s *sqlStore) Claim(ctx context.Context, owner string, now time.Time, d time.Duration) (*Job, error) {
	if s.dialect == dialectMySQL {
		return s.claimMySQL(ctx, owner, now, d)
	}
	// SQLite has one writer (and the store one connection): the transaction
	// alone keeps two workers off one job.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim a job: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// The oldest of the two kinds' first.
	var j *Job
	for _, expired := range runnableKinds {
		k, err := scanJob(tx.QueryRowContext(ctx, runnable(jobColumns, false, 1, expired), runnableArgs(ms(now), expired)...))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("claim a job: %w", err)
		}
		if j == nil || k.ID < j.ID {
			j = k
		}
	}
	if j == nil {
		return nil, nil
	}
	if err := lease(ctx, tx, j, owner, now, d); err != nil {
		return nil, err
	}
	return j, nil
}

// update changes a job this owner holds; a lease lost meanwhile (another
// replica took the job over) is an error, and the change is not made.
func (s *sqlStore) update(ctx context.Context, id int64, owner, set string, args ...any) error {
	args = append(args, ms(time.Now()), id, owner, stateRunning)
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET `+set+`, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = ?`, args...)
	if err != nil {
		return fmt.Errorf("update job %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("update job %d: %w", id, ErrLeaseLost)
	}
	return nil
}

// ErrLeaseLost says a job's lease passed to another worker.
var ErrLeaseLost = errors.New("the job's lease was lost")

func (s *sqlStore) Finish(ctx context.Context, id int64, owner, errMsg string) error {
	state := stateDone
	if errMsg != "" {
		state = stateFailed
	}
	return s.update(ctx, id, owner, "state = ?, error = ?, lease_owner = ''", state, clipError(errMsg))
}

func (s *sqlStore) Retry(ctx context.Context, id int64, owner string, notBefore time.Time, errMsg string) error {
	return s.update(ctx, id, owner, "state = ?, not_before = ?, error = ?, lease_owner = ''", stateQueued, ms(notBefore), clipError(errMsg))
}

func (s *sqlStore) Release(ctx context.Context, id int64, owner string) error {
	return s.update(ctx, id, owner, "state = ?, attempts = attempts - 1, lease_owner = ''", stateQueued)
}

func (s *sqlStore) Wake(ctx context.Context, key string, at time.Time) (int, error) {
	var opts *sql.TxOptions
	if s.dialect == dialectMySQL {
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return 0, fmt.Errorf("wake the jobs of %s: %w", key, err)
	}
	defer func() { _ = tx.Rollback() }()
	t := ms(at)
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET not_before = ?, updated_at = ? WHERE pr_key = ? AND event = ? AND state = ? AND not_before > ?`,
		t, ms(time.Now()), key, KindFollow, stateQueued, t); err != nil {
		return 0, fmt.Errorf("wake the jobs of %s: %w", key, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE pr_key = ? AND event = ? AND state = ?`, key, KindFollow, stateQueued).Scan(&n); err != nil {
		return 0, fmt.Errorf("wake the jobs of %s: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("wake the jobs of %s: %w", key, err)
	}
	return n, nil
}

func (s *sqlStore) RecordDeployment(ctx context.Context, d Deployment) error {
	if s.dialect == dialectMySQL {
		return s.recordDeploymentMySQL(ctx, d)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO deployments (org, db, number, installation, repo, pr, state, updated_at, comment_id, check_run_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, db, number) DO UPDATE SET installation = excluded.installation, repo = excluded.repo, pr = excluded.pr,
			state = excluded.state, updated_at = excluded.updated_at,
			comment_id = CASE excluded.comment_id WHEN 0 THEN comment_id ELSE excluded.comment_id END,
			check_run_id = CASE excluded.check_run_id WHEN 0 THEN check_run_id ELSE excluded.check_run_id END`,
		d.Organization, d.Database, d.Number, d.InstallationID, d.Repo, d.PullRequest, d.State, ms(d.UpdatedAt), d.CommentID, d.CheckRunID); err != nil {
		return fmt.Errorf("record deploy request #%d of %s/%s: %w", d.Number, d.Organization, d.Database, err)
	}
	return nil
}

func (s *sqlStore) LookupDeployment(ctx context.Context, org, db string, number int) (*Deployment, error) {
	const cols = `org, db, number, installation, repo, pr, state, updated_at, comment_id, check_run_id`
	q := `SELECT ` + cols + ` FROM deployments WHERE org = ? AND db = ? AND number = ?`
	args := []any{org, db, number}
	if number == 0 {
		q = `SELECT ` + cols + ` FROM deployments WHERE org = ? AND db = ?
			ORDER BY updated_at DESC, number DESC LIMIT 1`
		args = args[:2]
	}
	var d Deployment
	var at int64
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&d.Organization, &d.Database, &d.Number, &d.InstallationID, &d.Repo, &d.PullRequest, &d.State, &at,
		&d.CommentID, &d.CheckRunID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up deploy request #%d of %s/%s: %w", number, org, db, err)
	}
	d.UpdatedAt = time.UnixMilli(at)
	return &d, nil
}

func (s *sqlStore) Extend(ctx context.Context, id int64, owner string, until time.Time) error {
	return s.update(ctx, id, owner, "lease_until = ?", ms(until))
}

func (s *sqlStore) Counts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := map[string]int{stateQueued: 0, stateRunning: 0, stateDone: 0, stateFailed: 0}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

func (s *sqlStore) Announce(ctx context.Context, key string, job int64) (bool, error) {
	if len(key) > 200 {
		// Repository and database names can be long; a hash keeps the row's key bounded.
		sum := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(sum[:])
	}
	// The first insert wins; whoever comes second reads the winner.
	insert := `INSERT INTO announcements (reply_key, job, created_at) VALUES (?, ?, ?) ON CONFLICT (reply_key) DO NOTHING`
	if s.dialect == dialectMySQL {
		insert = `INSERT INTO announcements (reply_key, job, created_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE reply_key = reply_key`
	}
	if _, err := s.db.ExecContext(ctx, insert, key, job, ms(time.Now())); err != nil {
		return false, fmt.Errorf("claim the reply %s: %w", key, err)
	}
	var owner int64
	if err := s.db.QueryRowContext(ctx, `SELECT job FROM announcements WHERE reply_key = ?`, key).Scan(&owner); err != nil {
		return false, fmt.Errorf("claim the reply %s: %w", key, err)
	}
	return owner == job, nil
}

func (s *sqlStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *sqlStore) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM jobs WHERE state IN (?, ?) AND updated_at < ?`, stateDone, stateFailed, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM deployments WHERE updated_at < ?`, ms(cutoff)); err != nil {
		return int(n), fmt.Errorf("prune deployments: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM announcements WHERE created_at < ?`, ms(cutoff)); err != nil {
		return int(n), fmt.Errorf("prune announcements: %w", err)
	}
	// MySQL's job_keys rows (one small row per pull request) stay: deleting
	// one could race an enqueue that is about to lock it.
	return int(n), nil
}

func (s *sqlStore) Close() error { return s.db.Close() }

// clipError keeps a stored error readable and bounded.
func clipError(s string) string { return clip.Bytes(s, 4000) }
