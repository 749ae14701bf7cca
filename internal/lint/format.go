package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ddlbot/ddlbot/internal/logsafe"
	"github.com/ddlbot/ddlbot/schemadiff"
	"golang.org/x/text/width"
)

// Format is an output format for lint findings.
type Format string

// Output formats.
const (
	// FormatText is for people: file:line:col, severity, rule and message,
	// the source line with a caret under the column, then a summary line.
	FormatText Format = "text"
	// FormatJSON is {"findings": [...], "summary": {...}}.
	FormatJSON Format = "json"
	// FormatSARIF is SARIF 2.1.0, for GitHub code scanning and other tools.
	FormatSARIF Format = "sarif"
	// FormatGitHub is GitHub Actions workflow commands (::error file=...::msg),
	// which the runner turns into annotations.
	FormatGitHub Format = "github"
)

// Formats lists the output formats.
func Formats() []Format { return []Format{FormatText, FormatJSON, FormatSARIF, FormatGitHub} }

// ParseFormat parses a format name (case-insensitive).
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for _, f := range Formats() {
		if string(f) == name {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown output format %q (want %s)", s, strings.Join(names, ", "))
}

// SourceLookup returns the source of a file so that the text format can show
// the offending line. It may be nil, or return nil for a file it does not
// know: then no source line is shown.
type SourceLookup func(file string) *schemadiff.Source

// WriteOptions tunes the output.
type WriteOptions struct {
	// Version is ddlbot's version, recorded as the SARIF tool version.
	Version string
}

// Write renders findings in a format.
func Write(w io.Writer, format Format, findings []Finding, src SourceLookup) error {
	return WriteWith(w, format, findings, src, WriteOptions{})
}

// WriteWith renders findings in a format, with options.
func WriteWith(w io.Writer, format Format, findings []Finding, src SourceLookup, opts WriteOptions) error {
	var buf bytes.Buffer
	switch format {
	case FormatText:
		writeText(&buf, findings, src)
		// Source lines and identifiers are the user's: in a workflow step's
		// log a line like "    ::error::x" or "##[add-mask]" would be a
		// command. Neutralised always; the text reads the same.
		text := logsafe.Text(buf.String())
		buf.Reset()
		buf.WriteString(text)
	case FormatJSON:
		if err := writeJSON(&buf, findings); err != nil {
			return err
		}
	case FormatSARIF:
		if err := writeSARIF(&buf, findings, opts, Rules()); err != nil {
			return err
		}
	case FormatGitHub:
		writeGitHub(&buf, findings)
	default:
		_, err := ParseFormat(string(format))
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ---- text ----

func writeText(b *bytes.Buffer, findings []Finding, src SourceLookup) {
	for _, f := range findings {
		b.WriteString(findingPosition(f))
		b.WriteString(": ")
		b.WriteString(f.Severity.String())
		b.WriteString(" [")
		b.WriteString(f.Rule)
		b.WriteString("] ")
		b.WriteString(strings.ReplaceAll(strings.TrimRight(f.Message, "\n"), "\n", "\n    "))
		b.WriteByte('\n')
		if src != nil {
			if s := src(f.File); s != nil {
				writeSnippet(b, s, f)
			}
		}
		b.WriteByte('\n')
	}
	b.WriteString(textSummary(findings))
	b.WriteByte('\n')
}

// findingPosition renders file:line:col (line:col without a file), the way
// schemadiff.Origin does.
func findingPosition(f Finding) string {
	return schemadiff.Origin{File: f.File, Line: f.Line, Column: f.Column}.String()
}

// textSummary is "2 errors, 1 warning, 0 notices" or "no findings".
func textSummary(findings []Finding) string {
	if len(findings) == 0 {
		return "no findings"
	}
	s := Summarize(findings)
	return textCount(s.Errors, "error") + ", " + textCount(s.Warnings, "warning") + ", " + textCount(s.Notices, "notice")
}

func textCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// snippetIndent prefixes the source line and the caret line alike, so tabs
// in both land on the same tab stops.
const snippetIndent = "    "

// writeSnippet writes the finding's source line and a caret line under it:
// "^" at the column and "~" through the end column (or to the end of the line
// when the finding spans several lines).
func writeSnippet(b *bytes.Buffer, s *schemadiff.Source, f Finding) {
	if f.Line < 1 || f.Line > s.Lines() {
		return
	}
	line := s.Line(f.Line)
	if strings.TrimSpace(line) == "" {
		return
	}
	line = strings.TrimRight(line, " \t")
	col := max(f.Column, 1)
	// end is the last marked column (1-based, inclusive).
	end := col
	switch {
	case f.EndLine > f.Line:
		end = max(utf8.RuneCountInString(line), col)
	case f.EndLine == f.Line && f.EndColumn > col:
		end = f.EndColumn
	}
	b.WriteString(snippetIndent)
	b.WriteString(snippetVisible(line))
	b.WriteByte('\n')

	var caret strings.Builder
	caret.WriteString(snippetIndent)
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteString(strings.Repeat(" ", caretWidth(r)))
		}
		i++
	}
	for ; i < col; i++ { // the column lies past the end of the line
		caret.WriteByte(' ')
	}
	marked := 0
	j := 1
	for _, r := range line {
		if j >= col && j <= end {
			marked += max(caretWidth(r), 1)
		}
		j++
	}
	if j <= end { // marked columns past the end of the line
		marked += end - max(j, col) + 1
	}
	caret.WriteByte('^')
	if marked > 1 {
		caret.WriteString(strings.Repeat("~", marked-1))
	}
	b.WriteString(caret.String())
	b.WriteByte('\n')
}

// snippetVisible replaces control characters other than tab, which would
// upset the terminal or the caret alignment, with U+FFFD.
func snippetVisible(line string) string {
	if strings.IndexFunc(line, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }) < 0 {
		return line
	}
	return strings.Map(func(r rune) rune {
		if r != '\t' && unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, line)
}

// caretWidth is the number of terminal cells a rune takes: 0 for combining
// marks and format characters, 2 for East Asian wide and fullwidth characters
// (CJK, most emoji), 1 otherwise.
func caretWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// ---- json ----

type jsonReport struct {
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
}

func writeJSON(b *bytes.Buffer, findings []Finding) error {
	rep := jsonReport{Findings: findings, Summary: Summarize(findings)}
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// ---- github ----

// writeGitHub writes one workflow command per finding. GitHub only honours
// col and endColumn when the annotation is on one line, so a finding that
// spans lines gets line and endLine only.
func writeGitHub(b *bytes.Buffer, findings []Finding) {
	for _, f := range findings {
		cmd := "notice"
		switch f.Severity {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		b.WriteString("::")
		b.WriteString(cmd)
		var props []string
		msg := f.Message
		if f.File == "" {
			// An annotation without a file has no place in the diff: keep the
			// position in the message.
			msg = findingPosition(f) + ": " + msg
		} else {
			endLine, endCol := f.EndLine, f.EndColumn
			if endLine < f.Line {
				endLine, endCol = f.Line, f.Column
			}
			props = append(props, "file="+githubEscapeProperty(f.File), "line="+strconv.Itoa(f.Line))
			if endLine == f.Line {
				props = append(props, "col="+strconv.Itoa(f.Column))
			}
			props = append(props, "endLine="+strconv.Itoa(endLine))
			if endLine == f.Line {
				props = append(props, "endColumn="+strconv.Itoa(max(endCol, f.Column)))
			}
		}
		props = append(props, "title="+githubEscapeProperty(f.Rule))
		b.WriteByte(' ')
		b.WriteString(strings.Join(props, ","))
		b.WriteString("::")
		b.WriteString(githubEscapeData(msg))
		b.WriteByte('\n')
	}
}

// githubEscapeData escapes a workflow command's message.
func githubEscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubEscapeProperty escapes a workflow command's property value.
func githubEscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
