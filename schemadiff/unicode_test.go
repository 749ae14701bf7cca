package schemadiff

import (
	"strings"
	"testing"
)

// Issue 17 item 16: MySQL reads only ASCII blanks as blanks (checked on
// MariaDB: "SELECT 1;\u00a0" is a syntax error, "SELECT 1\u00a0+1" reads a
// column named "1\u00a0"). A Unicode space stays an error, named by its code
// point at its own column instead of a stray Latin-1 letter.
func TestUnicodeSpaces(t *testing.T) {
	e := testEnv(t)
	for _, tt := range []struct {
		name, text, want string
	}{
		{"trailing no-break space", "CREATE TABLE t (a int);\u00a0\n", "f.sql:1:24: unexpected character U+00A0 (no-break space): MySQL reads only ASCII spaces"},
		{"trailing en quad", "CREATE TABLE t (a int);\n\u2000", "f.sql:2:1: unexpected character U+2000 (en quad)"},
		{"inside a statement", "CREATE TABLE t (a int)\u3000;", "f.sql:1:23: unexpected character U+3000 (ideographic space)"},
		{"between words", "CREATE TABLE t (a\u00a0int);", "f.sql:1:"},
		{"other letter", "CREATE TABLE t (a int) §;", "f.sql:1:24: unexpected character U+00A7 ('§') outside a quoted string or name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := e.LoadSQL("f.sql", tt.text)
			if err == nil {
				t.Fatalf("loaded; want %q", tt.want)
			}
			ps := s.BlockingProblems()
			if len(ps) != 1 || ps[0].Kind != ProblemSyntax || !strings.HasPrefix(ps[0].String(), tt.want) || strings.ContainsAny(ps[0].Message, "Ââ") ||
				ps[0].Origin.EndColumn != ps[0].Origin.Column {
				t.Fatalf("problems = %v\nwant one starting %q", ps, tt.want)
			}
		})
	}
	// Quoted, they are text like any other.
	if _, err := e.LoadSQL("f.sql", "CREATE TABLE `t\u00a0x` (a int COMMENT 'a\u2000b');"); err != nil {
		t.Fatal(err)
	}
}
