package lint

import (
	"regexp"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
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
		for _, t := range p.Tables() {
			cols := t.ColumnDefinitionEntitiesMap()
			for _, k := range identityKeys(t) {
				for _, ic := range k.IndexDefinition.Columns {
					if ic.Expression != nil || ic.Column.IsEmpty() {
						continue
					}
					c := cols[ic.Column.Lowered()]
					if c == nil || !c.HasBlobTypeStorage() {
						continue
					}
					p.Report(locateKeyColumn(p, t, k, ic.Column.String()), "%s of table %s includes %s column %s: PlanetScale does not accept TEXT or BLOB columns in the key that identifies rows",
						keyLabel(k), Quote(t.Name()), strings.ToUpper(c.Type()), Quote(c.Name()))
				}
			}
		}
	},
}

func init() { register(ruleBlobInUniqueKey) }

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
