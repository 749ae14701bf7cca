package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// A deployment can take longer than the job that started it (a table copy
// of hours, a job's timeout-minutes): the command stops following at its
// wait, and the deployment goes on. Refresh, run from a schedule, picks up
// every deployment in progress where the last run left it, so the sticky
// comment, the check run and the outcome keep telling the truth.

// RefreshGitHub is what Refresh needs from GitHub on top of CommandGitHub.
type RefreshGitHub interface {
	CommandGitHub
	// OpenPullRequests lists the repository's open pull requests (every page).
	OpenPullRequests(ctx context.Context, owner, repo string) ([]github.PullRequest, error)
}

// Followed reports whether a deployment in this state is still worth
// following: moving, waiting for its cutover, or in its revert window (the
// server schedules a follow-up for those). Moving says whether it changes
// on its own, so the follow-up comes sooner.
func Followed(state string) (followed, moving bool) {
	return followStates[state], movingStates[state]
}

// followStates are the deployment states Refresh follows: those that change
// without anyone acting (movingStates, but not a deploy request's own checks:
// "pending" is no deployment yet), and the two resting states that end by
// themselves or by someone acting in PlanetScale: waiting for the cutover,
// and the revert window.
var followStates = func() map[string]bool {
	m := map[string]bool{ps.StatePendingCutover: true, ps.StateCompletePendingRevert: true}
	for s := range movingStates {
		if s != ps.StatePending {
			m[s] = true
		}
	}
	return m
}()

// refreshCommand is the run's command name while refreshing: no one asked,
// and any resting state counts as the deployment having gone as asked (as
// for /plan picking one up).
const refreshCommand = "refresh"

// refreshSpec is Refresh's command: it ends well where /plan does.
var refreshSpec = commandSpec{kind: kindPlan, name: refreshCommand, readOnly: true,
	goodEnd: planGoodEnd}

// Refresh brings every deployment in progress on an open pull request of
// repo up to date, as the command that started it would have had it not
// stopped following: the sticky comment's deployment section, the check
// run and, once the deployment comes to rest, a reply saying how it ended.
// Each deployment is read once; with Options.RefreshTimeout, the ones still
// moving are then polled together until they rest or the time is up. A pull
// request without ddlbot's sticky comment costs one listing of its comments;
// one whose deployment shows as it is changes nothing (running Refresh
// again writes nothing). An error on one pull request is reported in the
// outcome and the others go on.
func (e *Engine) Refresh(ctx context.Context, repo Repo) (*Outcome, error) {
	gh, dps, out, err := e.refreshClients()
	if out != nil || err != nil {
		return out, err
	}
	prs, err := gh.OpenPullRequests(ctx, repo.Owner, repo.Name)
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", repo, err)
	}
	sort.Slice(prs, func(i, j int) bool { return prs[i].Number < prs[j].Number })
	e.log().Info("refresh: open pull requests", "repository", repo.String(), "count", len(prs))
	return e.refreshPullRequests(ctx, gh, dps, repo, prs, fmt.Sprintf("the %d open pull request(s)", len(prs)))
}

// RefreshPullRequest is Refresh for one pull request, open, merged or
// closed: the server follows each deployment under its pull request's own
// job key, so a follow-up never runs beside a push or a command of that
// pull request, and a deployment started on a merged pull request (/deploy
// after the merge, deploy.on_merge) is followed to its end too.
func (e *Engine) RefreshPullRequest(ctx context.Context, repo Repo, number int) (*Outcome, error) {
	gh, dps, out, err := e.refreshClients()
	if out != nil || err != nil {
		return out, err
	}
	pr, err := gh.PullRequest(ctx, repo.Owner, repo.Name, number)
	if err != nil {
		return nil, fmt.Errorf("refresh %s#%d: %w", repo, number, err)
	}
	return e.refreshPullRequests(ctx, gh, dps, repo, []github.PullRequest{pr}, fmt.Sprintf("pull request #%d", number))
}

// refreshClients are the clients a refresh needs, or the outcome when there
// are no PlanetScale credentials.
func (e *Engine) refreshClients() (RefreshGitHub, DeployPlanetScale, *Outcome, error) {
	gh, ok := e.GitHub.(RefreshGitHub)
	if !ok {
		return nil, nil, nil, errors.New("this GitHub client cannot list pull requests")
	}
	dps, ok := e.PlanetScale.(DeployPlanetScale)
	if e.PlanetScale == nil || !ok {
		return nil, nil, &Outcome{Decision: DecisionFailed, ReasonCode: ReasonNoPlanetScale,
			Reason: "following deployments needs PlanetScale credentials (a service token), and there are none here"}, nil
	}
	return gh, dps, nil, nil
}

// refreshPullRequests refreshes prs; looked says which they are, for the
// outcome's reason.
func (e *Engine) refreshPullRequests(ctx context.Context, gh RefreshGitHub, dps DeployPlanetScale, repo Repo, prs []github.PullRequest, looked string) (*Outcome, error) {
	rf := &refresh{e: e, gh: gh, dps: dps, repo: repo, configs: map[string]configAt{}}
	for _, pr := range prs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := rf.pullRequest(ctx, pr); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			e.log().Warn("refresh: pull request", "number", pr.Number, "err", err)
			rf.items = append(rf.items, &refreshItem{pr: pr.Number, err: err})
		}
	}
	if err := rf.pollMoving(ctx); err != nil {
		return nil, err
	}
	return rf.outcome(looked), nil
}

// refresh is one Refresh run.
type refresh struct {
	e       *Engine
	gh      RefreshGitHub
	dps     DeployPlanetScale
	repo    Repo
	configs map[string]configAt // by ref: every open pull request shares the default branch's
	items   []*refreshItem
}

type configAt struct {
	cfg *config.Config
	err error
}

// refreshItem is one database of one pull request: a deployment followed,
// or the error that stopped it.
type refreshItem struct {
	pr  int
	db  string
	t   *tracker
	err error
	// what happened: "unchanged", "updated", or how the deployment ended.
	what string
	out  *Outcome
}

func (rf *refresh) config(ctx context.Context, pr github.PullRequest) (*config.Config, error) {
	ref := configRef(pr)
	if c, ok := rf.configs[ref]; ok {
		return c.cfg, c.err
	}
	cfg, err := rf.e.loadConfig(ctx, rf.repo, ref)
	if err != nil {
		err = fmt.Errorf("the %s on %s is not valid: %w", rf.e.configName(), configWhere(pr), err)
	} else if rf.e.Options.Adjust != nil {
		if aerr := rf.e.Options.Adjust(cfg); aerr != nil {
			cfg, err = nil, fmt.Errorf("the inputs of the ddlbot step do not fit the configuration: %w", aerr)
		}
	}
	rf.configs[ref] = configAt{cfg, err}
	return cfg, err
}

// pullRequest reads the sticky comment of each database of one pull request
// and brings a deployment it follows up to date.
func (rf *refresh) pullRequest(ctx context.Context, pr github.PullRequest) error {
	cfg, err := rf.config(ctx, pr)
	if err != nil {
		return err
	}
	for _, db := range cfg.Databases {
		if db.Organization == "" {
			continue // never planned in PlanetScale: nothing to follow
		}
		if err := rf.database(ctx, pr, cfg, db); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			rf.e.log().Warn("refresh: database", "number", pr.Number, "db", db.Name, "err", err)
			rf.items = append(rf.items, &refreshItem{pr: pr.Number, db: db.Name, err: err})
		}
	}
	return nil
}

func (rf *refresh) database(ctx context.Context, pr github.PullRequest, cfg *config.Config, db config.Database) error {
	c, err := rf.gh.FindStickyComment(ctx, rf.repo.Owner, rf.repo.Name, pr.Number, Marker(db.Name))
	if err != nil {
		return fmt.Errorf("read the sticky comment: %w", err)
	}
	if c == nil {
		return nil
	}
	st, ok := stateFor(c.Body, db.Name, rf.repo, pr.Number)
	if !ok || st.DeployRequest == 0 || st.Closed {
		return nil
	}
	r := &run{e: rf.e, gh: rf.gh, ev: CommentEvent{Repo: rf.repo, Number: pr.Number, IsPullRequest: true}, cmd: Command{Name: refreshCommand, DB: db.Name},
		pr: pr, cfg: cfg, db: db, commentID: c.ID, commentBody: c.Body}
	dr, err := rf.dps.GetDeployRequest(ctx, db.Organization, db.Database, st.DeployRequest)
	if err != nil {
		return fmt.Errorf("read deploy request #%d: %w", st.DeployRequest, err)
	}
	if !followStates[dr.DeploymentState] {
		// After a push under a running deployment the state names the new
		// deploy request; the running one is an earlier generation's.
		states := make([]string, 0, len(followStates))
		for s := range followStates {
			states = append(states, s)
		}
		older, err := r.earlierDeployment(ctx, rf.dps, dr, states)
		if err != nil {
			return err
		}
		if older != nil {
			dr = older
		}
	}
	shown, shownNumber, shownState := shownDeployment(c.Body)
	if !followStates[dr.DeploymentState] && shownNumber == 0 && strings.HasSuffix(shown, backupWaitNote) {
		return rf.unwaitedBackup(ctx, r, dr, shown)
	}
	// The backup made before the deploy stays above the deployment.
	r.backupSection = shownBackup(shown)
	now := rf.e.clock().Now()
	section := r.withBackup(renderDeployment(dr, now))
	same := shown == publicText(section)
	if !followStates[dr.DeploymentState] && (shownNumber != dr.Number || same) {
		// Nothing in progress, and the comment already says so, or shows no
		// deployment of this deploy request (one not deployed: a plan).
		return nil
	}
	item := &refreshItem{pr: pr.Number, db: db.Name}
	rf.items = append(rf.items, item)
	rf.e.log().Info("refresh: deployment", "number", pr.Number, "db", db.Name, "deploy_request", dr.Number, "state", dr.DeploymentState, "shown", shownState)
	switch {
	case same && !movingStates[dr.DeploymentState]:
		item.what, item.out = "unchanged", rf.restingOutcome(r, dr, section)
		// In the revert window, a slowdown of production since the cutover
		// is posted once (anomaly.go), as after a command. Only at rest as
		// shown: a check run this refresh finishes would overtake its word.
		r.watchRevertWindow(ctx, rf.dps, dr)
		return nil
	case shownState == dr.DeploymentState && !movingStates[dr.DeploymentState]:
		// At rest as shown; only the words moved on (the revert window's
		// countdown): the comment, not the check run, whose conclusion stands.
		r.updateComment(ctx, PlanState{}, section, dr)
		item.what, item.out = "updated", rf.restingOutcome(r, dr, section)
		r.watchRevertWindow(ctx, rf.dps, dr)
		return nil
	}
	checkID, err := rf.deploymentCheckRun(ctx, pr, db, dr)
	if err != nil {
		rf.e.log().Warn("refresh: find the deployment's check run", "number", pr.Number, "err", err)
	}
	t := r.track(ctx, dr, checkID)
	item.t = t
	if same {
		t.lastShown, item.what = section, "unchanged"
	} else {
		t.show(ctx, true)
		item.what = "updated"
	}
	if !movingStates[dr.DeploymentState] {
		rf.end(ctx, item)
	}
	return nil
}

// deploymentCheckRun finds the check run a command left in progress for
// this deployment on the head commit, to go on updating it (0 when there
// is none: track creates one).
func (rf *refresh) deploymentCheckRun(ctx context.Context, pr github.PullRequest, db config.Database, dr *ps.DeployRequest) (int64, error) {
	cr, err := rf.gh.FindCheckRun(ctx, rf.repo.Owner, rf.repo.Name, pr.HeadSHA, CheckName(db.Name))
	if err != nil || cr == nil {
		return 0, err
	}
	if cr.Status == github.StatusCompleted || !strings.HasPrefix(cr.Title, fmt.Sprintf("Deploy request #%d: ", dr.Number)) {
		return 0, nil
	}
	return cr.ID, nil
}

// end finishes an item whose deployment came to rest: the check run's
// conclusion and a reply, since the comment showed it moving (or not at
// all) until now.
func (rf *refresh) end(ctx context.Context, item *refreshItem) {
	t := item.t
	item.out = t.finish(ctx, deploymentTook(t.dr), true)
	item.what = human(t.dr.DeploymentState)
	item.t = nil
}

// deploymentTook is how long a deployment ran, from its start to its cutover
// (or its end, or being ready to cut over: a revert window is not part of
// it); negative when PlanetScale does not say.
func deploymentTook(dr *ps.DeployRequest) time.Duration {
	d := dr.Deployment
	if d == nil {
		return -1
	}
	start := d.StartedAt
	if start == nil {
		start = d.SubmittedAt
	}
	for _, end := range []*time.Time{d.CutoverAt, d.FinishedAt, d.ReadyToCutoverAt} {
		if start != nil && end != nil && !end.Before(*start) {
			return end.Sub(*start)
		}
	}
	return -1
}

// restingOutcome is the outcome of a deployment at rest that needed no
// check run update.
func (rf *refresh) restingOutcome(r *run, dr *ps.DeployRequest, section string) *Outcome {
	do := r.outcome(dr)
	do.Report = section
	return &Outcome{Decision: DecisionDone, ReasonCode: ReasonCode(dr.DeploymentState), Reason: human(dr.DeploymentState), Databases: []*DatabaseOutcome{do}}
}

// pollMoving polls the deployments still moving, all in one loop, until
// each rests or Options.RefreshTimeout has passed since now; each is shown
// as it changes (at most every MinUpdateInterval) and once more at the end.
func (rf *refresh) pollMoving(ctx context.Context) error {
	o := rf.e.Options.withDefaults()
	clock := rf.e.clock()
	deadline := clock.Now().Add(o.RefreshTimeout)
	wait := o.PollInterval
	for _, it := range rf.items {
		if it.t != nil {
			// This job is in no pull request's concurrency group: a push
			// may re-plan while it polls, and an edit from a copy read
			// minutes ago would put the old plan back.
			it.t.r.reread = true
		}
	}
	for {
		var moving []*refreshItem
		for _, it := range rf.items {
			if it.t != nil {
				moving = append(moving, it)
			}
		}
		if len(moving) == 0 {
			return nil
		}
		if !clock.Now().Add(wait).Before(deadline) {
			for _, it := range moving {
				it.t.show(ctx, true)
				it.out = &Outcome{Decision: DecisionFollowTimeout, ReasonCode: ReasonFollowTimeout, Reason: human(it.t.dr.DeploymentState),
					Databases: []*DatabaseOutcome{it.t.outcome()}}
				it.out.Databases[0].Report = it.t.r.withBackup(renderDeployment(it.t.dr, clock.Now()))
				it.t = nil
			}
			return nil
		}
		if err := clock.Sleep(ctx, wait); err != nil {
			return err
		}
		if wait *= 2; wait > o.MaxPollInterval {
			wait = o.MaxPollInterval
		}
		for _, it := range moving {
			t := it.t
			if err := t.poll(ctx, rf.dps, t.r.db.Organization, t.r.db.Database); err != nil {
				return err
			}
			if movingStates[t.dr.DeploymentState] {
				t.show(ctx, false)
				continue
			}
			t.show(ctx, true)
			rf.end(ctx, it)
		}
	}
}

// outcome sums the run up, one line per pull request and database.
func (rf *refresh) outcome(looked string) *Outcome {
	out := &Outcome{Decision: DecisionRefreshed, ReasonCode: ReasonNothingToFollow}
	var lines []string
	failed := 0
	for _, it := range rf.items {
		where := fmt.Sprintf("#%d", it.pr)
		if it.db != "" {
			where += " " + schemadiff.MarkdownCode(it.db)
		}
		if it.err != nil {
			failed++
			lines = append(lines, fmt.Sprintf("- %s: could not be refreshed: %s", where, schemadiff.MarkdownEscape(it.err.Error())))
			continue
		}
		out.ReasonCode = ReasonFollowed
		for _, d := range it.out.Databases {
			d.PullRequest = it.pr
			lines = append(lines, fmt.Sprintf("- %s: deploy request %s is %s (%s)", where, drLinkOf(d), human(d.DeploymentState), it.what))
			d.Report = fmt.Sprintf("#### Pull request #%d\n\n%s", it.pr, d.Report)
			out.Databases = append(out.Databases, d)
		}
	}
	switch {
	case failed > 0:
		out.Decision, out.ReasonCode = DecisionFailed, ReasonRefreshFailed
		out.Reason = fmt.Sprintf("%d of the deployments or pull requests could not be refreshed", failed)
	case len(lines) == 0:
		out.Reason = "no deployment in progress on " + looked
	default:
		out.Reason = fmt.Sprintf("%d deployment(s) followed", len(out.Databases))
	}
	if len(lines) > 0 {
		out.Summary = "### ddlbot: deployments in progress\n\n" + strings.Join(lines, "\n") + "\n"
	}
	return out
}

func drLinkOf(d *DatabaseOutcome) string {
	return drLink(&ps.DeployRequest{Number: d.DeployRequest, HTMLURL: d.DeployRequestURL})
}

var reShownState = regexp.MustCompile(`(?m)^#### Deployment of (?:\[#(\d+)\]\([^)\s]*\)|#(\d+)): ([a-z ]+)(?:\n|$)`)

// shownBackup is the backup part (backup.go) of a shown deployment section,
// "" when it has none.
func shownBackup(section string) string {
	i := strings.Index(section, "\n#### Deployment of ")
	if !strings.HasPrefix(section, "#### Backup of ") || i < 0 {
		return ""
	}
	return strings.TrimRight(section[:i], "\n")
}

// shownDeployment returns the deployment section of a sticky comment (as
// updateComment writes it; "" when there is none), and the deploy request
// and deployment state it shows (0 and "" when it shows none).
func shownDeployment(body string) (section string, number int, state string) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	i, j := strings.Index(body, deployStart), strings.Index(body, deployEnd)
	if i < 0 || j < i {
		return "", 0, ""
	}
	section = strings.TrimSuffix(strings.TrimPrefix(body[i+len(deployStart):j], "\n"), "\n")
	if m := reShownState.FindStringSubmatch(section); m != nil {
		number, _ = strconv.Atoi(m[1] + m[2])
		state = strings.ReplaceAll(m[3], " ", "_")
	}
	return section, number, state
}

// backupWaitSlack is how long after its backup ended a comment may still say
// a run waits for it: a run that waits polls at least every MaxPollInterval
// (10 s) and shows the end at once.
const backupWaitSlack = time.Minute

var reShownBackupDR = regexp.MustCompile(`^#### Backup of .* before deploying (?:\[#(\d+)\]\([^)\s]*\)|#(\d+))\n`)

// unwaitedBackup ends a comment that says a deploy starts once its backup
// succeeds (backupWaitNote) when no run waits for that backup any more: the
// job was killed mid-wait (timeout-minutes below wait-timeout, a lost
// runner). That shows once the backup has ended while the comment still
// waits: a waiting run would have shown the end (and deployed, or refused)
// within a poll. While the backup runs, a waiting run cannot be told from a
// dead one, so the comment is left as it is until the backup ends. The
// comment and the check run then say nothing was deployed and what
// `/deploy` does now; nothing is deployed here.
func (rf *refresh) unwaitedBackup(ctx context.Context, r *run, dr *ps.DeployRequest, shown string) error {
	m := reShownBackupDR.FindStringSubmatch(shown)
	if m == nil {
		return nil
	}
	if n, _ := strconv.Atoi(m[1] + m[2]); n != dr.Number || dr.DeploymentState != ps.StateReady {
		return nil // another deploy request's, or deploying after all: leave it
	}
	all, err := rf.dps.ListBackups(ctx, r.db.Organization, r.db.Database, r.db.ProductionBranch)
	if err != nil {
		return fmt.Errorf("read the backups of %s: %w", r.db.ProductionBranch, err)
	}
	bk, _ := newestAttempt(all, BackupName(rf.repo, r.pr.Number, dr.Number))
	if bk == nil || !bk.Done() {
		return nil
	}
	ended := bk.UpdatedAt
	if bk.CompletedAt != nil {
		ended = *bk.CompletedAt
	}
	if rf.e.clock().Now().Sub(ended) < backupWaitSlack {
		return nil // the waiting run may be about to show it
	}
	why := ""
	for _, line := range strings.Split(shown, "\n") {
		if w, ok := strings.CutPrefix(line, "Why: "); ok {
			why = strings.TrimSuffix(w, ".")
		}
	}
	msg := fmt.Sprintf("the run that waited for this backup stopped before it ended (its job timed out or was cancelled), so deploy request #%d was not deployed.", dr.Number)
	if bk.State == ps.BackupSuccess {
		msg += " The backup succeeded: comment `/deploy` to deploy (it is taken if it succeeded within the hour, else a new one is made first)."
	} else {
		msg += fmt.Sprintf(" The backup %s: comment `/deploy` to try a new one, or `/deploy --skip-backup` (admins only) to deploy without one.", schemadiff.MarkdownEscape(human(bk.State)))
	}
	section := r.backupTable(dr, bk, why) + "\n\n**Not deployed:** " + msg
	rf.e.log().Info("refresh: a backup no run waits for", "number", r.pr.Number, "db", r.db.Name, "backup", bk.Name, "state", bk.State)
	r.reread = true // as in pollMoving: this job is in no pull request's concurrency group
	r.updateComment(ctx, PlanState{}, section, nil)
	cr, err := rf.gh.FindCheckRun(ctx, rf.repo.Owner, rf.repo.Name, r.pr.HeadSHA, CheckName(r.db.Name))
	if err != nil {
		return fmt.Errorf("find the backup's check run: %w", err)
	}
	if cr != nil && cr.Status != github.StatusCompleted && strings.HasPrefix(cr.Title, "Backing up ") {
		r.checkID = cr.ID
		r.closeCheck(ctx, github.ConclusionFailure, fmt.Sprintf("Backup not waited for: deploy request #%d not deployed", dr.Number), section)
	}
	return nil
}
