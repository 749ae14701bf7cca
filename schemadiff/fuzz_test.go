package schemadiff

import (
	"strings"
	"testing"
	"testing/fstest"
)

var fuzzSeeds = []string{
	"CREATE TABLE t (id int PRIMARY KEY);",
	"-- ddlbot:ignore x -- y\nALTER TABLE t ADD COLUMN c int;",
	"DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;",
	"INSERT INTO t VALUES ('a;b', \"c\\\"d\", `e``f`); /* x */ # y\n",
	"/*!40101 SET NAMES utf8 */; CREATE VIEW v AS SELECT 1;",
	"CREATE TABLE t (a enum('x','y') NOT NULL, KEY (a(3))) PARTITION BY HASH (a) PARTITIONS 4;",
	"ALTER TABLE t RENAME TO u; RENAME TABLE u TO v; DROP TABLE v;",
	"CREATE TABLE 'unterminated",
	"CREATE TABLE t (a int); CREATE PROCEDURE p() BEGIN DECLARE x INT; IF x THEN DROP TABLE t; END IF; END;",
	"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = CASE WHEN NEW.a < 0 THEN 0 ELSE NEW.a END; END; SELECT 1;",
	"CREATE PROCEDURE p() BEGIN l: LOOP LEAVE l; END LOOP; SELECT 1;\nCREATE TABLE u (id int);",
	"source other.sql\n\\. more.sql\nSET @s = IF(1, 'ALTER TABLE t ADD c int', 'SELECT 1'); PREPARE st FROM @s; EXECUTE st;",
	"CREATE TABLE t (a int CHECK (a > 0), b int);\u00a0\n\u2000",
	"\uFEFFSELECT 1;\u3000",
	"CREATE TABLE t (id int PRIMARY KEY);\nSET @c := (SELECT COUNT(*) FROM information_schema.statistics WHERE table_name = 't' AND index_name = 'i');\nSET @s = CASE WHEN @c > 0 THEN 'SELECT 1' ELSE CONCAT('CREATE INDEX i ON t (', 'id', ')') END; PREPARE st FROM @s; EXECUTE st; DEALLOCATE PREPARE st;",
	"SELECT COUNT(*) INTO @n FROM information_schema.tables WHERE table_name = 't'; PREPARE st FROM IF(@n, 'SELECT 1', 'EXECUTE st'); EXECUTE st;",
	"CREATE TABLE t (a int CONSTRAINT c CHECK (a > 0) NOT ENFORCED); ALTER TABLE t ADD b int CHECK (b > 0), MODIFY a int CHECK (a < 9);",
}

// FuzzSplit: splitting never panics, and every chunk lies inside the text in order.
func FuzzSplit(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		src := NewSource("f.sql", text)
		last := -1
		for _, c := range src.Split() {
			if c.Origin.Offset < last || c.Origin.Offset+len(c.SQL) > len(text) {
				t.Fatalf("chunk %+v out of order or range", c.Origin)
			}
			if text[c.Origin.Offset:c.Origin.Offset+len(c.SQL)] != c.SQL {
				t.Fatalf("chunk text does not match its origin")
			}
			// Only ASCII blanks are blanks to MySQL: a chunk of U+00A0 is a
			// statement the parser reports, not an empty one.
			if strings.Trim(c.SQL, " \t\n\r\f\v") == "" || c.Origin.Line < 1 || c.Origin.Column < 1 {
				t.Fatalf("bad chunk %+v", c)
			}
			last = c.Origin.Offset + len(c.SQL)
		}
	})
}

// FuzzLoadSQL: loading any text never panics, and every problem has a position.
func FuzzLoadSQL(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	e, err := NewEnv("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, _ := e.LoadSQL("f.sql", text)
		if s == nil {
			t.Fatal("nil schema")
		}
		for _, p := range s.Problems {
			if p.Message == "" {
				t.Fatalf("problem without message: %+v", p)
			}
		}
	})
}

// FuzzMigrations: any migration file in any format reads without panicking.
func FuzzMigrations(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("1_a.sql", "-- +goose Up\n"+s)
		f.Add("V1.2__a.sql", s)
		f.Add("2_b.up.sql", "-- migrate:up\n"+s+"\n-- migrate:down\n")
	}
	e, err := NewEnv("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
			return
		}
		fsys := fstest.MapFS{"m/" + name: &fstest.MapFile{Data: []byte(text)}}
		for _, format := range Formats() {
			_, _, _ = e.LoadMigrations(fsys, "m", format)
		}
	})
}
