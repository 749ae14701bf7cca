package lint

import "testing"

const pkBase = "CREATE TABLE t (id int NOT NULL, tenant int NOT NULL, PRIMARY KEY (id));\nCREATE TABLE n (a int NOT NULL, UNIQUE KEY (a));"

func TestPrimaryKeyChange(t *testing.T) {
	checkRule(t, "primary-key-change", []ruleCase{
		{name: "other change", base: pkBase, head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "widened", base: pkBase, head: "ALTER TABLE t\n  DROP PRIMARY KEY, ADD PRIMARY KEY (tenant, id);", want: []string{"2:25 from (id) to (tenant,id)"}},
		{name: "dropped", base: pkBase, head: "ALTER TABLE t DROP PRIMARY KEY;", want: []string{"1:20 from (id) to ()"}},
		{name: "added", base: pkBase, head: "ALTER TABLE n ADD PRIMARY KEY (a);", want: []string{"1:19 from () to (a)"}},
		{name: "new table", base: pkBase, head: "CREATE TABLE x (id int PRIMARY KEY);"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY, b int NOT NULL);\nALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, b);"},
	})
}
