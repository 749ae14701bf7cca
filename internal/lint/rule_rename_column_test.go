package lint

import "testing"

const renameColumnBase = "CREATE TABLE t (id int PRIMARY KEY, a varchar(10), b int);"

func TestRenameColumn(t *testing.T) {
	checkRule(t, "rename-column", []ruleCase{
		{name: "no rename", base: renameColumnBase, head: "ALTER TABLE t MODIFY a varchar(20);"},
		{name: "rename column", base: renameColumnBase, head: "ALTER TABLE t\n  RENAME COLUMN a TO a2;",
			want: []string{"2:17 renames column `a` to `a2` in `t`: queries that use the old name fail once it runs, and the diff sees it as dropping `a`"}},
		// The schema loader rejects CHANGE COLUMN, so there is no diff; the statement still tells.
		{name: "change column", base: renameColumnBase, head: "ALTER TABLE t CHANGE COLUMN b b2 bigint;", want: []string{"1:29 `b` to `b2`"}},
		{name: "change column, same name", base: renameColumnBase, head: "ALTER TABLE t CHANGE COLUMN b b bigint;"},
		{name: "added in the same migration", base: renameColumnBase, head: "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t RENAME COLUMN c TO d;"},
		{name: "new table", base: renameColumnBase, head: "CREATE TABLE n (id int PRIMARY KEY, c int);\nALTER TABLE n RENAME COLUMN c TO d;"},
		{name: "after a table rename", base: renameColumnBase, head: "RENAME TABLE t TO t2;\nALTER TABLE t2 RENAME COLUMN a TO a2;", want: []string{"2:30 `a` to `a2` in `t2`"}},
		{name: "no base", head: "ALTER TABLE x RENAME COLUMN a TO a2;", want: []string{"1:29 `a` to `a2`"}},
	})
	checkRuleUsing(t, lintDetectingRenames, "rename-column", []ruleCase{
		{name: "detected rename reported once", base: renameColumnBase, head: "ALTER TABLE t RENAME COLUMN a TO a2;", want: []string{"1:29 renames column `a` to `a2` in `t`"}},
	})
}
