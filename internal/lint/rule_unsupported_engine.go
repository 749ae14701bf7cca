package lint

import "strings"

var ruleUnsupportedEngine = &Rule{
	ID:              "unsupported-engine",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "UNSUPPORTED_FEATURE",
	Summary:         "A table with a storage engine other than InnoDB (MyISAM, MEMORY, ARCHIVE, CSV, ...).",
	Why: "PlanetScale supports InnoDB only and rejects a deploy request with a table in another engine: online schema changes, " +
		"replication and backups rely on InnoDB's transactions and crash safety.",
	Fix: "Remove the ENGINE option (InnoDB is the default) or write `ENGINE=InnoDB`; for an existing table, `ALTER TABLE t ENGINE=InnoDB`.",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			for _, o := range t.TableSpec.Options {
				if !strings.EqualFold(o.Name, "engine") || o.String == "" || strings.EqualFold(o.String, "innodb") {
					continue
				}
				p.Report(p.Locate(t.Name(), o.String), "table %s uses the %s storage engine: PlanetScale supports only InnoDB", Quote(t.Name()), o.String)
			}
		}
	},
}

func init() { register(ruleUnsupportedEngine) }
