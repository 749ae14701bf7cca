package config

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	// yaml.v3 reports syntax errors as text, "yaml: line N: problem".
	reYAMLLine    = regexp.MustCompile(`^line ([0-9]+): (.*)$`)
	reYAMLAnchor  = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
	yamlBOMUTF16s = [][]byte{{0xfe, 0xff}, {0xff, 0xfe}}
)

// yamlParserProblems are the problems yaml.v3's parser (as opposed to its
// scanner) reports. yaml.v3 prints the parser's 0-based line numbers as they
// are but adds one to the scanner's, and omits the line altogether when it is
// 0, so the kind of problem decides how to read the number.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
	"found duplicate %TAG directive":         true,
}

// yamlReaderProblems are encoding problems; yaml.v3 gives no position for
// them, so the position is found by scanning the input the same way.
var yamlReaderProblems = map[string]bool{
	"invalid leading UTF-8 octet":        true,
	"incomplete UTF-8 octet sequence":    true,
	"invalid trailing UTF-8 octet":       true,
	"invalid length of a UTF-8 sequence": true,
	"invalid Unicode character":          true,
	"control characters are not allowed": true,
}

// syntaxError turns a yaml.v3 parse error into a positioned problem: the
// user needs the line to find the mistake, and yaml.v3's own numbering is
// inconsistent (see yamlParserProblems).
func (d *decoder) syntaxError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 0, 0
	if m := reYAMLLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	switch {
	case yamlParserProblems[msg]:
		line++
	case yamlReaderProblems[msg]:
		line, col = badCharacter(data)
	case reYAMLAnchor.MatchString(msg):
		name := reYAMLAnchor.FindStringSubmatch(msg)[1]
		line, col = find(data, "*"+name)
	case line == 0:
		// A scanner problem on the first line.
		line = 1
	}
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Column: col, Message: "invalid YAML: " + msg})
}

// badCharacter finds the first byte sequence yaml.v3's reader rejects: bad
// UTF-8 or a control character. It returns 0, 0 when it cannot tell, such as
// for UTF-16 input.
func badCharacter(data []byte) (line, col int) {
	for _, bom := range yamlBOMUTF16s {
		if bytes.HasPrefix(data, bom) {
			return 0, 0
		}
	}
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		ok := r != utf8.RuneError || size > 1
		switch {
		case !ok:
		case r == '\t', r == '\n', r == '\r', r == 0x85:
		case r >= 0x20 && r <= 0x7e:
		case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		default:
			ok = false
		}
		if !ok {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 0, 0
}

// find returns the position of the first occurrence of s in data, or 0, 0.
func find(data []byte, s string) (line, col int) {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0, 0
	}
	before := data[:i]
	line = 1 + bytes.Count(before, []byte("\n"))
	return line, 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
}
