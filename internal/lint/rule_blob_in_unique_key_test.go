package lint

import "testing"

func TestBlobInUniqueKey(t *testing.T) {
	checkRule(t, "blob-in-unique-key", []ruleCase{
		{name: "integer key", head: "CREATE TABLE t (id bigint PRIMARY KEY, body text);"},
		{name: "unique text key beside a primary key", head: "CREATE TABLE t (id int PRIMARY KEY, body text, UNIQUE KEY (body(100)));"},
		{name: "another unique key identifies rows", head: "CREATE TABLE t (id int NOT NULL, body text, UNIQUE KEY (id), UNIQUE KEY (body(100)));"},
		{name: "non-unique index", head: "CREATE TABLE t (id int PRIMARY KEY, body text, KEY (body(100)));"},
		{name: "text in primary key", head: "CREATE TABLE documents (\n  body text NOT NULL,\n  PRIMARY KEY (body(255))\n);",
			want: []string{"3:16 the PRIMARY KEY of table `documents` includes TEXT column `body`"}},
		{name: "blob in composite primary key", head: "CREATE TABLE t (a int NOT NULL, b BLOB NOT NULL, PRIMARY KEY (a, b(16)));",
			want: []string{"1:66 BLOB column `b`"}},
		{name: "unique key without primary key", head: "CREATE TABLE t (a int, body mediumtext NOT NULL,\n  UNIQUE KEY body_uq (a, body(10)));",
			want: []string{"2:26 UNIQUE key `body_uq` of table `t` includes MEDIUMTEXT column `body`"}},
		{name: "added by alter", base: "CREATE TABLE t (id int NOT NULL, body longblob NOT NULL);",
			head: "ALTER TABLE t ADD PRIMARY KEY (id, body(20));",
			want: []string{"1:36 LONGBLOB"}},
		{name: "untouched table not blamed", base: "CREATE TABLE t (body text NOT NULL, PRIMARY KEY (body(10)));\nCREATE TABLE u (id int PRIMARY KEY);",
			head: "ALTER TABLE u ADD COLUMN n int;"},
	})
}
