package lint

import "testing"

func TestChangeOrder(t *testing.T) {
	checkRule(t, "change-order", []ruleCase{
		{name: "orderable", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY);",
			head: "CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));"},
		// The child's key is dropped first and added back once the parent
		// has the new column: orderable since issue 16 item 4.
		{name: "cross-table rename with a foreign key", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY, code int, KEY (code));\nCREATE TABLE c (id int PRIMARY KEY, pcode int, FOREIGN KEY (pcode) REFERENCES p (code));",
			head: "\nALTER TABLE p RENAME COLUMN code TO code2;"},
		{name: "foreign key cycle", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY);",
			head: "CREATE TABLE a (id int PRIMARY KEY, b_id int, FOREIGN KEY (b_id) REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY, a_id int, FOREIGN KEY (a_id) REFERENCES a (id));"},
	})
}
