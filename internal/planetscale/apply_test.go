package planetscale

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/mysqltest"
	"github.com/go-sql-driver/mysql"
)

// testServer is a reachable MySQL-compatible server and a scratch database
// on it, dropped when the test ends.
type testServer struct {
	conn ConnConfig // Database is the scratch database
	root *sql.DB    // connected without a default database
}

func (s *testServer) showCreate(t *testing.T, table string) string {
	t.Helper()
	var name, create string
	if err := s.root.QueryRow(fmt.Sprintf("SHOW CREATE TABLE `%s`.`%s`", s.conn.Database, table)).Scan(&name, &create); err != nil {
		t.Fatalf("SHOW CREATE TABLE %s: %v", table, err)
	}
	return create
}

func (s *testServer) tableExists(t *testing.T, table string) bool {
	t.Helper()
	var n int
	err := s.root.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", s.conn.Database, table).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// mysqlServer creates a scratch database ddlbot_ps_<random> on the server
// named by DDLBOT_TEST_MYSQL_DSN, or skips the test without it.
func mysqlServer(t *testing.T) *testServer {
	t.Helper()
	server, root := mysqltest.Root(t)
	cfg := mysqltest.DatabaseOn(t, server, root, "ddlbot_ps_")
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		t.Fatalf("%s: address %q: %v", mysqltest.Env, cfg.Addr, err)
	}
	port, _ := strconv.Atoi(portStr)
	return &testServer{
		conn: ConnConfig{Host: host, Port: port, User: cfg.User, Password: cfg.Passwd, Database: cfg.DBName},
		root: root,
	}
}

func TestExecStatementsMariaDB(t *testing.T) {
	s := mysqlServer(t)
	ctx := context.Background()
	err := ExecStatements(ctx, s.conn, []string{
		"CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE=InnoDB",
		"  ALTER TABLE users ADD COLUMN email varchar(255) NOT NULL;  \n",
		"",
		"CREATE TABLE posts (\n  id bigint NOT NULL,\n  user_id bigint NOT NULL,\n  created_at datetime NOT NULL,\n  PRIMARY KEY (id),\n  KEY user_id (user_id)\n)",
		"ALTER TABLE users ADD UNIQUE KEY email (email)",
	})
	if err != nil {
		t.Fatal(err)
	}
	users := s.showCreate(t, "users")
	for _, want := range []string{"`email` varchar(255) NOT NULL", "UNIQUE KEY `email` (`email`)"} {
		if !strings.Contains(users, want) {
			t.Errorf("users lacks %q:\n%s", want, users)
		}
	}
	if !s.tableExists(t, "posts") {
		t.Error("posts was not created")
	}

	// A failing statement stops the run and reports its index and the server's error.
	err = ExecStatements(ctx, s.conn, []string{
		"CREATE TABLE tags (id bigint NOT NULL PRIMARY KEY)",
		"ALTER TABLE missing ADD COLUMN x int",
		"CREATE TABLE never (id bigint NOT NULL PRIMARY KEY)",
	})
	var se *StatementError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *StatementError", err, err)
	}
	if se.Index != 1 || se.Total != 3 || se.Number != 1146 || se.SQLState != "42S02" || !strings.Contains(se.Message, "missing") {
		t.Errorf("statement error = %+v", se)
	}
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1146 {
		t.Errorf("the *mysql.MySQLError is not reachable: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"statement 2 of 3", "ALTER TABLE missing ADD COLUMN x int", "1146", "doesn't exist"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !s.tableExists(t, "tags") || s.tableExists(t, "never") {
		t.Error("want the statements before the failure applied and none after it")
	}

	// A syntax error.
	err = ExecStatements(ctx, s.conn, []string{"ALTER TABLE users ADD COLUMN"})
	if !errors.As(err, &se) || se.Index != 0 || se.Number != 1064 {
		t.Errorf("err = %v", err)
	}
}

func TestExecStatementsMariaDBBadPassword(t *testing.T) {
	s := mysqlServer(t)
	conn := s.conn
	conn.Password = "pscale_pw_WRONG_SECRET"
	err := ExecStatements(context.Background(), conn, []string{"SELECT 1"})
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), conn.Password) {
		t.Errorf("error leaks the password: %v", err)
	}
	if !strings.Contains(err.Error(), "connect to") || !strings.Contains(err.Error(), "1045") {
		t.Errorf("err = %v", err)
	}
	var se *StatementError
	if errors.As(err, &se) {
		t.Errorf("a connection failure reported as a statement error: %v", err)
	}
}

func TestExecStatementsMariaDBRequiresTLS(t *testing.T) {
	s := mysqlServer(t)
	var haveSSL string
	var name string
	if err := s.root.QueryRow("SHOW VARIABLES LIKE 'have_ssl'").Scan(&name, &haveSSL); err != nil || haveSSL == "YES" {
		t.Skipf("the server supports TLS (%q, %v): nothing to check", haveSSL, err)
	}
	conn := s.conn
	conn.TLS = true
	err := ExecStatements(context.Background(), conn, []string{"SELECT 1"})
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "tls") {
		t.Errorf("err = %v, want a refusal to fall back to plain text", err)
	}
}

// fakePasswordAPI answers CreatePassword with a password for conn (at
// host:port) and records the password deletion.
type fakePasswordAPI struct {
	created, deleted atomic.Int32
}

func newPasswordHarness(t *testing.T, api *fakePasswordAPI, db, accessHost, user, password string) *harness {
	base := "/v1/organizations/o/databases/" + db + "/branches/ddlbot-pr-7/passwords"
	return newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == "POST" && r.URL.Path == base:
			api.created.Add(1)
			reply(w, 201, fmt.Sprintf(`{"id":"pw-1","name":"x","role":"admin","username":%q,"plain_text":%q,"access_host_url":%q,"ttl_seconds":600}`, user, password, accessHost))
		case r.Method == "DELETE" && r.URL.Path == base+"/pw-1":
			api.deleted.Add(1)
			w.WriteHeader(204)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
		}
	}, nil)
}

func passwordRequest(t *testing.T, h *harness) CreatePasswordRequest {
	t.Helper()
	for _, r := range h.requests() {
		if r.Method == "POST" {
			var req CreatePasswordRequest
			if err := json.Unmarshal(r.Body, &req); err != nil {
				t.Fatal(err)
			}
			return req
		}
	}
	t.Fatal("no password was created")
	return CreatePasswordRequest{}
}

func TestApplyDDLMariaDB(t *testing.T) {
	s := mysqlServer(t)
	api := &fakePasswordAPI{}
	// The database name given to ApplyDDL is the one it connects to.
	h := newPasswordHarness(t, api, s.conn.Database, s.conn.addr(), s.conn.User, s.conn.Password)
	res, err := h.c.ApplyDDL(context.Background(), "o", s.conn.Database, "ddlbot-pr-7", []string{
		"CREATE TABLE t (id bigint NOT NULL PRIMARY KEY)",
		"ALTER TABLE t ADD COLUMN c int",
	}, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Executed != 2 || res.TLS || res.Addr != s.conn.addr() || res.PasswordDeleteErr != nil {
		t.Errorf("result = %+v", res)
	}
	if !strings.Contains(s.showCreate(t, "t"), "`c` int") {
		t.Errorf("column c missing:\n%s", s.showCreate(t, "t"))
	}
	if api.created.Load() != 1 || api.deleted.Load() != 1 {
		t.Errorf("created %d, deleted %d passwords; want 1 and 1", api.created.Load(), api.deleted.Load())
	}
	if req := passwordRequest(t, h); req.Role != RoleAdmin || req.TTL != 600 || !strings.HasPrefix(req.Name, "ddlbot-") {
		t.Errorf("password request = %+v", req)
	}

	// A failing statement: a *StatementError, and the password is still deleted.
	res, err = h.c.ApplyDDL(context.Background(), "o", s.conn.Database, "ddlbot-pr-7", []string{
		"ALTER TABLE t ADD COLUMN d int",
		"ALTER TABLE t ADD COLUMN d int",
	}, ApplyOptions{TTL: 90 * time.Second})
	var se *StatementError
	if !errors.As(err, &se) || se.Index != 1 || se.Number != 1060 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `apply DDL to branch "ddlbot-pr-7"`) || !strings.Contains(err.Error(), "statement 2 of 2") {
		t.Errorf("err = %v", err)
	}
	if res == nil || res.Executed != 1 {
		t.Errorf("result = %+v", res)
	}
	if api.created.Load() != 2 || api.deleted.Load() != 2 {
		t.Errorf("created %d, deleted %d passwords; want 2 and 2", api.created.Load(), api.deleted.Load())
	}
}

func TestApplyDDLConnectFailureDeletesPassword(t *testing.T) {
	const secret = "pscale_pw_SECRET_never_log_me"
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	api := &fakePasswordAPI{}
	h := newPasswordHarness(t, api, "d", addr, "user1", secret)
	res, err := h.c.ApplyDDL(context.Background(), "o", "d", "ddlbot-pr-7", []string{"CREATE TABLE t (id int PRIMARY KEY)"}, ApplyOptions{})
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(h.logs.String(), secret) {
		t.Errorf("the password leaked:\nerror: %v\nlogs: %s", err, h.logs)
	}
	if !strings.Contains(err.Error(), "connect to "+addr) {
		t.Errorf("err = %v", err)
	}
	if res == nil || res.Executed != 0 || res.TLS {
		t.Errorf("result = %+v (a loopback host must not use TLS)", res)
	}
	if api.created.Load() != 1 || api.deleted.Load() != 1 {
		t.Errorf("created %d, deleted %d passwords", api.created.Load(), api.deleted.Load())
	}
}

func TestApplyDDLCancelledStillDeletesPassword(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A "server" that accepts the connection, cancels ctx and says nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		cancel()
		<-time.After(10 * time.Second)
	}()
	api := &fakePasswordAPI{}
	h := newPasswordHarness(t, api, "d", l.Addr().String(), "user1", "pw")
	start := time.Now()
	_, err = h.c.ApplyDDL(ctx, "o", "d", "ddlbot-pr-7", []string{"SELECT 1"}, ApplyOptions{Timeout: 8 * time.Second})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("ApplyDDL took %v after the cancel", time.Since(start))
	}
	if api.deleted.Load() != 1 {
		t.Errorf("the password was not deleted after ctx ended (%d deletions)", api.deleted.Load())
	}
}

func TestApplyDDLNothingToDo(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Errorf("unexpected request %s", r.URL) }, nil)
	res, err := h.c.ApplyDDL(context.Background(), "o", "d", "b", nil, ApplyOptions{})
	if err != nil || res == nil || res.Executed != 0 {
		t.Errorf("ApplyDDL(nil) = %+v, %v", res, err)
	}
}

func TestApplyDDLPasswordFailure(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 500, `{}`)
	}, nil)
	_, err := h.c.ApplyDDL(context.Background(), "o", "d", "b", []string{"SELECT 1"}, ApplyOptions{})
	// The create is never repeated while it cannot tell whether the first
	// took effect (the list of passwords fails too).
	var e *Error
	posts := 0
	for _, r := range h.requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if !errors.As(err, &e) || e.StatusCode != 500 || posts != 1 || !strings.Contains(err.Error(), "could not tell whether it took effect") {
		t.Errorf("err = %v, %d creates", err, posts)
	}
}

func TestSplitAccessHost(t *testing.T) {
	for _, tt := range []struct {
		in   string
		host string
		port int
		err  bool
	}{
		{"aws.connect.psdb.cloud", "aws.connect.psdb.cloud", 3306, false},
		{"127.0.0.1:13306", "127.0.0.1", 13306, false},
		{"[::1]:3307", "::1", 3307, false},
		{"::1", "::1", 3306, false},
		{"mysql://localhost:4000", "localhost", 4000, false},
		{"host:notaport", "", 0, true},
		{"host:0", "", 0, true},
		{"", "", 0, true},
	} {
		host, port, err := splitAccessHost(tt.in)
		if host != tt.host || port != tt.port || (err != nil) != tt.err {
			t.Errorf("splitAccessHost(%q) = %q, %d, %v", tt.in, host, port, err)
		}
	}
}

func TestStatementErrorMessage(t *testing.T) {
	long := "CREATE TABLE t (\n  " + strings.Repeat("c int, ", 100) + "id int PRIMARY KEY)"
	e := &StatementError{Index: 4, Total: 9, Statement: long, Err: &mysql.MySQLError{Number: 1105, Message: "direct DDL is disabled"}}
	msg := e.Error()
	if !strings.HasPrefix(msg, `planetscale: statement 5 of 9 failed: "CREATE TABLE t ( c int, c int,`) {
		t.Errorf("message = %q", msg)
	}
	if !strings.Contains(msg, `…": Error 1105: direct DDL is disabled`) {
		t.Errorf("message = %q, want the statement truncated and the server error", msg)
	}
	if len(msg) > 400 {
		t.Errorf("message is %d bytes long", len(msg))
	}
}

func TestConnConfigHidesPassword(t *testing.T) {
	c := ConnConfig{Host: "h", User: "u", Password: "pscale_pw_SECRET", Database: "d", TLS: true}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c), c.LogValue().String()} {
		if strings.Contains(s, "pscale_pw_SECRET") {
			t.Errorf("leak: %s", s)
		}
	}
	if c.String() != "mysql://u@h:3306/d (tls=true)" {
		t.Errorf("String = %q", c.String())
	}
}
