package lint

import (
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
)

var ruleEnumChange = &Rule{
	ID:       "enum-change",
	Risk:     schemadiff.RiskEnumChange,
	Category: CategorySafety,
	Severity: Warning,
	Summary:  "The change removes or reorders values of an ENUM or SET column.",
	Why: "MySQL stores ENUM and SET values by their position in the list. Removing a value makes the change fail in strict mode " +
		"(or blanks the value) for rows that hold it; reordering copies the whole table and changes ORDER BY and numeric comparisons on the column. " +
		"Appending values at the end is safe and instant.",
	Fix: "Only append new values at the end of the list. Before removing a value, update the rows that hold it and make the application stop writing it; " +
		"then suppress with a reason.",
	Check: func(p *Pass) {
		for c, r := range p.risks(schemadiff.RiskEnumChange) {
			p.Report(p.Locate(c.Entity, r.Column), "%s", enumChangeMessage(c, r))
		}
	},
}

// enumChangeMessage says which values are removed and which move, from the
// column before and after the change; it falls back to the risk's message.
func enumChangeMessage(c *schemadiff.Change, r schemadiff.Risk) string {
	ft, _ := c.From().(*vsd.CreateTableEntity)
	tt, _ := c.To().(*vsd.CreateTableEntity)
	if ft == nil || tt == nil {
		return r.Message
	}
	to := tt.ColumnDefinitionEntitiesMap()[strings.ToLower(r.Column)]
	from := ft.ColumnDefinitionEntitiesMap()[strings.ToLower(r.Column)]
	if from == nil || to == nil || !from.HasEnumValues() || !to.HasEnumValues() {
		return r.Message
	}
	removed, moved := schemadiff.EnumChanges(from.EnumValues(), to.EnumValues())
	kind := strings.ToUpper(from.Type())
	var parts []string
	if len(removed) > 0 {
		parts = append(parts, fmt.Sprintf("removes %s (rows holding them make the change fail, or lose the value)", strings.Join(removed, ", ")))
	}
	if len(moved) > 0 {
		parts = append(parts, fmt.Sprintf("moves %s to another position (the table is copied, and ORDER BY and numeric comparisons on the column change)", strings.Join(moved, ", ")))
	}
	if len(parts) == 0 {
		return r.Message
	}
	return fmt.Sprintf("changes %s column %s.%s: %s", kind, Quote(c.Entity), Quote(to.Name()), strings.Join(parts, "; "))
}

func init() { register(ruleEnumChange) }
