package lint

import (
	"iter"
	"regexp"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleBlobInUniqueKey = &Rule{
	ID:              "blob-in-unique-key",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "BLOB_IN_UNIQUE_KEY",
	Summary:         "A PRIMARY KEY (or, in a table without one, a UNIQUE key) that includes a TEXT or BLOB column.",
	Why: "PlanetScale's online schema changes identify rows by the primary key, or by a unique key when there is no primary key. " +
		"TEXT and BLOB values can be large and are indexed only by a prefix, so PlanetScale rejects them in that key. " +
		"A UNIQUE key with such a column is accepted, and not reported, when the table has a primary key or another UNIQUE key that can identify rows; " +
		"when it has neither, `no-unique-key` reports the table as well.",
	Fix: "Give the table a surrogate primary key (`id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY`) or key on a bounded VARCHAR/VARBINARY column. " +
		"If the text must be unique, add a hash column (`body_sha256 binary(32)`) with a UNIQUE key on it.",
	Check: func(p *Pass) {
		for kc := range identityKeyColumns(p) {
			c := kc.column
			if c == nil || !c.HasBlobTypeStorage() {
				continue
			}
			p.Report(locateKeyColumn(p, kc.table, kc.key, kc.part.Column.String()), "%s of table %s includes %s column %s: PlanetScale does not accept TEXT or BLOB columns in the key that identifies rows",
				keyLabel(kc.key), Quote(kc.table.Name()), strings.ToUpper(c.Type()), Quote(c.Name()))
		}
	},
}

func init() { register(ruleBlobInUniqueKey) }

// identityKeyColumn is a column an identity key (identityKeys) names.
type identityKeyColumn struct {
	table *vsd.CreateTableEntity
	key   *vsd.IndexDefinitionEntity
	part  *sqlparser.IndexColumn
	// column is the table's definition of the column, nil when it has none.
	column *vsd.ColumnDefinitionEntity
}

// identityKeyColumns yields the columns (not expressions) that the identity
// keys of the tables the rules look at name, in order: what the
// blob-in-unique-key and partial-key-in-unique-key rules check.
func identityKeyColumns(p *Pass) iter.Seq[identityKeyColumn] {
	return func(yield func(identityKeyColumn) bool) {
		for _, t := range p.Tables() {
			cols := t.ColumnDefinitionEntitiesMap()
			for _, k := range identityKeys(t) {
				for _, ic := range k.IndexDefinition.Columns {
					if ic.Expression != nil || ic.Column.IsEmpty() {
						continue
					}
					if !yield(identityKeyColumn{table: t, key: k, part: ic, column: cols[ic.Column.Lowered()]}) {
						return
					}
				}
			}
		}
	}
}

// identityKeys returns the keys PlanetScale would identify a table's rows by:
// the primary key; without one, the UNIQUE keys, unless one of them already
// qualifies (NOT NULL columns, no TEXT/BLOB, no prefix), since that one is used.
func identityKeys(t *vsd.CreateTableEntity) []*vsd.IndexDefinitionEntity {
	var pk, unique []*vsd.IndexDefinitionEntity
	for _, k := range t.IndexDefinitionEntities() {
		switch {
		case k.IsPrimary():
			pk = append(pk, k)
		case k.IsUnique():
			if vsd.IsValidIterationKey(k) {
				return nil
			}
			unique = append(unique, k)
		}
	}
	if len(pk) > 0 {
		return pk
	}
	return unique
}

func keyLabel(k *vsd.IndexDefinitionEntity) string {
	if k.IsPrimary() {
		return "the PRIMARY KEY"
	}
	return "UNIQUE key " + Quote(k.Name())
}

// locateKeyColumn finds a column inside a key's definition: after PRIMARY KEY
// for the primary key, after UNIQUE [KEY|INDEX] name for a named unique key,
// after the first UNIQUE otherwise; else where the column is defined (an
// inline `col ... PRIMARY KEY`).
func locateKeyColumn(p *Pass, t *vsd.CreateTableEntity, k *vsd.IndexDefinitionEntity, column string) schemadiff.Origin {
	var anchors []string
	if k.IsPrimary() {
		anchors = append(anchors, `\bPRIMARY\s+KEY\s*\(`)
	} else {
		name := regexp.QuoteMeta(k.Name())
		anchors = append(anchors,
			`\bUNIQUE\b(?:\s+(?:KEY|INDEX))?\s+`+"`?"+name+"`?"+`\s*\(`,
			`\bCONSTRAINT\s+`+"`?"+name+"`?"+`\s+UNIQUE\b[^(]*\(`,
			`\bUNIQUE\b(?:\s+(?:KEY|INDEX))?\s*\(`)
	}
	for _, a := range anchors {
		if o, ok := psLocateSeq(p, t.Name(), a, psWord(column)); ok {
			return o
		}
	}
	return p.Locate(t.Name(), column)
}
