package lint

import "strings"

var ruleTimestamp2038 = &Rule{
	ID:       "timestamp-2038",
	Category: CategoryStyle,
	Severity: Notice,
	Summary:  "A TIMESTAMP column, whose range ends at 2038-01-19 03:14:07 UTC.",
	Why: "TIMESTAMP is stored as 32-bit seconds since 1970: later values are rejected (or stored as zero) today, for example an expiry date set " +
		"fifteen years ahead, and every such column must be converted, with a table copy, before 2038.",
	Fix: "Use DATETIME (range up to 9999-12-31) and store UTC, for example `created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP`. " +
		"Keep TIMESTAMP only where you need its time-zone conversion and dates stay before 2038 (suppress with a reason).",
	Check: func(p *Pass) {
		for t, c := range p.touchedColumns() {
			if strings.ToLower(c.Type()) == "timestamp" {
				p.Report(p.Locate(t.Name(), c.Name()), "column %s.%s is a TIMESTAMP: it cannot hold dates after 2038-01-19 03:14:07 UTC; consider DATETIME",
					Quote(t.Name()), Quote(c.Name()))
			}
		}
	},
}

func init() { register(ruleTimestamp2038) }
