package lint

import (
	"regexp"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleForeignKeysDisallowed = &Rule{
	ID:              "foreign-keys-disallowed",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "FOREIGN_KEYS_DISALLOWED",
	Summary:         "A FOREIGN KEY constraint in a database that does not allow foreign key constraints.",
	Why: "Unless foreign key constraints are enabled in the database's settings, PlanetScale rejects any deploy request whose schema has one: " +
		"Vitess refuses the DDL so that the database never runs half with and half without constraints. Sharded keyspaces never allow them.",
	Fix: "Remove the CONSTRAINT ... FOREIGN KEY clause and keep a plain index on the column for joins, enforcing the relationship in application code; " +
		"or enable foreign key constraints for the database and set `allow_foreign_keys: true` in .ddlbot.yml.",
	Check: func(p *Pass) {
		if p.AllowForeignKeys {
			return
		}
		for _, t := range p.Tables() {
			for _, cs := range t.TableSpec.Constraints {
				fk, ok := cs.Details.(*sqlparser.ForeignKeyDefinition)
				if !ok || fk.ReferenceDefinition == nil {
					continue
				}
				parent := fk.ReferenceDefinition.ReferencedTable.Name.String()
				cols := make([]string, len(fk.Source))
				for i, c := range fk.Source {
					cols[i] = Quote(c.String())
				}
				p.Report(locateForeignKey(p, t, cs.Name.String(), fk), "table %s has foreign key %s (%s) referencing %s: foreign key constraints are not enabled for this database",
					Quote(t.Name()), Quote(cs.Name.String()), strings.Join(cols, ", "), Quote(parent))
			}
		}
	},
}

func init() { register(ruleForeignKeysDisallowed) }

// locateForeignKey finds where a foreign key is written: at its constraint
// name when the SQL names it, else at the FOREIGN KEY words of the clause
// over its first column, else at its referenced table.
func locateForeignKey(p *Pass, t *vsd.CreateTableEntity, name string, fk *sqlparser.ForeignKeyDefinition) schemadiff.Origin {
	if name != "" {
		if o, ok := locateForeignKeyDefinition(p, t.Name(), name, fk, `\bCONSTRAINT\s+(`+"`?"+regexp.QuoteMeta(name)+"`?)(?:$|[^A-Za-z0-9_$`])"); ok {
			return o
		}
	}
	if o, ok := locateForeignKeyDefinition(p, t.Name(), name, fk, `\b(FOREIGN\s+KEY)\b`); ok {
		return o
	}
	if name != "" {
		if o, ok := psLocateSeq(p, t.Name(), `\bCONSTRAINT\s+(`+"`?"+regexp.QuoteMeta(name)+"`?)(?:$|[^A-Za-z0-9_$`])"); ok {
			return o
		}
	}
	if len(fk.Source) > 0 {
		col := regexp.QuoteMeta(fk.Source[0].String())
		if o, ok := psLocateSeq(p, t.Name(), `\b(FOREIGN\s+KEY)\b(?:\s+`+"`?[A-Za-z0-9_$]+`?"+`)?\s*\(\s*`+"`?"+col+"`?"+`\s*[,)]`); ok {
			return o
		}
	}
	parent := fk.ReferenceDefinition.ReferencedTable.Name.String()
	if o, ok := psLocateSeq(p, t.Name(), fkReferences(parent)); ok {
		return o
	}
	return p.Locate(t.Name(), name)
}
