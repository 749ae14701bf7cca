package schemadiff

import (
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
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

// fromTable is a table of a view's FROM clause: its name in the query
// (alias or table name) and its definition.
type fromTable struct {
	ref   string
	table *vsd.CreateTableEntity
}

// normalizeViewSelect rewrites a view's SELECT as MySQL stores it. lookup
// returns the tables the view reads (nil for unknown ones: then the view is
// left as written, and validation reports the unknown table).
func normalizeViewSelect(v *sqlparser.CreateView, lookup func(string) *vsd.CreateTableEntity) {
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
			tbl := lookup(name.Name.String())
			if tbl == nil {
				okFrom = false
				return
			}
			ref := name.Name.String()
			if !t.As.IsEmpty() {
				ref = t.As.String()
			}
			from = append(from, fromTable{ref: ref, table: tbl})
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
			if _, ok := f.table.ColumnDefinitionEntitiesMap()[col.Lowered()]; ok {
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
			for _, c := range f.table.ColumnDefinitionEntities() {
				exprs = append(exprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewIdentifierCI(c.Name()),
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
	// MySQL stores COUNT(*) as count(0).
	countZero := func(c *sqlparser.Cursor) bool {
		if _, ok := c.Node().(*sqlparser.CountStar); ok {
			c.Replace(&sqlparser.Count{Args: []sqlparser.Expr{sqlparser.NewIntLiteral("0")}})
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
