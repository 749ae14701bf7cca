package lint

import "testing"

const fkBase = "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, KEY (pid), CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id));"

func TestDropForeignKey(t *testing.T) {
	checkRule(t, "drop-foreign-key", []ruleCase{
		{name: "other change", allowFK: true, base: fkBase, head: "ALTER TABLE c ADD COLUMN b int;"},
		{name: "dropped", allowFK: true, base: fkBase, head: "ALTER TABLE c\n  DROP FOREIGN KEY fk_p;", want: []string{"2:20 drops foreign key `fk_p` of `c`"}},
		{name: "redefined", allowFK: true, base: fkBase, head: "ALTER TABLE c DROP FOREIGN KEY fk_p, ADD CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE;", want: []string{"1:32 `fk_p`"}},
		{name: "table dropped", allowFK: true, base: fkBase, head: "DROP TABLE c;"},
		{name: "no base: no diff", allowFK: true, head: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id));\nALTER TABLE c DROP FOREIGN KEY fk_p;"},
	})
}
