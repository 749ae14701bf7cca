package schemadiff

import (
	"fmt"
	"regexp"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
	"vitess.io/vitess/go/vt/vtenv"
)

// DefaultMySQLVersion is the server version assumed when none is configured:
// the MySQL 8.0 line PlanetScale runs.
const DefaultMySQLVersion = "8.0.40"

var reVersion = regexp.MustCompile(`^(5\.7|8\.[0-4])(\.\d{1,3})?$`)

// Env is a parser and a Vitess schemadiff environment for one MySQL version.
// It is safe for concurrent use once built.
type Env struct {
	mysqlVersion string
	parser       *sqlparser.Parser
	vitess       *vsd.Environment
	// lean: see Lean.
	lean bool
}

// Lean returns the environment for callers that diff schemas and never lint
// them: the schemas it loads keep each statement's text, kind and origin,
// but not its parse tree once applied, so applying a statement need not
// copy the tree to keep it as written. That is a third less memory and the
// copies' time.
func (e *Env) Lean() *Env {
	c := *e
	c.lean = true
	return &c
}

// NewEnv builds an environment for a MySQL version such as "8.0.40" or "8.4"
// ("" means DefaultMySQLVersion).
func NewEnv(mysqlVersion string) (*Env, error) {
	if mysqlVersion == "" {
		mysqlVersion = DefaultMySQLVersion
	}
	if !reVersion.MatchString(mysqlVersion) {
		return nil, fmt.Errorf("unsupported MySQL version %q (want 5.7, 8.0.x, 8.4 or similar)", mysqlVersion)
	}
	full := mysqlVersion
	if strings.Count(full, ".") == 1 {
		full += ".0"
	}
	venv, err := vtenv.New(vtenv.Options{MySQLServerVersion: full})
	if err != nil {
		return nil, fmt.Errorf("vitess environment for MySQL %s: %w", mysqlVersion, err)
	}
	coll := venv.CollationEnv().DefaultConnectionCharset()
	return &Env{mysqlVersion: full, parser: venv.Parser(), vitess: vsd.NewEnv(venv, coll)}, nil
}

// MySQLVersion is the full server version this environment models.
func (e *Env) MySQLVersion() string { return e.mysqlVersion }

// Parser is the Vitess parser for this version.
func (e *Env) Parser() *sqlparser.Parser { return e.parser }

// Vitess is the underlying schemadiff environment.
func (e *Env) Vitess() *vsd.Environment { return e.vitess }
