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
		{name: "create table select", head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE u AS SELECT * FROM t;", want: []string{"2:1 CREATE TABLE ... SELECT"}},
	})
}
