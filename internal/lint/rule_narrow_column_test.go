package lint

import "testing"

const narrowBase = "CREATE TABLE t (id int PRIMARY KEY, name varchar(100), n int, u int unsigned, d decimal(10,2), at datetime(6), e enum('a','b'));"

func TestNarrowColumn(t *testing.T) {
	checkRule(t, "narrow-column", []ruleCase{
		{name: "widen varchar", base: narrowBase, head: "ALTER TABLE t MODIFY name varchar(200);"},
		{name: "widen int", base: narrowBase, head: "ALTER TABLE t MODIFY n bigint;"},
		{name: "shorter varchar", base: narrowBase, head: "ALTER TABLE t\n  MODIFY COLUMN name varchar(50);", want: []string{"2:17 from varchar(100) to varchar(50)"}},
		{name: "smaller int", base: narrowBase, head: "ALTER TABLE t MODIFY n smallint;", want: []string{"1:22 from int to smallint"}},
		{name: "signed to unsigned", base: narrowBase, head: "ALTER TABLE t MODIFY n int unsigned;", want: []string{"1:22 `n`"}},
		{name: "unsigned to signed", base: narrowBase, head: "ALTER TABLE t MODIFY u int;", want: []string{"1:22 `u`"}},
		{name: "fewer decimals", base: narrowBase, head: "ALTER TABLE t MODIFY d decimal(10,1);", want: []string{"1:22 decimal(10,1)"}},
		{name: "less fractional seconds", base: narrowBase, head: "ALTER TABLE t MODIFY at datetime;", want: []string{"1:22 `at`"}},
		{name: "nullability alone is not narrowing", base: narrowBase, head: "ALTER TABLE t MODIFY n int NOT NULL;"},
		{name: "enum changes are enum-change", base: narrowBase, head: "ALTER TABLE t MODIFY e enum('a');"},
		{name: "new table", base: narrowBase, head: "CREATE TABLE x (id int PRIMARY KEY, c char(1));"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10));\nALTER TABLE t MODIFY a varchar(5);"},
	})
	checkRuleUsing(t, lintDeclarative, "narrow-column", []ruleCase{
		{name: "declarative", base: "CREATE TABLE t (id int PRIMARY KEY, name varchar(100));",
			head: "CREATE TABLE t (\n  id int PRIMARY KEY,\n  name varchar(20)\n);", want: []string{"3:3 from varchar(100) to varchar(20)"}},
	})
}
