package lint

import "testing"

func TestReservedWord(t *testing.T) {
	checkRule(t, "reserved-word", []ruleCase{
		{name: "plain names", head: "CREATE TABLE users (id int PRIMARY KEY, status int, `date` date, name varchar(10));"},
		{name: "quoted column", head: "CREATE TABLE t (id int PRIMARY KEY,\n  `order` int);", want: []string{"2:3 column `t`.`order` is named after a word reserved in MySQL 8.0: every query must back-quote it"}},
		{name: "quoted table", head: "CREATE TABLE `groups` (id int PRIMARY KEY);", want: []string{"1:14 table `groups`"}},
		{name: "unquoted", head: "CREATE TABLE t (id int PRIMARY KEY, groups int);", want: []string{"1:37 written without back-quotes as here, the statement fails on MySQL 8.0"}},
		{name: "unquoted 8.4 word", head: "CREATE TABLE t (id int PRIMARY KEY, qualify int);", want: []string{"1:37 fails on MySQL 8.4"}},
		{name: "unquoted words Vitess rejects are syntax errors", head: "CREATE TABLE t (id int PRIMARY KEY, rank int);"},
		{name: "8.4 word", head: "CREATE TABLE t (id int PRIMARY KEY, `qualify` int);", want: []string{"1:37 reserved in MySQL 8.4"}},
		{name: "view", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE VIEW `system` AS SELECT id FROM t;", want: []string{"2:13 view `system`"}},
		{name: "existing names not blamed", base: "CREATE TABLE `key` (id int PRIMARY KEY, `lead` int);", head: "ALTER TABLE `key` MODIFY `lead` bigint, ADD COLUMN b int;"},
		{name: "added column", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN `window` int;", want: []string{"1:26 column `t`.`window`"}},
		{name: "renamed table", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "RENAME TABLE t TO `lead`;", want: []string{"1:19 table `lead`"}},
	})
}
