package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleDropColumn = &Rule{
	ID:       "drop-column",
	Risk:     schemadiff.RiskDropsColumn,
	Category: CategorySafety,
	Severity: Error,
	Summary:  "The change drops a column.",
	Why: "Dropping a column deletes its data, and code still reading it fails once the change is deployed. " +
		"It is an error by default, as PlanetScale warns before deploying a change that drops data: a deliberate drop says so with a suppression and its reason.",
	Fix:   "Stop reading and writing the column in a deploy first; drop it in a later pull request. Suppress with a reason once that is done.",
	Check: func(p *Pass) { p.ReportRisks(schemadiff.RiskDropsColumn) },
}

func init() { register(ruleDropColumn) }
