package schemadiff

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	vsd "vitess.io/vitess/go/vt/schemadiff"

	"github.com/ddlbot/ddlbot/internal/testgen"
)

// fkCycleRepro is issue 16's repro: two tables referencing each other, one of
// them also referencing n independent parents. Vitess' search tried every
// order of the parents (n=8: 52 s) before failing.
func fkCycleRepro(n int) string {
	var b strings.Builder
	var refs strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "CREATE TABLE p%d (id bigint unsigned NOT NULL PRIMARY KEY);\n", i)
		fmt.Fprintf(&refs, ", p%d_id bigint unsigned NOT NULL, FOREIGN KEY (p%d_id) REFERENCES p%d (id)", i, i, i)
	}
	fmt.Fprintf(&b, "CREATE TABLE a (id bigint unsigned NOT NULL PRIMARY KEY, b_id bigint unsigned, FOREIGN KEY (b_id) REFERENCES b (id));\n")
	fmt.Fprintf(&b, "CREATE TABLE b (id bigint unsigned NOT NULL PRIMARY KEY, a_id bigint unsigned%s, FOREIGN KEY (a_id) REFERENCES a (id));\n", refs.String())
	return b.String()
}

// short is a statement's first words up to the entity and, for an ALTER,
// its clauses' first words: enough to see the order.
func short(stmt string) string {
	line, _, _ := strings.Cut(stmt, "\n")
	line = strings.TrimSuffix(strings.TrimSpace(line), "(")
	if i := strings.Index(line, " FOREIGN KEY ("); i > 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

func TestOrderForeignKeyCycles(t *testing.T) {
	const (
		two   = "CREATE TABLE a (id int PRIMARY KEY, b_id int, FOREIGN KEY (b_id) REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY, a_id int, FOREIGN KEY (a_id) REFERENCES a (id));"
		three = "CREATE TABLE x (id int PRIMARY KEY, y_id int, CONSTRAINT x_y FOREIGN KEY (y_id) REFERENCES y (id));\n" +
			"CREATE TABLE y (id int PRIMARY KEY, z_id int, CONSTRAINT y_z FOREIGN KEY (z_id) REFERENCES z (id));\n" +
			"CREATE TABLE z (id int PRIMARY KEY, x_id int, CONSTRAINT z_x FOREIGN KEY (x_id) REFERENCES x (id));"
		self = "CREATE TABLE n (id int PRIMARY KEY, up int, FOREIGN KEY (up) REFERENCES n (id));"
	)
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{name: "two-table cycle created", to: two, want: []string{
			"CREATE TABLE `a`", "CREATE TABLE `b`", "ALTER TABLE `a` ADD CONSTRAINT `a_ibfk_1`"}},
		{name: "two-table cycle dropped", from: two, want: []string{
			"ALTER TABLE `a` DROP FOREIGN KEY `a_ibfk_1`", "DROP TABLE `b`", "DROP TABLE `a`"}},
		{name: "three-table cycle created", to: three, want: []string{
			"CREATE TABLE `x`", "CREATE TABLE `z`", "CREATE TABLE `y`", "ALTER TABLE `x` ADD CONSTRAINT `x_y`"}},
		{name: "three-table cycle dropped", from: three, want: []string{
			"ALTER TABLE `y` DROP FOREIGN KEY `y_z`", "DROP TABLE `z`", "DROP TABLE `x`", "DROP TABLE `y`"}},
		{name: "cycle closed by an existing table", from: "CREATE TABLE a (id int PRIMARY KEY, b_id int);",
			to: two, want: []string{"CREATE TABLE `b`", "ALTER TABLE `a` ADD KEY `b_id` (`b_id`), ADD CONSTRAINT `a_ibfk_1`"}},
		{name: "self-reference needs no second step", to: self, want: []string{"CREATE TABLE `n`"}},
		{name: "self-reference dropped", from: self, want: []string{"DROP TABLE `n`"}},
		{name: "referenced column replaced", from: "CREATE TABLE p (id int PRIMARY KEY, code int, KEY (code));\nCREATE TABLE c (id int PRIMARY KEY, pcode int, FOREIGN KEY (pcode) REFERENCES p (code));",
			to: "CREATE TABLE p (id int PRIMARY KEY, code2 int, KEY (code2));\nCREATE TABLE c (id int PRIMARY KEY, pcode int, FOREIGN KEY (pcode) REFERENCES p (code2));",
			want: []string{"ALTER TABLE `c` DROP FOREIGN KEY `c_ibfk_1`", "ALTER TABLE `p` DROP KEY `code`, DROP COLUMN `code`, ADD COLUMN `code2` int, ADD KEY `code2` (`code2`)",
				"ALTER TABLE `c` ADD CONSTRAINT `c_ibfk_1`"}},
		{name: "issue 16 repro, 8 parents", to: fkCycleRepro(8), want: []string{
			"CREATE TABLE `p0`", "CREATE TABLE `p1`", "CREATE TABLE `p2`", "CREATE TABLE `p3`", "CREATE TABLE `p4`",
			"CREATE TABLE `p5`", "CREATE TABLE `p6`", "CREATE TABLE `p7`", "CREATE TABLE `b`", "CREATE TABLE `a`",
			"ALTER TABLE `b` ADD CONSTRAINT `b_ibfk_9`"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := diffSQL(t, "", tc.from, tc.to, DiffOptions{})
			var got []string
			for _, s := range d.Statements() {
				got = append(got, short(s))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("plan:\n%s\n\nwant:\n%s\n\nwhole plan:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"), strings.Join(d.Statements(), ";\n"))
			}
		})
	}
}

// TestOrderMatchesVitess checks orderGroup against Vitess' own search on
// every group of a generated change set Vitess can order: the same plan,
// statement by statement.
func TestOrderMatchesVitess(t *testing.T) {
	env, err := NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	const tables, changed = 300, 280
	base := fstest.MapFS{"0001_schema.sql": {Data: []byte(testgen.GenerateSchema(tables, 7))}}
	head := maps.Clone(base)
	for _, f := range testgen.GenerateMigrations(tables, changed, 7) {
		head[f.Name] = &fstest.MapFile{Data: []byte(f.SQL)}
	}
	from, _, err := env.LoadMigrations(base, ".", FormatPlain)
	if err != nil {
		t.Fatal(err)
	}
	to, _, err := env.LoadMigrations(head, ".", FormatPlain)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := env.LoadCreateStatements(nil)
	if err != nil {
		t.Fatal(err)
	}
	pairs := [][2]*Schema{{from, to}, {to, from}}
	// The migration fixtures hold views over views and foreign keys.
	dirs, _ := filepath.Glob(filepath.Join("testdata", "migrations", "*", "*"))
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "SERVER_REFUSES")); err == nil {
			continue // it does not load, as the server does not (fidelity_test.go)
		}
		f, err := ParseFormat(filepath.Base(filepath.Dir(dir)))
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := env.LoadMigrations(os.DirFS(dir), ".", f)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		pairs = append(pairs, [2]*Schema{empty, s}, [2]*Schema{s, empty})
	}
	hints := &vsd.DiffHints{ForeignKeyCheckStrategy: vsd.ForeignKeyCheckStrategyStrict, SubsequentDiffStrategy: vsd.SubsequentDiffStrategyAllow,
		TableCharsetCollateStrategy: vsd.TableCharsetCollateIgnoreAlways, EnumReorderStrategy: vsd.EnumReorderStrategyAllow}
	compared := 0
	for _, pair := range pairs {
		from, to := pair[0], pair[1]
		for _, names := range diffGroups(from, to, false) {
			ours, err := orderGroup(context.Background(), from, to, names, hints)
			if err != nil {
				t.Fatalf("group %v: %v", names, err)
			}
			theirs, err := vitessOrderGroup(context.Background(), from, to, names, hints)
			if err != nil {
				// Vitess finds no order for some groups ours orders (views
				// dropped with their tables): nothing to compare.
				t.Logf("group %v: Vitess: %v\nours:\n%s", names, err, statements(ours))
				continue
			}
			a, b := statements(ours), statements(theirs)
			if a != b {
				t.Errorf("group %v:\nours:\n%s\n\nVitess:\n%s", names, a, b)
			}
			if len(ours) > 1 {
				compared++
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d groups of several diffs: the inputs no longer test ordering", compared)
	}
}

func statements(ds []vsd.EntityDiff) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.CanonicalStatementString())
	}
	return strings.Join(out, ";\n")
}

// TestViewOverForeignKeyCycleLoads: Vitess alone calls a view over tables in
// a foreign-key cycle unresolved; the loader accepts it when the view's
// references hold, and still rejects a view over a missing column.
func TestViewOverForeignKeyCycleLoads(t *testing.T) {
	env, err := NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	const tables = "CREATE TABLE a (id int PRIMARY KEY, b_id int, FOREIGN KEY (b_id) REFERENCES b (id));\n" +
		"CREATE TABLE b (id int PRIMARY KEY, a_id int, FOREIGN KEY (a_id) REFERENCES a (id));\n"
	s, err := env.LoadSQL("ok.sql", tables+"CREATE VIEW v AS SELECT a.id AS id, b.id AS b FROM a JOIN b ON a.b_id = b.id;")
	if err != nil || s.Vitess() == nil {
		t.Fatalf("a valid view over a cycle does not load: %v", err)
	}
	if _, err := env.LoadSQL("bad.sql", tables+"CREATE VIEW v AS SELECT a.nope AS n FROM a;"); err == nil {
		t.Error("a view over a missing column loads")
	}
}

func TestCommentLineMatches(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"-- +goose Up\nCREATE TABLE t (id int);", true},
		{"-- header\n\n-- +GOOSE UP\n", true},
		{"CREATE TABLE t (id int); -- +goose Up", false}, // not at a line start
		{"  -- +goose Up", false},
		{"-- +goose Down\n", false},
		{"CREATE TABLE t (id int);\n-- +goose Up", true},
		{"", false},
		{"--", false},
	} {
		if got := commentLineMatches(tc.text, reGooseUp); got != tc.want || got != reGooseUp.MatchString(tc.text) {
			t.Errorf("%q: %v, want %v (and the same as the regexp over the whole text)", tc.text, got, tc.want)
		}
	}
}
