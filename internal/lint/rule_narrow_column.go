package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleNarrowColumn = &Rule{
	ID:       "narrow-column",
	Risk:     schemadiff.RiskNarrowsColumn,
	Category: CategorySafety,
	Severity: Error,
	Summary:  "The change narrows a column's type (shorter, smaller, fewer digits or decimals, signed/unsigned, or another type).",
	Why: "Values that do not fit the new type are truncated or rounded, or make the change fail part-way through a long table copy; " +
		"either way data that the application wrote can be lost.",
	Fix: "Check the longest/largest stored value first (for example `SELECT MAX(CHAR_LENGTH(col))`); widen instead of narrowing where you can, " +
		"or fix the data before the change. When the data is known to fit, suppress with a reason.",
	Check: func(p *Pass) { p.ReportRisks(schemadiff.RiskNarrowsColumn) },
}

func init() { register(ruleNarrowColumn) }
