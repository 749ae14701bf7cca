package schemadiff

import (
	"slices"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// applyAlterTable applies an ALTER TABLE to a table. Vitess' in-memory apply
// handles most options, but renames a column without following it into the
// indexes and foreign keys that use it (they lose the column), and rejects
// CHANGE COLUMN and CONVERT TO CHARACTER SET. Those three are applied here, on
// the CREATE TABLE statement, in order with the options Vitess applies.
// It returns the new table and the tables whose foreign keys followed a
// renamed column.
func (b *Builder) applyAlterTable(t *vsd.CreateTableEntity, alter *sqlparser.AlterTable, opts []sqlparser.AlterOption) (*vsd.CreateTableEntity, map[string]*vsd.CreateTableEntity, error) {
	env := b.s.env.vitess
	cur := t
	others := map[string]*vsd.CreateTableEntity{}
	var batch []sqlparser.AlterOption
	flush := func(withPartitions bool) error {
		if len(batch) == 0 && !(withPartitions && (alter.PartitionSpec != nil || alter.PartitionOption != nil)) {
			return nil
		}
		a := sqlparser.Clone(alter)
		a.AlterOptions = batch
		if !withPartitions {
			a.PartitionSpec, a.PartitionOption = nil, nil
		}
		e, err := cur.Apply(vsd.EntityDiffByStatement(a))
		if err != nil {
			return err
		}
		cur = e.(*vsd.CreateTableEntity)
		batch = nil
		return nil
	}
	rebuild := func(stmt *sqlparser.CreateTable) error {
		nt, err := vsd.NewCreateTableEntity(env, stmt)
		if err != nil {
			return err
		}
		cur = nt
		return nil
	}
	for _, o := range opts {
		switch o := o.(type) {
		case *sqlparser.RenameColumn:
			if err := flush(false); err != nil {
				return nil, nil, err
			}
			stmt, err := renameColumn(cur, o.OldName.Name, o.NewName.Name)
			if err != nil {
				return nil, nil, err
			}
			if err := rebuild(stmt); err != nil {
				return nil, nil, err
			}
			b.followRenamedColumn(cur.Name(), o.OldName.Name, o.NewName.Name, others)
		case *sqlparser.ChangeColumn:
			if err := flush(false); err != nil {
				return nil, nil, err
			}
			newName := o.NewColDefinition.Name
			if !o.OldColumn.Name.Equal(newName) {
				stmt, err := renameColumn(cur, o.OldColumn.Name, newName)
				if err != nil {
					return nil, nil, err
				}
				if err := rebuild(stmt); err != nil {
					return nil, nil, err
				}
				b.followRenamedColumn(cur.Name(), o.OldColumn.Name, newName, others)
			} else if !hasColumn(cur.CreateTable, newName) {
				return nil, nil, &vsd.ApplyColumnNotFoundError{Table: cur.Name(), Column: newName.String()}
			}
			// The rest of CHANGE COLUMN is a MODIFY COLUMN of the (new) name.
			batch = append(batch, &sqlparser.ModifyColumn{NewColDefinition: o.NewColDefinition, First: o.First, After: o.After})
		case *sqlparser.AlterCharset:
			if err := flush(false); err != nil {
				return nil, nil, err
			}
			if err := rebuild(convertCharset(cur.CreateTable, o.CharacterSet, o.Collate)); err != nil {
				return nil, nil, err
			}
		case *sqlparser.AddColumns:
			// ADD COLUMN (a ..., b ...): Vitess applies one column per option.
			if len(o.Columns) > 1 {
				for _, c := range o.Columns {
					batch = append(batch, &sqlparser.AddColumns{Columns: []*sqlparser.ColumnDefinition{c}})
				}
				continue
			}
			batch = append(batch, o)
		default:
			batch = append(batch, o)
		}
	}
	if err := flush(true); err != nil {
		return nil, nil, err
	}
	return cur, others, nil
}

func hasColumn(stmt *sqlparser.CreateTable, name sqlparser.IdentifierCI) bool {
	for _, c := range stmt.TableSpec.Columns {
		if c.Name.Equal(name) {
			return true
		}
	}
	return false
}

// renameColumn renames a column and every index, foreign key and check of
// the table that names it, as MySQL does.
func renameColumn(t *vsd.CreateTableEntity, from, to sqlparser.IdentifierCI) (*sqlparser.CreateTable, error) {
	stmt := sqlparser.Clone(t.CreateTable)
	if !hasColumn(stmt, from) {
		return nil, &vsd.ApplyColumnNotFoundError{Table: t.Name(), Column: from.String()}
	}
	if !from.Equal(to) && hasColumn(stmt, to) {
		return nil, &vsd.ApplyDuplicateColumnError{Table: t.Name(), Column: to.String()}
	}
	for _, c := range stmt.TableSpec.Columns {
		if c.Name.Equal(from) {
			c.Name = to
		}
	}
	for _, idx := range stmt.TableSpec.Indexes {
		for _, ic := range idx.Columns {
			if ic.Column.Equal(from) {
				ic.Column = to
			}
		}
	}
	renameInExprs := func(node sqlparser.SQLNode) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if col, ok := n.(*sqlparser.ColName); ok && col.Qualifier.IsEmpty() && col.Name.Equal(from) {
				col.Name = to
			}
			return true, nil
		}, node)
	}
	for _, c := range stmt.TableSpec.Columns {
		if c.Type.Options != nil && c.Type.Options.As != nil {
			renameInExprs(c.Type.Options.As)
		}
	}
	for _, cons := range stmt.TableSpec.Constraints {
		switch d := cons.Details.(type) {
		case *sqlparser.ForeignKeyDefinition:
			renameColumns(d.Source, from, to)
			if d.ReferenceDefinition != nil && d.ReferenceDefinition.ReferencedTable.Name.String() == t.Name() {
				renameColumns(d.ReferenceDefinition.ReferencedColumns, from, to)
			}
		case *sqlparser.CheckConstraintDefinition:
			renameInExprs(d.Expr)
		}
	}
	return stmt, nil
}

func renameColumns(cols sqlparser.Columns, from, to sqlparser.IdentifierCI) {
	for i, c := range cols {
		if c.Equal(from) {
			cols[i] = to
		}
	}
}

// followRenamedColumn updates the foreign keys of other tables that reference
// a renamed column, as MySQL does.
func (b *Builder) followRenamedColumn(table string, from, to sqlparser.IdentifierCI, changed map[string]*vsd.CreateTableEntity) {
	for _, name := range b.s.order {
		if name == table {
			continue
		}
		other := changed[name]
		if other == nil {
			other = b.s.Table(name)
		}
		if other == nil {
			continue
		}
		names := func(ref *sqlparser.ReferenceDefinition) bool {
			return slices.ContainsFunc(ref.ReferencedColumns, from.Equal)
		}
		if nt := b.withReferences(other, table, names, func(ref *sqlparser.ReferenceDefinition) {
			renameColumns(ref.ReferencedColumns, from, to)
		}); nt != nil {
			changed[name] = nt
		}
	}
}

// textualTypes are the column types CONVERT TO CHARACTER SET changes.
var textualTypes = map[string]bool{"char": true, "varchar": true, "tinytext": true, "text": true, "mediumtext": true, "longtext": true, "enum": true, "set": true}

// convertCharset applies CONVERT TO CHARACTER SET: the table's default and
// every textual column take the new charset (and collation, when given).
func convertCharset(t *sqlparser.CreateTable, charset, collate string) *sqlparser.CreateTable {
	stmt := sqlparser.Clone(t)
	var opts sqlparser.TableOptions
	for _, o := range stmt.TableSpec.Options {
		n := strings.ToLower(o.Name)
		if n == "charset" || n == "character set" || n == "default charset" || n == "collate" || n == "default collate" {
			continue
		}
		opts = append(opts, o)
	}
	if charset != "" && !strings.EqualFold(charset, "default") {
		opts = append(opts, &sqlparser.TableOption{Name: "CHARSET", String: charset, CaseSensitive: true})
	}
	if collate != "" {
		opts = append(opts, &sqlparser.TableOption{Name: "COLLATE", String: collate, CaseSensitive: true})
	}
	stmt.TableSpec.Options = opts
	for _, c := range stmt.TableSpec.Columns {
		if !textualTypes[strings.ToLower(c.Type.Type)] || c.Type.Charset.Binary || strings.EqualFold(c.Type.Charset.Name, "binary") {
			continue
		}
		c.Type.Charset = sqlparser.ColumnCharset{}
		if c.Type.Options != nil {
			c.Type.Options.Collate = ""
		}
	}
	return stmt
}
