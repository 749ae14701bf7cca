package lint

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleForeignKeyUnresolved = &Rule{
	ID:              "foreign-key-unresolved",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "FOREIGN_KEYS_UNRESOLVED",
	Summary: "A foreign key that cannot work: it references a table that does not exist or a view, names columns that do not exist or do not match, " +
		"lacks the index it needs, or closes a cycle of foreign keys between tables.",
	Why: "PlanetScale validates the whole schema before a deploy request can run (FOREIGN_KEYS_NONEXISTENT_TABLE, FOREIGN_KEYS_REFERENCED_VIEW, " +
		"FOREIGN_KEYS_UNRESOLVED, FOREIGN_KEYS_CIRCULAR_DEPENDENCY): it must be able to order tables so that every parent exists before its children, " +
		"and MySQL itself refuses such constraints. This rule reports broken foreign keys whether or not the database allows foreign keys: " +
		"a broken constraint is a mistake either way, and `foreign-keys-disallowed` reports separately that constraints are not allowed at all. " +
		"A table that references itself (a parent_id column) is not a cycle here: Vitess supports self-references.",
	Fix: "Create the referenced table (and the columns and index the constraint uses) before the constraint, reference the table rather than a view, " +
		"give both sides the same type, and drop child constraints before dropping or changing what they reference. " +
		"Break a cycle by removing one of its constraints and enforcing that relationship in application code.",
	Check: func(p *Pass) {
		if p.Head == nil {
			return
		}
		// Vitess stops at the first foreign key error of a schema: type
		// mismatches are checked here, every one of them.
		mismatched := reportFKTypeMismatches(p)
		for _, pr := range p.Head.Problems {
			if !problemIsSchemaError(pr) || fkProblemCode(pr.Err) == "" {
				continue
			}
			var typ *vsd.ForeignKeyColumnTypeMismatchError
			if errors.As(pr.Err, &typ) && mismatched[fkColumnKey{typ.Table, typ.Constraint, strings.ToLower(typ.Column)}] {
				continue
			}
			reportFKProblem(p, pr)
		}
		reportFKCycles(p)
	},
}

func init() { register(ruleForeignKeyUnresolved) }

// fkProblem is what the finding about a foreign key error of the schema
// loader says and where it goes (the arguments of problemLocate).
type fkProblem struct {
	// code is the PlanetScale lint code, msg the finding's message.
	code, msg string
	// Where the finding goes: see problemLocate.
	table, needle, blame, blameNeedle string
	patterns                          []string
	// constraint names the foreign key when the error does: the patterns
	// are then searched inside its definition first, so that a second key
	// to the same table is not placed at the first one.
	constraint string
}

// fkProblemOf reads a schema loader error caused by a foreign key (ok is
// false when the error is not about a foreign key).
func fkProblemOf(err error) (fkProblem, bool) {
	var (
		nonexistent *vsd.ForeignKeyNonexistentReferencedTableError
		view        *vsd.ForeignKeyReferencesViewError
		unresolved  *vsd.ForeignKeyDependencyUnresolvedError
		col         *vsd.InvalidColumnInForeignKeyConstraintError
		refCol      *vsd.InvalidReferencedColumnInForeignKeyConstraintError
		count       *vsd.ForeignKeyColumnCountMismatchError
		typ         *vsd.ForeignKeyColumnTypeMismatchError
		index       *vsd.MissingForeignKeyReferencedIndexError
		needed      *vsd.IndexNeededByForeignKeyError
		dupName     *vsd.DuplicateForeignKeyConstraintNameError
	)
	const unresolvedCode = "FOREIGN_KEYS_UNRESOLVED"
	switch {
	case err == nil:
		return fkProblem{}, false
	case errors.As(err, &nonexistent):
		return fkProblem{code: "FOREIGN_KEYS_NONEXISTENT_TABLE", table: nonexistent.Table, needle: nonexistent.ReferencedTable, blame: nonexistent.ReferencedTable,
			patterns: []string{fkReferences(nonexistent.ReferencedTable)},
			msg:      fmt.Sprintf("table %s has a foreign key that references table %s, which does not exist", Quote(nonexistent.Table), Quote(nonexistent.ReferencedTable))}, true
	case errors.As(err, &view):
		return fkProblem{code: "FOREIGN_KEYS_REFERENCED_VIEW", table: view.Table, needle: view.ReferencedView,
			patterns: []string{fkReferences(view.ReferencedView)},
			msg:      fmt.Sprintf("table %s has a foreign key that references %s, which is a view: foreign keys must reference a table", Quote(view.Table), Quote(view.ReferencedView))}, true
	case errors.As(err, &unresolved):
		return fkProblem{code: unresolvedCode, table: unresolved.Table, needle: "REFERENCES",
			patterns: []string{`\b(FOREIGN\s+KEY)\b`},
			msg:      fmt.Sprintf("the foreign keys of table %s cannot be resolved: a table they depend on is missing or broken", Quote(unresolved.Table))}, true
	case errors.As(err, &col):
		return fkProblem{code: unresolvedCode, table: col.Table, constraint: col.Constraint, needle: col.Column,
			patterns: []string{`\bFOREIGN\s+KEY\b`, psWord(col.Column)},
			msg:      fmt.Sprintf("foreign key %s of table %s covers column %s, which does not exist in %s", Quote(col.Constraint), Quote(col.Table), Quote(col.Column), Quote(col.Table))}, true
	case errors.As(err, &refCol):
		return fkProblem{code: unresolvedCode, table: refCol.Table, constraint: refCol.Constraint, needle: refCol.ReferencedColumn, blame: refCol.ReferencedTable, blameNeedle: refCol.ReferencedColumn,
			patterns: []string{fkReferences(refCol.ReferencedTable), psWord(refCol.ReferencedColumn)},
			msg:      fmt.Sprintf("foreign key %s of table %s references column %s.%s, which does not exist", Quote(refCol.Constraint), Quote(refCol.Table), Quote(refCol.ReferencedTable), Quote(refCol.ReferencedColumn))}, true
	case errors.As(err, &count):
		return fkProblem{code: unresolvedCode, table: count.Table, constraint: count.Constraint, needle: count.ReferencedTable,
			patterns: []string{fkReferences(count.ReferencedTable)},
			msg:      fmt.Sprintf("foreign key %s of table %s lists %d column(s) but references %d column(s) of %s", Quote(count.Constraint), Quote(count.Table), count.ColumnCount, count.ReferencedColumnCount, Quote(count.ReferencedTable))}, true
	case errors.As(err, &typ):
		return fkProblem{code: unresolvedCode, table: typ.Table, constraint: typ.Constraint, needle: typ.ReferencedTable, blame: typ.ReferencedTable, blameNeedle: typ.ReferencedColumn,
			patterns: []string{fkReferences(typ.ReferencedTable)},
			msg:      fkTypeMessage(typ.Constraint, typ.Table, typ.Column, typ.ReferencedTable, typ.ReferencedColumn)}, true
	case errors.As(err, &index):
		return fkProblem{code: unresolvedCode, table: index.Table, constraint: index.Constraint, needle: index.ReferencedTable, blame: index.ReferencedTable,
			patterns: []string{fkReferences(index.ReferencedTable)},
			msg:      fmt.Sprintf("foreign key %s of table %s references columns of %s that no index of %s starts with; MySQL needs such an index", Quote(index.Constraint), Quote(index.Table), Quote(index.ReferencedTable), Quote(index.ReferencedTable))}, true
	case errors.As(err, &needed):
		return fkProblem{code: unresolvedCode, table: needed.Table, needle: needed.Key,
			msg: fmt.Sprintf("index %s of table %s is needed by a foreign key constraint and cannot be dropped", Quote(needed.Key), Quote(needed.Table))}, true
	case errors.As(err, &dupName):
		return fkProblem{code: unresolvedCode, table: dupName.Table, needle: dupName.Constraint,
			patterns: []string{`\bCONSTRAINT\s+(` + "`?" + regexp.QuoteMeta(dupName.Constraint) + "`?)"},
			msg:      fmt.Sprintf("table %s defines foreign key constraint %s more than once; constraint names must be unique in the schema", Quote(dupName.Table), Quote(dupName.Constraint))}, true
	}
	return fkProblem{}, false
}

// fkProblemCode names the PlanetScale lint code of a schema problem caused by
// a foreign key ("" when the error is not about a foreign key).
func fkProblemCode(err error) string {
	d, _ := fkProblemOf(err)
	return d.code
}

// fkReferences is the pattern for "REFERENCES `table`", its group the table name.
func fkReferences(table string) string {
	return `\bREFERENCES\s+(?:` + "`?[A-Za-z0-9_$]+`?" + `\s*\.\s*)?(` + "`?" + regexp.QuoteMeta(table) + "`?)(?:$|[^A-Za-z0-9_$`])"
}

// reportFKProblem reports one foreign key problem the schema loader met, at
// the clause it is about.
func reportFKProblem(p *Pass, pr schemadiff.Problem) {
	d, ok := fkProblemOf(pr.Err)
	if !ok {
		return
	}
	o, ok := schemadiff.Origin{}, false
	if d.constraint != "" && len(d.patterns) > 0 {
		o, ok = locateForeignKeyDefinition(p, d.table, d.constraint, nil, d.patterns...)
	}
	if !ok {
		if o, ok = problemLocate(p, pr, d.table, d.needle, d.patterns, d.blame, d.blameNeedle); !ok {
			return
		}
	}
	p.Report(o, "%s (%s)", d.msg, d.code)
}

// fkEdge is one foreign key: child → parent.
type fkEdge struct {
	child, parent, name string
	fk                  *sqlparser.ForeignKeyDefinition
}

// fkEdges lists the foreign keys of a table.
func fkEdges(t *vsd.CreateTableEntity) []fkEdge {
	var out []fkEdge
	for _, cs := range t.TableSpec.Constraints {
		fk, ok := cs.Details.(*sqlparser.ForeignKeyDefinition)
		if !ok || fk.ReferenceDefinition == nil {
			continue
		}
		out = append(out, fkEdge{child: t.Name(), parent: fk.ReferenceDefinition.ReferencedTable.Name.String(), name: cs.Name.String(), fk: fk})
	}
	return out
}

// reportFKCycles reports foreign keys of the looked-at tables that close a
// cycle between different tables (A → B → … → A). Vitess loads such schemas,
// but PlanetScale rejects them (FOREIGN_KEYS_CIRCULAR_DEPENDENCY).
func reportFKCycles(p *Pass) {
	graph := map[string][]string{}
	for _, t := range p.Head.Tables() {
		for _, e := range fkEdges(t) {
			if e.parent != e.child {
				graph[e.child] = append(graph[e.child], e.parent)
			}
		}
	}
	// A key closes a cycle when its parent reaches its child: they are
	// then in one strongly connected component, and so is every table of
	// the path, so the search stays inside it (a search over the whole
	// graph per key made lint quadratic in chained schemas).
	component := fkComponents(graph)
	for _, t := range p.Tables() {
		for _, e := range fkEdges(t) {
			if e.parent == e.child || component[e.parent] != component[e.child] {
				continue
			}
			path := fkPath(graph, component, e.parent, e.child)
			if path == nil {
				continue
			}
			cycle := append([]string{e.child}, path...)
			names := make([]string, len(cycle))
			for i, n := range cycle {
				names[i] = Quote(n)
			}
			o, ok := locateForeignKeyDefinition(p, e.child, e.name, e.fk, fkReferences(e.parent))
			if !ok {
				o = p.Locate(e.child, e.parent)
			}
			p.Report(o, "foreign key %s of table %s references %s, which leads back to %s: the foreign keys form a cycle (%s); PlanetScale rejects circular foreign keys (FOREIGN_KEYS_CIRCULAR_DEPENDENCY)",
				Quote(e.name), Quote(e.child), Quote(e.parent), Quote(e.child), strings.Join(names, " → "))
		}
	}
}

// fkComponents numbers the strongly connected components of the graph
// (Tarjan's algorithm, iterative): two tables have the same number when
// each reaches the other. A table the graph does not name gets none (0); it
// is in no cycle. Roots are taken in name order so that the numbers are
// stable.
func fkComponents(graph map[string][]string) map[string]int {
	index, low, comp := map[string]int{}, map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	next, ncomp := 1, 0
	type frame struct {
		node string
		edge int
	}
	nodes := make([]string, 0, len(graph))
	for n := range graph {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	for _, root := range nodes {
		if index[root] != 0 {
			continue
		}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		frames := []frame{{node: root}}
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			if f.edge < len(graph[f.node]) {
				m := graph[f.node][f.edge]
				f.edge++
				switch {
				case index[m] == 0:
					index[m], low[m] = next, next
					next++
					stack = append(stack, m)
					onStack[m] = true
					frames = append(frames, frame{node: m})
				case onStack[m]:
					low[f.node] = min(low[f.node], index[m])
				}
				continue
			}
			n := f.node
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				parent := frames[len(frames)-1].node
				low[parent] = min(low[parent], low[n])
			}
			if low[n] == index[n] {
				ncomp++
				for {
					m := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[m] = false
					comp[m] = ncomp
					if m == n {
						break
					}
				}
			}
		}
	}
	return comp
}

// fkPath returns the shortest path from → … → to in the graph (nil when there
// is none), visiting neighbours in name order so that messages are stable.
// Only tables of from's component are visited: a path from one table of a
// component to another never leaves it.
func fkPath(graph map[string][]string, component map[string]int, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == to {
			var path []string
			for x := to; x != ""; x = prev[x] {
				path = append([]string{x}, path...)
			}
			return path
		}
		next := append([]string(nil), graph[n]...)
		sort.Strings(next)
		for _, m := range next {
			if _, seen := prev[m]; !seen && component[m] == component[from] {
				prev[m] = n
				queue = append(queue, m)
			}
		}
	}
	return nil
}

// fkColumnKey names one column of one foreign key.
type fkColumnKey struct{ table, constraint, column string }

func fkTypeMessage(constraint, table, column, refTable, refColumn string) string {
	return fmt.Sprintf("foreign key %s of table %s joins column %s to %s.%s, whose type differs", Quote(constraint), Quote(table), Quote(column), Quote(refTable), Quote(refColumn))
}

// reportFKTypeMismatches reports every column of a foreign key of the
// looked-at tables whose type MySQL would refuse to join to the referenced
// column, and returns which it reported. Keys whose table or columns are
// missing are left to the loader's errors.
func reportFKTypeMismatches(p *Pass) map[fkColumnKey]bool {
	reported := map[fkColumnKey]bool{}
	env := p.Head.Env().Vitess()
	for _, t := range p.Tables() {
		cols := columnsByName(t)
		for _, cs := range t.TableSpec.Constraints {
			fk, ok := cs.Details.(*sqlparser.ForeignKeyDefinition)
			if !ok || fk.ReferenceDefinition == nil {
				continue
			}
			refName := fk.ReferenceDefinition.ReferencedTable.Name.String()
			parent := p.Head.Table(refName)
			if parent == nil || len(fk.Source) != len(fk.ReferenceDefinition.ReferencedColumns) {
				continue
			}
			refCols := columnsByName(parent)
			for i, src := range fk.Source {
				child, ref := cols[src.Lowered()], refCols[fk.ReferenceDefinition.ReferencedColumns[i].Lowered()]
				if child == nil || ref == nil || fkTypesJoin(env, t.TableSpec, parent.TableSpec, child.Type, ref.Type) {
					continue
				}
				key := fkColumnKey{t.Name(), cs.Name.String(), src.Lowered()}
				if reported[key] {
					continue
				}
				reported[key] = true
				o, ok := locateForeignKeyDefinition(p, t.Name(), cs.Name.String(), fk, fkReferences(refName))
				if !ok {
					o = p.Locate(t.Name(), refName)
				}
				p.Report(o, "%s: %s against %s (FOREIGN_KEYS_UNRESOLVED)",
					fkTypeMessage(cs.Name.String(), t.Name(), child.Name.String(), refName, ref.Name.String()),
					bareType(child.Type), bareType(ref.Type))
			}
		}
	}
	return reported
}

// bareType prints a column type without its column options (NULL, DEFAULT...).
func bareType(t *sqlparser.ColumnType) string {
	c := *t
	c.Options = nil
	return sqlparser.CanonicalString(&c)
}

func columnsByName(t *vsd.CreateTableEntity) map[string]*sqlparser.ColumnDefinition {
	out := make(map[string]*sqlparser.ColumnDefinition, len(t.TableSpec.Columns))
	for _, c := range t.TableSpec.Columns {
		out[c.Name.Lowered()] = c
	}
	return out
}

// fkTypesJoin reports whether a foreign key column of type child may
// reference a column of type parent, by the rule Vitess' schema validation
// applies (MySQL's): the same type (char and varchar mix), sign, zerofill,
// enum values and, for text, collation; lengths and precision may differ.
func fkTypesJoin(env *vsd.Environment, ct, pt *sqlparser.TableSpec, child, parent *sqlparser.ColumnType) bool {
	a, b := strings.ToLower(child.Type), strings.ToLower(parent.Type)
	textual := map[string]bool{"char": true, "varchar": true, "text": true, "tinytext": true, "mediumtext": true, "longtext": true, "enum": true, "set": true}
	if a != b && !(textual[a] && textual[b] && (a == "char" || a == "varchar") && (b == "char" || b == "varchar")) {
		return false
	}
	if child.Unsigned != parent.Unsigned || child.Zerofill != parent.Zerofill || !sqlparser.Equals.SliceOfString(child.EnumValues, parent.EnumValues) {
		return false
	}
	if textual[a] && textual[b] {
		return columnCollation(env, ct, child) == columnCollation(env, pt, parent)
	}
	return true
}

// columnCollation is the collation a text column gets: its own, its
// charset's default, the table's, or the server default.
func columnCollation(env *vsd.Environment, t *sqlparser.TableSpec, col *sqlparser.ColumnType) string {
	if col.Options != nil && col.Options.Collate != "" {
		return strings.ToLower(col.Options.Collate)
	}
	cenv := env.CollationEnv()
	if col.Charset.Name != "" {
		return cenv.LookupName(cenv.DefaultCollationForCharset(strings.ToLower(col.Charset.Name)))
	}
	var charset, collate string
	for _, o := range t.Options {
		switch strings.ToLower(o.Name) {
		case "charset", "character set", "default charset", "default character set":
			charset = o.String
		case "collate", "default collate":
			collate = o.String
		}
	}
	switch {
	case collate != "":
		return strings.ToLower(collate)
	case charset != "":
		return cenv.LookupName(cenv.DefaultCollationForCharset(strings.ToLower(charset)))
	}
	return cenv.LookupName(env.DefaultColl)
}
