package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// CommandGitHub is what commands need from GitHub on top of GitHub.
type CommandGitHub interface {
	GitHub
	React(ctx context.Context, owner, repo string, commentID int64, content string) error
	Reply(ctx context.Context, owner, repo string, number int, body string) (int64, error)
	Permission(ctx context.Context, owner, repo, user string) (github.Permission, error)
	TeamMember(ctx context.Context, org, teamSlug, user string) (bool, error)
	Reviews(ctx context.Context, owner, repo string, number int) ([]github.Review, error)
	// RequiredReviews is how many approving reviews the branch's protection
	// (rulesets, classic protection where readable) requires to merge.
	RequiredReviews(ctx context.Context, owner, repo, branch string) (int, error)
	EditComment(ctx context.Context, owner, repo string, commentID int64, body string) error
}

// DeployPlanetScale is what commands need from PlanetScale on top of PlanetScale.
type DeployPlanetScale interface {
	PlanetScale
	DeployDeployRequest(ctx context.Context, org, db string, number int, opts ps.DeployOptions) (*ps.DeployRequest, error)
	ApplyDeploy(ctx context.Context, org, db string, number int) (*ps.DeployRequest, error)
	CancelDeployRequest(ctx context.Context, org, db string, number int) (*ps.DeployRequest, error)
	RevertDeployRequest(ctx context.Context, org, db string, number int) (*ps.DeployRequest, error)
	SkipRevert(ctx context.Context, org, db string, number int) (*ps.DeployRequest, error)
	// Backups of the production branch before a deploy that can drop data.
	CreateBackup(ctx context.Context, org, db, branch string, req ps.CreateBackupRequest) (*ps.Backup, error)
	GetBackup(ctx context.Context, org, db, branch, id string) (*ps.Backup, error)
	ListBackups(ctx context.Context, org, db, branch string) ([]ps.Backup, error)
	// ListAnomalies reads Insights' anomalies of the production branch
	// during a revert window.
	ListAnomalies(ctx context.Context, org, db, branch string) ([]ps.Anomaly, error)
}

// CommentEvent is an issue_comment delivery, reduced to what the engine needs.
type CommentEvent struct {
	Action        string // created, edited, deleted
	Repo          Repo
	Number        int  // the issue or pull request
	IsPullRequest bool // the issue is a pull request
	CommentID     int64
	Body          string
	Author        string
	AuthorIsBot   bool // user.type == "Bot"
}

// HandleComment runs a pull request comment command (DESIGN: "Commands").
func (e *Engine) HandleComment(ctx context.Context, ev CommentEvent) (*Outcome, error) {
	gh, ok := e.GitHub.(CommandGitHub)
	if !ok {
		return nil, errors.New("this GitHub client cannot run commands")
	}
	ignore := func(code ReasonCode, why string) (*Outcome, error) {
		return &Outcome{Decision: DecisionIgnored, ReasonCode: code, Reason: why}, nil
	}
	switch {
	case ev.Action != "created":
		return ignore(ReasonCode("comment-"+ev.Action), "only new comments carry commands")
	case !ev.IsPullRequest:
		return ignore(ReasonNotAPR, "commands work on pull requests only")
	case ev.AuthorIsBot || strings.HasSuffix(ev.Author, "[bot]"):
		return ignore(ReasonBotAuthor, "comments by bots are ignored")
	}
	cmd, isCmd, perr := ParseCommand(ev.Body)
	if !isCmd {
		return ignore(ReasonNotACommand, "the comment does not start with a ddlbot command")
	}
	r := &run{e: e, gh: gh, ev: ev, cmd: cmd}
	r.react(github.ReactionEyes) // at once; never blocks the work
	if perr != nil {
		return r.refuse(ReasonBadCommand, perr.Error()+"\n\n"+HelpText(nil))
	}
	return r.do(ctx)
}

// CommandRequest is a command to run on a pull request without a comment
// to carry it: the terminal's `ddlbot deploy`. Author stands for the
// commenter (permission, teams and replies are theirs).
type CommandRequest struct {
	Repo    Repo
	Number  int
	Author  string
	Command Command
}

// RunCommand runs a command exactly as a comment by req.Author would, from
// the permission check on, with no comment to react to.
func (e *Engine) RunCommand(ctx context.Context, req CommandRequest) (*Outcome, error) {
	gh, ok := e.GitHub.(CommandGitHub)
	if !ok {
		return nil, errors.New("this GitHub client cannot run commands")
	}
	if err := req.Command.check(); err != nil {
		return nil, err
	}
	r := &run{e: e, gh: gh, ev: CommentEvent{Action: "created", Repo: req.Repo, Number: req.Number, IsPullRequest: true, Author: req.Author}, cmd: req.Command}
	return r.do(ctx)
}

// run is one command being handled.
type run struct {
	e   *Engine
	gh  CommandGitHub
	ev  CommentEvent
	cmd Command
	pr  github.PullRequest
	cfg *config.Config
	db  config.Database
	// merge: the pull request's merge runs the deploy (deploy.on_merge),
	// not a comment; ev.Author is who merged it.
	merge bool
	// The sticky comment as last written while following, so that each
	// progress update is one edit.
	commentID   int64
	commentBody string
	// reread: read the comment again before each edit, as another job may
	// have written it since (Refresh runs beside the pull request's jobs).
	reread bool
	// checkID is the check run of this command's deploy, once its backup
	// or its deployment created one.
	checkID int64
	// backupSection shows the backup made before the deploy, above the
	// deployment; nextBackupName is the name a new backup gets.
	backupSection  string
	nextBackupName string
	// perm is the asker's permission once read (permission).
	perm *github.Permission
	// followed is the deploy request as the last follow left it: the
	// revert-window watch reads its state, not the one before the follow.
	followed *ps.DeployRequest
}

// latest is dr as the last follow of this run saw it, else dr.
func (r *run) latest(dr *ps.DeployRequest) *ps.DeployRequest {
	if r.followed != nil && dr != nil && r.followed.Number == dr.Number {
		return r.followed
	}
	return dr
}

func (r *run) react(content string) {
	if r.ev.CommentID == 0 {
		return // a merge, not a comment
	}
	// A fresh context: a reaction must not fail because the job's is done.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.gh.React(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.CommentID, content); err != nil {
		r.e.log().Warn("react to comment", "comment", r.ev.CommentID, "err", err)
	}
}

func (r *run) reply(body string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mention := ""
	if r.ev.Author != "" {
		mention = "@" + r.ev.Author + " "
	}
	if _, err := r.gh.Reply(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Number, mention+publicText(body)); err != nil {
		r.e.log().Warn("reply", "err", err)
	}
}

// refuse says no, with the reason, and ends the command.
func (r *run) refuse(code ReasonCode, why string) (*Outcome, error) {
	r.react(github.ReactionMinusOne)
	what, then := fmt.Sprintf("`/%s` was not run", r.cmd.Name), ""
	switch {
	case r.merge:
		what = "The merge did not deploy (`deploy.on_merge`)"
		then = " The deploy request stays open: once that is fixed, comment `/deploy` here or deploy it in PlanetScale."
	case r.cmd.Name == "": // an unknown command: there is no name to repeat
		what = "Nothing was run"
	}
	r.reply(what + ": " + why + then)
	return &Outcome{Decision: DecisionRefused, ReasonCode: code, Reason: firstLine(why)}, nil
}

func (r *run) do(ctx context.Context) (*Outcome, error) {
	ev := r.ev
	pr, err := r.gh.PullRequest(ctx, ev.Repo.Owner, ev.Repo.Name, ev.Number)
	if err != nil {
		return nil, fmt.Errorf("read pull request #%d: %w", ev.Number, err)
	}
	r.pr = pr
	cfg, err := r.e.loadConfig(ctx, ev.Repo, configRef(pr))
	if err != nil {
		return r.refuse(ReasonConfigInvalid, fmt.Sprintf("the %s on %s is not valid: %s", r.e.configName(), configWhere(pr), err.Error()))
	}
	// As for the pull request flow: the caller's adjustments (the Action's
	// organization and database inputs) apply to commands too.
	if r.e.Options.Adjust != nil {
		if err := r.e.Options.Adjust(cfg); err != nil {
			return r.refuse(ReasonInputsInvalid, "the inputs of the ddlbot step do not fit the configuration: "+schemadiff.MarkdownEscape(err.Error()))
		}
	}
	r.cfg = cfg
	var names []string
	for _, d := range cfg.Databases {
		names = append(names, d.Name)
	}
	spec := specOf(r.cmd.Name)
	if spec == nil {
		return r.refuse(ReasonBadCommand, fmt.Sprintf("unknown command `/%s`", clip(r.cmd.Name)))
	}
	if spec.kind == kindHelp {
		r.reply(HelpText(names))
		r.react(github.ReactionRocket)
		return &Outcome{Decision: DecisionDone, ReasonCode: ReasonHelp}, nil
	}
	if code, why, err := r.authorize(ctx); err != nil || code != "" {
		if err != nil {
			return nil, err
		}
		return r.refuse(code, why)
	}
	if len(cfg.Databases) == 0 {
		return r.refuse(ReasonNoPlan, fmt.Sprintf("there is no %s on %s, so there is nothing to deploy.", r.e.configName(), configWhere(pr)))
	}
	db, ok := r.database(names)
	if !ok {
		if r.cmd.DB != "" {
			return r.refuse(ReasonWhichDatabase, fmt.Sprintf("there is no database %s (this repository has %s).", schemadiff.MarkdownCode(r.cmd.DB), strings.Join(names, ", ")))
		}
		return r.refuse(ReasonWhichDatabase, fmt.Sprintf("this repository has several databases: say which with `--db NAME` (%s).", strings.Join(names, ", ")))
	}
	r.db = db
	if spec.kind == kindPlan {
		return r.plan(ctx)
	}
	if pr.State != "open" && !pr.Merged {
		// A merged pull request keeps its commands: its deploy request
		// stays open to be deployed (and a gated deploy to be cut over).
		return r.refuse(ReasonClosed, "the pull request is closed.")
	}
	if pr.Draft && spec.kind == kindDeploy {
		return r.refuse(ReasonDraft, "the pull request is a draft: mark it ready for review first.")
	}
	if pr.IsFork && !cfg.Deploy.AllowForks {
		return r.refuse(ReasonFork, "the pull request comes from a fork, and `deploy.allow_forks` is off.")
	}
	if why, ok := deploysFrom(cfg, pr); !ok && spec.kind == kindDeploy {
		return r.refuse(ReasonBaseBranch, why)
	}
	dps, ok := r.e.PlanetScale.(DeployPlanetScale)
	if r.e.PlanetScale == nil || !ok || db.Organization == "" {
		return r.refuse(ReasonNoPlanetScale, "ddlbot has no PlanetScale credentials or organization for this database here.")
	}
	st, err := r.planState(ctx)
	if err != nil {
		return nil, err
	}
	if st.DeployRequest == 0 {
		if spec.kind == kindDeploy {
			// No deploy request because lint fails (planBlocked): say that.
			if _, why, err := r.lintBlocks(ctx); err != nil || why != "" {
				if err != nil {
					return nil, err
				}
				return r.refuse(ReasonLintErrors, why)
			}
		}
		return r.refuse(ReasonNoPlan, "there is no plan for this database yet: push, or comment `/plan`.")
	}
	dr, err := dps.GetDeployRequest(ctx, db.Organization, db.Database, st.DeployRequest)
	if err != nil {
		return nil, fmt.Errorf("read deploy request #%d: %w", st.DeployRequest, err)
	}
	var out *Outcome
	switch spec.kind {
	case kindDeploy:
		out, err = r.deploy(ctx, dps, st, dr)
	default:
		out, err = r.transition(ctx, dps, dr)
	}
	if err == nil && !spec.window {
		// Whoever acts on the revert window has seen it; anyone else hears
		// of a slowdown after the cutover.
		r.watchRevertWindow(ctx, dps, r.latest(dr))
	}
	return out, err
}

// lintBlocks lints the pull request's head: why is the refusal when its
// findings reach lint.fail_on, "" when it may deploy.
func (r *run) lintBlocks(ctx context.Context) (res *check.Result, why string, err error) {
	res, err = r.e.analyse(ctx, r.ev.Repo, r.pr, r.cfg, r.db)
	if err != nil {
		return nil, "", err
	}
	failOn := check.FailOnOf(r.cfg)
	if !check.FailsOn(res.Findings, failOn) {
		return res, "", nil
	}
	if n := lint.Summarize(res.Findings).Errors; n > 0 {
		return res, fmt.Sprintf("the change has %d lint error(s); see the plan comment.", n), nil
	}
	return res, fmt.Sprintf("the change has lint findings at or above `lint.fail_on` (%s); see the plan comment.", failOn), nil
}

// permission is the asker's permission on the repository, read once per run.
func (r *run) permission(ctx context.Context) (github.Permission, error) {
	if r.perm != nil {
		return *r.perm, nil
	}
	perm, err := r.gh.Permission(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Author)
	if err != nil {
		return github.Permission{}, fmt.Errorf("read the permission of %s: %w", r.ev.Author, err)
	}
	r.perm = &perm
	return perm, nil
}

// authorize checks who asks (the commenter, or who merged): /plan needs
// read, everything else deploy.min_permission and deploy.allowed_teams.
// code is "" when they may.
func (r *run) authorize(ctx context.Context) (code ReasonCode, why string, err error) {
	ev, cfg := r.ev, r.cfg
	min := cfg.Deploy.MinPermission
	readOnly := specOf(r.cmd.Name).readOnly
	if readOnly {
		min = config.PermissionRead
	}
	perm, err := r.permission(ctx)
	if err != nil {
		return "", "", err
	}
	if !perm.AtLeast(min) {
		return ReasonPermission, fmt.Sprintf("it needs at least %s permission on this repository, and @%s has %s.", min, ev.Author, orNone(perm.Role)), nil
	}
	if !readOnly && len(cfg.Deploy.AllowedTeams) > 0 {
		for _, team := range cfg.Deploy.AllowedTeams {
			if ok, err := r.gh.TeamMember(ctx, ev.Repo.Owner, team, ev.Author); err == nil && ok {
				return "", "", nil
			}
		}
		return ReasonTeam, fmt.Sprintf("only members of %s may run it, and @%s is not one.", strings.Join(cfg.Deploy.AllowedTeams, ", "), ev.Author), nil
	}
	return "", "", nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// database picks the database a command is about.
func (r *run) database(names []string) (config.Database, bool) {
	if r.cmd.DB != "" {
		d, ok := r.cfg.Database(r.cmd.DB)
		if !ok {
			return config.Database{}, false
		}
		return *d, true
	}
	if len(r.cfg.Databases) == 1 {
		return r.cfg.Databases[0], true
	}
	return config.Database{}, false
}

// planState reads the sticky comment's hidden block for the database.
func (r *run) planState(ctx context.Context) (PlanState, error) {
	return r.e.stickyState(ctx, r.ev.Repo, r.ev.Number, r.db.Name)
}

// plan re-plans, or, when a deploy is under way, picks up where it is.
func (r *run) plan(ctx context.Context) (*Outcome, error) {
	if dps, ok := r.e.PlanetScale.(DeployPlanetScale); ok && r.db.Organization != "" {
		if st, err := r.planState(ctx); err == nil && st.DeployRequest != 0 {
			if dr, err := dps.GetDeployRequest(ctx, r.db.Organization, r.db.Database, st.DeployRequest); err == nil && deployingStates[dr.DeploymentState] {
				out, err := r.follow(ctx, dps, dr, time.Time{})
				if err == nil {
					r.watchRevertWindow(ctx, dps, r.latest(dr))
				}
				return out, err
			}
		}
	}
	out, err := r.e.HandlePullRequest(ctx, PullRequestEvent{Action: "synchronize", Repo: r.ev.Repo, Number: r.ev.Number})
	if err != nil {
		r.react(github.ReactionMinusOne)
		return nil, err
	}
	if out.Decision == DecisionFailed {
		r.react(github.ReactionMinusOne)
	} else {
		r.react(github.ReactionRocket)
	}
	return out, nil
}

// deploy checks everything a deploy needs, then deploys and follows.
func (r *run) deploy(ctx context.Context, dps DeployPlanetScale, st PlanState, dr *ps.DeployRequest) (*Outcome, error) {
	org, name := r.db.Organization, r.db.Database
	if r.cmd.SkipBackup {
		// Deploying without the backup that protects production's data is
		// an admin's call, whatever deploy.min_permission allows.
		perm, err := r.permission(ctx)
		if err != nil {
			return nil, err
		}
		if !perm.AtLeast(config.PermissionAdmin) {
			return r.refuse(ReasonPermission, fmt.Sprintf("`--skip-backup` needs admin permission on this repository, and @%s has %s. Comment `/deploy` to deploy with the backup.", r.ev.Author, orNone(perm.Role)))
		}
	}
	if deployingStates[dr.DeploymentState] {
		// A duplicate delivery, or a deploy started elsewhere: follow it, never deploy twice.
		r.reply(fmt.Sprintf("Deploy request #%d is already %s; following it.", dr.Number, strings.ReplaceAll(dr.DeploymentState, "_", " ")))
		return r.follow(ctx, dps, dr, time.Time{})
	}
	if st.HeadSHA != r.pr.HeadSHA && r.pr.State != "open" {
		// A merged pull request is not re-planned (the flow only cleans up
		// after a closed one): the deploy request is not what was merged.
		return r.refuse(ReasonStalePlan, fmt.Sprintf("the plan was made for %s but the pull request was merged at %s, which was never planned; deploy request #%d is not what was merged.",
			schemadiff.MarkdownCode(short(st.HeadSHA)), schemadiff.MarkdownCode(short(r.pr.HeadSHA)), dr.Number))
	}
	// Lint first: a head that fails lint gets no deploy request (planBlocked),
	// so its state is the earlier head's and re-planning would not help.
	res, why, err := r.lintBlocks(ctx)
	if err != nil {
		return nil, err
	}
	if why != "" {
		return r.refuse(ReasonLintErrors, why)
	}
	if st.HeadSHA != r.pr.HeadSHA {
		// Never deploy a stale plan: re-plan and ask again.
		if _, err := r.e.HandlePullRequest(ctx, PullRequestEvent{Action: "synchronize", Repo: r.ev.Repo, Number: r.ev.Number}); err != nil {
			return nil, err
		}
		return r.refuse(ReasonStalePlan, fmt.Sprintf("the plan was made for %s but the pull request is now at %s. I re-planned; check the updated plan and comment `/deploy` again.",
			schemadiff.MarkdownCode(short(st.HeadSHA)), schemadiff.MarkdownCode(short(r.pr.HeadSHA))))
	}
	if dr.DeploymentState != ps.StateReady || (dr.Deployment != nil && !dr.Deployment.Deployable) {
		return r.refuse(ReasonNotDeployable, fmt.Sprintf("deploy request #%d is %s, not ready to deploy.", dr.Number, strings.ReplaceAll(dr.DeploymentState, "_", " ")))
	}
	if why, ok := r.approved(ctx); !ok {
		return r.refuse(ReasonApprovals, why)
	}
	// Production read now, not as planned: it may have moved since.
	drift, err := r.e.drift(ctx, org, name, r.db.ProductionBranch, res, r.ev.Repo, r.pr.Number)
	if err != nil {
		return nil, err
	}
	if why := driftRefusal(drift, r.cfg.Deploy, r.cmd, baseName(r.pr)); why != "" {
		code := ReasonDrift
		if _, unknown := unacknowledged(drift, r.cfg.Deploy, r.cmd); len(unknown) > 0 {
			code = ReasonUnknownTables
		}
		return r.refuse(code, why+".")
	}
	gated := r.cmd.Gated || r.cfg.Deploy.Gated
	instant := r.cmd.Instant || (r.cfg.Deploy.Instant && !gated)
	if instant && (dr.Deployment == nil || !dr.Deployment.InstantDDLEligible) {
		if r.cmd.Instant {
			return r.refuse(ReasonNotDeployable, fmt.Sprintf("deploy request #%d is not eligible for an instant deploy.", dr.Number))
		}
		instant = false
	}
	if gated && dr.Deployment != nil && dr.Deployment.AutoCutover {
		// PlanetScale fixes auto_cutover when a deploy request is opened:
		// a gated deploy needs a gated deploy request.
		regated, err := r.regate(ctx, dps, dr)
		if err != nil {
			return nil, err
		}
		dr = regated
		st.DeployRequest = regated.Number
	}
	// The class check (issue 17): whatever the checks above missed, the
	// deploy request, its branch and the branch's schema must be this pull
	// request's reviewed head, or nothing is deployed.
	target := deployTarget{repo: r.ev.Repo, pr: r.pr, db: r.db, state: st, res: res}
	fresh, problems, err := r.e.verifyDeploy(ctx, target, dr.Number)
	if err != nil {
		return r.refuse(ReasonUnverified, fmt.Sprintf("ddlbot could not check that deploy request #%d is what was reviewed, so nothing was deployed: %s. Comment `/deploy` again.",
			dr.Number, schemadiff.MarkdownEscape(err.Error())))
	}
	if len(problems) > 0 {
		return r.refuse(ReasonNotReviewed, fmt.Sprintf("what deploy request #%d would deploy is not what was reviewed, so nothing was deployed:%s\n\nComment `/plan` to re-plan from the head, check the plan, then `/deploy`.",
			dr.Number, refusalList(problems)))
	}
	dr = fresh
	// Last before the deploy: a refused deploy never costs a backup, and
	// nothing is deployed unless its backup succeeded.
	if out, err := r.backUp(ctx, dps, dr, res); out != nil || err != nil {
		return out, err
	}
	started := r.e.clock().Now()
	number := dr.Number
	for attempt := 1; ; attempt++ {
		deployed, err := dps.DeployDeployRequest(ctx, org, name, number, ps.DeployOptions{InstantDDL: instant})
		if err == nil {
			return r.follow(ctx, dps, deployed, started)
		}
		if attempt < deployAttempts && !ps.IsPermanent(err) && ctx.Err() == nil {
			// PlanetScale failed (a 5xx past the client's own retries, the
			// network): the same deploy, a little later, rather than
			// "refused" for a fault that passes, when nothing started and
			// the deploy request is still what was reviewed.
			if serr := r.e.clock().Sleep(ctx, time.Duration(attempt)*r.e.Options.withDefaults().PollInterval); serr != nil {
				return nil, serr
			}
			if r.stillReady(ctx, target, number) {
				r.e.log().Warn("deploy failed and nothing started: trying again", "deploy_request", number, "attempt", attempt, "err", err)
				continue
			}
		}
		return r.deployFailed(ctx, dps, number, started, err)
	}
}

// deployAttempts is how many times a deploy that failed for a reason that
// may pass, with nothing started, is asked for.
const deployAttempts = 3

// stillReady checks the deploy request again as before the first deploy
// (verifyDeploy: still this pull request's reviewed head) and that it is
// still waiting to be deployed (the failed deploy started nothing), so
// asking again is safe.
func (r *run) stillReady(ctx context.Context, target deployTarget, number int) bool {
	dr, problems, err := r.e.verifyDeploy(ctx, target, number)
	return err == nil && len(problems) == 0 && dr.DeploymentState == ps.StateReady
}

// lostDeployWait bounds how long a deploy whose answer was lost is looked
// for before ddlbot says it cannot tell.
const lostDeployWait = 2 * time.Minute

// deployFailed decides what a failed deploy call means (issue 17 item 10).
// The answer may have been lost after PlanetScale started the deployment,
// and the client's own re-check may have failed too: the deploy request is
// read again (polling, for a while) before anything is reported. Deploying
// or deployed: follow it. Still waiting to be deployed: PlanetScale did
// refuse. Unreadable: say that nobody knows yet, never "refused".
func (r *run) deployFailed(ctx context.Context, dps DeployPlanetScale, number int, started time.Time, deployErr error) (*Outcome, error) {
	org, name := r.db.Organization, r.db.Database
	var dr *ps.DeployRequest
	var readErr error
	err := r.e.poll(ctx, r.e.clock().Now().Add(lostDeployWait), func() (bool, error) {
		dr, readErr = dps.GetDeployRequest(ctx, org, name, number)
		return readErr == nil, nil
	})
	if err != nil && !errors.Is(err, errDeadline) {
		return nil, err
	}
	switch {
	case dr != nil && readErr == nil && (deployingStates[dr.DeploymentState] || movingStates[dr.DeploymentState] && dr.DeploymentState != ps.StatePending):
		r.reply(fmt.Sprintf("PlanetScale's answer to the deploy of #%d was lost, but the deploy request is %s: following it.", number, human(dr.DeploymentState)))
		return r.follow(ctx, dps, dr, started)
	case dr != nil && readErr == nil:
		r.react(github.ReactionMinusOne)
		msg := fmt.Sprintf("PlanetScale refused to deploy #%d (it is %s): %s", number, human(dr.DeploymentState), schemadiff.MarkdownEscape(deployErr.Error()))
		r.reply(msg)
		r.closeCheck(ctx, github.ConclusionFailure, fmt.Sprintf("Deploy request #%d: not deployed", number), msg)
		return &Outcome{Decision: DecisionFailed, ReasonCode: ReasonPlanetScaleError, Reason: deployErr.Error()}, nil
	}
	r.react(github.ReactionConfused)
	msg := fmt.Sprintf("ddlbot cannot tell whether deploy request #%d is deploying: PlanetScale's answer to the deploy was lost, and reading the deploy request failed for %s since (%s). "+
		"It may be deploying now: check it in PlanetScale, or comment `/plan` to pick up its state; do not `/deploy` again before you know.",
		number, lostDeployWait, schemadiff.MarkdownEscape(readErr.Error()))
	r.reply(msg)
	r.closeCheck(ctx, github.ConclusionNeutral, fmt.Sprintf("Deploy request #%d: unknown", number), msg)
	return &Outcome{Decision: DecisionFailed, ReasonCode: ReasonDeployUnknown, Reason: firstLine(msg)}, nil
}

// regate closes a deploy request that cuts over by itself and opens a gated one.
func (r *run) regate(ctx context.Context, dps DeployPlanetScale, dr *ps.DeployRequest) (*ps.DeployRequest, error) {
	org, name := r.db.Organization, r.db.Database
	if _, err := dps.CloseDeployRequest(ctx, org, name, dr.Number); err != nil {
		return nil, fmt.Errorf("close deploy request #%d to open a gated one: %w", dr.Number, err)
	}
	off := false
	nd, err := dps.CreateDeployRequest(ctx, org, name, ps.CreateDeployRequestRequest{Branch: dr.Branch, IntoBranch: dr.IntoBranch, Notes: dr.Notes, AutoCutover: &off})
	if err != nil {
		return nil, fmt.Errorf("open a gated deploy request: %w", err)
	}
	nd, err = r.e.waitChecks(ctx, org, name, nd.Number, r.e.Options.withDefaults().ChecksTimeout)
	if err != nil {
		return nil, err
	}
	if nd.DeploymentState != ps.StateReady {
		return nil, fmt.Errorf("the gated deploy request #%d is %s", nd.Number, nd.DeploymentState)
	}
	// Keep the sticky comment's block pointing at the new deploy request.
	st := PlanState{Database: r.db.Name, Branch: dr.Branch, DeployRequest: nd.Number, HeadSHA: r.pr.HeadSHA}
	r.updateComment(ctx, st, fmt.Sprintf("Deploy request #%d was replaced by the gated deploy request %s.", dr.Number, drLink(nd)), nil)
	return nd, nil
}

// approved checks deploy.required_approvals: approving reviews on the current
// head from someone other than the author with write permission.
func (r *run) approved(ctx context.Context) (string, bool) {
	need := r.cfg.Deploy.RequiredApprovals
	if need <= 0 {
		return "", true
	}
	reviews, err := r.gh.Reviews(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Number)
	if err != nil {
		return "the reviews could not be read: " + err.Error(), false
	}
	latest := map[string]github.Review{}
	for _, rv := range reviews {
		if rv.State == "COMMENTED" {
			continue // a comment does not change an approval
		}
		latest[rv.User] = rv
	}
	got := 0
	for user, rv := range latest {
		if rv.State != "APPROVED" || rv.CommitID != r.pr.HeadSHA || strings.EqualFold(user, r.pr.Author) {
			continue
		}
		if p, err := r.gh.Permission(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, user); err == nil && p.AtLeast(config.PermissionWrite) {
			got++
		}
	}
	if got < need && r.pr.Merged {
		// GitHub merged it: when the branch's protection required as many
		// approving reviews, the merge proves they were given.
		required, err := r.gh.RequiredReviews(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.pr.BaseRef)
		if err != nil {
			r.e.log().Warn("read the branch protection", "branch", r.pr.BaseRef, "err", err)
		}
		if required >= need {
			return "", true
		}
		return fmt.Sprintf("it needs %d approving review(s) on the merged head %s from someone other than the author with write permission; it has %d, "+
			"and the merge counts as approval only where the protection of %s requires %d approving review(s) (it requires %d, as far as this token can read).",
			need, schemadiff.MarkdownCode(short(r.pr.HeadSHA)), got, schemadiff.MarkdownCode(r.pr.BaseRef), need, required), false
	}
	if got < need {
		return fmt.Sprintf("it needs %d approving review(s) on the current head %s from someone other than the author with write permission; it has %d.",
			need, schemadiff.MarkdownCode(short(r.pr.HeadSHA)), got), false
	}
	return "", true
}

// earlierDeployment finds the newest deploy request of this pull request's
// earlier branch generations whose deployment is in one of states: after a
// push under a running deployment the sticky state names the new deploy
// request, and /cancel, /cutover, /revert or /skip-revert still reach the
// running one. nil when there is none.
func (r *run) earlierDeployment(ctx context.Context, dps DeployPlanetScale, current *ps.DeployRequest, states []string) (*ps.DeployRequest, error) {
	gen, ok := generationOf(r.ev.Repo, r.ev.Number, current.Branch)
	if !ok {
		return nil, nil
	}
	for g := gen - 1; g >= 1; g-- {
		branch := branchGeneration(r.ev.Repo, r.ev.Number, g)
		drs, err := dps.ListDeployRequests(ctx, r.db.Organization, r.db.Database, ps.ListDeployRequestsOptions{Branch: branch, IntoBranch: r.db.ProductionBranch})
		if err != nil {
			return nil, fmt.Errorf("list the deploy requests of branch %s: %w", branch, err)
		}
		var best *ps.DeployRequest
		for i, d := range drs {
			if containsString(states, d.DeploymentState) && (best == nil || d.Number > best.Number) {
				best = &drs[i]
			}
		}
		if best != nil {
			return best, nil
		}
	}
	return nil, nil
}

// transition runs /cutover, /cancel, /revert and /skip-revert.
func (r *run) transition(ctx context.Context, dps DeployPlanetScale, dr *ps.DeployRequest) (*Outcome, error) {
	org, name := r.db.Organization, r.db.Database
	spec := specOf(r.cmd.Name)
	allowed := spec.from
	if !containsString(allowed, dr.DeploymentState) {
		// A push after a deployment started moved the plan to a new deploy
		// request; the command may be about the older one's deployment.
		if older, err := r.earlierDeployment(ctx, dps, dr, allowed); err != nil {
			return nil, err
		} else if older != nil {
			dr = older
		}
	}
	if !containsString(allowed, dr.DeploymentState) {
		return r.refuse(ReasonWrongState, fmt.Sprintf("deploy request #%d is %s; `/%s` works when it is %s.", dr.Number,
			strings.ReplaceAll(orNone(dr.DeploymentState), "_", " "), r.cmd.Name, strings.Join(allowed, " or ")))
	}
	dr, err := spec.act(ctx, dps, org, name, dr.Number)
	if err != nil {
		r.react(github.ReactionMinusOne)
		r.reply(fmt.Sprintf("PlanetScale refused `/%s`: %s", r.cmd.Name, schemadiff.MarkdownEscape(err.Error())))
		return &Outcome{Decision: DecisionFailed, ReasonCode: ReasonPlanetScaleError, Reason: err.Error()}, nil
	}
	return r.follow(ctx, dps, dr, r.e.clock().Now())
}
