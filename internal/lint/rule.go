// Package lint checks DDL and schema changes: rules over the Vitess AST, over
// the schema a change produces, and over the change itself. Each rule lives in
// its own file (rule_<id>.go) with its documentation, and registers itself.
package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// Severity is how much a finding matters. Off disables a rule.
type Severity int

// Severities, in increasing order.
const (
	Off Severity = iota
	Notice
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Notice:
		return "notice"
	case Warning:
		return "warning"
	case Error:
		return "error"
	default:
		return "off"
	}
}

// MarshalText renders the severity as its name (JSON, YAML).
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses "error", "warning", "notice" or "off".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "notice":
		return Notice, nil
	case "off":
		return Off, nil
	}
	return Off, fmt.Errorf("unknown severity %q (want error, warning, notice or off)", s)
}

// Category groups rules by what they look at.
type Category string

// Rule categories.
const (
	// CategoryFile rules look at each statement of the changed files.
	CategoryFile Category = "file"
	// CategoryPlanetScale rules are PlanetScale's deploy checks, over the resulting schema.
	CategoryPlanetScale Category = "planetscale"
	// CategorySafety rules look at the change between the base and the head schema.
	CategorySafety Category = "safety"
	// CategoryStyle rules are conventions over the resulting schema.
	CategoryStyle Category = "style"
)

// Categories in documentation order.
func Categories() []Category {
	return []Category{CategoryFile, CategoryPlanetScale, CategorySafety, CategoryStyle}
}

// Rule is one check. Its documentation (Summary, Why, Fix) is what users read
// in `ddlbot lint --list-rules`, in the README and in SARIF rule metadata.
type Rule struct {
	ID       string
	Category Category
	// Severity is the default; .ddlbot.yml can override it.
	Severity Severity
	// Summary says in one line what the rule finds.
	Summary string
	// Why says why it matters.
	Why string
	// Fix says what to do about it.
	Fix string
	// PlanetScaleCode is the PlanetScale lint error code the rule mirrors, if any.
	PlanetScaleCode string
	// Risk is the diff analysis' risk the rule reports, if any: a report
	// that lists the risks shows them with the rule's severity.
	Risk schemadiff.RiskCode
	// Check runs the rule; it reports through the pass.
	Check func(p *Pass)
}

// registry holds every rule; filled by init functions of the rule files and
// never changed afterwards.
var registry = map[string]*Rule{}

func register(r *Rule) {
	if _, dup := registry[r.ID]; dup {
		panic("lint: duplicate rule " + r.ID)
	}
	if r.Check == nil || r.Summary == "" || r.Why == "" || r.Fix == "" {
		panic("lint: rule " + r.ID + " lacks a check or documentation")
	}
	registry[r.ID] = r
}

// Rules returns every rule, by category then id.
func Rules() []*Rule {
	order := map[Category]int{}
	for i, c := range Categories() {
		order[c] = i
	}
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return order[out[i].Category] < order[out[j].Category]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// RuleByID looks a rule up.
func RuleByID(id string) (*Rule, bool) {
	r, ok := registry[id]
	return r, ok
}

// RuleIDs lists every rule id (for suggestions in config errors).
func RuleIDs() []string {
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// RuleForRisk returns the rule that reports a risk of the diff analysis.
func RuleForRisk(code schemadiff.RiskCode) (*Rule, bool) {
	for _, r := range registry {
		if r.Risk == code && code != "" {
			return r, true
		}
	}
	return nil, false
}

// KnownRule reports whether id names a rule (for config validation).
func KnownRule(id string) bool {
	_, ok := registry[id]
	return ok
}
