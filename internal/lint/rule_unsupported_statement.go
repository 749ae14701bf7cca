package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
)

var ruleUnsupportedStatement = &Rule{
	ID:       "unsupported-statement",
	Category: CategoryFile,
	Severity: Error,
	Summary:  "A statement PlanetScale does not accept: CREATE/ALTER/DROP DATABASE, triggers, stored procedures and functions, events, LOCK TABLES, CREATE TABLE ... SELECT, and similar; and mysql client commands (source file.sql).",
	Why: "A PlanetScale database holds tables and views only: PlanetScale creates the database itself, and has no triggers, stored routines or events. " +
		"CREATE TABLE ... SELECT copies data while it creates a table, which a deploy request cannot do. " +
		"ddlbot does not apply such a statement to the schema, so the branch would not match what the file says. " +
		"A stored program is one statement up to the END of its body, with or without DELIMITER, and is reported once. " +
		"`source file.sql` and `\\. file.sql` are run by the mysql client, never sent to the server: ddlbot does not read the file they name.",
	Fix: "Remove the statement from the schema files. Move the logic of triggers, routines and events into application code or a scheduled job; " +
		"write CREATE TABLE with its columns and copy rows with a data migration tool instead of CREATE TABLE ... SELECT; " +
		"instead of `source`, put the statements of the file it names in the schema folder.",
	Check: func(p *Pass) {
		for _, st := range p.Statements {
			if st.Kind != schemadiff.KindUnsupported {
				continue
			}
			if file, ok := st.ClientCommand(); ok {
				p.Report(st.Origin, "%s is a mysql client command: ddlbot does not follow it, so the statements of %s are not part of this schema; "+
					"put them in the schema folder itself (ddlbot reads every .sql file there) or copy them into this file, and remove this line", Quote(st.What), file)
				continue
			}
			what := strings.TrimSpace(st.What)
			if what == "" {
				what = "this statement"
			}
			p.Report(st.Origin, "%s: PlanetScale does not accept this statement, so it is not applied to the schema%s", what, unsupportedHint(what))
		}
	},
}

func init() { register(ruleUnsupportedStatement) }

// unsupportedHint says what to do instead, for the common cases.
func unsupportedHint(what string) string {
	w := strings.ToUpper(what)
	switch {
	case strings.Contains(w, "DATABASE") || strings.Contains(w, "SCHEMA"):
		return "; PlanetScale creates and manages the database itself"
	case strings.Contains(w, "TRIGGER"), strings.Contains(w, "PROCEDURE"), strings.Contains(w, "FUNCTION"), strings.Contains(w, "EVENT"), strings.HasPrefix(w, "CALL"):
		return "; move this logic into application code"
	case strings.Contains(w, "SELECT"):
		return "; create the table with its columns, then copy rows with a data migration tool"
	case strings.Contains(w, "LOCK"):
		return "; schema files must not lock tables"
	}
	return ""
}
