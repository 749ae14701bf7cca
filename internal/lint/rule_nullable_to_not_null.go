package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleNullableToNotNull = &Rule{
	ID:       "nullable-to-not-null",
	Risk:     schemadiff.RiskNullableToNotNull,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change makes a nullable column NOT NULL.",
	Why: "If any row holds NULL in the column the change fails (in strict mode), possibly after copying most of the table; " +
		"and application code that still writes NULL starts failing once it runs.",
	Fix:   "Make every writer set the column, backfill the NULLs (`UPDATE t SET col = ... WHERE col IS NULL`), then make it NOT NULL and suppress with a reason.",
	Check: func(p *Pass) { p.ReportRisks(schemadiff.RiskNullableToNotNull) },
}

func init() { register(ruleNullableToNotNull) }
