package mysqlsrv

import (
	"context"
	"errors"
	"strings"
	"testing"

	"vitess.io/vitess/go/vt/sqlparser"
)

func TestErrors(t *testing.T) {
	b := newFakeBackend()
	b.ddlHook = func(_ context.Context, sql string) error {
		switch {
		case strings.Contains(sql, "direct_ddl"):
			return DirectDDLDisabled()
		case strings.HasPrefix(sql, "CREATE TABLE orders"):
			return TableExists("orders")
		case strings.Contains(sql, "DROP COLUMN nope"):
			return UnknownColumn("nope", "users")
		case strings.Contains(sql, "DROP TABLE gone"):
			return NoSuchTable("shop", "gone")
		case strings.Contains(sql, "plain_error"):
			return errors.New("disk on fire")
		case strings.Contains(sql, "wrapped"):
			return errors.Join(errors.New("context"), NewError(1062, "23000", "Duplicate entry '%d' for key 'PRIMARY'", 1))
		case strings.Contains(sql, "positioned"):
			// A backend re-parsing the statement reports a position in it.
			return sqlparser.PositionedErr{Err: "syntax error", Pos: strings.Index(sql, "positioned") + len("positioned") + 1, Near: "positioned"}
		}
		return nil
	}
	srv := startServer(t, b, Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	for _, tc := range []struct {
		query string
		num   uint16
		state string
		msg   string // exact, or a prefix when it ends with "..."
	}{
		{"CREATE TABLE direct_ddl (id int)", 1105, "HY000", "direct DDL is disabled"},
		{"CREATE TABLE orders (id int)", 1050, "42S01", "Table 'orders' already exists"},
		{"ALTER TABLE users DROP COLUMN nope", 1054, "42S22", "Unknown column 'nope' in 'users'"},
		{"DROP TABLE gone", 1146, "42S02", "Table 'shop.gone' doesn't exist"},
		{"CREATE TABLE plain_error (id int)", 1105, "HY000", "disk on fire"},
		{"CREATE TABLE wrapped (id int)", 1062, "23000", "Duplicate entry '1' for key 'PRIMARY'"},
		{"CREATE TABLE t (\n  id int,\n  positioned int)", 1064, "42000",
			"You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'positioned int)' at line 3"},
		{"SHOW CREATE TABLE missing", 1146, "42S02", "Table 'shop.missing' doesn't exist"},
		{"SHOW CREATE VIEW missing", 1146, "42S02", "Table 'shop.missing' doesn't exist"},
		{"SHOW CREATE TABLE broken", 1105, "HY000", "storage unavailable"},
		{"SHOW CREATE VIEW orders", 1347, "HY000", "'shop.orders' is not VIEW"},
		{"SHOW CREATE TABLE other.orders", 1049, "42000", "Unknown database 'other'"},
		{"SHOW TABLES FROM other", 1049, "42000", "Unknown database 'other'"},
		{"USE other", 1049, "42000", "Unknown database 'other'"},
		{"SELECT @@no_such_variable", 1193, "HY000", "Unknown system variable 'no_such_variable'"},
		{"", 1065, "42000", "Query was empty"},
		{"-- only a comment", 1065, "42000", "Query was empty"},
		{";", 1065, "42000", "Query was empty"},
		// Syntax errors, MySQL-shaped.
		{"selec 1", 1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'selec 1' at line 1"},
		{"CREATE TABLE t (\n  id int,\n  x foo bar\n)", 1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'foo bar\n)' at line 3"},
		{"CREATE TABLE t (id int", 1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1"},
		{"CREATE TABLE t (id int)) ENGINE=InnoDB", 1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ') ENGINE=InnoDB' at line 1"},
		{"CREATE TABLE t (id int  ", 1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1"},
		{"SELECT 'unterminated", 1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''unterminated' at line 1"},
		// Unsupported statements.
		{"INSERT INTO orders VALUES (1, 2)", 1235, "42000", "localscale supports schema statements only: INSERT is not supported (supported: ..."},
		{"SELECT * FROM orders", 1235, "42000", "localscale supports schema statements only: SELECT ... FROM a table is not supported..."},
		{"SELECT NOW()", 1235, "42000", "localscale supports schema statements only: SELECT now() is not supported..."},
		{"SHOW PROCESSLIST", 1235, "42000", "localscale supports schema statements only: SHOW PROCESSLIST is not supported..."},
		{"SHOW TABLES WHERE Tables_in_shop = 'x'", 1235, "42000", "localscale supports schema statements only: SHOW ... WHERE is not supported..."},
		{"TRUNCATE TABLE orders", 1235, "42000", "localscale supports schema statements only: TRUNCATE TABLE is not supported..."},
		{"CREATE DATABASE other", 1235, "42000", "localscale supports schema statements only: CREATE DATABASE is not supported..."},
		{"DELETE FROM orders", 1235, "42000", "localscale supports schema statements only: DELETE is not supported..."},
		// Several statements without CLIENT_MULTI_STATEMENTS.
		{"CREATE TABLE a (id int);\nCREATE TABLE b (id int)", 1064, "42000",
			"You have an error in your SQL syntax; this query holds 2 statements but localscale runs one per query unless the client enables multi-statements (CLIENT_MULTI_STATEMENTS; go-sql-driver/mysql: multiStatements=true); the second statement starts near 'CREATE TABLE b (id int)' at line 2"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, err := db.Exec(tc.query)
			if err == nil {
				t.Fatal("no error")
			}
			me := asMySQLError(t, err)
			msgOK := me.Message == tc.msg
			if prefix, ok := strings.CutSuffix(tc.msg, "..."); ok {
				msgOK = strings.HasPrefix(me.Message, prefix)
			}
			if me.Number != tc.num || string(me.SQLState[:]) != tc.state || !msgOK {
				t.Errorf("got ERROR %d (%s): %q\nwant ERROR %d (%s): %q", me.Number, me.SQLState[:], me.Message, tc.num, tc.state, tc.msg)
			}
		})
	}
	for _, s := range b.statements() {
		if strings.Contains(s, "CREATE TABLE a") || strings.Contains(s, "CREATE TABLE b") {
			t.Errorf("a statement of a rejected multi-statement query reached the backend: %q", s)
		}
	}
	// The connection pool is healthy after all those errors.
	if _, rows := query(t, db, "SELECT 1"); len(rows) != 1 {
		t.Errorf("SELECT 1 after errors: %q", rows)
	}
}

func TestSyntaxErrorHelper(t *testing.T) {
	long := "CREATE TABLE t (" + strings.Repeat("x", 100)
	for _, tc := range []struct {
		sql    string
		offset int
		near   string
		line   int
	}{
		{"selec 1", 0, "selec 1", 1},
		{"a\nb\nc", 4, "c", 3},
		{"abc", 3, "", 1},
		{"abc", 99, "", 1},
		{"abc", -5, "abc", 1},
		{long, 0, long[:80], 1},
		{"x ééé", 2, "ééé", 1},
	} {
		e := SyntaxError(tc.sql, tc.offset)
		want := "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '" +
			tc.near + "' at line " + string(rune('0'+tc.line))
		if e.Num != 1064 || e.State != "42000" || e.Message != want {
			t.Errorf("SyntaxError(%q, %d) = %d %s %q, want %q", tc.sql, tc.offset, e.Num, e.State, e.Message, want)
		}
	}
	if got := NewError(1146, "42S02", "Table '%s' doesn't exist", "x").Error(); got != "Error 1146 (42S02): Table 'x' doesn't exist" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&SQLError{Num: 1105, Message: "m"}).Error(); got != "Error 1105 (HY000): m" {
		t.Errorf("Error() with no state = %q", got)
	}
}

func TestLike(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		fold, want bool
	}{
		{"%", "", false, true},
		{"%", "abc", false, true},
		{"a%", "abc", false, true},
		{"a%", "bac", false, false},
		{"%c", "abc", false, true},
		{"a_c", "abc", false, true},
		{"a_c", "ac", false, false},
		{"%b%", "abc", false, true},
		{"a%b%c", "axxbyyc", false, true},
		{"a%b%c", "axxbyy", false, false},
		{"ABC", "abc", false, false},
		{"ABC", "abc", true, true},
		{`a\_c`, "a_c", false, true},
		{`a\_c`, "abc", false, false},
		{`100\%`, "100%", false, true},
		{"", "", false, true},
		{"", "a", false, false},
	} {
		if got := like(tc.pattern, tc.s, tc.fold); got != tc.want {
			t.Errorf("like(%q, %q, %v) = %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
		}
	}
}

func TestMySQLVersionPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"8.0.40-localscale": "8.0.40",
		"8.0.40":            "8.0.40",
		"5.7.9-vitess":      "5.7.9",
		"8.4":               "8.4",
		"":                  "",
		"localscale":        "",
		"8":                 "",
		"8.":                "",
	} {
		got, err := mysqlVersionPrefix(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("mysqlVersionPrefix(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Listen("127.0.0.1:0", newFakeBackend(), Options{ServerVersion: "localscale"}); err == nil {
		t.Error("Listen accepted a server version without a version number")
	}
	if _, err := Listen("127.0.0.1:0", nil, Options{}); err == nil {
		t.Error("Listen accepted a nil backend")
	}
}
