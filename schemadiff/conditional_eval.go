package schemadiff

import (
	"regexp"
	"strconv"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// The evaluator of conditional DDL (see conditional.go): expressions over
// user variables and the information_schema tables of the schema being built.

// evaluator evaluates one expression against the schema being built.
type evaluator struct {
	b     *Builder
	stmts []int       // statements of the variables read
	from  []sessValue // variables read
}

// row is one row of an information_schema table, by lower-case column name.
type row map[string]value

func (v value) describe() string {
	switch v.kind {
	case valNull:
		return "NULL"
	case valInt:
		return strconv.FormatInt(v.n, 10)
	case valDatabase:
		return "the database name"
	}
	return strconv.Quote(v.s)
}

func (v value) truth() bool {
	switch v.kind {
	case valInt:
		return v.n != 0
	case valStr:
		n, _ := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
		return n != 0
	case valDatabase:
		return true
	}
	return false
}

func boolValue(b bool) value {
	if b {
		return value{kind: valInt, n: 1}
	}
	return value{kind: valInt}
}

func (v value) text() string {
	if v.kind == valInt {
		return strconv.FormatInt(v.n, 10)
	}
	return v.s
}

// eval evaluates e; r is the current information_schema row (nil outside a query).
func (ev *evaluator) eval(e sqlparser.Expr, r row) (value, error) {
	switch x := e.(type) {
	case *sqlparser.Literal:
		switch x.Type {
		case sqlparser.StrVal:
			return value{kind: valStr, s: x.Val, lit: x}, nil
		case sqlparser.IntVal:
			n, err := strconv.ParseInt(x.Val, 10, 64)
			if err != nil {
				return value{}, notEvaluated("the number %s", x.Val)
			}
			return value{kind: valInt, n: n}, nil
		}
		return value{}, notEvaluated("the literal %s", sqlparser.String(x))
	case *sqlparser.NullVal:
		return value{}, nil
	case sqlparser.BoolVal:
		return boolValue(bool(x)), nil
	case *sqlparser.IntroducerExpr:
		return ev.eval(x.Expr, r)
	case *sqlparser.Variable:
		if x.Scope != sqlparser.VariableScope {
			return value{}, notEvaluated("the server variable %s", sqlparser.String(x))
		}
		sv := ev.b.varValue(x)
		ev.stmts = append(ev.stmts, sv.stmts...)
		ev.from = append(ev.from, sv)
		if sv.err != nil {
			return value{}, sv.err
		}
		return sv.v, nil
	case *sqlparser.ColName:
		if r == nil {
			return value{}, notEvaluated("the column %s outside a query on information_schema", sqlparser.String(x))
		}
		v, ok := r[x.Name.Lowered()]
		if !ok {
			return value{}, notEvaluated("the information_schema column %s", x.Name.String())
		}
		return v, nil
	case *sqlparser.FuncExpr:
		return ev.function(x, r)
	case *sqlparser.CaseExpr:
		var subject value
		if x.Expr != nil {
			v, err := ev.eval(x.Expr, r)
			if err != nil {
				return value{}, err
			}
			subject = v
		}
		for _, w := range x.Whens {
			c, err := ev.eval(w.Cond, r)
			if err != nil {
				return value{}, err
			}
			hit := c.truth()
			if x.Expr != nil {
				hit = compare(subject, c) == 0 && subject.kind != valNull && c.kind != valNull
			}
			if hit {
				return ev.eval(w.Val, r)
			}
		}
		if x.Else == nil {
			return value{}, nil
		}
		return ev.eval(x.Else, r)
	case *sqlparser.ComparisonExpr:
		return ev.comparison(x, r)
	case *sqlparser.AndExpr:
		l, err := ev.eval(x.Left, r)
		if err != nil {
			return value{}, err
		}
		if !l.truth() {
			return boolValue(false), nil
		}
		rv, err := ev.eval(x.Right, r)
		return boolValue(rv.truth()), err
	case *sqlparser.OrExpr:
		l, err := ev.eval(x.Left, r)
		if err != nil {
			return value{}, err
		}
		if l.truth() {
			return boolValue(true), nil
		}
		rv, err := ev.eval(x.Right, r)
		return boolValue(rv.truth()), err
	case *sqlparser.NotExpr:
		v, err := ev.eval(x.Expr, r)
		return boolValue(!v.truth()), err
	case *sqlparser.IsExpr:
		v, err := ev.eval(x.Left, r)
		if err != nil {
			return value{}, err
		}
		switch x.Right {
		case sqlparser.IsNullOp:
			return boolValue(v.kind == valNull), nil
		case sqlparser.IsNotNullOp:
			return boolValue(v.kind != valNull), nil
		case sqlparser.IsTrueOp:
			return boolValue(v.truth()), nil
		case sqlparser.IsNotTrueOp:
			return boolValue(!v.truth()), nil
		case sqlparser.IsFalseOp:
			return boolValue(v.kind != valNull && !v.truth()), nil
		default:
			return boolValue(v.kind == valNull || v.truth()), nil
		}
	case *sqlparser.Subquery:
		rows, sel, err := ev.query(x.Select)
		if err != nil {
			return value{}, err
		}
		return ev.scalar(sel, rows)
	case *sqlparser.ExistsExpr:
		rows, _, err := ev.query(x.Subquery.Select)
		if err != nil {
			return value{}, err
		}
		return boolValue(len(rows) > 0), nil
	}
	return value{}, notEvaluated("%s", sqlparser.String(e))
}

func (ev *evaluator) function(x *sqlparser.FuncExpr, r row) (value, error) {
	args := make([]value, 0, len(x.Exprs))
	name := x.Name.Lowered()
	if name == "if" {
		if len(x.Exprs) != 3 {
			return value{}, notEvaluated("IF with %d arguments", len(x.Exprs))
		}
		c, err := ev.eval(x.Exprs[0], r)
		if err != nil {
			return value{}, err
		}
		if c.truth() {
			return ev.eval(x.Exprs[1], r)
		}
		return ev.eval(x.Exprs[2], r)
	}
	for _, a := range x.Exprs {
		v, err := ev.eval(a, r)
		if err != nil {
			return value{}, err
		}
		args = append(args, v)
	}
	switch name {
	case "database", "schema":
		return value{kind: valDatabase}, nil
	case "concat":
		var sb strings.Builder
		for _, a := range args {
			if a.kind == valNull {
				return value{}, nil
			}
			if a.kind == valDatabase {
				return value{}, notEvaluated("CONCAT with DATABASE() (the database name is not known here)")
			}
			sb.WriteString(a.text())
		}
		v := value{kind: valStr, s: sb.String()}
		if len(args) == 1 {
			v.lit = args[0].lit
		}
		return v, nil
	case "ifnull", "coalesce":
		for _, a := range args {
			if a.kind != valNull {
				return a, nil
			}
		}
		return value{}, nil
	case "lower", "upper":
		if len(args) == 1 && args[0].kind == valStr {
			if name == "lower" {
				return value{kind: valStr, s: strings.ToLower(args[0].s)}, nil
			}
			return value{kind: valStr, s: strings.ToUpper(args[0].s)}, nil
		}
	}
	return value{}, notEvaluated("the function %s", sqlparser.String(x))
}

func (ev *evaluator) comparison(x *sqlparser.ComparisonExpr, r row) (value, error) {
	l, err := ev.eval(x.Left, r)
	if err != nil {
		return value{}, err
	}
	if x.Operator == sqlparser.InOp || x.Operator == sqlparser.NotInOp {
		list, ok := x.Right.(sqlparser.ValTuple)
		if !ok {
			return value{}, notEvaluated("the comparison %s", sqlparser.String(x))
		}
		if l.kind == valNull {
			return value{}, nil
		}
		found := false
		for _, e := range list {
			v, err := ev.eval(e, r)
			if err != nil {
				return value{}, err
			}
			if v.kind != valNull && compare(l, v) == 0 {
				found = true
			}
		}
		return boolValue(found == (x.Operator == sqlparser.InOp)), nil
	}
	rv, err := ev.eval(x.Right, r)
	if err != nil {
		return value{}, err
	}
	if x.Operator == sqlparser.NullSafeEqualOp {
		if l.kind == valNull || rv.kind == valNull {
			return boolValue(l.kind == rv.kind), nil
		}
		return boolValue(compare(l, rv) == 0), nil
	}
	if l.kind == valNull || rv.kind == valNull {
		return value{}, nil
	}
	c := compare(l, rv)
	switch x.Operator {
	case sqlparser.EqualOp:
		return boolValue(c == 0), nil
	case sqlparser.NotEqualOp:
		return boolValue(c != 0), nil
	case sqlparser.LessThanOp:
		return boolValue(c < 0), nil
	case sqlparser.GreaterThanOp:
		return boolValue(c > 0), nil
	case sqlparser.LessEqualOp:
		return boolValue(c <= 0), nil
	case sqlparser.GreaterEqualOp:
		return boolValue(c >= 0), nil
	case sqlparser.LikeOp, sqlparser.NotLikeOp:
		if x.Escape != nil || l.kind != valStr || rv.kind != valStr {
			break
		}
		return boolValue(likeMatch(l.s, rv.s) == (x.Operator == sqlparser.LikeOp)), nil
	}
	return value{}, notEvaluated("the comparison %s", sqlparser.String(x))
}

// likeMatch is LIKE without ESCAPE, without regard to case: % any run, _ one
// character, \ quotes the next one.
func likeMatch(s, pattern string) bool {
	var re strings.Builder
	re.WriteString("(?is)^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '%':
			re.WriteString(".*")
		case c == '_':
			re.WriteString(".")
		case c == '\\' && i+1 < len(pattern):
			i++
			re.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		default:
			re.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	re.WriteString("$")
	m, err := regexp.MatchString(re.String(), s)
	return err == nil && m
}

// compare orders two non-NULL values: numbers as numbers, text without regard
// to case (information_schema's collation); the database name equals any name.
func compare(a, b value) int {
	if a.kind == valDatabase || b.kind == valDatabase {
		return 0
	}
	if a.kind == valInt || b.kind == valInt {
		x, _ := strconv.ParseFloat(strings.TrimSpace(a.text()), 64)
		y, _ := strconv.ParseFloat(strings.TrimSpace(b.text()), 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(strings.ToLower(a.s), strings.ToLower(b.s))
}

// query runs a SELECT on one information_schema table (or on no table) and
// returns the matching rows and the select to evaluate over them.
func (ev *evaluator) query(ts sqlparser.TableStatement) ([]row, *sqlparser.Select, error) {
	sel, ok := ts.(*sqlparser.Select)
	if !ok || sel.GroupBy != nil || sel.Having != nil || sel.With != nil || sel.Into != nil {
		return nil, nil, notEvaluated("the query %s", sqlparser.String(ts))
	}
	from := sel.From
	if len(from) == 1 {
		if at, ok := from[0].(*sqlparser.AliasedTableExpr); ok {
			if tn, ok := at.Expr.(sqlparser.TableName); ok && tn.Name.String() == "dual" && tn.Qualifier.IsEmpty() {
				from = nil
			}
		}
	}
	if len(from) == 0 {
		return []row{{}}, sel, nil
	}
	at, ok := from[0].(*sqlparser.AliasedTableExpr)
	var tn sqlparser.TableName
	if ok {
		tn, ok = at.Expr.(sqlparser.TableName)
	}
	if !ok || len(from) != 1 || !strings.EqualFold(tn.Qualifier.String(), "information_schema") {
		return nil, nil, notEvaluated("the query %s (only one information_schema table is read)", sqlparser.String(ts))
	}
	var where sqlparser.Expr
	if sel.Where != nil {
		where = sel.Where.Expr
	}
	candidates, err := ev.b.infoSchemaRows(strings.ToLower(tn.Name.String()), ev.tableFilter(where))
	if err != nil {
		return nil, nil, err
	}
	var out []row
	for _, r := range candidates {
		if where != nil {
			v, err := ev.eval(where, r)
			if err != nil {
				return nil, nil, err
			}
			if !v.truth() {
				continue
			}
		}
		out = append(out, r)
	}
	return out, sel, nil
}

// tableFilter returns the table name a WHERE of ANDed terms requires with
// table_name = '...', so only that table's rows are made ("" for any table).
func (ev *evaluator) tableFilter(where sqlparser.Expr) string {
	switch x := where.(type) {
	case *sqlparser.AndExpr:
		if t := ev.tableFilter(x.Left); t != "" {
			return t
		}
		return ev.tableFilter(x.Right)
	case *sqlparser.ComparisonExpr:
		if x.Operator != sqlparser.EqualOp {
			return ""
		}
		col, other := x.Left, x.Right
		if _, ok := col.(*sqlparser.ColName); !ok {
			col, other = other, col
		}
		if c, ok := col.(*sqlparser.ColName); ok && c.Name.Lowered() == "table_name" {
			probe := &evaluator{b: ev.b}
			if v, err := probe.eval(other, nil); err == nil && v.kind == valStr {
				return v.s
			}
		}
	}
	return ""
}

// scalar evaluates the single select expression over the rows: aggregates
// (COUNT) over all of them, anything else over the first (NULL without rows).
func (ev *evaluator) scalar(sel *sqlparser.Select, rows []row) (value, error) {
	if sel.SelectExprs == nil || len(sel.SelectExprs.Exprs) != 1 {
		return value{}, notEvaluated("a query that does not select exactly one value")
	}
	ae, ok := sel.SelectExprs.Exprs[0].(*sqlparser.AliasedExpr)
	if !ok {
		return value{}, notEvaluated("SELECT * as a value")
	}
	expr := ae.Expr
	agg := false
	var aggErr error
	expr = sqlparser.Rewrite(sqlparser.Clone(expr), func(c *sqlparser.Cursor) bool {
		switch n := c.Node().(type) {
		case *sqlparser.CountStar:
			agg = true
			c.Replace(sqlparser.NewIntLiteral(strconv.Itoa(len(rows))))
		case *sqlparser.Count:
			agg = true
			if n.Distinct {
				aggErr = notEvaluated("COUNT(DISTINCT ...)")
			}
			c.Replace(sqlparser.NewIntLiteral(strconv.Itoa(len(rows))))
		case sqlparser.AggrFunc:
			aggErr = notEvaluated("the aggregate %s", sqlparser.String(n))
		}
		return true
	}, nil).(sqlparser.Expr)
	if aggErr != nil {
		return value{}, aggErr
	}
	if agg {
		return ev.eval(expr, row{})
	}
	if len(rows) == 0 {
		return value{}, nil
	}
	return ev.eval(expr, rows[0])
}

// infoSchemaRows makes the rows of information_schema.<name> from the schema
// being built (only table's, when table is not "").
func (b *Builder) infoSchemaRows(name, table string) ([]row, error) {
	db := value{kind: valDatabase}
	str := func(s string) value { return value{kind: valStr, s: s} }
	names := b.s.order
	if table != "" {
		names = nil
		if _, ok := b.s.entities[table]; ok {
			names = []string{table}
		}
	}
	var out []row
	for _, n := range names {
		ent := b.s.entities[n]
		t, isTable := ent.(*vsd.CreateTableEntity)
		base := func() row {
			return row{"table_schema": db, "table_catalog": str("def"), "table_name": str(n)}
		}
		switch name {
		case "tables":
			r := base()
			r["table_type"] = str("BASE TABLE")
			if !isTable {
				r["table_type"] = str("VIEW")
			}
			out = append(out, r)
		case "views":
			if !isTable {
				out = append(out, base())
			}
		case "columns":
			if !isTable {
				continue
			}
			for i, c := range t.TableSpec.Columns {
				r := base()
				r["column_name"] = str(c.Name.String())
				r["ordinal_position"] = value{kind: valInt, n: int64(i + 1)}
				r["data_type"] = str(strings.ToLower(c.Type.Type))
				nullable := "YES"
				if c.Type.Options != nil && c.Type.Options.Null != nil && !*c.Type.Options.Null {
					nullable = "NO"
				}
				r["is_nullable"] = str(nullable)
				out = append(out, r)
			}
		case "statistics":
			if !isTable {
				continue
			}
			for _, idx := range t.TableSpec.Indexes {
				iname := idx.Info.Name.String()
				if idx.Info.Type == sqlparser.IndexTypePrimary {
					iname = "PRIMARY"
				}
				unique := idx.Info.Type == sqlparser.IndexTypePrimary || idx.Info.Type == sqlparser.IndexTypeUnique
				for k, ic := range idx.Columns {
					r := base()
					r["index_schema"] = db
					r["index_name"] = str(iname)
					r["column_name"] = str(ic.Column.String())
					r["seq_in_index"] = value{kind: valInt, n: int64(k + 1)}
					r["non_unique"] = boolValue(!unique)
					out = append(out, r)
				}
			}
		case "table_constraints":
			if !isTable {
				continue
			}
			add := func(cname, ctype string) {
				r := base()
				r["constraint_schema"] = db
				r["constraint_name"] = str(cname)
				r["constraint_type"] = str(ctype)
				out = append(out, r)
			}
			for _, idx := range t.TableSpec.Indexes {
				switch idx.Info.Type {
				case sqlparser.IndexTypePrimary:
					add("PRIMARY", "PRIMARY KEY")
				case sqlparser.IndexTypeUnique:
					add(idx.Info.Name.String(), "UNIQUE")
				}
			}
			for _, c := range t.TableSpec.Constraints {
				switch c.Details.(type) {
				case *sqlparser.ForeignKeyDefinition:
					add(c.Name.String(), "FOREIGN KEY")
				case *sqlparser.CheckConstraintDefinition:
					add(c.Name.String(), "CHECK")
				}
			}
		default:
			return nil, notEvaluated("information_schema.%s (ddlbot models tables, views, columns, statistics and table_constraints)", name)
		}
	}
	return out, nil
}
