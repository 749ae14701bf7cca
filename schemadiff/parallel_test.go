package schemadiff_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/testgen"
	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// TestParseChunksConcurrent checks that parsing a large source on several
// CPUs gives the statements parsing it on one does, in the same order,
// including statements that do not parse.
func TestParseChunksConcurrent(t *testing.T) {
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	text := testgen.GenerateSchema(300, 1) + "CREATE TABLE broken (id int,;\nINSERT INTO t VALUES (1);\nDROP TABLE tbl_0001;\n"
	src := schemadiff.NewSource("big.sql", text)
	chunks := src.Split()
	prev := runtime.GOMAXPROCS(1)
	one := env.ParseChunks(src, chunks)
	runtime.GOMAXPROCS(max(prev, 4))
	many := env.ParseChunks(src, chunks)
	runtime.GOMAXPROCS(prev)
	if len(one) != len(chunks) || len(many) != len(one) {
		t.Fatalf("%d chunks, %d and %d statements", len(chunks), len(one), len(many))
	}
	for i := range one {
		a, b := one[i], many[i]
		if a.Origin != b.Origin || a.Kind != b.Kind || a.What != b.What || !reflect.DeepEqual(a.Err, b.Err) {
			t.Fatalf("statement %d differs:\n%+v\n%+v", i, a, b)
		}
		if (a.AST == nil) != (b.AST == nil) || (a.AST != nil && sqlparser.String(a.AST) != sqlparser.String(b.AST)) {
			t.Fatalf("statement %d parses differently", i)
		}
	}
	if one[len(one)-3].Kind != schemadiff.KindInvalid {
		t.Errorf("the broken CREATE TABLE parsed: %+v", one[len(one)-3])
	}
}

// TestLeanSamePlan checks that a lean environment (statements' trees not
// kept, not copied) loads the same schemas and plans the same changes as the
// full one: generated migrations, foreign-key cycles, the plan fixtures and
// every migration format's fixture.
func TestLeanSamePlan(t *testing.T) {
	full, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	lean := full.Lean()
	gen, genHead := testgen.MigrationDirs(300, 30, 1)
	type side func(env *schemadiff.Env) (*schemadiff.Schema, error)
	migrations := func(fsys fs.FS, dir string) side {
		return func(env *schemadiff.Env) (*schemadiff.Schema, error) {
			s, _, err := env.LoadMigrations(fsys, dir, schemadiff.FormatAuto)
			return s, err
		}
	}
	declarative := func(fsys fs.FS, dir string) side {
		return func(env *schemadiff.Env) (*schemadiff.Schema, error) { return env.LoadDeclarative(fsys, dir) }
	}
	sql := func(text string) side {
		return func(env *schemadiff.Env) (*schemadiff.Schema, error) { return env.LoadSQL("s.sql", text) }
	}
	cases := map[string][2]side{
		"generated":  {migrations(gen, "."), migrations(genHead, ".")},
		"fk-cycles":  {sql(testgen.GenerateCyclicSchema(60, 1, 1)), sql(testgen.GenerateCyclicSchema(60, 1, 2))},
		"from-empty": {sql(""), sql(testgen.GenerateSchema(50, 2))},
	}
	plans := readPlanFixtures(t)
	for _, p := range plans {
		cases["plans/"+p.name] = [2]side{declarative(p.fsys, "v1"), declarative(p.fsys, "v2")}
	}
	formats, _ := filepath.Glob(filepath.Join("testdata", "migrations", "*"))
	for _, p := range formats {
		cases["migrations/"+filepath.Base(p)] = [2]side{sql(""), migrations(os.DirFS(p), ".")}
	}
	if len(plans) == 0 || len(formats) == 0 {
		t.Fatal("no fixtures found")
	}
	render := func(env *schemadiff.Env, c [2]side) string {
		var out strings.Builder
		var s [2]*schemadiff.Schema
		for i, load := range c {
			var err error
			s[i], err = load(env)
			fmt.Fprintf(&out, "side %d: %v\n%q\n", i, err, s[i].Problems)
		}
		d, err := schemadiff.Compute(context.Background(), s[0], s[1], schemadiff.DiffOptions{})
		if err != nil {
			return out.String() + err.Error()
		}
		if err := d.Render(&out, schemadiff.RenderJSON); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			want, got := render(full, c), render(lean, c)
			if got != want {
				t.Errorf("lean differs:\n--- lean\n%.3000s\n--- full\n%.3000s", got, want)
			}
			if !strings.Contains(want, `"changes"`) {
				t.Errorf("nothing planned:\n%.2000s", want)
			}
		})
	}
}

// TestLoadFolderConcurrent checks that a folder of many small files, parsed
// as one pile of chunks on several CPUs, loads as it does on one: the same
// statements in file order, the same problems, the same schema.
func TestLoadFolderConcurrent(t *testing.T) {
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	decl, migr := fstest.MapFS{}, fstest.MapFS{}
	for i := range 300 {
		sql := fmt.Sprintf("CREATE TABLE t%03d (id int PRIMARY KEY, v%d varchar(10));\nCREATE VIEW v%03d AS SELECT id FROM t%03d;\n", i, i, i, i)
		if i%50 == 7 {
			sql += "CREATE TABLE broken (id int,;\n"
		}
		decl[fmt.Sprintf("s/%03d.sql", i)] = &fstest.MapFile{Data: []byte(sql)}
		migr[fmt.Sprintf("m/%03d_t.sql", i)] = &fstest.MapFile{Data: []byte(sql + fmt.Sprintf("ALTER TABLE t%03d ADD COLUMN w int;\n", i))}
	}
	load := func(procs int) string {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		var out strings.Builder
		d, derr := env.LoadDeclarative(decl, "s")
		m, _, merr := env.LoadMigrations(migr, "m", schemadiff.FormatAuto)
		for _, s := range []*schemadiff.Schema{d, m} {
			for _, st := range s.Statements {
				fmt.Fprintf(&out, "%s %v %s\n", st.Origin, st.Kind, st.What)
			}
			fmt.Fprintf(&out, "%q\n%q\n", s.Problems, s.CreateStatements())
		}
		fmt.Fprintf(&out, "%v %v\n", derr, merr)
		return out.String()
	}
	one, many := load(1), load(4)
	if one != many {
		t.Errorf("loading on four CPUs differs:\n--- 4\n%.3000s\n--- 1\n%.3000s", many, one)
	}
	if !strings.Contains(one, "s/007.sql") || !strings.Contains(one, "m/299_t.sql") {
		t.Errorf("files missing:\n%.2000s", one)
	}
}
