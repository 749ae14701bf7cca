package schemadiff

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
)

// Issue 16 items 5-8 and 10: two spellings MySQL stores as one table diff as
// no change (both ways), and the stored form is MySQL's.
func TestCanonicalSpellings(t *testing.T) {
	e := testEnv(t)
	const pk = "id bigint unsigned NOT NULL PRIMARY KEY"
	for _, tc := range []struct {
		name, a, b string
		want       string // in a's CREATE TABLE, as stored
	}{
		// Item 5: quoted charset and collation names.
		{"quoted charset", "a varchar(40) CHARACTER SET 'utf8mb4'", "a varchar(40)", "`a` varchar(40),"},
		{"double-quoted charset", `a varchar(10) CHARSET "latin1" COLLATE 'latin1_bin'`, "a varchar(10) COLLATE latin1_bin", "COLLATE latin1_bin"},
		// Item 6: type synonyms.
		{"integer", "a integer", "a int", "`a` int,"},
		{"int1..int8", "a int1, b int2, c int3, d int4, e int8, f middleint", "a tinyint, b smallint, c mediumint, d int, e bigint, f mediumint", "`f` mediumint"},
		{"dec fixed numeric", "a dec(5,1), b fixed(6,2), c numeric(4,2)", "a decimal(5,1), b decimal(6,2), c decimal(4,2)", "`c` decimal(4,2)"},
		{"double precision", "a double precision, b real, c float8", "a double, b double, c double", "`a` double,"},
		{"character varying", "a character varying(20), b char varying(3), c character(4)", "a varchar(20), b varchar(3), c char(4)", "`c` char(4)"},
		{"national", "a national char(5), b nchar(5), c nvarchar(10), d national varchar(3), e nchar varchar(4), f national character varying(2)",
			"a char(5) CHARSET utf8mb3, b char(5) CHARSET utf8mb3, c varchar(10) CHARSET utf8mb3, d varchar(3) CHARSET utf8mb3, e varchar(4) CHARSET utf8mb3, f varchar(2) CHARSET utf8mb3",
			"`b` char(5) CHARACTER SET utf8mb3"},
		{"long", "a long varchar, b long, c long varbinary, d long char varying", "a mediumtext, b mediumtext, c mediumblob, d mediumtext", "`c` mediumblob"},
		{"serial", "s serial", "s bigint unsigned NOT NULL AUTO_INCREMENT, UNIQUE KEY s (s)", "UNIQUE KEY `s` (`s`)"},
		{"serial default value", "a int SERIAL DEFAULT VALUE", "a int NOT NULL AUTO_INCREMENT, UNIQUE KEY a (a)", "`a` int NOT NULL AUTO_INCREMENT"},
		{"a column named serial", "serial varchar(20)", "`serial` varchar(20)", "`serial` varchar(20)"},
		// Item 7: inline UNIQUE and KEY.
		{"inline unique", "a int NOT NULL UNIQUE", "a int NOT NULL, UNIQUE KEY a (a)", "UNIQUE KEY `a` (`a`)"},
		{"inline unique key, name taken", "a int UNIQUE KEY, b int, KEY a (b)", "a int, b int, KEY a (b), UNIQUE KEY a_2 (a)", "UNIQUE KEY `a_2` (`a`)"},
		// Item 8: an explicit default collation is no change.
		{"latin1 default collation", "a varchar(10) CHARSET latin1", "a varchar(10) CHARSET latin1 COLLATE latin1_swedish_ci", "CHARACTER SET latin1,"},
		{"utf8mb3 default collation", "a varchar(10) CHARSET utf8mb3 COLLATE utf8mb3_general_ci", "a varchar(10) CHARSET utf8", "CHARACTER SET utf8mb3,"},
		{"collation names its charset", "a varchar(10) CHARSET latin1 COLLATE latin1_bin", "a varchar(10) COLLATE latin1_bin", "`a` varchar(10) COLLATE latin1_bin"},
		{"table charset spelled out", "a varchar(10) CHARSET utf8mb4 COLLATE utf8mb4_0900_ai_ci", "a varchar(10)", "`a` varchar(10),"},
		// Item 10: readback spellings.
		{"year(4)", "a year(4)", "a year", "`a` year,"},
		{"binary attribute", "a varchar(10) BINARY", "a varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "`a` varchar(10) COLLATE utf8mb4_bin"},
		{"binary attribute latin1", "a varchar(10) CHARSET latin1 BINARY", "a varchar(10) COLLATE latin1_bin", "COLLATE latin1_bin"},
		{"full-length index prefix", "a varchar(20), KEY ka (a(20))", "a varchar(20), KEY ka (a)", "KEY `ka` (`a`)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := loadTable(t, e, "CREATE TABLE t ("+pk+", "+tc.a+");")
			b := loadTable(t, e, "CREATE TABLE t ("+pk+", "+tc.b+");")
			if got := a.Table("t").Create().CanonicalStatementString(); !strings.Contains(got, tc.want) {
				t.Errorf("stored as\n%s\nwant it to contain %q", got, tc.want)
			}
			for _, pair := range [][2]*Schema{{a, b}, {b, a}} {
				d, err := Compute(context.Background(), pair[0], pair[1], DiffOptions{})
				if err != nil || !d.Empty() {
					t.Errorf("want no change, got %q %v", d.Statements(), err)
				}
			}
		})
	}
}

// The same spellings through ALTER TABLE, and tables whose default charset is
// not the server's (where Vitess alone would give a latin1 column a utf8mb4
// collation).
func TestCanonicalThroughAlter(t *testing.T) {
	e := testEnv(t)
	for _, tc := range []struct{ name, a, b string }{
		{"add synonyms", "CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t ADD COLUMN (a dec(4,1), b nchar(2)), ADD c int8;",
			"CREATE TABLE t (id int PRIMARY KEY, a decimal(4,1), b char(2) CHARSET utf8mb3, c bigint);"},
		{"modify and change", "CREATE TABLE t (id int PRIMARY KEY, a int, b int); ALTER TABLE t MODIFY a character varying(9), CHANGE b c double precision;",
			"CREATE TABLE t (id int PRIMARY KEY, a varchar(9), c double);"},
		{"add unique column", "CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t ADD COLUMN e varchar(9) UNIQUE;",
			"CREATE TABLE t (id int PRIMARY KEY, e varchar(9), UNIQUE KEY e (e));"},
		{"latin1 table", "CREATE TABLE t (id int PRIMARY KEY, a varchar(3) CHARSET latin1, b varchar(3) CHARSET utf8mb4) CHARSET latin1; ALTER TABLE t ADD c varchar(2) CHARACTER SET 'latin1' COLLATE 'latin1_swedish_ci';",
			"CREATE TABLE t (id int PRIMARY KEY, a varchar(3), b varchar(3) CHARSET utf8mb4 COLLATE utf8mb4_0900_ai_ci, c varchar(2)) DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;"},
		{"table collation only", "CREATE TABLE t (id int PRIMARY KEY, a varchar(3)) COLLATE latin1_german1_ci;",
			"CREATE TABLE t (id int PRIMARY KEY, a varchar(3) CHARSET latin1 COLLATE latin1_german1_ci) CHARSET latin1 COLLATE latin1_german1_ci;"},
		{"index prefix added by alter", "CREATE TABLE t (id int PRIMARY KEY, a varchar(8)); ALTER TABLE t ADD KEY ka (a(8));",
			"CREATE TABLE t (id int PRIMARY KEY, a varchar(8), KEY ka (a));"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := loadTable(t, e, tc.a)
			b := loadTable(t, e, tc.b)
			for _, pair := range [][2]*Schema{{a, b}, {b, a}} {
				d, err := Compute(context.Background(), pair[0], pair[1], DiffOptions{})
				if err != nil || !d.Empty() {
					t.Errorf("want no change, got %q %v\n%s\n%s", d.Statements(), err, a.CreateStatements(), b.CreateStatements())
				}
			}
		})
	}
}

// A real difference in charset or collation is still a change.
func TestCanonicalKeepsRealChanges(t *testing.T) {
	e := testEnv(t)
	for _, tc := range []struct{ name, a, b, want string }{
		{"other collation", "a varchar(10) CHARSET latin1", "a varchar(10) CHARSET latin1 COLLATE latin1_bin", "MODIFY COLUMN"},
		{"other charset", "a varchar(10)", "a varchar(10) CHARSET latin1", "MODIFY COLUMN"},
		{"partial prefix", "a varchar(20), KEY ka (a(10))", "a varchar(20), KEY ka (a)", "KEY"},
		{"unique added", "a int", "a int UNIQUE", "ADD UNIQUE KEY `a`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := loadTable(t, e, "CREATE TABLE t (id int PRIMARY KEY, "+tc.a+");")
			b := loadTable(t, e, "CREATE TABLE t (id int PRIMARY KEY, "+tc.b+");")
			d, err := Compute(context.Background(), a, b, DiffOptions{})
			if err != nil || !strings.Contains(strings.Join(d.Statements(), "\n"), tc.want) {
				t.Errorf("want %q, got %q %v", tc.want, d.Statements(), err)
			}
		})
	}
}

func loadTable(t *testing.T, e *Env, sql string) *Schema {
	t.Helper()
	s, err := e.LoadSQL("t.sql", sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	for _, p := range s.Problems {
		t.Fatalf("%s: %s", sql, p)
	}
	return s
}

// The synonym rewrite touches only the type of a column definition, keeps
// quoted text and comments, and maps error positions back.
func TestRewriteTypeSynonyms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"CREATE TABLE t (a integer, `b` dec(3,1) NOT NULL COMMENT 'integer dec')", "CREATE TABLE t (a int, `b` decimal(3,1) NOT NULL COMMENT 'integer dec')"},
		{"CREATE TABLE t (serial int, long varchar(3), KEY serial (serial))", "CREATE TABLE t (serial int, long varchar(3), KEY serial (serial))"},
		{"CREATE TABLE t (a nchar(3) /* nchar */ NOT NULL)", "CREATE TABLE t (a char(3) CHARACTER SET utf8mb3 /* nchar */ NOT NULL)"},
		{"ALTER TABLE t ADD KEY integer (a), MODIFY COLUMN b int8, CHANGE c d middleint", "ALTER TABLE t ADD KEY integer (a), MODIFY COLUMN b bigint, CHANGE c d mediumint"},
		{"ALTER TABLE t ADD COLUMN (a int1, b fixed)", "ALTER TABLE t ADD COLUMN (a tinyint, b decimal)"},
		{"INSERT INTO t (integer) VALUES (1)", "INSERT INTO t (integer) VALUES (1)"},
		{"CREATE TABLE t LIKE integer", "CREATE TABLE t LIKE integer"},
	} {
		if got, _ := rewriteTypeSynonyms(tc.in); got != tc.want {
			t.Errorf("rewriteTypeSynonyms(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// A syntax error after a rewritten type points at the text as written.
	e := testEnv(t)
	s, _ := e.LoadSQL("t.sql", "CREATE TABLE t (a double precision, b int4 NOT NULL DEFAULTT 1);")
	if len(s.Problems) != 1 || !strings.HasPrefix(s.Problems[0].Origin.String(), "t.sql:1:") {
		t.Fatalf("problems: %v", s.Problems)
	}
	if got := s.Problems[0].Origin.Column; got < 51 || got > 58 {
		t.Errorf("error at column %d, want it on DEFAULTT (51-58): %v", got, s.Problems[0])
	}
}

// Issue 16 item 6: a CREATE TABLE that does not parse is one error; what
// later statements fail on because the table is missing is not reported again.
func TestNoCascadeAfterSyntaxError(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadSQL("a.sql", "CREATE TABLE `x` (id int PRIMARY KEY, b int STORAGE DISK);\n"+
		"ALTER TABLE x ADD c int;\nCREATE INDEX ix ON x (c);\n"+
		"CREATE TABLE y (id int PRIMARY KEY, x_id int, FOREIGN KEY (x_id) REFERENCES x (id));\nDROP TABLE X;\n"+
		"ALTER TABLE missing ADD d int;\n")
	if err == nil {
		t.Fatal("want a load error")
	}
	var got []string
	for _, p := range s.Problems {
		got = append(got, p.String())
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "a.sql:1:") || !strings.HasPrefix(got[1], "a.sql:6:1") {
		t.Errorf("want the syntax error and the unrelated missing table only, got:\n%s", strings.Join(got, "\n"))
	}
}

// TestSynonymFilterPassesEverySynonym checks the cheap filter against the
// rewrite it guards: on random statements over the synonyms' words, type
// keywords, separators, quotes and comments, whatever the filter turns away
// must be a statement the rewrite would leave unchanged.
func TestSynonymFilterPassesEverySynonym(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var vocab []string
	for _, s := range typeSynonyms {
		vocab = append(vocab, s.words...)
	}
	vocab = append(vocab, "NATIONAL", "Char", "VARYING", "int", "varchar", "default", "value", "not", "null", "key", "a", "b",
		"(", ")", "(3)", ",", " ", " ", "\n", "`", "'", "/* x */", "-- x\n", "#x\n", "é")
	checked := 0
	for i := 0; i < 30000; i++ {
		var b strings.Builder
		b.WriteString([]string{"CREATE TABLE t (a ", "ALTER TABLE t ADD COLUMN a ", "ALTER TABLE t MODIFY a "}[r.IntN(3)])
		for n := r.IntN(7); n > 0; n-- {
			b.WriteString(vocab[r.IntN(len(vocab))])
			b.WriteByte(" \t\n"[r.IntN(3)])
		}
		b.WriteString(")")
		sql := b.String()
		if mayHaveSynonym(sql) {
			continue
		}
		checked++
		if got, edits := rewriteTokens(sql); got != sql || edits != nil {
			t.Fatalf("the filter turned away %q, which the rewrite changes to %q", sql, got)
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d statements turned away: the test checks too little", checked)
	}
}
