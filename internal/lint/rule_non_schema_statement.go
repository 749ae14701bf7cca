package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
)

var ruleNonSchemaStatement = &Rule{
	ID:       "non-schema-statement",
	Category: CategoryFile,
	Severity: Warning,
	Summary:  "A statement that is not a schema change (INSERT, UPDATE, DELETE, SET, USE, ...) in a schema or migration file.",
	Why: "A deploy request carries schema only. ddlbot reports these statements and skips them: they are never applied to the schema, " +
		"and nothing runs them on the PlanetScale branch or in production, so data the file seems to insert or fix never arrives.",
	Fix: "Move data changes into application code or a data migration tool that runs against the database; " +
		"remove session statements (SET, USE) from schema files. Suppress with a reason if the file is also run by another tool that needs them.",
	Check: func(p *Pass) {
		for _, st := range p.Statements {
			if st.Kind != schemadiff.KindNonSchema || st.What == "comment" {
				continue
			}
			what := strings.TrimSpace(st.What)
			if what == "" {
				what = "this statement"
			}
			p.Report(st.Origin, "%s is not a schema statement: it is reported, not applied to the schema; data changes belong in application code or a data migration tool", what)
		}
	},
}

func init() { register(ruleNonSchemaStatement) }
