package testgen

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	vtlog "vitess.io/vitess/go/vt/log"

	"github.com/ddlbot/ddlbot/schemadiff"
)

func TestDeterministic(t *testing.T) {
	first, second := GenerateSchema(50, 7), GenerateSchema(50, 7)
	if first != second {
		t.Error("GenerateSchema is not deterministic")
	}
	if first == GenerateSchema(50, 8) {
		t.Error("GenerateSchema ignores the seed")
	}
	a, b := GenerateMigrations(50, 20, 7), GenerateMigrations(50, 20, 7)
	if len(a) != len(b) {
		t.Fatal("GenerateMigrations is not deterministic")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("GenerateMigrations is not deterministic: file %d differs", i)
		}
	}
}

// TestLoads checks that the schema and the migrations on top of it load
// without a single problem, and that the migrations touch what they say.
func TestLoads(t *testing.T) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	const tables, changed = 400, 80
	base, err := env.LoadSQL("schema.sql", GenerateSchema(tables, 1))
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	if got := len(base.Tables()); got != tables {
		t.Fatalf("%d tables, want %d", got, tables)
	}
	b := env.NewBuilderFrom(base)
	files := GenerateMigrations(tables, changed, 1)
	kinds := map[string]int{}
	for _, f := range files {
		stmts := env.ParseSource(schemadiff.NewSource(f.Name, f.SQL))
		for _, st := range stmts {
			f := strings.Fields(strings.ToUpper(st.SQL))
			kinds[f[0]+" "+f[1]]++
		}
		b.Apply(stmts)
	}
	head, err := b.Finish()
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	for _, p := range head.Problems {
		t.Errorf("problem: %s", p)
	}
	for _, k := range []string{"ALTER TABLE", "CREATE INDEX", "DROP INDEX", "DROP TABLE", "RENAME TABLE", "CREATE TABLE"} {
		if kinds[k] == 0 {
			t.Errorf("no %s statement in the migrations: %v", k, kinds)
		}
	}
	t.Logf("statements: %v", kinds)
}

// TestCyclicSchemaLoads checks that both versions of the cyclic schema load
// without a problem and differ where the doc comment says.
func TestCyclicSchemaLoads(t *testing.T) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	if first := GenerateCyclicSchema(100, 1, 1); first != GenerateCyclicSchema(100, 1, 1) || first == GenerateCyclicSchema(100, 2, 1) {
		t.Fatal("GenerateCyclicSchema is not deterministic, or ignores the seed")
	}
	for _, v := range []int{1, 2} {
		s, err := env.LoadSQL("cycles.sql", GenerateCyclicSchema(100, 1, v))
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		for _, p := range s.Problems {
			t.Errorf("version %d: %s", v, p)
		}
		want := 100
		if v == 2 {
			want += 2 // clusters 3 and 13 get a refund table
		}
		if got := len(s.Tables()); got != want {
			t.Errorf("version %d: %d tables, want %d", v, got, want)
		}
	}
}
