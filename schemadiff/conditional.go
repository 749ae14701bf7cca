package schemadiff

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"
)

// Conditional DDL: migration folders make a change idempotent with dynamic SQL,
//
//	SET @s = IF((SELECT COUNT(*) FROM information_schema.columns
//	             WHERE table_schema = DATABASE() AND table_name = 't' AND column_name = 'c') = 0,
//	            'ALTER TABLE t ADD COLUMN c int', 'SELECT 1');
//	PREPARE st FROM @s; EXECUTE st; DEALLOCATE PREPARE st;
//
// The builder evaluates these against the schema it is building, as the
// server would at that point of the migrations: user variables, IF, CASE,
// CONCAT, comparisons and existence checks over information_schema.tables,
// columns, statistics and table_constraints. The string EXECUTE runs is then
// applied as a statement placed at the string literal it came from (or at the
// SET that computed it). What cannot be evaluated fails loudly at EXECUTE:
// never a schema that silently lacks the change.
//
// A schema name compared with table_schema (a literal, or DATABASE()) is
// taken as the database the migrations run in: a folder migrates one database.

// session is what a migration run's connection remembers between statements.
type session struct {
	vars     map[string]sessValue // by lower-case name, without @
	prepared map[string]sessValue // by lower-case statement name
	// procedures are the stored procedures the statements created whose body
	// changes the schema, by lower-case name: what the change is, and where.
	procedures map[string]procedure
}

type procedure struct {
	change string // "ALTER TABLE", ...
	at     Origin
}

var (
	reProcedureName = regexp.MustCompile("(?is)^\\s*(create|drop)\\b.*?\\bprocedure\\s+(?:if\\s+(?:not\\s+)?exists\\s+)?(?:`?[^`\\s.(]+`?\\s*\\.\\s*)?`?([^`\\s(;]+)`?")
	reCallName      = regexp.MustCompile("(?is)^\\s*call\\s+(?:`?[^`\\s.(]+`?\\s*\\.\\s*)?`?([^`\\s(;]+)`?")
	reBodyDDL       = regexp.MustCompile(`(?is)\b(alter\s+table|create\s+(?:temporary\s+)?table|create\s+(?:unique\s+|fulltext\s+|spatial\s+)?index|create\s+(?:or\s+replace\s+)?view|drop\s+(?:table|index|view)|rename\s+table)\b`)
)

// storedProcedure follows procedures that change the schema: their CALL is a
// blocking error, since ddlbot does not run stored programs and the schema
// would silently miss the change (the "IF NOT EXISTS ... THEN ALTER TABLE"
// procedure some migration folders create, call and drop).
func (b *Builder) storedProcedure(st Statement) {
	if m := reCallName.FindStringSubmatch(st.SQL); m != nil {
		if p, ok := b.sess.procedures[strings.ToLower(m[1])]; ok {
			b.problem(ProblemApply, st, "", nil, "CALL %s runs a stored procedure (created at %s) whose body changes the schema (%s): ddlbot does not run stored procedures, "+
				"so the schema would miss that change; write the change as a statement of the migration instead (migrations run once, in order, so it needs no condition)",
				m[1], p.at, p.change)
		}
		return
	}
	if !strings.HasSuffix(st.What, " PROCEDURE") {
		return
	}
	m := reProcedureName.FindStringSubmatch(st.SQL)
	if m == nil {
		return
	}
	name := strings.ToLower(m[2])
	if strings.EqualFold(m[1], "drop") {
		delete(b.sess.procedures, name)
		return
	}
	if d := reBodyDDL.FindString(st.SQL); d != "" {
		if b.sess.procedures == nil {
			b.sess.procedures = map[string]procedure{}
		}
		b.sess.procedures[name] = procedure{change: strings.ToUpper(strings.Join(strings.Fields(d), " ")), at: st.Origin}
	}
}

// sessValue is the value of a user variable or the text of a prepared
// statement, or why it could not be evaluated.
type sessValue struct {
	v   value
	err error // not nil when the expression is not a form ddlbot evaluates
	// at is where the value's text is: the string literal it was copied from
	// (text exactly as in the file when raw), else the statement that computed it.
	at  Origin
	raw bool
	// stmts are the statements (indexes into Schema.Statements) that built the value.
	stmts []int
}

type valueKind int

const (
	valNull valueKind = iota
	valInt
	valStr
	valDatabase // DATABASE(): the database being migrated
)

type value struct {
	kind valueKind
	n    int64
	s    string
	// lit is the literal the string was copied from, when it is one.
	lit *sqlparser.Literal
}

// errNotEvaluated marks an expression outside the forms ddlbot evaluates.
type errNotEvaluated struct{ what string }

func (e *errNotEvaluated) Error() string { return e.what }

func notEvaluated(format string, args ...any) error {
	return &errNotEvaluated{what: fmt.Sprintf(format, args...)}
}

// conditionalHelp says what ddlbot evaluates and what to write instead.
const conditionalHelp = "ddlbot evaluates IF(...), CASE, CONCAT, string literals and user variables holding them, and COUNT(*)/EXISTS checks on " +
	"information_schema.tables, columns, statistics and table_constraints filtered with =, <>, LIKE, IN, AND and OR; " +
	"rewrite the check in that form, or write the statement itself (ALTER TABLE ...): migrations run once, in order, so it needs no condition"

// conditional handles the session statements of conditional DDL (SET of user
// variables, SELECT ... INTO @var, PREPARE, EXECUTE, DEALLOCATE PREPARE). It
// returns false for statements it does not handle, which then are reported
// as non-schema statements; a SET it handles is reported too until a
// PREPARE uses its variable.
func (b *Builder) conditional(st Statement) (handled bool) {
	defer func() {
		if r := recover(); r != nil {
			b.problem(ProblemApply, st, "", nil, "%s: could not be evaluated (internal error: %v); %s", st.What, r, conditionalHelp)
			handled = true
		}
	}()
	idx := len(b.s.Statements) - 1
	ast := st.AST
	if ast == nil {
		ast = b.reparseSession(st)
	}
	if b.sess.vars == nil {
		b.sess.vars, b.sess.prepared = map[string]sessValue{}, map[string]sessValue{}
	}
	switch s := ast.(type) {
	case *sqlparser.Set:
		for _, e := range s.Exprs {
			if e.Var == nil || e.Var.Scope != sqlparser.VariableScope {
				continue
			}
			b.sess.vars[e.Var.Name.Lowered()] = b.evalSet(st, idx, e.Expr)
		}
		return false
	case *sqlparser.Select:
		if s.Into == nil || s.Into.Type != sqlparser.IntoVariables || len(s.Into.VarList) != 1 {
			return false
		}
		into := s.Into
		s = sqlparser.Clone(s)
		s.Into = nil
		b.sess.vars[into.VarList[0].Name.Lowered()] = b.evalSet(st, idx, &sqlparser.Subquery{Select: s})
		return false
	case *sqlparser.PrepareStmt:
		var v sessValue
		switch e := s.Statement.(type) {
		case *sqlparser.Variable:
			v = b.varValue(e)
			b.consume(v.stmts)
		default:
			v = b.evalSet(st, idx, e)
		}
		v.stmts = append(slices.Clip(v.stmts), idx)
		if v.at.Line == 0 {
			v.at = st.Origin // a variable never set
		}
		if v.err == nil && v.v.kind != valStr {
			v.err = notEvaluated("PREPARE %s FROM %s: the value is %s, not the text of a statement", s.Name.String(), sqlparser.String(s.Statement), v.v.describe())
		}
		b.sess.prepared[s.Name.Lowered()] = v
		b.consume([]int{idx})
		return true
	case *sqlparser.DeallocateStmt:
		delete(b.sess.prepared, s.Name.Lowered())
		b.consume([]int{idx})
		return true
	case *sqlparser.ExecuteStmt:
		b.consume([]int{idx})
		p, ok := b.sess.prepared[s.Name.Lowered()]
		switch {
		case !ok:
			b.problem(ProblemApply, st, "", nil, "EXECUTE %s: no statement %s was prepared before it (PREPARE %s FROM ... must come first, in this migration or an earlier one)",
				s.Name.String(), s.Name.String(), s.Name.String())
		case p.err != nil:
			b.s.Problems = append(b.s.Problems, Problem{Kind: ProblemApply, Origin: p.at, Err: p.err,
				Message: fmt.Sprintf("the statement EXECUTE %s runs (at line %d) is built by SQL in a form ddlbot does not support: %v; %s", s.Name.String(), st.Origin.Line, p.err, conditionalHelp)})
		default:
			b.execute(st, p)
		}
		return true
	}
	if st.AST == nil && reSessionStatement.MatchString(st.SQL) {
		// A PREPARE or EXECUTE the parser cannot read: never skip it quietly.
		b.problem(ProblemApply, st, "", nil, "%s: ddlbot cannot read this statement, so it cannot tell which schema change it makes; %s", st.What, conditionalHelp)
		return true
	}
	return false
}

var reSessionStatement = regexp.MustCompile(`(?is)^\s*(?:prepare|execute|deallocate)\b`)

// reparseSession parses a session statement the parser refused as written:
// "SET @a := 1" (the parser knows only "=" in SET).
func (b *Builder) reparseSession(st Statement) sqlparser.Statement {
	if !hasPrefixFold(strings.TrimSpace(st.SQL), "set") {
		return nil
	}
	toks := tokenize(st.SQL)
	var sb strings.Builder
	last := 0
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].punct == ':' && toks[i+1].punct == '=' && toks[i].end == toks[i+1].start {
			sb.WriteString(st.SQL[last:toks[i].start])
			last = toks[i].end
		}
	}
	if last == 0 {
		return nil
	}
	sb.WriteString(st.SQL[last:])
	ast, err := b.s.env.parser.ParseStrictDDL(sb.String())
	if err != nil {
		return nil
	}
	return ast
}

// consume marks statements as part of conditional DDL: they are no longer
// reported as non-schema statements.
func (b *Builder) consume(stmts []int) {
	for _, i := range stmts {
		st := &b.s.Statements[i]
		if st.Kind == KindConditional {
			continue
		}
		st.Kind = KindConditional
		for k := len(b.s.Problems) - 1; k >= 0; k-- {
			if p := b.s.Problems[k]; p.Kind == ProblemNonSchema && p.Origin == st.Origin {
				b.s.Problems = slices.Delete(b.s.Problems, k, k+1)
				break
			}
		}
	}
}

// execute applies the text of a prepared statement at the place it came from.
func (b *Builder) execute(exec Statement, p sessValue) {
	text := strings.TrimLeft(p.v.s, " \t\r\n")
	lead := len(p.v.s) - len(text)
	text = strings.TrimRight(text, " \t\r\n;")
	c := Chunk{SQL: text, Origin: p.at}
	if p.raw && exec.Source != nil && p.at.File == exec.Source.Name {
		c.Origin = exec.Source.Span(p.at.Offset+lead, p.at.Offset+lead+len(text))
	} else {
		p.raw = false
	}
	st := b.s.env.parseChunk(exec.Source, c)
	if !p.raw && st.Err != nil {
		// The text is not in the file as such: no position inside it means anything.
		st.Err.Origin = p.at
	}
	if st.Kind == KindNonSchema && (st.What == "SELECT" || st.What == "DO" || st.What == "comment") {
		return // the branch that does nothing
	}
	switch st.AST.(type) {
	case *sqlparser.PrepareStmt, *sqlparser.ExecuteStmt, *sqlparser.DeallocateStmt:
		// The server refuses these as prepared statements (and running them here could recurse).
		b.problem(ProblemApply, exec, "", nil, "EXECUTE runs %s, which MySQL cannot run as a prepared statement", st.What)
		return
	}
	b.applyOne(st)
}

// varValue reads a user variable (NULL when never set, as on the server).
func (b *Builder) varValue(v *sqlparser.Variable) sessValue {
	if sv, ok := b.sess.vars[v.Name.Lowered()]; ok {
		return sv
	}
	return sessValue{}
}

// evalSet evaluates the expression of statement idx.
func (b *Builder) evalSet(st Statement, idx int, e sqlparser.Expr) sessValue {
	ev := &evaluator{b: b}
	v, err := ev.eval(e, nil)
	sv := sessValue{v: v, err: err, at: st.Origin, stmts: append(ev.stmts, idx)}
	if err == nil && v.kind == valStr && v.lit != nil {
		if at, raw, ok := literalOrigin(st, v.lit); ok {
			sv.at, sv.raw = at, raw
		}
	}
	if err == nil && v.kind == valStr && v.lit == nil && len(ev.from) == 1 {
		// Copied whole from another variable: keep its place.
		sv.at, sv.raw = ev.from[0].at, ev.from[0].raw
	}
	return sv
}

// literalOrigin finds a string literal in the statement's text: the origin of
// its content, and whether that content is the literal's value byte for byte.
func literalOrigin(st Statement, lit *sqlparser.Literal) (Origin, bool, bool) {
	if st.Source == nil {
		return Origin{}, false, false
	}
	for _, t := range tokenize(st.SQL) {
		if !t.quoted || st.SQL[t.start] == '`' || t.end-t.start < 2 {
			continue
		}
		inner := st.SQL[t.start+1 : t.end-1]
		if unquote(st.SQL[t.start:t.end]) != lit.Val {
			continue
		}
		off := st.Origin.Offset + t.start + 1
		raw := inner == lit.Val
		return st.Source.Span(off, off+len(inner)), raw, true
	}
	return Origin{}, false, false
}

// unquote returns the value of a quoted string literal as the server reads it.
func unquote(q string) string {
	quote := q[0]
	body := q[1 : len(q)-1]
	if !strings.ContainsAny(body, "\\"+string(quote)) {
		return body
	}
	var sb strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body):
			i++
			switch body[i] {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case '0':
				sb.WriteByte(0)
			default:
				sb.WriteByte(body[i])
			}
		case c == quote && i+1 < len(body) && body[i+1] == quote:
			sb.WriteByte(quote)
			i++
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
