package schemadiff

import (
	"regexp"
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

// Lines is the number of lines of the text: one more than its newlines.
func (s *Source) Lines() int { return len(s.lineStarts) }

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
		last := min(end, len(s.Text)) - 1
		for last > start && !utf8.RuneStart(s.Text[last]) {
			last-- // the last character, not its last byte
		}
		e := s.Position(last)
		o.EndLine, o.EndColumn = e.Line, e.Column
	} else {
		o.EndLine, o.EndColumn = o.Line, o.Column
	}
	return o
}

// Split cuts SQL text into statements on the delimiter (";" unless a
// DELIMITER line changes it), outside quotes and comments. With the ";"
// delimiter, a stored program (CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT, or
// MariaDB's BEGIN NOT ATOMIC) stays one statement up to the END that closes
// its body, the way the server reads a file a migration tool sends whole; see
// compoundState. A mysql client command line (source file.sql, \. file.sql)
// is a statement of its own, ending at its line. It never fails: an
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
	// A stored program being read (nil outside one), and whether an unclosed
	// one was met: then the rest of the text splits on the delimiter alone, so
	// one missing END never swallows the file and the text is scanned at most twice.
	var prog *compoundState
	noCompound := false

	flush := func() {
		if stmtStart >= 0 {
			c := Chunk{SQL: text[stmtStart:lastSig], Comments: comments, Origin: s.Span(stmtStart, lastSig)}
			chunks = append(chunks, c)
			comments = nil
		}
		stmtStart, lastSig, prog = -1, -1, nil
	}

	i := start
	if i == 0 && strings.HasPrefix(text, "\uFEFF") {
		// A UTF-8 byte order mark opening the file: the mysql client skips it too.
		i = len("\uFEFF")
	}
	for {
		for i < len(text) {
			c := text[i]
			// DELIMITER and the client's source command: only at the start of a line, outside a statement.
			if atLineStart && stmtStart < 0 {
				if hasPrefixFold(text[i:], "delimiter") && i+9 < len(text) && (text[i+9] == ' ' || text[i+9] == '\t') {
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
				if n := clientCommandLen(text[i:]); n > 0 {
					sql := strings.TrimRight(text[i:i+n], " \t\r\n;")
					chunks = append(chunks, Chunk{SQL: sql, Comments: comments, Origin: s.Span(i, i+len(sql))})
					comments = nil
					i += n
					continue
				}
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
			case prog != nil && c == ';' && prog.open():
				// A statement inside the body of a stored program.
				prog.punct(text, i)
				i++
				lastSig = i
			case strings.HasPrefix(text[i:], delim):
				flush()
				i += len(delim)
			case c == '\'' || c == '"' || c == '`':
				if stmtStart < 0 {
					stmtStart = i
				}
				i = skipQuoted(text, i)
				lastSig = i
				if prog != nil {
					prog.prev = tokWord
				}
			default:
				if stmtStart < 0 {
					stmtStart = i
					if delim == ";" && !noCompound && compoundStart(text[i:min(len(text), i+compoundHeaderMax)]) {
						prog = &compoundState{prev: tokWord}
					}
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
				if prog != nil {
					if isWordByte(c) {
						j := wordEnd(text, i)
						prog.word(text, i, j)
						i, lastSig = j, j
						continue
					}
					prog.punct(text, i)
				}
				_, size := utf8.DecodeRuneInString(text[i:])
				i += size
				lastSig = i
			}
		}
		if prog != nil && prog.open() {
			// The body never closed (a missing END, or a keyword read the wrong
			// way): read the statement again as if it were plain SQL, so the
			// statements after it still load and the parser reports what is wrong.
			i, stmtStart, lastSig, prog, noCompound, atLineStart = stmtStart, -1, -1, nil, true, false
			continue
		}
		break
	}
	flush()
	return chunks
}

// compoundHeaderMax bounds how far a statement's start is examined to tell a
// stored program (CREATE DEFINER=... PROCEDURE ...), keeping the split linear.
const compoundHeaderMax = 512

var reCompoundStart = regexp.MustCompile(`(?is)^(?:create\s+(?:or\s+replace\s+)?` +
	"(?:definer\\s*=\\s*(?:'(?:[^'\\\\]|\\\\.)*'|`[^`]*`|\"[^\"]*\"|[^\\s@]+)(?:\\s*@\\s*(?:'(?:[^'\\\\]|\\\\.)*'|`[^`]*`|\"[^\"]*\"|\\S+))?\\s+)?" +
	`(?:sql\s+security\s+\w+\s+)?(?:aggregate\s+)?(?:procedure|function|trigger|event)\b|begin\s+not\s+atomic\b)`)

// compoundStart reports whether a statement starting with head is a stored
// program, whose body may hold statements ended by ";".
func compoundStart(head string) bool {
	if c := head[0] | 0x20; c != 'c' && c != 'b' {
		return false
	}
	return reCompoundStart.MatchString(head)
}

// Tokens a stored program's scanner remembers of what came before a word.
const (
	tokWord  = iota // a word, literal or operator
	tokStart        // a place where a statement of the body starts (after ";", BEGIN, THEN, a label, ...)
	tokEnd          // END: a following IF, CASE, LOOP, WHILE or REPEAT belongs to it
	tokQual         // ".", "," or "(": a following BEGIN or END is a name, not a keyword
)

// Kinds of open blocks in a stored program body.
const (
	blockBegin    = 'b'
	blockIf       = 'i'
	blockCaseStmt = 'C' // CASE at the start of a statement: its THEN/ELSE start statements
	blockCaseExpr = 'c' // CASE inside an expression: its THEN/ELSE start expressions
	blockLoop     = 'l'
	blockWhile    = 'w'
	blockRepeat   = 'r'
)

// compoundState follows the blocks of a stored program body as the server's
// grammar does: BEGIN ... END, IF ... END IF, CASE ... END [CASE], LOOP,
// WHILE and REPEAT ... END LOOP/WHILE/REPEAT (and MariaDB's FOR ... END FOR),
// each optionally labelled. A ";"
// ends the program only when no block is open. IF, LOOP, WHILE and REPEAT
// open a block only where a statement starts (IF() and REPEAT() are also
// functions), BEGIN there, as the body or as a handler's body (begin and end
// may name columns); CASE always opens one (a CASE expression ends with END too).
type compoundState struct {
	blocks  []byte
	prev    int
	handler bool // in a DECLARE ... HANDLER statement, whose body may be a BEGIN block
}

func (p *compoundState) open() bool { return len(p.blocks) > 0 }

func (p *compoundState) top() byte {
	if len(p.blocks) == 0 {
		return 0
	}
	return p.blocks[len(p.blocks)-1]
}

// punct notes a character that is not part of a word.
func (p *compoundState) punct(text string, i int) {
	switch text[i] {
	case ';':
		p.prev, p.handler = tokStart, false
	case '.', ',', '(':
		p.prev = tokQual
	case ':':
		if i+1 < len(text) && text[i+1] == '=' {
			p.prev = tokWord
		} else {
			p.prev = tokStart // after a label
		}
	default:
		p.prev = tokWord
	}
}

// word notes the word text[i:j].
func (p *compoundState) word(text string, i, j int) {
	w := text[i:j]
	prev := p.prev
	p.prev = tokWord
	if len(w) < 2 || len(w) > 7 { // the keywords below: "if" to "handler"
		return
	}
	// BEGIN and END are not reserved: after ".", "," or "(", or before ".",
	// "(", "=", "," or ")", they name a column (t.end, SET begin = ...).
	// END before "=", "," or ")" still closes a CASE expression (CASE ... END = 1).
	next := nextSignificant(text, j)
	keyword := prev != tokQual && next != '.' && next != '('
	inCase := p.top() == blockCaseExpr || p.top() == blockCaseStmt
	atStart := prev == tokStart
	switch {
	case prev == tokEnd && (strings.EqualFold(w, "if") || strings.EqualFold(w, "case") || strings.EqualFold(w, "loop") ||
		strings.EqualFold(w, "while") || strings.EqualFold(w, "repeat") || strings.EqualFold(w, "for")):
		// END IF, END CASE, ...: closed already by END.
	case keyword && strings.EqualFold(w, "end") && (inCase || (next != '=' && next != ',' && next != ')')):
		if len(p.blocks) > 0 {
			p.blocks = p.blocks[:len(p.blocks)-1]
		}
		p.prev = tokEnd
	case keyword && strings.EqualFold(w, "begin") && next != '=' && next != ',' && next != ')' && (atStart || len(p.blocks) == 0 || p.handler):
		// A block starts where a statement does, as the program's body, or as a handler's.
		p.blocks = append(p.blocks, blockBegin)
		p.prev, p.handler = tokStart, false
	case strings.EqualFold(w, "handler"):
		p.handler = true // DECLARE ... HANDLER FOR condition BEGIN ... END
	case strings.EqualFold(w, "case"):
		if atStart {
			p.blocks = append(p.blocks, blockCaseStmt)
		} else {
			p.blocks = append(p.blocks, blockCaseExpr)
		}
	case atStart && strings.EqualFold(w, "if"):
		p.blocks = append(p.blocks, blockIf)
	case atStart && strings.EqualFold(w, "loop"):
		p.blocks = append(p.blocks, blockLoop)
		p.prev = tokStart
	case atStart && strings.EqualFold(w, "repeat"):
		p.blocks = append(p.blocks, blockRepeat)
		p.prev = tokStart
	case atStart && (strings.EqualFold(w, "while") || strings.EqualFold(w, "for")):
		// WHILE ... DO ... END WHILE, and MariaDB's FOR ... DO ... END FOR.
		p.blocks = append(p.blocks, blockWhile)
	case strings.EqualFold(w, "then") || strings.EqualFold(w, "else"):
		if p.top() != blockCaseExpr {
			p.prev = tokStart
		}
	case strings.EqualFold(w, "do"):
		// WHILE ... DO, or an event's DO: a statement follows.
		if t := p.top(); t == blockWhile || t == 0 {
			p.prev = tokStart
		}
	case strings.EqualFold(w, "atomic") && p.top() == blockBegin:
		// MariaDB's BEGIN NOT ATOMIC: the block's statements follow.
		p.prev = tokStart
	case strings.EqualFold(w, "row") && len(p.blocks) == 0:
		// A trigger's FOR EACH ROW: its body follows.
		p.prev = tokStart
	}
}

// nextSignificant returns the first byte at or after i that is not an ASCII
// blank (0 at the end of the text).
func nextSignificant(text string, i int) byte {
	for ; i < len(text); i++ {
		if !isSpace(text[i]) {
			return text[i]
		}
	}
	return 0
}

func wordEnd(text string, i int) int {
	for i < len(text) && isWordByte(text[i]) {
		i++
	}
	return i
}

// clientCommandLen returns the length of a mysql client command line at the
// start of text (source file.sql or \. file.sql, up to and including its
// newline), or 0. The client runs these itself; the server never sees them.
func clientCommandLen(text string) int {
	switch {
	case strings.HasPrefix(text, `\.`):
	case hasPrefixFold(text, "source") && len(text) > 6 && (text[6] == ' ' || text[6] == '\t'):
	default:
		return 0
	}
	if end := strings.IndexByte(text, '\n'); end >= 0 {
		return end + 1
	}
	return len(text)
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
