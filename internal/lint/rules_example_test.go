package lint

import "testing"

func TestSyntaxError(t *testing.T) {
	checkRule(t, "syntax-error", []ruleCase{
		{name: "valid", head: "CREATE TABLE t (id int PRIMARY KEY);"},
		{name: "bad token", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE u (\n  id int NOT NUL\n);", want: []string{"3:14 NUL"}},
		{name: "truncated", head: "CREATE TABLE t (id int", want: []string{"1:22"}},
	})
}

func TestNoUniqueKey(t *testing.T) {
	checkRule(t, "no-unique-key", []ruleCase{
		{name: "primary key", head: "CREATE TABLE t (id int PRIMARY KEY);"},
		{name: "unique not null", head: "CREATE TABLE t (a int NOT NULL, UNIQUE KEY (a));"},
		{name: "none", head: "\nCREATE TABLE t (a int);", want: []string{"2:1 `t`"}},
		{name: "unique nullable", head: "CREATE TABLE t (a int, UNIQUE KEY (a));", want: []string{"1:1"}},
		{name: "dropped by alter", base: "CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id));", head: "-- x\nALTER TABLE t DROP PRIMARY KEY;", want: []string{"2:1"}},
		{name: "untouched table not blamed", base: "CREATE TABLE t (a int); CREATE TABLE u (id int primary key);", head: "ALTER TABLE u ADD COLUMN b int;"},
	})
}

func TestDropColumn(t *testing.T) {
	checkRule(t, "drop-column", []ruleCase{
		{name: "add only", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "column named like its table", base: "CREATE TABLE nick (id int PRIMARY KEY, nick int);", head: "ALTER TABLE nick DROP COLUMN nick;", want: []string{"1:30 `nick`"}},
		{name: "drop", base: "CREATE TABLE t (id int PRIMARY KEY, nick int);", head: "ALTER TABLE t\n  DROP COLUMN nick;", want: []string{"2:15 `nick`"}},
	})
}

func TestFloatColumn(t *testing.T) {
	checkRule(t, "float-column", []ruleCase{
		{name: "decimal", head: "CREATE TABLE t (id int PRIMARY KEY, p decimal(10,2));"},
		{name: "float", head: "CREATE TABLE t (id int PRIMARY KEY,\n price float);", want: []string{"2:2 `price`"}},
		{name: "existing float not blamed", base: "CREATE TABLE t (id int PRIMARY KEY, f float);", head: "ALTER TABLE t ADD COLUMN g double;", want: []string{"1:26 `g`"}},
	})
}

func TestSuppression(t *testing.T) {
	checkRule(t, "drop-column", []ruleCase{
		{name: "suppressed", base: "CREATE TABLE t (id int PRIMARY KEY, nick int);", head: "-- ddlbot:ignore drop-column -- unused since v2\nALTER TABLE t DROP COLUMN nick;"},
		{name: "file", base: "CREATE TABLE t (id int PRIMARY KEY, nick int);", head: "-- ddlbot:ignore-file drop-column -- cleanup\nALTER TABLE t ADD COLUMN x int;\nALTER TABLE t DROP COLUMN nick;"},
		{name: "other rule", base: "CREATE TABLE t (id int PRIMARY KEY, nick int);", head: "-- ddlbot:ignore drop-table -- no\nALTER TABLE t DROP COLUMN nick;", want: []string{"2:27"}},
	})
	checkRule(t, "invalid-suppression", []ruleCase{
		{name: "no reason", head: "-- ddlbot:ignore float-column\nCREATE TABLE t (id int PRIMARY KEY);", want: []string{"1:1 no reason"}},
		{name: "unknown", head: "-- ddlbot:ignore nope -- x\nCREATE TABLE t (id int PRIMARY KEY);", want: []string{"1:1 unknown rule"}},
		{name: "ok", head: "-- ddlbot:ignore float-column -- sensor data\nCREATE TABLE t (id int PRIMARY KEY, f float);"},
		{name: "file not at top", head: "CREATE TABLE t (id int PRIMARY KEY);\n-- ddlbot:ignore-file float-column -- x\nCREATE TABLE u (id int PRIMARY KEY);", want: []string{"2:1 top of the file"}},
	})
}
