package lint

import (
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleRenameColumn = &Rule{
	ID:       "rename-column",
	Risk:     schemadiff.RiskRenamesColumn,
	Category: CategorySafety,
	Severity: Error,
	Summary:  "The change renames a column (RENAME COLUMN, or CHANGE COLUMN with a new name).",
	Why: "Application code that still uses the old name fails the moment the rename runs, and code using the new name fails until it has run. " +
		"Without rename detection the diff (like a PlanetScale deploy request) also sees a dropped column and an added empty one, losing the data.",
	Fix: "Prefer an expand-and-contract change: add the new column, write to both, backfill, move reads, then drop the old column in a later pull request. " +
		"If a short outage is acceptable, suppress with a reason.",
	Check: func(p *Pass) {
		seen := map[string]bool{}
		key := func(table, col string) string { return table + "\x00" + strings.ToLower(col) }
		// Explicit renames in the linted statements, even when the diff shows
		// them as a dropped and an added column.
		h := newTableHistory()
		for _, st := range p.Statements {
			if alter, ok := st.AST.(*sqlparser.AlterTable); ok {
				table := alter.Table.Name.String()
				for _, rn := range columnRenamesIn(alter) {
					if !h.existedBefore(p, table) || !columnExistedBefore(p, h.original(table), rn[0]) || seen[key(table, rn[0])] {
						continue
					}
					seen[key(table, rn[0])] = true
					at := st.Origin
					if o, ok := p.findWord(st, rn[0]); ok {
						at = o
					}
					p.Report(at, "%s", renameColumnMessage(p, table, rn[0], rn[1]))
				}
			}
			h.step(st.AST)
		}
		// Renames the diff found (rename detection on).
		for c, r := range p.risks(schemadiff.RiskRenamesColumn) {
			if seen[key(c.Entity, r.Column)] {
				continue
			}
			seen[key(c.Entity, r.Column)] = true
			needles := []string{r.Column}
			for _, n := range c.Summary.ColumnsRenamed {
				if from, to, ok := strings.Cut(n, " → "); ok && strings.EqualFold(from, r.Column) {
					needles = append(needles, to)
				}
			}
			p.Report(locateFirst(p, c.Entity, needles...), "%s", r.Message)
		}
	},
}

// columnRenamesIn lists the [old, new] column names an ALTER TABLE renames.
func columnRenamesIn(alter *sqlparser.AlterTable) [][2]string {
	var out [][2]string
	for _, o := range alter.AlterOptions {
		switch o := o.(type) {
		case *sqlparser.RenameColumn:
			if !o.OldName.Name.Equal(o.NewName.Name) {
				out = append(out, [2]string{o.OldName.Name.String(), o.NewName.Name.String()})
			}
		case *sqlparser.ChangeColumn:
			if o.NewColDefinition != nil && !o.OldColumn.Name.Equal(o.NewColDefinition.Name) {
				out = append(out, [2]string{o.OldColumn.Name.String(), o.NewColDefinition.Name.String()})
			}
		}
	}
	return out
}

// columnExistedBefore reports whether the base schema has the column (true
// without a base: the statements alone cannot tell).
func columnExistedBefore(p *Pass, table, column string) bool {
	if p.Base == nil {
		return true
	}
	t := p.Base.Table(table)
	if t == nil {
		return false
	}
	_, ok := t.ColumnDefinitionEntitiesMap()[strings.ToLower(column)]
	return ok
}

func renameColumnMessage(p *Pass, table, from, to string) string {
	msg := fmt.Sprintf("renames column %s to %s in %s: queries that use the old name fail once it runs", Quote(from), Quote(to), Quote(table))
	for _, c := range p.changes() {
		if c.Kind != schemadiff.AlterTable || c.Entity != table {
			continue
		}
		for _, d := range c.Summary.ColumnsDropped {
			if strings.EqualFold(d, from) {
				return msg + ", and the diff sees it as dropping " + Quote(from) + " (and its data) and adding an empty " + Quote(to)
			}
		}
	}
	return msg
}

func init() { register(ruleRenameColumn) }
