package lint

import (
	"fmt"
	"strings"

	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleRedundantIndex = &Rule{
	ID:       "redundant-index",
	Category: CategoryStyle,
	Severity: Warning,
	Summary:  "An index that duplicates another index of the table, or whose columns are a leftmost prefix of another index (PRIMARY KEY included).",
	Why: "MySQL can use the longer index for every lookup the shorter one serves, so the redundant index only costs: every INSERT, UPDATE and DELETE " +
		"maintains it, it takes disk and buffer pool memory, and it gives the optimizer one more plan to get wrong.",
	Fix: "Drop the redundant index. A UNIQUE key is only redundant when another unique key (or the PRIMARY KEY) has exactly the same columns, " +
		"since uniqueness over fewer columns is a stronger rule; keep such keys.",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			keys := p.indexes(t)
			for i, k := range keys {
				other, dup := redundantWith(keys, i)
				if other == nil {
					continue
				}
				how := "its columns are a leftmost prefix of"
				if dup {
					how = "it duplicates"
				}
				switch {
				case indexTouched(p, t.Name(), k.Name()):
					p.Report(locateKey(p, t.Name(), k.Name(), indexFirstColumn(k)), "index %s %s on %s is redundant: %s %s %s",
						indexLabel(k), indexColumnsText(k), Quote(t.Name()), how, indexLabel(other), indexColumnsText(other))
				case indexTouched(p, t.Name(), other.Name()):
					// An existing index made redundant by the new one: point at the new one.
					p.Report(locateKey(p, t.Name(), other.Name(), indexFirstColumn(other)), "index %s %s on %s makes the existing index %s %s redundant (%s the new one): drop %s",
						indexLabel(other), indexColumnsText(other), Quote(t.Name()), indexLabel(k), indexColumnsText(k), how, Quote(k.Name()))
				}
			}
		}
	},
}

// redundantWith returns the index that makes keys[i] redundant (nil when
// none does), and whether the two are duplicates.
func redundantWith(keys []*vsd.IndexDefinitionEntity, i int) (*vsd.IndexDefinitionEntity, bool) {
	k := keys[i]
	kc, ok := indexColumnKeys(k)
	if !ok || k.IsPrimary() {
		return nil, false
	}
	for j, o := range keys {
		if j == i {
			continue
		}
		oc, ok := indexColumnKeys(o)
		if !ok || len(kc) > len(oc) || !indexColsArePrefix(kc, oc) {
			continue
		}
		equal := len(kc) == len(oc)
		switch {
		case k.IsUnique() && (!equal || !o.IsUnique()):
			// A unique key over fewer columns is a stronger rule than the longer index.
			continue
		case equal && (o.IsUnique() == k.IsUnique() || k.IsUnique()) && !o.IsPrimary() && j > i:
			// Of two equal indexes, the later one is reported.
			continue
		}
		return o, equal
	}
	return nil, false
}

// indexColumnKeys describes the columns of a plain B-tree index (name, prefix
// length, direction); ok is false for FULLTEXT, SPATIAL and functional indexes,
// which serve other lookups.
func indexColumnKeys(k *vsd.IndexDefinitionEntity) ([]string, bool) {
	def := k.IndexDefinition
	if def == nil || def.Info == nil || def.Info.Type == sqlparser.IndexTypeFullText || def.Info.Type == sqlparser.IndexTypeSpatial || k.HasExpression() {
		return nil, false
	}
	out := make([]string, 0, len(def.Columns))
	for _, c := range def.Columns {
		s := c.Column.Lowered()
		if c.Length != nil {
			s += fmt.Sprintf("(%d)", *c.Length)
		}
		if c.Direction == sqlparser.DescOrder {
			s += " desc"
		}
		out = append(out, s)
	}
	return out, len(out) > 0
}

// indexFirstColumn names the first column of an index ("" for none).
func indexFirstColumn(k *vsd.IndexDefinitionEntity) string {
	if cols := k.ColumnNames(); len(cols) > 0 {
		return cols[0]
	}
	return ""
}

func indexColsArePrefix(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func indexLabel(k *vsd.IndexDefinitionEntity) string {
	switch {
	case k.IsPrimary():
		return "PRIMARY KEY"
	case k.IsUnique():
		return "UNIQUE " + Quote(k.Name())
	}
	return Quote(k.Name())
}

func indexColumnsText(k *vsd.IndexDefinitionEntity) string {
	return "(" + strings.Join(k.ColumnNames(), ", ") + ")"
}

func init() { register(ruleRedundantIndex) }
