package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/github"
)

// EngineRunner runs jobs through the engine (internal/bot), as the Action
// does, with a GitHub client of the delivery's own installation: a token of
// one installation never serves another.
type EngineRunner struct {
	AppID      int64
	PrivateKey []byte
	// GitHubURL is the REST API root (GITHUB_API_URL); "" is GitHub.com.
	GitHubURL string
	// PlanetScale is nil without credentials: the engine then lints only.
	PlanetScale bot.PlanetScale
	// Options are the engine's; FollowTimeout bounds how long one job
	// follows a deployment before it hands over to a follow-up job.
	Options bot.Options
	// FollowEvery is how soon a follow-up runs while a deployment moves;
	// a deployment at rest in its revert window or before its cutover is
	// looked at every FollowIdle.
	FollowEvery, FollowIdle time.Duration
	Logger                  *slog.Logger
	UserAgent               string
	// Announcements, when set (the server's store), makes a deployment's
	// end one reply however many jobs follow it: a command's job is keyed
	// by its pull request and a follow-up job by its repository, so both
	// may run at once (bot.Options.Announce).
	Announcements Announcer

	mu      sync.Mutex
	clients map[int64]*github.Client
}

// Announcer claims a reply for a job (Store.Announce).
type Announcer interface {
	Announce(ctx context.Context, key string, job int64) (bool, error)
}

// client is the installation's GitHub client, made once (ghinstallation
// refreshes its token).
func (r *EngineRunner) client(ctx context.Context, installation int64) (*github.Client, error) {
	if installation <= 0 {
		return nil, Permanent(errors.New("the delivery names no GitHub App installation: is the webhook the App's (not a repository webhook)?"))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.clients[installation]; c != nil {
		return c, nil
	}
	c, err := github.New(ctx, github.Config{AppID: r.AppID, PrivateKey: r.PrivateKey, InstallationID: installation,
		BaseURL: r.GitHubURL, Logger: r.Logger, UserAgent: r.UserAgent})
	if err != nil {
		return nil, fmt.Errorf("GitHub App installation %d: %w", installation, err)
	}
	if r.clients == nil {
		r.clients = map[int64]*github.Client{}
	}
	r.clients[installation] = c
	return c, nil
}

// installationChanged acts on an installation event: a deleted or
// suspended installation's client (and its token) is dropped, so nothing
// runs on it again; a new one needs nothing until its first delivery.
func (r *EngineRunner) installationChanged(ev bot.InstallationEvent) {
	r.Logger.Info("GitHub App installation changed", "installation", ev.ID, "action", ev.Action, "account", ev.Account)
	switch ev.Action {
	case "deleted", "suspend":
		r.mu.Lock()
		delete(r.clients, ev.ID)
		r.mu.Unlock()
	}
}

// Run runs one job's event.
func (r *EngineRunner) Run(ctx context.Context, j *Job) (*FollowUp, error) {
	if j.Event == "installation" {
		ev, err := bot.ParseEvent(j.Event, j.Payload)
		if err != nil || ev.Installation == nil {
			return nil, err
		}
		r.installationChanged(*ev.Installation)
		return nil, nil
	}
	gh, err := r.client(ctx, j.InstallationID)
	if err != nil {
		return nil, err
	}
	writes := &checkedWrites{RefreshGitHub: gh}
	opts := r.Options
	// The claim comes before the reply: a reply that then fails transiently
	// fails the job (checkedWrites), and its retry, the same job, holds the
	// claim and replies.
	if r.Announcements != nil {
		opts.Announce = func(ctx context.Context, key string) (bool, error) { return r.Announcements.Announce(ctx, key, j.ID) }
	}
	engine := &bot.Engine{GitHub: writes, PlanetScale: r.PlanetScale, Logger: r.Logger.With("job", j.ID), Options: opts}
	var out *bot.Outcome
	var repo bot.Repo
	switch j.Event {
	case KindFollow:
		var f followPayload
		if err := json.Unmarshal(j.Payload, &f); err != nil {
			return nil, Permanent(fmt.Errorf("follow-up job %d: %w", j.ID, err))
		}
		repo = f.Repo
		if f.PullRequest > 0 {
			out, err = engine.RefreshPullRequest(ctx, repo, f.PullRequest)
		} else {
			out, err = engine.Refresh(ctx, repo) // a follow-up queued by an older ddlbot: the whole repository
		}
	default:
		ev, perr := bot.ParseEvent(j.Event, j.Payload)
		if perr != nil {
			return nil, Permanent(perr)
		}
		switch {
		case ev.PullRequest != nil:
			repo = ev.PullRequest.Repo
			out, err = engine.HandlePullRequest(ctx, *ev.PullRequest)
		case ev.Comment != nil:
			repo = ev.Comment.Repo
			out, err = engine.HandleComment(ctx, *ev.Comment)
		default:
			return nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if werr := writes.failed(); werr != nil {
		// The engine carries on past a comment or check run GitHub did not
		// take (the Action must: the next event repairs it). Here the job
		// runs again: the engine re-derives everything, and a deploy
		// request already deploying is followed, never deployed twice.
		return nil, fmt.Errorf("GitHub failed a write the run went on without, running it again: %w", werr)
	}
	r.Logger.Info("job outcome", "job", j.ID, "decision", out.Decision, "reason_code", out.ReasonCode, "reason", out.Reason)
	return r.followUp(j, repo, out), nil
}

// followUp schedules the next look at the pull request's deployments while
// one of this outcome's is still followed, and names the deployments the
// outcome shows (so PlanetScale's webhooks for them find the pull request).
func (r *EngineRunner) followUp(j *Job, repo bot.Repo, out *bot.Outcome) *FollowUp {
	wait := time.Duration(0)
	var deps []Deployment
	now := time.Now()
	prs := map[int]bool{}
	for _, d := range out.Databases {
		pr := d.PullRequest
		if pr == 0 {
			pr = prOf(j)
		}
		followed, moving := bot.Followed(d.DeploymentState)
		switch {
		case moving:
			wait = r.FollowEvery
		case followed && wait == 0:
			wait = r.FollowIdle
		}
		if followed && pr > 0 {
			prs[pr] = true
		}
		// A deployment followed, or one that ended (its record's state
		// then says so); a plan's deploy request is not a deployment.
		if d.DeployRequest > 0 && d.Organization != "" && (followed || deployEnded(d.DeploymentState)) {
			deps = append(deps, Deployment{Organization: d.Organization, Database: d.Database, Number: d.DeployRequest,
				InstallationID: j.InstallationID, Repo: repo.String(), PullRequest: pr, State: d.DeploymentState,
				CommentID: d.CommentID, CheckRunID: d.CheckRunID, UpdatedAt: now})
		}
	}
	if wait == 0 || len(prs) == 0 {
		if len(deps) == 0 {
			return nil
		}
		return &FollowUp{Deployments: deps}
	}
	// The delivery names the job that scheduled it: a run taken over after
	// a lost lease schedules the same one again, not a second. (The pool
	// schedules none while one of the pull request's follow-ups waits.)
	f := &FollowUp{At: now.Add(wait), Deployments: deps}
	for _, pr := range slices.Sorted(maps.Keys(prs)) {
		f.Jobs = append(f.Jobs, followJob(fmt.Sprintf("follow:%s#%d:after:%d", strings.ToLower(repo.String()), pr, j.ID), j.InstallationID, repo, pr))
	}
	return f
}

// followPayload is a follow-up job's payload: the pull request whose
// deployments it follows (PullRequest 0, from an older ddlbot: every open
// one of the repository).
type followPayload struct {
	bot.Repo
	PullRequest int `json:",omitempty"`
}

// followJob is a follow-up job of a pull request. It has the pull request's
// own key, so it never runs beside a push or a command of that pull request
// (the claim lets a push pass a follow-up that is not due yet).
func followJob(delivery string, installation int64, repo bot.Repo, pr int) Job {
	payload, _ := json.Marshal(followPayload{Repo: repo, PullRequest: pr})
	key := prKey(repo, pr)
	if pr <= 0 {
		key = "follow:" + strings.ToLower(repo.String()) // the whole repository's, as an older ddlbot keyed them
	}
	return Job{Delivery: delivery, Event: KindFollow, InstallationID: installation, Key: key, Payload: payload}
}

// deployEnded: the deployment came to an end (deployed, failed, cancelled,
// reverted).
func deployEnded(state string) bool { return strings.HasPrefix(state, "complete") }

// prOf is the pull request number in a job's key ("owner/repo#7"), 0 for
// a follow-up.
func prOf(j *Job) int {
	_, n, ok := strings.Cut(j.Key, "#")
	if !ok {
		return 0
	}
	v, _ := strconv.Atoi(n)
	return v
}

// checkedWrites is the engine's GitHub client, remembering the comment
// and check run writes that failed for a reason that may pass (5xx, rate
// limit, network) and were not made good by a later write of the same
// thing: the engine logs such a failure and goes on.
type checkedWrites struct {
	bot.RefreshGitHub
	mu   sync.Mutex
	errs map[string]error // what was written → why it failed
}

// note records the outcome of writing what.
func (c *checkedWrites) note(what string, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err == nil:
		delete(c.errs, what)
	case github.IsTransient(err):
		if c.errs == nil {
			c.errs = map[string]error{}
		}
		c.errs[what] = err
	}
	return err
}

func (c *checkedWrites) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, err := range c.errs {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *checkedWrites) UpsertStickyComment(ctx context.Context, owner, repo string, number int, marker, body string) (int64, bool, error) {
	id, created, err := c.RefreshGitHub.UpsertStickyComment(ctx, owner, repo, number, marker, body)
	return id, created, c.note(fmt.Sprintf("sticky %s/%s#%d %s", owner, repo, number, marker), err)
}

func (c *checkedWrites) CreateCheckRun(ctx context.Context, owner, repo string, opts github.CheckRunOptions) (github.CheckRun, error) {
	cr, err := c.RefreshGitHub.CreateCheckRun(ctx, owner, repo, opts)
	return cr, c.note(fmt.Sprintf("check run %s/%s %s %s", owner, repo, opts.HeadSHA, opts.Name), err)
}

func (c *checkedWrites) UpdateCheckRun(ctx context.Context, owner, repo string, id int64, opts github.CheckRunOptions) (github.CheckRun, error) {
	cr, err := c.RefreshGitHub.UpdateCheckRun(ctx, owner, repo, id, opts)
	return cr, c.note(fmt.Sprintf("check run %s/%s %d", owner, repo, id), err)
}

func (c *checkedWrites) Reply(ctx context.Context, owner, repo string, number int, body string) (int64, error) {
	id, err := c.RefreshGitHub.Reply(ctx, owner, repo, number, body)
	sum := sha256.Sum256([]byte(body)) // the whole body: two replies alike at the start are two writes
	return id, c.note(fmt.Sprintf("reply %s/%s#%d %x", owner, repo, number, sum[:8]), err)
}

func (c *checkedWrites) EditComment(ctx context.Context, owner, repo string, commentID int64, body string) error {
	return c.note(fmt.Sprintf("comment %s/%s %d", owner, repo, commentID), c.RefreshGitHub.EditComment(ctx, owner, repo, commentID, body))
}
