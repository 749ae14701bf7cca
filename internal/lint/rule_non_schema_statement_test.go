package lint

import "testing"

func TestNonSchemaStatement(t *testing.T) {
	checkRule(t, "non-schema-statement", []ruleCase{
		{name: "schema only", head: "-- users\nCREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN n int;"},
		{name: "comment only", head: "CREATE TABLE t (id int PRIMARY KEY);\n/* nothing else */"},
		{name: "unsupported is another rule", head: "CREATE DATABASE app;"},
		{name: "insert", head: "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t (id) VALUES (1);", want: []string{"2:1 INSERT is not a schema statement"}},
		{name: "update and delete", head: "CREATE TABLE t (id int PRIMARY KEY, n int);\n  UPDATE t SET n = 1;\nDELETE FROM t WHERE id = 2;",
			want: []string{"2:3 not applied to the schema", "3:1 data migration tool"}},
		{name: "set and use", head: "SET NAMES utf8mb4;\nUSE app;\nCREATE TABLE t (id int PRIMARY KEY);", want: []string{"1:1 SET", "2:1 USE"}},
		// Issue 16 item 3: conditional DDL is evaluated, not reported as data changes; a data change it runs still is.
		{name: "conditional DDL", base: "CREATE TABLE t (id int PRIMARY KEY);",
			head: "SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 't' AND column_name = 'c') = 0,\n  'ALTER TABLE t ADD COLUMN c int', 'SELECT 1');\nPREPARE st FROM @s;\nEXECUTE st;\nDEALLOCATE PREPARE st;"},
		{name: "conditional data change", head: "CREATE TABLE t (id int PRIMARY KEY);\nPREPARE st FROM 'INSERT INTO t VALUES (1)'; EXECUTE st;", want: []string{"2:18 INSERT is not a schema statement"}},
		{name: "in a migration", base: "CREATE TABLE t (id int PRIMARY KEY, n int);", head: "ALTER TABLE t ADD COLUMN m int;\nUPDATE t SET m = n;", want: []string{"2:1 UPDATE"}},
	})
}
