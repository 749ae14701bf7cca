package lint

import "github.com/ddlbot/ddlbot/schemadiff"

var ruleDropColumn = &Rule{
	ID:       "drop-column",
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change drops a column.",
	Why:      "Dropping a column deletes its data, and code still reading it fails once the change is deployed.",
	Fix:      "Stop reading and writing the column in a deploy first; drop it in a later pull request. Suppress with a reason once that is done.",
	Check: func(p *Pass) {
		if p.Diff == nil {
			return
		}
		for _, c := range p.Diff.Changes {
			for _, r := range c.Risks {
				if r.Code == schemadiff.RiskDropsColumn {
					p.Report(p.Locate(c.Entity, r.Column), "%s", r.Message)
				}
			}
		}
	},
}

func init() { register(ruleDropColumn) }
