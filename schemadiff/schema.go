package schemadiff

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// ProblemKind says what kind of problem the loader met.
type ProblemKind string

// Problem kinds. Syntax, apply and invalid-schema problems stop a schema from
// loading; non-schema and unsupported statements are reported and skipped.
const (
	ProblemSyntax        ProblemKind = "syntax"
	ProblemNonSchema     ProblemKind = "non-schema"
	ProblemUnsupported   ProblemKind = "unsupported"
	ProblemApply         ProblemKind = "apply"
	ProblemInvalidSchema ProblemKind = "invalid-schema"
)

// Problem is something in the input the loader could not (or would not) turn
// into schema, at the place that causes it.
type Problem struct {
	Kind    ProblemKind
	Origin  Origin
	Message string
	// Entity is the table or view concerned, when known.
	Entity string
	// Err is the typed cause (a *SyntaxError or one of Vitess' schemadiff errors), when there is one.
	Err error
}

func (p Problem) String() string { return p.Origin.String() + ": " + p.Message }

// Blocking reports whether the problem keeps the schema from loading.
func (p Problem) Blocking() bool {
	return p.Kind != ProblemNonSchema && p.Kind != ProblemUnsupported
}

// LoadError lists the blocking problems of a load, in source order.
type LoadError struct{ Problems []Problem }

func (e *LoadError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Schema is a set of tables and views with the place each was defined.
type Schema struct {
	env      *Env
	vitess   *vsd.Schema // nil when the entities do not form a valid schema
	order    []string
	entities map[string]vsd.Entity
	defined  map[string]Origin // where each entity was created
	changed  map[string]Origin // where each entity was last changed
	dropped  map[string]Origin // where each dropped (or renamed-away) entity went
	// unparsed holds the (lower-cased) tables whose CREATE TABLE did not
	// parse: what later statements fail on because of them is not reported
	// again, the syntax error says it all.
	unparsed map[string]Origin
	// declared holds, per table, the index names the statements wrote out,
	// as opposed to the ones created for foreign keys (see dropSupersededFKIndexes).
	declared map[string]map[string]bool
	// Statements holds every statement read, in apply order.
	Statements []Statement
	// Problems holds every problem met, blocking or not, in apply order.
	Problems []Problem
}

// Env returns the environment the schema was built in.
func (s *Schema) Env() *Env { return s.env }

// Vitess returns the validated Vitess schema, or nil when the schema has
// blocking problems.
func (s *Schema) Vitess() *vsd.Schema { return s.vitess }

// Names returns the entity names in definition order.
func (s *Schema) Names() []string { return append([]string(nil), s.order...) }

// Table returns a table by name (nil when absent).
func (s *Schema) Table(name string) *vsd.CreateTableEntity {
	t, _ := s.entities[name].(*vsd.CreateTableEntity)
	return t
}

// View returns a view by name (nil when absent).
func (s *Schema) View(name string) *vsd.CreateViewEntity {
	v, _ := s.entities[name].(*vsd.CreateViewEntity)
	return v
}

// Tables returns the tables in definition order.
func (s *Schema) Tables() []*vsd.CreateTableEntity { return ofType[*vsd.CreateTableEntity](s.all()) }

// Views returns the views in definition order.
func (s *Schema) Views() []*vsd.CreateViewEntity { return ofType[*vsd.CreateViewEntity](s.all()) }

// all yields the entities in definition order.
func (s *Schema) all() iter.Seq[vsd.Entity] {
	return func(yield func(vsd.Entity) bool) {
		for _, n := range s.order {
			if !yield(s.entities[n]) {
				return
			}
		}
	}
}

// ofType returns the entities of type E in seq, in order.
func ofType[E vsd.Entity](seq iter.Seq[vsd.Entity]) []E {
	var out []E
	for e := range seq {
		if x, ok := e.(E); ok {
			out = append(out, x)
		}
	}
	return out
}

// DefinedAt returns where an entity was created (ok false when unknown, e.g.
// for a schema read from a branch).
func (s *Schema) DefinedAt(name string) (Origin, bool) {
	o, ok := s.defined[name]
	return o, ok
}

// ChangedAt returns where an entity was last created or altered.
func (s *Schema) ChangedAt(name string) (Origin, bool) {
	o, ok := s.changed[name]
	return o, ok
}

// CreateStatements returns the canonical CREATE statement of every entity,
// tables first, in an order that can be applied (as a branch's schema endpoint does).
func (s *Schema) CreateStatements() []string {
	if s.vitess != nil {
		return s.vitess.ToQueries()
	}
	var out []string
	for _, n := range s.order {
		out = append(out, sqlparser.CanonicalString(s.entities[n].Create().Statement()))
	}
	return out
}

// DroppedAt returns where a table or view that the statements dropped (or
// renamed away) was dropped.
func (s *Schema) DroppedAt(name string) (Origin, bool) {
	o, ok := s.dropped[name]
	return o, ok
}

// BlockingProblems returns the problems that keep the schema from loading.
func (s *Schema) BlockingProblems() []Problem {
	var out []Problem
	for _, p := range s.Problems {
		if p.Blocking() {
			out = append(out, p)
		}
	}
	return out
}

func (s *Schema) err() error {
	if ps := s.BlockingProblems(); len(ps) > 0 {
		return &LoadError{Problems: ps}
	}
	return nil
}

// Builder applies statements one at a time to build a schema in memory.
type Builder struct {
	s    *Schema
	sess session // user variables, prepared statements and procedures of conditional DDL
}

// NewBuilder starts an empty schema.
func (e *Env) NewBuilder() *Builder {
	return &Builder{s: &Schema{env: e, entities: map[string]vsd.Entity{}, defined: map[string]Origin{}, changed: map[string]Origin{}, dropped: map[string]Origin{}, declared: map[string]map[string]bool{}}}
}

// NewBuilderFrom starts from a copy of an existing schema's entities.
func (e *Env) NewBuilderFrom(base *Schema) *Builder {
	b := e.NewBuilder()
	for _, n := range base.order {
		b.s.order = append(b.s.order, n)
		b.s.entities[n] = base.entities[n]
		if o, ok := base.defined[n]; ok {
			b.s.defined[n] = o
		}
		if o, ok := base.changed[n]; ok {
			b.s.changed[n] = o
		}
		if m := base.declared[n]; m != nil {
			c := map[string]bool{}
			for k := range m {
				c[k] = true
			}
			b.s.declared[n] = c
		}
	}
	return b
}

// Apply applies parsed statements in order. Problems are recorded, never
// returned: the builder goes on so that one run reports everything it can.
func (b *Builder) Apply(stmts []Statement) {
	for _, st := range stmts {
		b.applyOne(st)
	}
}

func (b *Builder) problem(kind ProblemKind, st Statement, entity string, err error, format string, args ...any) {
	b.s.Problems = append(b.s.Problems, Problem{Kind: kind, Origin: st.Origin, Entity: entity, Err: err, Message: fmt.Sprintf(format, args...)})
}

func (b *Builder) applyOne(st Statement) {
	idx := len(b.s.Statements)
	b.s.Statements = append(b.s.Statements, st)
	switch st.Kind {
	case KindInvalid:
		b.s.Problems = append(b.s.Problems, Problem{Kind: ProblemSyntax, Origin: st.Err.Origin, Message: st.Err.Text(strconv.Quote), Err: st.Err})
		if m := reCreateTableName.FindStringSubmatch(st.SQL); m != nil {
			if b.s.unparsed == nil {
				b.s.unparsed = map[string]Origin{}
			}
			b.s.unparsed[strings.ToLower(unquoteIdent(m[1]))] = st.Origin
		}
		return
	case KindNonSchema:
		if st.What == "comment" || b.conditional(st) {
			return
		}
		b.problem(ProblemNonSchema, st, "", nil, "%s is not a schema statement: it is not applied to the schema", st.What)
		return
	case KindUnsupported:
		if file, ok := st.ClientCommand(); ok {
			b.problem(ProblemUnsupported, st, "", nil, "%q is a mysql client command: ddlbot does not follow it, so the statements of %s are not part of the schema", st.What, file)
			return
		}
		b.problem(ProblemUnsupported, st, "", nil, "%s is not supported by PlanetScale: it is not applied to the schema", st.What)
		b.storedProcedure(st)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			b.problem(ProblemApply, st, "", nil, "%s: could not be applied (internal error in schema engine: %v)", st.What, r)
		}
	}()
	if b.s.env.lean {
		// applyAST may use (and change) the tree instead of a copy.
		defer func() { b.s.Statements[idx].AST = nil }()
	}
	if err := b.applyAST(st); err != nil {
		if b.cascade(err) {
			return
		}
		b.problem(ProblemApply, st, entityOf(err), err, "%s: %s", st.What, describeVitessError(err))
	}
}

// own returns a statement's tree for applyAST to change: a copy, unless the
// environment is lean and the statement gives its tree up (see Env.Lean).
func own[T sqlparser.SQLNode](b *Builder, n T) T {
	if b.s.env.lean {
		return n
	}
	return sqlparser.Clone(n)
}

// reCreateTableName finds the table of a CREATE TABLE that did not parse.
var reCreateTableName = regexp.MustCompile("(?is)^\\s*create\\s+(?:temporary\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?(?:(?:`(?:[^`]|``)+`|\\w+)\\s*\\.\\s*)?(`(?:[^`]|``)+`|\\w+)")

func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return strings.ReplaceAll(s[1:len(s)-1], "``", "`")
	}
	return s
}

// cascade reports whether err only follows from a CREATE TABLE that did not
// parse (the table is missing, or a foreign key references it).
func (b *Builder) cascade(err error) bool {
	if len(b.s.unparsed) == 0 {
		return false
	}
	var missing *vsd.ApplyTableNotFoundError
	if errors.As(err, &missing) {
		_, ok := b.s.unparsed[strings.ToLower(missing.Table)]
		return ok
	}
	var fk *vsd.ForeignKeyNonexistentReferencedTableError
	if errors.As(err, &fk) {
		_, ok := b.s.unparsed[strings.ToLower(fk.ReferencedTable)]
		return ok
	}
	return false
}

func (b *Builder) put(name string, e vsd.Entity, at Origin, create bool) {
	if t, ok := e.(*vsd.CreateTableEntity); ok {
		if nt, err := b.dropSupersededFKIndexes(t, b.s.declared[name]); err == nil {
			t = nt
		}
		if nt, err := b.normalizeTable(t); err == nil {
			t = nt
		}
		e = t
	}
	delete(b.s.dropped, name)
	if _, ok := b.s.entities[name]; !ok {
		b.s.order = append(b.s.order, name)
	}
	b.s.entities[name] = e
	if create {
		b.s.defined[name] = at
	}
	b.s.changed[name] = at
}

// declare records the index names a statement writes out for a table.
func (b *Builder) declare(table string, stmt sqlparser.Statement) {
	names := declaredIndexes(stmt)
	if len(names) == 0 {
		return
	}
	m := b.s.declared[table]
	if m == nil {
		m = map[string]bool{}
		b.s.declared[table] = m
	}
	for _, n := range names {
		m[n] = true
	}
}

func (b *Builder) remove(name string) {
	delete(b.s.declared, name)
	delete(b.s.entities, name)
	delete(b.s.defined, name)
	delete(b.s.changed, name)
	for i, n := range b.s.order {
		if n == name {
			b.s.order = append(b.s.order[:i:i], b.s.order[i+1:]...)
			break
		}
	}
}

// drop applies DROP TABLE (views false) or DROP VIEW (views true) of names,
// in order. A name the schema holds no such entity of is an error, or with
// IF EXISTS skipped.
func (b *Builder) drop(names sqlparser.TableNames, views, ifExists bool, at Origin) error {
	for _, tn := range names {
		name := tn.Name.String()
		var missing error
		switch {
		case views && b.s.View(name) == nil:
			missing = &vsd.ApplyViewNotFoundError{View: name}
		case !views && b.s.Table(name) == nil:
			missing = &vsd.ApplyTableNotFoundError{Table: name}
		}
		if missing != nil {
			if ifExists {
				continue
			}
			return missing
		}
		b.remove(name)
		b.s.dropped[name] = at
	}
	return nil
}

func (b *Builder) applyAST(st Statement) error {
	env := b.s.env.vitess
	switch s := st.AST.(type) {
	case *sqlparser.CreateTable:
		name := s.Table.Name.String()
		if _, ok := b.s.entities[name]; ok {
			if s.IfNotExists {
				return nil
			}
			return b.duplicate(name)
		}
		s = own(b, s)
		s.Table.Qualifier = sqlparser.NewIdentifierCS("")
		if s.OptLike != nil {
			src := b.s.Table(s.OptLike.LikeTable.Name.String())
			if src == nil {
				return &vsd.ApplyTableNotFoundError{Table: s.OptLike.LikeTable.Name.String()}
			}
			s = sqlparser.Clone(src.CreateTable)
			s.Table.Name = sqlparser.NewIdentifierCS(name)
		}
		booleanColumns(s)
		b.canonicalCreate(s)
		// Before the entity: Vitess normalises the statement in place (adding foreign key indexes).
		b.declare(name, s)
		t, err := vsd.NewCreateTableEntity(env, s)
		if err != nil {
			return err
		}
		b.put(name, t, st.Origin, true)
	case *sqlparser.AlterTable:
		name := s.Table.Name.String()
		t := b.s.Table(name)
		if t == nil {
			if b.s.View(name) != nil {
				return fmt.Errorf("%s is a view, not a table", name)
			}
			return &vsd.ApplyTableNotFoundError{Table: name}
		}
		s = own(b, s)
		s.Table.Qualifier = sqlparser.NewIdentifierCS("")
		b.canonicalAlter(t, s)
		newName := name
		var opts []sqlparser.AlterOption
		for _, o := range s.AlterOptions {
			if r, ok := o.(*sqlparser.RenameTableName); ok {
				newName = r.Table.Name.String()
				continue
			}
			opts = append(opts, o)
		}
		s.AlterOptions = opts
		booleanColumns(s)
		b.declare(name, s)
		nt, others, err := b.applyAlterTable(t, s, opts)
		if err != nil {
			return err
		}
		if nt, err = b.recanonical(nt, opts); err != nil {
			return err
		}
		for other, ot := range others {
			b.put(other, ot, st.Origin, false)
		}
		var e vsd.Entity = nt
		if newName != name {
			return b.rename(name, newName, st.Origin, e)
		}
		b.put(name, e, st.Origin, false)
	case *sqlparser.DropTable:
		return b.drop(s.FromTables, false, s.IfExists, st.Origin)
	case *sqlparser.RenameTable:
		for _, p := range s.TablePairs {
			from, to := p.FromTable.Name.String(), p.ToTable.Name.String()
			t := b.s.Table(from)
			if t == nil {
				return &vsd.ApplyTableNotFoundError{Table: from}
			}
			if err := b.rename(from, to, st.Origin, t); err != nil {
				return err
			}
		}
	case *sqlparser.CreateView:
		name := s.ViewName.Name.String()
		if _, ok := b.s.entities[name]; ok && !s.IsReplace {
			return b.duplicate(name)
		}
		if b.s.Table(name) != nil {
			return b.duplicate(name)
		}
		s = own(b, s)
		s.ViewName.Qualifier = sqlparser.NewIdentifierCS("")
		s.IsReplace = false
		normalizeView(s)
		normalizeViewSelect(s, b.s.relationColumns)
		v, err := vsd.NewCreateViewEntity(env, s)
		if err != nil {
			return err
		}
		_, existed := b.s.entities[name]
		b.put(name, v, st.Origin, !existed)
	case *sqlparser.AlterView:
		name := s.ViewName.Name.String()
		if b.s.View(name) == nil {
			return &vsd.ApplyViewNotFoundError{View: name}
		}
		cv := &sqlparser.CreateView{ViewName: sqlparser.TableName{Name: s.ViewName.Name}, Algorithm: s.Algorithm,
			Security: s.Security, Columns: s.Columns, Select: sqlparser.Clone(s.Select), CheckOption: s.CheckOption, Comments: s.Comments}
		normalizeViewSelect(cv, b.s.relationColumns)
		v, err := vsd.NewCreateViewEntity(env, cv)
		if err != nil {
			return err
		}
		b.put(name, v, st.Origin, false)
	case *sqlparser.DropView:
		return b.drop(s.FromTables, true, s.IfExists, st.Origin)
	default:
		return fmt.Errorf("statement type %T is not handled", s)
	}
	return nil
}

func (b *Builder) duplicate(name string) error {
	if o, ok := b.s.defined[name]; ok {
		return fmt.Errorf("%w (already defined at %s)", &vsd.ApplyDuplicateEntityError{Entity: name}, o)
	}
	return &vsd.ApplyDuplicateEntityError{Entity: name}
}

func (b *Builder) rename(from, to string, at Origin, t vsd.Entity) error {
	if _, ok := b.s.entities[to]; ok {
		return b.duplicate(to)
	}
	ct, ok := t.(*vsd.CreateTableEntity)
	if !ok {
		return fmt.Errorf("%s is not a table", from)
	}
	stmt := sqlparser.Clone(ct.CreateTable)
	stmt.Table.Name = sqlparser.NewIdentifierCS(to)
	nt, err := vsd.NewCreateTableEntity(b.s.env.vitess, stmt)
	if err != nil {
		return err
	}
	defined := b.s.defined[from]
	declared := b.s.declared[from]
	b.remove(from)
	if declared != nil {
		b.s.declared[to] = declared
	}
	b.s.dropped[from] = at
	b.put(to, nt, at, true)
	b.s.defined[to] = defined
	b.followRenamedTable(from, to, at)
	return nil
}

// followRenamedTable points other tables' foreign keys at a renamed table, as
// MySQL does.
func (b *Builder) followRenamedTable(from, to string, at Origin) {
	for _, name := range b.s.order {
		t := b.s.Table(name)
		if t == nil {
			continue
		}
		all := func(*sqlparser.ReferenceDefinition) bool { return true }
		if nt := b.withReferences(t, from, all, func(ref *sqlparser.ReferenceDefinition) {
			ref.ReferencedTable.Name = sqlparser.NewIdentifierCS(to)
		}); nt != nil {
			b.put(name, nt, at, false)
		}
	}
}

// withReferences returns a copy of t in which edit has changed each foreign
// key into parent that match selects, or nil when none is selected (or the
// copy does not make a valid table).
func (b *Builder) withReferences(t *vsd.CreateTableEntity, parent string, match func(*sqlparser.ReferenceDefinition) bool, edit func(*sqlparser.ReferenceDefinition)) *vsd.CreateTableEntity {
	var stmt *sqlparser.CreateTable
	for i, cons := range t.TableSpec.Constraints {
		fk, ok := cons.Details.(*sqlparser.ForeignKeyDefinition)
		if !ok || fk.ReferenceDefinition == nil || fk.ReferenceDefinition.ReferencedTable.Name.String() != parent || !match(fk.ReferenceDefinition) {
			continue
		}
		if stmt == nil {
			stmt = sqlparser.Clone(t.CreateTable)
		}
		edit(stmt.TableSpec.Constraints[i].Details.(*sqlparser.ForeignKeyDefinition).ReferenceDefinition)
	}
	if stmt == nil {
		return nil
	}
	nt, err := vsd.NewCreateTableEntity(b.s.env.vitess, stmt)
	if err != nil {
		return nil
	}
	return nt
}

// Finish validates the entities as a whole schema (foreign keys, view
// references) and returns it. The schema is returned even when it has
// problems; the error is then a *LoadError listing the blocking ones.
func (b *Builder) Finish() (*Schema, error) {
	s := b.s
	entities := make([]vsd.Entity, 0, len(s.order))
	for _, n := range s.order {
		entities = append(entities, s.entities[n])
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				s.Problems = append(s.Problems, Problem{Kind: ProblemInvalidSchema, Message: fmt.Sprintf("schema could not be validated (internal error in schema engine: %v)", r)})
			}
		}()
		vs, err := vsd.NewSchemaFromEntities(s.env.vitess, entities)
		if err != nil && viewsFailOnlyForLoop(s.env.vitess, err, entities) {
			err = nil
		}
		if err != nil {
			for _, e := range splitJoined(err) {
				if b.cascade(e) {
					continue
				}
				name := entityOf(e)
				o, _ := s.ChangedAt(name)
				s.Problems = append(s.Problems, Problem{Kind: ProblemInvalidSchema, Origin: o, Entity: name, Err: e, Message: describeVitessError(e)})
			}
			return
		}
		s.vitess = vs
	}()
	if len(s.BlockingProblems()) > 0 {
		// An incomplete schema must not be diffed or deployed as if it were whole.
		s.vitess = nil
	}
	if s.vitess == nil && len(s.BlockingProblems()) == 0 {
		s.Problems = append(s.Problems, Problem{Kind: ProblemInvalidSchema, Message: "schema is not valid"})
	}
	return s, s.err()
}

// viewsFailOnlyForLoop reports whether Vitess refused the schema only for
// views reading tables in (or referencing) a foreign-key cycle: its
// validation gives those tables the level it then requires views to be
// above, so any such view is "unresolved". The views are valid when they
// validate against the same tables without their foreign keys.
func viewsFailOnlyForLoop(env *vsd.Environment, err error, entities []vsd.Entity) bool {
	for _, e := range splitJoined(err) {
		var unresolved *vsd.ViewDependencyUnresolvedError
		if !errors.As(e, &unresolved) {
			return false
		}
	}
	stripped := make([]vsd.Entity, 0, len(entities))
	for _, e := range entities {
		if t, ok := e.(*vsd.CreateTableEntity); ok {
			c := t.Clone().(*vsd.CreateTableEntity)
			kept := c.TableSpec.Constraints[:0]
			for _, k := range c.TableSpec.Constraints {
				if _, isFK := k.Details.(*sqlparser.ForeignKeyDefinition); !isFK {
					kept = append(kept, k)
				}
			}
			c.TableSpec.Constraints = kept
			e = c
		}
		stripped = append(stripped, e)
	}
	_, err = vsd.NewSchemaFromEntities(env, stripped)
	return err == nil
}

// splitJoined flattens errors.Join trees.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, splitJoined(e)...)
		}
		return out
	}
	return []error{err}
}

// entityOf extracts the table or view a Vitess schemadiff error is about: they
// carry it in a Table, View or Entity field.
func entityOf(err error) string {
	for err != nil {
		v := reflect.ValueOf(err)
		if v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			for _, f := range []string{"Table", "View", "Entity"} {
				if fv := v.FieldByName(f); fv.IsValid() && fv.Kind() == reflect.String && fv.String() != "" {
					return fv.String()
				}
			}
		}
		err = errors.Unwrap(err)
	}
	return ""
}

// describeVitessError rewrites Vitess' messages in our voice where they are
// terse; others pass through.
func describeVitessError(err error) string {
	var (
		colNF  *vsd.ApplyColumnNotFoundError
		tblNF  *vsd.ApplyTableNotFoundError
		viewNF *vsd.ApplyViewNotFoundError
		keyNF  *vsd.ApplyKeyNotFoundError
		dupCol *vsd.ApplyDuplicateColumnError
		dupKey *vsd.ApplyDuplicateKeyError
		dupEnt *vsd.ApplyDuplicateEntityError
	)
	switch {
	case errors.As(err, &colNF):
		return fmt.Sprintf("column %q does not exist", colNF.Column)
	case errors.As(err, &tblNF):
		return fmt.Sprintf("table %q does not exist", tblNF.Table)
	case errors.As(err, &viewNF):
		return fmt.Sprintf("view %q does not exist", viewNF.View)
	case errors.As(err, &keyNF):
		return fmt.Sprintf("index %q does not exist", keyNF.Key)
	case errors.As(err, &dupCol):
		return fmt.Sprintf("column %q already exists", dupCol.Column)
	case errors.As(err, &dupKey):
		return fmt.Sprintf("index %q already exists", dupKey.Key)
	case errors.As(err, &dupEnt):
		msg := fmt.Sprintf("%q already exists", dupEnt.Entity)
		if _, where, ok := strings.Cut(err.Error(), " (already defined at "); ok {
			msg += " (already defined at " + where
		}
		return msg
	}
	return err.Error()
}

// LoadSQL builds a schema from SQL text (one or many statements).
func (e *Env) LoadSQL(name, text string) (*Schema, error) {
	src := NewSource(name, text)
	b := e.NewBuilder()
	b.Apply(e.ParseSource(src))
	return b.Finish()
}

// LoadCreateStatements builds a schema from a list of CREATE statements, as a
// branch's schema endpoint returns them (in any order).
func (e *Env) LoadCreateStatements(stmts []string) (*Schema, error) {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(strings.TrimRight(strings.TrimSpace(s), ";"))
		b.WriteString(";\n")
	}
	// Views may come before the tables they read: order tables first.
	src := NewSource("", b.String())
	parsed := e.ParseSource(src)
	sort.SliceStable(parsed, func(i, j int) bool {
		_, vi := parsed[i].AST.(*sqlparser.CreateView)
		_, vj := parsed[j].AST.(*sqlparser.CreateView)
		return !vi && vj
	})
	bl := e.NewBuilder()
	bl.Apply(parsed)
	return bl.Finish()
}

// LoadDeclarative builds a schema from every .sql file under dir (recursively,
// in path order): the desired state, one or many CREATE statements per file.
func (e *Env) LoadDeclarative(fsys fs.FS, dir string) (*Schema, error) {
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(strings.ToLower(d.Name()), ".sql") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read schema folder %q: %w", dir, err)
	}
	sort.Strings(files)
	in := make([]sourceChunks, len(files))
	for i, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read schema file %q: %w", f, err)
		}
		src := NewSource(f, string(data))
		in[i] = sourceChunks{src, src.Split()}
	}
	var views, others []Statement
	for _, parsed := range e.parseSources(in) {
		for _, st := range parsed {
			if _, ok := st.AST.(*sqlparser.CreateView); ok {
				views = append(views, st)
			} else {
				others = append(others, st)
			}
		}
	}
	// Files are a desired state, not a sequence: tables before the views that read them.
	b := e.NewBuilder()
	b.Apply(others)
	b.Apply(views)
	return b.Finish()
}

// LoadMigrations applies a migrations folder in order, in memory.
func (e *Env) LoadMigrations(fsys fs.FS, dir string, format Format) (*Schema, Format, error) {
	files, used, err := ReadMigrations(fsys, dir, format)
	if err != nil {
		return nil, used, err
	}
	in := make([]sourceChunks, len(files))
	for i, f := range files {
		in[i] = sourceChunks{f.Source, f.Chunks}
	}
	b := e.NewBuilder()
	for _, parsed := range e.parseSources(in) {
		b.Apply(parsed)
	}
	s, err := b.Finish()
	return s, used, err
}

// IsMigrationsDir reports whether dir looks like a migrations folder rather
// than a declarative schema: it holds files in a recognised migration format,
// or its statements change tables rather than only create them.
func IsMigrationsDir(fsys fs.FS, dir string) bool {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return false
	}
	files := map[string]string{}
	for _, en := range entries {
		if en.IsDir() || !strings.HasSuffix(strings.ToLower(en.Name()), ".sql") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, en.Name()))
		if err == nil {
			files[en.Name()] = string(data)
		}
	}
	if DetectFormat(files) != FormatPlain {
		return true
	}
	numbered := 0
	for name := range files {
		if reLeadingNumber.MatchString(name) {
			numbered++
		}
	}
	return len(files) > 0 && numbered == len(files)
}
