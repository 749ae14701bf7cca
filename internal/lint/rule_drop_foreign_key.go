package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleDropForeignKey = &Rule{
	ID:       "drop-foreign-key",
	Risk:     schemadiff.RiskDropsForeignKey,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change drops (or redefines) a FOREIGN KEY constraint.",
	Why: "Once the constraint is gone the database no longer rejects orphaned rows or cascades deletes and updates: " +
		"code that relied on it can leave inconsistent data behind, and adding the constraint back later fails if such rows exist.",
	Fix: "Make sure the application enforces the relationship (or no longer needs it) before dropping the constraint, then suppress with a reason. " +
		"When the constraint is only being redefined, check the new definition covers the old one.",
	Check: func(p *Pass) { p.ReportRisks(schemadiff.RiskDropsForeignKey) },
}

func init() { register(ruleDropForeignKey) }
