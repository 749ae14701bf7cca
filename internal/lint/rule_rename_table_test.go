package lint

import "testing"

const renameTableBase = "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE u (id int PRIMARY KEY);"

func TestRenameTable(t *testing.T) {
	checkRule(t, "rename-table", []ruleCase{
		{name: "no rename", base: renameTableBase, head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "rename table", base: renameTableBase, head: "-- x\nRENAME TABLE t TO t2;", want: []string{"2:14 renames table `t` to `t2`: queries that use the old name fail once it runs, and the diff sees it as dropping `t`"}},
		{name: "two pairs", base: renameTableBase, head: "RENAME TABLE t TO t2,\n  u TO u2;", want: []string{"1:14 `t` to `t2`", "2:3 `u` to `u2`"}},
		{name: "alter rename", base: renameTableBase, head: "ALTER TABLE t ADD COLUMN b int, RENAME TO t2;", want: []string{"1:33 `t` to `t2`"}},
		{name: "created in the same migration", base: renameTableBase, head: "CREATE TABLE n (id int PRIMARY KEY);\nRENAME TABLE n TO n2;"},
		{name: "renamed twice", base: renameTableBase, head: "RENAME TABLE t TO t2;\nRENAME TABLE t2 TO t3;", want: []string{"1:14 `t` to `t2`", "2:14 `t2` to `t3`"}},
		{name: "no base", head: "RENAME TABLE a TO b;", want: []string{"1:14 `a` to `b`: queries that use the old name fail once it runs"}},
		{name: "no base, created first", head: "CREATE TABLE a (id int PRIMARY KEY);\nALTER TABLE a RENAME TO b;"},
	})
	checkRuleUsing(t, lintDetectingRenames, "rename-table", []ruleCase{
		{name: "detected rename reported once", base: renameTableBase, head: "RENAME TABLE t TO t2;", want: []string{"1:14 renames table `t` to `t2`"}},
		{name: "detected, no statement", base: renameTableBase, head: "ALTER TABLE u ADD COLUMN b int;"},
	})
}
