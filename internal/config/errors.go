package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with a configuration file, positioned so that
// editors, CI annotations and PR comments can point at the offending line.
type Problem struct {
	// File is the name the caller gave Parse or Load.
	File string
	// Line and Column are 1-based; 0 means unknown (some YAML syntax errors
	// carry no position).
	Line   int
	Column int
	// Message says what is wrong and, where possible, what would be right.
	Message string
}

// String formats the problem as "file:line:col: message", the form compilers
// use, so terminals and editors turn it into a link. An unknown column or
// line is left out rather than printed as 0.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Error is returned by Parse and Load when the file is invalid. It holds every
// problem found, not only the first, so a user fixes the file in one round
// trip instead of one push per typo.
type Error struct {
	// Problems is sorted by line, then column, then message. When there
	// are too many to be useful, the last one says how many were left out.
	Problems []Problem
}

// Error joins the problems one per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems by position and drops exact duplicates, which
// arise when one anchored YAML mapping is merged into several entries.
func sortProblems(ps []Problem) []Problem {
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(ps)
}
