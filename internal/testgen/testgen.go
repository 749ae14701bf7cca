// Package testgen generates large, deterministic schemas and migration sets
// for benchmarks: the same (tables, seed) always gives the same SQL.
//
// GenerateSchema writes a declarative schema: tables named tbl_0000... with an
// auto-increment primary key, about 20 columns of mixed types, four secondary
// indexes (one unique) and, for about one table in twenty, a foreign key to an
// earlier table. GenerateMigrations writes a set of migration files that
// changes some of those tables: ALTERs that add, modify and drop columns and
// indexes, CREATE INDEX and DROP INDEX, a few DROP TABLE, RENAME TABLE and
// new tables. The migrations apply cleanly on top of the schema.
package testgen

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing/fstest"
)

// File is one generated migration file.
type File struct {
	Name string
	SQL  string
}

type column struct {
	name      string
	def       string // type and options, without the name
	indexable bool
	varchar   int // length of a varchar column, 0 otherwise
	nullable  bool
}

type index struct {
	name   string
	cols   []string
	unique bool
}

type table struct {
	name    string
	cols    []column
	indexes []index
	parent  int // index of the referenced table, -1 without a foreign key
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^stream))
}

var words = []string{"name", "code", "status", "amount", "total", "count", "label", "title", "email", "city",
	"country", "price", "score", "rank", "note", "kind", "level", "flag", "created", "updated", "owner", "ref"}

// columnOf makes a column of a random type.
func columnOf(r *rand.Rand, name string) column {
	c := column{name: name, indexable: true}
	switch k := r.IntN(16); k {
	case 0, 1:
		c.def = "int NOT NULL DEFAULT '0'"
	case 2:
		c.def, c.nullable = "bigint DEFAULT NULL", true
	case 3:
		c.def = "bigint unsigned NOT NULL DEFAULT '0'"
	case 4:
		c.def = "tinyint(1) NOT NULL DEFAULT '0'"
	case 5, 6, 7:
		c.varchar = []int{32, 64, 100, 191, 255}[r.IntN(5)]
		if r.IntN(2) == 0 {
			c.def, c.nullable = fmt.Sprintf("varchar(%d) DEFAULT NULL", c.varchar), true
		} else {
			c.def = fmt.Sprintf("varchar(%d) NOT NULL DEFAULT ''", c.varchar)
		}
	case 8:
		c.def = fmt.Sprintf("char(%d) NOT NULL", []int{2, 3, 12, 36}[r.IntN(4)])
	case 9:
		c.def, c.indexable, c.nullable = "text", false, true
	case 10:
		c.def, c.nullable = "datetime DEFAULT NULL", true
	case 11:
		c.def = "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"
	case 12:
		c.def = "decimal(12,2) NOT NULL DEFAULT '0.00'"
	case 13:
		c.def = "enum('active','inactive','pending') NOT NULL DEFAULT 'active'"
	case 14:
		c.def, c.indexable, c.nullable = "json DEFAULT NULL", false, true
	default:
		c.def, c.nullable = "date DEFAULT NULL", true
	}
	return c
}

// newTable makes table i of the schema; parent is -1 or an earlier table.
func newTable(r *rand.Rand, name string, parent int) table {
	t := table{name: name, parent: parent}
	t.cols = append(t.cols, column{name: "id", def: "bigint unsigned NOT NULL AUTO_INCREMENT", indexable: true})
	n := 17 + r.IntN(6) // 17..22 more columns
	for j := 1; j <= n; j++ {
		t.cols = append(t.cols, columnOf(r, fmt.Sprintf("%s_%02d", words[r.IntN(len(words))], j)))
	}
	if parent >= 0 {
		t.cols = append(t.cols, column{name: "parent_id", def: "bigint unsigned DEFAULT NULL", indexable: true, nullable: true})
	}
	var indexable []string
	for _, c := range t.cols[1:] {
		if c.indexable && c.name != "parent_id" {
			indexable = append(indexable, c.name)
		}
	}
	for k := 0; k < 4 && len(indexable) >= 2; k++ {
		a := indexable[r.IntN(len(indexable))]
		cols := []string{a}
		if r.IntN(3) == 0 {
			if b := indexable[r.IntN(len(indexable))]; b != a {
				cols = append(cols, b)
			}
		}
		ix := index{name: fmt.Sprintf("idx_%d_%s", k+1, a), cols: cols}
		if k == 3 {
			ix.name, ix.unique = fmt.Sprintf("uk_%s", strings.Join(cols, "_")), true
		}
		if !slices.ContainsFunc(t.indexes, func(o index) bool { return o.name == ix.name }) {
			t.indexes = append(t.indexes, ix)
		}
	}
	if parent >= 0 {
		t.indexes = append(t.indexes, index{name: "idx_parent", cols: []string{"parent_id"}})
	}
	return t
}

func tableName(i int) string { return fmt.Sprintf("tbl_%04d", i) }

// model builds the schema's tables.
func model(tables int, seed int64) []table {
	r := newRand(seed, 1)
	out := make([]table, tables)
	for i := range out {
		parent := -1
		if i >= 20 && r.IntN(20) == 0 {
			parent = r.IntN(i)
		}
		out[i] = newTable(r, tableName(i), parent)
	}
	return out
}

func quoteCols(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = "`" + c + "`"
	}
	return strings.Join(q, ", ")
}

func (t table) create(b *strings.Builder, parentName string) {
	fmt.Fprintf(b, "CREATE TABLE `%s` (\n", t.name)
	for _, c := range t.cols {
		fmt.Fprintf(b, "  `%s` %s,\n", c.name, c.def)
	}
	b.WriteString("  PRIMARY KEY (`id`)")
	for _, ix := range t.indexes {
		kind := "KEY"
		if ix.unique {
			kind = "UNIQUE KEY"
		}
		fmt.Fprintf(b, ",\n  %s `%s` (%s)", kind, ix.name, quoteCols(ix.cols))
	}
	if t.parent >= 0 {
		fmt.Fprintf(b, ",\n  CONSTRAINT `fk_%s_parent` FOREIGN KEY (`parent_id`) REFERENCES `%s` (`id`) ON DELETE SET NULL", t.name, parentName)
	}
	b.WriteString("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n")
}

// GenerateSchema returns a declarative schema of the given number of tables:
// CREATE TABLE statements, parents before the tables that reference them.
func GenerateSchema(tables int, seed int64) string {
	ts := model(tables, seed)
	var b strings.Builder
	b.Grow(tables * 1200)
	fmt.Fprintf(&b, "-- Generated by internal/testgen: %d tables, seed %d.\n\n", tables, seed)
	for _, t := range ts {
		parent := ""
		if t.parent >= 0 {
			parent = ts[t.parent].name
		}
		t.create(&b, parent)
	}
	return b.String()
}

// GenerateMigrations returns migration files (plain numbered, 0002_... on,
// ten statements a file) that change `changed` distinct tables of
// GenerateSchema(tables, seed): mostly ALTER TABLE (adding, modifying and
// dropping columns and indexes), CREATE INDEX and DROP INDEX, and about one
// change in forty a DROP TABLE or a RENAME TABLE. A few new tables are
// created too (one for every forty changes).
func GenerateMigrations(tables, changed int, seed int64) []File {
	ts := model(tables, seed)
	r := newRand(seed, 2)
	changed = min(changed, tables)
	referenced := map[int]bool{}
	for _, t := range ts {
		if t.parent >= 0 {
			referenced[t.parent] = true
		}
	}
	var stmts []string
	picked := r.Perm(tables)[:changed]
	for n, i := range picked {
		t := ts[i]
		switch {
		case n%40 == 7 && !referenced[i]:
			stmts = append(stmts, fmt.Sprintf("DROP TABLE `%s`;", t.name))
		case n%40 == 23 && !referenced[i] && t.parent < 0:
			stmts = append(stmts, fmt.Sprintf("RENAME TABLE `%s` TO `%s_renamed`;", t.name, t.name))
		case n%10 == 3:
			// Standalone index statements.
			if ix, ok := droppableIndex(r, t); ok {
				stmts = append(stmts, fmt.Sprintf("DROP INDEX `%s` ON `%s`;", ix.name, t.name))
			}
			if c, ok := pickColumn(r, t, func(c column) bool { return c.indexable && c.name != "id" }); ok {
				stmts = append(stmts, fmt.Sprintf("CREATE INDEX `idx_new_%s` ON `%s` (`%s`);", c.name, t.name, c.name))
			}
		default:
			stmts = append(stmts, alterTable(r, t, n))
		}
	}
	for k := 0; k < changed/40; k++ {
		var b strings.Builder
		newTable(r, fmt.Sprintf("tbl_new_%03d", k), -1).create(&b, "")
		stmts = append(stmts, strings.TrimSpace(b.String()))
	}
	var files []File
	for start := 0; start < len(stmts); start += 10 {
		end := min(start+10, len(stmts))
		files = append(files, File{
			Name: fmt.Sprintf("%04d_change_%03d.sql", 2+start/10, start/10+1),
			SQL:  fmt.Sprintf("-- Generated change set %d.\n", start/10+1) + strings.Join(stmts[start:end], "\n\n") + "\n",
		})
	}
	return files
}

// SchemaFile is the file MigrationDirs puts GenerateSchema in.
const SchemaFile = "0001_schema.sql"

// MigrationDirs returns two migrations folders, as a pull request's base and
// head commits hold them: base has GenerateSchema(tables, seed) as its one
// migration (SchemaFile), head the same plus GenerateMigrations(tables,
// changed, seed).
func MigrationDirs(tables, changed int, seed int64) (base, head fstest.MapFS) {
	base = fstest.MapFS{SchemaFile: {Data: []byte(GenerateSchema(tables, seed))}}
	head = maps.Clone(base)
	for _, f := range GenerateMigrations(tables, changed, seed) {
		head[f.Name] = &fstest.MapFile{Data: []byte(f.SQL)}
	}
	return base, head
}

// The benchmarks of schemadiff and internal/lint share one size, so that
// their figures compare: a 2,000-table schema and a change set on 200 of its
// tables.
const (
	BenchTables  = 2000
	BenchChanged = 200
	BenchSeed    = 1
)

// BenchDirs is MigrationDirs at the benchmarks' size.
func BenchDirs() (base, head fstest.MapFS) {
	return MigrationDirs(BenchTables, BenchChanged, BenchSeed)
}

// alterTable writes one ALTER TABLE of two or three clauses on distinct columns.
func alterTable(r *rand.Rand, t table, n int) string {
	used := map[string]bool{"id": true, "parent_id": true}
	indexed := map[string]bool{}
	for _, ix := range t.indexes {
		for _, c := range ix.cols {
			indexed[c] = true
		}
	}
	var clauses []string
	want := 2 + r.IntN(2)
	for tries := 0; len(clauses) < want && tries < 20; tries++ {
		switch r.IntN(5) {
		case 0: // add a column
			c := columnOf(r, fmt.Sprintf("added_%d_%d", n, len(clauses)))
			clauses = append(clauses, fmt.Sprintf("ADD COLUMN `%s` %s", c.name, c.def))
		case 1: // widen a varchar
			c, ok := pickColumn(r, t, func(c column) bool { return c.varchar > 0 && c.varchar < 255 && !used[c.name] })
			if !ok {
				continue
			}
			used[c.name] = true
			def := strings.Replace(c.def, fmt.Sprintf("varchar(%d)", c.varchar), fmt.Sprintf("varchar(%d)", c.varchar*2), 1)
			clauses = append(clauses, fmt.Sprintf("MODIFY COLUMN `%s` %s", c.name, def))
		case 2: // drop a column no index uses
			c, ok := pickColumn(r, t, func(c column) bool { return !used[c.name] && !indexed[c.name] })
			if !ok {
				continue
			}
			used[c.name] = true
			clauses = append(clauses, fmt.Sprintf("DROP COLUMN `%s`", c.name))
		case 3: // add an index
			c, ok := pickColumn(r, t, func(c column) bool { return c.indexable && !used[c.name] })
			if !ok {
				continue
			}
			used[c.name] = true
			clauses = append(clauses, fmt.Sprintf("ADD INDEX `idx_added_%s` (`%s`)", c.name, c.name))
		default: // drop an index whose columns are left alone
			ix, ok := droppableIndex(r, t)
			if !ok || used["index:"+ix.name] || slices.ContainsFunc(ix.cols, func(c string) bool { return used[c] }) {
				continue
			}
			used["index:"+ix.name] = true
			for _, c := range ix.cols {
				used[c] = true
			}
			clauses = append(clauses, fmt.Sprintf("DROP INDEX `%s`", ix.name))
		}
	}
	if len(clauses) == 0 {
		clauses = append(clauses, fmt.Sprintf("ADD COLUMN `added_%d` int DEFAULT NULL", n))
	}
	return fmt.Sprintf("ALTER TABLE `%s`\n  %s;", t.name, strings.Join(clauses, ",\n  "))
}

func pickColumn(r *rand.Rand, t table, ok func(column) bool) (column, bool) {
	var cands []column
	for _, c := range t.cols {
		if c.name != "id" && c.name != "parent_id" && ok(c) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return column{}, false
	}
	return cands[r.IntN(len(cands))], true
}

// droppableIndex picks a secondary index that no foreign key needs.
func droppableIndex(r *rand.Rand, t table) (index, bool) {
	var cands []index
	for _, ix := range t.indexes {
		if ix.name != "idx_parent" {
			cands = append(cands, ix)
		}
	}
	if len(cands) == 0 {
		return index{}, false
	}
	return cands[r.IntN(len(cands))], true
}
