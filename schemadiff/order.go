package schemadiff

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Vitess' OrderedDiffs searches permutations of related diffs, applying each
// candidate to a copy of the schema and re-validating all of it: quadratic in
// the group's size when its first guess is right (a star of 2,000 tables
// around one parent takes seconds), factorial when no order exists (tables
// created in a foreign-key cycle: every order of the other tables is tried
// before it gives up). orderGroup orders a group in O(n log n) instead: it
// derives which diff must run before which from the foreign keys and view
// references that change, breaks foreign-key cycles by dropping their keys
// first or adding them last, and sorts topologically, preferring the order
// Vitess would print (its equivalence class, then its position in
// UnorderedDiffs), so a plan Vitess could order is printed exactly as Vitess
// printed it.

// fkRef is one foreign key of a table on another table.
type fkRef struct {
	child, name, parent string
	cols                map[string]bool // referenced columns, lowered
	text                string          // canonical text of the constraint
}

// tableForeignKeys lists the keys of t that reference another table.
func tableForeignKeys(t *vsd.CreateTableEntity) []fkRef {
	var out []fkRef
	for _, c := range t.TableSpec.Constraints {
		fk, ok := c.Details.(*sqlparser.ForeignKeyDefinition)
		if !ok || fk.ReferenceDefinition == nil {
			continue
		}
		parent := fk.ReferenceDefinition.ReferencedTable.Name.String()
		if parent == t.Name() {
			continue // a self-reference never constrains the order
		}
		cols := map[string]bool{}
		for _, col := range fk.ReferenceDefinition.ReferencedColumns {
			cols[col.Lowered()] = true
		}
		out = append(out, fkRef{child: t.Name(), name: c.Name.String(), parent: parent, cols: cols, text: sqlparser.CanonicalString(c)})
	}
	return out
}

// hasKey reports whether t has a constraint with exactly that text.
func hasKey(t *vsd.CreateTableEntity, text string) bool {
	if t == nil {
		return false
	}
	for _, c := range t.TableSpec.Constraints {
		if sqlparser.CanonicalString(c) == text {
			return true
		}
	}
	return false
}

// orderEdge says diff before runs before diff after. fk is the foreign key
// that makes it (nil for a view reference or two diffs of one entity); added
// says the key is one the target adds (the edge goes away when the key is
// added last) rather than one it removes (away when the key is dropped first).
type orderEdge struct {
	before, after int
	fk            *fkRef
	added         bool
}

// orderGraph holds what must precede what among a group's diffs.
type orderGraph struct {
	diffs []vsd.EntityDiff
	edges []orderEdge
	out   [][]int // diff → indices into edges leaving it
}

// touches reports whether a parent's ALTER changes what a foreign key on
// it needs: the referenced columns or any index.
func touches(stmt sqlparser.Statement, cols map[string]bool) bool {
	hit := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.ModifyColumn:
			hit = hit || cols[n.NewColDefinition.Name.Lowered()]
		case *sqlparser.ChangeColumn:
			hit = hit || cols[n.OldColumn.Name.Lowered()] || cols[n.NewColDefinition.Name.Lowered()]
		case *sqlparser.RenameColumn:
			hit = hit || cols[n.OldName.Name.Lowered()] || cols[n.NewName.Name.Lowered()]
		case *sqlparser.AddColumns:
			for _, c := range n.Columns {
				hit = hit || cols[c.Name.Lowered()]
			}
		case *sqlparser.DropColumn:
			hit = hit || cols[n.Name.Name.Lowered()]
		case *sqlparser.AddIndexDefinition:
			for _, c := range n.IndexDefinition.Columns {
				hit = hit || cols[c.Column.Lowered()]
			}
		case *sqlparser.DropKey:
			hit = hit || n.Type == sqlparser.NormalKeyType || n.Type == sqlparser.PrimaryKeyType
		}
		return !hit, nil
	}, stmt)
	return hit
}

// newOrderGraph derives the precedences among the diffs of from → to.
func newOrderGraph(from, to *side, diffs []vsd.EntityDiff) *orderGraph {
	g := &orderGraph{diffs: diffs, out: make([][]int, len(diffs))}
	byName := map[string][]int{}
	for i, d := range diffs {
		byName[d.EntityName()] = append(byName[d.EntityName()], i)
	}
	first := func(name string) int { return byName[name][0] }
	last := func(name string) int { ds := byName[name]; return ds[len(ds)-1] }
	add := func(e orderEdge) {
		g.out[e.before] = append(g.out[e.before], len(g.edges))
		g.edges = append(g.edges, e)
	}
	for _, ds := range byName {
		for k := 1; k < len(ds); k++ {
			add(orderEdge{before: ds[k-1], after: ds[k]})
		}
	}
	// onlyIn calls fn for each foreign key that a table of a has and the
	// same table of b lacks, where both the table and the key's parent are
	// in the group.
	onlyIn := func(a, b *side, fn func(table string, fk fkRef)) {
		for _, t := range a.Tables() {
			if len(byName[t.Name()]) == 0 {
				continue
			}
			bt := b.Table(t.Name())
			for _, fk := range tableForeignKeys(t) {
				if !hasKey(bt, fk.text) && len(byName[fk.parent]) > 0 {
					fn(t.Name(), fk)
				}
			}
		}
	}
	// A key the target adds needs its parent created, or altered first when
	// the ALTER changes what the key references.
	onlyIn(to, from, func(table string, fk fkRef) {
		pd := diffs[last(fk.parent)]
		_, created := pd.(*vsd.CreateTableEntityDiff)
		if created || touches(pd.Statement(), fk.cols) {
			add(orderEdge{before: last(fk.parent), after: first(table), fk: &fk, added: true})
		}
	})
	// A key the target removes must go before its parent is dropped, or
	// altered in what the key references.
	onlyIn(from, to, func(table string, fk fkRef) {
		pd := diffs[first(fk.parent)]
		_, dropped := pd.(*vsd.DropTableEntityDiff)
		if dropped || touches(pd.Statement(), fk.cols) {
			add(orderEdge{before: last(table), after: first(fk.parent), fk: &fk})
		}
	})
	// A view created or changed comes after what it reads is created or
	// changed; a view dropped or changed goes before what it read is dropped.
	for _, v := range to.Views() {
		if len(byName[v.Name()]) == 0 {
			continue
		}
		for _, r := range references(v) {
			if r != v.Name() && len(byName[r]) > 0 {
				add(orderEdge{before: last(r), after: first(v.Name())})
			}
		}
	}
	for _, v := range from.Views() {
		if len(byName[v.Name()]) == 0 {
			continue
		}
		for _, r := range references(v) {
			if r == v.Name() || len(byName[r]) == 0 {
				continue
			}
			switch diffs[first(r)].(type) {
			case *vsd.DropTableEntityDiff, *vsd.DropViewEntityDiff:
				add(orderEdge{before: last(v.Name()), after: first(r)})
			}
		}
	}
	return g
}

// backEdges returns the edges that close a cycle in a depth-first search
// from every diff in turn (iterative: a chain of 20,000 tables is deep).
// Without them the graph is acyclic.
func (g *orderGraph) backEdges() []int {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(g.diffs))
	type frame struct{ node, next int }
	var back []int
	for start := range g.diffs {
		if color[start] != white {
			continue
		}
		stack := []frame{{node: start}}
		color[start] = grey
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(g.out[top.node]) {
				color[top.node] = black
				stack = stack[:len(stack)-1]
				continue
			}
			ei := g.out[top.node][top.next]
			top.next++
			switch to := g.edges[ei].after; color[to] {
			case white:
				color[to] = grey
				stack = append(stack, frame{node: to})
			case grey:
				back = append(back, ei)
			}
		}
	}
	return back
}

// cycleKeys returns, per table, the foreign keys to drop before the rest of
// the plan (from the source) and to add after it (from the target) so that
// no cycle is left: a DFS's back edges when they are all foreign keys, or
// else every foreign key that orders two diffs.
func (g *orderGraph) cycleKeys() (dropFirst, addLast map[string]map[string]bool) {
	back := g.backEdges()
	if len(back) == 0 {
		return nil, nil
	}
	edges := back
	for _, ei := range back {
		if g.edges[ei].fk == nil {
			edges = nil
			for i, e := range g.edges {
				if e.fk != nil {
					edges = append(edges, i)
				}
			}
			break
		}
	}
	dropFirst, addLast = map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, ei := range edges {
		e := g.edges[ei]
		m := dropFirst
		if e.added {
			m = addLast
		}
		if m[e.fk.child] == nil {
			m[e.fk.child] = map[string]bool{}
		}
		m[e.fk.child][e.fk.name] = true
	}
	return dropFirst, addLast
}

// sorted returns the diffs in an order that honours every edge, preferring
// Vitess' own: by equivalence class (numbered by its first diff), then by
// position. It fails when the edges form a cycle.
func (g *orderGraph) sorted(from *side) ([]vsd.EntityDiff, error) {
	class := vitessClasses(from, g.diffs)
	indeg := make([]int, len(g.diffs))
	for _, e := range g.edges {
		indeg[e.after]++
	}
	q := &diffQueue{}
	for i := range g.diffs {
		q.key = append(q.key, class[i])
		if indeg[i] == 0 {
			heap.Push(q, i)
		}
	}
	out := make([]vsd.EntityDiff, 0, len(g.diffs))
	for q.Len() > 0 {
		i := heap.Pop(q).(int)
		out = append(out, g.diffs[i])
		for _, ei := range g.out[i] {
			a := g.edges[ei].after
			indeg[a]--
			if indeg[a] == 0 {
				heap.Push(q, a)
			}
		}
	}
	if len(out) != len(g.diffs) {
		var stuck []string
		for i, d := range g.diffs {
			if indeg[i] > 0 {
				stuck = append(stuck, d.CanonicalStatementString())
			}
		}
		return nil, fmt.Errorf("no order applies these changes one after another (they depend on each other in a cycle):\n%s", strings.Join(stuck, ";\n"))
	}
	return out, nil
}

// diffQueue is a min-heap of diff indices by (class, index).
type diffQueue struct {
	items []int
	key   []int // diff index → its class
}

func (q *diffQueue) Len() int { return len(q.items) }
func (q *diffQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if q.key[a] != q.key[b] {
		return q.key[a] < q.key[b]
	}
	return a < b
}
func (q *diffQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *diffQueue) Push(x any)    { q.items = append(q.items, x.(int)) }
func (q *diffQueue) Pop() any {
	n := len(q.items) - 1
	x := q.items[n]
	q.items = q.items[:n]
	return x
}

// side is one schema's entities of a group, in the order Vitess sorts a
// schema: tables by foreign-key depth then name (tables in or below a cycle
// last, by name), then views by depth then name.
type side struct {
	sorted []vsd.Entity
	named  map[string]vsd.Entity
}

// Tables returns the side's tables in order.
func (s *side) Tables() []*vsd.CreateTableEntity {
	return ofType[*vsd.CreateTableEntity](slices.Values(s.sorted))
}

// Views returns the side's views in order.
func (s *side) Views() []*vsd.CreateViewEntity {
	return ofType[*vsd.CreateViewEntity](slices.Values(s.sorted))
}

// Table returns a table by name (nil when absent).
func (s *side) Table(name string) *vsd.CreateTableEntity {
	t, _ := s.named[name].(*vsd.CreateTableEntity)
	return t
}

// groupSide copies the entities of s named in names, leaving out the
// foreign keys in without (table → constraint names), and sorts them.
func (s *Schema) groupSide(names []string, without map[string]map[string]bool) *side {
	sd := &side{named: make(map[string]vsd.Entity, len(names))}
	for _, n := range names {
		e, ok := s.entities[n]
		if !ok {
			continue
		}
		c := e.Clone()
		if t, ok := c.(*vsd.CreateTableEntity); ok && len(without[n]) > 0 {
			kept := t.TableSpec.Constraints[:0]
			for _, k := range t.TableSpec.Constraints {
				if _, isFK := k.Details.(*sqlparser.ForeignKeyDefinition); !isFK || !without[n][k.Name.String()] {
					kept = append(kept, k)
				}
			}
			t.TableSpec.Constraints = kept
		}
		sd.named[c.Name()] = c
	}
	sd.sort()
	return sd
}

// sort orders the entities as Vitess' Schema.normalize does, in linear
// time: its level-by-level scan gives each table 1 + the highest level of
// its parents, and each view 1 + the highest level of the views it reads.
func (s *side) sort() {
	const unknown, visiting, cyclic = -1, -2, -3
	level := make(map[string]int, len(s.named))
	// walk gives name 1 + the highest level of what it depends on (deps; ok
	// false when name is not of deps' kind: its level is then absent), 0
	// without any, cyclic within or above a cycle.
	var walk func(name string, deps func(name string) ([]string, bool), absent int) int
	walk = func(name string, deps func(string) ([]string, bool), absent int) int {
		switch l, ok := level[name]; {
		case ok && l == visiting:
			return cyclic
		case ok:
			return l
		}
		on, ok := deps(name)
		if !ok {
			return absent
		}
		level[name] = visiting
		l := 0
		for _, d := range on {
			if d == name {
				continue
			}
			dl := walk(d, deps, absent)
			if dl == cyclic {
				l = cyclic
				break
			}
			l = max(l, dl+1)
		}
		level[name] = l
		return l
	}
	parents := func(name string) ([]string, bool) {
		t, ok := s.named[name].(*vsd.CreateTableEntity)
		if !ok {
			return nil, false
		}
		var out []string
		for _, fk := range tableForeignKeys(t) {
			out = append(out, fk.parent)
		}
		return out, true
	}
	reads := func(name string) ([]string, bool) {
		v, ok := s.named[name].(*vsd.CreateViewEntity)
		if !ok {
			return nil, false
		}
		return references(v), true
	}
	// A missing parent or a view: Vitess never places it.
	tableLevel := func(name string) int { return walk(name, parents, cyclic) }
	// A table or dual or unknown name the view reads: any table sorts before
	// any view, and Vitess' load has judged the rest.
	viewLevel := func(name string) int { return walk(name, reads, -1) }
	type ranked struct {
		e           vsd.Entity
		view, level int
	}
	rs := make([]ranked, 0, len(s.named))
	for name, e := range s.named {
		if _, ok := e.(*vsd.CreateViewEntity); ok {
			rs = append(rs, ranked{e: e, view: 1})
			continue
		}
		rs = append(rs, ranked{e: e, level: tableLevel(name)})
	}
	for i := range rs {
		if rs[i].view == 1 {
			rs[i].level = viewLevel(rs[i].e.Name())
		}
		if rs[i].level == cyclic {
			rs[i].level = math.MaxInt // after every level, by name
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.view != b.view {
			return a.view < b.view
		}
		if a.level != b.level {
			return a.level < b.level
		}
		return a.e.Name() < b.e.Name()
	})
	s.sorted = make([]vsd.Entity, len(rs))
	for i, r := range rs {
		s.sorted[i] = r.e
	}
}

// entityDiffs diffs two sides as Vitess' Schema.diff does (drops in
// reverse source order, then changes and creations in target order), each
// diff's subsequent diffs flattened into the list as SchemaDiff does.
func entityDiffs(from, to *side, hints *vsd.DiffHints) ([]vsd.EntityDiff, error) {
	var drops, alters, creates []vsd.EntityDiff
	for _, e := range from.sorted {
		if _, ok := to.named[e.Name()]; !ok {
			drops = append(drops, e.Drop())
		}
	}
	slices.Reverse(drops)
	for _, e := range to.sorted {
		fe, ok := from.named[e.Name()]
		if !ok {
			creates = append(creates, e.Create())
			continue
		}
		d, err := fe.Diff(e, hints)
		switch {
		case errors.Is(err, vsd.ErrEntityTypeMismatch):
			drops = append(drops, fe.Drop())
			creates = append(creates, e.Create())
		case err != nil:
			return nil, err
		case d != nil && !d.IsEmpty():
			alters = append(alters, d)
		}
	}
	var out []vsd.EntityDiff
	for _, d := range slices.Concat(drops, alters, creates) {
		for _, sub := range vsd.AllSubsequent(d) {
			out = append(out, sub)
			sub.SetSubsequentDiff(nil)
		}
	}
	return out, nil
}

// vitessClasses numbers each diff's equivalence class as SchemaDiff does
// (diffs related through the entities they depend on, a class named by its
// first diff), the order in which OrderedDiffs emits them.
func vitessClasses(from *side, diffs []vsd.EntityDiff) []int {
	byName := map[string][]int{}
	for i, d := range diffs {
		byName[d.EntityName()] = append(byName[d.EntityName()], i)
	}
	class := make([]int, len(diffs))
	for i := range class {
		class[i] = i
	}
	find := func(x int) int {
		for class[x] != x {
			class[x] = class[class[x]]
			x = class[x]
		}
		return x
	}
	relate := func(i int, names ...string) {
		for _, n := range names {
			for _, j := range byName[n] {
				ri, rj := find(i), find(j)
				if ri > rj {
					ri, rj = rj, ri
				}
				class[rj] = ri
			}
		}
	}
	for _, ds := range byName {
		for _, j := range ds[1:] {
			relate(j, diffs[ds[0]].EntityName())
		}
	}
	for i, d := range diffs {
		fe, te := d.Entities()
		switch d.(type) {
		case *vsd.CreateViewEntityDiff, *vsd.AlterViewEntityDiff, *vsd.DropViewEntityDiff:
			for _, e := range []vsd.Entity{fe, te} {
				if e != nil {
					relate(i, references(e)...)
				}
			}
		case *vsd.CreateTableEntityDiff:
			if t, ok := te.(*vsd.CreateTableEntity); ok {
				for _, fk := range tableForeignKeys(t) {
					relate(i, fk.parent)
				}
			}
		case *vsd.AlterTableEntityDiff:
			ft := from.Table(d.EntityName())
			_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
				switch n := n.(type) {
				case *sqlparser.AddConstraintDefinition:
					if fk, ok := n.ConstraintDefinition.Details.(*sqlparser.ForeignKeyDefinition); ok && fk.ReferenceDefinition != nil {
						relate(i, fk.ReferenceDefinition.ReferencedTable.Name.String())
					}
				case *sqlparser.DropKey:
					if (n.Type == sqlparser.ForeignKeyType || n.Type == sqlparser.ConstraintType) && ft != nil {
						for _, fk := range tableForeignKeys(ft) {
							if fk.name == n.Name.String() {
								relate(i, fk.parent)
							}
						}
					}
				}
				return true, nil
			}, d.Statement())
		}
	}
	for i := range class {
		class[i] = find(i)
	}
	return class
}

// orderGroup diffs one group of linked entities of from → to and orders the
// diffs (see the top of the file). With a foreign-key cycle the plan has up
// to three stages: ALTER TABLE ... DROP FOREIGN KEY for the cycle's keys the
// target removes, the changes without those keys, then ALTER TABLE ... ADD
// FOREIGN KEY for the cycle's keys the target adds.
func orderGroup(ctx context.Context, from, to *Schema, names []string, hints *vsd.DiffHints) ([]vsd.EntityDiff, error) {
	if hints.TableRenameStrategy != vsd.TableRenameAssumeDifferent {
		// Renames move foreign keys between names: with rename detection on
		// (not the default), Vitess diffs and orders the group itself.
		return vitessOrderGroup(ctx, from, to, names, hints)
	}
	fs, ts := from.groupSide(names, nil), to.groupSide(names, nil)
	diffs, err := entityDiffs(fs, ts, hints)
	if err != nil {
		return nil, err
	}
	g := newOrderGraph(fs, ts, diffs)
	dropFirst, addLast := g.cycleKeys()
	if dropFirst == nil && addLast == nil {
		return g.sorted(fs)
	}
	var out []vsd.EntityDiff
	mid := from.groupSide(names, dropFirst)
	if len(dropFirst) > 0 {
		pre, err := entityDiffs(fs, mid, hints)
		if err != nil {
			return nil, err
		}
		out = append(out, pre...)
		mid = from.groupSide(names, dropFirst)
	}
	target := to.groupSide(names, addLast)
	main, err := entityDiffs(mid, target, hints)
	if err != nil {
		return nil, err
	}
	ordered, err := newOrderGraph(mid, target, main).sorted(mid)
	if err != nil {
		return nil, err
	}
	out = append(out, ordered...)
	if len(addLast) > 0 {
		post, err := entityDiffs(to.groupSide(names, addLast), to.groupSide(names, nil), hints)
		if err != nil {
			return nil, err
		}
		out = append(out, post...)
	}
	return out, nil
}

// vitessOrderGroup is Vitess' own diff and permutation search of a group.
func vitessOrderGroup(ctx context.Context, from, to *Schema, names []string, hints *vsd.DiffHints) ([]vsd.EntityDiff, error) {
	fv, err := from.subSchema(names)
	if err != nil {
		return nil, err
	}
	tv, err := to.subSchema(names)
	if err != nil {
		return nil, err
	}
	sd, err := fv.SchemaDiff(tv, hints)
	if err != nil {
		return nil, err
	}
	return sd.OrderedDiffs(ctx)
}
