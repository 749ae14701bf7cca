package lint

import (
	"regexp"
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Helpers shared by the change-safety and style rules: finding the word a
// finding is about, following table renames through the linted statements,
// and deciding which names and keys a change introduced.

// locateFirst is Locate with several candidate needles: the first needle found
// in a statement that touches the entity (latest statement first) wins. It
// falls back to Locate(entity, last needle).
func locateFirst(p *Pass, entity string, needles ...string) schemadiff.Origin {
	for _, n := range needles {
		if n == "" {
			continue
		}
		for st := range p.lastTouching(entity) {
			if o, ok := p.findWord(st, n); ok {
				return o
			}
		}
	}
	last := ""
	if len(needles) > 0 {
		last = needles[len(needles)-1]
	}
	return p.Locate(entity, last)
}

// locateKey finds where an index of a table is defined or added: at its name
// ("KEY `name` (...)"), at the keyword of an unnamed index whose first column is
// firstColumn ("UNIQUE KEY (`email`)"), or at the word PRIMARY for the primary
// key. It falls back to Locate(table, name).
func locateKey(p *Pass, table, name, firstColumn string) schemadiff.Origin {
	var pats []string
	if strings.EqualFold(name, "PRIMARY") {
		pats = append(pats, `(?i)\b()(PRIMARY)\b`)
	} else {
		q := regexp.QuoteMeta(name)
		pats = append(pats, "(?i)\\b(?:KEY|INDEX|UNIQUE|CONSTRAINT)\\s+(?:KEY\\s+|INDEX\\s+)?()(`?"+q+"`?)(?:\\s|\\(|$)")
		if firstColumn != "" {
			c := regexp.QuoteMeta(firstColumn)
			pats = append(pats, "(?i)\\b()((?:UNIQUE\\s+)?(?:KEY|INDEX|UNIQUE))\\s*\\(\\s*`?"+c+"`?\\s*[,)(]")
		}
	}
	for _, pat := range pats {
		re, err := p.compile(pat)
		if err != nil {
			continue // cannot happen: the names are quoted
		}
		for st := range p.lastTouching(table) {
			if st.Source == nil {
				continue
			}
			for _, m := range re.FindAllStringSubmatchIndex(st.SQL, -1) {
				// "DROP KEY `name`" is where the old index goes, not where the finding is.
				if strings.HasSuffix(strings.ToLower(strings.TrimRight(st.SQL[:m[0]], " \t\r\n")), "drop") {
					continue
				}
				return st.Source.Span(st.Origin.Offset+m[4], st.Origin.Offset+m[5])
			}
		}
	}
	return p.Locate(table, name)
}

// tableHistory follows table names through the linted statements, so that a
// rule can tell whether a name refers to a table that existed before them.
type tableHistory struct {
	// before maps a current name to the name the table had before the
	// statements ("" when the statements created it).
	before map[string]string
}

func newTableHistory() *tableHistory { return &tableHistory{before: map[string]string{}} }

// original returns the name the table now called name had before the
// statements ("" when they created it).
func (h *tableHistory) original(name string) string {
	if b, ok := h.before[name]; ok {
		return b
	}
	return name
}

// step records what one statement does to table names.
func (h *tableHistory) step(ast sqlparser.Statement) {
	switch s := ast.(type) {
	case *sqlparser.CreateTable:
		h.before[s.Table.Name.String()] = ""
	case *sqlparser.RenameTable:
		for _, pr := range s.TablePairs {
			h.rename(pr.FromTable.Name.String(), pr.ToTable.Name.String())
		}
	case *sqlparser.AlterTable:
		for _, o := range s.AlterOptions {
			if r, ok := o.(*sqlparser.RenameTableName); ok {
				h.rename(s.Table.Name.String(), r.Table.Name.String())
			}
		}
	}
}

func (h *tableHistory) rename(from, to string) {
	orig := h.original(from)
	delete(h.before, from)
	h.before[to] = orig
}

// existedBefore reports whether the table now called name existed before the
// linted statements: it was not created by them, and the base schema (when
// there is one) has it.
func (h *tableHistory) existedBefore(p *Pass, name string) bool {
	orig := h.original(name)
	if orig == "" {
		return false
	}
	return p.Base == nil || p.Base.Table(orig) != nil
}

// tableChangeFor returns the diff's change that creates or alters a table (nil
// when there is none or no diff).
func tableChangeFor(p *Pass, table string) *schemadiff.Change {
	if p.Diff == nil {
		return nil
	}
	return p.tableChanges[table]
}

// touchedTable is where the checks of a table's parts (ColumnTouched,
// nameIntroduced, indexTouched) start: all is true when every part of the
// table counts (there is no diff, or the change creates the table);
// otherwise c is the change that alters or renames it, nil when none does
// (then no part counts).
func touchedTable(p *Pass, table string) (c *schemadiff.Change, all bool) {
	if p.Diff == nil {
		return nil, true
	}
	c = tableChangeFor(p, table)
	return c, c != nil && c.Kind == schemadiff.CreateTable
}

// tableChanges indexes a diff's table changes by the table's old and new
// names (the first change naming it wins), so that per-column lookups do
// not rescan the diff.
func tableChanges(d *schemadiff.Diff) map[string]*schemadiff.Change {
	out := map[string]*schemadiff.Change{}
	if d == nil {
		return out
	}
	for _, c := range d.Changes {
		switch c.Kind {
		case schemadiff.CreateTable, schemadiff.AlterTable, schemadiff.RenameTable:
			for _, name := range []string{c.Entity, c.NewName} {
				if _, ok := out[name]; !ok && name != "" {
					out[name] = c
				}
			}
		}
	}
	return out
}

// nameIntroduced reports whether the change gave a table (column == "") or a
// column its name: without a diff every name counts; with one, names of
// created or renamed tables, and of columns the change adds or renames to.
// Columns that merely change type keep a name the pull request did not choose.
func nameIntroduced(p *Pass, table, column string) bool {
	c, all := touchedTable(p, table)
	switch {
	case all:
		return true
	case c == nil:
		return false
	case c.Kind == schemadiff.RenameTable:
		return column == ""
	}
	return column != "" && nameIn(column, c.Summary.ColumnsAdded, renameTargets(c))
}

// indexTouched reports whether a style rule should look at an index: without
// a diff every index counts; with one, the indexes of created tables and the
// indexes the change adds or changes (PRIMARY when it changes the primary key).
func indexTouched(p *Pass, table, key string) bool {
	c, all := touchedTable(p, table)
	switch {
	case all:
		return true
	case c == nil || c.Kind != schemadiff.AlterTable:
		return false
	case strings.EqualFold(key, "PRIMARY"):
		return c.HasRisk(schemadiff.RiskPrimaryKeyChange)
	}
	return nameIn(key, c.Summary.IndexesAdded, c.Summary.IndexesChanged)
}

// columnKey is a table (as named) and a column (lower-cased: column names
// are case-insensitive).
type columnKey struct{ table, column string }

// columnDef is a column definition and the statement that wrote it.
type columnDef struct {
	def *sqlparser.ColumnDefinition
	st  schemadiff.Statement
}

// columnDefinitionsInStatements returns the last definition of every column
// the linted statements write (CREATE TABLE, ALTER TABLE ADD/MODIFY/CHANGE
// COLUMN), in one pass over them, as written: unlike the schema entities,
// which Vitess normalises, it keeps details such as integer display widths.
func columnDefinitionsInStatements(p *Pass) map[columnKey]columnDef {
	out := map[columnKey]columnDef{}
	consider := func(table string, st schemadiff.Statement, cols ...*sqlparser.ColumnDefinition) {
		for _, c := range cols {
			if c != nil {
				out[columnKey{table, strings.ToLower(c.Name.String())}] = columnDef{c, st}
			}
		}
	}
	for _, st := range p.Statements {
		switch s := st.AST.(type) {
		case *sqlparser.CreateTable:
			if s.TableSpec != nil {
				consider(s.Table.Name.String(), st, s.TableSpec.Columns...)
			}
		case *sqlparser.AlterTable:
			for _, o := range s.AlterOptions {
				switch o := o.(type) {
				case *sqlparser.AddColumns:
					consider(s.Table.Name.String(), st, o.Columns...)
				case *sqlparser.ModifyColumn:
					consider(s.Table.Name.String(), st, o.NewColDefinition)
				case *sqlparser.ChangeColumn:
					consider(s.Table.Name.String(), st, o.NewColDefinition)
				}
			}
		}
	}
	return out
}
