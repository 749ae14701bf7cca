package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/localscale"
)

// TestTrackingTableSurvivesDeploy: production holds the migration tool's
// tracking table (as every database migrated with that tool does) and a
// table matched by ignore_tables; neither is in the repository. `ddlbot
// plan` does not show them and `ddlbot deploy` ships the pull request's
// change without dropping them. One case per migration format.
func TestTrackingTableSurvivesDeploy(t *testing.T) {
	const users = "CREATE TABLE users (\n  id bigint unsigned NOT NULL AUTO_INCREMENT,\n  email varchar(255) NOT NULL,\n  PRIMARY KEY (id)\n);\n"
	const addNick = "ALTER TABLE users ADD COLUMN nick varchar(40) DEFAULT NULL;\n"
	tests := []struct {
		format, tracking, ddl string
		first, second         map[string]string // migration files, base and pull request
		// copying is the database's migration data copying table
		// (migration_table_name); note what the plan says of the rows.
		copying, note string
	}{
		{"golang-migrate", "schema_migrations",
			"CREATE TABLE schema_migrations (version bigint NOT NULL, dirty tinyint(1) NOT NULL, PRIMARY KEY (version))",
			map[string]string{"000001_init.up.sql": users, "000001_init.down.sql": "DROP TABLE users;\n"},
			map[string]string{"000002_nick.up.sql": addNick, "000002_nick.down.sql": "ALTER TABLE users DROP COLUMN nick;\n"},
			"", "this deploy leaves the rows of `schema_migrations` in production as they are (the database's migration data copying is off), " +
				"so golang-migrate will not know the migrations of this pull request ran: after deploying, record them (`migrate -path db/migrations -database URL force 2`)"},
		{"goose", "goose_db_version",
			"CREATE TABLE goose_db_version (id bigint unsigned NOT NULL AUTO_INCREMENT, version_id bigint NOT NULL, is_applied tinyint(1) NOT NULL, tstamp timestamp NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id))",
			map[string]string{"00001_init.sql": "-- +goose Up\n" + users + "-- +goose Down\nDROP TABLE users;\n"},
			map[string]string{"00002_nick.sql": "-- +goose Up\n" + addNick + "-- +goose Down\nALTER TABLE users DROP COLUMN nick;\n"},
			"goose_db_version", "the database copies the rows of `goose_db_version` from the branch to production on deploy (migration data copying, framework `other`). " +
				"ddlbot applies the schema, not the rows, so goose's record of this change gets there only if it is on the branch: record it on branch `BRANCH` before deploying " +
				"(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (N, 1)` for each new migration N (the newest: 2))"},
		{"dbmate", "schema_migrations",
			"CREATE TABLE schema_migrations (version varchar(128) NOT NULL, PRIMARY KEY (version))",
			map[string]string{"20240101000000_init.sql": "-- migrate:up\n" + users + "-- migrate:down\nDROP TABLE users;\n"},
			map[string]string{"20240102000000_nick.sql": "-- migrate:up\n" + addNick + "-- migrate:down\nALTER TABLE users DROP COLUMN nick;\n"},
			"migrations_log", "(the database's migration data copying is set to `migrations_log`, not `schema_migrations`)"},
		{"flyway", "flyway_schema_history",
			"CREATE TABLE flyway_schema_history (installed_rank int NOT NULL, version varchar(50) DEFAULT NULL, description varchar(200) NOT NULL, script varchar(1000) NOT NULL, success tinyint(1) NOT NULL, PRIMARY KEY (installed_rank))",
			map[string]string{"V1__init.sql": users},
			map[string]string{"V2__nick.sql": addNick},
			"", "this deploy leaves the rows of `flyway_schema_history` in production as they are"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			files := map[string]string{".ddlbot.yml": "databases:\n  - name: shop\n    organization: example\n    migrations: db/migrations\n    migration_format: " + tt.format +
				"\n    ignore_tables: [\"tmp_*\"]\nlint:\n  rules:\n    not-instant: off\n"}
			for n, s := range tt.first {
				files["db/migrations/"+n] = s
			}
			dir := gitRepo(t, "", files)

			// Production: the base schema, the tool's tracking table and a table ignore_tables matches.
			seed := folder(t, map[string]string{"schema/users.sql": users, "schema/tracking.sql": tt.ddl + ";\n",
				"schema/tmp.sql": "CREATE TABLE tmp_import (id int NOT NULL, PRIMARY KEY (id));\n"})
			p := startTerminalPS(t, os.DirFS(seed), func(c *localscale.Config) {
				c.MigrationTableName, c.MigrationFramework = tt.copying, map[bool]string{true: "other"}[tt.copying != ""]
			})
			run := func(args ...string) result {
				t.Helper()
				return p.run(t, dir, "", args...)
			}

			// The pull request adds a column.
			second := map[string]string{}
			for n, s := range tt.second {
				second["db/migrations/"+n] = s
			}
			write(t, dir, second)
			r := run("plan", "--base", "main", "--format", "markdown")
			if r.code != 0 {
				t.Fatalf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			mustContain(t, "plan", r.stdout, "ADD COLUMN `nick` varchar(40)", "PlanetScale's diff (1 table(s))", "> **Migration data:** ", strings.ReplaceAll(tt.note, "`BRANCH`", "`"+bot.BranchName(terminalRepo(context.Background(), dir), 0)+"`"))
			// Only the note about its rows names the tracking table.
			var rest []string
			for _, l := range strings.Split(r.stdout, "\n") {
				if !strings.HasPrefix(l, "> **Migration data:**") {
					rest = append(rest, l)
				}
			}
			for _, no := range []string{tt.tracking, "tmp_import", "DROP TABLE"} {
				if strings.Contains(strings.Join(rest, "\n"), no) {
					t.Errorf("plan mentions %q:\n%s", no, r.stdout)
				}
			}
			r = run("deploy", "--base", "main", "--yes")
			if r.code != 0 {
				t.Fatalf("deploy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			mustContain(t, "deploy", r.stderr, "ddlbot deploy: shop: deployed; the revert window is open until ")

			all := p.production(t)
			for _, want := range []string{"CREATE TABLE `" + tt.tracking + "`", "CREATE TABLE `tmp_import`", "`nick` varchar(40)"} {
				if !strings.Contains(all, want) {
					t.Errorf("production lacks %q after the deploy:\n%s", want, all)
				}
			}
		})
	}
}
