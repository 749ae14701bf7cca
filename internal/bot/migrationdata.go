package bot

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// migrationData is what happens to a migration tool's tracking table when
// the deploy request deploys: PlanetScale copies its rows from the branch
// only when the database's migration data copying names that table
// (migration_table_name). ddlbot changes schemas, never those rows.
type migrationData struct {
	format    schemadiff.Format
	table     string // the format's tracking table
	copied    string // the database's migration_table_name ("" when off)
	framework string // the database's migration_framework
	version   string // the newest migration the pull request adds ("" when unknown)
	dir       string // the migrations folder
}

// readMigrationData reads the database's migration data copying for a
// migrations repository whose tool keeps a tracking table the repository
// does not define (nil otherwise).
func (e *Engine) readMigrationData(ctx context.Context, db config.Database, res *check.Result) (*migrationData, error) {
	table := check.TrackingTable(res.Format)
	if res.Layout != check.LayoutMigrations || table == "" || !res.Unmanaged.Contains(table) {
		return nil, nil
	}
	d, err := e.PlanetScale.GetDatabase(ctx, db.Organization, db.Database)
	if err != nil {
		return nil, fmt.Errorf("read the settings of database %s: %w", db.Database, err)
	}
	return &migrationData{format: res.Format, table: table, copied: d.MigrationTableName, framework: d.MigrationFramework,
		version: newestVersion(res.Changed), dir: db.Migrations}, nil
}

var reVersion = regexp.MustCompile(`^V?(\d+)`)

// newestVersion is the highest migration version among the changed files.
func newestVersion(changed []string) string {
	best := ""
	for _, f := range changed {
		m := reVersion.FindStringSubmatch(path.Base(f))
		if m == nil {
			continue
		}
		v := strings.TrimLeft(m[1], "0")
		if v == "" {
			v = "0"
		}
		if len(v) > len(best) || (len(v) == len(best) && v > best) {
			best = v
		}
	}
	return best
}

// record says how the tool would learn that the migrations ran.
func (m *migrationData) record() string {
	newest := ""
	if m.version != "" {
		newest = " (the newest: " + m.version + ")"
	}
	switch m.format {
	case schemadiff.FormatGolangMigrate:
		v := m.version
		if v == "" {
			v = "VERSION"
		}
		return schemadiff.MarkdownCode(fmt.Sprintf("migrate -path %s -database URL force %s", m.dir, v)) // the folder is user text
	case schemadiff.FormatGoose:
		return "`INSERT INTO goose_db_version (version_id, is_applied) VALUES (N, 1)` for each new migration N" + newest
	case schemadiff.FormatDbmate:
		return "`INSERT INTO schema_migrations (version) VALUES ('N')` for each new migration N" + newest
	}
	return "the rows the tool would have written" + newest
}

// renderMigrationData says whether the tracking table's rows follow the
// deploy, and what to do so that the tool knows the migrations ran.
func (r *report) renderMigrationData(b *strings.Builder) {
	m := r.migration
	if m == nil {
		return
	}
	tool := string(m.format)
	table := schemadiff.MarkdownCode(m.table)
	b.WriteString("> [!NOTE]\n> **Migration data:** ")
	if strings.EqualFold(m.copied, m.table) {
		fmt.Fprintf(b, "the database copies the rows of %s from the branch to production on deploy (migration data copying", table)
		if m.framework != "" {
			fmt.Fprintf(b, ", framework %s", schemadiff.MarkdownCode(m.framework))
		}
		fmt.Fprintf(b, "). ddlbot applies the schema, not the rows, so %s's record of this change gets there only if it is on the branch: "+
			"record it on branch %s before deploying (%s), or in production after.\n\n", tool, schemadiff.MarkdownCode(r.state.Branch), m.record())
		return
	}
	fmt.Fprintf(b, "this deploy leaves the rows of %s in production as they are", table)
	if m.copied != "" {
		fmt.Fprintf(b, " (the database's migration data copying is set to %s, not %s)", schemadiff.MarkdownCode(m.copied), table)
	} else {
		b.WriteString(" (the database's migration data copying is off)")
	}
	fmt.Fprintf(b, ", so %s will not know the migrations of this pull request ran: after deploying, record them (%s), "+
		"or have PlanetScale copy them: turn on \"Automatically copy migration data\" in the database's settings with migration table %s.\n\n",
		tool, m.record(), table)
}
