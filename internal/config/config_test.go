package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
)

const file = ".ddlbot.yml"

// lines joins YAML lines so test inputs keep their indentation visible.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func knownRules(id string) bool {
	switch id {
	case "drop-column", "no-unique-key", "float-column":
		return true
	}
	return false
}

// db builds the Database that Parse fills in for a minimal schema entry, so
// each valid case only states what differs from the defaults.
func db(name string, line int, edit func(*Database)) Database {
	d := Database{
		Name:             name,
		Database:         name,
		ProductionBranch: "main",
		Schema:           "db",
		MySQLVersion:     "8.0.40",
		Line:             line,
	}
	if edit != nil {
		edit(&d)
	}
	return d
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want func(c *Config)
	}{
		{
			name: "minimal",
			in:   lines("databases:", "  - name: app", "    schema: db"),
			want: func(c *Config) { c.Databases = []Database{db("app", 2, nil)} },
		},
		{
			name: "full",
			in: lines(
				"# ddlbot configuration",
				"databases:",
				"  - name: app",
				"    organization: acme",
				"    database: app-prod",
				"    production_branch: production",
				"    schema: ./db/schema/",
				"    mysql_version: \"8.4.3\"",
				"    allow_foreign_keys: true",
				"  - database: billing",
				"    organization: acme",
				"    migrations: billing//migrations",
				"    migration_format: golang-migrate",
				"    mysql_version: 5.7",
				"lint:",
				"  rules:",
				"    drop-column: error",
				"    no-unique-key: off",
				"  fail_on: warning",
				"deploy:",
				"  min_permission: maintain",
				"  allowed_teams: [dba, platform]",
				"  allow_forks: true",
				"  required_approvals: 2",
				"  gated: true",
				"  instant: true",
			),
			want: func(c *Config) {
				c.Databases = []Database{
					{Name: "app", Organization: "acme", Database: "app-prod", ProductionBranch: "production",
						Schema: "db/schema", MySQLVersion: "8.4.3", AllowForeignKeys: true, Line: 3},
					{Name: "billing", Organization: "acme", Database: "billing", ProductionBranch: "main",
						Migrations: "billing/migrations", MigrationFormat: schemadiff.FormatGolangMigrate,
						MySQLVersion: "5.7", Line: 10},
				}
				c.Lint = Lint{
					Rules: []RuleOverride{
						{Rule: "drop-column", Severity: "error", Line: 17},
						{Rule: "no-unique-key", Severity: "off", Line: 18},
					},
					FailOn: "warning",
				}
				c.Deploy = Deploy{MinPermission: "maintain", AllowedTeams: []string{"dba", "platform"},
					AllowForks: true, RequiredApprovals: 2, Gated: true, Instant: true, Backup: BackupAuto, BackupRetention: DefaultRetention}
			},
		},
		{
			name: "migrations default to auto",
			in:   lines("databases:", "  - name: app", "    migrations: db/migrations"),
			want: func(c *Config) {
				c.Databases = []Database{db("app", 2, func(d *Database) {
					d.Schema, d.Migrations, d.MigrationFormat = "", "db/migrations", schemadiff.FormatAuto
				})}
			},
		},
		{
			name: "name defaults to database",
			in:   lines("databases:", "  - database: app", "    schema: db"),
			want: func(c *Config) { c.Databases = []Database{db("app", 2, nil)} },
		},
		{
			name: "mysql version as a YAML number",
			in:   lines("databases:", "  - name: app", "    schema: db", "    mysql_version: 8.0"),
			want: func(c *Config) {
				c.Databases = []Database{db("app", 2, func(d *Database) { d.MySQLVersion = "8.0" })}
			},
		},
		{
			name: "numeric name is text",
			in:   lines("databases:", "  - name: 2024", "    schema: db"),
			want: func(c *Config) { c.Databases = []Database{db("2024", 2, nil)} },
		},
		{
			name: "trailing document marker",
			in:   lines("databases:", "  - name: app", "    schema: db", "---"),
			want: func(c *Config) { c.Databases = []Database{db("app", 2, nil)} },
		},
		{
			name: "repository root and flow style",
			in:   `{databases: [{name: app, schema: .}]}`,
			want: func(c *Config) {
				c.Databases = []Database{db("app", 1, func(d *Database) { d.Schema = "." })}
			},
		},
		{
			name: "null values keep defaults",
			in: lines("databases:", "  - name: app", "    schema: db", "    organization:", "    production_branch: ~",
				"lint:", "deploy:", "  min_permission:", "  allowed_teams:"),
			want: func(c *Config) { c.Databases = []Database{db("app", 2, nil)} },
		},
		{
			name: "anchors, merge keys and x- keys",
			in: lines(
				"x-acme: &acme",
				"  organization: acme",
				"  production_branch: prod",
				"databases:",
				"  - <<: *acme",
				"    name: app",
				"    schema: db",
				"  - <<: [*acme]",
				"    name: other",
				"    organization: elsewhere",
				"    schema: db",
			),
			want: func(c *Config) {
				c.Databases = []Database{
					db("app", 5, func(d *Database) { d.Organization, d.ProductionBranch = "acme", "prod" }),
					db("other", 8, func(d *Database) { d.Organization, d.ProductionBranch = "elsewhere", "prod" }),
				}
			},
		},
		{
			name: "same database in two organizations",
			in: lines("databases:", "  - {name: a, organization: one, database: app, schema: db}",
				"  - {name: b, organization: two, database: app, schema: db}"),
			want: func(c *Config) {
				c.Databases = []Database{
					db("a", 2, func(d *Database) { d.Organization, d.Database = "one", "app" }),
					db("b", 3, func(d *Database) { d.Organization, d.Database = "two", "app" }),
				}
			},
		},
		{
			name: "hex approvals",
			in:   lines("databases: [{name: app, schema: db}]", "deploy: {required_approvals: 0x2}"),
			want: func(c *Config) {
				c.Databases = []Database{db("app", 1, nil)}
				c.Deploy.RequiredApprovals = 2
			},
		},
		{
			name: "drift, unknown tables and merge",
			in:   lines("databases: [{name: app, schema: db}]", "deploy: {accept_drift: true, drop_unknown_tables: true, on_merge: true}"),
			want: func(c *Config) {
				c.Databases = []Database{db("app", 1, nil)}
				c.Deploy.AcceptDrift, c.Deploy.DropUnknownTables, c.Deploy.OnMerge = true, true, true
			},
		},
		{
			name: "backup",
			in:   lines("databases: [{name: app, schema: db}]", "deploy: {backup: always, backup_retention: 3mo}"),
			want: func(c *Config) {
				c.Databases = []Database{db("app", 1, nil)}
				c.Deploy.Backup, c.Deploy.BackupRetention = BackupAlways, Retention{Value: 3, Unit: "month"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(file, []byte(tt.in), Options{KnownRule: knownRules})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := Default()
			want.File = file
			tt.want(want)
			// DirLine is checked in TestIgnoreTablesAndDirLine; the cases
			// above predate it.
			for i := range got.Databases {
				got.Databases[i].DirLine = 0
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse:\n got  %+v\n want %+v", got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const schemaDB = "databases: [{name: app, schema: db}]"
	tests := []struct {
		name string
		in   string
		opts Options
		want []string // "line:col: message"
	}{
		{
			name: "backup",
			in:   lines(schemaDB, "deploy:", "  backup: allways", "  backup_retention: 7 days"),
			want: []string{
				`3:11: deploy.backup: invalid value "allways" (allowed: auto, always, never; did you mean "always"?)`,
				`4:21: deploy.backup_retention: invalid value "7 days" (did you mean "7d"?)`,
			},
		},
		{
			name: "backup retention",
			in:   lines(schemaDB, "deploy: {backup_retention: 0d}", "x-a: {deploy: {backup_retention: forever}}"),
			want: []string{
				`2:28: deploy.backup_retention: invalid value "0d": the number must be from 1 to 1000 (PlanetScale keeps a backup at most 1000 of a unit)`,
			},
		},
		{
			name: "unknown key with suggestion",
			in: lines("databases:", "  - name: app", "    organization: acme", "    database: app",
				"    production_branch: main", "    migrations: db", "    shema: db/schema"),
			want: []string{`7:5: unknown key "shema" in databases[0] (did you mean "schema"?)`},
		},
		{
			name: "unknown keys everywhere",
			in:   lines(schemaDB, "lint:", "  failon: error", "deploy:", "  teams: []", "version: 2"),
			want: []string{
				`3:3: unknown key "failon" in lint (did you mean "fail_on"?)`,
				`5:3: unknown key "teams" in deploy (known keys: min_permission, allowed_teams, allow_forks, required_approvals, gated, instant, base_branches, accept_drift, drop_unknown_tables, on_merge, backup, backup_retention)`,
				`6:1: unknown key "version" at the top level (known keys: databases, lint, deploy, limits)`,
			},
		},
		{
			name: "duplicate keys",
			in:   lines("databases:", "  - name: app", "    schema: db", "    name: other", schemaDB),
			want: []string{
				`4:5: duplicate key "name" in databases[0] (first set at line 2)`,
				`5:1: duplicate key "databases" at the top level (first set at line 1)`,
			},
		},
		{
			name: "duplicate rule",
			in:   lines(schemaDB, "lint:", "  rules:", "    drop-column: error", "    drop-column: off"),
			want: []string{`5:5: duplicate key "drop-column" in lint.rules (first set at line 4)`},
		},
		{
			name: "wrong types",
			in: lines("databases:", "  - name: [app]", "    schema: {a: b}", "    allow_foreign_keys: 1",
				"lint:", "  rules: [drop-column]", "  fail_on: true", "deploy:", "  allowed_teams: dba",
				"  required_approvals: two", "  gated: yes", "  instant: 1.5"),
			want: []string{
				`2:11: databases[0].name: expected a string, got a list`,
				`3:13: databases[0].schema: expected a string, got a mapping`,
				`4:25: databases[0].allow_foreign_keys: expected true or false, got the number 1`,
				`6:10: lint.rules: expected a mapping of rule id to severity, got a list`,
				`7:12: lint.fail_on: expected a string, got the boolean true`,
				`9:18: deploy.allowed_teams: expected a list of team slugs, got the string "dba"`,
				`10:23: deploy.required_approvals: expected a whole number, got the string "two"`,
				`11:10: deploy.gated: expected true or false, got the string "yes"`,
				`12:12: deploy.instant: expected true or false, got the number 1.5`,
			},
		},
		{
			name: "top level not a mapping",
			in:   lines("- name: app"),
			want: []string{`1:1: expected a mapping of keys (databases, lint, deploy, limits) at the top level, got a list`},
		},
		{
			name: "sections not mappings",
			in:   lines("databases: app", "lint: strict", "deploy: [x]"),
			want: []string{
				`1:12: databases: expected a list of databases, got the string "app"`,
				`2:7: lint: expected a mapping (rules, fail_on), got the string "strict"`,
				`3:9: deploy: expected a mapping (min_permission, allowed_teams, ...), got a list`,
			},
		},
		{
			name: "database entry not a mapping",
			in:   lines("databases:", "  - app", "  - name: ok", "    schema: db"),
			want: []string{`2:5: databases[0]: expected a mapping (name, schema, ...), got the string "app"`},
		},
		{
			name: "bad enum values",
			in: lines("databases:", "  - name: app", "    migrations: db", "    migration_format: gose",
				"lint:", "  rules:", "    drop-column: fatal", "  fail_on: notice",
				"deploy:", "  min_permission: owner"),
			want: []string{
				`4:23: databases[0].migration_format: invalid value "gose" (allowed: auto, plain, golang-migrate, goose, dbmate, flyway; did you mean "goose"?)`,
				`7:18: lint.rules.drop-column: invalid value "fatal" (allowed: error, warning, notice, off)`,
				`8:12: lint.fail_on: invalid value "notice" (allowed: error, warning)`,
				`10:19: deploy.min_permission: invalid value "owner" (allowed: read, triage, write, maintain, admin)`,
			},
		},
		{
			name: "empty migration format",
			in:   lines("databases:", "  - name: app", "    migrations: db", `    migration_format: ""`),
			want: []string{`4:23: databases[0].migration_format: invalid value "" (allowed: auto, plain, golang-migrate, goose, dbmate, flyway)`},
		},
		{
			name: "mysql versions",
			in: lines("databases:", "  - {name: a, schema: db, mysql_version: 9.0}", "  - {name: b, schema: db, mysql_version: 8}",
				`  - {name: c, schema: db, mysql_version: "8.0.x"}`, "  - {name: d, schema: db, mysql_version: 8.40}"),
			want: []string{
				`2:42: databases[0].mysql_version: unsupported MySQL version "9.0" (allowed: 5.7, 8.0, 8.0.N, 8.4, 8.4.N)`,
				`3:42: databases[1].mysql_version: unsupported MySQL version "8" (allowed: 5.7, 8.0, 8.0.N, 8.4, 8.4.N)`,
				`4:42: databases[2].mysql_version: unsupported MySQL version "8.0.x" (allowed: 5.7, 8.0, 8.0.N, 8.4, 8.4.N)`,
				`5:42: databases[3].mysql_version: unsupported MySQL version "8.40" (allowed: 5.7, 8.0, 8.0.N, 8.4, 8.4.N)`,
			},
		},
		{
			name: "missing name and database",
			in:   lines("databases:", "  - organization: acme", "    schema: db"),
			want: []string{`2:5: databases[0]: missing "name" or "database" (set at least one)`},
		},
		{
			name: "neither schema nor migrations",
			in:   lines("databases:", "  - name: app"),
			want: []string{`2:5: databases[0]: missing "schema" or "migrations" (set exactly one)`},
		},
		{
			name: "both schema and migrations",
			in:   lines("databases:", "  - name: app", "    migrations: m", "    schema: s"),
			want: []string{`4:5: databases[0]: "schema" and "migrations" are mutually exclusive (set exactly one)`},
		},
		{
			name: "migration format without migrations",
			in:   lines("databases:", "  - name: app", "    schema: s", "    migration_format: goose"),
			want: []string{`4:5: databases[0].migration_format: only applies together with "migrations"`},
		},
		{
			name: "duplicate names",
			in: lines("databases:", "  - name: app", "    schema: a", "  - name: app", "    organization: x", "    schema: b",
				"  - database: app", "    organization: y", "    schema: c"),
			want: []string{
				`4:11: databases[1]: duplicate database name "app" (also used by databases[0] at line 2)`,
				`7:15: databases[2]: duplicate database name "app" (also used by databases[0] at line 2)`,
			},
		},
		{
			name: "same PlanetScale database twice",
			in: lines("databases:", "  - {name: a, organization: acme, database: app, schema: a}",
				"  - {name: b, organization: acme, database: app, schema: b}",
				"  - {name: c, schema: c}", "  - {name: d, database: c, schema: d}"),
			want: []string{
				`3:5: databases[1]: PlanetScale database "acme/app" is already configured by databases[0] at line 2`,
				`5:5: databases[3]: PlanetScale database "c" is already configured by databases[2] at line 4`,
			},
		},
		{
			name: "bad identifiers",
			in: lines("databases:", `  - name: "my app"`, "    organization: acme/eu", `    database: ""`,
				"    production_branch: \"\"", "    schema: db"),
			want: []string{
				`2:11: databases[0].name: "my app" must not contain whitespace, control characters or "/"`,
				`3:19: databases[0].organization: "acme/eu" must not contain whitespace, control characters or "/"`,
				`4:15: databases[0].database: must not be empty`,
				`5:24: databases[0].production_branch: must not be empty`,
			},
		},
		{
			name: "bad folders",
			in: lines("databases:", "  - {name: a, schema: /srv/db}", "  - {name: b, schema: ../other}",
				"  - {name: c, migrations: db/../../x}", `  - {name: d, schema: ""}`, `  - {name: e, schema: 'db\schema'}`,
				"  - {name: f, schema: ..}"),
			want: []string{
				`2:23: databases[0].schema: path "/srv/db" must be relative to the configuration file's folder`,
				`3:23: databases[1].schema: path "../other" leaves the repository`,
				`4:27: databases[2].migrations: path "db/../../x" leaves the repository`,
				`5:23: databases[3].schema: must not be empty (use "." for this file's folder)`,
				`6:23: databases[4].schema: path "db\\schema" must use forward slashes`,
				`7:23: databases[5].schema: path ".." leaves the repository`,
			},
		},
		{
			name: "negative approvals",
			in:   lines(schemaDB, "deploy:", "  required_approvals: -1"),
			want: []string{`3:23: deploy.required_approvals: must be 0 or more, got -1`},
		},
		{
			name: "approvals out of range",
			in:   lines(schemaDB, "deploy:", "  required_approvals: 99999999999999999999"),
			want: []string{`3:23: deploy.required_approvals: expected a whole number, got the number 99999999999999999999`},
		},
		{
			name: "teams",
			in:   lines(schemaDB, "deploy:", "  allowed_teams:", "    - dba", "    - dba", "    - [x]", "    - ''"),
			want: []string{
				`5:7: deploy.allowed_teams[1]: team "dba" is listed twice (first at line 4)`,
				`6:7: deploy.allowed_teams[2]: expected a string, got a list`,
				`7:7: deploy.allowed_teams[3]: must not be empty`,
			},
		},
		{
			name: "base branches",
			in:   lines(schemaDB, "deploy:", "  base_branches:", "    - release/*", "    - release/*", "    - '[x'", "    - refs/heads/main", "    - 'a b'", "    - ''", "    - [x]"),
			want: []string{
				`5:7: deploy.base_branches[1]: "release/*" is listed twice (first at line 4)`,
				`6:7: deploy.base_branches[2]: "[x" is not a git branch name or pattern (write the branch as GitHub shows it, such as release/2024; * and ? are wildcards)`,
				`7:7: deploy.base_branches[3]: "refs/heads/main" is not a git branch name or pattern (write the branch as GitHub shows it, such as release/2024; * and ? are wildcards)`,
				`8:7: deploy.base_branches[4]: "a b" is not a git branch name or pattern (write the branch as GitHub shows it, such as release/2024; * and ? are wildcards)`,
				`9:7: deploy.base_branches[5]: "" is not a git branch name or pattern (write the branch as GitHub shows it, such as release/2024; * and ? are wildcards)`,
				`10:7: deploy.base_branches[6]: expected a string, got a list`,
			},
		},
		{
			name: "base branches not a list",
			in:   lines(schemaDB, "deploy:", "  base_branches: main"),
			want: []string{`3:18: deploy.base_branches: expected a list of git branch names or patterns ("release/*"), got the string "main"`},
		},
		{
			name: "unknown rule",
			in:   lines(schemaDB, "lint:", "  rules:", "    drop-colum: error", "    float-column: warning"),
			opts: Options{KnownRule: knownRules},
			want: []string{"4:5: lint.rules: unknown rule \"drop-colum\" (see `ddlbot lint --list-rules`)"},
		},
		{
			name: "unknown rule near a known one",
			in:   lines(schemaDB, "lint:", "  rules:", "    drop-colum: error", "    float-column: warn"),
			opts: Options{KnownRule: knownRules, RuleIDs: []string{"drop-column", "no-unique-key", "float-column"}},
			want: []string{
				`4:5: lint.rules: unknown rule "drop-colum" (did you mean "drop-column"?)`,
				`5:19: lint.rules.float-column: invalid value "warn" (allowed: error, warning, notice, off; did you mean "warning"?)`,
			},
		},
		{
			name: "boolean severity",
			in:   lines(schemaDB, "lint:", "  rules:", "    drop-column: false"),
			opts: Options{KnownRule: knownRules},
			want: []string{"4:18: lint.rules.drop-column: expected a severity, got the boolean false (write `off` to disable the rule; allowed: error, warning, notice, off)"},
		},
		{
			name: "rule without severity",
			in:   lines(schemaDB, "lint:", "  rules:", "    drop-column:"),
			want: []string{`4:5: lint.rules.drop-column: missing severity (allowed: error, warning, notice, off)`},
		},
		{
			name: "no databases key",
			in:   lines("lint:", "  fail_on: warning"),
			want: []string{`1:1: missing required key "databases": list at least one database`},
		},
		{
			name: "empty databases",
			in:   lines("databases: []"),
			want: []string{`1:1: databases: list at least one database`},
		},
		{
			name: "null databases",
			in:   lines("databases:"),
			want: []string{`1:1: databases: list at least one database`},
		},
		{
			name: "bad merge",
			in:   lines("databases:", "  - <<: 3", "    name: a", "    schema: db"),
			want: []string{`2:9: merge key (<<) in databases[0] needs a mapping or a list of mappings, got the number 3`},
		},
		{
			name: "mapping merged into itself",
			in:   lines("databases:", "  - &a", "    <<: *a", "    name: a", "    schema: db"),
			want: []string{`3:9: merge key (<<) in databases[0] merges a mapping into itself`},
		},
		{
			name: "unknown key from a merged anchor",
			in: lines("x-base: &b", "  orgnization: acme", "  orgnization: again", "databases:", "  - <<: *b", "    name: a", "    schema: db",
				"  - <<: *b", "    name: b", "    schema: db"),
			want: []string{
				`2:3: unknown key "orgnization" in databases[0] (did you mean "organization"?)`,
				`3:3: duplicate key "orgnization" in databases[0] (first set at line 2)`,
			},
		},
		{
			name: "second document",
			in:   lines(schemaDB, "---", "lint: {}"),
			want: []string{`3:1: the file holds more than one YAML document; ddlbot reads exactly one`},
		},
		{
			name: "syntax error on a later line",
			in:   lines("databases:", "  - name: app", "    schema: db", "lint:", "\tfail_on: error"),
			want: []string{`5: invalid YAML: found character that cannot start any token`},
		},
		{
			name: "syntax error on the first line",
			in:   lines("databases: : x"),
			want: []string{`1: invalid YAML: mapping values are not allowed in this context`},
		},
		{
			name: "parser error",
			in:   lines("databases: []", "- x"),
			want: []string{`2: invalid YAML: did not find expected key`},
		},
		{
			name: "control character",
			in:   lines(schemaDB, "lint: {fail_on: \x01}"),
			want: []string{`2:17: invalid YAML: control characters are not allowed`},
		},
		{
			name: "invalid UTF-8",
			in:   lines(schemaDB, "# caf\xe9"),
			want: []string{`2:6: invalid YAML: incomplete UTF-8 octet sequence`},
		},
		{
			name: "unknown anchor",
			in:   lines("databases:", "  - name: app", "    schema: *nope"),
			want: []string{`3:13: invalid YAML: unknown anchor 'nope' referenced`},
		},
		{
			name: "bad limits",
			in:   lines(schemaDB, "limits:", "  max_file_size: 12 parsecs", "  max_files: 0", "  max_total_size: [1]", "  max_size: 1"),
			want: []string{
				`3:18: limits.max_file_size: invalid size "12 parsecs": unknown unit "parsecs" (use KB, MB, GB, KiB, MiB or GiB)`,
				`4:14: limits.max_files: must be 1 or more, got 0`,
				`5:19: limits.max_total_size: expected a size such as 64MiB, got a list`,
				`6:3: unknown key "max_size" in limits (did you mean "max_files"?)`,
			},
		},
		{
			name: "many problems sorted by position",
			in: lines("deploy:", "  required_approvals: -3", "databases:", "  - name: a", "  - name: a", "    schema: s",
				"lint: {fail_on: never}"),
			want: []string{
				`2:23: deploy.required_approvals: must be 0 or more, got -3`,
				`4:5: databases[0]: missing "schema" or "migrations" (set exactly one)`,
				`5:11: databases[1]: duplicate database name "a" (also used by databases[0] at line 4)`,
				`7:17: lint.fail_on: invalid value "never" (allowed: error, warning)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(file, []byte(tt.in), tt.opts)
			if err == nil {
				t.Fatalf("Parse succeeded with %+v; want errors", cfg)
			}
			if cfg != nil {
				t.Errorf("Parse returned a config alongside an error")
			}
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
			var got []string
			for _, p := range cerr.Problems {
				if p.File != file {
					t.Errorf("problem file = %q, want %q", p.File, file)
				}
				got = append(got, strings.TrimPrefix(p.String(), file+":"))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
}

// TestLimits checks that a small file standing, through aliases, for a huge
// one is refused quickly with a bounded report instead of being expanded.
func TestLimits(t *testing.T) {
	t.Run("merge keys", func(t *testing.T) {
		// Each level merges the previous one ten times: 10^8 keys if expanded.
		var b strings.Builder
		b.WriteString("x-0: &l0 {organization: acme}\n")
		for i := 1; i <= 8; i++ {
			fmt.Fprintf(&b, "x-%d: &l%d {<<: [", i, i)
			for j := range 10 {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "*l%d", i-1)
			}
			b.WriteString("]}\n")
		}
		b.WriteString("databases:\n  - {<<: *l8, name: a, schema: db}\n")
		_, err := Parse(file, []byte(b.String()), Options{})
		if err == nil || !strings.Contains(err.Error(), "copy more than 10000 keys in all") {
			t.Fatalf("Parse: %v; want the merge budget error", err)
		}
	})
	t.Run("problem count", func(t *testing.T) {
		// One mapping with 200 unknown keys, used by 200 databases: each
		// unknown key is reported once, each database lacks a name and a
		// folder, 600 problems in all.
		var b strings.Builder
		b.WriteString("x-bad: &bad\n")
		for i := range 200 {
			fmt.Fprintf(&b, "  k%d: v\n", i)
		}
		b.WriteString("databases:\n")
		for range 200 {
			b.WriteString("  - *bad\n")
		}
		_, err := Parse(file, []byte(b.String()), Options{})
		var cerr *Error
		if !errors.As(err, &cerr) {
			t.Fatalf("Parse: %v", err)
		}
		if n := len(cerr.Problems); n != maxProblems+1 {
			t.Fatalf("got %d problems, want %d and a summary", n, maxProblems+1)
		}
		last := cerr.Problems[len(cerr.Problems)-1].String()
		if want := file + ": 500 more problems not shown"; last != want {
			t.Errorf("last problem = %q, want %q", last, want)
		}
	})
}

// TestSchemaLimits reads the limits section: sizes as bytes or with a unit,
// the defaults for what is not set.
func TestSchemaLimits(t *testing.T) {
	cfg, err := Parse(file, []byte("databases: [{name: app, schema: db}]\nlimits:\n  max_file_size: 100MB\n  max_files: 200000\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := schemadiff.DefaultLimits()
	want.MaxFileSize, want.MaxFiles = 100_000_000, 200000
	if cfg.Limits != want {
		t.Errorf("limits = %+v, want %+v", cfg.Limits, want)
	}
	if Default().Limits != schemadiff.DefaultLimits() {
		t.Errorf("Default().Limits = %+v", Default().Limits)
	}
	cfg, err = Parse(file, []byte("databases: [{name: app, schema: db}]\nlimits: {max_total_size: 1048576}\n"), Options{})
	if err != nil || cfg.Limits.MaxTotalSize != 1<<20 || cfg.Limits.MaxFileSize != schemadiff.DefaultLimits().MaxFileSize {
		t.Errorf("limits = %+v, %v", cfg.Limits, err)
	}
}

func TestEmptyFileIsDefault(t *testing.T) {
	for _, in := range []string{"", "\n\n", "# nothing configured yet\n", "---\n", "~\n", "---\n---\n"} {
		cfg, err := Parse(file, []byte(in), Options{})
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		want := Default()
		want.File = file
		if !reflect.DeepEqual(cfg, want) {
			t.Errorf("Parse(%q) = %+v, want %+v", in, cfg, want)
		}
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if len(c.Databases) != 0 || c.File != "" {
		t.Errorf("Default has databases or a file: %+v", c)
	}
	if c.Lint.FailOn != "error" || len(c.Lint.Rules) != 0 {
		t.Errorf("Default lint = %+v", c.Lint)
	}
	want := Deploy{MinPermission: "write", Backup: "auto", BackupRetention: Retention{Value: 7, Unit: "day"}}
	if !reflect.DeepEqual(c.Deploy, want) {
		t.Errorf("Default deploy = %+v, want %+v", c.Deploy, want)
	}
	// Each call returns a fresh value, so one caller's edits cannot leak.
	c.Lint.FailOn = "warning"
	if Default().Lint.FailOn != "error" {
		t.Error("Default shares state between calls")
	}
}

func TestErrorString(t *testing.T) {
	in := lines("databases:", "  - name: app", "    shema: db", "deploy: {gated: 1}")
	_, err := Parse("conf/.ddlbot.yml", []byte(in), Options{})
	want := `conf/.ddlbot.yml:2:5: databases[0]: missing "schema" or "migrations" (set exactly one)
conf/.ddlbot.yml:3:5: unknown key "shema" in databases[0] (did you mean "schema"?)
conf/.ddlbot.yml:4:17: deploy.gated: expected true or false, got the number 1`
	if err == nil || err.Error() != want {
		t.Errorf("Error() =\n%v\nwant\n%s", err, want)
	}
	if got := (Problem{File: "f", Message: "m"}).String(); got != "f: m" {
		t.Errorf("positionless problem = %q", got)
	}
	if got := (Problem{File: "f", Line: 3, Message: "m"}).String(); got != "f:3: m" {
		t.Errorf("line-only problem = %q", got)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte(lines("databases:", "  - name: app", "    schema: db")), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(p, Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.File != p || len(cfg.Databases) != 1 {
		t.Errorf("Load = %+v", cfg)
	}

	if err := os.WriteFile(p, []byte("databases: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), p+":1:12: ") {
		t.Errorf("Load of an invalid file: %v; want an error naming %s:1:12", err, p)
	}

	_, err = Load(filepath.Join(dir, "missing.yml"), Options{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v; want fs.ErrNotExist", err)
	}
}

func TestHelpers(t *testing.T) {
	in := lines("databases:", "  - name: app", "    schema: db", "  - name: billing", "    migrations: m",
		"lint:", "  rules:", "    drop-column: warning")
	cfg, err := Parse(file, []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := cfg.Database("billing")
	if !ok || d.Name != "billing" || d.Line != 4 || d.Dir() != "m" {
		t.Errorf("Database(billing) = %+v, %v", d, ok)
	}
	if d, _ := cfg.Database("app"); d.Dir() != "db" {
		t.Errorf("Database(app).Dir() = %q", d.Dir())
	}
	if _, ok := cfg.Database("nope"); ok {
		t.Error("Database(nope) found something")
	}
	if s, ok := cfg.Severity("drop-column"); !ok || s != SeverityWarning {
		t.Errorf("Severity(drop-column) = %q, %v", s, ok)
	}
	if s, ok := cfg.Severity("float-column"); ok || s != "" {
		t.Errorf("Severity(float-column) = %q, %v; want no override", s, ok)
	}
}

func TestPermissionAtLeast(t *testing.T) {
	tests := []struct {
		role, min string
		want      bool
	}{
		{"admin", "write", true},
		{"write", "write", true},
		{"maintain", "write", true},
		{"triage", "write", false},
		{"read", "triage", false},
		{"read", "read", true},
		{"custom-role", "read", false},
		{"admin", "bogus", false},
		{"", "read", false},
	}
	for _, tt := range tests {
		if got := PermissionAtLeast(tt.role, tt.min); got != tt.want {
			t.Errorf("PermissionAtLeast(%q, %q) = %v, want %v", tt.role, tt.min, got, tt.want)
		}
	}
}

// FuzzParse checks that no input makes Parse panic, and that every failure
// is an *Error whose problems all carry the file name.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		lines("databases:", "  - name: app", "    schema: db"),
		lines("databases:", "  - name: app", "    migrations: m", "    migration_format: goose", "    mysql_version: 8.0",
			"lint:", "  rules: {drop-column: off}", "  fail_on: warning",
			"deploy: {min_permission: admin, allowed_teams: [a], required_approvals: 1, gated: true, base_branches: [release/*, '[x']}"),
		lines("x-a: &a {organization: o}", "databases:", "  - <<: [*a, *a]", "    name: n", "    schema: ."),
		lines("a: &a [*a]"),
		lines("databases: [", "- x"),
		"databases:\n  - name: a\n    shema: ../x\n---\n",
		"\xff\xfe",
		// Inputs that made earlier yaml.v3 releases panic.
		"#\n-\n-\n0",
		"a:\n.\n-\n",
		"{{},<<}",
		"0: \ufeff\n",
		"\"\\0\\\r\n",
		"  0: [\n] 0",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(file, data, Options{KnownRule: knownRules})
		if err != nil {
			if cfg != nil {
				t.Fatal("config returned with an error")
			}
			var cerr *Error
			if !errors.As(err, &cerr) || len(cerr.Problems) == 0 {
				t.Fatalf("error %T without problems: %v", err, err)
			}
			for _, p := range cerr.Problems {
				if p.File != file || p.Message == "" || p.Line < 0 || p.Column < 0 {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		for _, d := range cfg.Databases {
			if d.Name == "" || (d.Schema == "") == (d.Migrations == "") || d.Line <= 0 {
				t.Fatalf("invalid database accepted: %+v", d)
			}
		}
	})
}

func TestIgnoreTablesAndDirLine(t *testing.T) {
	in := lines("databases:", "  - name: app", "    migrations: db/migrations",
		"    ignore_tables: [schema_migrations, \"tmp_*\", \"audit_[0-9]\"]")
	got, err := Parse(file, []byte(in), Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	d := got.Databases[0]
	if d.DirLine != 3 || !reflect.DeepEqual(d.IgnoreTables, []string{"schema_migrations", "tmp_*", "audit_[0-9]"}) {
		t.Errorf("got DirLine %d, IgnoreTables %q", d.DirLine, d.IgnoreTables)
	}
	for _, tt := range []struct{ in, want string }{
		{"    ignore_tables: tmp", `4:20: databases[0].ignore_tables: expected a list of table names or patterns ("tmp_*"), got the string "tmp"`},
		{"    ignore_tables: [\"tmp_[\"]", `4:21: databases[0].ignore_tables[0]: "tmp_[" is not a table name or pattern (use * and ? as wildcards, [a-z] for a range)`},
		{"    ignore_tables: [a, a]", `4:24: databases[0].ignore_tables[1]: "a" is listed twice (first at line 4)`},
	} {
		_, err := Parse(file, []byte(lines("databases:", "  - name: app", "    schema: db", tt.in)), Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %s", tt.in, err, tt.want)
		}
	}
}

// Folders are relative to the configuration file's folder (Options.Dir) and
// come back relative to the repository root; ".." may climb only to the root.
func TestFoldersRelativeToTheFile(t *testing.T) {
	in := []byte("databases:\n  - {name: a, migrations: ../db/migrations}\n  - {name: b, schema: schema}\n  - {name: c, schema: ../../x}\n")
	_, err := Parse(".github/ddlbot.yml", in, Options{Dir: ".github"})
	if err == nil || !strings.Contains(err.Error(), `4:23: databases[2].schema: path "../../x" leaves the repository (folders are relative to this file's folder, ".github")`) {
		t.Fatalf("want c refused naming the file's folder, got %v", err)
	}
	cfg, err := Parse(".github/ddlbot.yml", in[:len(in)-len("  - {name: c, schema: ../../x}\n")], Options{Dir: ".github"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Databases[0].Dir(); got != "db/migrations" {
		t.Errorf("a: %q, want db/migrations", got)
	}
	if got := cfg.Databases[1].Dir(); got != ".github/schema" {
		t.Errorf("b: %q, want .github/schema", got)
	}
}

func TestDeploysFrom(t *testing.T) {
	d := Deploy{BaseBranches: []string{"release/*", "hotfix"}}
	for _, tt := range []struct {
		base string
		want bool
	}{{"main", true}, {"release/2024", true}, {"hotfix", true}, {"side", false}, {"release/a/b", false}, {"hotfix2", false}} {
		if got := d.DeploysFrom(tt.base, "main"); got != tt.want {
			t.Errorf("DeploysFrom(%q) = %v, want %v", tt.base, got, tt.want)
		}
	}
	if (Deploy{}).DeploysFrom("side", "main") {
		t.Error("with no base_branches only the default branch deploys")
	}
}
