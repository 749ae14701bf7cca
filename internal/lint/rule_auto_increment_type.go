package lint

import (
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
)

var ruleAutoIncrementType = &Rule{
	ID:       "auto-increment-type",
	Category: CategoryStyle,
	Severity: Warning,
	Summary:  "An AUTO_INCREMENT column that is not BIGINT UNSIGNED.",
	Why: "When an AUTO_INCREMENT column reaches its type's maximum (2,147,483,647 for INT), every INSERT fails until the column is widened, " +
		"which on a table that large is a long table copy done under pressure. A signed column never uses its negative half.",
	Fix: "Declare it `BIGINT UNSIGNED NOT NULL AUTO_INCREMENT`, and give the columns that reference it the same type.",
	Check: func(p *Pass) {
		for t, c := range p.touchedColumns() {
			if !c.IsAutoIncrement() {
				continue
			}
			if msg := autoIncrementProblem(c); msg != "" {
				p.Report(p.Locate(t.Name(), c.Name()), "AUTO_INCREMENT column %s.%s %s", Quote(t.Name()), Quote(c.Name()), msg)
			}
		}
	},
}

// autoIncrementMax is the largest value of each integer type, signed and unsigned.
var autoIncrementMax = map[string][2]string{
	"tinyint":   {"127", "255"},
	"smallint":  {"32,767", "65,535"},
	"mediumint": {"8,388,607", "16,777,215"},
	"int":       {"2,147,483,647", "4,294,967,295"},
	"integer":   {"2,147,483,647", "4,294,967,295"},
}

func autoIncrementProblem(c *vsd.ColumnDefinitionEntity) string {
	typ := strings.ToLower(c.Type())
	unsigned := c.IsUnsigned()
	switch {
	case typ == "bigint" && unsigned:
		return ""
	case typ == "bigint":
		return "is a signed BIGINT: generated ids are never negative, so half its range is unused; make it BIGINT UNSIGNED"
	}
	if m, ok := autoIncrementMax[typ]; ok {
		sign, max := "", m[0]
		if unsigned {
			sign, max = " UNSIGNED", m[1]
		}
		return "is " + strings.ToUpper(typ) + sign + ": inserts fail once ids reach " + max + "; make it BIGINT UNSIGNED"
	}
	return "is " + strings.ToUpper(typ) + ", not an integer type made for ids; make it BIGINT UNSIGNED"
}

func init() { register(ruleAutoIncrementType) }
