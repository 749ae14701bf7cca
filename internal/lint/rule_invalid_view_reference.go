package lint

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
	"vitess.io/vitess/go/vt/vterrors"
	"vitess.io/vitess/go/vt/vtgate/semantics"
)

var ruleInvalidViewReference = &Rule{
	ID:              "invalid-view-reference",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "INVALID_TABLE_REFERENCED_IN_VIEW",
	Summary:         "A view that reads a table, view or column that does not exist, names a column that several of its tables have without saying which, or depends on itself.",
	Why: "PlanetScale validates every view against the schema it deploys (INVALID_TABLE_REFERENCED_IN_VIEW, INVALID_COLUMN_REFERENCED_IN_VIEW) and rejects the deploy request " +
		"when a view cannot be resolved; MySQL would fail every query on such a view. Dropping or renaming a table or column that a view still reads breaks the view the same way.",
	Fix: "Create the table or column before the view, correct the name, or qualify an ambiguous column with its table (`t.col`). " +
		"Write `table.*` rather than `alias.*`, or list the columns: Vitess does not expand `*` through an alias. " +
		"When the change drops or renames what a view reads, update the view (CREATE OR REPLACE VIEW) or drop it in the same change.",
	Check: func(p *Pass) {
		if p.Head == nil {
			return
		}
		// A `*` that cannot be expanded because the view reads something
		// broken is a consequence, not a second problem.
		broken := map[string]bool{}
		var star *vsd.InvalidStarExprInViewError
		for _, pr := range p.Head.Problems {
			if problemIsSchemaError(pr) && viewProblemCode(pr) != "" && !errors.As(pr.Err, &star) {
				if v := problemView(p, pr); v != "" {
					broken[v] = true
				}
			}
		}
		for _, pr := range p.Head.Problems {
			if !problemIsSchemaError(pr) || viewProblemCode(pr) == "" {
				continue
			}
			if errors.As(pr.Err, &star) && broken[star.View] {
				continue
			}
			reportViewProblem(p, pr)
		}
	},
}

func init() { register(ruleInvalidViewReference) }

// viewProblemCode names the PlanetScale lint code of a schema problem caused
// by a view ("" when the problem is not about a view). Besides Vitess' typed
// view errors, semantic-analysis errors that Vitess passes through untyped
// (an unknown table in `x.*`, an unknown column in GROUP BY) can only come
// from validating views.
func viewProblemCode(pr schemadiff.Problem) string {
	var (
		dep    *vsd.ViewDependencyUnresolvedError
		col    *vsd.InvalidColumnReferencedInViewError
		star   *vsd.InvalidStarExprInViewError
		clause *semantics.ColumnNotFoundClauseError
	)
	switch {
	case pr.Err == nil:
		return ""
	case errors.As(pr.Err, &dep), errors.As(pr.Err, &star):
		return "INVALID_TABLE_REFERENCED_IN_VIEW"
	case errors.As(pr.Err, &col):
		return "INVALID_COLUMN_REFERENCED_IN_VIEW"
	case pr.Kind != schemadiff.ProblemInvalidSchema:
		return ""
	case errors.As(pr.Err, &clause):
		return "INVALID_COLUMN_REFERENCED_IN_VIEW"
	case vterrors.ErrState(pr.Err) == vterrors.BadDb:
		return "INVALID_TABLE_REFERENCED_IN_VIEW"
	case vterrors.ErrState(pr.Err) == vterrors.BadFieldError:
		return "INVALID_COLUMN_REFERENCED_IN_VIEW"
	}
	return ""
}

var reQuotedName = regexp.MustCompile(`'([^']+)'`)

// problemView returns the view a view problem is about.
func problemView(p *Pass, pr schemadiff.Problem) string {
	var (
		dep *vsd.ViewDependencyUnresolvedError
		col *vsd.InvalidColumnReferencedInViewError
	)
	switch {
	case errors.As(pr.Err, &dep):
		return dep.View
	case errors.As(pr.Err, &col):
		return col.View
	}
	if name, _, _ := untypedViewName(pr); name != "" {
		if _, v, ok := viewMentioning(p, name); ok {
			return v
		}
	}
	return ""
}

// untypedViewName returns what an untyped semantic error is about: the name,
// "table" or "column", and the clause it was found in (if known).
func untypedViewName(pr schemadiff.Problem) (name, what, clause string) {
	var c *semantics.ColumnNotFoundClauseError
	if errors.As(pr.Err, &c) {
		name, what, clause = c.Column, "column", c.Clause
	} else if m := reQuotedName.FindStringSubmatch(pr.Err.Error()); m != nil {
		name, what = m[1], "table"
		if viewProblemCode(pr) == "INVALID_COLUMN_REFERENCED_IN_VIEW" {
			what = "column"
		}
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 && what == "column" {
		name = name[i+1:]
	}
	return name, what, clause
}

func reportViewProblem(p *Pass, pr schemadiff.Problem) {
	code := viewProblemCode(pr)
	var (
		dep  *vsd.ViewDependencyUnresolvedError
		col  *vsd.InvalidColumnReferencedInViewError
		star *vsd.InvalidStarExprInViewError
	)
	switch {
	case errors.As(pr.Err, &dep):
		for _, missing := range dep.MissingReferencedEntities {
			var msg string
			if p.Head.Table(missing) != nil || p.Head.View(missing) != nil {
				msg = fmt.Sprintf("view %s reads %s, which is itself an invalid view or part of a cycle of views that read each other", Quote(dep.View), Quote(missing))
			} else {
				msg = fmt.Sprintf("view %s reads %s, which is not a table or view of the schema", Quote(dep.View), Quote(missing))
			}
			o, ok := problemLocate(p, pr, dep.View, missing, []string{`\bAS\b`, psWord(missing)}, missing, "")
			if ok {
				p.Report(o, "%s (%s)", msg, code)
			}
		}
	case errors.As(pr.Err, &col):
		msg := fmt.Sprintf("view %s reads column %s, which none of the tables it reads has", Quote(col.View), Quote(col.Column))
		if col.Ambiguous {
			msg = fmt.Sprintf("view %s reads column %s without a table name, and more than one of the tables it reads has such a column", Quote(col.View), Quote(col.Column))
		}
		o, ok := problemLocate(p, pr, col.View, col.Column, []string{`\bAS\b`, psWord(col.Column)}, "", "")
		if !ok {
			o, ok = viewBlameColumn(p, col.Column)
		}
		if ok {
			p.Report(o, "%s (%s)", msg, code)
		}
	case errors.As(pr.Err, &star):
		o, ok := problemLocate(p, pr, star.View, "*", []string{`\bAS\b`, `(\*)`}, "", "")
		if ok {
			p.Report(o, "view %s selects `*` through a name that does not resolve to a table's columns: an unknown table, or a table alias, "+
				"which the Vitess schema engine does not expand; name the table or list the columns (%s)", Quote(star.View), code)
		}
	default:
		// Untyped semantic errors carry neither the view nor a position: find
		// the linted view that mentions the name they are about.
		name, what, inClause := untypedViewName(pr)
		if name != "" {
			if o, view, ok := viewMentioning(p, name); ok {
				where := ""
				if inClause != "" {
					where = " in its " + inClause
				}
				p.Report(o, "view %s reads %s %s%s, which does not exist (%s)", Quote(view), what, Quote(name), where, code)
				return
			}
		}
		if p.Base == nil {
			p.Report(pr.Origin, "a view is not valid: %s (%s)", pr.Message, code)
		}
	}
}

// viewMentioning finds the last linted CREATE/ALTER VIEW that mentions name.
func viewMentioning(p *Pass, name string) (schemadiff.Origin, string, bool) {
	for i := len(p.Statements) - 1; i >= 0; i-- {
		st := p.Statements[i]
		var view string
		switch s := st.AST.(type) {
		case *sqlparser.CreateView:
			view = s.ViewName.Name.String()
		case *sqlparser.AlterView:
			view = s.ViewName.Name.String()
		default:
			continue
		}
		if o, ok := p.findWord(st, name); ok {
			return o, view, true
		}
	}
	return schemadiff.Origin{}, "", false
}

// viewBlameColumn finds the linted ALTER TABLE that dropped or renamed a
// column a view still reads.
func viewBlameColumn(p *Pass, column string) (schemadiff.Origin, bool) {
	for i := len(p.Statements) - 1; i >= 0; i-- {
		st := p.Statements[i]
		if _, ok := st.AST.(*sqlparser.AlterTable); !ok {
			continue
		}
		if o, ok := p.findWord(st, column); ok {
			return o, true
		}
	}
	return schemadiff.Origin{}, false
}
