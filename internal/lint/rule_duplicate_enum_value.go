package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/mysql/collations"
	"vitess.io/vitess/go/mysql/collations/charset"
	"vitess.io/vitess/go/mysql/collations/colldata"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleDuplicateEnumValue = &Rule{
	ID:              "duplicate-enum-value",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "DUPLICATE_ENUM_VALUE",
	Summary:         "An ENUM or SET column that lists the same value twice, as MySQL compares values: 'a' and 'A' are the same under a case-insensitive collation, and trailing spaces do not count.",
	Why: "ENUM and SET values are stored by position, so a repeated value makes the column ambiguous: PlanetScale rejects the deploy request, " +
		"and MySQL refuses the definition in strict mode. Values are compared with the column's collation, so under the usual case-insensitive " +
		"collations 'active' and 'Active' are duplicates.",
	Fix: "Remove the repeated value. If the two spellings were meant to be different values, rename one, or give the column a case-sensitive collation (`COLLATE utf8mb4_bin`).",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			for _, c := range p.columns(t) {
				if !c.HasEnumValues() {
					continue
				}
				coll := enumCollation(t, c)
				values := decodeEnumValues(t, c.EnumValues())
				kind := strings.ToUpper(c.Type())
				for i := range values {
					for j := 0; j < i; j++ {
						if !enumEqual(coll, values[i], values[j]) {
							continue
						}
						o, ok := locateEnumLiteral(p, t.Name(), c.Name(), i)
						if !ok {
							o = p.Locate(t.Name(), c.Name())
						}
						if values[i] == values[j] {
							p.Report(o, "%s column %s.%s lists %s more than once (values %d and %d)",
								kind, Quote(t.Name()), Quote(c.Name()), sqlString(values[i]), j+1, i+1)
						} else {
							p.Report(o, "%s column %s.%s lists %s (value %d), which is the same value as %s (value %d) under collation %s",
								kind, Quote(t.Name()), Quote(c.Name()), sqlString(values[i]), i+1, sqlString(values[j]), j+1, collationName(t, coll))
						}
						break
					}
				}
			}
		}
	},
}

func init() { register(ruleDuplicateEnumValue) }

// sqlString quotes a value as an SQL string literal for a message.
func sqlString(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// decodeEnumValues turns the quoted literals Vitess keeps ('it\'s') into
// values, without the trailing spaces MySQL strips from ENUM and SET members.
func decodeEnumValues(t *vsd.CreateTableEntity, lits []string) []string {
	out := make([]string, len(lits))
	for i, lit := range lits {
		v := lit
		if t.Env != nil {
			if typ, val := t.Env.Parser().NewStringTokenizer(lit).Scan(); typ == sqlparser.STRING {
				v = val
			} else {
				v = strings.Trim(lit, `'"`)
			}
		} else {
			v = strings.Trim(lit, `'"`)
		}
		out[i] = strings.TrimRight(v, " ")
	}
	return out
}

// enumCollation returns the collation the column's values are compared with:
// its own, its charset's default (or binary) collation, the table's, the
// server default.
func enumCollation(t *vsd.CreateTableEntity, c *vsd.ColumnDefinitionEntity) collations.ID {
	if t.Env == nil {
		return collations.Unknown
	}
	env := t.Env.CollationEnv()
	alias := func(cs string) string {
		cs = strings.ToLower(cs)
		if a, ok := env.CharsetAlias(cs); ok {
			return a
		}
		return cs
	}
	if c.ColumnDefinition.Type.Options != nil && c.Collate() != "" {
		return env.LookupByName(strings.ToLower(c.Collate()))
	}
	if cs := c.Charset(); cs != "" {
		if c.ColumnDefinition.Type.Charset.Binary {
			return env.BinaryCollationForCharset(alias(cs))
		}
		return env.DefaultCollationForCharset(alias(cs))
	}
	var tableCharset, tableCollate string
	for _, o := range t.TableSpec.Options {
		switch strings.ToLower(o.Name) {
		case "charset":
			tableCharset = o.String
		case "collate":
			tableCollate = o.String
		}
	}
	if tableCollate != "" {
		return env.LookupByName(strings.ToLower(tableCollate))
	}
	if tableCharset != "" {
		return env.DefaultCollationForCharset(alias(tableCharset))
	}
	return t.Env.DefaultColl
}

func collationName(t *vsd.CreateTableEntity, id collations.ID) string {
	if t.Env != nil {
		if n := t.Env.CollationEnv().LookupName(id); n != "" {
			return n
		}
	}
	return "(unknown)"
}

// enumEqual compares two values with a collation (exactly when unknown).
func enumEqual(id collations.ID, a, b string) bool {
	if a == b {
		return true
	}
	if id == collations.Unknown {
		return false
	}
	coll := colldata.Lookup(id)
	if coll == nil {
		return false
	}
	ea, err1 := charset.ConvertFromUTF8(nil, coll.Charset(), []byte(a))
	eb, err2 := charset.ConvertFromUTF8(nil, coll.Charset(), []byte(b))
	if err1 != nil || err2 != nil {
		return false
	}
	return coll.Collate(ea, eb, false) == 0
}

// locateEnumLiteral finds the n-th (0-based) value literal of a column's
// ENUM(...) or SET(...) list in the latest linted statement that defines the
// column with one.
func locateEnumLiteral(p *Pass, table, column string, n int) (schemadiff.Origin, bool) {
	re, err := p.compile("(?i)" + psWord(column) + `\s*(?:enum|set)\s*\(`)
	if err != nil {
		return schemadiff.Origin{}, false
	}
	for st := range p.lastTouching(table) {
		if st.Source == nil || st.AST == nil {
			continue
		}
		for _, m := range re.FindAllStringIndex(st.SQL, -1) {
			spans := enumLiteralSpans(st.SQL, m[1])
			if n < len(spans) {
				return st.Source.Span(st.Origin.Offset+spans[n][0], st.Origin.Offset+spans[n][1]), true
			}
		}
	}
	return schemadiff.Origin{}, false
}

// enumLiteralSpans returns the byte spans of the quoted literals of a value
// list that starts at i (just after its opening parenthesis), up to the
// closing parenthesis.
func enumLiteralSpans(sql string, i int) [][2]int {
	var out [][2]int
	for i < len(sql) {
		c := sql[i]
		switch c {
		case ')':
			return out
		case '\'', '"':
			start := i
			i++
			for i < len(sql) {
				if sql[i] == '\\' {
					i += 2
					continue
				}
				if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c {
						i += 2
						continue
					}
					break
				}
				i++
			}
			out = append(out, [2]int{start, min(i+1, len(sql))})
			i++
		default:
			i++
		}
	}
	return out
}
