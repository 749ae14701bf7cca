package planetscale

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ddlbot/ddlbot/internal/clip"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Defaults of ApplyDDL and ExecStatements.
const (
	// DefaultApplyTTL is the lifetime of the password ApplyDDL creates.
	DefaultApplyTTL = 10 * time.Minute
	// DefaultApplyTimeout bounds connecting and running the statements.
	DefaultApplyTimeout = 10 * time.Minute
	// DefaultDialTimeout bounds opening the MySQL connection.
	DefaultDialTimeout = 10 * time.Second
	// DefaultMySQLPort is used when access_host_url carries no port.
	DefaultMySQLPort = 3306
	// passwordCleanupTimeout bounds deleting the password after the work.
	passwordCleanupTimeout = 30 * time.Second
	// statementShown is how much of a statement an error quotes.
	statementShown = 200
)

// ApplyOptions tune ApplyDDL.
type ApplyOptions struct {
	// TTL is the lifetime of the short-lived branch password (rounded up to
	// whole seconds). Default DefaultApplyTTL.
	TTL time.Duration
	// Timeout bounds connecting and running the statements. Default
	// DefaultApplyTimeout.
	Timeout time.Duration
}

// ApplyResult describes a finished ApplyDDL.
type ApplyResult struct {
	// Executed is how many statements ran successfully.
	Executed int
	// Addr is the host:port the statements were sent to.
	Addr string
	// TLS reports whether the connection used TLS.
	TLS bool
	// Duration is the time spent connecting and running statements.
	Duration time.Duration
	// PasswordDeleteErr is set when the temporary password could not be
	// deleted afterwards (it still expires at its TTL). It does not fail
	// ApplyDDL.
	PasswordDeleteErr error
}

// ConnConfig says how to reach a MySQL server. Its String method hides the
// password.
type ConnConfig struct {
	Host     string
	Port     int // default DefaultMySQLPort
	User     string
	Password string
	Database string
	// TLS encrypts the connection and verifies the server's certificate for
	// ServerName (default Host).
	TLS        bool
	ServerName string
	// DialTimeout bounds opening the connection. Default DefaultDialTimeout.
	DialTimeout time.Duration
	// Logger receives the MySQL driver's own messages at Debug. Default: discard.
	Logger *slog.Logger
}

// String describes the connection without its password.
func (c ConnConfig) String() string {
	return fmt.Sprintf("mysql://%s@%s/%s (tls=%t)", c.User, c.addr(), c.Database, c.TLS)
}

// GoString is String, for %#v.
func (c ConnConfig) GoString() string { return c.String() }

// LogValue keeps the password out of slog records.
func (c ConnConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c ConnConfig) addr() string {
	port := c.Port
	if port == 0 {
		port = DefaultMySQLPort
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

// StatementError is a statement that failed in ExecStatements or ApplyDDL.
type StatementError struct {
	// Index is the statement's 0-based position in the slice given; the
	// message counts from 1.
	Index int
	// Total is the number of statements given.
	Total int
	// Statement is the full text of the failed statement.
	Statement string
	// Number, SQLState and Message are the server's error when it sent one
	// (*mysql.MySQLError), e.g. 1105, "HY000", "direct DDL is disabled".
	Number   uint16
	SQLState string
	Message  string
	// Err is the underlying error.
	Err error
}

// Error names the statement (1-based), quotes its start and gives the
// server's error.
func (e *StatementError) Error() string {
	return fmt.Sprintf("planetscale: statement %d of %d failed: %q: %v", e.Index+1, e.Total, clip.Runes(oneLine(e.Statement), statementShown), e.Err)
}

// Unwrap returns the underlying error (errors.As finds *mysql.MySQLError).
func (e *StatementError) Unwrap() error { return e.Err }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ApplyDDL runs stmts, in order and one at a time, on a branch over the
// MySQL protocol. It creates a short-lived admin password for the branch,
// connects to the password's access_host_url as its username, database db,
// over TLS (verifying the host name) unless the host is a loopback address
// (localscale serves plain MySQL), and always deletes the password
// afterwards, with a fresh short context when ctx is already done.
//
// A failed statement stops the run with a *StatementError. The result is
// non-nil whenever a password was created, also on error (Executed tells
// how far it got). No statement is retried; no password or DSN is logged.
// An empty stmts does nothing.
func (c *Client) ApplyDDL(ctx context.Context, org, db, branch string, stmts []string, opts ApplyOptions) (*ApplyResult, error) {
	if len(stmts) == 0 {
		return &ApplyResult{}, nil
	}
	ttl := opts.TTL
	if ttl <= 0 {
		ttl = DefaultApplyTTL
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultApplyTimeout
	}
	pw, err := c.CreatePassword(ctx, org, db, branch, CreatePasswordRequest{
		// Unique, so that after a lost response CreatePassword deletes only this call's.
		Name: fmt.Sprintf("ddlbot-apply-%d-%s", c.now().Unix(), randomSuffix()),
		Role: RoleAdmin,
		TTL:  int((ttl + time.Second - 1) / time.Second),
	})
	if err != nil {
		return nil, fmt.Errorf("planetscale: apply DDL to branch %q: %w", branch, err)
	}
	res := &ApplyResult{}
	defer func() {
		dctx := ctx
		if ctx.Err() != nil {
			dctx = context.WithoutCancel(ctx)
		}
		dctx, cancel := context.WithTimeout(dctx, passwordCleanupTimeout)
		defer cancel()
		if err := c.DeletePassword(dctx, org, db, branch, pw.ID); err != nil {
			c.log.Warn("planetscale: could not delete the temporary branch password (it expires at its TTL)",
				"branch", branch, "password_id", pw.ID, "ttl", ttl, "error", err.Error())
			res.PasswordDeleteErr = err
		}
	}()

	host, port, err := splitAccessHost(pw.AccessHostURL)
	if err != nil {
		return res, fmt.Errorf("planetscale: apply DDL to branch %q: %w", branch, err)
	}
	conn := ConnConfig{
		Host:     host,
		Port:     port,
		User:     pw.Username,
		Password: pw.PlainText,
		Database: db,
		TLS:      !isLoopbackHost(host),
		Logger:   c.log,
	}
	res.Addr, res.TLS = conn.addr(), conn.TLS
	c.log.Debug("planetscale: applying DDL", "branch", branch, "addr", res.Addr, "tls", conn.TLS, "statements", len(stmts))

	ectx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	err = ExecStatements(ectx, conn, stmts)
	res.Duration = time.Since(start)
	res.Executed = len(stmts)
	if err != nil {
		var se *StatementError
		if errors.As(err, &se) {
			res.Executed = se.Index
		} else {
			res.Executed = 0
		}
		return res, fmt.Errorf("planetscale: apply DDL to branch %q: %w", branch, err)
	}
	return res, nil
}

// splitAccessHost reads a password's access_host_url: "host", "host:port"
// or a URL such as "mysql://host:port".
func splitAccessHost(s string) (string, int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, errors.New("the password has no access_host_url")
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "", 0, fmt.Errorf("cannot read access_host_url %q", s)
		}
		s = u.Host
	}
	host, portStr, err := net.SplitHostPort(s)
	if err != nil {
		// No port (or a bare IPv6 address).
		return strings.Trim(s, "[]"), DefaultMySQLPort, nil
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("access_host_url %q has an invalid port", s)
	}
	return host, port, nil
}

// ExecStatements connects to conn and runs stmts in order on one
// connection, stopping at the first failure, which it returns as a
// *StatementError. Surrounding whitespace and trailing semicolons are
// removed; empty statements are skipped. The connection is made with
// interpolateParams=false, parseTime=true and no multi-statements. ctx
// bounds the whole run (cancelling it closes the connection; a statement
// the server already started may still complete there). Errors never
// contain the password.
func ExecStatements(ctx context.Context, conn ConnConfig, stmts []string) error {
	cfg := mysql.NewConfig()
	cfg.User = conn.User
	cfg.Passwd = conn.Password
	cfg.Net = "tcp"
	cfg.Addr = conn.addr()
	cfg.DBName = conn.Database
	cfg.InterpolateParams = false
	cfg.ParseTime = true
	cfg.MultiStatements = false
	cfg.Timeout = conn.DialTimeout
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultDialTimeout
	}
	logger := conn.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = driverLogger{logger}
	if conn.TLS {
		name := conn.ServerName
		if name == "" {
			name = conn.Host
		}
		cfg.TLS = &tls.Config{ServerName: name, MinVersion: tls.VersionTLS12}
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return fmt.Errorf("planetscale: mysql connection to %s: %w", cfg.Addr, err)
	}
	pool := sql.OpenDB(connector)
	defer pool.Close()
	pool.SetMaxOpenConns(1)

	c, err := pool.Conn(ctx)
	if err == nil {
		err = c.PingContext(ctx)
	}
	if err != nil {
		return fmt.Errorf("planetscale: connect to %s as %q (database %q, tls=%t): %w", cfg.Addr, conn.User, conn.Database, conn.TLS, err)
	}
	defer c.Close()

	for i, stmt := range stmts {
		q := strings.TrimSpace(stmt)
		for strings.HasSuffix(q, ";") {
			q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
		}
		if q == "" {
			continue
		}
		if _, err := c.ExecContext(ctx, q); err != nil {
			se := &StatementError{Index: i, Total: len(stmts), Statement: stmt, Err: err}
			var me *mysql.MySQLError
			if errors.As(err, &me) {
				se.Number = me.Number
				se.Message = me.Message
				if me.SQLState != [5]byte{} {
					se.SQLState = string(me.SQLState[:])
				}
			}
			return se
		}
	}
	return nil
}

// driverLogger routes the MySQL driver's messages to slog at Debug.
type driverLogger struct{ l *slog.Logger }

// Print implements mysql.Logger.
func (d driverLogger) Print(v ...any) { d.l.Debug("mysql driver: " + fmt.Sprint(v...)) }

// randomSuffix is 8 random hex digits.
func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
