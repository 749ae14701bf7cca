package lint

import "testing"

func TestPartialKeyInUniqueKey(t *testing.T) {
	checkRule(t, "partial-key-in-unique-key", []ruleCase{
		{name: "whole column", head: "CREATE TABLE t (email varchar(255) NOT NULL, PRIMARY KEY (email));"},
		{name: "unique prefix beside a primary key", head: "CREATE TABLE t (id int PRIMARY KEY, email varchar(255) NOT NULL, UNIQUE KEY (email(20)));"},
		{name: "another unique key identifies rows", head: "CREATE TABLE t (id int NOT NULL, email varchar(255) NOT NULL, UNIQUE KEY (email(20)), UNIQUE KEY (id));"},
		{name: "text is the other rule", head: "CREATE TABLE t (body text NOT NULL, PRIMARY KEY (body(255)));"},
		{name: "prefix in primary key", head: "CREATE TABLE customers (\n  email varchar(255) NOT NULL,\n  PRIMARY KEY (`email`(32))\n);",
			want: []string{"3:16 the PRIMARY KEY of table `customers` uses only a prefix of column `email` (email(32))"}},
		{name: "unique prefix without primary key", head: "CREATE TABLE t (email varchar(255) NOT NULL, UNIQUE KEY (email(20)));",
			want: []string{"1:58 UNIQUE key `email` of table `t`"}},
		{name: "named unique prefix", head: "CREATE TABLE t (a varchar(50) NOT NULL, email varchar(255) NOT NULL,\n  UNIQUE INDEX by_email (a(5), email(20)));",
			want: []string{"2:26 `a` (a(5))", "2:32 `email` (email(20))"}},
		{name: "added by alter", base: "CREATE TABLE t (email varchar(255) NOT NULL);",
			head: "ALTER TABLE t\n  ADD PRIMARY KEY (email(40));",
			want: []string{"2:20 email(40)"}},
		{name: "untouched table not blamed", base: "CREATE TABLE t (email varchar(255) NOT NULL, PRIMARY KEY (email(10)));\nCREATE TABLE u (id int PRIMARY KEY);",
			head: "ALTER TABLE u ADD COLUMN n int;"},
	})
}
