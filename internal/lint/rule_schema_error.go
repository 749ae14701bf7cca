package lint

import (
	"regexp"
	"slices"

	"github.com/ddlbot/ddlbot/schemadiff"
)

var ruleSchemaError = &Rule{
	ID:       "schema-error",
	Category: CategoryFile,
	Severity: Error,
	Summary:  "A statement that cannot be applied to the schema, or a schema that is not valid as a whole (for example an ALTER of a column that does not exist).",
	Why: "ddlbot applies every statement in memory, in order, the way PlanetScale would apply it to a branch. A statement that fails there fails on the branch too, " +
		"and the schema it leaves behind is not the one the files describe, so the predicted diff and every other check are unreliable until it is fixed.",
	Fix: "Read the message: it names the table, column or index that is missing or duplicated. Correct the statement, or the statement before it that should have created what this one needs. " +
		"Broken foreign keys and views are reported by `foreign-key-unresolved` and `invalid-view-reference` instead.",
	Check: func(p *Pass) {
		if p.Head == nil {
			return
		}
		for _, pr := range p.Head.Problems {
			if !problemIsSchemaError(pr) || fkProblemCode(pr.Err) != "" || viewProblemCode(pr) != "" {
				continue
			}
			if !problemInLintedFiles(p, pr.Origin) {
				continue
			}
			p.Report(pr.Origin, "%s", pr.Message)
		}
	},
}

func init() { register(ruleSchemaError) }

// problemIsSchemaError reports whether a loader problem is one of the blocking
// problems the schema rules read: a statement that could not be applied, or a
// schema that does not validate. Syntax errors, non-schema and unsupported
// statements have their own file rules.
func problemIsSchemaError(pr schemadiff.Problem) bool {
	return pr.Kind == schemadiff.ProblemApply || pr.Kind == schemadiff.ProblemInvalidSchema
}

// problemInLintedFiles reports whether a problem's origin belongs to the
// linted files. Without a base schema every problem counts: the head schema
// then comes only from what is being linted.
func problemInLintedFiles(p *Pass, o schemadiff.Origin) bool {
	if p.Base == nil {
		return true
	}
	if o.Line == 0 {
		return false
	}
	for _, st := range p.Statements {
		if st.Origin.File == o.File {
			return true
		}
	}
	return false
}

// problemLocate places a finding about a schema problem. In order it tries:
// the patterns (psLocateSeq) in the linted statements that touch entity; the
// needle in the statement at the problem's origin, when that is in the linted
// files; a linted statement that touches blame and mentions blameNeedle (what
// the change did to break an entity it did not write itself: altering the
// column a foreign key references); the linted statement that dropped blame
// (the table a view or foreign key still reads); the problem's origin when it
// is in the linted files, or as is without a base schema. ok is false when
// the problem belongs to the base schema and nothing in the linted files
// caused it.
func problemLocate(p *Pass, pr schemadiff.Problem, entity, needle string, patterns []string, blame, blameNeedle string) (schemadiff.Origin, bool) {
	if entity != "" && len(patterns) > 0 {
		if o, ok := psLocateSeq(p, entity, patterns...); ok {
			return o, true
		}
	}
	linted := pr.Origin.Line > 0 && problemInLintedFiles(p, pr.Origin)
	if linted && needle != "" {
		if o := p.refine(pr.Origin, needle); o != pr.Origin {
			return o, true
		}
	}
	if blame != "" {
		if blameNeedle != "" {
			if o, ok := psLocateSeq(p, blame, psWord(blameNeedle)); ok {
				return o, true
			}
		}
		if p.Head != nil {
			if o, ok := p.Head.DroppedAt(blame); ok && problemInLintedFiles(p, o) {
				return p.refine(o, blame), true
			}
		}
	}
	if linted {
		return pr.Origin, true
	}
	if p.Base == nil {
		return pr.Origin, true
	}
	return schemadiff.Origin{}, false
}

// psLocateSeq finds, in the last linted statement that touches entity (any
// statement when entity is ""), the patterns one after the other (each one
// searched after the end of the previous match, case-insensitively) and
// returns the span of the last pattern's first group, or of its whole match
// when it has none.
func psLocateSeq(p *Pass, entity string, patterns ...string) (schemadiff.Origin, bool) {
	res, ok := p.compileFold(patterns)
	if !ok {
		return schemadiff.Origin{}, false
	}
	candidates := p.lastTouching(entity)
	if entity == "" {
		candidates = func(yield func(schemadiff.Statement) bool) {
			for _, st := range slices.Backward(p.Statements) {
				if !yield(st) {
					return
				}
			}
		}
	}
	for st := range candidates {
		if st.Source == nil || st.AST == nil {
			continue
		}
		if start, end, ok := psMatchSeq(st.SQL, res); ok {
			return st.Source.Span(st.Origin.Offset+start, st.Origin.Offset+end), true
		}
	}
	return schemadiff.Origin{}, false
}

func psMatchSeq(sql string, res []*regexp.Regexp) (start, end int, ok bool) {
	pos := 0
	for _, re := range res {
		m := re.FindStringSubmatchIndex(sql[pos:])
		if m == nil {
			return 0, 0, false
		}
		start, end = m[0], m[1]
		if len(m) >= 4 && m[2] >= 0 {
			start, end = m[2], m[3]
		}
		start, end = start+pos, end+pos
		pos = end
	}
	return start, end, len(res) > 0
}

// psWord is a pattern for identifier name as a whole word, optionally
// back-quoted; its group is the name (with its quotes).
func psWord(name string) string {
	return "(?:^|[^A-Za-z0-9_$`])(`?" + regexp.QuoteMeta(name) + "`?)(?:$|[^A-Za-z0-9_$`])"
}

// compileFold compiles patterns case-insensitively (p.compile's cache);
// ok is false when one does not compile.
func (p *Pass) compileFold(patterns []string) ([]*regexp.Regexp, bool) {
	res := make([]*regexp.Regexp, 0, len(patterns))
	for _, pat := range patterns {
		re, err := p.compile("(?i)" + pat)
		if err != nil {
			return nil, false
		}
		res = append(res, re)
	}
	return res, true
}
