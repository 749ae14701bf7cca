package schemadiff

import (
	"strings"
)

// MySQL accepts many spellings of a column type (INTEGER, DEC, INT8, DOUBLE
// PRECISION, CHARACTER VARYING, NCHAR, LONG VARCHAR, SERIAL, ...) and stores
// each as one canonical type. The Vitess parser reads only some of them, and
// keeps those as written, so a schema written with synonyms would fail to
// parse or diff against a server's readback as a change. rewriteTypeSynonyms
// rewrites the synonyms of column definitions in CREATE TABLE and ALTER TABLE
// into MySQL's stored spelling before parsing. Only the type position of a
// column definition is touched (a column named `serial` stays a column named
// serial), never quoted text or comments.

// typeEdit is one replacement in a statement's text: the bytes [start, end) of
// the original became repl.
type typeEdit struct {
	start, end int
	repl       string
}

// sqlToken is one token of a statement: a word, a quoted string or
// identifier, or one punctuation byte. Comments and blanks are skipped.
type sqlToken struct {
	start, end int
	word       string // lower-cased, for unquoted words only
	punct      byte   // for punctuation only
	quoted     bool   // backquoted identifier or string literal
}

// tokenize splits a statement into tokens. It is linear and never fails: an
// unterminated quote or comment runs to the end of the text.
func tokenize(sql string) []sqlToken {
	out := make([]sqlToken, 0, len(sql)/5+4) // DDL runs about five bytes a token
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '#' || (c == '-' && strings.HasPrefix(sql[i:], "--") && (i+2 == len(sql) || sql[i+2] <= ' ')):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				i = len(sql)
			} else {
				i += j + 4
			}
		case c == '\'' || c == '"' || c == '`':
			start := i
			i++
			for i < len(sql) {
				if sql[i] == '\\' && c != '`' {
					i += 2
					continue
				}
				if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c {
						i += 2
						continue
					}
					i++
					break
				}
				i++
			}
			out = append(out, sqlToken{start: start, end: min(i, len(sql)), quoted: true})
		case isWordByte(c):
			start := i
			for i < len(sql) && isWordByte(sql[i]) {
				i++
			}
			out = append(out, sqlToken{start: start, end: i, word: strings.ToLower(sql[start:i])})
		default:
			out = append(out, sqlToken{start: i, end: i + 1, punct: c})
			i++
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// elementKeywords start a CREATE TABLE element (or ALTER TABLE ... ADD) that
// is not a column definition.
var elementKeywords = map[string]bool{
	"primary": true, "key": true, "index": true, "unique": true, "constraint": true, "foreign": true,
	"check": true, "fulltext": true, "spatial": true, "partition": true, "period": true,
}

// typeSynonyms maps a synonym (one or more words) to MySQL's stored type; a
// national type also takes CHARACTER SET utf8mb3 after its length.
var typeSynonyms = []struct {
	words    []string
	canon    string
	national bool
}{
	// Longest first: "national char varying" before "national char".
	{[]string{"national", "character", "varying"}, "varchar", true},
	{[]string{"national", "char", "varying"}, "varchar", true},
	{[]string{"long", "char", "varying"}, "mediumtext", false},
	{[]string{"double", "precision"}, "double", false},
	{[]string{"character", "varying"}, "varchar", false},
	{[]string{"char", "varying"}, "varchar", false},
	{[]string{"national", "varchar"}, "varchar", true},
	{[]string{"national", "character"}, "char", true},
	{[]string{"national", "char"}, "char", true},
	{[]string{"nchar", "varchar"}, "varchar", true},
	{[]string{"nchar", "varying"}, "varchar", true},
	{[]string{"long", "varbinary"}, "mediumblob", false},
	{[]string{"long", "varchar"}, "mediumtext", false},
	{[]string{"nvarchar"}, "varchar", true},
	{[]string{"nchar"}, "char", true},
	{[]string{"character"}, "char", false},
	{[]string{"long"}, "mediumtext", false},
	{[]string{"integer"}, "int", false},
	{[]string{"int1"}, "tinyint", false},
	{[]string{"int2"}, "smallint", false},
	{[]string{"int3"}, "mediumint", false},
	{[]string{"middleint"}, "mediumint", false},
	{[]string{"int4"}, "int", false},
	{[]string{"int8"}, "bigint", false},
	{[]string{"dec"}, "decimal", false},
	{[]string{"fixed"}, "decimal", false},
	{[]string{"numeric"}, "decimal", false},
	{[]string{"serial"}, "bigint unsigned NOT NULL AUTO_INCREMENT UNIQUE", false},
}

// rewriteTypeSynonyms returns the statement with its column types' synonyms
// rewritten, and the edits made (nil when the text is unchanged).
func rewriteTypeSynonyms(sql string) (string, []typeEdit) {
	if !mayHaveSynonym(sql) {
		return sql, nil
	}
	return rewriteTokens(sql)
}

// rewriteTokens is rewriteTypeSynonyms without the filter.
func rewriteTokens(sql string) (string, []typeEdit) {
	toks := tokenize(sql)
	var edits []typeEdit
	positions := columnTypePositions(toks)
	for k, i := range positions {
		if e, ok := synonymAt(sql, toks, i); ok {
			edits = append(edits, e)
		}
		// SERIAL DEFAULT VALUE, an attribute of an integer column, is NOT
		// NULL AUTO_INCREMENT UNIQUE; it ends the definition or precedes a
		// comma or another attribute.
		end := len(toks)
		if k+1 < len(positions) {
			end = positions[k+1]
		}
		for j := i + 1; j+2 < end; j++ {
			if toks[j].word == "serial" && toks[j+1].word == "default" && toks[j+2].word == "value" {
				edits = append(edits, typeEdit{start: toks[j].start, end: toks[j+2].end, repl: "NOT NULL AUTO_INCREMENT UNIQUE"})
				break
			}
		}
	}
	if len(edits) == 0 {
		return sql, nil
	}
	var b strings.Builder
	b.Grow(len(sql) + 16*len(edits))
	last := 0
	for _, e := range edits {
		b.WriteString(sql[last:e.start])
		b.WriteString(e.repl)
		last = e.end
	}
	b.WriteString(sql[last:])
	return b.String(), edits
}

// mayHaveSynonym is a cheap filter: only CREATE TABLE and ALTER TABLE
// statements that may hold a synonym are tokenized. A synonym is its words
// as consecutive word tokens; here words are runs of word bytes, so words
// inside quotes count too and a quoted token between two words does not
// part them: the filter may pass too much, never too little. A run with
// non-ASCII bytes always passes (lower-casing can make ASCII of it), and so
// does a statement with a comment (the tokenizer skips comments, so the
// words around one are consecutive tokens): then any synonym's first word
// as a word passes.
func mayHaveSynonym(sql string) bool {
	head := strings.ToLower(sql[:min(len(sql), 64)])
	if !strings.Contains(head, "table") {
		return false
	}
	comments := strings.Contains(sql, "--") || strings.Contains(sql, "/*") || strings.IndexByte(sql, '#') >= 0
	var prev [2]string // the two words before this one, when they are synonyms' words
	for i := 0; i < len(sql); {
		if !isWordByte(sql[i]) {
			i++
			continue
		}
		start, ascii := i, true
		for i < len(sql) && isWordByte(sql[i]) {
			ascii = ascii && sql[i] < 0x80
			i++
		}
		if !ascii {
			return true
		}
		w := synonymWord(sql[start:i])
		if comments && synonymFirstWords[w] {
			return true
		}
		for _, words := range synonymsEndingIn[w] {
			n := len(words)
			if (n < 2 || words[n-2] == prev[1]) && (n < 3 || words[n-3] == prev[0]) {
				return true
			}
		}
		prev[0], prev[1] = prev[1], w
	}
	return false
}

// maxSynonymWord is the length of the longest word of a synonym.
const maxSynonymWord = 9

// synonymWord returns run lower-cased when it is a word of a synonym, ""
// otherwise, without allocating.
func synonymWord(run string) string {
	if len(run) > maxSynonymWord {
		return ""
	}
	var buf [maxSynonymWord]byte
	for i := 0; i < len(run); i++ {
		buf[i] = lowerASCII(run[i])
	}
	return synonymWords[string(buf[:len(run)])]
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

var (
	// synonymWords maps each word of the synonyms to itself.
	synonymWords = map[string]string{}
	// synonymFirstWords are the synonyms' first words.
	synonymFirstWords = map[string]bool{}
	// synonymsEndingIn lists the synonyms (their words) by last word.
	synonymsEndingIn = map[string][][]string{}
)

func init() {
	for _, s := range typeSynonyms {
		for _, w := range s.words {
			if len(w) > maxSynonymWord {
				panic("synonym word longer than maxSynonymWord: " + w)
			}
			synonymWords[w] = w
		}
		synonymFirstWords[s.words[0]] = true
		last := s.words[len(s.words)-1]
		synonymsEndingIn[last] = append(synonymsEndingIn[last], s.words)
	}
}

// synonymAt matches a synonym at token i (the first token of a column type).
func synonymAt(sql string, toks []sqlToken, i int) (typeEdit, bool) {
	for _, s := range typeSynonyms {
		if i+len(s.words) > len(toks) {
			continue
		}
		match := true
		for k, w := range s.words {
			if toks[i+k].word != w {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		last := i + len(s.words) - 1
		// "character set" and "char set" after a column name are not types, and
		// "long" alone is only a type when no other type word follows.
		if s.words[0] == "long" && len(s.words) == 1 && last+1 < len(toks) && (toks[last+1].word == "varbinary" || toks[last+1].word == "varchar" || toks[last+1].word == "char") {
			continue
		}
		e := typeEdit{start: toks[i].start, end: toks[last].end, repl: s.canon}
		if s.national {
			// The length, if any, stays where it is; the charset goes after it.
			j := last + 1
			if j < len(toks) && toks[j].punct == '(' {
				j = closeParen(toks, j, len(toks))
				if j < len(toks) {
					e.end = toks[j].end
					e.repl = s.canon + sql[toks[last].end:toks[j].end]
				}
			}
			e.repl += " CHARACTER SET utf8mb3"
		}
		return e, true
	}
	return typeEdit{}, false
}

// closeParen returns the index of the ')' that closes the '(' at open, looking
// no further than to (to itself when it is not closed before).
func closeParen(toks []sqlToken, open, to int) int {
	depth := 0
	for i := open; i < to; i++ {
		switch toks[i].punct {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return to
}

// columnTypePositions returns the index of the first type token of every
// column definition of a CREATE TABLE (its element list) or ALTER TABLE (ADD
// [COLUMN], MODIFY [COLUMN], CHANGE [COLUMN]).
func columnTypePositions(toks []sqlToken) []int {
	if len(toks) < 3 {
		return nil
	}
	var out []int
	// list walks a parenthesised list of elements starting after '(' at i and
	// returns the index just past the closing ')'.
	list := func(i int) int {
		depth := 1
		elemStart := true
		for ; i < len(toks); i++ {
			t := toks[i]
			switch {
			case t.punct == '(':
				depth++
			case t.punct == ')':
				depth--
				if depth == 0 {
					return i + 1
				}
			case t.punct == ',' && depth == 1:
				elemStart = true
				continue
			}
			if elemStart && depth == 1 {
				elemStart = false
				if !elementKeywords[t.word] && i+1 < len(toks) {
					out = append(out, i+1)
				}
			}
		}
		return i
	}
	switch toks[0].word {
	case "create":
		i := 1
		for i < len(toks) && toks[i].word != "table" {
			if toks[i].word != "temporary" {
				return nil
			}
			i++
		}
		i++ // past TABLE
		for i < len(toks) && (toks[i].word == "if" || toks[i].word == "not" || toks[i].word == "exists") {
			i++
		}
		i++ // the table name
		if i < len(toks) && toks[i].punct == '.' {
			i += 2
		}
		if i < len(toks) && toks[i].punct == '(' {
			list(i + 1)
		}
	case "alter":
		i := 1
		for i < len(toks) && toks[i].word != "table" {
			if toks[i].word != "online" && toks[i].word != "ignore" {
				return nil
			}
			i++
		}
		depth := 0
		for i++; i < len(toks); i++ {
			t := toks[i]
			switch {
			case t.punct == '(':
				depth++
				continue
			case t.punct == ')':
				depth--
				continue
			}
			if depth != 0 {
				continue
			}
			switch t.word {
			case "add":
				j := i + 1
				if j < len(toks) && toks[j].word == "column" {
					j++
				} else if j < len(toks) && elementKeywords[toks[j].word] {
					continue
				}
				if j < len(toks) && toks[j].punct == '(' {
					i = list(j+1) - 1
					continue
				}
				if j+1 < len(toks) {
					out = append(out, j+1)
				}
			case "modify", "change":
				names := 1 // MODIFY [COLUMN] name, CHANGE [COLUMN] old new
				if t.word == "change" {
					names = 2
				}
				j := i + 1
				if j < len(toks) && toks[j].word == "column" {
					j++
				}
				if j+names < len(toks) {
					out = append(out, j+names)
				}
			}
		}
	}
	return out
}

// originalOffset maps a byte offset in the rewritten text back to the
// original text: an offset inside a replacement maps to its start.
func originalOffset(edits []typeEdit, off int) int {
	shift := 0
	for _, e := range edits {
		newStart := e.start + shift
		newEnd := newStart + len(e.repl)
		if off < newStart {
			break
		}
		if off < newEnd {
			return e.start
		}
		shift += len(e.repl) - (e.end - e.start)
	}
	return off - shift
}
