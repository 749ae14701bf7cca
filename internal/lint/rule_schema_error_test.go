package lint

import "testing"

func TestSchemaError(t *testing.T) {
	checkRule(t, "schema-error", []ruleCase{
		{name: "valid", head: "CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN n int;"},
		{name: "alter of a missing column", head: "CREATE TABLE t (id int PRIMARY KEY);\n\nALTER TABLE t DROP COLUMN nope;", want: []string{"3:1 column \"nope\" does not exist"}},
		{name: "alter of a missing table", head: "ALTER TABLE nope ADD COLUMN n int;", want: []string{"1:1 table \"nope\" does not exist"}},
		{name: "duplicate table", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE t (id int PRIMARY KEY);", want: []string{"2:1 already"}},
		{name: "migration on a base", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t\n  ADD COLUMN n int;\nALTER TABLE t DROP INDEX nope;", want: []string{"3:1 index \"nope\" does not exist"}},
		// Issue 16 item 3: conditional DDL ddlbot cannot evaluate blocks, at the statement that builds it.
		{name: "conditional DDL not understood", head: "CREATE TABLE t (id int PRIMARY KEY);\nSET @s = IF((SELECT COUNT(*) FROM information_schema.key_column_usage WHERE table_name = 't') = 0, 'ALTER TABLE t ADD c int', 'SELECT 1');\nPREPARE st FROM @s; EXECUTE st;",
			want: []string{"2:1 the statement EXECUTE st runs (at line 3) is built by SQL in a form ddlbot does not support"}},
		{name: "conditional DDL that fails", head: "CREATE TABLE t (id int PRIMARY KEY);\nSET @s = IF(1, 'ALTER TABLE t DROP COLUMN nope', 'SELECT 1'); PREPARE st FROM @s; EXECUTE st;",
			want: []string{"2:17 column \"nope\" does not exist"}},
		{name: "CALL of a schema-changing procedure", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE PROCEDURE add_c() BEGIN IF NOT EXISTS (SELECT * FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c') THEN ALTER TABLE t ADD c int; END IF; END;\nCALL add_c();\nDROP PROCEDURE add_c;",
			want: []string{"3:1 CALL add_c runs a stored procedure (created at m.sql:2:1) whose body changes the schema (ALTER TABLE)"}},
		{name: "syntax errors are another rule", head: "CREATE TABLE t (id int PRIMARY KEY"},
		{name: "foreign keys are another rule", allowFK: true, head: "CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES nowhere (id));"},
		{name: "views are another rule", head: "CREATE VIEW v AS SELECT id FROM nowhere;"},
	})
}
