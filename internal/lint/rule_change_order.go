package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleChangeOrder = &Rule{
	ID:       "change-order",
	Category: CategorySafety,
	Severity: Error,
	Summary:  "A change whose statements cannot be put in an order that is safe to apply (typically tables whose foreign keys depend on each other's changes).",
	Why:      "PlanetScale applies a deploy request table by table; when every order of the changes breaks a foreign key or a view in between, the deploy request cannot be deployed as one.",
	Fix:      "Split the change into pull requests that each change one side of the dependency (for example: first add the new column and foreign key, then drop the old ones).",
	Check: func(p *Pass) {
		if p.DiffError == nil {
			return
		}
		at := schemadiff.Origin{}
		if len(p.Statements) > 0 {
			at = p.Statements[0].Origin
		}
		p.Report(at, "the change cannot be applied in a safe order: %v", p.DiffError)
	},
}

func init() { register(ruleChangeOrder) }
