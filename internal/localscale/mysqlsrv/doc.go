// Package mysqlsrv is the MySQL-protocol endpoint of localscale, the PlanetScale emulator.
//
// A [Server] speaks the MySQL wire protocol through Vitess' server library (vitess.io/vitess/go/mysql)
// and answers the schema statements the bot sends to a branch. It knows nothing about localscale's
// store: everything branch-specific goes through the [Backend] and [Session] interfaces, which the
// store implements.
//
// # Authentication
//
// The server offers mysql_native_password, which github.com/go-sql-driver/mysql completes with its
// default settings over plain TCP (caching_sha2_password would need TLS or an RSA key exchange for a
// full authentication, which Vitess' server only does over TLS). The client sends a SHA-1 scramble of
// the password, so the check needs the plaintext: [Backend.Authenticate] receives the user name and a
// [Verifier] that tells whether a candidate plaintext password matches what the client sent. A wrong
// password, an unknown user or any non-[SQLError] error from the backend gives
// ERROR 1045 (28000) "Access denied for user 'u'@'host' (using password: YES)".
//
// # Statements
//
// Statements are classified with Vitess' sqlparser (case-insensitive; comments and a trailing semicolon
// are allowed):
//
//   - SET ... (any form; accepted, no effect), BEGIN / START TRANSACTION / COMMIT / ROLLBACK (no effect:
//     DDL is not transactional in MySQL either).
//   - USE db and COM_INIT_DB: only the session's database; any other name gives
//     ERROR 1049 (42000) "Unknown database". The connection starts in the session's database even
//     without USE, since a branch password is scoped to one database.
//   - SELECT without FROM (or FROM DUAL) of literals, system variables (@@max_allowed_packet,
//     @@version, @@version_comment, @@session.transaction_isolation, ...; unknown ones give
//     ERROR 1193), user variables (NULL), DATABASE(), SCHEMA(), VERSION(), CONNECTION_ID(), USER(),
//     CURRENT_USER().
//   - SHOW [FULL] TABLES [FROM db] [LIKE 'pattern'], SHOW CREATE TABLE t, SHOW CREATE VIEW v,
//     SHOW DATABASES, SHOW [GLOBAL|SESSION] VARIABLES [LIKE 'pattern'], SHOW WARNINGS (always empty).
//   - DDL: CREATE/ALTER/DROP/RENAME TABLE, CREATE/DROP INDEX, CREATE/ALTER/DROP VIEW go to
//     [Session.ExecDDL] with the statement's text (without the trailing semicolon).
//   - Anything else gives ERROR 1235 (42000) "localscale supports schema statements only: ...".
//
// A syntax error gives ERROR 1064 (42000) in MySQL's shape: "You have an error in your SQL syntax; check
// the manual that corresponds to your MySQL server version for the right syntax to use near '...' at
// line N". An empty query gives ERROR 1065 (42000) "Query was empty". Prepared statements
// (COM_STMT_PREPARE) give ERROR 1295 (HY000); use go-sql-driver's default text protocol (queries without
// arguments, or interpolateParams=true).
//
// # Multiple statements
//
// A client that enables multi-statements (CLIENT_MULTI_STATEMENTS; multiStatements=true in
// go-sql-driver's DSN) may send several statements in one query: Vitess splits them and they run one by
// one, stopping at the first error, as in MySQL (line numbers in errors then count from the start of
// the failing statement). Without that capability, a query holding more than one statement is rejected
// with ERROR 1064 (42000) naming where the second statement starts, and nothing runs.
//
// # Errors
//
// A backend chooses the MySQL error the client sees by returning an [*SQLError] (see [NewError],
// [DirectDDLDisabled], [NoSuchTable], [TableExists], [UnknownColumn], [SyntaxError]). A
// sqlparser.PositionedErr from [Session.ExecDDL] becomes ERROR 1064 positioned in the statement text,
// [ErrNotFound] from [Session.ShowCreate] becomes ERROR 1146, and any other error becomes
// ERROR 1105 (HY000) with the error's text. A panic while answering a query is recovered, logged and
// returned as ERROR 1105; the connection stays usable.
package mysqlsrv
