package schemadiff

import (
	"context"
	"strings"
	"testing"
)

// Issue 16 item 1: a BOOLEAN column keeps its default whatever literal it is
// written with, and a server's readback diffs as no change.
func TestBooleanDefaultsKept(t *testing.T) {
	e := testEnv(t)
	server := "CREATE TABLE t (id bigint unsigned NOT NULL, a tinyint(1) NOT NULL DEFAULT '0', PRIMARY KEY (id));"
	for _, tc := range []struct{ name, sql, want string }{
		{"int literal", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY, a boolean NOT NULL DEFAULT 0);", "DEFAULT '0'"},
		{"string literal", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY, a bool NOT NULL DEFAULT '0');", "DEFAULT '0'"},
		{"false", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY, a BOOLEAN NOT NULL DEFAULT FALSE);", "DEFAULT '0'"},
		{"added by alter", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY); ALTER TABLE t ADD COLUMN a boolean NOT NULL DEFAULT 0;", "DEFAULT '0'"},
		{"modified by alter", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY, a int); ALTER TABLE t MODIFY a boolean NOT NULL DEFAULT 0;", "DEFAULT '0'"},
		{"changed by alter", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY, b int); ALTER TABLE t CHANGE b a bool NOT NULL DEFAULT 0;", "DEFAULT '0'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, err := e.LoadSQL("repro.sql", tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			got := repo.Table("t").Create().CanonicalStatementString()
			if !strings.Contains(got, "tinyint(1) NOT NULL "+tc.want) {
				t.Fatalf("default lost:\n%s", got)
			}
			prod, err := e.LoadSQL("server.sql", server)
			if err != nil {
				t.Fatal(err)
			}
			for _, pair := range [][2]*Schema{{prod, repo}, {repo, prod}} {
				d, err := Compute(context.Background(), pair[0], pair[1], DiffOptions{})
				if err != nil || !d.Empty() {
					t.Fatalf("want no change, got %v %v", d.Statements(), err)
				}
			}
		})
	}
	// DEFAULT NULL on a nullable boolean equals the server's DEFAULT NULL
	// (Vitess prints neither), and differs from DEFAULT '0'.
	null, err := e.LoadSQL("repro.sql", "CREATE TABLE t (id bigint unsigned NOT NULL PRIMARY KEY, a boolean DEFAULT NULL);")
	if err != nil {
		t.Fatal(err)
	}
	serverNull, _ := e.LoadSQL("server.sql", "CREATE TABLE t (id bigint unsigned NOT NULL, a tinyint(1) DEFAULT NULL, PRIMARY KEY (id));")
	if d, err := Compute(context.Background(), serverNull, null, DiffOptions{}); err != nil || !d.Empty() {
		t.Fatalf("DEFAULT NULL: want no change, got %v %v", d.Statements(), err)
	}
	serverZero, _ := e.LoadSQL("server.sql", "CREATE TABLE t (id bigint unsigned NOT NULL, a tinyint(1) DEFAULT '0', PRIMARY KEY (id));")
	if d, err := Compute(context.Background(), serverZero, null, DiffOptions{}); err != nil || d.Empty() {
		t.Fatalf("DEFAULT '0' → DEFAULT NULL must be a change, got %v %v", d.Statements(), err)
	}
}
