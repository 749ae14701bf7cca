package lint

import "testing"

func TestInvalidViewReference(t *testing.T) {
	const tables = "CREATE TABLE t (id int PRIMARY KEY, n int);\nCREATE TABLE u (id int PRIMARY KEY, n int);\n"
	checkRule(t, "invalid-view-reference", []ruleCase{
		{name: "valid", head: tables + "CREATE VIEW v AS SELECT t.id, u.n FROM t JOIN u ON t.id = u.id;\nCREATE VIEW w AS SELECT * FROM v;"},
		{name: "missing table", head: tables + "CREATE VIEW v AS\n  SELECT id FROM nowhere;",
			want: []string{"4:18 view `v` reads `nowhere`, which is not a table or view of the schema (INVALID_TABLE_REFERENCED_IN_VIEW)"}},
		{name: "missing column", head: tables + "CREATE VIEW v AS SELECT id, nope FROM t;",
			want: []string{"3:29 view `v` reads column `nope`, which none of the tables it reads has (INVALID_COLUMN_REFERENCED_IN_VIEW)"}},
		{name: "ambiguous column", head: tables + "CREATE VIEW v AS SELECT t.id, n FROM t JOIN u ON t.id = u.id;",
			want: []string{"3:31 without a table name"}},
		{name: "views reading each other", head: "CREATE VIEW a AS SELECT * FROM b;\nCREATE VIEW b AS SELECT * FROM a;",
			want: []string{"1:32 view `a` reads `b`, which is itself an invalid view", "2:32 view `b` reads `a`"}},
		// MySQL accepts alias.*; the schema builder expands it as MySQL stores it.
		{name: "star through an alias", head: tables + "CREATE VIEW v AS SELECT q.* FROM t AS q JOIN u AS w;"},
		{name: "star through a table name", head: tables + "CREATE VIEW v AS SELECT t.* FROM t JOIN u ON t.id = u.id;"},
		{name: "unknown column in group by", head: tables + "CREATE VIEW v AS SELECT id FROM t\n  GROUP BY zz;",
			want: []string{"4:12 view `v` reads column `zz` in its group statement, which does not exist (INVALID_COLUMN_REFERENCED_IN_VIEW)"}},
		{name: "unknown table in star", head: tables + "CREATE VIEW v AS SELECT x.* FROM t;",
			want: []string{"3:25 view `v` reads table `x`, which does not exist"}},
		{name: "table dropped by the change", base: tables + "CREATE VIEW v AS SELECT id FROM u;",
			head: "-- u is obsolete\nDROP TABLE u;",
			want: []string{"2:12 view `v` reads `u`"}},
		{name: "column dropped by the change", base: tables + "CREATE VIEW v AS SELECT id, n FROM u;",
			head: "ALTER TABLE u\n  DROP COLUMN n;",
			want: []string{"2:15 view `v` reads column `n`"}},
		{name: "unrelated change", base: tables + "CREATE VIEW v AS SELECT id, n FROM u;", head: "ALTER TABLE t DROP COLUMN n;"},
	})
}
