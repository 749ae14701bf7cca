package bot

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/redact"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// checkRun is where a database's check run stands while a run plans it.
type checkRun struct {
	// id is the run in progress to complete (0: none yet).
	id int64
	// done is the completed run an earlier delivery left on the same commit.
	done *github.CheckRun
	// forbidden: the token may not write check runs (a fork's read-only token).
	forbidden bool
}

// startCheck marks a database's check run in progress on the head commit. A
// run still in progress from an earlier delivery (a crash, a retry) is
// reused as is. A completed one is left alone: finishCheck writes nothing
// when the result is the same, so a duplicate delivery changes nothing.
func (e *Engine) startCheck(ctx context.Context, repo Repo, pr github.PullRequest, db string) checkRun {
	name := CheckName(db)
	if cr, err := e.GitHub.FindCheckRun(ctx, repo.Owner, repo.Name, pr.HeadSHA, name); err == nil && cr != nil {
		if cr.Status != github.StatusCompleted {
			return checkRun{id: cr.ID}
		}
		return checkRun{done: cr}
	}
	opts := github.CheckRunOptions{Name: name, HeadSHA: pr.HeadSHA, Status: github.StatusInProgress, Title: "Planning…",
		Summary: "ddlbot is linting the change and preparing the PlanetScale branch and deploy request.", DetailsURL: e.Options.DetailsURL}
	cr, err := e.GitHub.CreateCheckRun(ctx, repo.Owner, repo.Name, opts)
	if err != nil {
		return checkRun{forbidden: e.checkWriteFailed(pr, name, err)}
	}
	return checkRun{id: cr.ID}
}

// checkWriteFailed logs a check run GitHub refused, and reports whether it
// was for lack of permission (then the run goes on without check runs: the
// report still reaches the job summary).
func (e *Engine) checkWriteFailed(pr github.PullRequest, name string, err error) bool {
	if !github.IsForbidden(err) {
		e.log().Warn("write check run", "name", name, "err", err)
		return false
	}
	msg := "the token may not write check runs: the report goes to the job summary only"
	if pr.IsFork {
		// Expected: GitHub gives fork pull requests a read-only token.
		e.log().Info(msg, "name", name, "why", "pull request from a fork")
	} else {
		e.log().Warn(msg+" (grant `checks: write`)", "name", name)
	}
	return true
}

// finishCheck completes a database's check run with its report and
// annotations, and returns its id (0 when GitHub refused it). When an earlier
// delivery completed a run on the same commit with the same result, nothing
// is written; when the result differs, a new run is created rather than the
// old one updated, since GitHub adds annotations on every update.
func (e *Engine) finishCheck(ctx context.Context, repo Repo, pr github.PullRequest, ck checkRun, db, conclusion, title, summary string, anns []github.Annotation) int64 {
	if ck.forbidden {
		return 0
	}
	summary, text, anns := github.CapAnnotations(summary, anns) // before comparing with the stored summary
	if d := ck.done; d != nil && d.Conclusion == conclusion && d.Title == title && strings.TrimSpace(d.Summary) == strings.TrimSpace(summary) {
		return d.ID
	}
	opts := github.CheckRunOptions{Name: CheckName(db), HeadSHA: pr.HeadSHA, Conclusion: conclusion, Title: title, Summary: summary,
		Text: text, Annotations: anns, DetailsURL: e.Options.DetailsURL}
	var (
		cr  github.CheckRun
		err error
	)
	if ck.id != 0 {
		cr, err = e.GitHub.UpdateCheckRun(ctx, repo.Owner, repo.Name, ck.id, opts)
	} else {
		cr, err = e.GitHub.CreateCheckRun(ctx, repo.Owner, repo.Name, opts)
	}
	if err != nil {
		e.checkWriteFailed(pr, CheckName(db), err)
		return 0
	}
	return cr.ID
}

// neutral reports a pull request that needs nothing: one neutral check, no
// comment, no branch.
func (e *Engine) neutral(ctx context.Context, repo Repo, pr github.PullRequest, why string) error {
	opts := github.CheckRunOptions{Name: "ddlbot", HeadSHA: pr.HeadSHA, Conclusion: github.ConclusionNeutral,
		Title: "No schema change", Summary: why + ".", DetailsURL: e.Options.DetailsURL}
	if cr, err := e.GitHub.FindCheckRun(ctx, repo.Owner, repo.Name, pr.HeadSHA, "ddlbot"); err == nil && cr != nil {
		if cr.Conclusion == github.ConclusionNeutral {
			return nil // already said
		}
		_, err := e.GitHub.UpdateCheckRun(ctx, repo.Owner, repo.Name, cr.ID, opts)
		return err
	}
	_, err := e.GitHub.CreateCheckRun(ctx, repo.Owner, repo.Name, opts)
	if err != nil {
		if e.checkWriteFailed(pr, "ddlbot", err) {
			return nil
		}
		return fmt.Errorf("create the neutral check run: %w", err)
	}
	return nil
}

// failAll reports a problem that stops every database (an invalid config)
// as one failing check.
func (e *Engine) failAll(ctx context.Context, repo Repo, pr github.PullRequest, code ReasonCode, msg string) (*Outcome, error) {
	out := &Outcome{Decision: DecisionFailed, ReasonCode: code, Reason: firstLine(msg)}
	opts := github.CheckRunOptions{Name: "ddlbot", HeadSHA: pr.HeadSHA, Conclusion: github.ConclusionFailure,
		Title: "ddlbot could not run", Summary: msg, DetailsURL: e.Options.DetailsURL}
	if cr, err := e.GitHub.FindCheckRun(ctx, repo.Owner, repo.Name, pr.HeadSHA, "ddlbot"); err == nil && cr != nil {
		_, err := e.GitHub.UpdateCheckRun(ctx, repo.Owner, repo.Name, cr.ID, opts)
		return out, err
	}
	_, err := e.GitHub.CreateCheckRun(ctx, repo.Owner, repo.Name, opts)
	if err != nil && e.checkWriteFailed(pr, "ddlbot", err) {
		err = nil
	}
	return out, err
}

// handleClosed cleans up after a closed pull request: the deploy request is
// closed and the branch deleted, unless a deployment is running or done. A
// merged pull request whose change is not deployed keeps its deploy request
// open, so that it can still be deployed (with /deploy on the pull request,
// or in PlanetScale); with deploy.on_merge the merge deploys it, through
// the same checks as /deploy. merging is true for the closed event itself:
// other runs on a closed pull request (a /plan) never deploy.
func (e *Engine) handleClosed(ctx context.Context, repo Repo, pr github.PullRequest, cfg *config.Config, merging bool) (*Outcome, error) {
	out := &Outcome{Decision: DecisionClosed, ReasonCode: ReasonPRClosed, Reason: "pull request closed"}
	for _, db := range cfg.Databases {
		st, err := e.stickyState(ctx, repo, pr.Number, db.Name)
		if err != nil {
			return nil, err
		}
		if st.Database == "" {
			continue // never planned, or not the bot's state for this database and pull request
		}
		if st.Closed {
			continue // cleaned up already
		}
		if pr.Merged && e.PlanetScale != nil && db.Organization != "" && st.DeployRequest != 0 {
			merged, err := e.handleMerged(ctx, repo, pr, cfg, db, st, merging)
			if err != nil {
				return nil, err
			}
			if merged != nil {
				out.merge(merged)
				continue
			}
		}
		do := &DatabaseOutcome{Name: db.Name, Branch: st.Branch, DeployRequest: st.DeployRequest}
		out.Databases = append(out.Databases, do)
		if dr := e.deploymentUnderWay(ctx, db, st); dr != nil {
			// Merged (or closed) while its deployment runs, waits for its
			// cutover or is in its revert window: the comment goes on
			// showing it, and whatever follows deployments (the server's
			// follow-ups, /plan) follows this one to its end.
			do.DeployRequestURL, do.DeploymentState, do.Organization, do.Database = dr.HTMLURL, dr.DeploymentState, db.Organization, db.Database
			do.Reason = fmt.Sprintf("deploy request #%d is %s: left as it is", dr.Number, human(dr.DeploymentState))
			do.Report = fmt.Sprintf("The pull request was closed. Deploy request #%d is %s, so it and branch %s are left as they are.",
				dr.Number, dr.DeploymentState, schemadiff.MarkdownCode(st.Branch))
			if gh, ok := e.GitHub.(CommandGitHub); ok {
				// Above the plan, in the deployment's place; the next look at
				// the deployment puts its progress back there.
				r := &run{e: e, gh: gh, cfg: cfg, db: db, pr: pr, cmd: Command{Name: refreshCommand, DB: db.Name},
					ev: CommentEvent{Repo: repo, Number: pr.Number, IsPullRequest: true}}
				r.updateComment(ctx, PlanState{}, do.Report, dr)
			}
			continue
		}
		note := "The pull request was closed."
		if e.PlanetScale != nil && db.Organization != "" && st.Branch != "" {
			what, left, err := e.cleanUp(ctx, db, st, do)
			sep := ": "
			if left {
				sep = ". "
			}
			note = "The pull request was closed" + sep + what
			if err != nil {
				note = "The pull request was closed, but cleaning up failed: " + schemadiff.MarkdownEscape(redact.Secrets(err.Error()))
			} else {
				st.Closed = true
			}
		}
		body := Marker(db.Name) + "\n" + encodeState(st) + "\n\n" + publicText(fmt.Sprintf("### ddlbot · %s\n\n%s\n", schemadiff.MarkdownCode(db.Name), note))
		do.Report = body
		if _, _, err := e.GitHub.UpsertStickyComment(ctx, repo.Owner, repo.Name, pr.Number, Marker(db.Name), body); err != nil {
			e.log().Warn("update the sticky comment", "db", db.Name, "err", err)
		}
	}
	return out, nil
}

// deploymentUnderWay is the state's deploy request when its deployment is
// one Refresh follows (moving, waiting for its cutover, in its revert
// window); nil otherwise or when it cannot be read (the close then cleans
// up as usual, and cleanUp itself never touches a deploying branch).
func (e *Engine) deploymentUnderWay(ctx context.Context, db config.Database, st PlanState) *ps.DeployRequest {
	if e.PlanetScale == nil || db.Organization == "" || st.DeployRequest == 0 {
		return nil
	}
	dr, err := e.PlanetScale.GetDeployRequest(ctx, db.Organization, db.Database, st.DeployRequest)
	if err != nil || !followStates[dr.DeploymentState] {
		return nil
	}
	return dr
}

// merge folds a merged database's outcome into the closed pull request's:
// the one that needs a person most wins (failed, refused, follow timeout,
// merged but not deployed, deployed, closed).
func (o *Outcome) merge(m *Outcome) {
	o.Databases = append(o.Databases, m.Databases...)
	rank := func(o *Outcome) int {
		if o.Decision == DecisionClosed && o.ReasonCode == ReasonMergedNotDeployed {
			return 1
		}
		return map[Decision]int{DecisionDone: 2, DecisionFollowTimeout: 3, DecisionRefused: 4, DecisionFailed: 5}[o.Decision]
	}
	if rank(m) > rank(o) {
		o.Decision, o.ReasonCode, o.Reason = m.Decision, m.ReasonCode, m.Reason
	}
}

// ReasonMergedNotDeployed: a merged pull request's change is not in
// production; its deploy request stays open.

// handleMerged handles a merged pull request's deploy request that is still
// to be deployed: deploy.on_merge deploys it (on the merge event), otherwise
// it stays open and the pull request says so. nil: nothing is left to
// deploy (no changes, or deploying or deployed already), clean up as for
// any closed pull request.
func (e *Engine) handleMerged(ctx context.Context, repo Repo, pr github.PullRequest, cfg *config.Config, db config.Database, st PlanState, merging bool) (*Outcome, error) {
	dr, err := e.PlanetScale.GetDeployRequest(ctx, db.Organization, db.Database, st.DeployRequest)
	if ps.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read deploy request #%d: %w", st.DeployRequest, err)
	}
	if dr.State != ps.DeployRequestOpen || deployingStates[dr.DeploymentState] || dr.DeploymentState == ps.StateNoChanges {
		return nil, nil
	}
	gh, canCommand := e.GitHub.(CommandGitHub)
	dps, canDeploy := e.PlanetScale.(DeployPlanetScale)
	r := &run{e: e, gh: gh, cfg: cfg, db: db, pr: pr, merge: true, cmd: Command{Name: "deploy", DB: db.Name},
		ev: CommentEvent{Action: "created", Repo: repo, Number: pr.Number, IsPullRequest: true, Author: pr.MergedBy}}
	var refused *Outcome
	if cfg.Deploy.OnMerge && merging && canCommand && canDeploy {
		out, err := r.deployOnMerge(ctx, dps, st, dr)
		if err != nil || out.Decision != DecisionRefused {
			return out, err
		}
		refused = out
	}
	how := "comment `/deploy` on this pull request (commands work after the merge) or deploy it in PlanetScale"
	if len(cfg.Databases) > 1 {
		how = fmt.Sprintf("comment `/deploy --db %s` on this pull request (commands work after the merge) or deploy it in PlanetScale", db.Name)
	}
	note := fmt.Sprintf("> [!WARNING]\n> **Merged, not deployed.** Production does not have this change: deploy request %s stays open (branch %s). "+
		"To ship it, %s. Until then the plans of other pull requests show it as a difference between production and %s.",
		drLink(dr), schemadiff.MarkdownCode(st.Branch), how, schemadiff.MarkdownCode(baseName(pr)))
	switch {
	case refused != nil:
		note += "\n>\n> The merge did not deploy it (`deploy.on_merge`): " + refused.Reason // ddlbot's own markdown, user text in code spans
	case !cfg.Deploy.OnMerge:
		note += " (`deploy.on_merge: true` deploys on merge.)"
	}
	if canCommand {
		r.updateComment(ctx, PlanState{}, note, dr)
	}
	do := &DatabaseOutcome{Name: db.Name, Branch: st.Branch, DeployRequest: dr.Number, DeployRequestURL: dr.HTMLURL, DeploymentState: dr.DeploymentState,
		Organization: db.Organization, Database: db.Database, Report: note, Conclusion: github.ConclusionActionRequired}
	// Someone must act: a check run on the merged head says so.
	opts := github.CheckRunOptions{Name: CheckName(db.Name), HeadSHA: pr.HeadSHA, Conclusion: github.ConclusionActionRequired,
		Title: fmt.Sprintf("Merged, not deployed: deploy request #%d is open", dr.Number), Summary: publicText(note), DetailsURL: e.Options.DetailsURL}
	if cr, err := e.GitHub.FindCheckRun(ctx, repo.Owner, repo.Name, pr.HeadSHA, CheckName(db.Name)); err == nil && cr != nil && cr.Conclusion == opts.Conclusion && cr.Title == opts.Title {
		do.CheckRunID = cr.ID // a duplicate delivery: said already
	} else if cr, err := e.GitHub.CreateCheckRun(ctx, repo.Owner, repo.Name, opts); err == nil {
		do.CheckRunID = cr.ID
	} else {
		e.checkWriteFailed(pr, CheckName(db.Name), err)
	}
	out := &Outcome{Decision: DecisionClosed, ReasonCode: ReasonMergedNotDeployed, Reason: fmt.Sprintf("database %s: merged, deploy request #%d not deployed", db.Name, dr.Number),
		Databases: []*DatabaseOutcome{do}}
	if refused != nil {
		out.Decision, out.ReasonCode, out.Reason = refused.Decision, refused.ReasonCode, refused.Reason
	}
	return out, nil
}

// deployOnMerge runs /deploy's checks for a merge, with who merged as the
// commenter, and deploys.
func (r *run) deployOnMerge(ctx context.Context, dps DeployPlanetScale, st PlanState, dr *ps.DeployRequest) (*Outcome, error) {
	if r.pr.MergedBy == "" {
		return r.refuse(ReasonPermission, "GitHub does not say who merged the pull request, so nobody's permission can be checked.")
	}
	if code, why, err := r.authorize(ctx); err != nil || code != "" {
		if err != nil {
			return nil, err
		}
		return r.refuse(code, why)
	}
	if r.pr.IsFork && !r.cfg.Deploy.AllowForks {
		return r.refuse(ReasonFork, "the pull request comes from a fork, and `deploy.allow_forks` is off.")
	}
	if why, ok := deploysFrom(r.cfg, r.pr); !ok {
		return r.refuse(ReasonBaseBranch, why)
	}
	return r.deploy(ctx, dps, st, dr)
}

// deployingStates are the deployment states in which a closed pull request
// must leave PlanetScale alone.
var deployingStates = map[string]bool{
	ps.StateQueued: true, ps.StateSubmitting: true, ps.StateInProgress: true, ps.StatePendingCutover: true,
	ps.StateInProgressVSchema: true, ps.StateInProgressCutover: true, ps.StateComplete: true,
	ps.StateCompletePendingRevert: true, ps.StateInProgressRevert: true, ps.StateInProgressRevertVSchema: true,
	ps.StateCompleteRevert: true, ps.StateInProgressCancel: true, ps.StateCompleteError: true,
}

// cleanUp closes a pull request's deploy request and deletes its branch,
// unless a deployment is running or done. It says what it did: a sentence
// that reads after "The pull request was closed" ("." when left alone, ":"
// when cleaned up, as left says).
func (e *Engine) cleanUp(ctx context.Context, db config.Database, st PlanState, do *DatabaseOutcome) (what string, left bool, err error) {
	org, name := db.Organization, db.Database
	// Every deploy request of the branch, not only the one the state names:
	// a state that lost its number (an older ddlbot, a failed plan) must not
	// let a running deployment's branch be deleted (issue 17 item 7).
	drs, err := e.PlanetScale.ListDeployRequests(ctx, org, name, ps.ListDeployRequestsOptions{Branch: st.Branch})
	if err != nil {
		return "", false, fmt.Errorf("list the deploy requests of branch %s: %w", st.Branch, err)
	}
	var dr *ps.DeployRequest
	for i := range drs {
		if drs[i].Number == st.DeployRequest {
			dr = &drs[i]
		}
	}
	if dr == nil && st.DeployRequest != 0 {
		got, err := e.PlanetScale.GetDeployRequest(ctx, org, name, st.DeployRequest)
		if err != nil && !ps.IsNotFound(err) {
			return "", false, fmt.Errorf("read deploy request #%d: %w", st.DeployRequest, err)
		}
		if got != nil {
			dr = got
			drs = append(drs, *got)
		}
	}
	if dr != nil {
		do.DeploymentState = dr.DeploymentState
	}
	for _, d := range drs {
		if deployingStates[d.DeploymentState] {
			return fmt.Sprintf("Deploy request #%d is %s, so it and branch `%s` are left as they are.",
				d.Number, d.DeploymentState, st.Branch), true, nil
		}
	}
	var closed []string
	for _, d := range drs {
		if d.State == ps.DeployRequestOpen && d.Branch == st.Branch {
			if _, err := e.PlanetScale.CloseDeployRequest(ctx, org, name, d.Number); err != nil {
				return "", false, fmt.Errorf("close deploy request #%d: %w", d.Number, err)
			}
			closed = append(closed, fmt.Sprintf("#%d", d.Number))
		}
	}
	if err := e.PlanetScale.DeleteBranch(ctx, org, name, st.Branch); err != nil && !ps.IsNotFound(err) {
		return "", false, fmt.Errorf("delete branch %s: %w", st.Branch, err)
	}
	if dr != nil {
		return fmt.Sprintf("deploy request #%d closed and branch `%s` deleted.", dr.Number, st.Branch), false, nil
	}
	if len(closed) > 0 {
		// The state named no deploy request (a terminal cleanup): say which were open.
		return fmt.Sprintf("deploy request %s closed and branch `%s` deleted.", strings.Join(closed, ", "), st.Branch), false, nil
	}
	return fmt.Sprintf("branch `%s` deleted.", st.Branch), false, nil
}

// emptyDir is an FS holding only an empty folder.
func emptyDir(dir string) fs.FS {
	return fstest.MapFS{dir: &fstest.MapFile{Mode: fs.ModeDir | 0o755}}
}

// Cleaned is what CleanUpBranches did with one branch.
type Cleaned struct {
	Branch string
	// What says it in a sentence ("branch `x` deleted.", or why it was left).
	What string
	// Left is true when the branch was left because a deployment runs on it.
	Left bool
}

// CleanUpBranches deletes every branch of pull request number of repo on db
// (each generation: BranchName, then -2, -3, ...), closing its open deploy
// requests first, as closing the pull request would; a branch with a
// deploy request that is deploying is left alone. Branches of the legacy
// name (ddlbot-pr-N) are never touched here: other repositories share them.
// dryRun lists the branches and changes nothing.
func (e *Engine) CleanUpBranches(ctx context.Context, repo Repo, number int, db config.Database, dryRun bool) ([]Cleaned, error) {
	branches, err := e.PlanetScale.ListBranches(ctx, db.Organization, db.Database)
	if err != nil {
		return nil, fmt.Errorf("list the branches of %s/%s: %w", db.Organization, db.Database, err)
	}
	var out []Cleaned
	for _, b := range branches {
		if b.Name == LegacyBranchName(number) || b.Name == db.ProductionBranch {
			continue
		}
		if _, ok := generationOf(repo, number, b.Name); !ok {
			continue
		}
		if dryRun {
			out = append(out, Cleaned{Branch: b.Name, What: fmt.Sprintf("branch `%s` would be deleted.", b.Name)})
			continue
		}
		what, left, err := e.cleanUp(ctx, db, PlanState{Database: db.Name, Branch: b.Name}, &DatabaseOutcome{})
		if err != nil {
			return out, err
		}
		out = append(out, Cleaned{Branch: b.Name, What: what, Left: left})
	}
	return out, nil
}
