// Package bot is ddlbot's engine: events and commands in, idempotent actions
// out. It decides; it talks to GitHub and PlanetScale only through the small
// interfaces below, so it runs the same against GitHub or a terminal, and
// against PlanetScale or localscale. It keeps no state of its own: every run
// re-derives what to do from GitHub (the sticky comment's hidden block) and
// PlanetScale (branch, deploy request, deployment).
package bot

import (
	"context"
	"io/fs"
	"log/slog"
	"time"

	"github.com/ddlbot/ddlbot/internal/retry"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/listedfs"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// GitHub is what the engine needs from GitHub. *github.Client implements it;
// so does the terminal used by `ddlbot plan`.
type GitHub interface {
	PullRequest(ctx context.Context, owner, repo string, number int) (github.PullRequest, error)
	// FileContent returns a file at a ref; a missing file wraps fs.ErrNotExist.
	FileContent(ctx context.Context, owner, repo, ref, path string) ([]byte, error)
	// RepoFS returns a folder at a ref (paths relative to the repository
	// root). A .sql file over limits.MaxFileSize is listed but never read;
	// a folder over the other limits may be read file by file as it is
	// opened (see listedfs), so the load's size check refuses it first.
	RepoFS(ctx context.Context, owner, repo, ref, dir string, limits listedfs.Limits) (fs.FS, error)
	FindStickyComment(ctx context.Context, owner, repo string, number int, marker string) (*github.Comment, error)
	UpsertStickyComment(ctx context.Context, owner, repo string, number int, marker, body string) (int64, bool, error)
	CreateCheckRun(ctx context.Context, owner, repo string, opts github.CheckRunOptions) (github.CheckRun, error)
	UpdateCheckRun(ctx context.Context, owner, repo string, id int64, opts github.CheckRunOptions) (github.CheckRun, error)
	FindCheckRun(ctx context.Context, owner, repo, sha, name string) (*github.CheckRun, error)
}

// PlanetScale is what the engine needs from PlanetScale. *planetscale.Client
// implements it.
type PlanetScale interface {
	// GetDatabase reads the database's settings (migration data copying).
	GetDatabase(ctx context.Context, org, db string) (*ps.Database, error)
	GetBranch(ctx context.Context, org, db, branch string) (*ps.Branch, error)
	// ListBranches lists the database's branches (cleanup finds its own).
	ListBranches(ctx context.Context, org, db string) ([]ps.Branch, error)
	CreateBranch(ctx context.Context, org, db string, req ps.CreateBranchRequest) (*ps.Branch, error)
	DeleteBranch(ctx context.Context, org, db, branch string) error
	BranchSchema(ctx context.Context, org, db, branch string) ([]ps.SchemaTable, error)
	ApplyDDL(ctx context.Context, org, db, branch string, stmts []string, opts ps.ApplyOptions) (*ps.ApplyResult, error)
	ListDeployRequests(ctx context.Context, org, db string, opts ps.ListDeployRequestsOptions) ([]ps.DeployRequest, error)
	CreateDeployRequest(ctx context.Context, org, db string, req ps.CreateDeployRequestRequest) (*ps.DeployRequest, error)
	GetDeployRequest(ctx context.Context, org, db string, number int) (*ps.DeployRequest, error)
	CloseDeployRequest(ctx context.Context, org, db string, number int) (*ps.DeployRequest, error)
	DeployRequestDiff(ctx context.Context, org, db string, number int) ([]ps.SchemaTable, error)
}

// Clock is the time source; tests use a fake one so waits cost nothing.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error { return retry.Sleep(ctx, d) }

// Options tune the engine.
type Options struct {
	// BranchReadyTimeout bounds the wait for a new branch (default 10 min,
	// PlanetScale's own CLI limit).
	BranchReadyTimeout time.Duration
	// ChecksTimeout bounds the wait for a deploy request's checks (default 10 min).
	ChecksTimeout time.Duration
	// PollInterval is the first poll interval; it doubles up to 10 s (default 1 s).
	PollInterval time.Duration
	// FollowTimeout bounds how long a command follows a deployment (default 30 min).
	FollowTimeout time.Duration
	// FollowedOn says someone goes on following a deployment after
	// FollowTimeout (the server's follow-up jobs): the command then does not
	// reply that it stopped following and asks for no /plan.
	FollowedOn bool
	// RefreshTimeout bounds how long Refresh polls the deployments still
	// moving once it has read each (default 0: each is read once).
	RefreshTimeout time.Duration
	// MinUpdateInterval is the least time between two edits of the comment
	// and check run while following (default 10 s): rate-limit friendly.
	MinUpdateInterval time.Duration
	// MaxPollInterval caps the polling interval while following (default 10 s).
	MaxPollInterval time.Duration
	// BackupTimeout bounds the wait for the backup before a deploy (default
	// DefaultBackupTimeout); past it the deploy is refused.
	BackupTimeout time.Duration
	// DetailsURL links check runs somewhere useful (the workflow run).
	DetailsURL string
	// Version is ddlbot's version, shown in reports.
	Version string
	// ConfigPath is the configuration file, read at the repository's
	// default branch (at the base commit where there is none, as in a
	// terminal), relative to the repository root; the folders it names are
	// relative to its own folder. Empty means .ddlbot.yml, else
	// .ddlbot.yaml, at the root.
	ConfigPath string
	// Adjust, when set, changes the configuration once it is loaded (the
	// Action's organization, database and fail-on inputs). An error stops
	// the run with one failing check, reason code "inputs-invalid".
	Adjust func(*config.Config) error
	// Announce, when set, is asked before the reply that says how a
	// deployment ended, with a key naming the pull request, database,
	// deploy request and state: false means that end was announced
	// already, by another job (the server backs it with a unique row in its
	// store, so a command's job and a follow-up job following one
	// deployment reply once between them). An error announces anyway: a
	// second reply is better than none. Nil: always announce.
	Announce func(ctx context.Context, key string) (bool, error)
}

func (o Options) withDefaults() Options {
	if o.BranchReadyTimeout <= 0 {
		o.BranchReadyTimeout = 10 * time.Minute
	}
	if o.ChecksTimeout <= 0 {
		o.ChecksTimeout = 10 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.FollowTimeout <= 0 {
		o.FollowTimeout = 30 * time.Minute
	}
	if o.MinUpdateInterval <= 0 {
		o.MinUpdateInterval = 10 * time.Second
	}
	if o.BackupTimeout <= 0 {
		o.BackupTimeout = DefaultBackupTimeout
	}
	if o.MaxPollInterval <= 0 {
		o.MaxPollInterval = 10 * time.Second
	}
	return o
}

// Engine runs ddlbot's flows.
type Engine struct {
	GitHub GitHub
	// PlanetScale is nil when no credentials are available (fork pull
	// requests, lint-only runs): the engine then lints and reports only.
	PlanetScale PlanetScale
	Clock       Clock
	Logger      *slog.Logger
	Options     Options
}

func (e *Engine) clock() Clock {
	if e.Clock == nil {
		return RealClock{}
	}
	return e.Clock
}

func (e *Engine) log() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// poll calls fn until it reports done, with a doubling interval capped at
// 10 s, until the deadline.
func (e *Engine) poll(ctx context.Context, deadline time.Time, fn func() (bool, error)) error {
	wait := e.Options.withDefaults().PollInterval
	for {
		done, err := fn()
		if err != nil || done {
			return err
		}
		if !e.clock().Now().Add(wait).Before(deadline) {
			return errDeadline
		}
		if err := e.clock().Sleep(ctx, wait); err != nil {
			return err
		}
		if wait *= 2; wait > 10*time.Second {
			wait = 10 * time.Second
		}
	}
}
