package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// driftEntry is one table or view that production holds differently from
// the pull request's base: the deploy request (production → branch) then
// ships more than the base → head change the report's Changes list.
type driftEntry struct {
	Entity string
	Why    string
	// Unknown: production holds it, the repository never had it (neither
	// the base nor the head defines it, no migration dropped it) and the
	// deploy request drops it. Such a drop needs its own permission
	// (deploy.drop_unknown_tables, /deploy --drop-unknown-tables).
	Unknown bool
}

// drift compares production's schema with the base's. Unmanaged tables
// (tracking tables, ignore_tables) are left out: the branch keeps them. So
// are tables production holds exactly as an earlier deploy request of this
// same pull request (repo, number) deployed them: a push after a deploy
// ships the rest of what was reviewed, nothing from elsewhere.
func (e *Engine) drift(ctx context.Context, org, db, production string, res *check.Result, repo Repo, number int) ([]driftEntry, error) {
	if res.Base == nil || res.BaseErr != nil || res.Base.Vitess() == nil {
		return nil, nil
	}
	prod, d, err := e.managedDiff(ctx, org, db, production, res, res.Base, "compare production branch "+production+" with the base")
	if err != nil {
		return nil, err
	}
	changes := d.Changes
	var own map[string]bool
	if len(changes) > 0 {
		if own, err = e.ownDeployed(ctx, org, db, production, prod, res, repo, number); err != nil {
			return nil, err
		}
	}
	var out []driftEntry
	for _, c := range changes {
		if own[c.Entity] {
			continue
		}
		entry := driftEntry{Entity: c.Entity, Why: "differs: an undeployed merged change, or a change made outside ddlbot"}
		switch c.Kind {
		case schemadiff.DropTable, schemadiff.DropView:
			entry.Why, entry.Unknown = dropWhy(res, c.Entity)
		case schemadiff.CreateTable, schemadiff.CreateView:
			entry.Why = "in the base only: an undeployed merged change, or dropped outside ddlbot; the deploy request creates it"
		}
		out = append(out, entry)
	}
	return out, nil
}

// deployedStates are the deployment states whose schema is (or is about to
// be) production's.
var deployedStates = map[string]bool{
	ps.StateQueued: true, ps.StateSubmitting: true, ps.StateInProgress: true, ps.StatePendingCutover: true,
	ps.StateInProgressVSchema: true, ps.StateInProgressCutover: true, ps.StateComplete: true, ps.StateCompletePendingRevert: true,
}

// ownDeployed names the entities production holds exactly as one of this
// pull request's own earlier deploy requests (on its branches, never the
// legacy name other repositories share) deployed them.
func (e *Engine) ownDeployed(ctx context.Context, org, db, production string, prod *schemadiff.Schema, res *check.Result, repo Repo, number int) (map[string]bool, error) {
	drs, err := e.PlanetScale.ListDeployRequests(ctx, org, db, ps.ListDeployRequestsOptions{IntoBranch: production})
	if err != nil {
		return nil, fmt.Errorf("list the deploy requests into %s: %w", production, err)
	}
	same := map[string]bool{}
	seen := map[string]bool{}
	for _, dr := range drs {
		if _, ok := generationOf(repo, number, dr.Branch); !ok || dr.Branch == LegacyBranchName(number) || !deployedStates[dr.DeploymentState] || seen[dr.Branch] {
			continue
		}
		seen[dr.Branch] = true
		deployed, err := e.branchSchema(ctx, org, db, dr.Branch, res.Env)
		if ps.IsNotFound(err) {
			continue // cleaned up since
		}
		if err != nil {
			return nil, err
		}
		d, err := schemadiff.Compute(ctx, prod, deployed, schemadiff.DiffOptions{})
		if err != nil {
			return nil, fmt.Errorf("compare production with branch %s: %w", dr.Branch, err)
		}
		differs := map[string]bool{}
		for _, c := range d.Changes {
			differs[c.Entity] = true
		}
		for _, n := range prod.Names() {
			if !differs[n] {
				same[n] = true
			}
		}
	}
	return same, nil
}

// dropWhy explains a table that production has and the base does not, and
// tells whether the repository never had it.
func dropWhy(res *check.Result, name string) (string, bool) {
	head := res.Head
	switch {
	case head != nil && (head.Table(name) != nil || head.View(name) != nil):
		return "in production, not in the base: this pull request defines it", false
	case res.Base != nil && dropped(res.Base, name):
		return "dropped by a merged migration that was never deployed: the deploy request drops it", false
	case head != nil && dropped(head, name):
		return "in production, not in the base; this pull request drops it", false
	}
	return "in production only, unknown to the repository: the deploy request drops it " +
		"(define it in the schema, list it in `ignore_tables`, or allow the drop with `/deploy --drop-unknown-tables` or `deploy.drop_unknown_tables: true`)", true
}

func dropped(s *schemadiff.Schema, name string) bool {
	_, ok := s.DroppedAt(name)
	return ok
}

// unknownDrop reports whether a change drops a table or view the repository
// never had.
func unknownDrop(res *check.Result, c *schemadiff.Change) bool {
	if (c.Kind != schemadiff.DropTable && c.Kind != schemadiff.DropView) || res.Base == nil || res.Base.Vitess() == nil {
		return false // without a base there is no drift gate: lint keeps the drop
	}
	_, unknown := dropWhy(res, c.Entity)
	return unknown && res.Base.Table(c.Entity) == nil && res.Base.View(c.Entity) == nil
}

// withoutUnknownDrops is d without the drops of tables the repository never
// had: those are not the change's to lint; the drift gate asks for them
// explicitly (deploy.drop_unknown_tables, /deploy --drop-unknown-tables).
func withoutUnknownDrops(res *check.Result, d *schemadiff.Diff) *schemadiff.Diff {
	return d.Without(func(c *schemadiff.Change) bool { return unknownDrop(res, c) })
}

// unacknowledged says what of the drift still needs someone's say-so before
// a deploy, given the configuration and the command's flags: differences
// (deploy.accept_drift, --accept-drift) and drops of unknown tables
// (deploy.drop_unknown_tables, --drop-unknown-tables).
func unacknowledged(drift []driftEntry, dp config.Deploy, cmd Command) (differs, unknown []string) {
	for _, d := range drift {
		switch {
		case d.Unknown && !dp.DropUnknownTables && !cmd.DropUnknownTables:
			unknown = append(unknown, d.Entity)
		case !d.Unknown && !dp.AcceptDrift && !cmd.AcceptDrift:
			differs = append(differs, d.Entity)
		}
	}
	return differs, unknown
}

// driftRefusal is why /deploy may not run yet, or "" when nothing stops it.
func driftRefusal(drift []driftEntry, dp config.Deploy, cmd Command, base string) string {
	differs, unknown := unacknowledged(drift, dp, cmd)
	var why []string
	if len(differs) > 0 {
		why = append(why, fmt.Sprintf("production differs from %s in %s, and the deploy request ships that too; "+
			"check the plan's warning, then comment `/deploy --accept-drift` (or set `deploy.accept_drift: true`)",
			schemadiff.MarkdownCode(base), codeList(differs)))
	}
	if len(unknown) > 0 {
		why = append(why, fmt.Sprintf("the deploy request drops %s, which the repository never had; "+
			"define it in the schema or list it in `ignore_tables` to keep it, or comment `/deploy --drop-unknown-tables` "+
			"(or set `deploy.drop_unknown_tables: true`) to drop it", codeList(unknown)))
	}
	return strings.Join(why, "; and ")
}

func codeList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = schemadiff.MarkdownCode(n)
	}
	return strings.Join(out, ", ")
}

// baseName names the pull request's base in messages.
func baseName(pr github.PullRequest) string {
	if pr.BaseRef != "" {
		return pr.BaseRef
	}
	return short(pr.BaseSHA)
}

// pendingDeployRequests lists the open deploy requests into production
// other than branch's: a merged pull request's undeployed change waits in
// one of them, which the drift warning names.
func (e *Engine) pendingDeployRequests(ctx context.Context, org, db, production, branch string) ([]ps.DeployRequest, error) {
	open, err := e.PlanetScale.ListDeployRequests(ctx, org, db, ps.ListDeployRequestsOptions{State: ps.DeployRequestOpen, IntoBranch: production})
	if err != nil {
		return nil, fmt.Errorf("list the open deploy requests into %s: %w", production, err)
	}
	var out []ps.DeployRequest
	for _, dr := range open {
		if dr.Branch != branch && !deployingStates[dr.DeploymentState] {
			out = append(out, dr)
		}
	}
	return out, nil
}

// renderDrift warns that what ships is more than the pull request's change.
func (r *report) renderDrift(b *strings.Builder) {
	if len(r.drift) == 0 {
		return
	}
	fmt.Fprintf(b, "> [!WARNING]\n> **Production differs from %s**: the deploy request changes these too, beyond this pull request's change (PlanetScale's diff below is what ships):\n", schemadiff.MarkdownCode(baseName(r.pr)))
	for _, d := range r.drift {
		fmt.Fprintf(b, "> - %s: %s\n", schemadiff.MarkdownCode(d.Entity), d.Why)
	}
	if len(r.pending) > 0 {
		var links []string
		for i := range r.pending {
			links = append(links, fmt.Sprintf("%s (branch %s)", drLink(&r.pending[i]), schemadiff.MarkdownCode(r.pending[i].Branch)))
		}
		fmt.Fprintf(b, ">\n> Not deployed yet into %s, and perhaps holding these differences: deploy request %s.\n",
			schemadiff.MarkdownCode(r.db.ProductionBranch), strings.Join(links, ", "))
	}
	differs, unknown := unacknowledged(r.drift, r.cfg, Command{})
	switch {
	case len(differs) > 0 || len(unknown) > 0:
		b.WriteString(">\n> Deploying needs an acknowledgement: " + driftRefusal(r.drift, r.cfg, Command{}, baseName(r.pr)) + ".\n")
	default:
		b.WriteString(">\n> Acknowledged by the configuration (`deploy.accept_drift`, `deploy.drop_unknown_tables`).\n")
	}
	b.WriteString("\n")
}

// lintProduction lints what the deploy request ships, production → head,
// and adds what the base → head lint did not find: a stacked pull request
// (or an undeployed merged one) otherwise deploys a change nobody linted.
func (e *Engine) lintProduction(ctx context.Context, db config.Database, res *check.Result) error {
	if res.Head.Vitess() == nil {
		return nil
	}
	prod, err := e.branchSchema(ctx, db.Organization, db.Database, db.ProductionBranch, res.Env)
	if err != nil {
		return err
	}
	d, diffErr := schemadiff.Compute(ctx, prod, res.Head, schemadiff.DiffOptions{})
	seen := map[string]bool{}
	// The same finding can be located differently from production (a drop
	// has no place in production's schema): compare rule and message only.
	key := func(f lint.Finding) string { return f.Rule + "\x00" + f.Message }
	for _, f := range res.Findings {
		seen[key(f)] = true
	}
	for _, f := range res.Relint(prod, withoutUnknownDrops(res, d), diffErr) {
		if seen[key(f)] {
			continue
		}
		seen[key(f)] = true
		f.Message += fmt.Sprintf(" (in what the deploy request ships: production branch %s → this pull request)", db.ProductionBranch)
		res.Findings = append(res.Findings, f)
	}
	return nil
}

// findingPlace is where a finding points: file:line:column, or "production"
// for one about a table only production has (no file of the repository).
func findingPlace(f lint.Finding) string {
	if f.File == "" {
		return "production"
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}
