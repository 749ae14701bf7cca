package schemadiff

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Origin says where a statement (or a finding) comes from. Line and Column are
// 1-based; Column counts characters, not bytes. Offset is the byte offset in the
// file. File is empty for text that did not come from a file.
type Origin struct {
	File      string `json:"file,omitempty"`
	Offset    int    `json:"offset"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line,omitempty"`
	EndColumn int    `json:"end_column,omitempty"`
}

// String renders the origin the way compilers do: file:line:column.
func (o Origin) String() string {
	var b strings.Builder
	if o.File != "" {
		b.WriteString(o.File)
		b.WriteByte(':')
	}
	b.WriteString(strconv.Itoa(o.Line))
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(o.Column))
	return b.String()
}

// Chunk is one statement as it appears in a source file, before parsing.
type Chunk struct {
	// SQL is the statement text without its delimiter and surrounding blanks.
	SQL string
	// Comments is the text of the comments between the previous statement and
	// this one (suppression directives live there), with their origin.
	Comments []Comment
	// Origin is where SQL starts; EndLine/EndColumn point at its last character.
	Origin Origin
}

// Comment is one comment found between statements.
type Comment struct {
	Text   string // including the comment markers
	Origin Origin
}

// Source is the text of one file with a line index, used to turn byte offsets
// into line and column.
type Source struct {
	Name       string
	Text       string
	lineStarts []int
}

// NewSource indexes text for position look-ups.
func NewSource(name, text string) *Source {
	s := &Source{Name: name, Text: text, lineStarts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// Position turns a byte offset into an origin (file, offset, line, column).
// Offsets outside the text are clamped.
func (s *Source) Position(offset int) Origin {
	if offset < 0 {
		offset = 0
	}
	if offset > len(s.Text) {
		offset = len(s.Text)
	}
	lo, hi := 0, len(s.lineStarts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lineStarts[mid] <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	col := utf8.RuneCountInString(s.Text[s.lineStarts[lo]:offset]) + 1
	return Origin{File: s.Name, Offset: offset, Line: lo + 1, Column: col}
}

// Line returns the text of a 1-based line without its newline ("" when out of range).
func (s *Source) Line(n int) string {
	if n < 1 || n > len(s.lineStarts) {
		return ""
	}
	start := s.lineStarts[n-1]
	end := len(s.Text)
	if n < len(s.lineStarts) {
		end = s.lineStarts[n] - 1
	}
	return strings.TrimSuffix(s.Text[start:end], "\r")
}

// Span returns an origin for the byte range [start, end) of the source.
func (s *Source) Span(start, end int) Origin {
	o := s.Position(start)
	if end > start {
		e := s.Position(end - 1)
		o.EndLine, o.EndColumn = e.Line, e.Column
	} else {
		o.EndLine, o.EndColumn = o.Line, o.Column
	}
	return o
}

// Split cuts SQL text into statements on the delimiter (";" unless a
// DELIMITER line changes it), outside quotes and comments. It never fails: an
// unterminated quote or comment simply runs to the end of the text, and the
// parser reports it.
func (s *Source) Split() []Chunk { return s.SplitRange(0, len(s.Text)) }

// SplitRange is Split over the byte range [start, end) of the source; origins
// stay relative to the whole file.
func (s *Source) SplitRange(start, end int) []Chunk {
	if start < 0 {
		start = 0
	}
	if end > len(s.Text) {
		end = len(s.Text)
	}
	if start > end {
		start = end
	}
	text := s.Text[:end]
	var chunks []Chunk
	var comments []Comment
	delim := ";"
	stmtStart := -1 // byte offset of the first significant character of the current statement
	lastSig := -1   // byte offset just past the last significant character
	atLineStart := start == 0 || s.Text[start-1] == '\n'

	flush := func() {
		if stmtStart >= 0 {
			c := Chunk{SQL: text[stmtStart:lastSig], Comments: comments, Origin: s.Span(stmtStart, lastSig)}
			chunks = append(chunks, c)
			comments = nil
		}
		stmtStart, lastSig = -1, -1
	}

	i := start
	for i < len(text) {
		c := text[i]
		// DELIMITER is a client command: only at the start of a line, outside a statement.
		if atLineStart && stmtStart < 0 && hasPrefixFold(text[i:], "delimiter") && i+9 < len(text) && (text[i+9] == ' ' || text[i+9] == '\t') {
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				end = len(text) - i
			}
			if d := strings.TrimSpace(text[i+9 : i+end]); d != "" {
				delim = d
			}
			i += end
			continue
		}
		switch {
		case c == '\n':
			atLineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		}
		atLineStart = false
		switch {
		case c == '#' || (c == '-' && i+1 < len(text) && text[i+1] == '-' && (i+2 == len(text) || isSpace(text[i+2]))):
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				end = len(text) - i
			}
			if stmtStart < 0 {
				comments = append(comments, Comment{Text: strings.TrimRight(text[i:i+end], "\r"), Origin: s.Position(i)})
			}
			i += end
		case c == '/' && i+1 < len(text) && text[i+1] == '*' && !(i+2 < len(text) && text[i+2] == '!'):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				end = len(text)
			} else {
				end = i + 2 + end + 2
			}
			if stmtStart < 0 {
				comments = append(comments, Comment{Text: text[i:end], Origin: s.Position(i)})
			}
			i = end
		case strings.HasPrefix(text[i:], delim):
			flush()
			i += len(delim)
		case c == '\'' || c == '"' || c == '`':
			if stmtStart < 0 {
				stmtStart = i
			}
			i = skipQuoted(text, i)
			lastSig = i
		default:
			if stmtStart < 0 {
				stmtStart = i
			}
			if c == '/' && i+2 < len(text) && text[i+1] == '*' && text[i+2] == '!' {
				// MySQL versioned comment: executable, part of the statement.
				end := strings.Index(text[i+3:], "*/")
				if end < 0 {
					i = len(text)
				} else {
					i = i + 3 + end + 2
				}
				lastSig = i
				continue
			}
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			lastSig = i
		}
	}
	flush()
	return chunks
}

// skipQuoted returns the offset just past the quoted string starting at i.
func skipQuoted(text string, i int) int {
	q := text[i]
	i++
	for i < len(text) {
		switch text[i] {
		case '\\':
			if q != '`' {
				i += 2
				continue
			}
		case q:
			if i+1 < len(text) && text[i+1] == q { // doubled quote
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return len(text)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
