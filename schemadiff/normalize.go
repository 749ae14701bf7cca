package schemadiff

import (
	"math/big"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// The builder keeps tables the way MySQL 8 prints them back (SHOW CREATE
// TABLE, and so PlanetScale's schema endpoint), so that a schema read from the
// repository and the same schema read from a branch compare equal.

// quoteNumericDefaults rewrites numeric literal defaults as MySQL 8 stores
// them: quoted strings, decimals padded to the column's scale (DEFAULT 0 on
// decimal(18,4) reads back as DEFAULT '0.0000'), TRUE/FALSE as '1'/'0'. It
// reports whether it changed anything.
func quoteNumericDefaults(stmt *sqlparser.CreateTable) bool {
	changed := false
	for _, col := range stmt.TableSpec.Columns {
		opts := col.Type.Options
		if opts == nil || opts.Default == nil {
			continue
		}
		text, ok := numericLiteral(opts.Default)
		if !ok || !quotesNumericDefault(col.Type.Type) {
			continue
		}
		if t := strings.ToLower(col.Type.Type); (t == "decimal" || t == "numeric") && col.Type.Scale != nil {
			if r, ok := new(big.Rat).SetString(text); ok {
				text = r.FloatString(*col.Type.Scale)
			}
		}
		opts.Default = sqlparser.NewStrLiteral(text)
		changed = true
	}
	return changed
}

// quotesNumericDefault reports whether MySQL 8 prints a numeric default of a
// column type as a quoted number: numbers and strings do; temporal types turn
// the number into a date (0 is '0000-00-00 00:00:00') and bit prints b'...'.
func quotesNumericDefault(typ string) bool {
	switch strings.ToLower(typ) {
	case "tinyint", "bool", "boolean", "smallint", "mediumint", "int", "integer", "bigint",
		"decimal", "numeric", "float", "double", "real", "year",
		"char", "varchar", "binary", "varbinary":
		return true
	}
	return false
}

// numericLiteral returns the text of a numeric or boolean literal default.
func numericLiteral(e sqlparser.Expr) (string, bool) {
	switch e := e.(type) {
	case *sqlparser.Literal:
		switch e.Type {
		case sqlparser.IntVal, sqlparser.DecimalVal, sqlparser.FloatVal:
			return e.Val, true
		}
	case sqlparser.BoolVal:
		if e {
			return "1", true
		}
		return "0", true
	case *sqlparser.UnaryExpr:
		if e.Operator == sqlparser.UMinusOp {
			if s, ok := numericLiteral(e.Expr); ok && !strings.HasPrefix(s, "-") {
				return "-" + s, true
			}
		}
	}
	return "", false
}

// normalizeTable returns the table as MySQL would print it, building a new
// entity only when something changes.
func (b *Builder) normalizeTable(t *vsd.CreateTableEntity) (*vsd.CreateTableEntity, error) {
	pk := primaryKeyColumns(t.CreateTable)
	needs := false
	for _, col := range t.TableSpec.Columns {
		if pk[col.Name.Lowered()] && (col.Type.Options == nil || col.Type.Options.Null == nil || *col.Type.Options.Null) {
			needs = true
			break
		}
		if col.Type.Options != nil && col.Type.Options.Default != nil && quotesNumericDefault(col.Type.Type) {
			if _, ok := numericLiteral(col.Type.Options.Default); ok {
				needs = true
				break
			}
		}
	}
	if !needs {
		return t, nil
	}
	stmt := sqlparser.Clone(t.CreateTable)
	quoteNumericDefaults(stmt)
	notNullPrimaryKey(stmt, pk)
	return vsd.NewCreateTableEntity(b.s.env.vitess, stmt)
}

// primaryKeyColumns returns the (lower-cased) columns of the primary key,
// declared in the index list or inline on a column.
func primaryKeyColumns(stmt *sqlparser.CreateTable) map[string]bool {
	out := map[string]bool{}
	for _, idx := range stmt.TableSpec.Indexes {
		if idx.Info != nil && idx.Info.Type == sqlparser.IndexTypePrimary {
			for _, c := range idx.Columns {
				out[c.Column.Lowered()] = true
			}
		}
	}
	for _, col := range stmt.TableSpec.Columns {
		if col.Type.Options != nil && col.Type.Options.KeyOpt == sqlparser.ColKeyPrimary {
			out[col.Name.Lowered()] = true
		}
	}
	return out
}

// notNullPrimaryKey spells out NOT NULL on primary key columns: MySQL makes
// them NOT NULL and prints it, while Vitess keeps an inline PRIMARY KEY
// column without it, which would diff as a change.
func notNullPrimaryKey(stmt *sqlparser.CreateTable, pk map[string]bool) {
	for _, col := range stmt.TableSpec.Columns {
		if !pk[col.Name.Lowered()] {
			continue
		}
		if col.Type.Options == nil {
			col.Type.Options = &sqlparser.ColumnTypeOptions{}
		}
		notNull := false
		col.Type.Options.Null = &notNull
	}
}

// normalizeView drops what depends on who created a view (DEFINER) rather
// than on what it is.
func normalizeView(v *sqlparser.CreateView) {
	v.Definer = nil
}

// declaredIndexes returns the names of the indexes a statement writes out
// (lower-cased): CREATE TABLE's index definitions, ALTER TABLE's ADD INDEX
// (CREATE INDEX parses as one).
func declaredIndexes(stmt sqlparser.Statement) []string {
	var out []string
	add := func(d *sqlparser.IndexDefinition) {
		if d != nil && d.Info != nil && !d.Info.Name.IsEmpty() {
			out = append(out, d.Info.Name.Lowered())
		}
	}
	switch s := stmt.(type) {
	case *sqlparser.CreateTable:
		if s.TableSpec != nil {
			for _, d := range s.TableSpec.Indexes {
				add(d)
			}
		}
	case *sqlparser.AlterTable:
		for _, o := range s.AlterOptions {
			if a, ok := o.(*sqlparser.AddIndexDefinition); ok {
				add(a.IndexDefinition)
			}
		}
	}
	return out
}

// dropSupersededFKIndexes drops the indexes Vitess adds for a foreign key
// (named after the constraint) when another index serves that foreign key:
// MySQL drops such an implicitly created index as soon as another index can
// serve the foreign key, and never creates one when one exists. Indexes the
// statements declared themselves are kept.
func (b *Builder) dropSupersededFKIndexes(t *vsd.CreateTableEntity, declared map[string]bool) (*vsd.CreateTableEntity, error) {
	keys := t.IndexDefinitionEntities()
	drop := map[string]bool{}
	for _, con := range t.TableSpec.Constraints {
		fk, ok := con.Details.(*sqlparser.ForeignKeyDefinition)
		if !ok || con.Name.IsEmpty() || declared[con.Name.Lowered()] {
			continue
		}
		var cols []string
		for _, c := range fk.Source {
			cols = append(cols, c.Lowered())
		}
		want := strings.Join(cols, ",")
		var implicit *vsd.IndexDefinitionEntity
		for _, k := range keys {
			if k.NameLowered() == con.Name.Lowered() && strings.ToLower(strings.Join(k.ColumnNames(), ",")) == want {
				implicit = k
			}
		}
		if implicit == nil {
			continue
		}
		for _, o := range keys {
			if o == implicit || drop[o.NameLowered()] || o.HasExpression() {
				continue
			}
			oc := strings.ToLower(strings.Join(o.ColumnNames(), ","))
			if oc == want || strings.HasPrefix(oc, want+",") {
				drop[implicit.NameLowered()] = true
				break
			}
		}
	}
	if len(drop) == 0 {
		return t, nil
	}
	stmt := sqlparser.Clone(t.CreateTable)
	var idx []*sqlparser.IndexDefinition
	for _, d := range stmt.TableSpec.Indexes {
		if !drop[d.Info.Name.Lowered()] {
			idx = append(idx, d)
		}
	}
	stmt.TableSpec.Indexes = idx
	return vsd.NewCreateTableEntity(b.s.env.vitess, stmt)
}
