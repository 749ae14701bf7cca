package schemadiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // "line:col SQL"
	}{
		{"empty", "", nil},
		{"only comments", "-- a\n# b\n/* c */\n", nil},
		{"two", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);", []string{"1:1 CREATE TABLE a (id int)", "2:1 CREATE TABLE b (id int)"}},
		{"no trailing delimiter", "  SELECT 1", []string{"1:3 SELECT 1"}},
		{"semicolon in string", "INSERT INTO t VALUES ('a;b', \"c;d\");", []string{"1:1 INSERT INTO t VALUES ('a;b', \"c;d\")"}},
		{"escaped quote", `INSERT INTO t VALUES ('it\'s;', 'x''y;');SELECT 2;`, []string{`1:1 INSERT INTO t VALUES ('it\'s;', 'x''y;')`, "1:42 SELECT 2"}},
		{"backtick", "CREATE TABLE `a;b` (id int);", []string{"1:1 CREATE TABLE `a;b` (id int)"}},
		{"comments between", "-- one; two\nSELECT 1; /* x; */ SELECT 2; # y;\nSELECT 3", []string{"2:1 SELECT 1", "2:20 SELECT 2", "3:1 SELECT 3"}},
		{"dash without space is not a comment", "SELECT 1--2;", []string{"1:1 SELECT 1--2"}},
		{"versioned comment kept", "/*!40101 SET NAMES utf8 */;", []string{"1:1 /*!40101 SET NAMES utf8 */"}},
		{"delimiter", "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;", []string{"2:1 CREATE PROCEDURE p() BEGIN SELECT 1; END", "4:1 SELECT 2"}},
		{"unicode column", "SELECT 'é';\n  SELECT 'ü';", []string{"1:1 SELECT 'é'", "2:3 SELECT 'ü'"}},
		{"unterminated string", "SELECT 'abc;\nSELECT 2;", []string{"1:1 SELECT 'abc;\nSELECT 2;"}},
		{"crlf", "SELECT 1;\r\nSELECT 2;\r\n", []string{"1:1 SELECT 1", "2:1 SELECT 2"}},
		// Client commands (issue 16 item 11).
		{"source lines", "source base.sql\n\\. more.sql;\nSELECT 1;\n  SOURCE  x y.sql  \n", []string{"1:1 source base.sql", "2:1 \\. more.sql", "3:1 SELECT 1", "4:3 SOURCE  x y.sql"}},
		{"source inside a statement is SQL", "SELECT a\nsource b;", []string{"1:1 SELECT a\nsource b"}},
		// Unicode spaces are not blanks to MySQL (issue 17 item 16); a leading byte order mark is.
		{"no-break space is a character", "SELECT 1;\u00a0\n", []string{"1:1 SELECT 1", "1:10 \u00a0"}},
		{"byte order mark", "\uFEFFSELECT 1;", []string{"1:2 SELECT 1"}},
	}
	// Stored programs without DELIMITER, as migration tools send them (issue
	// 16 item 2), are written out in testdata/split/*.txtar: the comment names
	// the case, f.sql is the text, and each further file is a statement the
	// split must give, named by its line:col.
	for _, a := range ReadTestArchives(t, "split") {
		if len(a.Files) < 2 || a.Files[0].Name != "f.sql" {
			t.Fatalf("%s: want f.sql, then the statements named line:col", a.Path)
		}
		tc := struct {
			name string
			text string
			want []string
		}{name: strings.TrimSpace(string(a.Comment)), text: strings.TrimSuffix(string(a.Files[0].Data), "\n")} // txtar ends every file with a newline; the inputs have none
		for _, f := range a.Files[1:] {
			tc.want = append(tc.want, f.Name+" "+strings.TrimSuffix(string(f.Data), "\n"))
		}
		tests = append(tests, tc)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range NewSource("f.sql", tt.text).Split() {
				got = append(got, fmt.Sprintf("%d:%d %s", c.Origin.Line, c.Origin.Column, c.SQL))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitCommentsAndEnd(t *testing.T) {
	src := NewSource("f.sql", "-- ddlbot:ignore x -- y\n/* block */\nALTER TABLE t\n  ADD COLUMN c int;")
	cs := src.Split()
	if len(cs) != 1 {
		t.Fatalf("got %d chunks", len(cs))
	}
	c := cs[0]
	if len(c.Comments) != 2 || c.Comments[0].Text != "-- ddlbot:ignore x -- y" || c.Comments[1].Origin.Line != 2 {
		t.Fatalf("comments = %+v", c.Comments)
	}
	if c.Origin.Line != 3 || c.Origin.EndLine != 4 || c.Origin.EndColumn != 18 {
		t.Fatalf("origin = %+v", c.Origin)
	}
	if got := src.Line(4); got != "  ADD COLUMN c int;" {
		t.Fatalf("Line(4) = %q", got)
	}
	if got := src.Line(9); got != "" {
		t.Fatalf("Line(9) = %q", got)
	}
}

func TestPosition(t *testing.T) {
	src := NewSource("f", "ab\ncdé\nf")
	for _, tt := range []struct {
		off       int
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 2, 4}, {8, 3, 1}, {100, 3, 2}, {-5, 1, 1}} {
		o := src.Position(tt.off)
		if o.Line != tt.line || o.Column != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, o.Line, o.Column, tt.line, tt.col)
		}
	}
}
