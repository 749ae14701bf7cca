package lint

import (
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// TestDefinitions checks that a table statement is cut at its top-level
// commas only: not inside quotes, back-quoted names, comments or parentheses.
func TestDefinitions(t *testing.T) {
	cases := []struct {
		sql  string
		ast  sqlparser.Statement
		want []string
	}{
		{"CREATE TABLE t (a int COMMENT 'x, (y', `b,c` enum('1','2'), -- a, comment\n KEY (a, `b,c`)) COMMENT 'z,w'",
			&sqlparser.CreateTable{}, []string{"a int COMMENT 'x, (y'", "`b,c` enum('1','2')", "KEY (a, `b,c`)"}},
		{"ALTER TABLE `s`.`t` ADD COLUMN (a int, b text /* , */), MODIFY c int, ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id)",
			&sqlparser.AlterTable{}, []string{"a int", "b text /* , */", "MODIFY c int", "ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id)"}},
	}
	for _, c := range cases {
		st := schemadiff.Statement{AST: c.ast}
		st.SQL = c.sql
		var got []string
		for _, d := range definitions(st) {
			got = append(got, c.sql[d.start:d.end])
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: got %q, want %q", c.sql, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: item %d = %q, want %q", c.sql, i, got[i], c.want[i])
			}
		}
	}
}

// TestDefinitionNames checks which column or foreign key an item defines.
func TestDefinitionNames(t *testing.T) {
	sql := "ALTER TABLE t ADD COLUMN IF NOT EXISTS `x` int, CHANGE COLUMN old `new` int, MODIFY y int, ADD KEY (z), ADD FOREIGN KEY (a) REFERENCES p (id), ADD CONSTRAINT `f` FOREIGN KEY (b) REFERENCES p (id)"
	st := schemadiff.Statement{AST: &sqlparser.AlterTable{}}
	st.SQL = sql
	var cols, fks []string
	for _, d := range definitions(st) {
		if n, ok := d.columnName(); ok {
			cols = append(cols, n.text)
		}
		if n, ok := d.foreignKey(); ok {
			fks = append(fks, n+"("+fkSourceColumns(sql, d)[0]+")")
		}
	}
	if want := []string{"x", "new", "y"}; len(cols) != 3 || cols[0] != want[0] || cols[1] != want[1] || cols[2] != want[2] {
		t.Errorf("columns %q, want %q", cols, want)
	}
	if want := []string{"(a)", "f(b)"}; len(fks) != 2 || fks[0] != want[0] || fks[1] != want[1] {
		t.Errorf("foreign keys %q, want %q", fks, want)
	}
}
