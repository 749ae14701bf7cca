package lint

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// Directive is one suppression comment:
//
//	-- ddlbot:ignore RULE[,RULE] -- reason       (the statement just below)
//	-- ddlbot:ignore-file RULE[,RULE] -- reason  (the whole file; at its top)
type Directive struct {
	File   bool     // ignore-file
	Rules  []string // rule ids
	Reason string
	Origin schemadiff.Origin
	// Problem is set when the directive is malformed: no rules, an unknown rule, no reason.
	Problem string
}

var reDirective = regexp.MustCompile(`^(?:--|#)\s*ddlbot:(ignore-file|ignore)(?:\s+(.*))?$`)

// ParseDirective reads a comment; ok is false when it is not a ddlbot directive.
func ParseDirective(c schemadiff.Comment) (d Directive, ok bool) {
	text := strings.TrimSpace(c.Text)
	if strings.HasPrefix(text, "/*") {
		text = "--" + strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(text, "/*"), "*/"))
	}
	m := reDirective.FindStringSubmatch(text)
	if m == nil {
		if strings.Contains(text, "ddlbot:") {
			return Directive{Origin: c.Origin, Problem: "unrecognised ddlbot directive: write `-- ddlbot:ignore RULE -- reason` or `-- ddlbot:ignore-file RULE -- reason`"}, true
		}
		return Directive{}, false
	}
	d = Directive{File: m[1] == "ignore-file", Origin: c.Origin}
	rest := m[2]
	rulesPart, reason, hasReason := strings.Cut(rest, "--")
	d.Reason = strings.TrimSpace(reason)
	d.Rules = strings.FieldsFunc(rulesPart, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	switch {
	case len(d.Rules) == 0:
		d.Problem = "suppression names no rule: write `-- ddlbot:" + m[1] + " RULE -- reason`"
	case !hasReason || d.Reason == "":
		d.Problem = "suppression of " + strings.Join(d.Rules, ", ") + " has no reason: add one after ` -- ` so reviewers know why"
	default:
		for _, r := range d.Rules {
			if !KnownRule(r) {
				d.Problem = "suppression names unknown rule " + Quote(r) + " (see `ddlbot lint --list-rules`)"
				break
			}
		}
	}
	return d, true
}

// directives returns every directive of the linted statements, with the
// statement each one applies to (nil for file directives).
func directives(stmts []schemadiff.Statement) []struct {
	D  Directive
	St *schemadiff.Statement
} {
	var out []struct {
		D  Directive
		St *schemadiff.Statement
	}
	for i := range stmts {
		st := &stmts[i]
		for _, c := range st.Comments {
			if d, ok := ParseDirective(c); ok {
				out = append(out, struct {
					D  Directive
					St *schemadiff.Statement
				}{d, st})
			}
		}
	}
	return out
}

func applySuppressions(in *Input, fs []Finding) []Finding {
	ds := directives(in.Statements)
	if len(ds) == 0 {
		return fs
	}
	firstOfFile := map[string]int{}
	for _, st := range in.Statements {
		if _, ok := firstOfFile[st.Origin.File]; !ok {
			firstOfFile[st.Origin.File] = st.Origin.Offset
		}
	}
	suppressed := func(f Finding) bool {
		if f.Rule == ruleInvalidSuppression.ID {
			return false
		}
		for _, x := range ds {
			if x.D.Problem != "" && len(x.D.Rules) == 0 {
				continue
			}
			if !slices.Contains(x.D.Rules, f.Rule) || x.St.Origin.File != f.File {
				continue
			}
			if x.D.File {
				// A file directive counts only at the top of the file.
				if x.St.Origin.Offset == firstOfFile[f.File] {
					return true
				}
				continue
			}
			if f.Line >= x.St.Origin.Line && f.Line <= max(x.St.Origin.EndLine, x.St.Origin.Line) {
				return true
			}
		}
		return false
	}
	return slices.DeleteFunc(fs, suppressed)
}

var ruleInvalidSuppression = &Rule{
	ID:       "invalid-suppression",
	Category: CategoryFile,
	Severity: Warning,
	Summary:  "A `ddlbot:ignore` comment without a reason, without a rule, naming an unknown rule, or out of place.",
	Why:      "A suppression silences a check for everyone who reads the change later; without a reason nobody can tell whether it still holds.",
	Fix:      "Write `-- ddlbot:ignore RULE[,RULE] -- reason` on the lines just above the statement, or `-- ddlbot:ignore-file RULE -- reason` at the top of the file.",
	Check: func(p *Pass) {
		first := map[string]int{}
		for _, st := range p.Statements {
			if _, ok := first[st.Origin.File]; !ok {
				first[st.Origin.File] = st.Origin.Offset
			}
		}
		for _, x := range directives(p.Statements) {
			switch {
			case x.D.Problem != "":
				p.Report(x.D.Origin, "%s", x.D.Problem)
			case x.D.File && x.St.Origin.Offset != first[x.St.Origin.File]:
				p.Report(x.D.Origin, "`ddlbot:ignore-file` only works at the top of the file, before the first statement")
			}
		}
	},
}

func init() { register(ruleInvalidSuppression) }
