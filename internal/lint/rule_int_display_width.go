package lint

import (
	"fmt"
	"strings"
)

var ruleIntDisplayWidth = &Rule{
	ID:       "int-display-width",
	Category: CategoryStyle,
	Severity: Warning,
	Summary:  "An integer column with a display width, such as INT(11) (TINYINT(1) excepted).",
	Why: "The display width never limited the range of values: INT(3) still holds 2,147,483,647, which misleads readers. " +
		"It is deprecated since MySQL 8.0.17, and MySQL and PlanetScale drop it from SHOW CREATE TABLE, so the schema in the repository and the database's schema never quite match.",
	Fix: "Drop the width: write INT, BIGINT UNSIGNED, .... TINYINT(1) is kept, as it is the conventional boolean.",
	Check: func(p *Pass) {
		defs := columnDefinitionsInStatements(p) // once: looking each column up would rescan every statement
		for t, c := range p.touchedColumns() {
			// Vitess drops the width from the schema entity: read the
			// column as the statements wrote it.
			d, ok := defs[columnKey{t.Name(), strings.ToLower(c.Name())}]
			def, st := d.def, d.st
			if !ok || def.Type == nil || def.Type.Length == nil {
				continue
			}
			typ := strings.ToLower(def.Type.Type)
			if !displayWidthIntTypes[typ] || (typ == "tinyint" && *def.Type.Length == 1) {
				continue
			}
			at := st.Origin
			if o, ok := p.findWord(st, c.Name()); ok {
				at = o
			}
			p.Report(at, "column %s.%s is %s: integer display widths are deprecated and do not limit the values; write %s",
				Quote(t.Name()), Quote(c.Name()), fmt.Sprintf("%s(%d)", strings.ToUpper(typ), *def.Type.Length), strings.ToUpper(typ))
		}
	},
}

// displayWidthIntTypes are the integer type names the parser keeps as written.
var displayWidthIntTypes = map[string]bool{
	"tinyint": true, "smallint": true, "mediumint": true, "middleint": true, "int": true, "integer": true, "bigint": true,
	"int1": true, "int2": true, "int3": true, "int4": true, "int8": true,
}

func init() { register(ruleIntDisplayWidth) }
