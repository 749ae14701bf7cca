package lint

import "testing"

func TestDeprecatedCharset(t *testing.T) {
	checkRule(t, "deprecated-charset", []ruleCase{
		{name: "utf8mb4", head: "CREATE TABLE t (id int PRIMARY KEY, s varchar(10)) DEFAULT CHARSET=utf8mb4;"},
		{name: "latin1 column", head: "CREATE TABLE t (id int PRIMARY KEY, s varchar(10) CHARACTER SET latin1);"},
		{name: "table utf8", head: "CREATE TABLE t (id int PRIMARY KEY, s varchar(10))\n  ENGINE=InnoDB DEFAULT CHARSET=utf8;", want: []string{"2:33 table `t` uses the deprecated utf8mb3 character set"}},
		{name: "table utf8mb3 collation", head: "CREATE TABLE t (id int PRIMARY KEY) COLLATE utf8mb3_general_ci;", want: []string{"1:45 table `t`"}},
		{name: "column utf8", head: "CREATE TABLE t (id int PRIMARY KEY,\n  s varchar(10) CHARACTER SET utf8) CHARSET utf8mb4;", want: []string{"2:3 column `t`.`s` uses the deprecated utf8mb3"}},
		{name: "column collation only", head: "CREATE TABLE t (id int PRIMARY KEY, s varchar(10) COLLATE utf8_bin) CHARSET utf8mb4;", want: []string{"1:37 column `t`.`s`"}},
		{name: "existing table not blamed", base: "CREATE TABLE t (id int PRIMARY KEY) CHARSET utf8;", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "added column", base: "CREATE TABLE t (id int PRIMARY KEY) CHARSET utf8mb4;", head: "ALTER TABLE t ADD COLUMN s text CHARACTER SET utf8mb3;", want: []string{"1:26 column `t`.`s`"}},
	})
}
