package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleNotNullWithoutDefault = &Rule{
	ID:       "not-null-without-default",
	Risk:     schemadiff.RiskNotNullWithoutDefault,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change adds a NOT NULL column without a DEFAULT to an existing table.",
	Why: "Existing rows silently get the type's implicit default (0, '' or a zero date), and every INSERT that does not name the column " +
		"fails in strict mode, including inserts from application code deployed before the change.",
	Fix:   "Give the column an explicit DEFAULT, or add it as NULL, backfill it, and make it NOT NULL in a later change once every writer sets it.",
	Check: func(p *Pass) { p.ReportRisks(schemadiff.RiskNotNullWithoutDefault) },
}

func init() { register(ruleNotNullWithoutDefault) }
