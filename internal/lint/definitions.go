package lint

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Placing a finding about one column or one constraint by searching the
// whole statement for a word finds the first place the word is written,
// which may be another column's or another constraint's (two foreign keys
// to one table, `CHARACTER SET ucs2` on the next column). The helpers here
// cut a table statement into its definitions as written, so that the search
// stays inside the definition the finding is about.

// definition is one top-level item of a table statement, as written: a
// column, index or constraint definition of a CREATE TABLE, or one ALTER
// TABLE option (each column of `ADD COLUMN (a ..., b ...)` on its own).
type definition struct {
	// start and end are byte offsets into the statement's SQL; start is
	// at the item's first token.
	start, end int
	// tokens are the item's first few tokens (see sqlTokens).
	tokens []sqlToken
}

// sqlToken is an identifier, keyword, quoted name or punctuation character.
type sqlToken struct {
	start, end int
	// text is the token; a back-quoted name without its quotes.
	text string
	// quoted is true for a back-quoted name.
	quoted bool
}

// is reports whether the token is the unquoted keyword kw.
func (t sqlToken) is(kw string) bool { return !t.quoted && strings.EqualFold(t.text, kw) }

// names reports whether the token is the identifier name.
func (t sqlToken) names(name string) bool { return strings.EqualFold(t.text, name) }

// definitionKeywords start a CREATE TABLE item that is not a column: MySQL
// needs such a name back-quoted when it is a column's.
var definitionKeywords = map[string]bool{"primary": true, "key": true, "index": true, "unique": true, "constraint": true,
	"foreign": true, "check": true, "fulltext": true, "spatial": true, "period": true, "partition": true}

// skipSpace returns the offset of the first byte at or after i that is not
// white space or inside a comment.
func skipSpace(sql string, i int) int {
	for i < len(sql) {
		switch c := sql[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '#' || (strings.HasPrefix(sql[i:], "--") && (i+2 == len(sql) || sql[i+2] <= ' ')):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return len(sql)
			}
			i += j + 1
		case c == '/' && strings.HasPrefix(sql[i:], "/*") && !strings.HasPrefix(sql[i:], "/*!"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return len(sql)
			}
			i += j + 4
		default:
			return i
		}
	}
	return i
}

// skipQuoted returns the offset just after the quoted text starting at i
// (sql[i] is its quote): doubled quotes and, except in back-quoted names,
// backslashes escape.
func skipQuoted(sql string, i int) int {
	q := sql[i]
	for i++; i < len(sql); i++ {
		switch sql[i] {
		case '\\':
			if q != '`' {
				i++
			}
		case q:
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(sql)
}

// nextToken returns the token at or after i (ok is false at the end).
func nextToken(sql string, i int) (sqlToken, bool) {
	i = skipSpace(sql, i)
	if i >= len(sql) {
		return sqlToken{}, false
	}
	switch c := sql[i]; {
	case c == '`':
		end := skipQuoted(sql, i)
		inner := sql[i+1 : max(i+1, end-1)]
		return sqlToken{start: i, end: end, text: strings.ReplaceAll(inner, "``", "`"), quoted: true}, true
	case isWordByte(c) || c >= 0x80:
		j := i
		for j < len(sql) && (isWordByte(sql[j]) || sql[j] >= 0x80) {
			j++
		}
		return sqlToken{start: i, end: j, text: sql[i:j]}, true
	case c == '\'' || c == '"':
		end := skipQuoted(sql, i)
		return sqlToken{start: i, end: end, text: sql[i:end]}, true
	}
	return sqlToken{start: i, end: i + 1, text: sql[i : i+1]}, true
}

// sqlTokens returns up to n tokens of sql[from:to].
func sqlTokens(sql string, from, to, n int) []sqlToken {
	var out []sqlToken
	for len(out) < n {
		t, ok := nextToken(sql[:to], from)
		if !ok {
			break
		}
		out = append(out, t)
		from = t.end
	}
	return out
}

// splitTopLevel calls item with the spans of the comma-separated items of
// sql[from:] at nesting depth 0, up to a closing parenthesis at depth 0 (or
// the end); it returns where it stopped (at that parenthesis).
func splitTopLevel(sql string, from int, item func(start, end int)) int {
	depth, start := 0, from
	i := from
	for i < len(sql) {
		if j := skipSpace(sql, i); j != i {
			i = j
			continue
		}
		switch sql[i] {
		case '\'', '"', '`':
			i = skipQuoted(sql, i)
			continue
		case '(':
			depth++
		case ')':
			if depth == 0 {
				item(start, i)
				return i
			}
			depth--
		case ',':
			if depth == 0 {
				item(start, i)
				start = i + 1
			}
		}
		i++
	}
	item(start, len(sql))
	return len(sql)
}

// alterHead matches the head of an ALTER TABLE up to its table name.
var alterHead = regexp.MustCompile("(?is)^\\s*ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:`(?:[^`]|``)*`|[A-Za-z0-9_$]+)(?:\\s*\\.\\s*(?:`(?:[^`]|``)*`|[A-Za-z0-9_$]+))?")

// definitions cuts a CREATE TABLE (its parenthesised definitions) or an
// ALTER TABLE (its options) into items; other statements have none.
func definitions(st schemadiff.Statement) []definition {
	sql := st.SQL
	var out []definition
	add := func(start, end int) {
		start = skipSpace(sql, start)
		if start < end {
			out = append(out, definition{start: start, end: end, tokens: sqlTokens(sql, start, end, 8)})
		}
	}
	switch st.AST.(type) {
	case *sqlparser.CreateTable:
		// The definitions are the first parenthesised list.
		for i := 0; i < len(sql); {
			t, ok := nextToken(sql, i)
			if !ok {
				break
			}
			if t.text == "(" && !t.quoted {
				splitTopLevel(sql, t.end, add)
				break
			}
			i = t.end
		}
	case *sqlparser.AlterTable:
		loc := alterHead.FindStringIndex(sql)
		if loc == nil {
			return nil
		}
		var items []definition
		splitTopLevel(sql, loc[1], func(start, end int) {
			start = skipSpace(sql, start)
			if start < end {
				items = append(items, definition{start: start, end: end, tokens: sqlTokens(sql, start, end, 8)})
			}
		})
		for _, d := range items {
			// ADD [COLUMN] (a ..., b ...): one item per column.
			tk := d.tokens
			if len(tk) > 1 && tk[0].is("add") {
				k := 1
				if tk[k].is("column") {
					k++
				}
				if k < len(tk) && tk[k].text == "(" && !tk[k].quoted {
					splitTopLevel(sql[:d.end], tk[k].end, add)
					continue
				}
			}
			out = append(out, d)
		}
	}
	return out
}

// definitions is definitions(st), once per statement and run.
func (p *Pass) definitions(st schemadiff.Statement) []definition {
	return cached(p.index.definitions, statementKey{fileOffset{st.Origin.File, st.Origin.Offset}, st.SQL}, func() []definition { return definitions(st) })
}

// columnNameIn finds, in a table statement, the name of the column
// definition of column: where Locate puts a finding about a column, even
// when the word is written earlier in the statement (another column's
// COMMENT or DEFAULT, a KEY listed first).
func (p *Pass) columnNameIn(st schemadiff.Statement, column string) (schemadiff.Origin, bool) {
	if st.Source == nil || column == "" {
		return schemadiff.Origin{}, false
	}
	for _, d := range p.definitions(st) {
		if name, ok := d.columnName(); ok && name.names(column) {
			return st.Source.Span(st.Origin.Offset+name.start, st.Origin.Offset+name.end), true
		}
	}
	return schemadiff.Origin{}, false
}

// columnName returns the token naming the column an item defines (ok is
// false when it defines none): `name type ...` in a CREATE TABLE or inside
// ADD COLUMN (...), ADD|MODIFY [COLUMN] [IF NOT EXISTS] name, CHANGE [COLUMN]
// [IF EXISTS] old name.
func (d definition) columnName() (sqlToken, bool) {
	tk := d.tokens
	if len(tk) == 0 {
		return sqlToken{}, false
	}
	k, change := 0, false
	switch {
	case tk[0].is("add") || tk[0].is("modify"):
		k = 1
	case tk[0].is("change"):
		k, change = 1, true
	default:
		if !tk[0].quoted && definitionKeywords[strings.ToLower(tk[0].text)] {
			return sqlToken{}, false
		}
		return tk[0], isIdentifier(tk[0])
	}
	if k < len(tk) && tk[k].is("column") {
		k++
	}
	// MariaDB's IF [NOT] EXISTS.
	if k+1 < len(tk) && tk[k].is("if") {
		k += 2
		if k < len(tk) && tk[k-1].is("not") {
			k++
		}
	}
	if change {
		k++
	}
	if k >= len(tk) || (!tk[k].quoted && definitionKeywords[strings.ToLower(tk[k].text)]) {
		return sqlToken{}, false
	}
	return tk[k], isIdentifier(tk[k])
}

// isIdentifier reports whether a token can name a column.
func isIdentifier(t sqlToken) bool {
	return t.quoted || (t.text != "" && (isWordByte(t.text[0]) || t.text[0] >= 0x80))
}

// foreignKey reports whether an item is a foreign key definition
// ([ADD] [CONSTRAINT [name]] FOREIGN KEY [name] (cols) REFERENCES ...) and
// returns the constraint's name as written ("" when unnamed).
func (d definition) foreignKey() (name string, ok bool) {
	tk := d.tokens
	k := 0
	if k < len(tk) && tk[k].is("add") {
		k++
	}
	if k < len(tk) && tk[k].is("constraint") {
		k++
		if k < len(tk) && !tk[k].is("foreign") {
			name = tk[k].text
			k++
		}
	}
	return name, k+1 < len(tk) && tk[k].is("foreign") && tk[k+1].is("key")
}

// fkSourceColumns returns the columns a foreign key item lists before
// REFERENCES, as written.
func fkSourceColumns(sql string, d definition) []string {
	i := d.start
	for {
		t, ok := nextToken(sql[:d.end], i)
		if !ok {
			return nil
		}
		i = t.end
		if t.text == "(" && !t.quoted {
			break
		}
	}
	var cols []string
	for {
		t, ok := nextToken(sql[:d.end], i)
		if !ok || (t.text == ")" && !t.quoted) {
			return cols
		}
		if isIdentifier(t) {
			cols = append(cols, strings.ToLower(t.text))
		}
		i = t.end
	}
}

// locateColumnDefinition places a finding about a column at its definition
// in the latest linted statement that defines it: at the first of words
// found inside that definition (each matched as psWord, case-insensitively),
// else at the column's name there. ok is false when no linted statement
// defines the column.
func locateColumnDefinition(p *Pass, table, column string, words ...string) (schemadiff.Origin, bool) {
	for st := range p.lastTouching(table) {
		if st.Source == nil || st.AST == nil {
			continue
		}
		for _, d := range p.definitions(st) {
			name, ok := d.columnName()
			if !ok || !name.names(column) {
				continue
			}
			for _, w := range words {
				if w == "" {
					continue
				}
				re, err := p.compile("(?i)" + psWord(w))
				if err != nil {
					continue
				}
				if s, e, ok := psMatchSeq(st.SQL[name.end:d.end], []*regexp.Regexp{re}); ok {
					return st.Source.Span(st.Origin.Offset+name.end+s, st.Origin.Offset+name.end+e), true
				}
			}
			return st.Source.Span(st.Origin.Offset+name.start, st.Origin.Offset+name.end), true
		}
	}
	return schemadiff.Origin{}, false
}

// locateForeignKeyDefinition places a finding about a foreign key of a table
// inside its definition in the latest linted statement that has it: the
// definition named name (when the constraint has one), else, with fk, the
// unnamed or otherwise named one over the same columns (fk's Source). It
// returns the span patterns find inside the definition (as psLocateSeq
// does), or the definition's first word without patterns or when they are
// not found. ok is false when no linted statement has the definition.
func locateForeignKeyDefinition(p *Pass, table, name string, fk *sqlparser.ForeignKeyDefinition, patterns ...string) (schemadiff.Origin, bool) {
	res, ok := p.compileFold(patterns)
	if !ok {
		return schemadiff.Origin{}, false
	}
	var src []string
	if fk != nil {
		for _, c := range fk.Source {
			src = append(src, c.Lowered())
		}
	}
	for _, byName := range []bool{true, false} {
		if (byName && name == "") || (!byName && fk == nil) {
			continue
		}
		for st := range p.lastTouching(table) {
			if st.Source == nil || st.AST == nil {
				continue
			}
			for _, d := range p.definitions(st) {
				written, ok := d.foreignKey()
				switch {
				case !ok:
					continue
				case byName && !strings.EqualFold(written, name):
					continue
				case !byName && !slices.Equal(fkSourceColumns(st.SQL, d), src):
					continue
				}
				start, end := d.start, d.tokens[0].end
				if s, e, ok := psMatchSeq(st.SQL[d.start:d.end], res); ok {
					start, end = d.start+s, d.start+e
				}
				return st.Source.Span(st.Origin.Offset+start, st.Origin.Offset+end), true
			}
		}
	}
	return schemadiff.Origin{}, false
}
