package server

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// The MySQL store lets several replicas share one queue. MySQL (and
// MariaDB ≥ 10.6) have SKIP LOCKED, but a job row lock alone cannot keep
// two replicas off one pull request: the rule "no other job of this pull
// request runs, and none waits before it" is about rows a claimer does not
// lock. So each pull request (job key) has a row in job_keys, and a claim
// locks its key's row FOR UPDATE SKIP LOCKED before it re-reads the key's
// jobs and leases one: two claimers of one key never decide at once, and a
// claimer never waits for another (a locked key is skipped, other keys are
// tried). Enqueue locks the same row while it inserts, so a key's jobs
// commit in id order and a claim never runs a later job while an earlier
// one is still being written. GET_LOCK would do the same, but its locks
// belong to a connection, not a transaction: with a connection pool a
// failure between lock and unlock would leave a key locked until the
// connection closes, and it has no SKIP LOCKED (a zero timeout is close,
// but leaves no trace for the next claimer to read). The transactions are
// READ COMMITTED, so each statement reads what others committed by then.

const mysqlSchemaJobs = `CREATE TABLE IF NOT EXISTS jobs (
	id           BIGINT       NOT NULL AUTO_INCREMENT,
	delivery     VARCHAR(255) NOT NULL,
	event        VARCHAR(100) NOT NULL,
	installation BIGINT       NOT NULL,
	pr_key       VARCHAR(255) NOT NULL,
	payload      LONGBLOB     NOT NULL,
	state        VARCHAR(16)  NOT NULL,
	attempts     INT          NOT NULL DEFAULT 0,
	not_before   BIGINT       NOT NULL,
	lease_owner  VARCHAR(255) NOT NULL DEFAULT '',
	lease_until  BIGINT       NOT NULL DEFAULT 0,
	error        VARCHAR(4096) NOT NULL DEFAULT '',
	created_at   BIGINT       NOT NULL,
	updated_at   BIGINT       NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY jobs_delivery (delivery),
	KEY jobs_runnable (state, not_before, id),
	KEY jobs_state (state, id),
	KEY jobs_ended (state, updated_at),
	KEY jobs_pr (pr_key, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

// job_keys has one row per job key ever queued (one per pull request: a
// few bytes each, never deleted, so a claim never races a delete).
const mysqlSchemaKeys = `CREATE TABLE IF NOT EXISTS job_keys (
	pr_key VARCHAR(255) NOT NULL,
	PRIMARY KEY (pr_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

// mysqlSchemaDeployments is the SQLite schema's deployments table.
const mysqlSchemaDeployments = `CREATE TABLE IF NOT EXISTS deployments (
	org          VARCHAR(255) NOT NULL,
	db           VARCHAR(255) NOT NULL,
	number       BIGINT       NOT NULL,
	installation BIGINT       NOT NULL,
	repo         VARCHAR(255) NOT NULL,
	pr           BIGINT       NOT NULL,
	state        VARCHAR(64)  NOT NULL,
	updated_at   BIGINT       NOT NULL,
	comment_id   BIGINT       NOT NULL DEFAULT 0,
	check_run_id BIGINT       NOT NULL DEFAULT 0,
	PRIMARY KEY (org, db, number),
	KEY deployments_db (org, db, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

// mysqlSchemaAnnouncements: one row per reply about a deployment's end
// (Store.Announce; a key over 200 bytes is stored as its hash).
const mysqlSchemaAnnouncements = `CREATE TABLE IF NOT EXISTS announcements (
	reply_key  VARCHAR(255) NOT NULL,
	job        BIGINT       NOT NULL,
	created_at BIGINT       NOT NULL,
	PRIMARY KEY (reply_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

// claimCandidates is how many runnable jobs a MySQL claim reads before it
// locks their keys: enough to get past the keys other replicas hold.
const claimCandidates = 16

// IsMySQLURL reports whether a store setting names a MySQL store.
func IsMySQLURL(s string) bool { return strings.HasPrefix(s, "mysql://") }

// MySQLDSN turns mysql://user:pass@host:port/db?param=value into a
// go-sql-driver DSN (port 3306 when left out; the parameters are the
// driver's, such as tls=true). Errors never show the password.
func MySQLDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's errors quote the whole URL, password and all.
		return "", errors.New("the MySQL store URL does not parse: write it as mysql://user:password@host:3306/database (percent-encode @ : / in the password)")
	}
	shown := u.Redacted()
	if u.Scheme != "mysql" {
		return "", fmt.Errorf("the store URL %s is not mysql://", shown)
	}
	db := strings.TrimPrefix(u.Path, "/")
	switch {
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("the MySQL store URL %s names no host: write mysql://user:password@host:3306/database", shown)
	case u.User == nil || u.User.Username() == "":
		return "", fmt.Errorf("the MySQL store URL %s names no user: write mysql://user:password@host:3306/database", shown)
	case db == "" || strings.Contains(db, "/"):
		return "", fmt.Errorf("the MySQL store URL %s names no database (or more than one path segment): write mysql://user:password@host:3306/database", shown)
	}
	port := u.Port()
	if port == "" {
		port = "3306"
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = net.JoinHostPort(u.Hostname(), port)
	cfg.DBName = db
	// A server that stops answering fails a call in bounded time (the
	// intake then answers 503, a worker retries) instead of hanging it;
	// parameters in the URL come after, so they override these.
	cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout = 5*time.Second, 30*time.Second, 30*time.Second
	dsn := cfg.FormatDSN()
	if u.RawQuery != "" {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + u.RawQuery
	}
	// The driver checks the parameters; its errors name them, not the password.
	if _, err := mysql.ParseDSN(dsn); err != nil {
		return "", fmt.Errorf("the MySQL store URL %s: %w", shown, err)
	}
	return dsn, nil
}

// OpenMySQL opens the MySQL (or MariaDB ≥ 10.6) store at a
// mysql://user:pass@host:port/db URL, creating its tables if missing; the
// database must exist. Several replicas may share it.
func OpenMySQL(ctx context.Context, rawURL string) (Store, error) {
	dsn, err := MySQLDSN(rawURL)
	if err != nil {
		return nil, err
	}
	shown := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		shown = u.Redacted()
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, fmt.Errorf("open the store %s: %w", shown, err)
	}
	// A server closes idle connections after wait_timeout; recycle them first.
	db.SetConnMaxLifetime(3 * time.Minute)
	db.SetMaxIdleConns(8)
	for _, q := range []string{mysqlSchemaJobs, mysqlSchemaKeys, mysqlSchemaDeployments, mysqlSchemaAnnouncements} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("create the store's tables in %s: %w", shown, err)
		}
	}
	s := &sqlStore{db: db, dialect: dialectMySQL}
	if err := s.addIndexesMySQL(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bring the store %s up to date: %w", shown, err)
	}
	if err := s.addColumns(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bring the store %s up to date: %w", shown, err)
	}
	return s, nil
}

// enqueueMySQL inserts a job and its key's row in one transaction that
// holds the key's lock (see the top of this file).
func (s *sqlStore) enqueueMySQL(ctx context.Context, j Job, notBefore time.Time) (bool, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return false, fmt.Errorf("store delivery %s: %w", j.Delivery, err)
	}
	defer func() { _ = tx.Rollback() }()
	// The no-op update takes the row's lock when it exists.
	if _, err := tx.ExecContext(ctx, `INSERT INTO job_keys (pr_key) VALUES (?) ON DUPLICATE KEY UPDATE pr_key = pr_key`, j.Key); err != nil {
		return false, fmt.Errorf("store delivery %s: %w", j.Delivery, err)
	}
	now := ms(time.Now())
	// Without CLIENT_FOUND_ROWS (the driver's default) a duplicate that
	// changes nothing counts 0 rows: a redelivery.
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (delivery, event, installation, pr_key, payload, state, error, not_before, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id`,
		j.Delivery, j.Event, j.InstallationID, j.Key, j.Payload, enqueuedState(j), clipError(j.Error), ms(notBefore), now, now)
	ok, err := inserted(j.Delivery, res, err)
	if err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store delivery %s: %w", j.Delivery, err)
	}
	return ok, nil
}

// claimMySQL reads a few runnable jobs, then for each in turn locks its
// key (skipping keys another claimer holds), re-reads the key's runnable
// job under the lock and leases it.
func (s *sqlStore) claimMySQL(ctx context.Context, owner string, now time.Time, d time.Duration) (*Job, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, fmt.Errorf("claim a job: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	t := ms(now)
	keys, err := candidateKeys(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		var locked string
		err := tx.QueryRowContext(ctx, `SELECT pr_key FROM job_keys WHERE pr_key = ? FOR UPDATE SKIP LOCKED`, key).Scan(&locked)
		if errors.Is(err, sql.ErrNoRows) {
			continue // another replica is claiming or enqueueing this key
		}
		if err != nil {
			return nil, fmt.Errorf("claim a job of %s: %w", key, err)
		}
		var j *Job
		for _, expired := range runnableKinds {
			if j, err = scanJob(tx.QueryRowContext(ctx, runnable(jobColumns, true, 1, expired), append(runnableArgs(t, expired), key)...)); !errors.Is(err, sql.ErrNoRows) {
				break
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			continue // claimed meanwhile: the key's lock stays until commit, harmlessly
		}
		if err != nil {
			return nil, fmt.Errorf("claim a job of %s: %w", key, err)
		}
		if err := lease(ctx, tx, j, owner, now, d); err != nil {
			return nil, err
		}
		return j, nil
	}
	return nil, nil
}

// candidateKeys are the keys of the oldest runnable jobs, read without locks.
func candidateKeys(ctx context.Context, tx *sql.Tx, t int64) ([]string, error) {
	type candidate struct {
		id  int64
		key string
	}
	var found []candidate
	for _, expired := range runnableKinds {
		rows, err := tx.QueryContext(ctx, runnable("j.id, j.pr_key", false, claimCandidates, expired), runnableArgs(t, expired)...)
		if err != nil {
			return nil, fmt.Errorf("claim a job: %w", err)
		}
		for rows.Next() {
			var c candidate
			if err := rows.Scan(&c.id, &c.key); err != nil {
				rows.Close()
				return nil, fmt.Errorf("claim a job: %w", err)
			}
			found = append(found, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("claim a job: %w", err)
		}
	}
	// Oldest first, across both kinds.
	slices.SortFunc(found, func(a, b candidate) int { return cmp.Compare(a.id, b.id) })
	var keys []string
	seen := map[string]bool{}
	for _, c := range found {
		if !seen[c.key] {
			seen[c.key] = true
			keys = append(keys, c.key)
		}
	}
	return keys, nil
}

// recordDeploymentMySQL is RecordDeployment's upsert in MySQL's words
// (VALUES() is deprecated in MySQL 8.0.20+ but still works; MariaDB has
// no row alias).
func (s *sqlStore) recordDeploymentMySQL(ctx context.Context, d Deployment) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO deployments (org, db, number, installation, repo, pr, state, updated_at, comment_id, check_run_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE installation = VALUES(installation), repo = VALUES(repo), pr = VALUES(pr),
			state = VALUES(state), updated_at = VALUES(updated_at),
			comment_id = IF(VALUES(comment_id) = 0, comment_id, VALUES(comment_id)),
			check_run_id = IF(VALUES(check_run_id) = 0, check_run_id, VALUES(check_run_id))`,
		d.Organization, d.Database, d.Number, d.InstallationID, d.Repo, d.PullRequest, d.State, ms(d.UpdatedAt), d.CommentID, d.CheckRunID); err != nil {
		return fmt.Errorf("record deploy request #%d of %s/%s: %w", d.Number, d.Organization, d.Database, err)
	}
	return nil
}

// addedIndexesMySQL are the jobs table's indexes added after its first
// release (SQLite's schema creates them IF NOT EXISTS; MySQL 8 has no such
// clause for indexes): a claim walks jobs_state in id order, prune reads
// jobs_ended.
var addedIndexesMySQL = []struct{ name, def string }{
	{"jobs_state", "(state, id)"},
	{"jobs_ended", "(state, updated_at)"},
}

// addIndexesMySQL adds the addedIndexesMySQL an older store lacks (ensure).
func (s *sqlStore) addIndexesMySQL(ctx context.Context) error {
	has := func(name string) (bool, error) {
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.statistics
			WHERE table_schema = DATABASE() AND table_name = 'jobs' AND index_name = ?`, name).Scan(&n)
		return n > 0, err
	}
	for _, ix := range addedIndexesMySQL {
		if err := s.ensure(ctx, "index jobs."+ix.name, func() (bool, error) { return has(ix.name) },
			`CREATE INDEX `+ix.name+` ON jobs `+ix.def); err != nil {
			return err
		}
	}
	return nil
}
