package config

import (
	"fmt"
	"os"
	"path"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// FileName is where ddlbot looks for its configuration, relative to the
// repository root.
const FileName = ".ddlbot.yml"

// Defaults applied when a key is absent. They are constants rather than
// variables so no caller can change them for everyone else.
const (
	DefaultProductionBranch  = "main"
	DefaultMySQLVersion      = "8.0.40"
	DefaultFailOn            = SeverityError
	DefaultMinPermission     = PermissionWrite
	DefaultRequiredApprovals = 0
)

// Severities a lint rule can be set to in lint.rules. SeverityOff disables
// the rule; the others match the lint package's severities by name.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityNotice  = "notice"
	SeverityOff     = "off"
)

// GitHub repository permission levels, lowest first, as the collaborator
// permission API reports them in role_name.
const (
	PermissionRead     = "read"
	PermissionTriage   = "triage"
	PermissionWrite    = "write"
	PermissionMaintain = "maintain"
	PermissionAdmin    = "admin"
)

// Config is a parsed and validated .ddlbot.yml. Every field holds a usable
// value: defaults are filled in and folder paths are cleaned, so callers
// never re-check what Parse already checked.
type Config struct {
	// File is the name the configuration was read from; empty for Default().
	File string
	// Databases is in file order. Empty only for Default().
	Databases []Database
	Lint      Lint
	Deploy    Deploy
	// Limits bound what loading each database's schema may read.
	Limits schemadiff.Limits
}

// Database is one PlanetScale database and the folder in the repository that
// holds its desired schema.
type Database struct {
	// Name identifies the database in messages and in `/deploy --db NAME`.
	// Unique within the file.
	Name string
	// Organization is the PlanetScale organization; may be empty when ddlbot
	// is only used to lint.
	Organization string
	// Database is the PlanetScale database name.
	Database string
	// ProductionBranch is the PlanetScale branch deploy requests target.
	ProductionBranch string
	// Schema is the declarative folder (CREATE statements), cleaned and
	// relative to the repository root; empty when Migrations is set.
	Schema string
	// Migrations is the migrations folder, cleaned and relative to the
	// repository root; empty when Schema is set.
	Migrations string
	// MigrationFormat is how to read Migrations; schemadiff.FormatAuto unless
	// configured. Empty when Schema is set.
	MigrationFormat schemadiff.Format
	// MySQLVersion is the server version to parse and diff for, as written
	// (for example "8.0", "8.0.40" or "8.4"); schemadiff.NewEnv accepts it.
	MySQLVersion string
	// AllowForeignKeys turns off the foreign-key checks, for databases that
	// run with foreign key support enabled on PlanetScale.
	AllowForeignKeys bool
	// IgnoreTables are table names and path.Match patterns of tables the
	// repository does not manage: they are left out of diffs and lint and
	// never dropped from a branch (migration tools' tracking tables are
	// always kept; see check.Unmanaged).
	IgnoreTables []string
	// DirLine is the line of the schema or migrations setting, so an error
	// about the folder can point at it.
	DirLine int
	// Line is where this entry starts in the file, so later findings about
	// the database can point at its configuration.
	Line int
}

// Dir is the folder that holds the database's schema: Schema or Migrations,
// whichever is set.
func (d *Database) Dir() string {
	if d.Schema != "" {
		return d.Schema
	}
	return d.Migrations
}

// Lint configures the linter.
type Lint struct {
	// Rules are the severity overrides, in file order.
	Rules []RuleOverride
	// FailOn is the lowest severity that fails the check: SeverityError or
	// SeverityWarning.
	FailOn string
}

// RuleOverride sets the severity of one lint rule.
type RuleOverride struct {
	Rule string
	// Severity is SeverityError, SeverityWarning, SeverityNotice or
	// SeverityOff.
	Severity string
	// Line is where the override is written, so a finding can cite it.
	Line int
}

// Deploy configures who may deploy and how.
type Deploy struct {
	// MinPermission is the lowest repository permission a commenter needs
	// to run /deploy and the other commands that change a database.
	MinPermission string
	// AllowedTeams, when not empty, further restricts deploying to members
	// of these team slugs.
	AllowedTeams []string
	// AllowForks lets pull requests from forks be deployed; off by default
	// because a fork's author controls the schema being deployed.
	AllowForks bool
	// RequiredApprovals is how many approving reviews on the current head
	// a pull request needs before it can be deployed.
	RequiredApprovals int
	// Gated makes deploys wait for /cutover before the final switch.
	Gated bool
	// Instant requests instant (ALGORITHM=INSTANT) deploys where eligible.
	Instant bool
	// BaseBranches are git branches (names or path.Match patterns such as
	// "release/*") whose pull requests may deploy, besides the repository's
	// default branch. Pull requests into any other branch are linted and
	// planned, but /deploy refuses them.
	BaseBranches []string
	// AcceptDrift acknowledges, for every pull request, that production may
	// differ from the base branch: the check run is not action_required for
	// it and /deploy needs no --accept-drift.
	AcceptDrift bool
	// DropUnknownTables lets a deploy drop tables in production that the
	// repository never had (as /deploy --drop-unknown-tables does).
	DropUnknownTables bool
	// OnMerge deploys a pull request's deploy request when the pull request
	// is merged, through the same checks as /deploy.
	OnMerge bool
	// Backup is BackupAuto (back production up before a deploy that can
	// drop data), BackupAlways or BackupNever.
	Backup string
	// BackupRetention is how long such a backup is kept.
	BackupRetention Retention
}

// DeploysFrom reports whether pull requests into git branch base may
// deploy, given the repository's default branch.
func (d Deploy) DeploysFrom(base, defaultBranch string) bool {
	if base == defaultBranch {
		return true
	}
	for _, p := range d.BaseBranches {
		if ok, _ := path.Match(p, base); ok {
			return true
		}
	}
	return false
}

// Options adjusts validation to what the caller knows.
type Options struct {
	// KnownRule reports whether a lint rule id exists. When nil, rule ids are
	// not checked. It is a function rather than a list so this package does
	// not depend on the lint package, which sits beside it.
	KnownRule func(id string) bool
	// RuleIDs lists the lint rule ids, so an unknown id can be answered with
	// the one the user most likely meant. Optional.
	RuleIDs []string
	// Dir is the folder of the configuration file, relative to the root the
	// caller reads folders from (the repository root; "" or "." when the file
	// is there). The file's folders are relative to its own folder, so they
	// are joined to Dir, and may go up ("../db/migrations" from .github/) as
	// long as they stay under the root. Database.Dir() is then relative to the
	// root.
	Dir string
}

// FileNames are the names ddlbot looks for its configuration under, in order.
var FileNames = []string{FileName, ".ddlbot.yaml"}

// Default is the configuration used when a repository has no .ddlbot.yml:
// no databases, and defaults everywhere else.
func Default() *Config {
	return &Config{
		Lint:   Lint{FailOn: DefaultFailOn},
		Limits: schemadiff.DefaultLimits(),
		Deploy: Deploy{
			MinPermission:     DefaultMinPermission,
			RequiredApprovals: DefaultRequiredApprovals,
			Backup:            DefaultBackup,
			BackupRetention:   DefaultRetention,
		},
	}
}

// Load reads and parses the configuration file at path. A missing file is an
// error that wraps fs.ErrNotExist, so callers that treat "no file" as
// Default() can test for it with errors.Is.
func Load(path string, opts Options) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, opts)
}

// Parse parses and validates a configuration file's contents. filename is
// used only in messages. An empty file (or one holding only comments) gives
// Default(). Any invalid content gives an *Error listing every problem.
func Parse(filename string, data []byte, opts Options) (*Config, error) {
	d := &decoder{file: filename, opts: opts}
	cfg := d.parse(data)
	if len(d.problems) > 0 {
		ps := sortProblems(d.problems)
		if d.dropped > 0 {
			ps = append(ps, Problem{File: filename, Message: fmt.Sprintf("%d more problems not shown", d.dropped)})
		}
		return nil, &Error{Problems: ps}
	}
	cfg.File = filename
	return cfg, nil
}

// Database finds a database by its Name. The pointer is into c.Databases.
func (c *Config) Database(name string) (*Database, bool) {
	for i := range c.Databases {
		if c.Databases[i].Name == name {
			return &c.Databases[i], true
		}
	}
	return nil, false
}

// Severity returns the severity configured for a lint rule, and false when
// the file does not override it (the rule's own default then applies).
func (c *Config) Severity(rule string) (string, bool) {
	for _, o := range c.Lint.Rules {
		if o.Rule == rule {
			return o.Severity, true
		}
	}
	return "", false
}

// Severities lists the values lint.rules accepts, most severe first.
func Severities() []string {
	return []string{SeverityError, SeverityWarning, SeverityNotice, SeverityOff}
}

// Permissions lists GitHub repository permission levels, lowest first.
func Permissions() []string {
	return []string{PermissionRead, PermissionTriage, PermissionWrite, PermissionMaintain, PermissionAdmin}
}

// PermissionAtLeast reports whether a GitHub role (role_name from the
// collaborator permission API) is at or above min. Unknown roles, such as
// custom organization roles, never qualify: refusing is the safe default.
func PermissionAtLeast(role, min string) bool {
	rank := func(p string) int {
		for i, q := range Permissions() {
			if q == p {
				return i
			}
		}
		return -1
	}
	r, m := rank(role), rank(min)
	return r >= 0 && m >= 0 && r >= m
}
