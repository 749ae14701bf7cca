package mysqlsrv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"vitess.io/vitess/go/mysql/sqlerror"
	"vitess.io/vitess/go/vt/sqlparser"
)

// SQLError is a MySQL error as the client sees it: ERROR Num (State): Message.
// A Backend returns one to choose the error number, SQLSTATE and message.
type SQLError struct {
	Num     uint16 // MySQL error number, e.g. 1146
	State   string // five-character SQLSTATE, e.g. "42S02"; empty means "HY000"
	Message string
}

// Error formats the error the way go-sql-driver/mysql prints a server error.
func (e *SQLError) Error() string {
	return fmt.Sprintf("Error %d (%s): %s", e.Num, e.state(), e.Message)
}

func (e *SQLError) state() string {
	if len(e.State) != 5 {
		return "HY000"
	}
	return e.State
}

// NewError returns an *SQLError with the given number, SQLSTATE and formatted message.
func NewError(num uint16, state, format string, args ...any) *SQLError {
	return &SQLError{Num: num, State: state, Message: fmt.Sprintf(format, args...)}
}

// DirectDDLDisabled is PlanetScale's answer to DDL on a branch with safe migrations:
// ERROR 1105 (HY000): direct DDL is disabled.
func DirectDDLDisabled() *SQLError {
	return NewError(1105, "HY000", "direct DDL is disabled")
}

// NoSuchTable is ERROR 1146 (42S02): Table 'db.table' doesn't exist.
func NoSuchTable(db, table string) *SQLError {
	return NewError(1146, "42S02", "Table '%s.%s' doesn't exist", db, table)
}

// TableExists is ERROR 1050 (42S01): Table 'table' already exists.
func TableExists(table string) *SQLError {
	return NewError(1050, "42S01", "Table '%s' already exists", table)
}

// UnknownColumn is ERROR 1054 (42S22): Unknown column 'column' in 'table'.
func UnknownColumn(column, table string) *SQLError {
	return NewError(1054, "42S22", "Unknown column '%s' in '%s'", column, table)
}

// SyntaxError is ERROR 1064 (42000) for a syntax error in sql whose offending token starts at byte
// offset: "You have an error in your SQL syntax; check the manual that corresponds to your MySQL
// server version for the right syntax to use near '...' at line N", where the text near is the
// rest of sql from offset (at most 80 characters) and N counts lines from 1.
func SyntaxError(sql string, offset int) *SQLError {
	offset = max(0, min(offset, len(sql)))
	return NewError(1064, "42000",
		"You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '%s' at line %d",
		nearText(sql, offset), lineAt(sql, offset))
}

// nearText is what MySQL quotes after "near": at most 80 characters of sql from offset.
func nearText(sql string, offset int) string {
	rest := sql[offset:]
	n := 0
	for i := range rest {
		if n == 80 {
			rest = rest[:i]
			break
		}
		n++
	}
	return strings.ToValidUTF8(rest, string(utf8.RuneError))
}

// lineAt returns the 1-based line of byte offset in sql.
func lineAt(sql string, offset int) int {
	return 1 + strings.Count(sql[:offset], "\n")
}

// parseErrorOffset returns the byte offset in sql where the token a parse error points at starts.
// sqlparser reports Pos as 1 + the offset just past that token, and Near as its text (empty for
// punctuation and at the end of input).
func parseErrorOffset(sql string, pe sqlparser.PositionedErr) int {
	end := max(0, min(pe.Pos-1, len(sql)))
	if pe.Near == "" {
		if end >= len(sql) {
			return len(sql)
		}
		return max(0, end-1)
	}
	i := strings.LastIndex(sql[:end], pe.Near)
	if i < 0 {
		return end
	}
	if i > 0 && strings.IndexByte("'\"`", sql[i-1]) >= 0 {
		i-- // a quoted string or identifier: point at its opening quote
	}
	return i
}

// parseError turns an error of sqlparser on sql into ERROR 1064.
func parseError(sql string, err error) *sqlerror.SQLError {
	var pe sqlparser.PositionedErr
	if errors.As(err, &pe) {
		return SyntaxError(sql, parseErrorOffset(sql, pe)).vitess()
	}
	return sqlerror.NewSQLErrorf(sqlerror.ERParseError, sqlerror.SSClientError,
		"You have an error in your SQL syntax; %v", err)
}

func (e *SQLError) vitess() *sqlerror.SQLError {
	return sqlerror.NewSQLError(sqlerror.ErrorCode(e.Num), e.state(), e.Message)
}

// errServerClosing is the error of a query interrupted because the server closes.
var errServerClosing = sqlerror.NewSQLError(sqlerror.ERServerShutdown, "08S01", "Server shutdown in progress")

// backendError converts an error of a Session method into the MySQL error the client sees.
// sql is the statement the method was given, if any, to position syntax errors in.
func backendError(err error, sql string, serverCtx context.Context) *sqlerror.SQLError {
	var own *SQLError
	if errors.As(err, &own) {
		return own.vitess()
	}
	var vt *sqlerror.SQLError
	if errors.As(err, &vt) {
		return vt
	}
	var pe sqlparser.PositionedErr
	if sql != "" && errors.As(err, &pe) {
		return SyntaxError(sql, parseErrorOffset(sql, pe)).vitess()
	}
	if serverCtx.Err() != nil && errors.Is(err, context.Canceled) {
		return errServerClosing
	}
	return sqlerror.NewSQLError(sqlerror.ERUnknownError, sqlerror.SSUnknownSQLState, err.Error())
}

// Errors the server itself answers with.

func errUnsupported(what string) *sqlerror.SQLError {
	return sqlerror.NewSQLErrorf(sqlerror.ERNotSupportedYet, sqlerror.SSClientError,
		"localscale supports schema statements only: %s is not supported "+
			"(supported: CREATE/ALTER/DROP/RENAME TABLE, CREATE/DROP INDEX, CREATE/ALTER/DROP VIEW, "+
			"SHOW [FULL] TABLES, SHOW CREATE TABLE|VIEW, SHOW DATABASES|VARIABLES|WARNINGS, USE, SET, SELECT without FROM)", what)
}

func errUnknownDatabase(db string) *sqlerror.SQLError {
	return sqlerror.NewSQLErrorf(sqlerror.ERBadDb, sqlerror.SSClientError, "Unknown database '%s'", db)
}

func errUnknownSysVar(name string) *sqlerror.SQLError {
	return sqlerror.NewSQLErrorf(sqlerror.ERUnknownSystemVariable, sqlerror.SSUnknownSQLState, "Unknown system variable '%s'", name)
}

var errEmptyQuery = sqlerror.NewSQLError(sqlerror.EREmptyQuery, sqlerror.SSClientError, "Query was empty")
