package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// The invariant every deploy holds (issue 17): what reaches production is
// exactly the schema of the reviewed head commit, for this pull request,
// this repository and this database. Each earlier check guards one way of
// breaking it (a planted state, a shared branch, a stale plan); verifyDeploy
// checks the result itself, right before DeployDeployRequest, so that a way
// nobody thought of is refused too. Every path that deploys calls it.

// deployTarget is what a deploy is meant to ship: the pull request's
// reviewed head, analysed (res), into a configured database, through the
// deploy request the sticky state names.
type deployTarget struct {
	repo  Repo
	pr    github.PullRequest
	db    config.Database
	state PlanState
	res   *check.Result
}

// drNotes are the notes of the deploy requests ddlbot opens for pr: they
// name the pull request, so a deploy request tells whose it is.
func drNotes(pr github.PullRequest) string {
	if pr.HTMLURL == "" {
		return fmt.Sprintf("Opened by ddlbot for pull request #%d", pr.Number)
	}
	return "Opened by ddlbot for " + pr.HTMLURL
}

// mismatches lists how a deploy request fails to be the one of t: its
// number, its branch (this repository's pull request's, the one the state
// names), its base (the production branch), its notes (a deploy request
// ddlbot opened names its pull request) and whether it is open.
func (t deployTarget) mismatches(dr *ps.DeployRequest) []string {
	var out []string
	code := schemadiff.MarkdownCode
	if t.state.Database != t.db.Name {
		out = append(out, fmt.Sprintf("the plan is for database %s, not %s", code(t.state.Database), code(t.db.Name)))
	}
	if dr.Number != t.state.DeployRequest {
		out = append(out, fmt.Sprintf("deploy request #%d is not the planned #%d", dr.Number, t.state.DeployRequest))
	}
	if _, own := generationOf(t.repo, t.pr.Number, dr.Branch); !own {
		out = append(out, fmt.Sprintf("deploy request #%d is from branch %s, which is not a branch of %s#%d (%s)",
			dr.Number, code(dr.Branch), schemadiff.MarkdownEscape(t.repo.String()), t.pr.Number, code(BranchName(t.repo, t.pr.Number))))
	} else if dr.Branch != t.state.Branch {
		out = append(out, fmt.Sprintf("deploy request #%d is from branch %s, not the planned %s", dr.Number, code(dr.Branch), code(t.state.Branch)))
	}
	if dr.IntoBranch != t.db.ProductionBranch {
		out = append(out, fmt.Sprintf("deploy request #%d goes into %s, not the production branch %s", dr.Number, code(dr.IntoBranch), code(t.db.ProductionBranch)))
	}
	if strings.HasPrefix(dr.Notes, "Opened by ddlbot for ") && strings.TrimSpace(dr.Notes) != drNotes(t.pr) {
		out = append(out, fmt.Sprintf("deploy request #%d was opened for another pull request (%s)", dr.Number, schemadiff.MarkdownEscape(strings.TrimPrefix(strings.TrimSpace(dr.Notes), "Opened by ddlbot for "))))
	}
	if dr.State != ps.DeployRequestOpen {
		out = append(out, fmt.Sprintf("deploy request #%d is %s", dr.Number, dr.State))
	}
	if t.state.HeadSHA != t.pr.HeadSHA {
		out = append(out, fmt.Sprintf("the plan is for %s, not the head %s", code(short(t.state.HeadSHA)), code(short(t.pr.HeadSHA))))
	}
	return out
}

// verifyDeploy re-reads deploy request number and its branch's schema from
// PlanetScale and returns what differs from t (nothing: deploy it). The
// branch must hold exactly the head's schema, leaving aside the tables the
// repository does not manage, as converge does. An error means PlanetScale
// could not be read: nothing may be deployed then either.
func (e *Engine) verifyDeploy(ctx context.Context, t deployTarget, number int) (*ps.DeployRequest, []string, error) {
	org, name := t.db.Organization, t.db.Database
	dr, err := e.PlanetScale.GetDeployRequest(ctx, org, name, number)
	if err != nil {
		return nil, nil, fmt.Errorf("re-read deploy request #%d before deploying: %w", number, err)
	}
	problems := t.mismatches(dr)
	if len(problems) > 0 {
		return dr, problems, nil
	}
	if t.res == nil || t.res.Head == nil || t.res.Head.Vitess() == nil {
		return dr, []string{"the schema at the head does not load"}, nil
	}
	current, err := e.branchSchema(ctx, org, name, dr.Branch, t.res.Env)
	if err != nil {
		return nil, nil, fmt.Errorf("re-read before deploying: %w", err)
	}
	d, err := schemadiff.Compute(ctx, current, t.res.Head, schemadiff.DiffOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("compare branch %s with the head before deploying: %w", dr.Branch, err)
	}
	if d = t.res.Unmanaged.Filter(d); !d.Empty() {
		stmts := d.Statements()
		const show = 5
		more := ""
		if len(stmts) > show {
			stmts, more = stmts[:show], fmt.Sprintf(" (and %d more)", len(d.Statements())-show)
		}
		for i, s := range stmts {
			stmts[i] = schemadiff.MarkdownCode(s)
		}
		problems = append(problems, fmt.Sprintf("branch %s does not hold the schema of the head %s: to get there it would need %s%s",
			schemadiff.MarkdownCode(dr.Branch), schemadiff.MarkdownCode(short(t.pr.HeadSHA)), strings.Join(stmts, "; "), more))
	}
	return dr, problems, nil
}

// refusalList renders verifyDeploy's findings as a markdown list.
func refusalList(problems []string) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString("\n- " + p)
	}
	return b.String()
}
