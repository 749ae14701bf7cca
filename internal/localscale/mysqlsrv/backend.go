package mysqlsrv

import (
	"context"
	"errors"
)

// Backend resolves credentials to a branch session. localscale's store implements it.
//
// Its methods are called concurrently from many connections.
type Backend interface {
	// Authenticate returns the session that user opens when verify accepts the user's password.
	//
	// The client proves it knows the password without sending it (mysql_native_password), so the
	// backend looks up the plaintext password(s) registered for user and calls verify on each
	// candidate; verify reports whether the candidate is the one the client used. When there is no
	// such user or no candidate is accepted, Authenticate returns an error (any error; the client sees
	// ERROR 1045 access denied, unless the error is an *SQLError, which is sent as is).
	//
	// ctx is canceled when the server closes.
	Authenticate(ctx context.Context, user string, verify Verifier) (Session, error)
}

// Verifier reports whether password is the plaintext password the connecting client used.
// It is safe to call any number of times, from the goroutine Authenticate runs on.
type Verifier func(password string) bool

// Session is one connection's view of a branch. A connection calls its session's methods from one
// goroutine at a time, but sessions of the same branch are used concurrently.
//
// If a Session also implements io.Closer, Close is called once when its connection ends.
type Session interface {
	// Database returns the name of the database the branch belongs to.
	Database() string
	// Tables returns the branch's tables and views, sorted by name.
	Tables(ctx context.Context) ([]Object, error)
	// ShowCreate returns the kind (KindTable or KindView) of the table or view called name and its
	// CREATE statement, as SHOW CREATE TABLE prints it. When there is no such table or view, it returns an error that
	// wraps ErrNotFound (the client sees ERROR 1146).
	ShowCreate(ctx context.Context, name string) (kind Kind, create string, err error)
	// ExecDDL applies one DDL statement (CREATE/ALTER/DROP/RENAME TABLE, CREATE/DROP INDEX,
	// CREATE/ALTER/DROP VIEW), given as the client sent it without a trailing semicolon, to the
	// branch's schema. Return an *SQLError to choose the MySQL error the client sees, for example
	// DirectDDLDisabled on a branch with safe migrations.
	ExecDDL(ctx context.Context, sql string) error
}

// Kind tells a table from a view.
type Kind string

// Kinds of schema objects.
const (
	KindTable Kind = "table"
	KindView  Kind = "view"
)

// Object names a table or a view.
type Object struct {
	Name string // as SHOW TABLES prints it
	Kind Kind   // KindTable or KindView
}

// ErrNotFound is what Session.ShowCreate wraps when there is no table or view of the given name.
var ErrNotFound = errors.New("mysqlsrv: no such table or view")
