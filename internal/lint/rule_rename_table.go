package lint

import (
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleRenameTable = &Rule{
	ID:       "rename-table",
	Risk:     schemadiff.RiskRenamesTable,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change renames a table (RENAME TABLE, or ALTER TABLE ... RENAME TO).",
	Why: "Application code that still uses the old name fails the moment the rename runs, and code using the new name fails until it has run: there is no order of deploys that avoids errors. " +
		"Without rename detection the diff (like a PlanetScale deploy request) also sees a drop of the old table and a create of an empty new one, losing the rows.",
	Fix: "Prefer an expand-and-contract change: create the new table, write to both, backfill, move reads, then drop the old table in a later pull request. " +
		"If a short outage is acceptable, suppress with a reason.",
	Check: func(p *Pass) {
		seen := map[string]bool{}
		key := func(from, to string) string { return strings.ToLower(from) + "\x00" + strings.ToLower(to) }
		// Explicit renames in the linted statements, even when the diff shows
		// them as a drop and a create.
		h := newTableHistory()
		for _, st := range p.Statements {
			for _, rn := range tableRenamesIn(p, st) {
				if h.existedBefore(p, rn.from) && !seen[key(rn.from, rn.to)] {
					seen[key(rn.from, rn.to)] = true
					p.Report(rn.at, "%s", renameTableMessage(p, rn.from, rn.to))
				}
			}
			h.step(st.AST)
		}
		// Renames the diff found (rename detection on).
		for c, r := range p.risks(schemadiff.RiskRenamesTable) {
			if seen[key(c.Entity, c.NewName)] {
				continue
			}
			seen[key(c.Entity, c.NewName)] = true
			at := p.Locate(c.NewName, "")
			if anyStatementTouches(p, c.Entity) {
				at = p.Locate(c.Entity, "")
			}
			p.Report(at, "%s", r.Message)
		}
	},
}

type tableRename struct {
	from, to string
	at       schemadiff.Origin
}

// tableRenamesIn lists the table renames a statement makes, each positioned
// at the old name (RENAME TABLE) or at the RENAME keyword (ALTER TABLE).
func tableRenamesIn(p *Pass, st schemadiff.Statement) []tableRename {
	var out []tableRename
	switch s := st.AST.(type) {
	case *sqlparser.RenameTable:
		for _, pr := range s.TablePairs {
			rn := tableRename{from: pr.FromTable.Name.String(), to: pr.ToTable.Name.String(), at: st.Origin}
			if o, ok := p.findWord(st, rn.from); ok {
				rn.at = o
			}
			out = append(out, rn)
		}
	case *sqlparser.AlterTable:
		for _, o := range s.AlterOptions {
			if r, ok := o.(*sqlparser.RenameTableName); ok {
				rn := tableRename{from: s.Table.Name.String(), to: r.Table.Name.String(), at: st.Origin}
				if o, ok := p.findWord(st, "RENAME"); ok {
					rn.at = o
				}
				out = append(out, rn)
			}
		}
	}
	return out
}

func renameTableMessage(p *Pass, from, to string) string {
	msg := fmt.Sprintf("renames table %s to %s: queries that use the old name fail once it runs", Quote(from), Quote(to))
	for _, c := range p.changes() {
		if c.Kind == schemadiff.DropTable && c.Entity == from {
			return msg + ", and the diff sees it as dropping " + Quote(from) + " and creating an empty " + Quote(to)
		}
	}
	return msg
}

// anyStatementTouches reports whether a linted statement creates, alters, drops or
// renames the entity.
func anyStatementTouches(p *Pass, entity string) bool { return len(p.touching(entity)) > 0 }

func init() { register(ruleRenameTable) }
