package localscale

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// merge applies a branch's changes (base → head, as diffed) onto the into
// branch's schema as it is now, one statement at a time: the three-way part
// of the deploy checks. A change the into branch already has is not applied
// twice: a whole entity that is already identical is skipped, and so is a
// single ALTER option that fails because its effect is already there (a
// column or an index added, changed or dropped alike on both sides). Any
// other failure is a conflict; the error (a *schemadiff.LoadError) names the
// table through its problems' origins.
func (s *Server) merge(into, head *schemadiff.Schema, changes *schemadiff.Diff) (*schemadiff.Schema, error) {
	cur := into
	for _, c := range changes.Changes {
		if entityText(cur, c.Entity) == entityText(head, c.Entity) {
			continue
		}
		next, err := s.applyStatement(cur, c.Entity, c.Statement)
		if err == nil {
			cur = next
			continue
		}
		at := c.AlterTable()
		if at == nil || len(at.AlterOptions) == 0 {
			return nil, err
		}
		for _, opt := range at.AlterOptions {
			single := sqlparser.Clone(at)
			single.AlterOptions = []sqlparser.AlterOption{opt}
			next, oerr := s.applyStatement(cur, c.Entity, sqlparser.CanonicalString(single))
			switch {
			case oerr == nil:
				cur = next
			case satisfied(cur.Table(c.Entity), head.Table(c.Entity), opt):
			default:
				return nil, oerr
			}
		}
	}
	return cur, nil
}

// applyStatement applies one statement, parsed from a source named after
// the entity it changes, and validates the result.
func (s *Server) applyStatement(cur *schemadiff.Schema, entity, stmt string) (*schemadiff.Schema, error) {
	b := s.env.NewBuilderFrom(cur)
	b.Apply(s.env.ParseSource(schemadiff.NewSource(entity, stmt)))
	return b.Finish()
}

// satisfied reports whether the effect of one ALTER option of the branch is
// already in the into branch's table.
func satisfied(cur, head *vsd.CreateTableEntity, opt sqlparser.AlterOption) bool {
	if cur == nil || head == nil {
		return false
	}
	switch o := opt.(type) {
	case *sqlparser.AddColumns:
		for _, c := range o.Columns {
			if !sameColumn(cur, head, c.Name.String()) {
				return false
			}
		}
		return true
	case *sqlparser.ModifyColumn:
		return sameColumn(cur, head, o.NewColDefinition.Name.String())
	case *sqlparser.ChangeColumn:
		old, renamed := o.OldColumn.Name.String(), o.NewColDefinition.Name.String()
		if !strings.EqualFold(old, renamed) && column(cur, old) != nil {
			return false
		}
		return sameColumn(cur, head, renamed)
	case *sqlparser.DropColumn:
		return column(cur, o.Name.Name.String()) == nil
	case *sqlparser.AddIndexDefinition:
		if o.IndexDefinition == nil || o.IndexDefinition.Info == nil {
			return false
		}
		name := o.IndexDefinition.Info.Name.String()
		a, b := index(cur, name), index(head, name)
		return a != nil && b != nil && sqlparser.CanonicalString(a) == sqlparser.CanonicalString(b)
	case *sqlparser.DropKey:
		return o.Type != sqlparser.PrimaryKeyType && index(cur, o.Name.String()) == nil
	}
	return false
}

func sameColumn(cur, head *vsd.CreateTableEntity, name string) bool {
	a, b := column(cur, name), column(head, name)
	return a != nil && b != nil && sqlparser.CanonicalString(a) == sqlparser.CanonicalString(b)
}

func column(t *vsd.CreateTableEntity, name string) *sqlparser.ColumnDefinition {
	for _, c := range t.TableSpec.Columns {
		if strings.EqualFold(c.Name.String(), name) {
			return c
		}
	}
	return nil
}

func index(t *vsd.CreateTableEntity, name string) *sqlparser.IndexDefinition {
	for _, ix := range t.TableSpec.Indexes {
		if ix.Info != nil && strings.EqualFold(ix.Info.Name.String(), name) {
			return ix
		}
	}
	return nil
}

// entityText is an entity's canonical CREATE statement ("" when absent).
func entityText(s *schemadiff.Schema, name string) string {
	if t := s.Table(name); t != nil {
		return sqlparser.CanonicalString(t.Create().Statement())
	}
	if v := s.View(name); v != nil {
		return sqlparser.CanonicalString(v.Create().Statement())
	}
	return ""
}
