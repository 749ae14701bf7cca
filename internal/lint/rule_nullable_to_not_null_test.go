package lint

import "testing"

const nullableBase = "CREATE TABLE t (id int PRIMARY KEY, a int, b int NOT NULL);"

func TestNullableToNotNull(t *testing.T) {
	checkRule(t, "nullable-to-not-null", []ruleCase{
		{name: "stays nullable", base: nullableBase, head: "ALTER TABLE t MODIFY a bigint;"},
		{name: "already not null", base: nullableBase, head: "ALTER TABLE t MODIFY b bigint NOT NULL;"},
		{name: "made not null", base: nullableBase, head: "ALTER TABLE t\n  MODIFY a int NOT NULL DEFAULT 0;", want: []string{"2:10 makes `t`.`a` NOT NULL"}},
		{name: "made nullable", base: nullableBase, head: "ALTER TABLE t MODIFY b int NULL;"},
		{name: "new column", base: nullableBase, head: "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 1;"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY, a int);\nALTER TABLE t MODIFY a int NOT NULL;"},
	})
}
