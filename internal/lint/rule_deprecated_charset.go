package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
)

var ruleDeprecatedCharset = &Rule{
	ID:       "deprecated-charset",
	Category: CategoryStyle,
	Severity: Warning,
	Summary:  "A table or column with the utf8 (utf8mb3) character set or one of its collations.",
	Why: "utf8mb3 stores at most three bytes per character, so emoji and other characters outside the Basic Multilingual Plane are rejected " +
		"or cut off; it is deprecated in MySQL 8.0 and `utf8` will come to mean utf8mb4. Joins between utf8mb3 and utf8mb4 columns also cannot use indexes well.",
	Fix: "Use utf8mb4 (MySQL 8.0's default, with the utf8mb4_0900_ai_ci collation): drop the CHARSET clause or write `CHARSET utf8mb4`. " +
		"Converting an existing table is a table copy; a VARCHAR in an index may then need a shorter length.",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			if tableCharsetChosen(p, t) && isUTF8MB3(tableOption(t, "charset"), tableOption(t, "collate")) {
				p.Report(locateFirst(p, t.Name(), "utf8mb3", "utf8", tableOption(t, "collate")),
					"table %s uses the deprecated utf8mb3 character set (`utf8`): it cannot store 4-byte characters such as emoji; use utf8mb4", Quote(t.Name()))
			}
			for _, c := range p.columns(t) {
				if !p.ColumnTouched(t.Name(), c.Name()) {
					continue
				}
				// Vitess keeps a column's charset and collation only where
				// they differ from the table's, so this finds explicit ones.
				charset := c.ColumnDefinition.Type.Charset.Name
				collate := ""
				if c.ColumnDefinition.Type.Options != nil {
					collate = c.ColumnDefinition.Type.Options.Collate
				}
				if isUTF8MB3(charset, collate) {
					p.Report(p.Locate(t.Name(), c.Name()),
						"column %s.%s uses the deprecated utf8mb3 character set (`utf8`): it cannot store 4-byte characters such as emoji; use utf8mb4", Quote(t.Name()), Quote(c.Name()))
				}
			}
		}
	},
}

// isUTF8MB3 reports whether a charset, or else a collation, is utf8mb3.
func isUTF8MB3(charset, collate string) bool {
	charset, collate = strings.ToLower(charset), strings.ToLower(collate)
	if charset != "" {
		return charset == "utf8" || charset == "utf8mb3"
	}
	return strings.HasPrefix(collate, "utf8_") || strings.HasPrefix(collate, "utf8mb3_")
}

// tableCharsetChosen reports whether the change chose the table's default
// charset: without a diff always; with one, when it creates the table, or
// alters a table whose base had another charset.
func tableCharsetChosen(p *Pass, t *vsd.CreateTableEntity) bool {
	c := tableChangeFor(p, t.Name())
	switch {
	case p.Diff == nil:
		return true
	case c == nil:
		return false
	case c.Kind == schemadiff.CreateTable:
		return true
	case c.Kind != schemadiff.AlterTable:
		return false
	}
	if p.Base == nil {
		return true
	}
	bt := p.Base.Table(c.Entity)
	return bt == nil || !isUTF8MB3(tableOption(bt, "charset"), tableOption(bt, "collate"))
}

// tableOption is a table option's value (charset, collate) in lower case,
// or "". Vitess' GetCharset and GetCollation lower-case the option in
// place, which rules running at once (lint.Run) must not do; the utf8 and
// utf8mb3 aliases are both recognised by isUTF8MB3.
func tableOption(t *vsd.CreateTableEntity, name string) string {
	for _, opt := range t.TableSpec.Options {
		if strings.EqualFold(opt.Name, name) {
			return strings.ToLower(opt.String)
		}
	}
	return ""
}

func init() { register(ruleDeprecatedCharset) }
