package lint

import (
	vsd "vitess.io/vitess/go/vt/schemadiff"
)

var ruleNoUniqueKey = &Rule{
	ID:              "no-unique-key",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "NO_UNIQUE_KEY",
	Summary:         "A table without a PRIMARY KEY or a UNIQUE key over NOT NULL columns (no TEXT/BLOB, no prefix).",
	Why:             "PlanetScale's online schema changes copy rows by such a key; a deploy request with a table that lacks one is rejected.",
	Fix:             "Add a PRIMARY KEY, for example `id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY`.",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			ok := false
			for _, k := range p.indexes(t) {
				if vsd.IsValidIterationKey(k) {
					ok = true
					break
				}
			}
			if !ok {
				p.Report(p.Locate(t.Name(), ""), "table %s has no PRIMARY KEY or UNIQUE key over NOT NULL columns (without TEXT/BLOB or prefixes): PlanetScale rejects it", Quote(t.Name()))
			}
		}
	},
}

func init() { register(ruleNoUniqueKey) }
