package schemadiff

import (
	"sort"
	"strings"
)

// MySQL accepts a CHECK constraint in a column definition (a int CHECK (a >
// 0)) and stores it as a table constraint, as if it had been written after
// the columns; MariaDB keeps it in the column when it prints the table. The
// Vitess parser reads only table-level CHECK constraints, so
// rewriteColumnChecks moves each column-level one, with its CONSTRAINT name
// and [NOT] ENFORCED, into an element of its own right after the column
// (CREATE TABLE) or into an ADD clause of its own after the column (ALTER TABLE ADD, MODIFY,
// CHANGE). Quoted text and comments are never touched.

// rewriteColumnChecks returns the edits that move column-level CHECK
// constraints out of the column definitions (nil when there are none).
func rewriteColumnChecks(sql string) []typeEdit {
	if !strings.Contains(strings.ToLower(sql), "check") {
		return nil
	}
	toks := tokenize(sql)
	if len(toks) < 3 {
		return nil
	}
	var edits []typeEdit
	switch toks[0].word {
	case "create":
		i := 1
		for i < len(toks) && toks[i].word == "temporary" {
			i++
		}
		if i >= len(toks) || toks[i].word != "table" {
			return nil
		}
		i++
		for i < len(toks) && (toks[i].word == "if" || toks[i].word == "not" || toks[i].word == "exists") {
			i++
		}
		i++ // the table name
		if i < len(toks) && toks[i].punct == '.' {
			i += 2
		}
		if i >= len(toks) || toks[i].punct != '(' {
			return nil
		}
		elemStart := i + 1
		for k := i + 1; k < len(toks); k++ {
			switch toks[k].punct {
			case '(':
				k = closeParen(toks, k, len(toks)) // within an element
				continue
			case ',', ')':
			default:
				continue
			}
			// toks[elemStart:k] is one element of the list.
			if elemStart < k && !elementKeywords[toks[elemStart].word] {
				var moved []string
				for _, c := range columnChecks(toks, elemStart+1, k) {
					edits = append(edits, typeEdit{start: c[0], end: c[1]})
					moved = append(moved, sql[c[0]:c[1]])
				}
				if len(moved) > 0 {
					// Right after the column: MySQL numbers unnamed checks
					// (t_chk_1, ...) in the order they are written.
					edits = append(edits, typeEdit{start: toks[k].start, end: toks[k].start, repl: ", " + strings.Join(moved, ", ")})
				}
			}
			elemStart = k + 1
			if toks[k].punct == ')' {
				break
			}
		}
	case "alter":
		clause := -1 // the first token of the current ADD/MODIFY/CHANGE column clause
		flush := func(end int) {
			if clause < 0 {
				return
			}
			var moved []string
			for _, c := range columnChecks(toks, clause, end) {
				edits = append(edits, typeEdit{start: c[0], end: c[1]})
				moved = append(moved, "ADD "+sql[c[0]:c[1]])
			}
			if len(moved) > 0 {
				pos := toks[end-1].end
				if end < len(toks) {
					pos = toks[end].start
				}
				edits = append(edits, typeEdit{start: pos, end: pos, repl: ", " + strings.Join(moved, ", ")})
			}
			clause = -1
		}
		for k := 1; k < len(toks); k++ {
			t := toks[k]
			switch {
			case t.punct == '(':
				k = closeParen(toks, k, len(toks)) // a type's length, a CHECK's condition
			case t.punct == ',':
				flush(k)
			case clause < 0 && (t.word == "add" || t.word == "modify" || t.word == "change"):
				j := k + 1
				if j < len(toks) && toks[j].word == "column" {
					j++
				}
				if j < len(toks) && !elementKeywords[toks[j].word] && toks[j].punct != '(' {
					clause = j + 1 // past the column name: the type and attributes
				}
			}
		}
		flush(len(toks))
	}
	sort.SliceStable(edits, func(a, b int) bool { return edits[a].start < edits[b].start })
	return edits
}

// columnChecks returns the byte ranges of the CHECK constraints among the
// tokens [from, to) of one column definition, each from its CONSTRAINT
// keyword (when named) to its closing parenthesis or [NOT] ENFORCED.
func columnChecks(toks []sqlToken, from, to int) [][2]int {
	var out [][2]int
	for k := from; k < to; k++ {
		if toks[k].punct == '(' {
			k = closeParen(toks, k, to) // a type's length, a DEFAULT expression
			continue
		}
		if toks[k].word != "check" || k+1 >= to || toks[k+1].punct != '(' {
			continue
		}
		start := k
		if k-1 >= from && toks[k-1].word == "constraint" {
			start = k - 1
		} else if k-2 >= from && toks[k-2].word == "constraint" && (toks[k-1].word != "" || toks[k-1].quoted) {
			start = k - 2
		}
		end := closeParen(toks, k+1, to)
		if end >= to {
			return out // unbalanced: leave it to the parser
		}
		if end+1 < to && toks[end+1].word == "enforced" {
			end++
		} else if end+2 < to && toks[end+1].word == "not" && toks[end+2].word == "enforced" {
			end += 2
		}
		out = append(out, [2]int{toks[start].start, toks[end].end})
		k = end
	}
	return out
}

// withColumnChecks returns the statement rewritten for the parser with both
// the type synonym edits and the column CHECK moves, and the merged edits
// (ok false when there is no CHECK to move).
func withColumnChecks(sql string, synonyms []typeEdit) (string, []typeEdit, bool) {
	checks := rewriteColumnChecks(sql)
	if len(checks) == 0 {
		return sql, nil, false
	}
	edits := append(append([]typeEdit(nil), synonyms...), checks...)
	sort.SliceStable(edits, func(a, b int) bool { return edits[a].start < edits[b].start })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.start < last {
			return sql, nil, false // overlapping edits: leave the statement as written
		}
		b.WriteString(sql[last:e.start])
		b.WriteString(e.repl)
		last = e.end
	}
	b.WriteString(sql[last:])
	return b.String(), edits, true
}
