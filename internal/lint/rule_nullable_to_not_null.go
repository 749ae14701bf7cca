package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleNullableToNotNull = &Rule{
	ID:       "nullable-to-not-null",
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change makes a nullable column NOT NULL.",
	Why: "If any row holds NULL in the column the change fails (in strict mode), possibly after copying most of the table; " +
		"and application code that still writes NULL starts failing once it runs.",
	Fix: "Make every writer set the column, backfill the NULLs (`UPDATE t SET col = ... WHERE col IS NULL`), then make it NOT NULL and suppress with a reason.",
	Check: func(p *Pass) {
		if p.Diff == nil {
			return
		}
		for _, c := range p.Diff.Changes {
			for _, r := range c.Risks {
				if r.Code == schemadiff.RiskNullableToNotNull {
					p.Report(p.Locate(c.Entity, r.Column), "%s", r.Message)
				}
			}
		}
	},
}

func init() { register(ruleNullableToNotNull) }
