package localscale

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/go-sql-driver/mysql"
)

func TestMySQLEndToEnd(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MySQLAddr = "" })
	addr, err := h.s.ListenMySQL("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.branch("feat")
	var p ps.Password
	h.must("POST", dbPath+"/branches/feat/passwords", map[string]any{"role": "admin"}, 201, &p)
	if p.AccessHostURL != addr.String() {
		t.Fatalf("access_host_url %q, listener %s", p.AccessHostURL, addr)
	}
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = p.Username, p.PlainText, "tcp", p.AccessHostURL, "app"
	cfg.Timeout = 5 * time.Second
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("ALTER TABLE users ADD COLUMN nick varchar(50)"); err != nil {
		t.Fatal(err)
	}
	var name, create string
	if err := db.QueryRow("SHOW CREATE TABLE users").Scan(&name, &create); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(create, "`nick` varchar(50)") {
		t.Errorf("SHOW CREATE TABLE: %s", create)
	}
	if !strings.Contains(h.schema("feat")["users"], "nick") {
		t.Error("the API does not show the change")
	}
	_, err = db.Exec("ALTER TABLE nope ADD COLUMN x int")
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1146 {
		t.Errorf("unknown table: %v", err)
	}
	_, err = db.Exec("ALTER TABLE users ADD COLUMN")
	if !errors.As(err, &me) || me.Number != 1064 {
		t.Errorf("syntax error: %v", err)
	}

	// Production refuses direct DDL.
	h.must("POST", dbPath+"/branches/main/passwords", nil, 201, &p)
	cfg.User, cfg.Passwd = p.Username, p.PlainText
	prod, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	_, err = prod.Exec("ALTER TABLE users ADD COLUMN x int")
	if !errors.As(err, &me) || me.Number != 1105 || me.Message != "direct DDL is disabled" {
		t.Errorf("production DDL: %v", err)
	}
	// A wrong password is refused.
	cfg.Passwd = "wrong"
	bad, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Ping(); !errors.As(err, &me) || me.Number != 1045 {
		t.Errorf("wrong password: %v", err)
	}
}
