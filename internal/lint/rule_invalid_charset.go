package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/mysql/collations"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleInvalidCharset = &Rule{
	ID:              "invalid-charset",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "INVALID_CHARSET",
	Summary:         "A table or column whose character set (given directly or through its collation) is not utf8mb4, utf8mb3 (utf8), latin1 or ascii.",
	Why: "PlanetScale accepts only those character sets and rejects a deploy request with a table or column in any other (utf16, utf32, ucs2, gbk, ...). " +
		"`CHARACTER SET binary` on a column is accepted: MySQL turns such a column into a binary string type (VARBINARY, BLOB), which has no character set; " +
		"as a table default it is reported, since the table keeps it.",
	Fix: "Use utf8mb4, for example `ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci`, or change the column's CHARACTER SET/COLLATE. " +
		"Test the conversion of a table with data on a development branch first.",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			checkTableCharset(p, t)
			for _, c := range p.columns(t) {
				cs, via := columnCharset(t, c)
				if cs == "" || charsetAllowed(cs, true) {
					continue
				}
				needle := cs
				if via != "" {
					needle = via
				}
				p.Report(locateColumnWord(p, t.Name(), c.Name(), needle), "column %s.%s uses character set %s%s: %s",
					Quote(t.Name()), Quote(c.Name()), cs, viaCollation(via), charsetAllowedText)
			}
		}
		// ALTER TABLE ... CONVERT TO CHARACTER SET is not applied by the
		// schema engine (schema-error reports that); check what it asks for.
		for _, st := range p.Statements {
			at, ok := st.AST.(*sqlparser.AlterTable)
			if !ok {
				continue
			}
			for _, o := range at.AlterOptions {
				ac, ok := o.(*sqlparser.AlterCharset)
				if !ok {
					continue
				}
				cs, via := strings.ToLower(ac.CharacterSet), ""
				if cs == "" || cs == "default" {
					cs, via = collationCharset(nil, ac.Collate), ac.Collate
				}
				if cs == "" || charsetAllowed(cs, false) {
					continue
				}
				needle := ac.CharacterSet
				if via != "" {
					needle = via
				}
				at := st.Origin
				if w, ok := p.findWord(st, needle); ok {
					at = w
				}
				p.Report(at, "CONVERT TO CHARACTER SET %s%s: %s", cs, viaCollation(via), charsetAllowedText)
			}
		}
	},
}

func init() { register(ruleInvalidCharset) }

const charsetAllowedText = "PlanetScale accepts only utf8mb4, utf8mb3 (utf8), latin1 and ascii"

func viaCollation(c string) string {
	if c == "" {
		return ""
	}
	return " (from collation " + c + ")"
}

// charsetAllowed reports whether PlanetScale accepts a character set; binary
// is accepted on columns only (MySQL makes them binary string types).
func charsetAllowed(cs string, column bool) bool {
	switch strings.ToLower(cs) {
	case "utf8", "utf8mb3", "utf8mb4", "latin1", "ascii":
		return true
	case "binary":
		return column
	}
	return false
}

// checkTableCharset reports a table default charset or collation that is not allowed.
func checkTableCharset(p *Pass, t *vsd.CreateTableEntity) {
	var charset, collate string
	for _, o := range t.TableSpec.Options {
		switch strings.ToLower(o.Name) {
		case "charset", "character set", "default charset", "default character set":
			charset = o.String
		case "collate", "default collate":
			collate = o.String
		}
	}
	cs, needle, via := strings.ToLower(charset), charset, ""
	if cs == "" && collate != "" {
		cs, needle, via = collationCharset(t, collate), collate, collate
	}
	if cs == "" || charsetAllowed(cs, false) {
		return
	}
	p.Report(p.Locate(t.Name(), needle), "table %s uses character set %s%s: %s", Quote(t.Name()), cs, viaCollation(via), charsetAllowedText)
}

// columnCharset returns the character set a column names explicitly, or the
// one its explicit collation belongs to (via names that collation).
func columnCharset(t *vsd.CreateTableEntity, c *vsd.ColumnDefinitionEntity) (cs, via string) {
	if c.ColumnDefinition.Type == nil {
		return "", ""
	}
	if n := c.Charset(); n != "" {
		return strings.ToLower(n), ""
	}
	if c.ColumnDefinition.Type.Options != nil && c.Collate() != "" {
		return collationCharset(t, c.Collate()), c.Collate()
	}
	return "", ""
}

// collationCharset returns the character set a collation belongs to.
func collationCharset(t *vsd.CreateTableEntity, collation string) string {
	collation = strings.ToLower(collation)
	if collation == "binary" {
		return "binary"
	}
	var env *collations.Environment
	if t != nil && t.Env != nil {
		env = t.Env.CollationEnv()
	} else {
		env = collations.MySQL8()
	}
	if id := env.LookupByName(collation); id != collations.Unknown {
		if cs := env.LookupCharsetName(id); cs != "" {
			return cs
		}
	}
	// Collation names start with their character set's name.
	cs, _, _ := strings.Cut(collation, "_")
	return cs
}

// locateColumnWord places a finding about a column at a word of its own
// definition (its charset or collation), else at the column's name there
// (`varchar(10) UNICODE` names no charset), else wherever Locate finds the
// column.
func locateColumnWord(p *Pass, table, column, word string) schemadiff.Origin {
	if o, ok := locateColumnDefinition(p, table, column, word); ok {
		return o
	}
	return p.Locate(table, column)
}
