package check

import (
	"path"
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// TrackingTable is the table a migration tool records applied migrations in,
// per format ("" for formats without one: plain files and declarative
// folders).
func TrackingTable(f schemadiff.Format) string {
	switch f {
	case schemadiff.FormatGolangMigrate, schemadiff.FormatDbmate:
		return "schema_migrations"
	case schemadiff.FormatGoose:
		return "goose_db_version"
	case schemadiff.FormatFlyway:
		return "flyway_schema_history"
	}
	return ""
}

// trackingTables are every format's tracking table: a database keeps the
// table of the tool it was migrated with even after a repository switches
// formats, and dropping it would make the tool re-run every migration.
func trackingTables() []string {
	return []string{"schema_migrations", "goose_db_version", "flyway_schema_history"}
}

// Unmanaged says which tables the repository does not manage: migration
// tools' tracking tables the repository does not define itself, and the
// configured ignore_tables (names or path.Match patterns). Such tables are
// left out of diffs and lint and never dropped from a branch.
type Unmanaged struct {
	ignore  []string
	defined map[string]bool
}

// NewUnmanaged builds the set for a target; head is the repository's
// schema (nil when it did not load), whose tables count as managed unless
// ignored.
func NewUnmanaged(t Target, head *schemadiff.Schema) Unmanaged {
	u := Unmanaged{ignore: t.IgnoreTables, defined: map[string]bool{}}
	if head != nil {
		for _, n := range head.Names() {
			u.defined[strings.ToLower(n)] = true
		}
	}
	return u
}

// Ignored reports whether a table matches ignore_tables.
func (u Unmanaged) Ignored(table string) bool {
	name := strings.ToLower(table)
	for _, p := range u.ignore {
		if ok, _ := path.Match(strings.ToLower(p), name); ok {
			return true
		}
	}
	return false
}

// Contains reports whether the repository leaves a table alone.
func (u Unmanaged) Contains(table string) bool {
	if u.Ignored(table) {
		return true
	}
	name := strings.ToLower(table)
	if u.defined[name] {
		return false
	}
	for _, t := range trackingTables() {
		if name == t {
			return true
		}
	}
	return false
}

// Filter returns d without the changes to unmanaged tables (d itself when
// there are none). Those tables are standalone by nature (nothing the
// repository defines refers to them), so the rest keeps its order.
func (u Unmanaged) Filter(d *schemadiff.Diff) *schemadiff.Diff {
	return d.Without(func(c *schemadiff.Change) bool {
		return u.Contains(c.Entity) || (c.NewName != "" && u.Contains(c.NewName))
	})
}

// statementTable names the table a DDL statement changes ("" when none).
func statementTable(s schemadiff.Statement) string {
	if ddl, ok := s.AST.(sqlparser.DDLStatement); ok {
		return ddl.GetTable().Name.String()
	}
	return ""
}
