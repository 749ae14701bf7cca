package lint

import "testing"

func TestDuplicateEnumValue(t *testing.T) {
	checkRule(t, "duplicate-enum-value", []ruleCase{
		{name: "distinct", head: "CREATE TABLE t (id int PRIMARY KEY, size enum('small', 'medium', 'large'), tags set('a', 'b'));"},
		{name: "case sensitive collation", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('a', 'A') COLLATE utf8mb4_bin, f enum('x', 'X') CHARACTER SET latin1 BINARY);"},
		{name: "exact duplicate", head: "CREATE TABLE shirts (\n  id int PRIMARY KEY,\n  size enum('small', 'medium', 'medium', 'large') NOT NULL\n);",
			want: []string{"3:32 ENUM column `shirts`.`size` lists 'medium' more than once (values 2 and 3)"}},
		{name: "case insensitive", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('a','b','A'));",
			want: []string{"1:52 'A' (value 3), which is the same value as 'a' (value 1) under collation utf8mb4_0900_ai_ci"}},
		{name: "accent insensitive", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('cafe','café'));",
			want: []string{"1:51 'café' (value 2)"}},
		{name: "table collation", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('a','A')) COLLATE latin1_general_ci;",
			want: []string{"1:48 under collation latin1_general_ci"}},
		{name: "trailing spaces", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('a', 'a  '));",
			want: []string{"1:49 lists 'a' more than once"}},
		{name: "empty strings and escapes", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('', 'it''s', 'it\\'s', ''));",
			want: []string{"1:57 'it''s'", "1:66 ''"}},
		{name: "set", head: "CREATE TABLE t (id int PRIMARY KEY, s set('x', 'y', 'x'));",
			want: []string{"1:53 SET column `t`.`s`"}},
		{name: "added by alter", base: "CREATE TABLE t (id int PRIMARY KEY);",
			head: "ALTER TABLE t\n  ADD COLUMN status enum('on', 'off', 'ON');",
			want: []string{"2:39 'ON' (value 3)"}},
		{name: "modified by alter", base: "CREATE TABLE t (id int PRIMARY KEY, status enum('on', 'off'));",
			head: "ALTER TABLE t MODIFY status enum('on', 'off', 'Off');",
			want: []string{"1:47 'Off'"}},
		{name: "untouched table not blamed", base: "CREATE TABLE t (id int PRIMARY KEY, e enum('a', 'a'));\nCREATE TABLE u (id int PRIMARY KEY);",
			head: "ALTER TABLE u ADD COLUMN n int;"},
	})
}
