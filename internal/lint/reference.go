package lint

import (
	"bytes"
	"errors"
	"io"
	"strings"
)

// The rule reference is generated from Rules(): as text for
// `ddlbot lint --list-rules`, and as markdown for the README, between these
// markers.
const (
	RuleReferenceStart = "<!-- rules:start -->"
	RuleReferenceEnd   = "<!-- rules:end -->"
)

// referenceCategory describes a category in the rule reference.
type referenceCategory struct {
	Title string
	About string
}

var referenceCategories = map[Category]referenceCategory{
	CategoryFile:        {"File rules", "Each statement of the changed files."},
	CategoryPlanetScale: {"PlanetScale rules", "PlanetScale's deploy checks, over the schema the change produces."},
	CategorySafety:      {"Change-safety rules", "The change itself: what it does between the base and the head schema."},
	CategoryStyle:       {"Style rules", "Conventions over the schema the change produces."},
}

func referenceCategoryOf(c Category) referenceCategory {
	if d, ok := referenceCategories[c]; ok {
		return d
	}
	return referenceCategory{Title: strings.ToUpper(string(c[:min(1, len(c))])) + string(c[min(1, len(c)):]) + " rules"}
}

// referenceGroup is the rules of one category.
type referenceGroup struct {
	Category Category
	Rules    []*Rule
}

// referenceGroups groups rules by category, in documentation order; a
// category not in Categories() follows, in order of appearance.
func referenceGroups(rules []*Rule) []referenceGroup {
	var groups []referenceGroup
	at := map[Category]int{}
	for _, c := range Categories() {
		at[c] = len(groups)
		groups = append(groups, referenceGroup{Category: c})
	}
	for _, r := range rules {
		i, ok := at[r.Category]
		if !ok {
			i = len(groups)
			at[r.Category] = i
			groups = append(groups, referenceGroup{Category: r.Category})
		}
		groups[i].Rules = append(groups[i].Rules, r)
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Rules) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// WriteRuleReference writes the documentation of every rule: plain text for
// `ddlbot lint --list-rules`, or markdown (one table per category) for the
// README.
func WriteRuleReference(w io.Writer, markdown bool) error {
	return writeRuleReference(w, markdown, Rules())
}

func writeRuleReference(w io.Writer, markdown bool, rules []*Rule) error {
	var b bytes.Buffer
	if markdown {
		referenceMarkdown(&b, rules)
	} else {
		referenceText(&b, rules)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// referenceWidth is where the text reference wraps why and fix.
const referenceWidth = 100

func referenceText(b *bytes.Buffer, rules []*Rule) {
	idWidth, sevWidth := 0, 0
	for _, r := range rules {
		idWidth = max(idWidth, len(r.ID))
		sevWidth = max(sevWidth, len(r.Severity.String()))
	}
	for gi, g := range referenceGroups(rules) {
		if gi > 0 {
			b.WriteByte('\n')
		}
		d := referenceCategoryOf(g.Category)
		b.WriteString(d.Title + "\n")
		if d.About != "" {
			b.WriteString(d.About + "\n")
		}
		for _, r := range g.Rules {
			b.WriteByte('\n')
			b.WriteString("  " + referencePad(r.ID, idWidth) + "  " + referencePad(r.Severity.String(), sevWidth) + "  " + referenceOneLine(r.Summary))
			b.WriteString("\n")
			referenceWrapped(b, "      why: ", r.Why)
			referenceWrapped(b, "      fix: ", r.Fix)
			if r.PlanetScaleCode != "" {
				referenceWrapped(b, "      planetscale: ", r.PlanetScaleCode)
			}
		}
	}
}

func referencePad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// referenceOneLine folds a text onto one line.
func referenceOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// referenceWrapped writes label and text word-wrapped at referenceWidth, the
// continuation lines indented under the text.
func referenceWrapped(b *bytes.Buffer, label, text string) {
	indent := strings.Repeat(" ", len(label))
	line := label
	n := len([]rune(line))
	first := true
	for _, word := range strings.Fields(text) {
		wl := len([]rune(word))
		if !first && n+1+wl > referenceWidth {
			b.WriteString(line + "\n")
			line, n, first = indent, len(indent), true
		}
		if !first {
			line += " "
			n++
		}
		line += word
		n += wl
		first = false
	}
	b.WriteString(line + "\n")
}

func referenceMarkdown(b *bytes.Buffer, rules []*Rule) {
	b.WriteString("<!-- Generated from the rules in internal/lint; do not edit by hand: run `go test ./internal/lint/ -run RuleReference -update`. -->\n")
	for _, g := range referenceGroups(rules) {
		d := referenceCategoryOf(g.Category)
		b.WriteString("\n### " + d.Title + "\n\n")
		if d.About != "" {
			b.WriteString(d.About + "\n\n")
		}
		b.WriteString("| Rule | Default | What it finds | Why | Fix |\n")
		b.WriteString("|---|---|---|---|---|\n")
		for _, r := range g.Rules {
			finds := r.Summary
			if r.PlanetScaleCode != "" {
				finds += " (PlanetScale `" + r.PlanetScaleCode + "`)"
			}
			cells := []string{"`" + r.ID + "`", r.Severity.String(), finds, r.Why, r.Fix}
			for i, c := range cells {
				cells[i] = markdownCell(c)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
	}
}

// markdownCell makes text safe inside a markdown table cell: pipes escaped,
// line breaks as <br>.
func markdownCell(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// ReplaceRuleReference returns readme with the generated markdown rule
// reference between RuleReferenceStart and RuleReferenceEnd.
func ReplaceRuleReference(readme string) (string, error) {
	start := strings.Index(readme, RuleReferenceStart)
	if start < 0 {
		return "", errors.New("no " + RuleReferenceStart + " marker: put the markers " + RuleReferenceStart + " and " + RuleReferenceEnd + " where the rule reference goes")
	}
	if strings.Count(readme, RuleReferenceStart) > 1 {
		return "", errors.New("more than one " + RuleReferenceStart + " marker")
	}
	bodyStart := start + len(RuleReferenceStart)
	end := strings.Index(readme[bodyStart:], RuleReferenceEnd)
	if end < 0 {
		return "", errors.New("no " + RuleReferenceEnd + " marker after " + RuleReferenceStart)
	}
	end += bodyStart
	var md bytes.Buffer
	if err := WriteRuleReference(&md, true); err != nil {
		return "", err
	}
	return readme[:bodyStart] + "\n" + md.String() + readme[end:], nil
}
