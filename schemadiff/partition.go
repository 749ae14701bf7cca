package schemadiff

import (
	"sort"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Vitess orders a diff by applying candidate diffs to copies of the whole
// schema and re-validating it each time: fine for tens of tables, seconds for
// thousands. Entities that are not linked by a foreign key or a view reference
// cannot constrain each other's order, so Compute splits the changed entities
// into groups linked that way and diffs each group's entities on their own.

// references returns the names an entity depends on: foreign key parents of a
// table, tables and views a view reads.
func references(e vsd.Entity) []string {
	var out []string
	switch e := e.(type) {
	case *vsd.CreateTableEntity:
		for _, c := range e.TableSpec.Constraints {
			if fk, ok := c.Details.(*sqlparser.ForeignKeyDefinition); ok && fk.ReferenceDefinition != nil {
				out = append(out, fk.ReferenceDefinition.ReferencedTable.Name.String())
			}
		}
	case *vsd.CreateViewEntity:
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if t, ok := n.(sqlparser.TableName); ok && !t.Name.IsEmpty() {
				out = append(out, t.Name.String())
			}
			return true, nil
		}, e.CreateView.Select)
	}
	return out
}

// unionFind groups names.
type unionFind map[string]string

func (u unionFind) find(x string) string {
	for {
		p, ok := u[x]
		if !ok {
			u[x] = x
			return x
		}
		if p == x {
			return x
		}
		u[x] = u[p] // path halving
		x = u[p]
	}
}

func (u unionFind) union(a, b string) { u[u.find(a)] = u.find(b) }

// diffGroups returns the groups of entity names to diff together: every group
// holds at least one changed entity and everything linked to it in either
// schema. Unchanged entities linked to nothing are left out.
func diffGroups(from, to *Schema, detectRenames bool) [][]string {
	u := unionFind{}
	var changed []string
	seen := map[string]bool{}
	consider := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		fe, te := from.entities[name], to.entities[name]
		u.find(name)
		if fe == nil || te == nil || !sameEntity(fe, te) {
			changed = append(changed, name)
		}
	}
	for _, n := range from.order {
		consider(n)
	}
	for _, n := range to.order {
		consider(n)
	}
	for _, s := range []*Schema{from, to} {
		for _, n := range s.order {
			for _, r := range references(s.entities[n]) {
				if _, ok := s.entities[r]; ok {
					u.union(n, r)
				}
			}
		}
	}
	if detectRenames {
		// A table dropped and another created may be one renamed: let Vitess see them together.
		var gone, born []string
		for _, n := range changed {
			if from.entities[n] == nil {
				born = append(born, n)
			} else if to.entities[n] == nil {
				gone = append(gone, n)
			}
		}
		if len(gone) > 0 && len(born) > 0 {
			all := append(gone, born...)
			for _, n := range all[1:] {
				u.union(all[0], n)
			}
		}
	}
	wanted := map[string]bool{}
	for _, n := range changed {
		wanted[u.find(n)] = true
	}
	byRoot := map[string][]string{}
	var roots []string
	placed := map[string]bool{}
	for _, s := range []*Schema{from, to} {
		for _, n := range s.order {
			r := u.find(n)
			if !wanted[r] || placed[n] {
				continue
			}
			placed[n] = true
			if _, ok := byRoot[r]; !ok {
				roots = append(roots, r)
			}
			byRoot[r] = append(byRoot[r], n)
		}
	}
	out := make([][]string, 0, len(roots))
	for _, r := range roots {
		out = append(out, byRoot[r])
	}
	return out
}

// sameEntity compares two entities by their canonical CREATE statement.
// Statements that are equal node for node print the same, so most
// unchanged entities are told apart without printing either.
func sameEntity(a, b vsd.Entity) bool {
	sa, sb := a.Create().Statement(), b.Create().Statement()
	if sqlparser.Equals.SQLNode(sa, sb) {
		return true
	}
	return sqlparser.CanonicalString(sa) == sqlparser.CanonicalString(sb)
}

// subSchema builds a Vitess schema from copies of some entities of s (copies,
// because Vitess normalises the entities it diffs in place).
func (s *Schema) subSchema(names []string) (*vsd.Schema, error) {
	entities := make([]vsd.Entity, 0, len(names))
	for _, n := range names {
		if e, ok := s.entities[n]; ok {
			entities = append(entities, e.Clone())
		}
	}
	return vsd.NewSchemaFromEntities(s.env.vitess, entities)
}

// kindRank orders groups in the output: drops, then changes, then creations,
// as one reads a migration.
func kindRank(d vsd.EntityDiff) int {
	switch d.Statement().(type) {
	case *sqlparser.DropView:
		return 0
	case *sqlparser.DropTable:
		return 1
	case *sqlparser.AlterTable, *sqlparser.RenameTable:
		return 2
	case *sqlparser.AlterView:
		return 3
	case *sqlparser.CreateTable:
		return 4
	default:
		return 5
	}
}

// sortGroups orders the ordered diffs of independent groups (each group keeps
// its own order) by the kind, then the entity name, of their first diff.
func sortGroups(groups [][]vsd.EntityDiff) {
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i][0], groups[j][0]
		if ra, rb := kindRank(a), kindRank(b); ra != rb {
			return ra < rb
		}
		return a.EntityName() < b.EntityName()
	})
}
