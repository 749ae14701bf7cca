package localscale

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// schemas holds every schema the state refers to, by content hash. Schemas are
// immutable: a change builds a new one, so branches share them freely.
type schemas struct {
	env    *schemadiff.Env
	byHash map[string]*schemadiff.Schema
	stmts  map[string][]string
}

func newSchemas(env *schemadiff.Env) *schemas {
	return &schemas{env: env, byHash: map[string]*schemadiff.Schema{}, stmts: map[string][]string{}}
}

func hashStatements(stmts []string) string {
	h := sha256.New()
	for _, s := range stmts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// put stores a valid schema and returns its hash.
func (c *schemas) put(s *schemadiff.Schema) string {
	stmts := s.CreateStatements()
	h := hashStatements(stmts)
	if _, ok := c.byHash[h]; !ok {
		c.byHash[h] = s
		c.stmts[h] = stmts
	}
	return h
}

// get returns the schema of a hash (an empty schema for "").
func (c *schemas) get(h string) *schemadiff.Schema {
	if s, ok := c.byHash[h]; ok {
		return s
	}
	if h == "" {
		s, _ := c.env.NewBuilder().Finish()
		return s
	}
	return nil
}

// load rebuilds a schema from its CREATE statements (from the state file).
func (c *schemas) load(h string, stmts []string) error {
	s, err := c.env.LoadCreateStatements(stmts)
	if err != nil {
		return fmt.Errorf("schema %s: %w", h, err)
	}
	c.byHash[h] = s
	c.stmts[h] = stmts
	return nil
}

// gc forgets the schemas no longer referenced.
func (c *schemas) gc(keep map[string]bool) {
	for h := range c.byHash {
		if !keep[h] {
			delete(c.byHash, h)
			delete(c.stmts, h)
		}
	}
}

// emptyHash is the hash of a schema without entities.
func (c *schemas) emptyHash() string {
	s, _ := c.env.NewBuilder().Finish()
	return c.put(s)
}

// loadSchemaDir loads a declarative schema folder or a migrations folder.
func loadSchemaDir(env *schemadiff.Env, fsys fs.FS, dir string) (*schemadiff.Schema, error) {
	if dir == "" {
		dir = "."
	}
	if schemadiff.IsMigrationsDir(fsys, dir) {
		s, _, err := env.LoadMigrations(fsys, dir, schemadiff.FormatAuto)
		return s, err
	}
	return env.LoadDeclarative(fsys, dir)
}

// mysqlCreate renders a canonical CREATE statement the way MySQL's SHOW CREATE
// TABLE lays it out: two-space indentation and `NAME=value` table options.
// The text parses back to the same schema.
func mysqlCreate(env *schemadiff.Env, stmt string) string {
	ast, err := env.Parser().ParseStrictDDL(stmt)
	if err != nil {
		return stmt
	}
	ct, ok := ast.(*sqlparser.CreateTable)
	if !ok || ct.TableSpec == nil {
		return stmt
	}
	ct = sqlparser.Clone(ct)
	opts := ct.TableSpec.Options
	if ct.TableSpec.PartitionOption != nil {
		opts = nil
	} else {
		ct.TableSpec.Options = nil
	}
	var parts []string
	for _, o := range opts {
		name := strings.ToUpper(o.Name)
		var val string
		switch {
		case o.String != "":
			val = o.String
		case o.Value != nil:
			val = sqlparser.CanonicalString(o.Value)
		default:
			return strings.ReplaceAll(stmt, "\n\t", "\n  ")
		}
		switch name {
		case "CHARSET", "CHARACTER SET", "DEFAULT CHARSET":
			name = "DEFAULT CHARSET"
		}
		parts = append(parts, name+"="+val)
	}
	out := strings.ReplaceAll(sqlparser.CanonicalString(ct), "\n\t", "\n  ")
	if len(parts) > 0 {
		out += " " + strings.Join(parts, " ")
	}
	return out
}

// entityNames lists the tables, then the views, of a schema.
func entityNames(s *schemadiff.Schema) (tables, views []string) {
	for _, t := range s.Tables() {
		tables = append(tables, t.Name())
	}
	for _, v := range s.Views() {
		views = append(views, v.Name())
	}
	return tables, views
}

// createStatement returns the CREATE statement of one entity as MySQL prints it.
func createStatement(s *schemadiff.Schema, name string) (string, bool) {
	if t := s.Table(name); t != nil {
		return mysqlCreate(s.Env(), sqlparser.CanonicalString(t.Create().Statement())), true
	}
	if v := s.View(name); v != nil {
		return sqlparser.CanonicalString(v.Create().Statement()), true
	}
	return "", false
}
