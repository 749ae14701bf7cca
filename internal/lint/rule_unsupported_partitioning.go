package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"

	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleUnsupportedPartitioning = &Rule{
	ID:              "unsupported-partitioning",
	Category:        CategoryPlanetScale,
	Severity:        Error,
	PlanetScaleCode: "UNSUPPORTED_PARTITIONING_FEATURE",
	Summary:         "Table partitioning PlanetScale does not support: LIST (or LIST COLUMNS) partitioning, subpartitions, or a partition in an engine other than InnoDB.",
	Why: "PlanetScale accepts only RANGE (and RANGE COLUMNS), HASH and KEY partitioning, LINEAR HASH and LINEAR KEY included, without subpartitions, " +
		"and rejects a deploy request with anything else: other partitioning cannot be changed safely by its online schema changes. " +
		"For spreading data at scale, Vitess shards keyspaces instead.",
	Fix: "Partition by RANGE, HASH or KEY, drop the SUBPARTITION clause and per-partition ENGINE options, or remove partitioning (`ALTER TABLE t REMOVE PARTITIONING`).",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			po := t.TableSpec.PartitionOption
			if po == nil {
				continue
			}
			name := t.Name()
			if po.Type == sqlparser.ListType {
				o, ok := psLocateSeq(p, name, `\bPARTITION\s+BY\s+(?:LINEAR\s+)?(LIST)\b`)
				if !ok {
					o = p.Locate(name, "LIST")
				}
				p.Report(o, "table %s is partitioned BY LIST: PlanetScale supports only RANGE, HASH and KEY partitioning", Quote(name))
			}
			subReported := false
			if po.SubPartition != nil {
				subReported = true
				p.Report(locatePartitionWord(p, name, "", "SUBPARTITION"), "table %s has subpartitions: PlanetScale does not support SUBPARTITION", Quote(name))
			}
			for _, d := range po.Definitions {
				if d == nil || d.Options == nil {
					continue
				}
				part := d.Name.String()
				if e := d.Options.Engine; e != nil && e.Name != "" && !strings.EqualFold(e.Name, "innodb") {
					p.Report(locatePartitionWord(p, name, part, e.Name), "partition %s of table %s uses the %s storage engine: PlanetScale supports only InnoDB", Quote(part), Quote(name), e.Name)
				}
				if len(d.Options.SubPartitionDefinitions) > 0 && !subReported {
					subReported = true
					p.Report(locatePartitionWord(p, name, part, "SUBPARTITION"), "partition %s of table %s has subpartitions: PlanetScale does not support SUBPARTITION", Quote(part), Quote(name))
				}
				for _, sd := range d.Options.SubPartitionDefinitions {
					if sd == nil || sd.Options == nil || sd.Options.Engine == nil || sd.Options.Engine.Name == "" || strings.EqualFold(sd.Options.Engine.Name, "innodb") {
						continue
					}
					p.Report(locatePartitionWord(p, name, sd.Name.String(), sd.Options.Engine.Name), "subpartition %s of table %s uses the %s storage engine: PlanetScale supports only InnoDB", Quote(sd.Name.String()), Quote(name), sd.Options.Engine.Name)
				}
			}
		}
	},
}

func init() { register(ruleUnsupportedPartitioning) }

// locatePartitionWord finds word in the partitioning clause of a table's
// latest statement, after the definition of partition part when part is set.
func locatePartitionWord(p *Pass, table, part, word string) schemadiff.Origin {
	seq := []string{`\bPARTITION\s+BY\b`}
	if part != "" {
		seq = append(seq, `\b(?:SUB)?PARTITION\s*`+psWord(part))
	}
	seq = append(seq, psWord(word))
	if o, ok := psLocateSeq(p, table, seq...); ok {
		return o
	}
	return p.Locate(table, word)
}
