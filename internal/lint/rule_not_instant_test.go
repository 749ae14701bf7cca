package lint

import "testing"

const instantBase = "CREATE TABLE t (id int PRIMARY KEY, a varchar(10), e enum('x','y'));\nCREATE TABLE u (id int PRIMARY KEY);"

func TestNotInstant(t *testing.T) {
	checkRule(t, "not-instant", []ruleCase{
		{name: "add column", base: instantBase, head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "append enum value", base: instantBase, head: "ALTER TABLE t MODIFY e enum('x','y','z');"},
		{name: "create and drop", base: instantBase, head: "CREATE TABLE n (id int PRIMARY KEY);\nDROP TABLE u;"},
		{name: "add index", base: instantBase, head: "-- x\nALTER TABLE t ADD INDEX ka (a);", want: []string{"2:25 the change to `t` cannot run with ALGORITHM=INSTANT on MySQL 8.0.40 (ADD KEY `ka`): PlanetScale copies the table (online DDL)"}},
		{name: "instant and not", base: instantBase, head: "ALTER TABLE t ADD COLUMN b int, MODIFY a varchar(20) NOT NULL;", want: []string{"1:40 (MODIFY COLUMN `a`)"}},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY, a int);\nALTER TABLE t ADD INDEX ka (a);"},
		{name: "at the statement that copies, not the table's last", base: instantBase,
			head: "-- 007\nALTER TABLE t ADD UNIQUE KEY ka (a);\n-- 008\nALTER TABLE t ADD COLUMN b int;", want: []string{"2:30 (ADD UNIQUE KEY `ka`)"}},
		{name: "a column change, then an instant one", base: instantBase,
			head: "ALTER TABLE t MODIFY a varchar(20) NOT NULL;\nALTER TABLE t ADD COLUMN b int;", want: []string{"1:22 (MODIFY COLUMN `a`)"}},
		{name: "two tables", base: instantBase, head: "ALTER TABLE t MODIFY a varchar(5);\nALTER TABLE u ADD COLUMN b int, ADD INDEX kb (b);", want: []string{"1:22 `t`", "2:43 `u`"}},
	})
	checkRuleUsing(t, lintDeclarative, "not-instant", []ruleCase{
		{name: "declarative", base: "CREATE TABLE t (id int PRIMARY KEY, a int);",
			head: "-- users\nCREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a));", want: []string{"2:48 (ADD KEY `ka`)"}},
		{name: "declarative, instant", base: "CREATE TABLE t (id int PRIMARY KEY, a int);", head: "CREATE TABLE t (id int PRIMARY KEY, a int, b int);"},
	})
}
