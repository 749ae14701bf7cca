package mysqlsrv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"testing"

	"github.com/go-sql-driver/mysql"
	vtlog "vitess.io/vitess/go/vt/log"
)

type discardLogger struct{}

func (discardLogger) Print(...any) {}

func TestMain(m *testing.M) {
	vtlog.SwapLogger(slog.New(slog.DiscardHandler))
	_ = mysql.SetLogger(discardLogger{})
	os.Exit(m.Run())
}

// startServer runs a server on a loopback port for the test's lifetime.
func startServer(t *testing.T, b Backend, opts Options) *Server {
	t.Helper()
	srv, err := Listen("127.0.0.1:0", b, opts)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

// config is go-sql-driver's default configuration for user/password on srv, database shop.
func config(srv *Server, user, password string) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User = user
	cfg.Passwd = password
	cfg.Net = "tcp"
	cfg.Addr = srv.Addr().String()
	cfg.DBName = "shop"
	return cfg
}

func openDB(t *testing.T, cfg *mysql.Config) *sql.DB {
	t.Helper()
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("NewConnector: %v", err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// query runs q and returns its column names and rows, NULL as "NULL".
func query(t *testing.T, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string) ([]string, [][]string) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: scan: %v", q, err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = "NULL"
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return cols, out
}

func asMySQLError(t *testing.T, err error) *mysql.MySQLError {
	t.Helper()
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		t.Fatalf("want a *mysql.MySQLError, got %T %v", err, err)
	}
	return me
}

// TestConnectSequence pins down what go-sql-driver sends while connecting. With the default
// configuration it sends nothing but the handshake (the database name travels in it; Vitess applies
// it as "use `shop`") and COM_PING for Ping; DSN options add the queries below.
func TestConnectSequence(t *testing.T) {
	capture := newCaptureHandler()
	srv := startServer(t, newFakeBackend(), Options{Logger: slog.New(capture)})
	for _, tc := range []struct {
		params string
		want   []string
	}{
		{"", []string{"use `shop`"}},
		{"maxAllowedPacket=0", []string{"use `shop`", "SELECT @@max_allowed_packet"}},
		{"charset=utf8mb4", []string{"use `shop`", "SET NAMES utf8mb4"}},
		{"charset=utf8mb4&collation=utf8mb4_unicode_ci", []string{"use `shop`", "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"}},
		{"sql_mode=%27ANSI%27", []string{"use `shop`", "SET sql_mode = 'ANSI'"}},
		{"interpolateParams=true&multiStatements=true&parseTime=true", []string{"use `shop`"}},
	} {
		t.Run(tc.params, func(t *testing.T) {
			dsn := config(srv, "bot", "s3cret").FormatDSN()
			if tc.params != "" {
				dsn += "?" + tc.params
			}
			cfg, err := mysql.ParseDSN(dsn)
			if err != nil {
				t.Fatal(err)
			}
			db := openDB(t, cfg)
			if err := db.Ping(); err != nil {
				t.Fatal(err)
			}
			if got := capture.take(); !slices.Equal(got, tc.want) {
				t.Errorf("queries on connect = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConnectAndPing(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	if err := db.Ping(); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for range 3 {
		if err := conn.PingContext(context.Background()); err != nil {
			t.Fatalf("Ping on a pinned connection: %v", err)
		}
	}

	// No database in the DSN: the connection still works in the session's database.
	cfg := config(srv, "bot", "s3cret")
	cfg.DBName = ""
	_, rows := query(t, openDB(t, cfg), "SELECT DATABASE()")
	if !slices.Equal(rows[0], []string{"shop"}) {
		t.Errorf("SELECT DATABASE() without a database in the DSN = %q", rows)
	}

	// An empty password.
	if err := openDB(t, config(srv, "nopass", "")).Ping(); err != nil {
		t.Errorf("Ping with an empty password: %v", err)
	}
}

func TestAccessDenied(t *testing.T) {
	b := newFakeBackend()
	b.authHook = func(user string) {
		if user == "panicky" {
			panic("auth exploded")
		}
	}
	srv := startServer(t, b, Options{})
	for _, tc := range []struct {
		user, password string
		using          string
	}{
		{"bot", "wrong", "YES"},
		{"bot", "", "NO"},
		{"nobody", "s3cret", "YES"},
		{"nopass", "something", "YES"},
		{"panicky", "x", "YES"},
	} {
		t.Run(tc.user+"/"+tc.password, func(t *testing.T) {
			err := openDB(t, config(srv, tc.user, tc.password)).Ping()
			if err == nil {
				t.Fatal("Ping succeeded with bad credentials")
			}
			me := asMySQLError(t, err)
			want := fmt.Sprintf("Access denied for user '%s'@'127.0.0.1' (using password: %s)", tc.user, tc.using)
			if me.Number != 1045 || string(me.SQLState[:]) != "28000" || me.Message != want {
				t.Errorf("got %d (%s) %q, want 1045 (28000) %q", me.Number, me.SQLState[:], me.Message, want)
			}
		})
	}
	// The server still serves good credentials.
	if err := openDB(t, config(srv, "bot", "s3cret")).Ping(); err != nil {
		t.Fatalf("Ping after failed logins: %v", err)
	}
}

func TestUnknownDatabaseInDSN(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	cfg := config(srv, "bot", "s3cret")
	cfg.DBName = "other"
	me := asMySQLError(t, openDB(t, cfg).Ping())
	if me.Number != 1049 || me.Message != "Unknown database 'other'" {
		t.Errorf("got %d %q, want 1049 Unknown database 'other'", me.Number, me.Message)
	}
}

func TestQueries(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	ordersCreate := newFakeBackend().objects["orders"].create
	viewCreate := newFakeBackend().objects["active_users"].create
	for _, tc := range []struct {
		query string
		cols  []string
		rows  [][]string
	}{
		{"SELECT 1", []string{"1"}, [][]string{{"1"}}},
		{"select 1;", []string{"1"}, [][]string{{"1"}}},
		{"  SeLeCt 1 ;  ", []string{"1"}, [][]string{{"1"}}},
		{"/* hello */ SELECT 1 -- bye", []string{"1"}, [][]string{{"1"}}},
		{"SELECT 1 FROM DUAL", []string{"1"}, [][]string{{"1"}}},
		{"SELECT 1 AS one, 'two', -3, 4.5, NULL, true", []string{"one", "two", "-3", "4.5", "null", "true"},
			[][]string{{"1", "two", "-3", "4.5", "NULL", "1"}}},
		{"SELECT DATABASE()", []string{"database()"}, [][]string{{"shop"}}},
		{"select schema()", []string{"schema()"}, [][]string{{"shop"}}},
		{"SELECT VERSION()", []string{"VERSION()"}, [][]string{{"8.0.40-localscale"}}},
		{"SELECT @@version", []string{"@@version"}, [][]string{{"8.0.40-localscale"}}},
		{"SELECT @@max_allowed_packet", []string{"@@max_allowed_packet"}, [][]string{{"67108864"}}},
		{"select @@version_comment limit 1", []string{"@@version_comment"}, [][]string{{"localscale (PlanetScale emulator)"}}},
		{"SELECT @@session.transaction_isolation, @@GLOBAL.autocommit, @@tx_isolation",
			[]string{"@@session.transaction_isolation", "@@global.autocommit", "@@tx_isolation"},
			[][]string{{"REPEATABLE-READ", "1", "REPEATABLE-READ"}}},
		{"SELECT @@SQL_MODE AS mode", []string{"mode"},
			[][]string{{"ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"}}},
		{"SELECT @unset_user_variable", []string{"@unset_user_variable"}, [][]string{{"NULL"}}},
		{"SELECT CURRENT_USER()", []string{"CURRENT_USER()"}, [][]string{{"bot@%"}}},
		{"SHOW TABLES", []string{"Tables_in_shop"}, [][]string{{"active_users"}, {"orders"}, {"users"}}},
		{"show tables;", []string{"Tables_in_shop"}, [][]string{{"active_users"}, {"orders"}, {"users"}}},
		{"SHOW TABLES FROM shop LIKE '%users'", []string{"Tables_in_shop (%users)"}, [][]string{{"active_users"}, {"users"}}},
		{"SHOW FULL TABLES", []string{"Tables_in_shop", "Table_type"},
			[][]string{{"active_users", "VIEW"}, {"orders", "BASE TABLE"}, {"users", "BASE TABLE"}}},
		{"SHOW FULL TABLES LIKE 'o_ders'", []string{"Tables_in_shop (o_ders)", "Table_type"}, [][]string{{"orders", "BASE TABLE"}}},
		{"SHOW CREATE TABLE orders", []string{"Table", "Create Table"}, [][]string{{"orders", ordersCreate}}},
		{"show create table `shop`.`orders`;", []string{"Table", "Create Table"}, [][]string{{"orders", ordersCreate}}},
		{"SHOW CREATE VIEW active_users", []string{"View", "Create View", "character_set_client", "collation_connection"},
			[][]string{{"active_users", viewCreate, "utf8mb4", "utf8mb4_0900_ai_ci"}}},
		{"SHOW CREATE TABLE active_users", []string{"View", "Create View", "character_set_client", "collation_connection"},
			[][]string{{"active_users", viewCreate, "utf8mb4", "utf8mb4_0900_ai_ci"}}},
		{"SHOW DATABASES", []string{"Database"}, [][]string{{"shop"}}},
		{"SHOW VARIABLES LIKE 'MAX_ALLOWED%'", []string{"Variable_name", "Value"}, [][]string{{"max_allowed_packet", "67108864"}}},
		{"SHOW SESSION VARIABLES LIKE 'version'", []string{"Variable_name", "Value"}, [][]string{{"version", "8.0.40-localscale"}}},
		{"SHOW WARNINGS", []string{"Level", "Code", "Message"}, nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			cols, rows := query(t, db, tc.query)
			if !slices.Equal(cols, tc.cols) {
				t.Errorf("columns = %q, want %q", cols, tc.cols)
			}
			if !slices.EqualFunc(rows, tc.rows, slices.Equal) {
				t.Errorf("rows = %q, want %q", rows, tc.rows)
			}
		})
	}
}

func TestTypedScan(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	var packet int64
	var id uint64
	if err := db.QueryRow("SELECT @@max_allowed_packet, CONNECTION_ID()").Scan(&packet, &id); err != nil {
		t.Fatal(err)
	}
	if packet != 67108864 || id == 0 {
		t.Errorf("max_allowed_packet, connection id = %d, %d", packet, id)
	}
}

func TestStatementsWithoutResult(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	for _, q := range []string{
		"SET NAMES utf8mb4",
		"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
		"set sql_mode = 'ANSI', @@session.autocommit = 1",
		"SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
		"SET @x = 1;",
		"USE shop",
		"use `shop`;",
		"BEGIN", "COMMIT", "START TRANSACTION", "ROLLBACK",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestDDLReachesBackend(t *testing.T) {
	b := newFakeBackend()
	srv := startServer(t, b, Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	stmts := []struct{ sent, want string }{
		{"CREATE TABLE t1 (id bigint NOT NULL PRIMARY KEY)", "CREATE TABLE t1 (id bigint NOT NULL PRIMARY KEY)"},
		{"create table `t2` (\n  `id` int,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n", "create table `t2` (\n  `id` int,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB"},
		{"ALTER TABLE t1 ADD COLUMN name varchar(64) NOT NULL DEFAULT ''", "ALTER TABLE t1 ADD COLUMN name varchar(64) NOT NULL DEFAULT ''"},
		{"/* migration 3 */ ALTER TABLE t1 DROP COLUMN name;", "/* migration 3 */ ALTER TABLE t1 DROP COLUMN name"},
		{"RENAME TABLE t2 TO t3", "RENAME TABLE t2 TO t3"},
		{"CREATE INDEX idx_name ON t1 (id)", "CREATE INDEX idx_name ON t1 (id)"},
		{"CREATE UNIQUE INDEX uk ON t1 (id)", "CREATE UNIQUE INDEX uk ON t1 (id)"},
		{"DROP INDEX idx_name ON t1", "DROP INDEX idx_name ON t1"},
		{"CREATE VIEW v1 AS SELECT id FROM t1", "CREATE VIEW v1 AS SELECT id FROM t1"},
		{"CREATE OR REPLACE VIEW v1 AS SELECT id FROM t1", "CREATE OR REPLACE VIEW v1 AS SELECT id FROM t1"},
		{"ALTER VIEW v1 AS SELECT id FROM t3", "ALTER VIEW v1 AS SELECT id FROM t3"},
		{"DROP VIEW v1", "DROP VIEW v1"},
		{"DROP TABLE IF EXISTS t1, t3", "DROP TABLE IF EXISTS t1, t3"},
	}
	for _, s := range stmts {
		res, err := db.Exec(s.sent)
		if err != nil {
			t.Fatalf("%s: %v", s.sent, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 0 {
			t.Errorf("%s: rows affected %d, %v", s.sent, n, err)
		}
	}
	var want []string
	for _, s := range stmts {
		want = append(want, s.want)
	}
	if got := b.statements(); !slices.Equal(got, want) {
		t.Errorf("backend got\n%q\nwant\n%q", got, want)
	}
}
