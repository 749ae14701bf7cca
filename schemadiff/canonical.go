package schemadiff

import (
	"fmt"
	"strings"

	"vitess.io/vitess/go/mysql/collations"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// The passes here bring a CREATE TABLE (or the column definitions of an ALTER
// TABLE) to the form MySQL stores, where the Vitess normalisation does not:
// quoted charset and collation names, a column's explicit charset and
// collation against the table's, the BINARY attribute, year(4), inline
// UNIQUE/KEY, and an index prefix as long as its column. They run before
// Vitess builds the entity, because Vitess' own column normalisation assumes
// utf8mb4 defaults (a latin1 column would get utf8mb4_0900_ai_ci).

// columnDefinitions returns the column definitions a statement declares:
// all of a CREATE TABLE's, and those ALTER TABLE adds, modifies or changes.
func columnDefinitions(stmt sqlparser.Statement) []*sqlparser.ColumnDefinition {
	var out []*sqlparser.ColumnDefinition
	switch s := stmt.(type) {
	case *sqlparser.CreateTable:
		if s.TableSpec != nil {
			out = append(out, s.TableSpec.Columns...)
		}
	case *sqlparser.AlterTable:
		for _, o := range s.AlterOptions {
			switch o := o.(type) {
			case *sqlparser.AddColumns:
				out = append(out, o.Columns...)
			case *sqlparser.ModifyColumn:
				out = append(out, o.NewColDefinition)
			case *sqlparser.ChangeColumn:
				out = append(out, o.NewColDefinition)
			}
		}
	}
	return out
}

// unquoteName turns a quoted charset or collation name ('utf8mb4', as the
// parser keeps it) into the bare, lower-case name.
func unquoteName(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		q := string(s[0])
		s = strings.ReplaceAll(s[1:len(s)-1], q+q, q)
	}
	return strings.ToLower(s)
}

// charsetCollate is a table's default character set and collation.
type charsetCollate struct{ charset, collate string }

// canonicalCharsets settles a table's character set and collation and those
// of its columns, as MySQL resolves them. The table options become explicit
// whenever they are not the server default (so Vitess compares columns
// against the right defaults); each textual column keeps its charset only
// where it differs from the table's and its collation is that charset's
// default, else only its collation (which names the charset), else neither.
func canonicalCharsets(env *collations.Environment, def collations.ID, stmt *sqlparser.CreateTable) {
	if stmt.TableSpec == nil {
		return
	}
	tc := canonicalTableCharset(env, def, stmt)
	for _, col := range stmt.TableSpec.Columns {
		canonicalColumnCharset(env, col, tc)
	}
}

// canonicalTableCharset makes a table's charset and collation options
// explicit where they are not the server default, and returns them.
func canonicalTableCharset(env *collations.Environment, def collations.ID, stmt *sqlparser.CreateTable) charsetCollate {
	var csOpt, collOpt *sqlparser.TableOption
	for _, o := range stmt.TableSpec.Options {
		switch strings.ToLower(o.Name) {
		case "charset", "character set", "default charset", "default character set":
			o.String = canonicalCharsetName(env, unquoteName(o.String))
			csOpt = o
		case "collate", "default collate":
			o.String = canonicalCollationName(env, unquoteName(o.String))
			collOpt = o
		}
	}
	tc := charsetCollate{charset: env.LookupCharsetName(def), collate: env.LookupName(def)}
	switch {
	case csOpt != nil && collOpt != nil:
		tc = charsetCollate{csOpt.String, collOpt.String}
	case csOpt != nil:
		tc.charset = csOpt.String
		if id := env.DefaultCollationForCharset(tc.charset); id != collations.Unknown {
			tc.collate = env.LookupName(id)
			if id != def {
				stmt.TableSpec.Options = append(stmt.TableSpec.Options, &sqlparser.TableOption{Name: "COLLATE", String: tc.collate, CaseSensitive: true})
			}
		}
	case collOpt != nil:
		tc.collate = collOpt.String
		if cs := env.LookupCharsetName(env.LookupByName(tc.collate)); cs != "" {
			tc.charset = cs
			if cs != env.LookupCharsetName(def) {
				stmt.TableSpec.Options = append(stmt.TableSpec.Options, &sqlparser.TableOption{Name: "CHARSET", String: cs, CaseSensitive: true})
			}
		}
	}
	return tc
}

// tableCharset returns a table's charset and collation as canonicalCharsets
// settles them, without changing the table.
func tableCharset(env *collations.Environment, def collations.ID, stmt *sqlparser.CreateTable) charsetCollate {
	if stmt.TableSpec == nil {
		return charsetCollate{charset: env.LookupCharsetName(def), collate: env.LookupName(def)}
	}
	return canonicalTableCharset(env, def, sqlparser.Clone(stmt))
}

func canonicalCharsetName(env *collations.Environment, cs string) string {
	if a, ok := env.CharsetAlias(cs); ok {
		return a
	}
	return cs
}

func canonicalCollationName(env *collations.Environment, coll string) string {
	if a, ok := env.CollationAlias(coll); ok {
		return a
	}
	return coll
}

// canonicalColumnCharset settles one column's charset and collation against
// its table's (tc). Names it does not know are left as written, for Vitess to
// report.
func canonicalColumnCharset(env *collations.Environment, col *sqlparser.ColumnDefinition, tc charsetCollate) {
	if col == nil || col.Type == nil {
		return
	}
	cs := canonicalCharsetName(env, unquoteName(col.Type.Charset.Name))
	var coll string
	if col.Type.Options != nil {
		coll = canonicalCollationName(env, unquoteName(col.Type.Options.Collate))
	}
	col.Type.Charset.Name = cs
	if col.Type.Options != nil {
		col.Type.Options.Collate = coll
	}
	if !textualColumnTypes[strings.ToLower(col.Type.Type)] || cs == "binary" {
		return
	}
	if col.Type.Charset.Binary {
		// BINARY is the binary collation of the column's charset.
		base := cs
		if base == "" {
			base = tc.charset
		}
		if env.LookupByName(base+"_bin") == collations.Unknown {
			return
		}
		col.Type.Charset.Binary = false
		coll = base + "_bin"
	}
	if cs == "" && coll == "" {
		return
	}
	if cs == "" {
		if cs = env.LookupCharsetName(env.LookupByName(coll)); cs == "" {
			return
		}
	}
	if coll == "" {
		id := env.DefaultCollationForCharset(cs)
		if id == collations.Unknown {
			return
		}
		coll = env.LookupName(id)
	}
	if col.Type.Options == nil {
		col.Type.Options = &sqlparser.ColumnTypeOptions{}
	}
	switch {
	case cs == tc.charset && coll == tc.collate:
		col.Type.Charset.Name, col.Type.Options.Collate = "", ""
	case cs == tc.charset:
		col.Type.Charset.Name, col.Type.Options.Collate = "", coll
	case env.DefaultCollationForCharset(cs) == env.LookupByName(coll):
		col.Type.Charset.Name, col.Type.Options.Collate = cs, ""
	default:
		// A collation names its charset: MySQL's CHARACTER SET latin1 COLLATE
		// latin1_bin and COLLATE latin1_bin are one column type.
		col.Type.Charset.Name, col.Type.Options.Collate = "", coll
	}
}

// textualColumnTypes are the types that have a charset and collation.
var textualColumnTypes = map[string]bool{"char": true, "varchar": true, "tinytext": true, "text": true,
	"mediumtext": true, "longtext": true, "enum": true, "set": true}

// canonicalColumnTypes fixes what Vitess keeps as written in a column type:
// year(4) is year (the only width MySQL 8 has), and a synonym the parser
// reads (integer, numeric) is stored under its canonical name.
func canonicalColumnTypes(stmt sqlparser.Statement) {
	for _, col := range columnDefinitions(stmt) {
		if col == nil || col.Type == nil {
			continue
		}
		switch strings.ToLower(col.Type.Type) {
		case "year":
			col.Type.Length = nil
		case "integer":
			col.Type.Type = "int"
		case "numeric":
			col.Type.Type = "decimal"
		}
	}
}

// inlineKeys turns the key attributes of column definitions into what MySQL
// makes of them: UNIQUE [KEY] is a unique index named after the column, and
// a bare KEY is PRIMARY KEY. existing names the table's indexes (an inline
// unique key takes the first free name: col, col_2, ...). It returns the
// unique indexes to add.
func inlineKeys(cols []*sqlparser.ColumnDefinition, existing map[string]bool) []*sqlparser.IndexDefinition {
	var out []*sqlparser.IndexDefinition
	for _, col := range cols {
		if col == nil || col.Type == nil || col.Type.Options == nil {
			continue
		}
		switch col.Type.Options.KeyOpt {
		case sqlparser.ColKey:
			col.Type.Options.KeyOpt = sqlparser.ColKeyPrimary
		case sqlparser.ColKeyUnique, sqlparser.ColKeyUniqueKey:
			col.Type.Options.KeyOpt = sqlparser.ColKeyNone
			name := col.Name.String()
			for n := 2; existing[strings.ToLower(name)] || strings.EqualFold(name, "primary"); n++ {
				name = fmt.Sprintf("%s_%d", col.Name.String(), n)
			}
			existing[strings.ToLower(name)] = true
			out = append(out, &sqlparser.IndexDefinition{
				Info:    &sqlparser.IndexInfo{Type: sqlparser.IndexTypeUnique, Name: sqlparser.NewIdentifierCI(name)},
				Columns: []*sqlparser.IndexColumn{{Column: col.Name}},
			})
		}
	}
	return out
}

// indexNames returns the lower-cased names of a table's named indexes.
func indexNames(stmt *sqlparser.CreateTable) map[string]bool {
	out := map[string]bool{}
	if stmt == nil || stmt.TableSpec == nil {
		return out
	}
	for _, idx := range stmt.TableSpec.Indexes {
		if idx.Info != nil && idx.Info.Name.String() != "" {
			out[idx.Info.Name.Lowered()] = true
		}
	}
	return out
}

// fullLengthPrefixes drops an index prefix that covers the whole column
// (KEY (name(40)) on varchar(40)): MySQL stores that as an index on the
// column.
func fullLengthPrefixes(stmt *sqlparser.CreateTable) bool {
	if stmt.TableSpec == nil {
		return false
	}
	lengths := map[string]int{}
	for _, col := range stmt.TableSpec.Columns {
		switch strings.ToLower(col.Type.Type) {
		case "char", "varchar", "binary", "varbinary":
			if col.Type.Length != nil {
				lengths[col.Name.Lowered()] = *col.Type.Length
			}
		}
	}
	changed := false
	for _, idx := range stmt.TableSpec.Indexes {
		for _, c := range idx.Columns {
			if c.Length == nil || c.Expression != nil {
				continue
			}
			if n, ok := lengths[c.Column.Lowered()]; ok && *c.Length == n {
				c.Length = nil
				changed = true
			}
		}
	}
	return changed
}

// canonicalCreate applies every pass to a CREATE TABLE, in place.
func (b *Builder) canonicalCreate(stmt *sqlparser.CreateTable) {
	if stmt.TableSpec == nil {
		return
	}
	env := b.s.env.vitess
	canonicalColumnTypes(stmt)
	if keys := inlineKeys(stmt.TableSpec.Columns, indexNames(stmt)); len(keys) > 0 {
		stmt.TableSpec.Indexes = append(keys, stmt.TableSpec.Indexes...)
	}
	canonicalCharsets(env.CollationEnv(), env.DefaultColl, stmt)
	fullLengthPrefixes(stmt)
}

// canonicalAlter applies the column passes to the definitions an ALTER TABLE
// brings, against the table t it alters, in place: inline unique keys become
// ADD UNIQUE KEY options.
func (b *Builder) canonicalAlter(t *vsd.CreateTableEntity, alter *sqlparser.AlterTable) {
	env := b.s.env.vitess
	canonicalColumnTypes(alter)
	cols := columnDefinitions(alter)
	if len(cols) == 0 {
		return
	}
	tc := tableCharset(env.CollationEnv(), env.DefaultColl, t.CreateTable)
	for _, col := range cols {
		canonicalColumnCharset(env.CollationEnv(), col, tc)
	}
	for _, k := range inlineKeys(cols, indexNames(t.CreateTable)) {
		alter.AlterOptions = append(alter.AlterOptions, &sqlparser.AddIndexDefinition{IndexDefinition: k})
	}
}

// recanonical runs the table passes again on the result of an ALTER TABLE
// that changed the table's options or indexes (a charset, a collation, an
// index prefix): Vitess applies those as written.
func (b *Builder) recanonical(t *vsd.CreateTableEntity, opts []sqlparser.AlterOption) (*vsd.CreateTableEntity, error) {
	needs := false
	for _, o := range opts {
		switch o.(type) {
		case sqlparser.TableOptions, *sqlparser.AddIndexDefinition, *sqlparser.AlterCharset:
			needs = true
		}
	}
	if !needs {
		return t, nil
	}
	stmt := sqlparser.Clone(t.CreateTable)
	b.canonicalCreate(stmt)
	return vsd.NewCreateTableEntity(b.s.env.vitess, stmt)
}
