package lint

import "testing"

func TestForeignKeysDisallowed(t *testing.T) {
	const parent = "CREATE TABLE p (id int PRIMARY KEY);\n"
	checkRule(t, "foreign-keys-disallowed", []ruleCase{
		{name: "no foreign keys", head: parent + "CREATE TABLE c (id int PRIMARY KEY, pid int, KEY (pid));"},
		{name: "allowed", allowFK: true, head: parent + "CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));"},
		{name: "unnamed", head: parent + "CREATE TABLE c (id int PRIMARY KEY, pid int,\n  FOREIGN KEY (pid) REFERENCES p (id));",
			want: []string{"3:3 table `c` has foreign key `c_ibfk_1` (`pid`) referencing `p`"}},
		{name: "named", head: parent + "CREATE TABLE c (id int PRIMARY KEY, pid int,\n  CONSTRAINT `fk_parent` FOREIGN KEY (pid) REFERENCES p (id));",
			want: []string{"3:14 `fk_parent`"}},
		{name: "two foreign keys", head: parent + "CREATE TABLE c (id int PRIMARY KEY, a int, b int,\n  FOREIGN KEY (a) REFERENCES p (id),\n  FOREIGN KEY (b) REFERENCES p (id));",
			want: []string{"3:3 (`a`)", "4:3 (`b`)"}},
		{name: "added by alter", base: parent + "CREATE TABLE c (id int PRIMARY KEY, pid int);",
			head: "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id);",
			want: []string{"1:30 not enabled for this database"}},
		{name: "untouched table not blamed", allowFK: false,
			base: parent + "CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));",
			head: "ALTER TABLE p ADD COLUMN n int;"},
	})
}
