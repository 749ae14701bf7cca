package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleSyntaxError = &Rule{
	ID:       "syntax-error",
	Category: CategoryFile,
	Severity: Error,
	Summary:  "A statement that the MySQL (Vitess) parser cannot read.",
	Why:      "PlanetScale parses every statement with the same parser; a statement that does not parse cannot be applied, and nothing after it runs.",
	Fix:      "Correct the SQL at the position shown; the message names the token the parser stopped at.",
	Check: func(p *Pass) {
		for _, st := range p.Statements {
			if st.Kind == schemadiff.KindInvalid && st.Err != nil {
				p.Report(st.Err.Origin, "%s", st.Err.Text(Quote))
			}
		}
	},
}

func init() { register(ruleSyntaxError) }
