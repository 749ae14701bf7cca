package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

var errDeadline = errors.New("deadline passed")

// Repo names a GitHub repository.
type Repo struct{ Owner, Name string }

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// PullRequestEvent is a pull_request delivery, reduced to what the engine needs.
type PullRequestEvent struct {
	Action string // opened, synchronize, reopened, ready_for_review, closed, ...
	Repo   Repo
	Number int
}

// Outcome is what a run did, for the Action's outputs and the terminal.
type Outcome struct {
	Decision   Decision
	ReasonCode ReasonCode
	Reason     string
	// Summary, when set, is markdown for the job summary above the
	// databases' reports (Refresh: one line per pull request).
	Summary   string
	Databases []*DatabaseOutcome
}

// DatabaseOutcome is the result for one database.
type DatabaseOutcome struct {
	Name string
	// PullRequest is the pull request it is about (Refresh covers several).
	PullRequest      int
	Branch           string
	DeployRequest    int
	DeployRequestURL string
	DeploymentState  string
	// Organization and Database are the PlanetScale database the deploy
	// request is in (set with DeployRequest): the server routes
	// PlanetScale's webhooks for it back to this pull request.
	Organization, Database string
	Errors, Warnings       int
	// Conclusion is the check run's conclusion.
	Conclusion string
	// Reason says in one line, as plain text, why the conclusion is what it
	// is ("1 lint error(s)", "planning failed: ..."): for logs and outputs.
	Reason string
	// PlanError is why planning on PlanetScale failed, nil when it did not.
	PlanError error
	// Report is the markdown posted as the sticky comment and check run summary.
	Report string
	// Findings are the lint findings.
	Findings []lint.Finding
	// CheckRunID is the check run that carries the report and the findings'
	// annotations; 0 when GitHub refused it (a fork pull request's read-only
	// token cannot write check runs).
	CheckRunID int64
	// CommentID is the sticky comment a command or a follow-up edited (0
	// when not known): the server records it with the deployment.
	CommentID int64
}

// Visible is the report as a reader of the sticky comment sees it: without
// the hidden marker and state lines (for a job summary, a terminal).
func (d *DatabaseOutcome) Visible() string { return VisibleReport(d.Report) }

// VisibleReport drops the hidden ddlbot lines (<!-- ddlbot:... -->) of a
// report.
func VisibleReport(report string) string {
	lines := strings.Split(report, "\n")
	out := lines[:0]
	for _, l := range lines {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "<!-- ddlbot:") && strings.HasSuffix(t, "-->") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimLeft(strings.Join(out, "\n"), "\n")
}

// LintErrors and LintWarnings add up the databases' findings.
func (o *Outcome) LintErrors() (errs, warns int) {
	for _, d := range o.Databases {
		errs += d.Errors
		warns += d.Warnings
	}
	return errs, warns
}

// CheckName is the check run of one database.
func CheckName(db string) string { return "ddlbot/" + db }

// HandlePullRequest runs the pull request flow (DESIGN: "The pull request
// flow"). Running it twice changes nothing the second time.
func (e *Engine) HandlePullRequest(ctx context.Context, ev PullRequestEvent) (*Outcome, error) {
	switch ev.Action {
	case "opened", "synchronize", "reopened", "ready_for_review", "closed":
	default:
		return &Outcome{Decision: DecisionIgnored, ReasonCode: ReasonActionNotHandled, Reason: fmt.Sprintf("pull_request %q needs nothing", ev.Action)}, nil
	}
	pr, err := e.GitHub.PullRequest(ctx, ev.Repo.Owner, ev.Repo.Name, ev.Number)
	if err != nil {
		return nil, fmt.Errorf("read pull request #%d: %w", ev.Number, err)
	}
	// The configuration comes from the default branch: neither the pull
	// request's own .ddlbot.yml nor its base branch's (which the author may
	// have pushed, with a permissive configuration) decides what happens.
	cfg, cfgErr := e.loadConfig(ctx, ev.Repo, configRef(pr))
	if cfgErr != nil {
		return e.failAll(ctx, ev.Repo, pr, "config-invalid", fmt.Sprintf("The %s on %s is not valid:\n\n%s", e.configName(), configWhere(pr), schemadiff.CodeFence("", cfgErr.Error())))
	}
	if e.Options.Adjust != nil {
		if err := e.Options.Adjust(cfg); err != nil {
			return e.failAll(ctx, ev.Repo, pr, "inputs-invalid", "The inputs of the ddlbot step do not fit the configuration: "+schemadiff.MarkdownEscape(err.Error()))
		}
	}
	if len(cfg.Databases) == 0 {
		out := &Outcome{Decision: DecisionNoSchemaChange, ReasonCode: ReasonNoConfig, Reason: fmt.Sprintf("no %s on %s: nothing to plan", e.configName(), configWhere(pr))}
		return out, e.neutral(ctx, ev.Repo, pr, out.Reason)
	}
	if ev.Action == "closed" || pr.State == "closed" {
		return e.handleClosed(ctx, ev.Repo, pr, cfg, ev.Action == "closed")
	}
	var folderProblems []string
	for _, db := range cfg.Databases {
		msg, err := e.missingFolder(ctx, ev.Repo, pr, cfg, db)
		if err != nil {
			return nil, err
		}
		if msg != "" {
			folderProblems = append(folderProblems, msg)
		}
	}
	if len(folderProblems) > 0 {
		return e.failFolders(ctx, ev.Repo, pr, folderProblems)
	}
	out := &Outcome{Decision: DecisionPlanned}
	touched := 0
	for _, db := range cfg.Databases {
		res, err := e.analyse(ctx, ev.Repo, pr, cfg, db)
		if err != nil {
			return nil, err
		}
		if msg := emptiedFolder(cfg, db, res); msg != "" {
			folderProblems = append(folderProblems, msg)
			continue
		}
		if !touches(res) {
			continue
		}
		if e.PlanetScale != nil && db.Organization != "" && (!pr.IsFork || cfg.Deploy.AllowForks) {
			if err := e.lintProduction(ctx, db, res); err != nil {
				// Planning reads production too and reports the failure in the check.
				e.log().Warn("lint against production", "db", db.Name, "err", err)
			}
		}
		touched++
		do := e.planDatabase(ctx, ev.Repo, pr, cfg, db, res)
		out.Databases = append(out.Databases, do)
	}
	if len(folderProblems) > 0 {
		return e.failFolders(ctx, ev.Repo, pr, folderProblems)
	}
	if touched == 0 {
		out.Decision, out.ReasonCode, out.Reason = DecisionNoSchemaChange, ReasonNoSchemaChange, "this pull request changes no schema"
		return out, e.neutral(ctx, ev.Repo, pr, out.Reason)
	}
	out.summarize(pr)
	return out, nil
}

// summarize sets the overall decision from the databases'.
func (o *Outcome) summarize(pr github.PullRequest) {
	for _, d := range o.Databases {
		if d.Conclusion == github.ConclusionFailure {
			o.Decision, o.ReasonCode = DecisionFailed, ReasonCheckFailed
			o.Reason = fmt.Sprintf("database %s: %s", d.Name, d.Reason)
			return
		}
	}
	if len(o.Databases) > 0 && o.Databases[0].DeployRequest == 0 {
		o.Decision, o.ReasonCode = DecisionLintOnly, ReasonLintOnly
		if pr.IsFork {
			o.ReasonCode = ReasonFork
		}
		o.Reason = "linted only: no PlanetScale deploy request for this pull request"
		return
	}
	for _, d := range o.Databases {
		if d.Conclusion == github.ConclusionActionRequired {
			o.ReasonCode = ReasonDrift
			o.Reason = fmt.Sprintf("database %s: production differs from the base; deploying needs an acknowledgement", d.Name)
			return
		}
	}
	o.ReasonCode, o.Reason = ReasonPlanned, "deploy request ready"
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "<!--") {
			return l
		}
	}
	return ""
}

// configRef is the ref the configuration is read at: the repository's
// default branch. Without one (`ddlbot plan` and `deploy`, where the person
// at the terminal is the only party) the base commit stands for it.
func configRef(pr github.PullRequest) string {
	if pr.DefaultBranch != "" {
		return pr.DefaultBranch
	}
	return pr.BaseSHA
}

// configWhere names configRef in messages.
func configWhere(pr github.PullRequest) string {
	if pr.DefaultBranch != "" {
		return "the default branch " + schemadiff.MarkdownCode(pr.DefaultBranch)
	}
	return "the base commit"
}

// deploysFrom reports whether the pull request's base branch may deploy
// (deploy.base_branches), with the reason when it may not.
func deploysFrom(cfg *config.Config, pr github.PullRequest) (string, bool) {
	if pr.DefaultBranch == "" || cfg.Deploy.DeploysFrom(pr.BaseRef, pr.DefaultBranch) {
		return "", true
	}
	return fmt.Sprintf("this pull request goes into %s, not the default branch %s: only pull requests into %s (or a branch listed in `deploy.base_branches` of its %s) deploy to production.",
		schemadiff.MarkdownCode(pr.BaseRef), schemadiff.MarkdownCode(pr.DefaultBranch), schemadiff.MarkdownCode(pr.DefaultBranch), config.FileName), false
}

// configName names the configuration file in messages.
func (e *Engine) configName() string {
	if e.Options.ConfigPath != "" {
		return path.Clean(e.Options.ConfigPath)
	}
	return config.FileName
}

// loadConfig reads the configuration (Options.ConfigPath, or .ddlbot.yml or
// .ddlbot.yaml) at a commit; none means defaults. The folders of a
// configuration in a subfolder are relative to that subfolder, as for
// `ddlbot lint --config`: config.Parse makes them relative to the repository
// root.
func (e *Engine) loadConfig(ctx context.Context, repo Repo, sha string) (*config.Config, error) {
	names := config.FileNames
	if e.Options.ConfigPath != "" {
		p := path.Clean(strings.TrimPrefix(e.Options.ConfigPath, "./"))
		if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("config path %q: give a path inside the repository", e.Options.ConfigPath)
		}
		names = []string{p}
	}
	for _, name := range names {
		data, err := e.GitHub.FileContent(ctx, repo.Owner, repo.Name, sha, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", name, short(sha), err)
		}
		return config.Parse(name, data, config.Options{KnownRule: lint.KnownRule, RuleIDs: lint.RuleIDs(), Dir: path.Dir(name)})
	}
	return config.Default(), nil
}

// short abbreviates a commit id; other refs ("worktree") are kept whole.
func short(sha string) string {
	if len(sha) > 7 && strings.Trim(sha, "0123456789abcdef") == "" {
		return sha[:7]
	}
	return sha
}

func (e *Engine) analyse(ctx context.Context, repo Repo, pr github.PullRequest, cfg *config.Config, db config.Database) (*check.Result, error) {
	base, err := e.readFolder(ctx, repo, pr.BaseSHA, cfg, db)
	if err != nil {
		return nil, fmt.Errorf("read %s at base %s: %w", db.Dir(), short(pr.BaseSHA), err)
	}
	head, err := e.readFolder(ctx, repo, pr.HeadSHA, cfg, db)
	if err != nil {
		return nil, fmt.Errorf("read %s at head %s: %w", db.Dir(), short(pr.HeadSHA), err)
	}
	if _, err := fs.Stat(head, db.Dir()); err != nil {
		// The folder is gone at the head: nothing to analyse as a schema.
		head = emptyDir(db.Dir())
	}
	e.log().Info("load and lint the schema", "db", db.Name, "folder", db.Dir())
	sev, err := check.SeveritiesOf(cfg)
	if err != nil {
		return nil, err
	}
	res, err := check.Run(ctx, check.TargetFor(db), base, head, check.Options{Severities: sev, Limits: cfg.Limits})
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", db.Name, err)
	}
	return res, nil
}

// touches reports whether a pull request changes a database's schema files or schema.
func touches(r *check.Result) bool {
	return len(r.Changed) > 0 || (r.Diff != nil && !r.Diff.Empty()) || r.BaseErr != nil || r.DiffErr != nil
}

// planDatabase lints, converges the branch, ensures the deploy request and
// reports, for one database. Failures end up in the report, not as errors:
// the check run must say what went wrong.
func (e *Engine) planDatabase(ctx context.Context, repo Repo, pr github.PullRequest, cfg *config.Config, db config.Database, res *check.Result) *DatabaseOutcome {
	sum := lint.Summarize(res.Findings)
	do := &DatabaseOutcome{Name: db.Name, Findings: res.Findings, Errors: sum.Errors, Warnings: sum.Warnings}
	failLint := check.FailsOn(res.Findings, check.FailOnOf(cfg))
	ck := e.startCheck(ctx, repo, pr, db.Name)
	sev, _ := check.SeveritiesOf(cfg) // checked by analyse, which ran before
	rep := &report{db: db, pr: pr, res: res, failOn: check.FailOnOf(cfg), many: len(cfg.Databases) > 1, version: e.Options.Version, cfg: cfg.Deploy, severities: sev}
	rep.noDeploy, _ = deploysFrom(cfg, pr)

	var planErr error
	lintOnly := ""
	switch {
	case pr.IsFork && !cfg.Deploy.AllowForks:
		lintOnly = "pull requests from forks are linted only (set `deploy.allow_forks` to change that)"
	case e.PlanetScale == nil:
		lintOnly = "no PlanetScale credentials: linted only"
	case db.Organization == "":
		lintOnly = "no `organization` for this database in .ddlbot.yml: linted only"
	case res.Head.Vitess() == nil:
		lintOnly = "the schema " + atHeadOfPR + " does not load; fix the errors below first"
	}
	keepComment := false
	if lintOnly == "" {
		prior, err := e.stickyState(ctx, repo, pr.Number, db.Name)
		if err != nil {
			// Without the earlier state the comment would forget the deploy
			// request: plan nothing, and leave the comment as it is.
			planErr, keepComment = fmt.Errorf("read the earlier plan from the sticky comment: %w; nothing was changed, re-run the job", err), true
		} else if failLint {
			planErr = e.planBlocked(ctx, repo, pr, db, res, rep, prior)
		} else {
			planErr = e.plan(ctx, repo, pr, db, res, rep, prior)
		}
	}
	rep.lintOnly, rep.err = lintOnly, planErr
	do.Branch, do.DeploymentState = rep.state.Branch, rep.deploymentState()
	do.DeployRequest, do.DeployRequestURL = rep.state.DeployRequest, rep.drURL()
	do.Conclusion = github.ConclusionSuccess
	switch {
	case failLint || planErr != nil || rep.deploymentState() == ps.StateError:
		do.Conclusion = github.ConclusionFailure
	case rep.needsAck() && rep.deploymentState() == ps.StateReady:
		// What ships is more than what was reviewed: someone must say so.
		do.Conclusion = github.ConclusionActionRequired
	}
	do.Report = rep.render()
	do.PlanError, do.Reason = planErr, rep.reason(do.Conclusion)
	if !pr.IsFork && !keepComment {
		// Fork tokens are read-only: no comment, the check run and annotations carry it.
		if _, _, err := e.GitHub.UpsertStickyComment(ctx, repo.Owner, repo.Name, pr.Number, Marker(db.Name), do.Report); err != nil {
			e.log().Warn("update the sticky comment", "db", db.Name, "err", err)
		}
	}
	do.CheckRunID = e.finishCheck(ctx, repo, pr, ck, db.Name, do.Conclusion, rep.title(), do.Report, annotations(res.Findings))
	return do
}

// plan makes PlanetScale match the pull request: branch, schema, deploy
// request. prior is what the sticky comment remembers (zero when nothing).
func (e *Engine) plan(ctx context.Context, repo Repo, pr github.PullRequest, db config.Database, res *check.Result, rep *report, prior PlanState) error {
	o := e.Options.withDefaults()
	org, name := db.Organization, db.Database
	branch := BranchName(repo, pr.Number)
	rep.state = PlanState{Database: db.Name, Branch: branch, HeadSHA: pr.HeadSHA}
	if prior.Branch != "" && prior.Branch != LegacyBranchName(pr.Number) {
		// stateFor accepted it: one of this pull request's branches. Until
		// the branch changes, a failure leaves the state as it was: the
		// deploy request number is never forgotten (issue 17 item 7).
		branch = prior.Branch
		rep.state = prior
		rep.state.Closed = false // reopened
	}
	if prior.Branch == LegacyBranchName(pr.Number) {
		// The old name is shared by every repository's pull request #N on
		// this database: never apply DDL to it again. Move to this
		// repository's own branch, cleaning up the old one unless it deploys.
		what, _, err := e.cleanUp(ctx, db, prior, &DatabaseOutcome{})
		if err != nil {
			rep.state = prior
			return fmt.Errorf("move from branch %s to %s: %w", prior.Branch, branch, err)
		}
		rep.notes = append(rep.notes, fmt.Sprintf("This pull request moved from branch %s, which pull request #%d of another repository on this database could share, to its own branch %s: the old %s%s",
			schemadiff.MarkdownCode(prior.Branch), pr.Number, schemadiff.MarkdownCode(branch), strings.ToLower(what[:1]), what[1:]))
	}
	branch, deployed, err := e.idleBranch(ctx, repo, pr, db, branch, rep, prior)
	if err != nil {
		return err
	}
	if deployed != nil {
		// This very head is deploying or deployed: nothing to re-plan (a
		// duplicate delivery, a re-run, /plan after /deploy).
		rep.state, rep.dr, rep.notes = prior, deployed, nil
		rep.state.Closed = false
		return nil
	}
	if branch != rep.state.Branch {
		rep.state = PlanState{Database: db.Name, Branch: branch}
	}
	// From here on the branch changes: the state is the new head's.
	rep.state.HeadSHA = pr.HeadSHA
	if _, err := e.ensureBranch(ctx, org, name, branch, db.ProductionBranch, o.BranchReadyTimeout); err != nil {
		return err
	}
	var drift []driftEntry
	drift, err = e.drift(ctx, org, name, db.ProductionBranch, res, repo, pr.Number)
	if err != nil {
		return err
	}
	rep.drift = drift
	if len(drift) > 0 {
		if rep.pending, err = e.pendingDeployRequests(ctx, org, name, db.ProductionBranch, branch); err != nil {
			e.log().Warn("list open deploy requests", "db", db.Name, "err", err)
		}
	}
	if rep.migration, err = e.readMigrationData(ctx, db, res); err != nil {
		// The note is advice: a settings read that fails does not stop the plan.
		e.log().Warn("read migration data copying", "db", db.Name, "err", err)
	}
	applied, err := e.converge(ctx, org, name, branch, res)
	if err != nil {
		return err
	}
	rep.applied = applied
	dr, err := e.ensureDeployRequest(ctx, org, name, branch, db.ProductionBranch, pr)
	if err != nil {
		return err
	}
	rep.state.DeployRequest = dr.Number
	rep.dr = dr
	dr, err = e.waitChecks(ctx, org, name, dr.Number, o.ChecksTimeout)
	if dr != nil {
		rep.dr = dr
	}
	if err != nil {
		return err
	}
	diff, err := e.PlanetScale.DeployRequestDiff(ctx, org, name, dr.Number)
	if err != nil {
		return fmt.Errorf("read the diff of deploy request #%d: %w", dr.Number, err)
	}
	rep.psDiff = diff
	return nil
}

// planBlocked is the plan of a head whose lint fails: PlanetScale is only
// read. Creating a branch and a deploy request for a schema that must change
// again costs a branch per pull request and offers a deploy request nobody
// should deploy; but production's drift is still worth knowing before the
// next push. The state stays the earlier head's, so /deploy (which checks the
// state's head against the pull request's) cannot ship the earlier plan
// under this head.
func (e *Engine) planBlocked(ctx context.Context, repo Repo, pr github.PullRequest, db config.Database, res *check.Result, rep *report, prior PlanState) error {
	rep.state = prior
	rep.state.Closed = false
	if rep.state.Database == "" {
		rep.state.Database = db.Name
	}
	drift, err := e.drift(ctx, db.Organization, db.Database, db.ProductionBranch, res, repo, pr.Number)
	if err != nil {
		return err
	}
	rep.drift = drift
	note := "Lint fails, so " + blockedNoBranch
	if prior.DeployRequest != 0 {
		note = fmt.Sprintf("Lint fails, so branch %s "+blockedNotBrought+" deploy request #%d still holds head %s and "+blockedRefuses,
			schemadiff.MarkdownCode(prior.Branch), prior.DeployRequest, schemadiff.MarkdownCode(short(prior.HeadSHA)))
	}
	rep.notes = append(rep.notes, note)
	return nil
}

// maxGenerations bounds how many deploy requests one pull request gets
// branches for: each push after a deployment started takes a new one.
const maxGenerations = 100

// idleBranch returns the branch to plan on: branch, unless one of its deploy
// requests is deploying or deployed (issue 17 item 4). Such a branch is
// never touched again: applying DDL under a running deployment changes what
// it ships, and pairing a new head with a deployed deploy request reports a
// change as deployed that never reached production. The next generation of
// the pull request's branch is taken instead, and the report says so.
//
// When the deploying deploy request is the one prior names, for this very
// head, it is returned instead (deployed): there is nothing new to plan.
func (e *Engine) idleBranch(ctx context.Context, repo Repo, pr github.PullRequest, db config.Database, branch string, rep *report, prior PlanState) (idle string, deployed *ps.DeployRequest, err error) {
	gen, ok := generationOf(repo, pr.Number, branch)
	if !ok {
		return "", nil, fmt.Errorf("branch %s is not a branch of this pull request", branch)
	}
	for ; gen <= maxGenerations; gen++ {
		branch = branchGeneration(repo, pr.Number, gen)
		drs, err := e.PlanetScale.ListDeployRequests(ctx, db.Organization, db.Database, ps.ListDeployRequestsOptions{Branch: branch})
		if err != nil {
			return "", nil, fmt.Errorf("list the deploy requests of branch %s: %w; nothing was changed, re-run the job", branch, err)
		}
		var busy *ps.DeployRequest
		for i, dr := range drs {
			if deployingStates[dr.DeploymentState] {
				busy = &drs[i]
				break
			}
		}
		if busy == nil {
			return branch, nil, nil
		}
		if busy.Number == prior.DeployRequest && branch == prior.Branch && prior.HeadSHA == pr.HeadSHA {
			return branch, busy, nil
		}
		rep.notes = append(rep.notes, fmt.Sprintf("Deploy request %s of branch %s is %s, so this push does not touch it: it is planned as a new deploy request on branch %s.",
			drLink(busy), schemadiff.MarkdownCode(branch), human(busy.DeploymentState), schemadiff.MarkdownCode(branchGeneration(repo, pr.Number, gen+1))))
	}
	return "", nil, fmt.Errorf("pull request #%d has had %d deploy requests deploy: open a new pull request", pr.Number, maxGenerations)
}

func (e *Engine) ensureBranch(ctx context.Context, org, db, branch, parent string, timeout time.Duration) (*ps.Branch, error) {
	b, err := e.PlanetScale.GetBranch(ctx, org, db, branch)
	if ps.IsNotFound(err) {
		e.log().Info("create branch", "db", db, "branch", branch, "parent", parent)
		b, err = e.PlanetScale.CreateBranch(ctx, org, db, ps.CreateBranchRequest{Name: branch, ParentBranch: parent})
	}
	if err != nil {
		return nil, fmt.Errorf("branch %s: %w", branch, err)
	}
	if b.Ready {
		return b, nil
	}
	e.log().Info("wait for the branch to be ready", "db", db, "branch", branch)
	deadline := e.clock().Now().Add(timeout)
	err = e.poll(ctx, deadline, func() (bool, error) {
		var err error
		b, err = e.PlanetScale.GetBranch(ctx, org, db, branch)
		return err == nil && b.Ready, err
	})
	if errors.Is(err, errDeadline) {
		return nil, fmt.Errorf("branch %s did not become ready within %s (last state: %s); re-run to keep waiting", branch, timeout, b.State)
	}
	if err != nil {
		return nil, fmt.Errorf("wait for branch %s: %w", branch, err)
	}
	return b, nil
}

// converge brings the branch to the head schema: read its schema, apply the
// ordered DDL, read it back and verify.
func (e *Engine) converge(ctx context.Context, org, db, branch string, res *check.Result) ([]string, error) {
	_, d, err := e.managedDiff(ctx, org, db, branch, res, res.Head, "diff branch "+branch+" with the pull request")
	if err != nil {
		return nil, err
	}
	if d.Empty() {
		return nil, nil
	}
	stmts := d.Statements()
	e.log().Info("apply DDL to branch", "db", db, "branch", branch, "statements", len(stmts))
	if _, err := e.PlanetScale.ApplyDDL(ctx, org, db, branch, stmts, ps.ApplyOptions{}); err != nil {
		return nil, fmt.Errorf("apply the pull request's schema to branch %s: %w", branch, err)
	}
	_, left, err := e.managedDiff(ctx, org, db, branch, res, res.Head, "verify branch "+branch)
	if err != nil {
		return nil, err
	}
	if !left.Empty() {
		return nil, fmt.Errorf("branch %s does not match the pull request after applying its DDL; still different: %s", branch, strings.Join(left.Statements(), "; "))
	}
	return stmts, nil
}

// managedDiff reads branch's schema and returns it with the changes that take
// it to want, less those to what the repository does not manage (tracking
// tables, ignore_tables): a branch keeps those, so a deploy request never
// drops them in production. step names the comparison in its error.
func (e *Engine) managedDiff(ctx context.Context, org, db, branch string, res *check.Result, want *schemadiff.Schema, step string) (*schemadiff.Schema, *schemadiff.Diff, error) {
	have, err := e.branchSchema(ctx, org, db, branch, res.Env)
	if err != nil {
		return nil, nil, err
	}
	d, err := schemadiff.Compute(ctx, have, want, schemadiff.DiffOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", step, err)
	}
	return have, res.Unmanaged.Filter(d), nil
}

func (e *Engine) branchSchema(ctx context.Context, org, db, branch string, env *schemadiff.Env) (*schemadiff.Schema, error) {
	e.log().Info("read the schema of a branch", "db", db, "branch", branch)
	tables, err := e.PlanetScale.BranchSchema(ctx, org, db, branch)
	if err != nil {
		return nil, fmt.Errorf("read the schema of branch %s: %w", branch, err)
	}
	raws := make([]string, 0, len(tables))
	for _, t := range tables {
		raws = append(raws, t.Raw)
	}
	s, err := env.LoadCreateStatements(raws)
	if err != nil {
		return nil, fmt.Errorf("the schema of branch %s does not load: %w", branch, err)
	}
	return s, nil
}

func (e *Engine) ensureDeployRequest(ctx context.Context, org, db, branch, into string, pr github.PullRequest) (*ps.DeployRequest, error) {
	open, err := e.PlanetScale.ListDeployRequests(ctx, org, db, ps.ListDeployRequestsOptions{State: ps.DeployRequestOpen, Branch: branch, IntoBranch: into})
	if err != nil {
		return nil, fmt.Errorf("list deploy requests of %s: %w", branch, err)
	}
	var best *ps.DeployRequest
	for i, dr := range open {
		if deployingStates[dr.DeploymentState] {
			// idleBranch saw none; one started since: never pair the new
			// head with a deployment of an older one.
			return nil, fmt.Errorf("deploy request #%d of branch %s started deploying while this push was planned; re-run the job to plan it as a new deploy request", dr.Number, branch)
		}
		if best == nil || dr.Number < best.Number {
			best = &open[i]
		}
	}
	if best != nil {
		return best, nil
	}
	e.log().Info("open a deploy request", "db", db, "branch", branch, "into", into)
	dr, err := e.PlanetScale.CreateDeployRequest(ctx, org, db, ps.CreateDeployRequestRequest{Branch: branch, IntoBranch: into, Notes: drNotes(pr)})
	if err != nil {
		return nil, fmt.Errorf("open a deploy request from %s into %s: %w", branch, into, err)
	}
	return dr, nil
}

func (e *Engine) waitChecks(ctx context.Context, org, db string, number int, timeout time.Duration) (*ps.DeployRequest, error) {
	e.log().Info("wait for PlanetScale's checks", "db", db, "deploy_request", number)
	var dr *ps.DeployRequest
	err := e.poll(ctx, e.clock().Now().Add(timeout), func() (bool, error) {
		var err error
		dr, err = e.PlanetScale.GetDeployRequest(ctx, org, db, number)
		return err == nil && dr.DeploymentState != ps.StatePending, err
	})
	if errors.Is(err, errDeadline) {
		return dr, fmt.Errorf("deploy request #%d: PlanetScale's checks did not finish within %s; re-run to keep waiting", number, timeout)
	}
	if err != nil {
		return dr, fmt.Errorf("deploy request #%d: %w", number, err)
	}
	return dr, nil
}
