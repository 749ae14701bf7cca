package lint

import "testing"

func TestChangeOrder(t *testing.T) {
	checkRule(t, "change-order", []ruleCase{
		{name: "orderable", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY);",
			head: "CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));"},
		{name: "cross-table rename with a foreign key", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY, code int, KEY (code));\nCREATE TABLE c (id int PRIMARY KEY, pcode int, FOREIGN KEY (pcode) REFERENCES p (code));",
			head: "\nALTER TABLE p RENAME COLUMN code TO code2;",
			want: []string{"2:1 no valid applicable order"}},
	})
}
