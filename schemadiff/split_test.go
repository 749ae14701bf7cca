package schemadiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // "line:col SQL"
	}{
		{"empty", "", nil},
		{"only comments", "-- a\n# b\n/* c */\n", nil},
		{"two", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);", []string{"1:1 CREATE TABLE a (id int)", "2:1 CREATE TABLE b (id int)"}},
		{"no trailing delimiter", "  SELECT 1", []string{"1:3 SELECT 1"}},
		{"semicolon in string", "INSERT INTO t VALUES ('a;b', \"c;d\");", []string{"1:1 INSERT INTO t VALUES ('a;b', \"c;d\")"}},
		{"escaped quote", `INSERT INTO t VALUES ('it\'s;', 'x''y;');SELECT 2;`, []string{`1:1 INSERT INTO t VALUES ('it\'s;', 'x''y;')`, "1:42 SELECT 2"}},
		{"backtick", "CREATE TABLE `a;b` (id int);", []string{"1:1 CREATE TABLE `a;b` (id int)"}},
		{"comments between", "-- one; two\nSELECT 1; /* x; */ SELECT 2; # y;\nSELECT 3", []string{"2:1 SELECT 1", "2:20 SELECT 2", "3:1 SELECT 3"}},
		{"dash without space is not a comment", "SELECT 1--2;", []string{"1:1 SELECT 1--2"}},
		{"versioned comment kept", "/*!40101 SET NAMES utf8 */;", []string{"1:1 /*!40101 SET NAMES utf8 */"}},
		{"delimiter", "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;", []string{"2:1 CREATE PROCEDURE p() BEGIN SELECT 1; END", "4:1 SELECT 2"}},
		{"unicode column", "SELECT 'é';\n  SELECT 'ü';", []string{"1:1 SELECT 'é'", "2:3 SELECT 'ü'"}},
		{"unterminated string", "SELECT 'abc;\nSELECT 2;", []string{"1:1 SELECT 'abc;\nSELECT 2;"}},
		{"crlf", "SELECT 1;\r\nSELECT 2;\r\n", []string{"1:1 SELECT 1", "2:1 SELECT 2"}},
		// Stored programs without DELIMITER, as migration tools send them (issue 16 item 2).
		{"procedure body", "CREATE TABLE t (a int); CREATE PROCEDURE p() BEGIN DECLARE x INT; DROP TABLE t; END;",
			[]string{"1:1 CREATE TABLE t (a int)", "1:25 CREATE PROCEDURE p() BEGIN DECLARE x INT; DROP TABLE t; END"}},
		{"nested blocks and labels", "CREATE DEFINER=`root`@`%` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  l1: LOOP\n    SET i = i + 1;\n    IF i > n THEN LEAVE l1; ELSEIF i = 2 THEN ITERATE l1; END IF;\n  END LOOP l1;\n  WHILE i > 0 DO SET i = i - 1; END WHILE;\n  REPEAT SET i = i + 1; UNTIL i >= 3 END REPEAT;\n  CASE i WHEN 3 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\nEND;\nSELECT 9;",
			[]string{"1:1 CREATE DEFINER=`root`@`%` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  l1: LOOP\n    SET i = i + 1;\n    IF i > n THEN LEAVE l1; ELSEIF i = 2 THEN ITERATE l1; END IF;\n  END LOOP l1;\n  WHILE i > 0 DO SET i = i - 1; END WHILE;\n  REPEAT SET i = i + 1; UNTIL i >= 3 END REPEAT;\n  CASE i WHEN 3 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\nEND", "12:1 SELECT 9"}},
		{"functions IF() REPEAT() and CASE expressions", "CREATE FUNCTION f(a INT) RETURNS VARCHAR(20) DETERMINISTIC BEGIN DECLARE s VARCHAR(20); SET s = IF(a > 0, REPEAT('x', a), CASE WHEN a < 0 THEN IF(a < -9, 'n', 'm') ELSE 'z' END); RETURN s; END;SELECT 2;",
			[]string{"1:1 CREATE FUNCTION f(a INT) RETURNS VARCHAR(20) DETERMINISTIC BEGIN DECLARE s VARCHAR(20); SET s = IF(a > 0, REPEAT('x', a), CASE WHEN a < 0 THEN IF(a < -9, 'n', 'm') ELSE 'z' END); RETURN s; END", "1:194 SELECT 2"}},
		{"function without body block", "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1; SELECT 2;", []string{"1:1 CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1", "1:57 SELECT 2"}},
		{"trigger with single statement", "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = IF(NEW.a < 0, 0, NEW.a); SELECT 2;",
			[]string{"1:1 CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = IF(NEW.a < 0, 0, NEW.a)", "1:88 SELECT 2"}},
		{"trigger with IF body", "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW IF NEW.a < 0 THEN SET NEW.a = 0; END IF; SELECT 2;",
			[]string{"1:1 CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW IF NEW.a < 0 THEN SET NEW.a = 0; END IF", "1:92 SELECT 2"}},
		{"event", "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t WHERE a < 0; END; SELECT 2;",
			[]string{"1:1 CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t WHERE a < 0; END", "1:81 SELECT 2"}},
		{"handler block and quoted END", "CREATE PROCEDURE p() BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; SELECT 'END;', `end`, t.end, \"begin\" /* END; */ -- END;\n; END;",
			[]string{"1:1 CREATE PROCEDURE p() BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; SELECT 'END;', `end`, t.end, \"begin\" /* END; */ -- END;\n; END"}},
		{"transaction BEGIN is a statement", "BEGIN; CREATE TABLE a (id int); COMMIT;", []string{"1:1 BEGIN", "1:8 CREATE TABLE a (id int)", "1:33 COMMIT"}},
		{"MariaDB anonymous block", "BEGIN NOT ATOMIC IF 1 THEN SELECT 1; END IF; END; SELECT 2;", []string{"1:1 BEGIN NOT ATOMIC IF 1 THEN SELECT 1; END IF; END", "1:51 SELECT 2"}},
		{"definers", "CREATE DEFINER = CURRENT_USER TRIGGER a BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.x = 1; END;\nCREATE OR REPLACE DEFINER='app'@'localhost' SQL SECURITY INVOKER PROCEDURE b() BEGIN SELECT 1; END;",
			[]string{"1:1 CREATE DEFINER = CURRENT_USER TRIGGER a BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.x = 1; END", "2:1 CREATE OR REPLACE DEFINER='app'@'localhost' SQL SECURITY INVOKER PROCEDURE b() BEGIN SELECT 1; END"}},
		{"begin and end as column names", "CREATE PROCEDURE p() BEGIN UPDATE periods SET begin = NOW(), end = NULL WHERE id IN (SELECT id FROM x WHERE begin IS NULL OR (end)); SELECT CASE WHEN 1 THEN 2 END = 2, CASE 1 WHEN 1 THEN 0 END, begin FROM periods; END; SELECT 2;",
			[]string{"1:1 CREATE PROCEDURE p() BEGIN UPDATE periods SET begin = NOW(), end = NULL WHERE id IN (SELECT id FROM x WHERE begin IS NULL OR (end)); SELECT CASE WHEN 1 THEN 2 END = 2, CASE 1 WHEN 1 THEN 0 END, begin FROM periods; END", "1:220 SELECT 2"}},
		{"MariaDB FOR loop", "CREATE PROCEDURE p() BEGIN FOR i IN 1..3 DO SELECT i; END FOR; END; SELECT 2;", []string{"1:1 CREATE PROCEDURE p() BEGIN FOR i IN 1..3 DO SELECT i; END FOR; END", "1:69 SELECT 2"}},
		{"unclosed body falls back to plain split", "CREATE PROCEDURE p() BEGIN SELECT 1;\nCREATE TABLE t (a int);",
			[]string{"1:1 CREATE PROCEDURE p() BEGIN SELECT 1", "2:1 CREATE TABLE t (a int)"}},
		{"DELIMITER $$", "DELIMITER $$\nCREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; END$$\nDELIMITER ;\nSELECT 2;", []string{"2:1 CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; END", "4:1 SELECT 2"}},
		{"drop procedure is plain", "DROP PROCEDURE IF EXISTS p; SELECT 2;", []string{"1:1 DROP PROCEDURE IF EXISTS p", "1:29 SELECT 2"}},
		// Client commands (issue 16 item 11).
		{"source lines", "source base.sql\n\\. more.sql;\nSELECT 1;\n  SOURCE  x y.sql  \n", []string{"1:1 source base.sql", "2:1 \\. more.sql", "3:1 SELECT 1", "4:3 SOURCE  x y.sql"}},
		{"source inside a statement is SQL", "SELECT a\nsource b;", []string{"1:1 SELECT a\nsource b"}},
		// Unicode spaces are not blanks to MySQL (issue 17 item 16); a leading byte order mark is.
		{"no-break space is a character", "SELECT 1;\u00a0\n", []string{"1:1 SELECT 1", "1:10 \u00a0"}},
		{"byte order mark", "\uFEFFSELECT 1;", []string{"1:2 SELECT 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range NewSource("f.sql", tt.text).Split() {
				got = append(got, fmt.Sprintf("%d:%d %s", c.Origin.Line, c.Origin.Column, c.SQL))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitCommentsAndEnd(t *testing.T) {
	src := NewSource("f.sql", "-- ddlbot:ignore x -- y\n/* block */\nALTER TABLE t\n  ADD COLUMN c int;")
	cs := src.Split()
	if len(cs) != 1 {
		t.Fatalf("got %d chunks", len(cs))
	}
	c := cs[0]
	if len(c.Comments) != 2 || c.Comments[0].Text != "-- ddlbot:ignore x -- y" || c.Comments[1].Origin.Line != 2 {
		t.Fatalf("comments = %+v", c.Comments)
	}
	if c.Origin.Line != 3 || c.Origin.EndLine != 4 || c.Origin.EndColumn != 18 {
		t.Fatalf("origin = %+v", c.Origin)
	}
	if got := src.Line(4); got != "  ADD COLUMN c int;" {
		t.Fatalf("Line(4) = %q", got)
	}
	if got := src.Line(9); got != "" {
		t.Fatalf("Line(9) = %q", got)
	}
}

func TestPosition(t *testing.T) {
	src := NewSource("f", "ab\ncdé\nf")
	for _, tt := range []struct {
		off       int
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 2, 4}, {8, 3, 1}, {100, 3, 2}, {-5, 1, 1}} {
		o := src.Position(tt.off)
		if o.Line != tt.line || o.Column != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, o.Line, o.Column, tt.line, tt.col)
		}
	}
}
