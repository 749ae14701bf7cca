package lint

import "strings"

var ruleFloatColumn = &Rule{
	ID:       "float-column",
	Category: CategoryStyle,
	Severity: Warning,
	Summary:  "A FLOAT or DOUBLE column.",
	Why:      "Floating-point columns store approximations: sums drift and equality comparisons fail, which is wrong for money and counts.",
	Fix:      "Use DECIMAL(p,s) for exact values; keep FLOAT/DOUBLE only for measurements where approximation is fine (suppress with a reason).",
	Check: func(p *Pass) {
		for t, c := range p.touchedColumns() {
			typ := strings.ToLower(c.Type())
			if typ == "float" || typ == "double" || typ == "real" || typ == "double precision" {
				p.Report(p.Locate(t.Name(), c.Name()), "column %s.%s is %s, which stores approximate values", Quote(t.Name()), Quote(c.Name()), strings.ToUpper(typ))
			}
		}
	},
}

func init() { register(ruleFloatColumn) }
