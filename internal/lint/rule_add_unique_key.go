package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
)

var ruleAddUniqueKey = &Rule{
	ID:       "add-unique-key",
	Risk:     schemadiff.RiskAddsUniqueKey,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change adds a UNIQUE key to an existing table (or makes a key unique, or changes a unique key's columns).",
	Why: "If existing rows hold duplicate values the change fails, possibly after copying most of a large table; " +
		"once it has run, application writes that repeat a value fail with a duplicate-key error.",
	Fix: "Look for duplicates first (`SELECT cols, COUNT(*) FROM t GROUP BY cols HAVING COUNT(*) > 1`) and clean them up, " +
		"and make the application stop writing duplicates before the change. Then suppress with a reason.",
	Check: func(p *Pass) {
		for c, r := range p.risks(schemadiff.RiskAddsUniqueKey) {
			first := ""
			if t, ok := c.To().(*vsd.CreateTableEntity); ok {
				if k := t.IndexDefinitionEntitiesMap()[strings.ToLower(r.Key)]; k != nil && len(k.ColumnNames()) > 0 {
					first = k.ColumnNames()[0]
				}
			}
			p.Report(locateKey(p, c.Entity, r.Key, first), "%s", r.Message)
		}
	},
}

func init() { register(ruleAddUniqueKey) }
