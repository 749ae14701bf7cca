package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/mysql/capabilities"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleNotInstant = &Rule{
	ID:       "not-instant",
	Category: CategorySafety,
	Severity: Notice,
	Summary:  "An ALTER TABLE that MySQL cannot apply with ALGORITHM=INSTANT.",
	Why: "PlanetScale then runs the change as an online schema change: it copies the whole table in the background and cuts over at the end. " +
		"That is safe, but takes time (and disk) proportional to the table's size, and the deploy request stays in progress until the copy completes.",
	Fix: "Nothing is wrong: this is for planning. For a large table expect a long deploy; where possible, split instant parts " +
		"(adding a column at the end, appending ENUM values, renaming an index) from the parts that need a copy.",
	Check: func(p *Pass) {
		for _, c := range p.changes() {
			if c.Kind != schemadiff.AlterTable || c.Instant {
				continue
			}
			what := ""
			parts, first := nonInstantParts(c, p.Diff.MySQLVersion)
			if len(parts) > 0 {
				what = " (" + strings.Join(parts, ", ") + ")"
			}
			// At the statement that makes the change copy the table (the
			// first part that is not instant), not at the table's last
			// statement: in migrations those can be different files.
			p.Report(locateOption(p, c.Entity, first), "the change to %s cannot run with ALGORITHM=INSTANT on MySQL %s%s: PlanetScale copies the table (online DDL), which takes time proportional to its size",
				Quote(c.Entity), p.Diff.MySQLVersion, what)
		}
	},
}

// nonInstantParts names the parts of an ALTER TABLE that are not instant on
// their own (at most three, then "…"), and returns the first of them (nil
// when none is known).
func nonInstantParts(c *schemadiff.Change, version string) (labels []string, first sqlparser.AlterOption) {
	alter := c.AlterTable()
	ft, _ := c.From().(*vsd.CreateTableEntity)
	if alter == nil || ft == nil {
		return nil, nil
	}
	capable := capabilities.MySQLVersionCapableOf(version)
	for _, o := range alter.AlterOptions {
		one := sqlparser.Clone(alter)
		one.AlterOptions = []sqlparser.AlterOption{o}
		if ok, err := vsd.AlterTableCapableOfInstantDDL(one, ft.CreateTable, capable); err == nil && !ok {
			if first == nil {
				first = o
			}
			if len(labels) == 3 {
				return append(labels, "…"), first
			}
			labels = append(labels, alterOptionLabel(o))
		}
	}
	if alter.PartitionSpec != nil || alter.PartitionOption != nil {
		labels = append(labels, "partitioning")
	}
	return labels, first
}

// locateOption finds the statement and word that an ALTER TABLE part of the
// diff comes from: the index or column it names. It falls back to the
// table's latest statement.
func locateOption(p *Pass, table string, o sqlparser.AlterOption) schemadiff.Origin {
	switch o := o.(type) {
	case *sqlparser.AddIndexDefinition:
		first := ""
		if cols := o.IndexDefinition.Columns; len(cols) > 0 {
			first = cols[0].Column.String()
		}
		return locateKey(p, table, o.IndexDefinition.Info.Name.String(), first)
	case *sqlparser.AddColumns:
		if len(o.Columns) > 0 {
			return locateFirst(p, table, o.Columns[0].Name.String())
		}
	case *sqlparser.ModifyColumn:
		return locateFirst(p, table, o.NewColDefinition.Name.String())
	case *sqlparser.ChangeColumn:
		return locateFirst(p, table, o.OldColumn.Name.String())
	case *sqlparser.DropColumn:
		return locateFirst(p, table, o.Name.Name.String())
	case *sqlparser.AlterColumn:
		return locateFirst(p, table, o.Column.Name.String())
	case *sqlparser.DropKey:
		return locateFirst(p, table, o.Name.String())
	}
	return p.Locate(table, "")
}

// alterOptionLabel names an ALTER TABLE part briefly: "MODIFY COLUMN `a`".
func alterOptionLabel(o sqlparser.AlterOption) string {
	switch o := o.(type) {
	case *sqlparser.AddColumns:
		names := make([]string, 0, len(o.Columns))
		for _, c := range o.Columns {
			names = append(names, Quote(c.Name.String()))
		}
		return "ADD COLUMN " + strings.Join(names, ", ")
	case *sqlparser.ModifyColumn:
		return "MODIFY COLUMN " + Quote(o.NewColDefinition.Name.String())
	case *sqlparser.ChangeColumn:
		return "CHANGE COLUMN " + Quote(o.OldColumn.Name.String())
	case *sqlparser.RenameColumn:
		return "RENAME COLUMN " + Quote(o.OldName.Name.String())
	case *sqlparser.DropColumn:
		return "DROP COLUMN " + Quote(o.Name.Name.String())
	case *sqlparser.AlterColumn:
		return "ALTER COLUMN " + Quote(o.Column.Name.String())
	case *sqlparser.AddIndexDefinition:
		kind := "KEY"
		switch o.IndexDefinition.Info.Type {
		case sqlparser.IndexTypePrimary:
			return "ADD PRIMARY KEY"
		case sqlparser.IndexTypeUnique:
			kind = "UNIQUE KEY"
		case sqlparser.IndexTypeFullText:
			kind = "FULLTEXT KEY"
		case sqlparser.IndexTypeSpatial:
			kind = "SPATIAL KEY"
		}
		return "ADD " + kind + " " + Quote(o.IndexDefinition.Info.Name.String())
	case *sqlparser.DropKey:
		if o.Type == sqlparser.PrimaryKeyType {
			return "DROP PRIMARY KEY"
		}
		return "DROP " + o.Type.ToString() + " " + Quote(o.Name.String())
	case *sqlparser.AddConstraintDefinition:
		return "ADD CONSTRAINT " + Quote(o.ConstraintDefinition.Name.String())
	}
	return Truncate(sqlparser.CanonicalString(o), 40)
}

func init() { register(ruleNotInstant) }
