package terminal

import (
	"regexp"
	"strings"
)

// TextOptions shape a report for a terminal.
type TextOptions struct {
	// Next replaces the report's "Next step:" sentence (a pull request's
	// "comment /deploy"); "" drops a sentence that asks to comment, and keeps
	// any other.
	Next string
	// SkipDetails lists the collapsed sections (by their summary's first
	// word) a terminal leaves out.
	SkipDetails []string
	// Words are pairs (old, new, ...) of wording replaced in the markdown
	// before it is turned into text: the pull request's words a terminal
	// says otherwise (bot.TerminalWords).
	Words []string
}

var (
	reSummary  = regexp.MustCompile(`^<details><summary>(.*)</summary>$`)
	reCallout  = regexp.MustCompile(`^>\s*\[!(\w+)\]\s*$`)
	reNextStep = regexp.MustCompile(`^\*\*Next step:\*\*\s*`)
	reSub      = regexp.MustCompile(`^<sub>(.*)</sub>$`)
)

// TextReport turns one of ddlbot's markdown reports (the sticky comment) into
// plain text for a terminal: hidden state and HTML go, headings and callouts
// become plain lines, tables are aligned, code blocks are indented as they
// are, and markdown escapes are undone. Nothing the report says is lost but
// the collapsed sections named in SkipDetails and the pull request's
// commenting hints; Words reword what only a pull request says.
func TextReport(md string, o TextOptions) string {
	if len(o.Words) > 0 {
		md = strings.NewReplacer(o.Words...).Replace(md)
	}
	var out []string
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	skip := func(summary string) bool {
		for _, s := range o.SkipDetails {
			if strings.HasPrefix(summary, s) {
				return true
			}
		}
		return false
	}
	blank := func() {
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	var table [][]string
	flushTable := func() {
		if len(table) == 0 {
			return
		}
		out = append(out, alignTable(table)...)
		table = nil
	}
	inFence, skipping := false, false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if inFence {
			if strings.HasPrefix(t, "```") {
				inFence = false
				continue
			}
			if !skipping {
				out = append(out, strings.TrimRight("    "+l, " "))
			}
			continue
		}
		if strings.HasPrefix(t, "```") {
			flushTable()
			inFence = true
			continue
		}
		if m := reSummary.FindStringSubmatch(t); m != nil {
			flushTable()
			summary := PlainText(m[1])
			skipping = skip(summary)
			if !skipping {
				blank()
				out = append(out, summary+":")
			}
			continue
		}
		if t == "</details>" {
			skipping = false
			continue
		}
		if skipping {
			continue
		}
		if strings.HasPrefix(t, "|") {
			table = append(table, tableCells(t))
			continue
		}
		flushTable()
		switch {
		case t == "" || strings.HasPrefix(t, "<!--"):
			if t == "" {
				blank()
			}
		case reHeading.MatchString(t):
			blank()
			out = append(out, PlainText(reHeading.FindStringSubmatch(t)[1]))
		case reCallout.MatchString(t):
			// "> [!CAUTION]" then "> text": one line, "Caution: text".
			kind := strings.ToLower(reCallout.FindStringSubmatch(t)[1])
			text := ""
			if i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), ">") {
				i++
				text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), ">"))
			}
			out = append(out, strings.ToUpper(kind[:1])+kind[1:]+": "+PlainText(text))
		case strings.HasPrefix(t, ">"):
			out = append(out, "  "+PlainText(strings.TrimSpace(strings.TrimPrefix(t, ">"))))
		case reNextStep.MatchString(t):
			rest := reNextStep.ReplaceAllString(t, "")
			switch {
			case o.Next != "" && reCommentHint.MatchString(PlainText(rest)):
				out = append(out, "Next step: "+o.Next)
			case reCommentHint.MatchString(PlainText(rest)):
			default:
				out = append(out, "Next step: "+PlainText(rest))
			}
		case reSub.MatchString(t):
			out = append(out, PlainText(reSub.FindStringSubmatch(t)[1]))
		case strings.HasPrefix(t, "- "):
			out = append(out, "  - "+PlainText(t[2:]))
		default:
			out = append(out, PlainText(t))
		}
	}
	flushTable()
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	for len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return strings.Join(out, "\n") + "\n"
}

// tableCells splits a markdown table row into plain-text cells; "" for the
// separator row.
func tableCells(row string) []string {
	cells := strings.Split(strings.Trim(strings.ReplaceAll(row, `\|`, "\x00"), "|"), "|")
	for i, c := range cells {
		c = strings.TrimSpace(strings.ReplaceAll(c, "\x00", `\|`))
		if strings.Trim(c, "-: ") == "" {
			return nil
		}
		cells[i] = PlainText(c)
	}
	return cells
}

// alignTable renders rows as columns two spaces apart, indented by two.
func alignTable(rows [][]string) []string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var out []string
	for _, r := range rows {
		if r == nil {
			continue
		}
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(pad(c, widths[i]))
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}
