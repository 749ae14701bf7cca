package mysqlsrv

import (
	"context"
	textclip "github.com/ddlbot/ddlbot/internal/clip"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"vitess.io/vitess/go/mysql"
	"vitess.io/vitess/go/mysql/replication"
	"vitess.io/vitess/go/mysql/sqlerror"
	"vitess.io/vitess/go/sqltypes"
	querypb "vitess.io/vitess/go/vt/proto/query"
	"vitess.io/vitess/go/vt/sqlparser"
	"vitess.io/vitess/go/vt/vtenv"
)

// handler answers the commands of every connection. Vitess serializes the calls of one connection.
type handler struct {
	mysql.UnimplementedHandler

	ctx     context.Context // the server's; canceled by Close
	env     *vtenv.Environment
	log     *slog.Logger
	version string
}

var _ mysql.Handler = (*handler)(nil)

func (h *handler) Env() *vtenv.Environment { return h.env }

func (h *handler) NewConnection(c *mysql.Conn) {
	c.StatusFlags |= mysql.ServerStatusAutocommit
}

func (h *handler) ConnectionReady(c *mysql.Conn) {
	h.log.Debug("mysqlsrv: connection ready", "conn", c.ConnectionID, "user", c.User, "remote", c.RemoteAddr().String())
}

func (h *handler) ConnectionClosed(c *mysql.Conn) {
	h.log.Debug("mysqlsrv: connection closed", "conn", c.ConnectionID, "user", c.User)
	ud, ok := c.UserData.(*userData)
	if !ok {
		return
	}
	closer, ok := ud.session.(io.Closer)
	if !ok {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			h.log.Error("mysqlsrv: panic while closing a session", "conn", c.ConnectionID, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if err := closer.Close(); err != nil {
		h.log.Warn("mysqlsrv: closing session", "conn", c.ConnectionID, "error", err)
	}
}

func (h *handler) WarningCount(*mysql.Conn) uint16 { return 0 }

// ComQuery answers one statement (Vitess has already split a multi-statement query when the client
// enabled CLIENT_MULTI_STATEMENTS). The whole result is computed before anything is written, so an
// error or a recovered panic always reaches the client as an error packet.
func (h *handler) ComQuery(c *mysql.Conn, query string, callback func(*sqltypes.Result) error) (err error) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			h.log.Error("mysqlsrv: panic while answering a query", "conn", c.ConnectionID, "query", clip(query, 200),
				"panic", r, "stack", string(debug.Stack()))
			err = sqlerror.NewSQLErrorf(sqlerror.ERUnknownError, sqlerror.SSUnknownSQLState, "localscale internal error: %v", r)
		}
		if err != nil {
			h.log.Debug("mysqlsrv: query failed", "conn", c.ConnectionID, "query", clip(query, 200), "error", err, "elapsed", time.Since(start))
		} else {
			h.log.Debug("mysqlsrv: query", "conn", c.ConnectionID, "query", clip(query, 200), "elapsed", time.Since(start))
		}
	}()
	ud, ok := c.UserData.(*userData)
	if !ok || ud.session == nil {
		return sqlerror.NewSQLError(sqlerror.ERAccessDeniedError, sqlerror.SSAccessDeniedError, "Access denied: connection is not authenticated")
	}
	q := &queryRun{h: h, c: c, sess: ud.session, user: ud.user, sql: query}
	res, qerr := q.run()
	if qerr != nil {
		return qerr
	}
	return callback(res)
}

// ComQueryMulti is only used by listeners configured for it; this one is not.
func (h *handler) ComQueryMulti(c *mysql.Conn, sql string, callback func(qr sqltypes.QueryResponse, more bool, firstPacket bool) error) error {
	return errUnsupported("COM_QUERY with server-side multi-statement splitting")
}

func (h *handler) ComPrepare(*mysql.Conn, string) ([]*querypb.Field, uint16, error) {
	return nil, 0, sqlerror.NewSQLError(sqlerror.ERUnsupportedPS, sqlerror.SSUnknownSQLState,
		"This command is not supported in the prepared statement protocol yet: localscale answers text queries only (go-sql-driver/mysql: pass no arguments, or set interpolateParams=true)")
}

func (h *handler) ComStmtExecute(*mysql.Conn, *mysql.PrepareData, func(*sqltypes.Result) error) error {
	return sqlerror.NewSQLError(sqlerror.ERUnsupportedPS, sqlerror.SSUnknownSQLState, "This command is not supported in the prepared statement protocol yet")
}

func (h *handler) ComRegisterReplica(*mysql.Conn, string, uint16, string, string) error {
	return errUnsupported("replication")
}

func (h *handler) ComBinlogDump(*mysql.Conn, string, uint32) error {
	return errUnsupported("replication")
}

func (h *handler) ComBinlogDumpGTID(*mysql.Conn, string, uint64, replication.GTIDSet, uint16) error {
	return errUnsupported("replication")
}

// clip shortens s to at most n bytes for logs and messages.
func clip(s string, n int) string { return textclip.Bytes(s, n) }

// queryRun is one query of one connection.
type queryRun struct {
	h    *handler
	c    *mysql.Conn
	sess Session
	user string
	sql  string
}

func (q *queryRun) ctx() context.Context { return q.h.ctx }

func (q *queryRun) run() (*sqltypes.Result, error) {
	parser := q.h.env.Parser()
	stmts, err := parser.ParseMultiple(q.sql)
	if err != nil {
		return nil, parseError(q.sql, err)
	}
	var kept []sqlparser.Statement
	for _, st := range stmts {
		if st == nil {
			continue
		}
		if _, ok := st.(*sqlparser.CommentOnly); ok {
			continue
		}
		kept = append(kept, st)
	}
	pieces := splitPieces(parser, q.sql)
	switch len(kept) {
	case 0:
		return nil, errEmptyQuery
	case 1:
	default:
		near := len(q.sql)
		if len(pieces) > 1 {
			near = pieces[1].offset
		}
		return nil, sqlerror.NewSQLErrorf(sqlerror.ERParseError, sqlerror.SSClientError,
			"You have an error in your SQL syntax; this query holds %d statements but localscale runs one per query "+
				"unless the client enables multi-statements (CLIENT_MULTI_STATEMENTS; go-sql-driver/mysql: multiStatements=true); "+
				"the second statement starts near '%s' at line %d",
			len(kept), nearText(q.sql, near), lineAt(q.sql, near))
	}
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(q.sql), ";"))
	if len(pieces) == 1 {
		text = pieces[0].text
	}
	return q.dispatch(kept[0], text)
}

// piece is one statement of a query: its text, trimmed, and the byte offset where that text starts.
type piece struct {
	text   string
	offset int
}

// splitPieces splits sql into its non-empty statements. sqlparser returns them as substrings of sql,
// in order, so their offsets can be found by searching forward.
func splitPieces(parser *sqlparser.Parser, sql string) []piece {
	raw, err := parser.SplitStatementToPieces(sql)
	if err != nil {
		return nil
	}
	var out []piece
	from := 0
	for _, r := range raw {
		i := strings.Index(sql[from:], r)
		if i < 0 {
			return nil
		}
		start := from + i
		from = start + len(r)
		trimmed := strings.TrimLeft(r, " \t\r\n\f\v")
		start += len(r) - len(trimmed)
		trimmed = strings.TrimRight(trimmed, " \t\r\n\f\v")
		if trimmed != "" {
			out = append(out, piece{text: trimmed, offset: start})
		}
	}
	return out
}

func (q *queryRun) dispatch(stmt sqlparser.Statement, text string) (*sqltypes.Result, error) {
	switch st := stmt.(type) {
	case *sqlparser.Set, *sqlparser.Begin, *sqlparser.Commit, *sqlparser.Rollback:
		return &sqltypes.Result{}, nil
	case *sqlparser.Use:
		if db := st.DBName.String(); db != q.sess.Database() {
			return nil, errUnknownDatabase(db)
		}
		return &sqltypes.Result{}, nil
	case *sqlparser.Select:
		return q.selectNoTable(st)
	case *sqlparser.Show:
		return q.show(st)
	case *sqlparser.CreateTable, *sqlparser.AlterTable, *sqlparser.DropTable, *sqlparser.RenameTable,
		*sqlparser.CreateView, *sqlparser.AlterView, *sqlparser.DropView:
		if err := q.sess.ExecDDL(q.ctx(), text); err != nil {
			return nil, backendError(err, text, q.ctx())
		}
		return &sqltypes.Result{}, nil
	default:
		return nil, errUnsupported(statementName(stmt))
	}
}

// statementName names a statement for the "not supported" error.
func statementName(stmt sqlparser.Statement) string {
	switch st := stmt.(type) {
	case *sqlparser.Show:
		switch in := st.Internal.(type) {
		case *sqlparser.ShowBasic:
			return "SHOW" + strings.ToUpper(in.Command.ToString())
		case *sqlparser.ShowCreate:
			return "SHOW" + strings.ToUpper(in.Command.ToString())
		}
		return strings.ToUpper(clip(sqlparser.String(stmt), 40))
	case *sqlparser.TruncateTable:
		return "TRUNCATE TABLE"
	case *sqlparser.CreateDatabase:
		return "CREATE DATABASE"
	case *sqlparser.AlterDatabase:
		return "ALTER DATABASE"
	case *sqlparser.DropDatabase:
		return "DROP DATABASE"
	}
	name := sqlparser.ASTToStatementType(stmt).String()
	if name == "" || strings.EqualFold(name, "unknown") {
		name = strings.ToUpper(clip(sqlparser.String(stmt), 40))
	}
	return name
}
