package check

import (
	"fmt"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/lint"
)

// The one way from configuration to checks, for every entry point (the
// engine, `ddlbot lint`, `ddlbot plan`).

// TargetFor is the check target of a configured database.
func TargetFor(db config.Database) Target {
	t := Target{Name: db.Name, Path: db.Dir(), Format: db.MigrationFormat, MySQLVersion: db.MySQLVersion,
		AllowForeignKeys: db.AllowForeignKeys, Layout: LayoutDeclarative, IgnoreTables: db.IgnoreTables}
	if db.Migrations != "" {
		t.Layout = LayoutMigrations
	}
	return t
}

// SeveritiesOf turns the configuration's rule overrides into lint
// severities. The decoder already refuses a bad severity; one that slips
// through is an error naming its line, never dropped.
func SeveritiesOf(cfg *config.Config) (map[string]lint.Severity, error) {
	out := map[string]lint.Severity{}
	for _, o := range cfg.Lint.Rules {
		s, err := lint.ParseSeverity(o.Severity)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", cfg.File, o.Line, err)
		}
		out[o.Rule] = s
	}
	return out, nil
}

// FailOnOf is the lowest severity that fails a check (lint.fail_on).
func FailOnOf(cfg *config.Config) lint.Severity {
	if cfg.Lint.FailOn == config.SeverityWarning {
		return lint.Warning
	}
	return lint.Error
}
