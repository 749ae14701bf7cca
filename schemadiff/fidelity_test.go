package schemadiff_test

// Fidelity: migrations applied on a real server and in memory must give the
// same schema.
//
// The test needs a MySQL-compatible server; CI uses MariaDB from Debian:
//
//	eval "$(.ci/mariadb.sh)"          # prints export DDLBOT_TEST_MYSQL_DSN=...
//	go test ./schemadiff/ -run Fidelity -v
//
// DDLBOT_TEST_MYSQL_DSN is a go-sql-driver DSN without a database name, e.g.
// ddlbot:ddlbot@tcp(127.0.0.1:3306)/; the user needs all privileges on the
// ddlbot\_% databases. Without it the test is skipped, saying so.
//
// For every fixture testdata/migrations/<format>/<case>/ the test creates a
// database ddlbot_fid_<pid>_<n>, runs the statements schemadiff.ReadMigrations
// returns on the server one by one, reads every table and view back with SHOW
// CREATE TABLE / SHOW CREATE VIEW, loads that with Env.LoadCreateStatements and
// diffs it (schemadiff.Compute) against Env.LoadMigrations of the same folder:
// the diff must be empty. The database is dropped afterwards. mysql client
// command lines (source file.sql) are not sent: the server never sees them,
// and ddlbot does not follow them. A fixture may list, in a SERVER_REFUSES
// file, statements the server must refuse (plain/ledger: foreign keys over
// columns of different types); the in-memory load must then fail at those
// statements and nowhere else, and only the entity names are compared.
//
// ddlbot models MySQL 8.0 (PlanetScale); the server here may be MariaDB
// (10.11 on Debian 12). fidNormalize rewrites what MariaDB legitimately prints
// differently from MySQL 8 into MySQL 8's spelling, and nothing else; each
// rewrite is one regular expression:
//
//  1. Table collation: MariaDB's default utf8mb4 collation is
//     utf8mb4_general_ci, MySQL 8's is utf8mb4_0900_ai_ci (MariaDB 10.x has no
//     0900 collations). The table option COLLATE=utf8mb4_general_ci becomes
//     COLLATE=utf8mb4_0900_ai_ci. Left alone, every char/varchar/text column
//     would come out with an explicit collation.
//  2. JSON: MariaDB has no JSON type; a json column is stored and printed as
//     "longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ... CHECK
//     (json_valid(`c`))". Both parts become "json" again.
//  3. Column collation: where a column's charset is utf8mb4 but not the
//     table's, MariaDB prints its default utf8mb4 collation after it
//     (CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci); it becomes MySQL 8's
//     default, utf8mb4_0900_ai_ci, as in rewrite 1.
//  4. View definer: both servers print DEFINER=`user`@`host` (the test user)
//     where the migration said nothing; it is dropped. (ALGORITHM=UNDEFINED
//     and SQL SECURITY DEFINER are defaults Vitess drops by itself. The schema
//     builder drops DEFINER too; the rewrite keeps the text readable.)
//
// Numeric defaults need no rewrite: MariaDB prints them bare (DEFAULT 0),
// MySQL 8 quoted (DEFAULT '0', '0.0000' on decimal(18,4)); the schema builder
// stores every numeric default the way MySQL 8 prints it, so both spellings,
// and the migrations' own bare ones, load the same.
//
// Differences Vitess already absorbs, so no rewrite: integer display widths
// (int(11), bigint(20) unsigned), current_timestamp() vs CURRENT_TIMESTAMP,
// DEFAULT NULL on nullable columns and text/blob, ENGINE=InnoDB, the
// DEFAULT CHARSET=utf8mb4 table option.
//
// Not a MariaDB difference, and not normalised: both servers store a view's
// SELECT rewritten (qualified, aliased columns, `select ... AS ...`), so the
// fixtures write views in that form; a view written any other way never reads
// back equal.
//
// Left out of the fixtures, because MariaDB differs there in more than
// spelling: table-level CHECK constraints (unnamed ones are CONSTRAINT_1 on
// MariaDB, <table>_chk_1 on MySQL; column-level ones MariaDB prints in the
// column, which loads as MySQL stores it, so fixture plain/column-checks has them), expression defaults and functional indexes,
// utf8mb4_0900_* collations, invisible columns, SRID columns, and MariaDB-only
// syntax (sequences, system versioning, IF [NOT] EXISTS in ALTER clauses).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	vtlog "vitess.io/vitess/go/vt/log"

	"github.com/ddlbot/ddlbot/internal/mysqltest"
	"github.com/ddlbot/ddlbot/schemadiff"
)

var fidQuietOnce sync.Once

// fidQuiet silences Vitess' INFO logging (no TestMain here: other test files
// of the package may define one).
func fidQuiet() {
	fidQuietOnce.Do(func() { vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil))) })
}

// fidDatabase creates an empty database and returns one connection to it
// (one session, so statements run in order). It is dropped when the test ends.
func fidDatabase(t *testing.T) *sql.Conn {
	t.Helper()
	cfg := mysqltest.Database(t, "ddlbot_fid_")
	cfg.MultiStatements = false
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("connect to %s: %v", cfg.DBName, err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		_ = db.Close()
	})
	return conn
}

// fidApply runs the statements of the migrations, as ReadMigrations splits
// them, on the server one by one. A mysql client command line (source
// file.sql) is the client's, never sent to the server: it is skipped, as
// ddlbot does not follow it either. The statements refused lists must fail
// with a matching error (and are left out); any other refusal fails the test.
func fidApply(t *testing.T, conn *sql.Conn, files []schemadiff.MigrationFile, refused map[string]*regexp.Regexp) {
	t.Helper()
	ctx := context.Background()
	for _, f := range files {
		for _, c := range f.Chunks {
			if _, ok := (schemadiff.Statement{Chunk: c, Kind: schemadiff.KindUnsupported}).ClientCommand(); ok {
				continue
			}
			at := fmt.Sprintf("%s:%d", c.Origin.File, c.Origin.Line)
			_, err := conn.ExecContext(ctx, c.SQL)
			want, listed := refused[at]
			switch {
			case listed && err == nil:
				t.Errorf("%s: the server accepted a statement SERVER_REFUSES says it refuses:\n%s", c.Origin, c.SQL)
			case listed && !want.MatchString(err.Error()):
				t.Errorf("%s: the server refused the statement with %q, want an error matching %q", c.Origin, err, want)
			case !listed && err != nil:
				t.Fatalf("%s: the server refused the statement: %v\n%s", c.Origin, err, c.SQL)
			}
			delete(refused, at)
		}
	}
	for at := range refused {
		t.Errorf("SERVER_REFUSES names %s, which starts no statement", at)
	}
}

// fidRefusals reads a fixture's SERVER_REFUSES file (none: no refusals): a
// fixture with what MySQL refuses (a foreign key between columns of
// different types) lists those statements, one a line, as
// "<file>:<line>: <regular expression the server's error matches>".
func fidRefusals(t *testing.T, dir string) map[string]*regexp.Regexp {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "SERVER_REFUSES"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*regexp.Regexp{}
	for i, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		file, rest, ok1 := strings.Cut(line, ":")
		n, pattern, ok2 := strings.Cut(rest, ": ")
		re, err := regexp.Compile(pattern)
		if !ok1 || !ok2 || err != nil {
			t.Fatalf("%s/SERVER_REFUSES:%d: want <file>:<line>: <regexp>, got %q (%v)", dir, i+1, line, err)
		}
		out[file+":"+n] = re
	}
	return out
}

// fidReadBack returns SHOW CREATE TABLE / SHOW CREATE VIEW of every table and
// view of the connection's database, by name.
func fidReadBack(t *testing.T, conn *sql.Conn) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.QueryContext(ctx, "SHOW FULL TABLES")
	if err != nil {
		t.Fatalf("SHOW FULL TABLES: %v", err)
	}
	type entity struct{ name, kind string }
	var entities []entity
	for rows.Next() {
		var e entity
		if err := rows.Scan(&e.name, &e.kind); err != nil {
			t.Fatalf("SHOW FULL TABLES: %v", err)
		}
		entities = append(entities, e)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatalf("SHOW FULL TABLES: %v", err)
	}
	sort.Slice(entities, func(i, j int) bool { return entities[i].name < entities[j].name })
	var out []string
	for _, e := range entities {
		quoted := "`" + strings.ReplaceAll(e.name, "`", "``") + "`"
		var create string
		if e.kind == "VIEW" {
			var name, client, collation string
			err = conn.QueryRowContext(ctx, "SHOW CREATE VIEW "+quoted).Scan(&name, &create, &client, &collation)
		} else {
			var name string
			err = conn.QueryRowContext(ctx, "SHOW CREATE TABLE "+quoted).Scan(&name, &create)
		}
		if err != nil {
			t.Fatalf("SHOW CREATE %s %s: %v", e.kind, e.name, err)
		}
		out = append(out, create)
	}
	return out
}

// The MariaDB-vs-MySQL normalisations listed at the top of the file, in order.
var (
	fidTableCollate = regexp.MustCompile(`(?i)(\)[^\n]*\bCOLLATE=)utf8mb4_general_ci\b`)
	fidJSONColumn   = regexp.MustCompile("(?i)\\blongtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin\\b([^\n]*?) CHECK \\(json_valid\\(`[^`]+`\\)\\)")
	fidColumnColl   = regexp.MustCompile(`(?i)\bCHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci\b`)
	fidViewDefiner  = regexp.MustCompile("(?i)^(CREATE (?:ALGORITHM=\\w+ )?)DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*` ")
)

// fidStoredProgram matches the loader's message for a stored program.
var fidStoredProgram = regexp.MustCompile(`^(?:CREATE|DROP) (?:TRIGGER|PROCEDURE|FUNCTION|EVENT) is not supported by PlanetScale`)

// fidClientCommand matches the loader's message for a mysql client command
// line, which the server never sees (fidApply skips it).
var fidClientCommand = regexp.MustCompile(`^"[^"]*" is a mysql client command: ddlbot does not follow it`)

// fidNormalize rewrites one SHOW CREATE statement from MariaDB spelling to
// MySQL 8 spelling (see the list at the top of the file, same order). On a
// MySQL 8 server only the view definer rewrite applies.
func fidNormalize(stmt string) string {
	stmt = fidTableCollate.ReplaceAllString(stmt, "${1}utf8mb4_0900_ai_ci")
	stmt = fidJSONColumn.ReplaceAllString(stmt, "json$1")
	stmt = fidColumnColl.ReplaceAllString(stmt, "CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci")
	stmt = fidViewDefiner.ReplaceAllString(stmt, "$1")
	return stmt
}

// fidCase is one migrations fixture.
type fidCase struct {
	dir    string
	format schemadiff.Format
}

func fidCases(t *testing.T) []fidCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "migrations", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []fidCase
	seen := map[schemadiff.Format]bool{}
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		f, err := schemadiff.ParseFormat(filepath.Base(filepath.Dir(d)))
		if err != nil {
			t.Fatalf("%s: the folder above a fixture names its format: %v", d, err)
		}
		seen[f] = true
		out = append(out, fidCase{dir: d, format: f})
	}
	for _, f := range schemadiff.Formats() {
		if f != schemadiff.FormatAuto && !seen[f] {
			t.Errorf("no fixture for format %s under testdata/migrations/%s/", f, f)
		}
	}
	return out
}

func fidEnv(t testing.TB) *schemadiff.Env {
	t.Helper()
	fidQuiet()
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// fidLoadServer reads the server schema back and loads it.
func fidLoadServer(t *testing.T, env *schemadiff.Env, conn *sql.Conn) (*schemadiff.Schema, []string) {
	t.Helper()
	raw := fidReadBack(t, conn)
	norm := make([]string, len(raw))
	for i, s := range raw {
		norm[i] = fidNormalize(s)
	}
	s, err := env.LoadCreateStatements(norm)
	if err != nil {
		t.Fatalf("the server's schema does not load: %v\nas printed by the server:\n%s\nnormalised:\n%s",
			err, strings.Join(raw, ";\n"), strings.Join(norm, ";\n"))
	}
	return s, raw
}

func fidDiff(t *testing.T, server, memory *schemadiff.Schema) *schemadiff.Diff {
	t.Helper()
	d, err := schemadiff.Compute(context.Background(), server, memory, schemadiff.DiffOptions{})
	if err != nil {
		t.Fatalf("diff server → memory: %v", err)
	}
	return d
}

func TestFidelityMigrations(t *testing.T) {
	cases := fidCases(t)
	mysqltest.Root(t) // skips without a server, fails when it does not answer
	env := fidEnv(t)
	for _, c := range cases {
		t.Run(filepath.ToSlash(strings.TrimPrefix(c.dir, filepath.Join("testdata", "migrations")+string(filepath.Separator))), func(t *testing.T) {
			fsys := os.DirFS(c.dir)
			files, used, err := schemadiff.ReadMigrations(fsys, ".", c.format)
			if err != nil {
				t.Fatalf("read migrations: %v", err)
			}
			if used != c.format {
				t.Fatalf("read as %s, want %s", used, c.format)
			}
			if auto, _, err := schemadiff.ReadMigrations(fsys, ".", schemadiff.FormatAuto); err != nil || len(auto) != len(files) {
				t.Errorf("format detection: %d files, %v (want %d files as %s)", len(auto), err, len(files), c.format)
			}
			// The server first: it proves the fixture is valid SQL in that order.
			conn := fidDatabase(t)
			refused := fidRefusals(t, c.dir)
			fidApply(t, conn, files, maps.Clone(refused))
			server, raw := fidLoadServer(t, env, conn)
			memory, _, err := env.LoadMigrations(fsys, ".", c.format)
			if len(refused) > 0 {
				// ddlbot must refuse what the server refused, there, and
				// nothing else; the schemas then differ by the refused
				// statements, so only the entities are compared.
				var le *schemadiff.LoadError
				if !errors.As(err, &le) {
					t.Fatalf("the server refused %d statement(s), but in memory the migrations load: %v", len(refused), err)
				}
				for _, p := range le.Problems {
					if refused[fmt.Sprintf("%s:%d", p.Origin.File, p.Origin.Line)] == nil {
						t.Errorf("in memory, where the server refused nothing: %s", p)
					}
				}
				if got, want := server.Names(), memory.Names(); !fidSameSet(got, want) {
					t.Errorf("entities: server has %v, memory has %v", got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("the server applied every migration, but in memory: %v\n\nas printed by the server:\n%s", err, strings.Join(raw, ";\n"))
			}
			for _, p := range memory.Problems {
				// Stored programs run on the server but are no schema ddlbot
				// models: reported (unsupported by PlanetScale) and skipped.
				if p.Kind == schemadiff.ProblemUnsupported && (fidStoredProgram.MatchString(p.Message) || fidClientCommand.MatchString(p.Message)) {
					continue
				}
				t.Errorf("in memory: %s", p)
			}
			if got, want := server.Names(), memory.Names(); !fidSameSet(got, want) {
				t.Errorf("entities: server has %v, memory has %v", got, want)
			}
			if d := fidDiff(t, server, memory); !d.Empty() {
				t.Errorf("the server and the in-memory schema differ; server → memory:\n%s\n\nas printed by the server:\n%s\n\nin memory:\n%s",
					strings.Join(d.Statements(), ";\n"), strings.Join(raw, ";\n"), strings.Join(memory.CreateStatements(), ";\n"))
			}
		})
	}
}

// TestFidelityDetectsDifference makes sure the comparison can fail: the
// in-memory schema comes from the fixture plus one migration more than the
// server got, and the diff must show exactly what that migration did.
func TestFidelityDetectsDifference(t *testing.T) {
	dir := filepath.Join("testdata", "migrations", "plain", "shop")
	mysqltest.Root(t) // skips without a server, fails when it does not answer
	env := fidEnv(t)
	files, _, err := schemadiff.ReadMigrations(os.DirFS(dir), ".", schemadiff.FormatPlain)
	if err != nil {
		t.Fatal(err)
	}
	conn := fidDatabase(t)
	fidApply(t, conn, files, nil)
	server, _ := fidLoadServer(t, env, conn)
	base, err := fidCopyDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, extra, want string
	}{
		{"added column", "ALTER TABLE users ADD COLUMN nickname varchar(30) DEFAULT NULL;", "ADD COLUMN `nickname` varchar(30)"},
		{"changed type", "ALTER TABLE orders MODIFY COLUMN total decimal(14,2) NOT NULL;", "MODIFY COLUMN `total` decimal(14,2) NOT NULL"},
		{"dropped index", "DROP INDEX idx_orders_status_placed ON orders;", "DROP KEY `idx_orders_status_placed`"},
		{"dropped view", "DROP VIEW paid_orders;", "DROP VIEW `paid_orders`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"999_differs_on_purpose.sql": {Data: []byte(tc.extra + "\n")}}
			maps.Copy(fsys, base)
			memory, _, err := env.LoadMigrations(fsys, ".", schemadiff.FormatPlain)
			if err != nil {
				t.Fatalf("in memory: %v", err)
			}
			d := fidDiff(t, server, memory)
			got := strings.Join(d.Statements(), "\n")
			if d.Empty() || !strings.Contains(got, tc.want) {
				t.Errorf("the in-memory schema has %q on top of the server's, but the diff does not show %q:\n%s", tc.extra, tc.want, got)
			}
		})
	}
}

// fidCopyDir reads the files of a fixture into a MapFS.
func fidCopyDir(dir string) (fstest.MapFS, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = &fstest.MapFile{Data: data}
	}
	return out, nil
}

func fidSameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFidelityPlans applies ddlbot's own plans on the server: for every
// fixture testdata/plans/<case>.txtar with declarative versions v1/ and v2/, the
// server goes empty → v1 → v2 → empty → v2 → v1 by running the statements
// schemadiff.Compute returns, and after each step its schema read back must
// equal the version in memory. The fixtures hold foreign-key cycles, whose
// plans create or drop the cycle's keys in separate ALTER TABLE statements.
func TestFidelityPlans(t *testing.T) {
	plans := readPlanFixtures(t)
	mysqltest.Root(t) // skips without a server, fails when it does not answer
	env := fidEnv(t)
	for _, plan := range plans {
		t.Run(plan.name, func(t *testing.T) {
			empty, err := env.LoadCreateStatements(nil)
			if err != nil {
				t.Fatal(err)
			}
			versions := map[string]*schemadiff.Schema{"empty": empty}
			for _, v := range []string{"v1", "v2"} {
				s, err := env.LoadDeclarative(plan.fsys, v)
				if err != nil {
					t.Fatalf("%s: %v", v, err)
				}
				for _, p := range s.Problems {
					t.Errorf("%s: %s", v, p)
				}
				versions[v] = s
			}
			conn := fidDatabase(t)
			steps := []string{"empty", "v1", "v2", "empty", "v2", "v1"}
			for i := 1; i < len(steps); i++ {
				from, to := versions[steps[i-1]], versions[steps[i]]
				d, err := schemadiff.Compute(context.Background(), from, to, schemadiff.DiffOptions{})
				if err != nil {
					t.Fatalf("%s → %s: %v", steps[i-1], steps[i], err)
				}
				for _, stmt := range d.Statements() {
					if _, err := conn.ExecContext(context.Background(), stmt); err != nil {
						t.Fatalf("%s → %s: the server refused the plan's statement: %v\n%s\n\nwhole plan:\n%s",
							steps[i-1], steps[i], err, stmt, strings.Join(d.Statements(), ";\n"))
					}
				}
				server, raw := fidLoadServer(t, env, conn)
				if back := fidDiff(t, server, to); !back.Empty() {
					t.Fatalf("%s → %s: after the plan the server differs from %s; server → memory:\n%s\n\nplan:\n%s\n\nas printed by the server:\n%s",
						steps[i-1], steps[i], steps[i], strings.Join(back.Statements(), ";\n"), strings.Join(d.Statements(), ";\n"), strings.Join(raw, ";\n"))
				}
			}
		})
	}
}
