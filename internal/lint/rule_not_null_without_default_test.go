package lint

import "testing"

const notNullBase = "CREATE TABLE t (id int PRIMARY KEY, a int);"

func TestNotNullWithoutDefault(t *testing.T) {
	checkRule(t, "not-null-without-default", []ruleCase{
		{name: "nullable", base: notNullBase, head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "with default", base: notNullBase, head: "ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;"},
		{name: "without default", base: notNullBase, head: "ALTER TABLE t\n  ADD COLUMN status varchar(10) NOT NULL;", want: []string{"2:14 adds NOT NULL column `status`"}},
		{name: "auto increment", base: "CREATE TABLE t (a int NOT NULL, UNIQUE KEY (a));", head: "ALTER TABLE t ADD COLUMN id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY;"},
		{name: "generated", base: notNullBase, head: "ALTER TABLE t ADD COLUMN b int GENERATED ALWAYS AS (a + 1) VIRTUAL NOT NULL;"},
		{name: "new table", base: notNullBase, head: "CREATE TABLE n (id int PRIMARY KEY, c int NOT NULL);"},
		{name: "existing column made NOT NULL is another rule", base: notNullBase, head: "ALTER TABLE t MODIFY a int NOT NULL;"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN b int NOT NULL;"},
	})
}
