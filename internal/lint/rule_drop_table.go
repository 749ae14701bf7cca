package lint

import (
	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleDropTable = &Rule{
	ID:       "drop-table",
	Risk:     schemadiff.RiskDropsTable,
	Category: CategorySafety,
	Severity: Error,
	Summary:  "The change drops a table.",
	Why: "Dropping a table deletes every row in it, and code still reading or writing it fails once the change is deployed. " +
		"A rename in a migration counts too: the schema diff (like a PlanetScale deploy request) sees it as dropping the old table and creating an empty new one.",
	Fix: "Stop using the table in a deploy first, and keep a backup if the data may be needed; drop it in a later pull request and suppress with a reason. " +
		"To rename a table, create the new one, copy the data and move the code over, then drop the old one.",
	Check: func(p *Pass) {
		for c, r := range p.risks(schemadiff.RiskDropsTable) {
			msg := r.Message
			if to := renamedAwayTo(p, c.Entity); to != "" {
				msg += ": the migration renames it to " + Quote(to) + ", but the diff sees a drop and a create, so the rows are not carried over"
			}
			p.Report(p.Locate(c.Entity, c.Entity), "%s", msg)
		}
	},
}

// renamedAwayTo returns the name a statement of the linted files renames the
// table to ("" when none does).
func renamedAwayTo(p *Pass, table string) string {
	to := ""
	for _, st := range p.Statements {
		switch s := st.AST.(type) {
		case *sqlparser.RenameTable:
			for _, pr := range s.TablePairs {
				if pr.FromTable.Name.String() == table {
					to = pr.ToTable.Name.String()
				}
			}
		case *sqlparser.AlterTable:
			if s.Table.Name.String() != table {
				continue
			}
			for _, o := range s.AlterOptions {
				if r, ok := o.(*sqlparser.RenameTableName); ok {
					to = r.Table.Name.String()
				}
			}
		}
	}
	return to
}

func init() { register(ruleDropTable) }
