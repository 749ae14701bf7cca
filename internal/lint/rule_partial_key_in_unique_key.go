package lint

import "fmt"

var rulePartialKeyInUniqueKey = &Rule{
	ID:              "partial-key-in-unique-key",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "PARTIAL_KEY_IN_UNIQUE_KEY",
	Summary:         "A PRIMARY KEY (or, in a table without one, a UNIQUE key) that indexes only a prefix of a column, such as `PRIMARY KEY (email(32))`.",
	Why: "PlanetScale's online schema changes identify rows by the primary key, or by a unique key when there is no primary key; " +
		"a prefix covers only part of each value, so it cannot identify rows and PlanetScale rejects it. " +
		"TEXT and BLOB columns, which always need a prefix, are reported by `blob-in-unique-key` instead. " +
		"A UNIQUE prefix key is accepted, and not reported, when the table has a primary key or another UNIQUE key that can identify rows " +
		"(but note that it makes only the prefix unique); when it has neither, `no-unique-key` reports the table as well.",
	Fix: "Index the whole column (`PRIMARY KEY (email)`), or add a surrogate primary key (`id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY`) " +
		"and keep the column in a separate UNIQUE key over the full value.",
	Check: func(p *Pass) {
		for kc := range identityKeyColumns(p) {
			ic := kc.part
			if ic.Length == nil {
				continue
			}
			if c := kc.column; c != nil && c.HasBlobTypeStorage() {
				continue // blob-in-unique-key reports it
			}
			p.Report(locateKeyColumn(p, kc.table, kc.key, ic.Column.String()), "%s of table %s uses only a prefix of column %s (%s): PlanetScale needs the key that identifies rows to cover whole values",
				keyLabel(kc.key), Quote(kc.table.Name()), Quote(ic.Column.String()), fmt.Sprintf("%s(%d)", ic.Column.String(), *ic.Length))
		}
	},
}

func init() { register(rulePartialKeyInUniqueKey) }
