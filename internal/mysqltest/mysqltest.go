// Package mysqltest gives tests a scratch database on the MariaDB/MySQL
// server named by DDLBOT_TEST_MYSQL_DSN (scripts/test.sh starts one with
// .ci/mariadb.sh and sets it), or skips them without it.
package mysqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Env names the server's go-sql-driver DSN, without a database.
const Env = "DDLBOT_TEST_MYSQL_DSN"

// Root connects to the server (no default database), checks that it
// answers, and closes the connection when the test ends. It skips the test
// when the variable is not set (go test by hand) and fails it, never skips,
// when the variable is set and the server does not answer: a run that was
// given a server must not pass without it.
func Root(t testing.TB) (*mysql.Config, *sql.DB) {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		t.Skipf("%s is not set: no MySQL test (start MariaDB with `eval \"$(.ci/mariadb.sh)\"` from the repository root, or run scripts/test.sh)", Env)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	cfg.DBName = ""
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	root, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	t.Cleanup(func() { _ = root.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := root.PingContext(ctx); err != nil {
		t.Fatalf("%s is set but the server does not answer (%s@%s; is it up? `eval \"$(.ci/mariadb.sh)\"`): %v", Env, cfg.User, cfg.Addr, err)
	}
	return cfg, root
}

// Database creates the database <prefix><random> in utf8mb4 (prefix must
// start with "ddlbot_", which the test user may create), drops it when the
// test ends, and returns its DSN (as go-sql-driver reads it).
func Database(t testing.TB, prefix string) *mysql.Config {
	t.Helper()
	cfg, root := Root(t)
	return DatabaseOn(t, cfg, root, prefix)
}

// DatabaseOn is Database on a server Root connected to already.
func DatabaseOn(t testing.TB, cfg *mysql.Config, root *sql.DB, prefix string) *mysql.Config {
	t.Helper()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := prefix + hex.EncodeToString(b)
	if _, err := root.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("%s is set but the test database cannot be created: %v", Env, err)
	}
	t.Cleanup(func() {
		if _, err := root.Exec("DROP DATABASE IF EXISTS `" + name + "`"); err != nil {
			t.Errorf("drop the test database %s: %v", name, err)
		}
	})
	out := cfg.Clone()
	out.DBName = name
	return out
}

// StoreURL is the mysql:// URL of a DSN, as `ddlbot serve` takes it.
func StoreURL(cfg *mysql.Config) string {
	u := url.URL{Scheme: "mysql", User: url.User(cfg.User), Host: cfg.Addr, Path: "/" + cfg.DBName}
	if cfg.Passwd != "" {
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	}
	if len(cfg.Params) > 0 {
		q := url.Values{}
		for k, v := range cfg.Params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
