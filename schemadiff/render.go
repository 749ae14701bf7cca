package schemadiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// RenderFormat names an output of a diff.
type RenderFormat string

// Diff output formats.
const (
	RenderSQL      RenderFormat = "sql"
	RenderDiff     RenderFormat = "diff"
	RenderMarkdown RenderFormat = "markdown"
	RenderJSON     RenderFormat = "json"
)

// ParseRenderFormat checks a diff output format name.
func ParseRenderFormat(s string) (RenderFormat, error) {
	switch RenderFormat(s) {
	case RenderSQL, RenderDiff, RenderMarkdown, RenderJSON:
		return RenderFormat(s), nil
	}
	return "", fmt.Errorf("unknown diff format %q (want sql, diff, markdown or json)", s)
}

// Render writes the diff in a format.
func (d *Diff) Render(w io.Writer, f RenderFormat) error {
	switch f {
	case RenderSQL:
		return d.RenderSQL(w)
	case RenderDiff:
		return d.RenderUnified(w)
	case RenderMarkdown:
		return d.RenderMarkdown(w)
	case RenderJSON:
		return d.RenderJSON(w)
	}
	return fmt.Errorf("unknown diff format %q", f)
}

// RenderSQL writes the ordered DDL, one statement per paragraph, each ended by ";".
func (d *Diff) RenderSQL(w io.Writer) error {
	var b strings.Builder
	for _, c := range d.Changes {
		b.WriteString(c.Statement)
		b.WriteString(";\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RenderUnified writes, per table or view, its CREATE statement before and
// after as +/- lines under a header naming it, as PlanetScale's diff view does.
func (d *Diff) RenderUnified(w io.Writer) error {
	var b strings.Builder
	for i, c := range d.Changes {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "@@ %s %s @@\n", strings.ReplaceAll(string(c.Kind), "_", " "), displayName(c))
		b.WriteString(c.Unified)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayName(c *Change) string {
	if c.NewName != "" {
		return c.Entity + " → " + c.NewName
	}
	return c.Entity
}

// JSONVersion is the version of the JSON shape RenderJSON writes; it changes
// only when a field is removed or changes meaning.
const JSONVersion = 1

// RenderJSON writes the diff as JSON:
//
//	{"version":1,"mysql_version":"8.0.40","drops_data":false,"changes":[{
//	  "kind":"alter_table","entity":"users","statement":"ALTER TABLE ...",
//	  "instant":true,"drops_data":false,
//	  "summary":{"columns_added":[],...},"risks":[{"code":"drops-column","column":"nick","drops_data":true,"message":"..."}],
//	  "unified_diff":" CREATE TABLE ..."}]}
func (d *Diff) RenderJSON(w io.Writer) error {
	changes := d.Changes
	if changes == nil {
		changes = []*Change{}
	}
	out := struct {
		Version      int       `json:"version"`
		MySQLVersion string    `json:"mysql_version"`
		DropsData    bool      `json:"drops_data"`
		Changes      []*Change `json:"changes"`
	}{JSONVersion, d.MySQLVersion, d.DropsData(), changes}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// RenderMarkdown writes a summary table of the changes (what changes, risk,
// INSTANT eligibility), the risks, the ordered DDL and the per-table diff in a
// collapsible block. Names from the schema are escaped for markdown.
func (d *Diff) RenderMarkdown(w io.Writer) error {
	return d.RenderMarkdownWith(w, MarkdownOptions{})
}

// MarkdownOptions adjust RenderMarkdownWith.
type MarkdownOptions struct {
	// RiskMark is the mark shown before a risk (an emoji); "" falls back to
	// the default: 🛑 when it can lose data, else ⚠️. ddlbot's report passes
	// the severity of the lint rule that reports the risk, so both agree.
	RiskMark func(Risk) string
}

// RenderMarkdownWith is RenderMarkdown with options.
func (d *Diff) RenderMarkdownWith(w io.Writer, o MarkdownOptions) error {
	var b strings.Builder
	if d.Empty() {
		b.WriteString("No schema changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("| Table | Change | Risk | INSTANT |\n|---|---|---|---|\n")
	for _, c := range d.Changes {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", MarkdownCode(displayName(c)), MarkdownEscape(changeSummary(c)), MarkdownEscape(riskSummary(c)), yesNo(c.Instant))
	}
	var risks []string
	for _, c := range d.Changes {
		for _, r := range c.Risks {
			mark := ""
			if o.RiskMark != nil {
				mark = o.RiskMark(r)
			}
			if mark == "" {
				mark = "⚠️"
				if r.DropsData {
					mark = "🛑"
				}
			}
			risks = append(risks, fmt.Sprintf("- %s %s", mark, MarkdownInline(r.Message)))
		}
	}
	if len(risks) > 0 {
		b.WriteString("\n**Risks**\n\n")
		b.WriteString(strings.Join(risks, "\n"))
		b.WriteByte('\n')
	}
	b.WriteString("\n<details><summary>DDL</summary>\n\n")
	b.WriteString(CodeFence("sql", strings.Join(d.Statements(), ";\n")+";"))
	b.WriteString("\n</details>\n\n<details><summary>Diff</summary>\n\n")
	var u strings.Builder
	_ = d.RenderUnified(&u)
	b.WriteString(CodeFence("diff", strings.TrimRight(u.String(), "\n")))
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func changeSummary(c *Change) string {
	switch c.Kind {
	case CreateTable:
		return "create table"
	case DropTable:
		return "drop table"
	case RenameTable:
		return "rename table"
	case CreateView:
		return "create view"
	case AlterView:
		return "alter view"
	case DropView:
		return "drop view"
	}
	s := c.Summary
	var parts []string
	add := func(verb, what string, names []string) {
		if len(names) == 0 {
			return
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", verb, what, strings.Join(names, ", ")))
	}
	add("add", "column", s.ColumnsAdded)
	add("drop", "column", s.ColumnsDropped)
	add("modify", "column", s.ColumnsChanged)
	add("rename", "column", s.ColumnsRenamed)
	add("add", "index", s.IndexesAdded)
	add("drop", "index", s.IndexesDropped)
	add("modify", "index", s.IndexesChanged)
	add("add", "foreign key", s.ForeignKeysAdded)
	add("drop", "foreign key", s.ForeignKeysDropped)
	if len(parts) == 0 {
		return "alter table options"
	}
	return strings.Join(parts, "; ")
}

func riskSummary(c *Change) string {
	seen := map[RiskCode]bool{}
	var parts []string
	for _, r := range c.Risks {
		if seen[r.Code] {
			continue
		}
		seen[r.Code] = true
		parts = append(parts, strings.ReplaceAll(string(r.Code), "-", " "))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// MarkdownEscape escapes text so it renders literally in GitHub markdown,
// inside a paragraph or a table cell: no links, emphasis, HTML or cell breaks.
func MarkdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '|':
			b.WriteString("\\|")
		case '@':
			// Break @mentions without a visible change.
			b.WriteString("@\u200b")
		case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '+', '-', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	// Break autolinks (scheme://) without a visible change.
	return strings.ReplaceAll(b.String(), "://", ":\u200b//")
}

// MarkdownInline renders a message that quotes names MySQL's way (`name`,
// a backtick inside doubled, as lint.Quote does): each quoted name becomes
// inline code (MarkdownCode), the rest is escaped (MarkdownEscape). An
// unmatched backtick is escaped like any other text.
func MarkdownInline(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			b.WriteString(MarkdownEscape(s))
			return b.String()
		}
		// The closing backtick: one not doubled.
		j, name := i+1, strings.Builder{}
		closed := false
		for j < len(s) {
			if s[j] == '`' {
				if j+1 < len(s) && s[j+1] == '`' {
					name.WriteByte('`')
					j += 2
					continue
				}
				closed = true
				break
			}
			name.WriteByte(s[j])
			j++
		}
		if !closed || name.Len() == 0 {
			b.WriteString(MarkdownEscape(s))
			return b.String()
		}
		b.WriteString(MarkdownEscape(s[:i]))
		b.WriteString(MarkdownCode(name.String()))
		s = s[j+1:]
	}
}

// MarkdownCode renders text as inline code that survives backticks, pipes and
// newlines in the text.
func MarkdownCode(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "|", "\\|").Replace(s)
	n := 1
	for strings.Contains(s, strings.Repeat("`", n)) {
		n++
	}
	fence := strings.Repeat("`", n)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// CodeFence wraps text in a fenced code block longer than any backtick run in
// the text, so user text cannot close it early.
func CodeFence(lang, text string) string {
	n := 3
	for strings.Contains(text, strings.Repeat("`", n)) {
		n++
	}
	fence := strings.Repeat("`", n)
	return fence + lang + "\n" + text + "\n" + fence + "\n"
}
