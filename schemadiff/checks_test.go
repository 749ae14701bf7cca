package schemadiff

import (
	"strings"
	"testing"
)

// Issue 16 item 11: column-level CHECK constraints load as table CHECK
// constraints, as MySQL stores them.
func TestColumnChecks(t *testing.T) {
	e := testEnv(t)
	tests := []struct {
		name, sql string
		table     string
		want      []string // substrings of the table's canonical CREATE
	}{
		{"create", "CREATE TABLE t (a int CHECK (a > 0), b int NOT NULL DEFAULT 1 COMMENT 'check (b)' CHECK (b > 0), c int, CHECK (c > a));", "t",
			[]string{"`a` int,", "`b` int NOT NULL DEFAULT '1' COMMENT 'check (b)',", "CONSTRAINT `t_chk_1` CHECK (`a` > 0),\n\tCONSTRAINT `t_chk_2` CHECK (`b` > 0),\n\tCONSTRAINT `t_chk_3` CHECK (`c` > `a`)"}},
		{"named and not enforced", "CREATE TABLE t (a int CONSTRAINT a_pos CHECK (a > 0) NOT ENFORCED, b varchar(3) CHECK (b IN ('x', 'y')) ENFORCED);", "t",
			[]string{"CONSTRAINT `a_pos` CHECK (`a` > 0) NOT ENFORCED", "CONSTRAINT `t_chk_1` CHECK (`b` IN ('x', 'y'))"}},
		{"nested parentheses", "CREATE TABLE t (a int CHECK ((a > 0) AND (a < 10)) NOT NULL);", "t", []string{"`a` int NOT NULL", "CONSTRAINT `t_chk_1` CHECK (`a` > 0 AND `a` < 10)"}},
		{"alter add", "CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN d int CHECK (d <> 0), ADD COLUMN e int;", "t",
			[]string{"`d` int,", "`e` int,", "CONSTRAINT `t_chk_1` CHECK (`d` != 0)"}},
		{"alter modify", "CREATE TABLE t (id int PRIMARY KEY, d int);\nALTER TABLE t MODIFY d int NOT NULL CHECK (d > 1);", "t",
			[]string{"`d` int NOT NULL", "CONSTRAINT `t_chk_1` CHECK (`d` > 1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := e.LoadSQL("m.sql", tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Table(tt.table).Create().CanonicalStatementString()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("no %q in\n%s", w, got)
				}
			}
		})
	}
	// A column CHECK and the same CHECK written after the columns are one schema.
	a, _ := e.LoadSQL("a.sql", "CREATE TABLE t (a int CHECK (a > 0), b int);")
	b, _ := e.LoadSQL("b.sql", "CREATE TABLE t (a int, b int, CHECK (a > 0));")
	if x, y := a.CreateStatements()[0], b.CreateStatements()[0]; x != y {
		t.Errorf("column and table CHECK differ:\n%s\n%s", x, y)
	}
	// A broken CHECK is still a syntax error, at its place in the file.
	s, err := e.LoadSQL("m.sql", "CREATE TABLE t (a int CHECK (a >), b int);")
	if err == nil || len(s.Problems) != 1 || s.Problems[0].Kind != ProblemSyntax || s.Problems[0].Origin.Line != 1 {
		t.Fatalf("problems = %v", s.Problems)
	}
}
