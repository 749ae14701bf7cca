package lint

import "testing"

func TestIntDisplayWidth(t *testing.T) {
	checkRule(t, "int-display-width", []ruleCase{
		{name: "no width", head: "CREATE TABLE t (id int PRIMARY KEY, b bigint unsigned, s smallint);"},
		{name: "boolean tinyint(1)", head: "CREATE TABLE t (id int PRIMARY KEY, active tinyint(1) NOT NULL DEFAULT 0, b boolean);"},
		{name: "int(11)", head: "CREATE TABLE t (\n  id int(11) NOT NULL PRIMARY KEY);", want: []string{"2:3 column `t`.`id` is INT(11): integer display widths are deprecated"}},
		{name: "several", head: "CREATE TABLE t (id bigint(20) unsigned PRIMARY KEY, n tinyint(4), m integer(3));", want: []string{"1:17 BIGINT(20)", "1:53 TINYINT(4)", "1:67 INT(3)"}},
		{name: "decimal and varchar lengths are fine", head: "CREATE TABLE t (id int PRIMARY KEY, d decimal(10,2), v varchar(10), c char(2));"},
		{name: "existing column not blamed", base: "CREATE TABLE t (id int(11) PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "added column", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN b int(10) unsigned;", want: []string{"1:26 INT(10)"}},
		{name: "modified column", base: "CREATE TABLE t (id int PRIMARY KEY, n int);", head: "ALTER TABLE t MODIFY n bigint(20) NOT NULL DEFAULT 0;", want: []string{"1:22 BIGINT(20)"}},
		{name: "later modify drops the width", head: "CREATE TABLE t (id int PRIMARY KEY, n int(11));\nALTER TABLE t MODIFY n bigint;"},
		{name: "later modify in another case drops the width", head: "CREATE TABLE t (id int PRIMARY KEY, n int(11));\nALTER TABLE t MODIFY N bigint;"},
		{name: "change to a new name", base: "CREATE TABLE t (id int PRIMARY KEY, n int);", head: "ALTER TABLE t CHANGE n m int(11);", want: []string{"1:24 `t`.`m` is INT(11)"}},
		{name: "same column name in two tables", head: "CREATE TABLE a (id int PRIMARY KEY, n int(11));\nCREATE TABLE b (id int PRIMARY KEY, n int);", want: []string{"1:37 `a`.`n` is INT(11)"}},
	})
	checkRuleUsing(t, lintDeclarative, "int-display-width", []ruleCase{
		{name: "declarative: only the new column", base: "CREATE TABLE t (id int(11) PRIMARY KEY);",
			head: "CREATE TABLE t (id int(11) PRIMARY KEY,\n  n int(11));", want: []string{"2:3 `t`.`n` is INT(11)"}},
	})
}
