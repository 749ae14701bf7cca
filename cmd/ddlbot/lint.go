package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/gitfs"
	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/schemadiff"
)

const lintDescription = `Lints schema files with the Vitess (MySQL) parser: syntax, statements
PlanetScale does not accept, PlanetScale's deploy rules, change-safety rules and
style rules, each finding at file:line:column.

Each PATH is a schema folder (CREATE statements), a migrations folder (plain,
golang-migrate, goose, dbmate or Flyway; detected automatically) or a .sql file.
Without PATHs, the databases in .ddlbot.yml are linted.

With --base REF, only the files changed since REF are linted, and the
change-safety rules compare the schema at REF with the working tree.

Exit status: 0 no errors (warnings allowed; see lint.fail_on), 1 findings at
or above the failing severity, 2 usage, configuration or internal problem.`

func runLint(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("lint", "ddlbot lint [PATH...] [--config F] [--base REF] [--format text|json|sarif|github]", lintDescription)
	configPath := fset.String("config", "", "configuration file (default: .ddlbot.yml in the current folder, if present)")
	base := fset.String("base", "", "git ref to compare with: lint only what changed since it and run the change-safety rules")
	format := fset.String("format", "text", "output format: text, json, sarif or github")
	listRules := fset.Bool("list-rules", false, "print the rule reference and exit")
	markdown := fset.Bool("markdown", false, "with --list-rules: print the reference as markdown")
	mysqlVersion := fset.String("mysql-version", "", "MySQL version to parse for, for PATHs not in the config (default "+schemadiff.DefaultMySQLVersion+")")
	allowFK := fset.Bool("allow-foreign-keys", false, "for PATHs not in the config: the database allows foreign keys")
	paths, err := parseFlags(fset, args)
	if err != nil {
		return a.flagError(fset, err)
	}
	if *listRules {
		if err := lint.WriteRuleReference(a.stdout, *markdown); err != nil {
			return a.fail(err)
		}
		return exitOK
	}
	outFormat, err := lint.ParseFormat(*format)
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	cfg, root, err := a.loadConfig(*configPath)
	if err != nil {
		return a.fail(err)
	}
	severities, err := severities(cfg)
	if err != nil {
		return a.fail(err)
	}
	targets, err := lintTargets(cfg, root, a.dir, paths, *mysqlVersion, *allowFK)
	if err != nil {
		return a.fail(err)
	}
	// Not os.DirFS: a symlink that leaves the repository (say to
	// /proc/self/environ) is refused instead of printed in the findings.
	head, err := openConfined(ctx, root)
	if err != nil {
		return a.fail(err)
	}
	var all []lint.Finding
	var results []*check.Result
	for _, t := range targets {
		var baseFS fs.FS
		if *base != "" {
			m, err := gitfs.Repo{Dir: root}.FS(ctx, *base, t.Path)
			if err != nil {
				return a.fail(err)
			}
			baseFS = m
		}
		res, err := check.Run(ctx, t, baseFS, head, check.Options{Severities: severities})
		if err != nil {
			return a.fail(fmt.Errorf("%s: %w", t.Describe(), err))
		}
		if res.BaseErr != nil {
			fmt.Fprintf(a.stderr, "ddlbot: %s: the schema at %s does not load, so the change-safety rules were skipped:\n%v\n", t.Describe(), *base, res.BaseErr)
		}
		results = append(results, res)
		all = append(all, res.Findings...)
	}
	// Findings carry paths relative to the root; print them relative to where the user stands.
	rel := relativizer(root, a.dir)
	lookup := func(file string) *schemadiff.Source {
		for _, r := range results {
			if s := r.Source(file); s != nil {
				return s
			}
		}
		return nil
	}
	shown := make([]lint.Finding, len(all))
	for i, f := range all {
		shown[i] = f
		shown[i].File = rel(f.File)
	}
	unrel := map[string]string{}
	for i := range all {
		unrel[shown[i].File] = all[i].File
	}
	err = lint.WriteWith(a.stdout, outFormat, shown, func(file string) *schemadiff.Source { return lookup(unrel[file]) }, lint.WriteOptions{Version: buildVersion()})
	if err != nil {
		return a.fail(err)
	}
	failOn := lint.Error
	if cfg.Lint.FailOn == "warning" {
		failOn = lint.Warning
	}
	if check.FailsOn(all, failOn) {
		return exitFindings
	}
	return exitOK
}

// loadConfig reads --config, or .ddlbot.yml in the current folder when
// present. It returns the folder paths in the config are relative to.
func (a *app) loadConfig(explicit string) (*config.Config, string, error) {
	opts := config.Options{KnownRule: lint.KnownRule, RuleIDs: lint.RuleIDs()}
	if explicit != "" {
		p := explicit
		if !filepath.IsAbs(p) {
			p = filepath.Join(a.dir, p)
		}
		cfg, err := config.Load(p, opts)
		if err != nil {
			return nil, "", err
		}
		return cfg, filepath.Dir(p), nil
	}
	for _, name := range []string{".ddlbot.yml", ".ddlbot.yaml"} {
		p := filepath.Join(a.dir, name)
		cfg, err := config.Load(p, opts)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return cfg, a.dir, nil
	}
	return config.Default(), a.dir, nil
}

func severities(cfg *config.Config) (map[string]lint.Severity, error) {
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

// lintTargets turns the configured databases, or the PATHs given, into check
// targets with paths relative to root.
func lintTargets(cfg *config.Config, root, cwd string, paths []string, mysqlVersion string, allowFK bool) ([]check.Target, error) {
	fromConfig := func(d config.Database) check.Target {
		t := check.Target{Name: d.Name, Path: d.Dir(), Format: d.MigrationFormat, MySQLVersion: d.MySQLVersion, AllowForeignKeys: d.AllowForeignKeys, Layout: check.LayoutDeclarative}
		if d.Migrations != "" {
			t.Layout = check.LayoutMigrations
		}
		return t
	}
	if len(paths) == 0 {
		if len(cfg.Databases) == 0 {
			return nil, usageError{"nothing to lint: give a schema folder, migrations folder or .sql file (for example `ddlbot lint db/schema`), or list databases in .ddlbot.yml"}
		}
		var out []check.Target
		for _, d := range cfg.Databases {
			out = append(out, fromConfig(d))
		}
		return out, nil
	}
	var out []check.Target
	for _, p := range paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, p)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, usageError{fmt.Sprintf("path %q is outside %s", p, root)}
		}
		rel = filepath.ToSlash(rel)
		t := check.Target{Path: rel, MySQLVersion: mysqlVersion, AllowForeignKeys: allowFK}
		for _, d := range cfg.Databases {
			if dir := d.Dir(); rel == dir || strings.HasPrefix(rel, dir+"/") {
				t = fromConfig(d)
				if rel != dir {
					// A file inside a configured folder: check the whole folder.
					t.Path = dir
				}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// relativizer rewrites root-relative slash paths as paths relative to cwd.
func relativizer(root, cwd string) func(string) string {
	return func(p string) string {
		if p == "" || root == cwd {
			return p
		}
		r, err := filepath.Rel(cwd, filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return p
		}
		return path.Clean(filepath.ToSlash(r))
	}
}
