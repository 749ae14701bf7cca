package schemadiff

import (
	"fmt"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
)

// Column type families and capacities, for deciding whether a column change
// can lose data. Vitess' ColumnChangeExpandsDataRange answers a coarser
// question (any change of type family counts), which would call varchar → text
// a narrowing; this answers "can some value of the old column not be stored in
// the new one".

var intRank = map[string]int{"tinyint": 1, "bool": 1, "boolean": 1, "smallint": 2, "mediumint": 3, "int": 4, "integer": 4, "bigint": 5}

// byteCapacity is the maximum stored size of the blob and text types.
var byteCapacity = map[string]int64{
	"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295,
	"tinyblob": 255, "blob": 65535, "mediumblob": 16777215, "longblob": 4294967295,
	"json": 4294967295,
}

// charsetRepertoire orders charsets by what they can store: a move down the
// order can lose characters.
var charsetRepertoire = map[string]int{"ascii": 1, "latin1": 2, "utf8mb3": 3, "utf8": 3, "utf8mb4": 4, "binary": 5}

type colInfo struct {
	typ      string
	length   int // declared length, 0 when none
	scale    int
	unsigned bool
	charset  string
	width    int // bytes per character
	textual  bool
}

func infoOf(c *vsd.ColumnDefinitionEntity) colInfo {
	t := c.ColumnDefinition.Type
	i := colInfo{typ: strings.ToLower(t.Type), unsigned: t.Unsigned, width: 1}
	if t.Length != nil {
		i.length = *t.Length
	}
	if t.Scale != nil {
		i.scale = *t.Scale
	}
	if _, cs, w, textual, err := c.InferCharsetCollate(); err == nil {
		i.charset, i.textual = strings.ToLower(cs), textual
		if w > 0 {
			i.width = w
		}
	}
	if i.charset == "" && t.Charset.Name != "" {
		i.charset = strings.ToLower(t.Charset.Name)
	}
	return i
}

// capacity is the largest value size in bytes a string-like column holds.
func (i colInfo) capacity() (int64, bool) {
	switch i.typ {
	case "char", "varchar":
		n := i.length
		if i.typ == "char" && n == 0 {
			n = 1
		}
		return int64(n) * int64(i.width), true
	case "binary", "varbinary":
		n := i.length
		if i.typ == "binary" && n == 0 {
			n = 1
		}
		return int64(n), true
	}
	c, ok := byteCapacity[i.typ]
	return c, ok
}

func (i colInfo) isString() bool {
	_, ok := i.capacity()
	return ok
}

func (i colInfo) describe() string {
	s := i.typ
	if i.length > 0 {
		if i.scale > 0 {
			s += fmt.Sprintf("(%d,%d)", i.length, i.scale)
		} else {
			s += fmt.Sprintf("(%d)", i.length)
		}
	}
	if i.unsigned {
		s += " unsigned"
	}
	return s
}

var timeRank = map[string]int{"year": 1, "date": 2, "time": 2, "timestamp": 3, "datetime": 4}

// narrowing reports whether some value the from column holds cannot be stored
// by the to column, and why. ENUM and SET changes are analysed separately.
func narrowing(from, to *vsd.ColumnDefinitionEntity) (bool, string) {
	f, t := infoOf(from), infoOf(to)
	if f.typ == "enum" || f.typ == "set" || t.typ == "enum" || t.typ == "set" {
		if (f.typ == "enum" || f.typ == "set") && (t.typ == "enum" || t.typ == "set") {
			return false, ""
		}
		if f.typ == "enum" || f.typ == "set" {
			if t.isString() {
				return false, "" // every value fits as text
			}
		}
		return true, fmt.Sprintf("%s values may not convert to %s", f.describe(), t.describe())
	}
	if fr, ok := intRank[f.typ]; ok {
		if tr, ok := intRank[t.typ]; ok {
			switch {
			case tr < fr:
				return true, fmt.Sprintf("%s holds larger numbers than %s", f.describe(), t.describe())
			case !f.unsigned && t.unsigned:
				return true, "negative numbers do not fit an unsigned column"
			case f.unsigned && !t.unsigned && tr == fr:
				return true, fmt.Sprintf("the upper half of %s does not fit the signed type", f.describe())
			}
			return false, ""
		}
		if t.typ == "decimal" || t.typ == "numeric" {
			digits := map[int]int{1: 3, 2: 5, 3: 8, 4: 10, 5: 20}[fr]
			if t.length-t.scale < digits || (!f.unsigned && t.unsigned) {
				return true, fmt.Sprintf("%s does not hold every %s", t.describe(), f.describe())
			}
			return false, ""
		}
		if t.isString() {
			// Characters of the longest value: -2147483648 for int.
			digits := map[int]int{1: 4, 2: 6, 3: 8, 4: 11, 5: 20}[fr]
			if (t.typ == "char" || t.typ == "varchar" || t.typ == "binary" || t.typ == "varbinary") && t.length < digits {
				return true, fmt.Sprintf("%s is too short for every %s", t.describe(), f.describe())
			}
			return false, ""
		}
		if t.typ == "double" || t.typ == "real" {
			return fr == 5, "bigint values lose precision as double"
		}
	}
	if f.typ == "decimal" || f.typ == "numeric" {
		if t.typ == "decimal" || t.typ == "numeric" {
			if t.length-t.scale < f.length-f.scale {
				return true, fmt.Sprintf("%s has fewer integer digits than %s", t.describe(), f.describe())
			}
			if t.scale < f.scale {
				return true, fmt.Sprintf("%s keeps fewer decimals than %s", t.describe(), f.describe())
			}
			if !f.unsigned && t.unsigned {
				return true, "negative numbers do not fit an unsigned column"
			}
			return false, ""
		}
	}
	if (f.typ == "float" || f.typ == "double" || f.typ == "real") && (t.typ == "float" || t.typ == "double" || t.typ == "real") {
		if f.typ != "float" && t.typ == "float" {
			return true, "double values lose precision as float"
		}
		return false, ""
	}
	if f.isString() && t.isString() {
		fc, _ := f.capacity()
		tc, _ := t.capacity()
		fBinary, tBinary := !f.textual || f.charset == "binary", !t.textual || t.charset == "binary"
		if f.typ == "json" || t.typ == "json" {
			if f.typ == "json" && t.typ != "json" && tc < fc {
				return true, fmt.Sprintf("JSON documents may not fit %s", t.describe())
			}
			if t.typ == "json" && f.typ != "json" {
				return true, "values that are not valid JSON make the change fail"
			}
			return false, ""
		}
		// Compare in characters for text, bytes for binary strings.
		if !fBinary && !tBinary {
			fChars, tChars := fc/int64(f.width), tc/int64(t.width)
			if f.typ == "char" || f.typ == "varchar" {
				fChars = int64(f.length)
			}
			if t.typ == "char" || t.typ == "varchar" {
				tChars = int64(t.length)
			}
			if tChars < fChars {
				return true, fmt.Sprintf("%s holds fewer characters than %s", t.describe(), f.describe())
			}
			if tc < fc && !(t.typ == "char" || t.typ == "varchar") {
				return true, fmt.Sprintf("%s holds fewer bytes than %s", t.describe(), f.describe())
			}
			if charsetRepertoire[t.charset] < charsetRepertoire[f.charset] {
				return true, fmt.Sprintf("characters in %s may not exist in %s", f.charset, t.charset)
			}
			return false, ""
		}
		if tc < fc {
			return true, fmt.Sprintf("%s holds fewer bytes than %s", t.describe(), f.describe())
		}
		if fBinary != tBinary && !fBinary {
			return false, "" // text to binary keeps the bytes
		}
		if fBinary && !tBinary {
			return true, "bytes that are not valid in the new character set make the change fail"
		}
		return false, ""
	}
	if fr, ok := timeRank[f.typ]; ok {
		if tr, ok := timeRank[t.typ]; ok {
			switch {
			case f.typ == "time" || t.typ == "time":
				if f.typ != t.typ {
					return true, fmt.Sprintf("%s values do not convert to %s", f.typ, t.typ)
				}
			case tr < fr:
				return true, fmt.Sprintf("%s cannot hold every %s value", t.typ, f.typ)
			}
			if t.length < f.length {
				return true, "fractional seconds are cut"
			}
			return false, ""
		}
	}
	if f.typ == t.typ {
		if t.length < f.length {
			return true, fmt.Sprintf("%s is shorter than %s", t.describe(), f.describe())
		}
		return false, ""
	}
	return true, fmt.Sprintf("%s values may not convert to %s", f.describe(), t.describe())
}

// charsetChanged reports whether a textual column's character set changes,
// which MySQL cannot do in place.
func charsetChanged(from, to *vsd.ColumnDefinitionEntity) bool {
	f, t := infoOf(from), infoOf(to)
	norm := func(s string) string {
		if s == "utf8" {
			return "utf8mb3"
		}
		return s
	}
	return f.textual && t.textual && norm(f.charset) != norm(t.charset)
}
