package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var rulePrimaryKeyChange = &Rule{
	ID:       "primary-key-change",
	Risk:     schemadiff.RiskPrimaryKeyChange,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change adds, drops or changes a table's PRIMARY KEY.",
	Why: "InnoDB stores rows in primary key order, so the change rewrites the whole table; it fails if the new key has duplicates or NULLs, " +
		"and online DDL needs a unique key shared by the old and new table to copy rows. Queries and replication that rely on the old key may change behaviour.",
	Fix: "Check the new key columns for duplicates and NULLs first, keep a UNIQUE key on the old key columns during the change if you can, " +
		"and schedule the change for a large table. Then suppress with a reason.",
	Check: func(p *Pass) {
		for c, r := range p.risks(schemadiff.RiskPrimaryKeyChange) {
			p.Report(locateKey(p, c.Entity, "PRIMARY", ""), "%s", r.Message)
		}
	},
}

func init() { register(rulePrimaryKeyChange) }
