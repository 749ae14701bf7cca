package lint

import "testing"

func TestUnsupportedStatement(t *testing.T) {
	checkRule(t, "unsupported-statement", []ruleCase{
		{name: "tables and views", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE VIEW v AS SELECT id FROM t;"},
		{name: "data statements are another rule", head: "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);"},
		{name: "create database", head: "CREATE DATABASE app;\nCREATE TABLE t (id int PRIMARY KEY);", want: []string{"1:1 CREATE DATABASE: PlanetScale does not accept"}},
		{name: "drop database", head: "CREATE TABLE t (id int PRIMARY KEY);\n\n  DROP DATABASE app;", want: []string{"3:3 DROP DATABASE"}},
		{name: "trigger", head: "CREATE TABLE t (id int PRIMARY KEY);\nDELIMITER //\nCREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = 1; END//\nDELIMITER ;", want: []string{"3:1 CREATE TRIGGER"}},
		{name: "procedure", head: "CREATE PROCEDURE p() SELECT 1;", want: []string{"1:1 CREATE PROCEDURE"}},
		{name: "function", head: "CREATE FUNCTION f() RETURNS int DETERMINISTIC RETURN 1;", want: []string{"1:1 application code"}},
		{name: "event", head: "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t;", want: []string{"1:1 CREATE EVENT"}},
		{name: "lock tables", head: "LOCK TABLES t WRITE;\nCREATE TABLE t (id int PRIMARY KEY);\nUNLOCK TABLES;", want: []string{"1:1 LOCK TABLES", "3:1 UNLOCK TABLES"}},
		// Issue 16 item 2: a stored program sent whole, without DELIMITER, is one statement reported once.
		{name: "procedure without delimiter", head: "CREATE TABLE t (a int PRIMARY KEY);\n  CREATE PROCEDURE p() BEGIN DECLARE x INT; DROP TABLE t; END;\nCREATE TABLE u (id int PRIMARY KEY);",
			want: []string{"2:3 CREATE PROCEDURE: PlanetScale does not accept this statement"}},
		{name: "trigger with nested blocks", head: "CREATE TABLE t (a int PRIMARY KEY);\nCREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN\n  IF NEW.a < 0 THEN\n    SET NEW.a = CASE WHEN NEW.a < -10 THEN 0 ELSE -NEW.a END;\n  END IF;\nEND;",
			want: []string{"2:1 CREATE TRIGGER"}},
		{name: "definer function", head: "CREATE DEFINER=`app`@`%` FUNCTION f(x INT) RETURNS INT DETERMINISTIC BEGIN DECLARE y INT; SET y = x * 2; RETURN y; END;",
			want: []string{"1:1 CREATE FUNCTION"}},
		// Issue 16 item 11: client commands are one finding at their line.
		{name: "source", head: "CREATE TABLE t (id int PRIMARY KEY);\nsource other.sql\n\\. \"more.sql\";\nCREATE TABLE u (id int PRIMARY KEY);",
			want: []string{"2:1 `source other.sql` is a mysql client command: ddlbot does not follow it, so the statements of other.sql are not part of this schema", "3:1 statements of more.sql"}},
		{name: "create table select", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE u AS SELECT * FROM t;", want: []string{"2:1 CREATE TABLE ... SELECT"}},
	})
}
