package schemadiff

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"vitess.io/vitess/go/vt/sqlparser"
)

// Kind classifies a statement by what the schema loader does with it.
type Kind int

// Statement kinds.
const (
	// KindSchema statements define or change tables and views; they are applied.
	KindSchema Kind = iota
	// KindNonSchema statements touch data or the session (INSERT, UPDATE, SET, ...); reported, never applied.
	KindNonSchema
	// KindUnsupported statements are schema objects PlanetScale does not accept
	// (databases, triggers, routines, events, LOCK TABLES, ...); reported, never applied.
	KindUnsupported
	// KindInvalid statements did not parse; Err says where and why.
	KindInvalid
	// KindConditional statements are the session statements of conditional
	// DDL (SET @var, PREPARE, EXECUTE, DEALLOCATE) that the builder
	// evaluated; what EXECUTE ran follows them as a statement of its own.
	// Only the builder sets this kind (see conditional.go).
	KindConditional
)

func (k Kind) String() string {
	switch k {
	case KindSchema:
		return "schema"
	case KindNonSchema:
		return "non-schema"
	case KindUnsupported:
		return "unsupported"
	case KindConditional:
		return "conditional"
	default:
		return "invalid"
	}
}

// Statement is one parsed statement with its place in the source.
type Statement struct {
	Chunk
	Source *Source
	Kind   Kind
	// AST is the parsed statement (nil when Kind is KindInvalid, or for
	// unsupported statements the parser does not know).
	AST sqlparser.Statement
	// What names the statement for messages: "ALTER TABLE users", "INSERT", "CREATE TRIGGER".
	What string
	// Err is the syntax error of an invalid statement.
	Err *SyntaxError
}

// SyntaxError is a parse error at an exact place.
type SyntaxError struct {
	Origin  Origin
	Message string
	Near    string
	// Hint says what to write instead, for valid MySQL the parser does not read.
	Hint string
}

func (e *SyntaxError) Error() string {
	return e.Origin.String() + ": " + e.Text(strconv.Quote)
}

// Text is the message without the position: what went wrong, the token the
// parser stopped at (quoted by quote) and the hint.
func (e *SyntaxError) Text(quote func(string) string) string {
	msg := e.Message
	if e.Near != "" {
		msg += " near " + quote(e.Near)
	}
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// One ^ before the alternation: with a ^ in each branch the regexp package
// does not see the pattern as anchored and tries it at every offset of the
// statement.
var reUnsupported = regexp.MustCompile(`(?is)^\s*(?:(?:create|drop|alter)\s+(?:or\s+replace\s+)?(?:definer\s*=\s*\S+\s+)?(?:sql\s+security\s+\w+\s+)?(?:aggregate\s+)?(database|schema|trigger|procedure|function|event|server|logfile\s+group|tablespace|spatial\s+reference\s+system|resource\s+group|user|role)\b` +
	`|(lock\s+tables?|unlock\s+tables?|grant|revoke|call|install\s+plugin|uninstall\s+plugin|rename\s+user|begin\s+not\s+atomic)\b)`)

var reNonSchema = regexp.MustCompile(`(?is)^\s*(insert|replace|update|delete|select|with|set|use|truncate|load|call|do|handler|start\s+transaction|begin|commit|rollback|savepoint|release|flush|analyze|optimize|repair|check|checksum|show|explain|describe|desc|prepare|execute|deallocate|kill|purge|reset)\b`)

// ParseChunks parses each chunk of a source. It never fails and never panics:
// a statement that does not parse comes back with Kind KindInvalid and a
// positioned SyntaxError.
//
// Large sources are parsed on every CPU: each chunk is parsed on its own, and
// the statements come back in chunk order, so the result is the same.
func (e *Env) ParseChunks(src *Source, chunks []Chunk) []Statement {
	return e.parseSources([]sourceChunks{{src, chunks}})[0]
}

// sourceChunks is a source and the chunks of it to parse.
type sourceChunks struct {
	src    *Source
	chunks []Chunk
}

// parseSources is ParseChunks for several sources at once (the files of a
// folder), spread over the CPUs as one pile of chunks: out[i] is source i's
// statements, in chunk order.
func (e *Env) parseSources(in []sourceChunks) [][]Statement {
	out := make([][]Statement, len(in))
	type item struct{ file, chunk int }
	var items []item
	for i, sc := range in {
		out[i] = make([]Statement, len(sc.chunks))
		for j := range sc.chunks {
			items = append(items, item{i, j})
		}
	}
	parse := func(it item) {
		sc := in[it.file]
		out[it.file][it.chunk] = e.parseChunk(sc.src, sc.chunks[it.chunk])
	}
	workers := min(runtime.GOMAXPROCS(0), len(items)/parallelChunks)
	if workers < 2 {
		for _, it := range items {
			parse(it)
		}
		return out
	}
	var (
		next atomic.Int64 // the next batch of chunks to take
		wg   sync.WaitGroup
	)
	const batch = 32
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := int(next.Add(batch)) - batch
				if start >= len(items) {
					return
				}
				for _, it := range items[start:min(start+batch, len(items))] {
					parse(it)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// parallelChunks is how many chunks per worker make parsing on several
// CPUs worth starting goroutines for.
const parallelChunks = 64

// ParseSource splits and parses a whole source.
func (e *Env) ParseSource(src *Source) []Statement {
	return e.ParseChunks(src, src.Split())
}

func (e *Env) parseChunk(src *Source, c Chunk) (st Statement) {
	st = Statement{Chunk: c, Source: src}
	// Never a panic: chunks are parsed on other goroutines, where one would end the process.
	defer func() {
		if r := recover(); r != nil {
			st.Kind, st.AST = KindInvalid, nil
			st.Err = &SyntaxError{Origin: c.Origin, Message: fmt.Sprintf("the SQL parser failed on this statement (%v)", r)}
		}
	}()
	if clientCommandLen(c.SQL) > 0 {
		st.Kind, st.What = KindUnsupported, strings.Join(strings.Fields(c.SQL), " ")
		return st
	}
	if m := reUnsupported.FindStringSubmatch(c.SQL); m != nil {
		st.Kind = KindUnsupported
		st.What = unsupportedWhat(c.SQL, m)
		return st
	}
	text, edits := rewriteTypeSynonyms(c.SQL)
	ast, err := e.parser.ParseStrictDDL(text)
	if err != nil {
		// Column-level CHECK constraints, which the parser cannot read where they are.
		if moved, _, ok := withColumnChecks(c.SQL, edits); ok {
			if a, err2 := e.parser.ParseStrictDDL(moved); err2 == nil {
				ast, err = a, nil
			}
		}
	}
	if err != nil {
		st.Kind = KindInvalid
		st.Err = positionError(src, c, unshiftError(err, edits))
		st.Err.Hint = unreadForms[strings.ToLower(st.Err.Near)]
		if reNonSchema.MatchString(c.SQL) {
			// A data statement the DDL parser could not read is still a data statement.
			st.Kind, st.Err = KindNonSchema, nil
			st.What = strings.ToUpper(firstWord(c.SQL))
		}
		return st
	}
	st.AST = ast
	st.Kind, st.What = classify(ast, c.SQL)
	return st
}

// ClientCommand returns the file a mysql client command line (source
// file.sql, \. file.sql) reads, and whether the statement is one. The client
// runs the file itself; ddlbot does not follow it.
func (st Statement) ClientCommand() (file string, ok bool) {
	if st.Kind != KindUnsupported || clientCommandLen(st.SQL) == 0 {
		return "", false
	}
	rest := strings.TrimPrefix(st.SQL, `\.`)
	if len(rest) == len(st.SQL) {
		rest = st.SQL[len("source"):]
	}
	return strings.Trim(strings.TrimSpace(rest), `'"`), true
}

// unsupportedWhat names an unsupported statement: "CREATE TRIGGER", "LOCK TABLES".
func unsupportedWhat(sql string, m []string) string {
	if m[1] != "" {
		return strings.ToUpper(firstWord(sql) + " " + strings.Join(strings.Fields(m[1]), " "))
	}
	return strings.ToUpper(strings.Join(strings.Fields(m[2]), " "))
}

func firstWord(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return ""
	}
	return strings.TrimRight(f[0], "(;")
}

func classify(ast sqlparser.Statement, sql string) (Kind, string) {
	switch s := ast.(type) {
	case *sqlparser.CreateTable:
		if s.Select != nil {
			return KindUnsupported, "CREATE TABLE ... SELECT"
		}
		return KindSchema, "CREATE TABLE " + s.Table.Name.String()
	case *sqlparser.AlterTable:
		return KindSchema, "ALTER TABLE " + s.Table.Name.String()
	case *sqlparser.DropTable:
		if s.Temp {
			return KindNonSchema, "DROP TEMPORARY TABLE"
		}
		return KindSchema, "DROP TABLE " + tableNames(s.FromTables)
	case *sqlparser.RenameTable:
		names := make([]string, 0, len(s.TablePairs))
		for _, p := range s.TablePairs {
			names = append(names, p.FromTable.Name.String())
		}
		return KindSchema, "RENAME TABLE " + strings.Join(names, ", ")
	case *sqlparser.CreateView:
		return KindSchema, "CREATE VIEW " + s.ViewName.Name.String()
	case *sqlparser.AlterView:
		return KindSchema, "ALTER VIEW " + s.ViewName.Name.String()
	case *sqlparser.DropView:
		return KindSchema, "DROP VIEW " + tableNames(s.FromTables)
	case *sqlparser.CreateDatabase, *sqlparser.DropDatabase, *sqlparser.AlterDatabase,
		*sqlparser.LockTables, *sqlparser.UnlockTables, *sqlparser.CreateProcedure, *sqlparser.DropProcedure,
		*sqlparser.AlterVschema, *sqlparser.AlterMigration, *sqlparser.RevertMigration:
		return KindUnsupported, strings.ToUpper(firstWord(sql) + " " + secondWord(sql))
	case *sqlparser.CommentOnly:
		return KindNonSchema, "comment"
	default:
		return KindNonSchema, strings.ToUpper(firstWord(sql))
	}
}

func secondWord(sql string) string {
	f := strings.Fields(sql)
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

func tableNames(ts sqlparser.TableNames) string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		names = append(names, t.Name.String())
	}
	return strings.Join(names, ", ")
}

// unreadForms are valid MySQL the Vitess parser (PlanetScale's) does not
// read, by the token the parser stops at, with what to write instead.
var unreadForms = map[string]string{
	"storage": "the column attribute STORAGE DISK|MEMORY (for NDB; InnoDB ignores it) is not supported by the Vitess parser PlanetScale uses; remove it",
}

// unshiftError maps the position of a parser error in text rewritten by
// rewriteTypeSynonyms back to the statement as written.
func unshiftError(err error, edits []typeEdit) error {
	if len(edits) == 0 {
		return err
	}
	var pe *sqlparser.PositionedErr
	if !errors.As(err, &pe) {
		var pv sqlparser.PositionedErr
		if !errors.As(err, &pv) {
			return err
		}
		pe = &pv
	}
	return sqlparser.PositionedErr{Err: pe.Err, Pos: originalOffset(edits, pe.Pos-1) + 1, Near: pe.Near}
}

// positionError turns a parser error into a SyntaxError at the file position
// of the offending token.
func positionError(src *Source, c Chunk, err error) *SyntaxError {
	var pe *sqlparser.PositionedErr
	if !errors.As(err, &pe) {
		var pv sqlparser.PositionedErr
		if errors.As(err, &pv) {
			pe = &pv
		}
	}
	if pe == nil {
		return &SyntaxError{Origin: c.Origin, Message: err.Error()}
	}
	// Pos is 1 + the byte offset just past the offending token.
	end := pe.Pos - 1
	if end > len(c.SQL) {
		end = len(c.SQL)
	}
	if end < 0 {
		end = 0
	}
	start := end
	if pe.Near != "" && end >= len(pe.Near) && strings.EqualFold(c.SQL[end-len(pe.Near):end], pe.Near) {
		start = end - len(pe.Near)
	} else if pe.Near != "" {
		if i := strings.LastIndex(strings.ToLower(c.SQL[:end]), strings.ToLower(pe.Near)); i >= 0 {
			start = i
		}
	}
	if start == end && end == len(c.SQL) && end > 0 {
		start = end - 1 // error at end of input: point at the last character
	}
	if r, at, ok := offendingRune(c.SQL, start, end, pe.Near); ok {
		// Vitess names the byte it stopped at, which prints as a stray Latin-1
		// letter ("near 'Â'"): name the character instead, where it is.
		return &SyntaxError{Origin: src.Span(c.Origin.Offset+at, c.Origin.Offset+at+utf8.RuneLen(r)), Message: describeRune(r)}
	}
	o := src.Span(c.Origin.Offset+start, c.Origin.Offset+max(end, start+1))
	msg := pe.Err
	if start >= len(c.SQL)-1 && pe.Near == "" {
		msg += " (unexpected end of statement)"
	}
	return &SyntaxError{Origin: o, Message: msg, Near: pe.Near}
}

// offendingRune finds the non-ASCII character a parser error stopped at: the
// character holding the last byte before end, when the parser's "near" text is
// that single byte or empty. ok is false when the error is about something else.
func offendingRune(sql string, start, end int, near string) (rune, int, bool) {
	if end <= 0 || end > len(sql) || (near != "" && (len(near) > 2 || near == sql[start:end])) {
		return 0, 0, false
	}
	at := end - 1
	for at > 0 && !utf8.RuneStart(sql[at]) {
		at--
	}
	r, _ := utf8.DecodeRuneInString(sql[at:])
	if r < utf8.RuneSelf {
		return 0, 0, false
	}
	return r, at, true
}

// unicodeSpaces names the characters editors and web pages put where a space
// was meant. MySQL reads only ASCII space, tab, newline, carriage return,
// vertical tab and form feed as blanks; to it these are letters of a name.
var unicodeSpaces = map[rune]string{
	0x00A0: "no-break space", 0x1680: "ogham space mark", 0x180E: "mongolian vowel separator",
	0x2000: "en quad", 0x2001: "em quad", 0x2002: "en space", 0x2003: "em space", 0x2004: "three-per-em space",
	0x2005: "four-per-em space", 0x2006: "six-per-em space", 0x2007: "figure space", 0x2008: "punctuation space",
	0x2009: "thin space", 0x200A: "hair space", 0x200B: "zero width space", 0x200C: "zero width non-joiner",
	0x200D: "zero width joiner", 0x2028: "line separator", 0x2029: "paragraph separator", 0x202F: "narrow no-break space",
	0x205F: "medium mathematical space", 0x2060: "word joiner", 0x3000: "ideographic space", 0xFEFF: "zero width no-break space (byte order mark)",
	0x00AD: "soft hyphen",
}

// describeRune is the message for an unexpected non-ASCII character.
func describeRune(r rune) string {
	if r == utf8.RuneError {
		return "unexpected byte that is not UTF-8: save the file as UTF-8"
	}
	if name, ok := unicodeSpaces[r]; ok {
		return fmt.Sprintf("unexpected character U+%04X (%s): MySQL reads only ASCII spaces, tabs and newlines as blanks, so this is not a space to it; replace it with a plain space or delete it", r, name)
	}
	return fmt.Sprintf("unexpected character U+%04X (%q) outside a quoted string or name: quote the name with backticks, or remove the character", r, r)
}
