package schemadiff

import (
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"
)

// MySQL stores a view's SELECT rewritten: `*` expanded to the columns it
// stands for, every column qualified with its table, every select expression
// aliased. A view read back from a server (a PlanetScale branch) is in that
// form; the same view as written in a repository usually is not. The builder
// rewrites views the same way, so both compare equal. The rewrite is a
// fixpoint on MySQL's own form. What it cannot reproduce: the alias MySQL
// gives an unaliased computed column is the expression's text exactly as
// typed; here it is the expression's canonical text. Name computed columns
// with AS to compare stably.

// fromTable is a table (or view) of a view's FROM clause: its name in the
// query (alias or name) and its columns, in order.
type fromTable struct {
	ref  string
	cols []string
	has  map[string]bool // lower-cased column names
}

// relationColumns returns the columns of a table or of a view (a view's are
// its column list, or the aliases of its rewritten SELECT), nil when the name
// is unknown or a view's columns cannot be told.
func (s *Schema) relationColumns(name string) []string {
	if t := s.Table(name); t != nil {
		var out []string
		for _, c := range t.ColumnDefinitionEntities() {
			out = append(out, c.Name())
		}
		return out
	}
	v := s.View(name)
	if v == nil {
		return nil
	}
	cv := v.CreateView
	if len(cv.Columns) > 0 {
		out := make([]string, len(cv.Columns))
		for i, c := range cv.Columns {
			out[i] = c.String()
		}
		return out
	}
	sel, ok := cv.Select.(*sqlparser.Select)
	if !ok || sel.SelectExprs == nil {
		return nil
	}
	var out []string
	for _, e := range sel.SelectExprs.Exprs {
		ae, ok := e.(*sqlparser.AliasedExpr)
		if !ok || ae.As.IsEmpty() {
			return nil
		}
		out = append(out, ae.As.String())
	}
	return out
}

// normalizeViewSelect rewrites a view's SELECT as MySQL stores it. lookup
// returns the columns of the tables and views the view reads (nil for unknown
// ones: then the view is left as written, and validation reports the unknown
// table).
func normalizeViewSelect(v *sqlparser.CreateView, lookup func(string) []string) {
	sel, ok := v.Select.(*sqlparser.Select)
	if !ok || sel.SelectExprs == nil || sel.With != nil {
		return // unions and CTEs: left as written
	}
	// MySQL wraps a FROM clause's joins in parentheses; a lone parenthesised
	// table expression means the same without them.
	for i, te := range sel.From {
		for {
			p, ok := te.(*sqlparser.ParenTableExpr)
			if !ok || len(p.Exprs) != 1 {
				break
			}
			te = p.Exprs[0]
		}
		sel.From[i] = te
	}
	var from []fromTable
	okFrom := true
	var collect func(te sqlparser.TableExpr)
	collect = func(te sqlparser.TableExpr) {
		switch t := te.(type) {
		case *sqlparser.AliasedTableExpr:
			name, isTable := t.Expr.(sqlparser.TableName)
			if !isTable || !name.Qualifier.IsEmpty() {
				okFrom = false
				return
			}
			cols := lookup(name.Name.String())
			if cols == nil {
				okFrom = false
				return
			}
			ref := name.Name.String()
			if !t.As.IsEmpty() {
				ref = t.As.String()
			}
			has := make(map[string]bool, len(cols))
			for _, c := range cols {
				has[strings.ToLower(c)] = true
			}
			from = append(from, fromTable{ref: ref, cols: cols, has: has})
		case *sqlparser.JoinTableExpr:
			collect(t.LeftExpr)
			collect(t.RightExpr)
		case *sqlparser.ParenTableExpr:
			for _, e := range t.Exprs {
				collect(e)
			}
		default:
			okFrom = false
		}
	}
	for _, te := range sel.From {
		collect(te)
	}
	if !okFrom || len(from) == 0 {
		return
	}
	owner := func(col sqlparser.IdentifierCI) string {
		found := ""
		for _, f := range from {
			if f.has[col.Lowered()] {
				if found != "" {
					return "" // ambiguous: MySQL would refuse the view
				}
				found = f.ref
			}
		}
		return found
	}
	// Expand stars.
	var exprs []sqlparser.SelectExpr
	for _, e := range sel.SelectExprs.Exprs {
		star, isStar := e.(*sqlparser.StarExpr)
		if !isStar {
			exprs = append(exprs, e)
			continue
		}
		matched := false
		for _, f := range from {
			if !star.TableName.IsEmpty() && !strings.EqualFold(star.TableName.Name.String(), f.ref) {
				continue
			}
			matched = true
			for _, c := range f.cols {
				exprs = append(exprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewIdentifierCI(c),
					Qualifier: sqlparser.TableName{Name: sqlparser.NewIdentifierCS(f.ref)}}})
			}
		}
		if !matched {
			exprs = append(exprs, e) // x.* of no table here: left for validation to report
		}
	}
	sel.SelectExprs.Exprs = exprs
	// Qualify column references (not inside subqueries, which have their own FROM).
	qualify := func(node sqlparser.SQLNode) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.Subquery:
				return false, nil
			case *sqlparser.ColName:
				if n.Qualifier.IsEmpty() {
					if ref := owner(n.Name); ref != "" {
						n.Qualifier = sqlparser.TableName{Name: sqlparser.NewIdentifierCS(ref)}
					}
				}
			}
			return true, nil
		}, node)
	}
	// MySQL stores COUNT(*) as count(0), and a function's name in lower case.
	countZero := func(c *sqlparser.Cursor) bool {
		switch n := c.Node().(type) {
		case *sqlparser.CountStar:
			c.Replace(&sqlparser.Count{Args: []sqlparser.Expr{sqlparser.NewIntLiteral("0")}})
		case *sqlparser.FuncExpr:
			if n.Qualifier.IsEmpty() {
				n.Name = sqlparser.NewIdentifierCI(n.Name.Lowered())
			}
		}
		return true
	}
	sel.SelectExprs = sqlparser.Rewrite(sel.SelectExprs, countZero, nil).(*sqlparser.SelectExprs)
	if sel.Having != nil {
		sel.Having = sqlparser.Rewrite(sel.Having, countZero, nil).(*sqlparser.Where)
	}
	// Alias each expression with its name before qualifying (the alias is the
	// column's own name, not the qualified one).
	for _, e := range sel.SelectExprs.Exprs {
		ae, ok := e.(*sqlparser.AliasedExpr)
		if !ok || !ae.As.IsEmpty() {
			continue
		}
		if col, isCol := ae.Expr.(*sqlparser.ColName); isCol {
			ae.As = col.Name
		} else {
			ae.As = sqlparser.NewIdentifierCI(sqlparser.String(ae.Expr))
		}
	}
	for _, e := range sel.SelectExprs.Exprs {
		qualify(e)
	}
	for _, te := range sel.From {
		if j, ok := te.(*sqlparser.JoinTableExpr); ok && j.Condition != nil {
			qualify(j.Condition)
		}
	}
	if sel.Where != nil {
		qualify(sel.Where)
	}
	if sel.GroupBy != nil {
		qualify(sel.GroupBy)
	}
	if sel.Having != nil {
		qualify(sel.Having)
	}
	qualify(sel.OrderBy)
}
