package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// driftEntry is one table or view that production holds differently from
// the pull request's base: the deploy request (production → branch) then
// ships more than the base → head change the report's Changes list.
type driftEntry struct {
	Entity string
	Why    string
}

// drift compares production's schema with the base's. Unmanaged tables
// (tracking tables, ignore_tables) are left out: the branch keeps them.
func (e *Engine) drift(ctx context.Context, org, db, production string, res *check.Result) ([]driftEntry, error) {
	if res.Base == nil || res.BaseErr != nil || res.Base.Vitess() == nil {
		return nil, nil
	}
	prod, err := e.branchSchema(ctx, org, db, production, res.Env)
	if err != nil {
		return nil, err
	}
	d, err := schemadiff.Compute(ctx, prod, res.Base, schemadiff.DiffOptions{})
	if err != nil {
		return nil, fmt.Errorf("compare production branch %s with the base: %w", production, err)
	}
	var out []driftEntry
	for _, c := range res.Unmanaged.Filter(d).Changes {
		why := "differs: an undeployed merged change, or a change made outside ddlbot"
		switch c.Kind {
		case schemadiff.DropTable, schemadiff.DropView:
			why = "in production only, unknown to the repository: the deploy request drops it (define it in the schema, or list it in `ignore_tables`)"
		case schemadiff.CreateTable, schemadiff.CreateView:
			why = "in the base only: an undeployed merged change, or dropped outside ddlbot; the deploy request creates it"
		}
		out = append(out, driftEntry{Entity: c.Entity, Why: why})
	}
	return out, nil
}

// renderDrift warns that what ships is more than the pull request's change.
func (r *report) renderDrift(b *strings.Builder) {
	if len(r.drift) == 0 {
		return
	}
	base := r.pr.BaseRef
	if base == "" {
		base = short(r.pr.BaseSHA)
	}
	fmt.Fprintf(b, "> [!WARNING]\n> **Production differs from %s**: the deploy request changes these too, beyond this pull request's change (PlanetScale's diff below is what ships):\n", schemadiff.MarkdownCode(base))
	for _, d := range r.drift {
		fmt.Fprintf(b, "> - %s: %s\n", schemadiff.MarkdownCode(d.Entity), d.Why)
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
	for _, f := range res.Relint(prod, d, diffErr) {
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
