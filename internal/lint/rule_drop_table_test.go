package lint

import "testing"

const dropTableBase = "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE u (id int PRIMARY KEY);"

func TestDropTable(t *testing.T) {
	checkRule(t, "drop-table", []ruleCase{
		{name: "alter only", base: dropTableBase, head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "drop", base: dropTableBase, head: "-- cleanup\nDROP TABLE u;", want: []string{"2:12 drops table `u`"}},
		{name: "two in one statement", base: dropTableBase, head: "DROP TABLE t,\n  u;", want: []string{"1:12 `t`", "2:3 `u`"}},
		{name: "if exists, absent", base: dropTableBase, head: "DROP TABLE IF EXISTS nope;"},
		{name: "drop view", base: dropTableBase + "\nCREATE VIEW v AS SELECT id FROM t;", head: "DROP VIEW v;"},
		{name: "rename seen as drop", base: dropTableBase, head: "RENAME TABLE t TO t2;", want: []string{"1:14 renames it to `t2`"}},
		{name: "dropped and re-created", base: dropTableBase, head: "DROP TABLE u;\nCREATE TABLE u (id bigint PRIMARY KEY);"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY);\nDROP TABLE t;"},
	})
	checkRuleUsing(t, lintDeclarative, "drop-table", []ruleCase{
		{name: "declarative: definition removed", base: dropTableBase, head: "CREATE TABLE t (id int PRIMARY KEY);", want: []string{"2:1 drops table `u`"}},
		{name: "declarative: unchanged", base: dropTableBase, head: dropTableBase},
	})
}
