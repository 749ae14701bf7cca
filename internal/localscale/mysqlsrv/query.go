package mysqlsrv

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"vitess.io/vitess/go/mysql/collations"
	"vitess.io/vitess/go/mysql/sqlerror"
	"vitess.io/vitess/go/sqltypes"
	querypb "vitess.io/vitess/go/vt/proto/query"
	"vitess.io/vitess/go/vt/sqlparser"
)

// selectNoTable answers a SELECT without tables: literals, variables and a few functions.
func (q *queryRun) selectNoTable(sel *sqlparser.Select) (*sqltypes.Result, error) {
	if !fromDual(sel.From) {
		return nil, errUnsupported("SELECT ... FROM a table")
	}
	if sel.Where != nil || sel.GroupBy != nil || sel.Having != nil || len(sel.OrderBy) > 0 || sel.Into != nil || sel.With != nil {
		return nil, errUnsupported("SELECT with WHERE, GROUP BY, HAVING, ORDER BY, INTO or WITH")
	}
	if sel.SelectExprs == nil || len(sel.SelectExprs.Exprs) == 0 {
		return nil, errUnsupported("SELECT without expressions")
	}
	res := &sqltypes.Result{}
	row := make([]sqltypes.Value, 0, len(sel.SelectExprs.Exprs))
	for _, se := range sel.SelectExprs.Exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, errUnsupported("SELECT " + sqlparser.String(se))
		}
		v, err := q.eval(ae.Expr)
		if err != nil {
			return nil, err
		}
		name := ae.As.String()
		if name == "" {
			name = exprColumnName(ae.Expr)
		}
		res.Fields = append(res.Fields, field(name, v.Type()))
		row = append(row, v)
	}
	if sel.Limit != nil {
		if n, ok := sel.Limit.Rowcount.(*sqlparser.Literal); ok && n.Type == sqlparser.IntVal && n.Val == "0" {
			return res, nil
		}
	}
	res.Rows = [][]sqltypes.Value{row}
	return res, nil
}

// fromDual reports whether a FROM clause is absent or just DUAL.
func fromDual(from []sqlparser.TableExpr) bool {
	if len(from) == 0 {
		return true
	}
	if len(from) != 1 {
		return false
	}
	ate, ok := from[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return false
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	return ok && tn.Qualifier.IsEmpty() && strings.EqualFold(tn.Name.String(), "dual")
}

// exprColumnName is the column name MySQL would print for an unaliased expression, near enough:
// a string literal's value, otherwise the expression's text.
func exprColumnName(e sqlparser.Expr) string {
	if lit, ok := e.(*sqlparser.Literal); ok && lit.Type == sqlparser.StrVal {
		return lit.Val
	}
	return sqlparser.String(e)
}

// eval evaluates the expressions a client asks a server about itself.
func (q *queryRun) eval(e sqlparser.Expr) (sqltypes.Value, error) {
	switch x := e.(type) {
	case *sqlparser.Literal:
		return literal(x)
	case *sqlparser.NullVal:
		return sqltypes.NULL, nil
	case sqlparser.BoolVal:
		if x {
			return sqltypes.NewInt64(1), nil
		}
		return sqltypes.NewInt64(0), nil
	case *sqlparser.UnaryExpr:
		if lit, ok := x.Expr.(*sqlparser.Literal); ok && x.Operator == sqlparser.UMinusOp &&
			(lit.Type == sqlparser.IntVal || lit.Type == sqlparser.DecimalVal || lit.Type == sqlparser.FloatVal) {
			return literal(&sqlparser.Literal{Type: lit.Type, Val: "-" + lit.Val})
		}
	case *sqlparser.Variable:
		if x.Scope == sqlparser.VariableScope {
			return sqltypes.NULL, nil // user variables are never set: SET has no effect
		}
		return q.sysVar(x.Name.Lowered())
	case *sqlparser.FuncExpr:
		if !x.Qualifier.IsEmpty() || len(x.Exprs) > 0 {
			break
		}
		switch x.Name.Lowered() {
		case "database", "schema":
			return sqltypes.NewVarChar(q.sess.Database()), nil
		case "version":
			return sqltypes.NewVarChar(q.h.version), nil
		case "connection_id":
			return sqltypes.NewUint64(uint64(q.c.ConnectionID)), nil
		case "user", "session_user", "system_user":
			return sqltypes.NewVarChar(q.user + "@" + q.clientHost()), nil
		case "current_user":
			return sqltypes.NewVarChar(q.user + "@%"), nil
		}
	}
	return sqltypes.Value{}, errUnsupported("SELECT " + clip(sqlparser.String(e), 60))
}

func (q *queryRun) clientHost() string {
	if h, _, err := net.SplitHostPort(q.c.RemoteAddr().String()); err == nil {
		return h
	}
	return "localhost"
}

func literal(l *sqlparser.Literal) (sqltypes.Value, error) {
	switch l.Type {
	case sqlparser.StrVal:
		return sqltypes.NewVarChar(l.Val), nil
	case sqlparser.IntVal:
		if n, err := strconv.ParseInt(l.Val, 10, 64); err == nil {
			return sqltypes.NewInt64(n), nil
		}
		if n, err := strconv.ParseUint(l.Val, 10, 64); err == nil {
			return sqltypes.NewUint64(n), nil
		}
		return sqltypes.NewDecimal(l.Val), nil
	case sqlparser.DecimalVal:
		return sqltypes.NewDecimal(l.Val), nil
	case sqlparser.FloatVal:
		f, err := strconv.ParseFloat(l.Val, 64)
		if err != nil {
			break
		}
		return sqltypes.NewFloat64(f), nil
	}
	return sqltypes.Value{}, errUnsupported("SELECT " + clip(sqlparser.String(l), 60))
}

// field describes a result column of type t.
func field(name string, t querypb.Type) *querypb.Field {
	f := &querypb.Field{Name: name, Type: t, Charset: uint32(collations.CollationBinaryID)}
	switch t {
	case querypb.Type_VARCHAR, querypb.Type_TEXT:
		f.Charset = uint32(collations.CollationUtf8mb4ID)
		f.ColumnLength = 1024
	case querypb.Type_INT64, querypb.Type_UINT64:
		f.ColumnLength = 21
		f.Flags = uint32(querypb.MySqlFlag_BINARY_FLAG | querypb.MySqlFlag_NUM_FLAG)
		if t == querypb.Type_UINT64 {
			f.Flags |= uint32(querypb.MySqlFlag_UNSIGNED_FLAG)
		}
	}
	return f
}

// textResult is a result of VARCHAR columns.
func textResult(columns []string, rows [][]string) *sqltypes.Result {
	res := &sqltypes.Result{}
	for _, c := range columns {
		res.Fields = append(res.Fields, field(c, querypb.Type_VARCHAR))
	}
	for _, r := range rows {
		row := make([]sqltypes.Value, len(r))
		for i, s := range r {
			row[i] = sqltypes.NewVarChar(s)
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

func (q *queryRun) show(s *sqlparser.Show) (*sqltypes.Result, error) {
	switch in := s.Internal.(type) {
	case *sqlparser.ShowBasic:
		switch in.Command {
		case sqlparser.Table:
			return q.showTables(in)
		case sqlparser.Database:
			return q.showDatabases(in)
		case sqlparser.VariableGlobal, sqlparser.VariableSession:
			return q.showVariables(in)
		case sqlparser.Warnings:
			return textResult([]string{"Level", "Code", "Message"}, nil), nil
		}
	case *sqlparser.ShowCreate:
		switch in.Command {
		case sqlparser.CreateTbl:
			return q.showCreate(in.Op, false)
		case sqlparser.CreateV:
			return q.showCreate(in.Op, true)
		}
	}
	return nil, errUnsupported(statementName(s))
}

// likeFilter returns the LIKE pattern of a SHOW filter, or an error for a WHERE filter.
func likeFilter(f *sqlparser.ShowFilter) (pattern string, ok bool, err error) {
	if f == nil {
		return "", false, nil
	}
	if f.Filter != nil {
		return "", false, errUnsupported("SHOW ... WHERE")
	}
	return f.Like, true, nil
}

func (q *queryRun) showTables(in *sqlparser.ShowBasic) (*sqltypes.Result, error) {
	db := q.sess.Database()
	if name := in.DbName.String(); name != "" && name != db {
		return nil, errUnknownDatabase(name)
	}
	pattern, filtered, err := likeFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	objs, err := q.sess.Tables(q.ctx())
	if err != nil {
		return nil, backendError(err, "", q.ctx())
	}
	objs = slices.Clone(objs)
	slices.SortStableFunc(objs, func(a, b Object) int { return strings.Compare(a.Name, b.Name) })
	column := "Tables_in_" + db
	if filtered {
		column += " (" + pattern + ")"
	}
	columns := []string{column}
	if in.Full {
		columns = append(columns, "Table_type")
	}
	var rows [][]string
	for _, o := range objs {
		if filtered && !like(pattern, o.Name, false) {
			continue
		}
		row := []string{o.Name}
		if in.Full {
			typ := "BASE TABLE"
			if o.Kind == KindView {
				typ = "VIEW"
			}
			row = append(row, typ)
		}
		rows = append(rows, row)
	}
	return textResult(columns, rows), nil
}

func (q *queryRun) showDatabases(in *sqlparser.ShowBasic) (*sqltypes.Result, error) {
	pattern, filtered, err := likeFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	column := "Database"
	var rows [][]string
	if db := q.sess.Database(); !filtered || like(pattern, db, false) {
		rows = append(rows, []string{db})
	}
	if filtered {
		column += " (" + pattern + ")"
	}
	return textResult([]string{column}, rows), nil
}

func (q *queryRun) showVariables(in *sqlparser.ShowBasic) (*sqltypes.Result, error) {
	pattern, filtered, err := likeFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for _, name := range sysVarNames {
		if filtered && !like(pattern, name, true) {
			continue
		}
		v, err := q.sysVar(name)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []string{name, v.ToString()})
	}
	return textResult([]string{"Variable_name", "Value"}, rows), nil
}

func (q *queryRun) showCreate(name sqlparser.TableName, wantView bool) (*sqltypes.Result, error) {
	db := q.sess.Database()
	if qual := name.Qualifier.String(); qual != "" && qual != db {
		return nil, errUnknownDatabase(qual)
	}
	table := name.Name.String()
	kind, create, err := q.sess.ShowCreate(q.ctx(), table)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, NoSuchTable(db, table).vitess()
		}
		return nil, backendError(err, "", q.ctx())
	}
	switch kind {
	case KindTable:
		if wantView {
			return nil, sqlerror.NewSQLErrorf(1347, sqlerror.SSUnknownSQLState, "'%s.%s' is not VIEW", db, table)
		}
		return textResult([]string{"Table", "Create Table"}, [][]string{{table, create}}), nil
	case KindView:
		return textResult([]string{"View", "Create View", "character_set_client", "collation_connection"},
			[][]string{{table, create, "utf8mb4", "utf8mb4_0900_ai_ci"}}), nil
	}
	return nil, sqlerror.NewSQLError(sqlerror.ERUnknownError, sqlerror.SSUnknownSQLState,
		fmt.Sprintf("localscale internal error: %q has unknown kind %q", table, kind))
}

// like reports whether s matches the SQL LIKE pattern (% any run, _ one character, \ escapes).
func like(pattern, s string, foldCase bool) bool {
	if foldCase {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, t := []rune(pattern), []rune(s)
	// Iterative matching with backtracking to the last %.
	pi, ti := 0, 0
	starP, starT := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '%':
				starP, starT = pi, ti
				pi++
				continue
			case c == '\\' && pi+1 < len(p):
				if p[pi+1] == t[ti] {
					pi, ti = pi+2, ti+1
					continue
				}
			case c == '_' || c == t[ti]:
				pi++
				ti++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		pi, ti = starP+1, starT
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}
