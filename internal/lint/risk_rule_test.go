package lint

import (
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// TestRuleForRisk: the risks a report lists take their severity from the
// rule that reports them, so each risk the rules report maps to its rule.
func TestRuleForRisk(t *testing.T) {
	for code, want := range map[schemadiff.RiskCode]string{
		schemadiff.RiskDropsTable: "drop-table", schemadiff.RiskDropsColumn: "drop-column", schemadiff.RiskNarrowsColumn: "narrow-column",
		schemadiff.RiskRenamesTable: "rename-table", schemadiff.RiskRenamesColumn: "rename-column", schemadiff.RiskAddsUniqueKey: "add-unique-key",
		schemadiff.RiskNotNullWithoutDefault: "not-null-without-default", schemadiff.RiskNullableToNotNull: "nullable-to-not-null",
		schemadiff.RiskEnumChange: "enum-change", schemadiff.RiskPrimaryKeyChange: "primary-key-change", schemadiff.RiskDropsForeignKey: "drop-foreign-key",
		schemadiff.RiskAddsForeignKey: "", schemadiff.RiskNoSharedUniqueKey: "", "": "",
	} {
		switch r, ok := RuleForRisk(code); {
		case ok && r.ID != want:
			t.Errorf("RuleForRisk(%q) = %s, want %q", code, r.ID, want)
		case !ok && want != "":
			t.Errorf("RuleForRisk(%q): no rule, want %s", code, want)
		}
	}
}
