package schemadiff

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestApplyStatements(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadSQL("m.sql", `
CREATE TABLE users (id bigint NOT NULL, email varchar(255) NOT NULL, PRIMARY KEY (id));
CREATE TABLE IF NOT EXISTS users (id int);
CREATE INDEX idx_email ON users (email);
ALTER TABLE users ADD COLUMN nick varchar(20);
CREATE TABLE tmp LIKE users;
RENAME TABLE tmp TO tmp2;
ALTER TABLE tmp2 RENAME TO tmp3;
DROP INDEX idx_email ON users;
DROP TABLE IF EXISTS nothere;
DROP TABLE tmp3;
CREATE VIEW v AS SELECT id FROM users;
CREATE OR REPLACE VIEW v AS SELECT id, email FROM users;
ALTER VIEW v AS SELECT id, nick FROM users;
CREATE VIEW w AS SELECT 1 AS one;
DROP VIEW w;
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), ","); got != "users,v" {
		t.Fatalf("names = %s", got)
	}
	want := "CREATE TABLE `users` (\n\t`id` bigint NOT NULL,\n\t`email` varchar(255) NOT NULL,\n\t`nick` varchar(20),\n\tPRIMARY KEY (`id`)\n)"
	if got := s.CreateStatements()[0]; got != want {
		t.Fatalf("users =\n%s\nwant\n%s", got, want)
	}
	if o, _ := s.DefinedAt("users"); o.Line != 2 {
		t.Errorf("users defined at %v", o)
	}
	if o, _ := s.ChangedAt("users"); o.Line != 9 {
		t.Errorf("users changed at %v", o)
	}
	if o, _ := s.DroppedAt("tmp3"); o.Line != 11 {
		t.Errorf("tmp3 dropped at %v", o)
	}
	if !strings.Contains(s.CreateStatements()[1], "`nick`") {
		t.Errorf("view = %s", s.CreateStatements()[1])
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string // Problem.String() and kind
	}{
		{"missing column", "CREATE TABLE users (id int PRIMARY KEY);\n\n\nALTER TABLE users DROP COLUMN nick;",
			[]string{`apply db/migrations/0003_nick.sql:4:1: ALTER TABLE users: column "nick" does not exist`}},
		{"missing table", "ALTER TABLE users ADD COLUMN x int;", []string{`apply db/migrations/0003_nick.sql:1:1: ALTER TABLE users: table "users" does not exist`}},
		{"duplicate table", "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE a (id int PRIMARY KEY);", []string{"apply db/migrations/0003_nick.sql:2:1: CREATE TABLE a: \"a\" already exists (already defined at db/migrations/0003_nick.sql:1:1)"}},
		{"duplicate column", "CREATE TABLE a (id int PRIMARY KEY);\nALTER TABLE a ADD COLUMN id int;", []string{`apply db/migrations/0003_nick.sql:2:1: ALTER TABLE a: column "id" already exists`}},
		{"syntax", "CREATE TABLE a (\n  id int PRIMARY KEY,\n  x varchar(10) NOT NUL\n);", []string{`syntax db/migrations/0003_nick.sql:3:21: syntax error near "NUL"`}},
		{"non-schema and unsupported", "INSERT INTO a VALUES (1);\nSET NAMES utf8mb4;\nCREATE DATABASE x;\nCREATE DEFINER=`root`@`%` TRIGGER tr BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1;\nLOCK TABLES a WRITE;",
			[]string{"non-schema db/migrations/0003_nick.sql:1:1: INSERT is not a schema statement: it is not applied to the schema",
				"non-schema db/migrations/0003_nick.sql:2:1: SET is not a schema statement: it is not applied to the schema",
				"unsupported db/migrations/0003_nick.sql:3:1: CREATE DATABASE is not supported by PlanetScale: it is not applied to the schema",
				"unsupported db/migrations/0003_nick.sql:4:1: CREATE TRIGGER is not supported by PlanetScale: it is not applied to the schema",
				"unsupported db/migrations/0003_nick.sql:5:1: LOCK TABLES is not supported by PlanetScale: it is not applied to the schema"}},
		{"foreign key to nowhere", "CREATE TABLE a (id int PRIMARY KEY, b int, FOREIGN KEY (b) REFERENCES nope (id));",
			[]string{"invalid-schema db/migrations/0003_nick.sql:1:1: table `a` foreign key references nonexistent table `nope`"}},
	}
	e := testEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := e.LoadSQL("db/migrations/0003_nick.sql", tt.sql)
			var got []string
			for _, p := range s.Problems {
				got = append(got, string(p.Kind)+" "+p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLoadErrorIsTyped(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadSQL("f.sql", "ALTER TABLE x ADD COLUMN y int;")
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 || s == nil || s.Vitess() != nil {
		t.Fatalf("err = %v, schema = %v", err, s)
	}
	if _, err := Compute(context.Background(), s, s, DiffOptions{}); err == nil {
		t.Fatal("diff of an invalid schema must fail")
	}
}

func TestLoadCreateStatementsAnyOrder(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadCreateStatements([]string{"CREATE VIEW v AS SELECT id FROM t", "CREATE TABLE t (id int PRIMARY KEY)"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables()) != 1 || len(s.Views()) != 1 {
		t.Fatalf("tables %d views %d", len(s.Tables()), len(s.Views()))
	}
}

func TestLoadDeclarative(t *testing.T) {
	e := testEnv(t)
	fsys := mapFS(map[string]string{
		"db/a_views.sql":  "CREATE VIEW v AS SELECT id FROM t;",
		"db/b/tables.sql": "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE u (id int PRIMARY KEY);",
		"db/README.md":    "not sql",
	})
	s, err := e.LoadDeclarative(fsys, "db")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), ","); got != "t,u,v" {
		t.Fatalf("names = %s", got)
	}
	if o, _ := s.DefinedAt("u"); o.String() != "db/b/tables.sql:2:1" {
		t.Fatalf("u at %s", o)
	}
	if !IsMigrationsDir(mapFS(map[string]string{"m/001_a.sql": "", "m/002_b.sql": ""}), "m") || IsMigrationsDir(fsys, "db") {
		t.Fatal("IsMigrationsDir")
	}
}

func TestLoadMigrationsFormats(t *testing.T) {
	e := testEnv(t)
	fsys := mapFS(map[string]string{
		"m/V1__init.sql":    "CREATE TABLE t (id int PRIMARY KEY);",
		"m/V1.9__nick.sql":  "ALTER TABLE t ADD COLUMN nick varchar(10);",
		"m/V1.10__drop.sql": "ALTER TABLE t DROP COLUMN nick;",
		"m/V1.2__index.sql": "CREATE INDEX i ON t (id);",
		"m/R__refresh.sql":  "SELECT 1;",
		"m/U1.10__undo.sql": "ALTER TABLE t ADD COLUMN nick varchar(10);",
		"m/not-a-migration": "",
	})
	s, f, err := e.LoadMigrations(fsys, "m", FormatAuto)
	if err != nil {
		t.Fatalf("V1.10 must run after V1.9: %v", err)
	}
	if f != FormatFlyway || s.Table("t") == nil || len(s.Table("t").ColumnDefinitionEntities()) != 1 {
		t.Fatalf("format %s, table %v", f, s.Table("t"))
	}
}

func TestNewEnvVersions(t *testing.T) {
	for _, v := range []string{"", "5.7", "8.0", "8.0.40", "8.4", "8.4.3"} {
		if _, err := NewEnv(v); err != nil {
			t.Errorf("NewEnv(%q): %v", v, err)
		}
	}
	for _, v := range []string{"9", "8", "mysql", "8.0.x", "10.11"} {
		if _, err := NewEnv(v); err == nil {
			t.Errorf("NewEnv(%q) accepted", v)
		}
	}
}

func TestApplyColumnRenames(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadSQL("m.sql", `
CREATE TABLE p (id int NOT NULL, code varchar(10) NOT NULL, PRIMARY KEY (id), UNIQUE KEY uk (code));
CREATE TABLE t (id int NOT NULL PRIMARY KEY, a varchar(100), b int, pcode varchar(10),
  KEY ka (a), KEY kab (a, b), CONSTRAINT fk FOREIGN KEY (pcode) REFERENCES p (code), CHECK (b > 0));
ALTER TABLE t RENAME COLUMN a TO a2;
ALTER TABLE t CHANGE COLUMN b b2 bigint NOT NULL DEFAULT 1 AFTER id;
ALTER TABLE t CHANGE COLUMN pcode pcode varchar(10) NOT NULL;
ALTER TABLE p RENAME COLUMN code TO sku;
RENAME TABLE p TO products;
CREATE TABLE c (id int PRIMARY KEY, s varchar(10) CHARACTER SET utf8mb4, bin varbinary(10)) CHARSET utf8mb4;
ALTER TABLE c CONVERT TO CHARACTER SET latin1;
`)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Table("t").Create().CanonicalStatementString()
	for _, want := range []string{"KEY `ka` (`a2`)", "KEY `kab` (`a2`, `b2`)", "`b2` bigint NOT NULL DEFAULT '1'", "REFERENCES `products` (`sku`)", "`b2` > 0", "`pcode` varchar(10) NOT NULL"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if c := s.Table("c").Create().CanonicalStatementString(); !strings.Contains(c, "CHARSET latin1") || strings.Contains(c, "utf8mb4") || !strings.Contains(c, "varbinary(10)") {
		t.Errorf("CONVERT TO CHARACTER SET:\n%s", c)
	}
	if strings.Index(got, "`b2`") > strings.Index(got, "`a2`") {
		t.Errorf("AFTER id not honoured:\n%s", got)
	}
	if _, err := e.LoadSQL("m.sql", "CREATE TABLE t (id int PRIMARY KEY, a int);\nALTER TABLE t CHANGE COLUMN nope x int;"); err == nil || !strings.Contains(err.Error(), `column "nope" does not exist`) {
		t.Errorf("CHANGE of a missing column: %v", err)
	}
	if _, err := e.LoadSQL("m.sql", "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\nALTER TABLE t RENAME COLUMN a TO b;"); err == nil || !strings.Contains(err.Error(), `column "b" already exists`) {
		t.Errorf("RENAME onto an existing column: %v", err)
	}
}

func TestMySQLNormalisation(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadSQL("m.sql", `
CREATE TABLE w (id int PRIMARY KEY);
CREATE TABLE s (id int PRIMARY KEY, wid int NOT NULL, sku int, n int NOT NULL DEFAULT 0, p decimal(18,4) DEFAULT 1.5,
  neg int DEFAULT -3, b tinyint(1) DEFAULT TRUE, f double DEFAULT 2.25,
  CONSTRAINT fk_w FOREIGN KEY (wid) REFERENCES w (id));
CREATE TABLE k (id int PRIMARY KEY, wid int NOT NULL, KEY fk_k (wid), CONSTRAINT fk_k FOREIGN KEY (wid) REFERENCES w (id));
ALTER TABLE s ADD UNIQUE KEY uk (wid, sku);
ALTER TABLE k ADD KEY wid2 (wid, id);
CREATE DEFINER=`+"`root`@`%`"+` VIEW v AS SELECT id FROM w;
`)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Table("s").Create().CanonicalStatementString()
	for _, want := range []string{"DEFAULT '0'", "DEFAULT '1.5000'", "DEFAULT '-3'", "DEFAULT '1'", "DEFAULT '2.25'"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "KEY `fk_w`") {
		t.Errorf("the foreign key's own index must go once uk serves it (as MySQL does):\n%s", got)
	}
	if k := s.Table("k").Create().CanonicalStatementString(); !strings.Contains(k, "KEY `fk_k`") {
		t.Errorf("a declared index is kept:\n%s", k)
	}
	if v := s.View("v").Create().CanonicalStatementString(); strings.Contains(v, "DEFINER") {
		t.Errorf("definer kept: %s", v)
	}
	// An inline PRIMARY KEY column is NOT NULL, as MySQL prints it.
	inline, _ := e.LoadSQL("a", "CREATE TABLE t (id int PRIMARY KEY, x int);")
	explicit, _ := e.LoadSQL("b", "CREATE TABLE t (id int NOT NULL, x int, PRIMARY KEY (id));")
	if d, err := Compute(context.Background(), inline, explicit, DiffOptions{}); err != nil || !d.Empty() {
		t.Errorf("inline and explicit primary keys differ: %v %v", d.Statements(), err)
	}
	// A schema as MySQL prints it loads to the same thing.
	printed, err := e.LoadCreateStatements(s.CreateStatements())
	if err != nil {
		t.Fatal(err)
	}
	if d, err := Compute(context.Background(), printed, s, DiffOptions{}); err != nil || !d.Empty() {
		t.Fatalf("round trip differs: %v %v", d.Statements(), err)
	}
}

func TestViewsAsServersStoreThem(t *testing.T) {
	e := testEnv(t)
	written, err := e.LoadSQL("m.sql", `
CREATE TABLE users (id bigint NOT NULL, email varchar(255) NOT NULL, active tinyint(1) NOT NULL, PRIMARY KEY (id));
CREATE TABLE orders (id bigint NOT NULL, user_id bigint NOT NULL, total decimal(10,2) NOT NULL, PRIMARY KEY (id));
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;
CREATE VIEW all_users AS SELECT * FROM users;
CREATE VIEW user_totals AS SELECT u.id, u.email, o.total AS order_total FROM users u JOIN orders o ON o.user_id = u.id;
CREATE VIEW counts AS SELECT user_id, COUNT(*) AS n FROM orders GROUP BY user_id HAVING COUNT(*) > 1;
`)
	if err != nil {
		t.Fatal(err)
	}
	// What a MySQL 8 server prints for the same views (SHOW CREATE VIEW).
	stored, err := e.LoadCreateStatements([]string{
		"CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(255) NOT NULL, `active` tinyint(1) NOT NULL, PRIMARY KEY (`id`))",
		"CREATE TABLE `orders` (`id` bigint NOT NULL, `user_id` bigint NOT NULL, `total` decimal(10,2) NOT NULL, PRIMARY KEY (`id`))",
		"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `active_users` AS select `users`.`id` AS `id`,`users`.`email` AS `email` from `users` where (`users`.`active` = 1)",
		"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `all_users` AS select `users`.`id` AS `id`,`users`.`email` AS `email`,`users`.`active` AS `active` from `users`",
		"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `user_totals` AS select `u`.`id` AS `id`,`u`.`email` AS `email`,`o`.`total` AS `order_total` from (`users` `u` join `orders` `o` on((`o`.`user_id` = `u`.`id`)))",
		"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `counts` AS select `orders`.`user_id` AS `user_id`,count(0) AS `n` from `orders` group by `orders`.`user_id` having (count(0) > 1)",
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Compute(context.Background(), stored, written, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty() {
		t.Fatalf("views as written and as stored differ:\n%s", strings.Join(d.Statements(), "\n"))
	}
}
