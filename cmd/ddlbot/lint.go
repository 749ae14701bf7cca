package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	configPath := fset.String("config", "", "configuration file (default: the .ddlbot.yml in the current folder or the nearest one above it in the repository, if any)")
	base := fset.String("base", "", "git ref to compare with: lint only what changed since it and run the change-safety rules")
	format := fset.String("format", "text", "output format: text, json, sarif or github")
	listRules := fset.Bool("list-rules", false, "print the rule reference and exit")
	markdown := fset.Bool("markdown", false, "with --list-rules: print the reference as markdown")
	mysqlVersion := fset.String("mysql-version", "", "MySQL version to parse for, for PATHs not in the config (default "+schemadiff.DefaultMySQLVersion+")")
	allowFK := fset.Bool("allow-foreign-keys", false, "for PATHs not in the config: the database allows foreign keys")
	limitsFlags := addLimitFlags(fset, true)
	paths, code, ok := a.parseProfiled(fset, args)
	if !ok {
		return code
	}
	defer a.tuneGC(paths, gcLintPerByte)()
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
	cfg, root, err := a.loadConfig(ctx, *configPath)
	if err != nil {
		return a.fail(err)
	}
	severities, err := check.SeveritiesOf(cfg)
	if err != nil {
		return a.fail(err)
	}
	limits, err := limitsFlags.apply(cfg.Limits)
	if err != nil {
		return a.fail(err)
	}
	targets, err := lintTargets(ctx, cfg, root, a.dir, paths, *mysqlVersion, *allowFK)
	if err != nil {
		return a.fail(err)
	}
	// Not os.DirFS: a symlink that leaves the repository (say to
	// /proc/self/environ) is refused instead of printed in the findings.
	heads := map[string]fs.FS{}
	var all, shown []lint.Finding
	// Findings carry paths relative to their target's root; they are shown
	// relative to where the user stands, and looked up again by that name.
	sources := map[string]*schemadiff.Source{}
	for _, t := range targets {
		head, ok := heads[t.root]
		if !ok {
			if head, err = openConfined(ctx, t.root); err != nil {
				return a.fail(err)
			}
			heads[t.root] = head
		}
		var baseFS fs.FS
		if *base != "" {
			m, err := gitfs.Repo{Dir: t.root, MaxSQLFileSize: limits.MaxFileSize}.FS(ctx, *base, t.Path)
			if err != nil {
				return a.fail(err)
			}
			baseFS = m
		}
		res, err := check.Run(ctx, t.Target, baseFS, head, check.Options{Severities: severities, Limits: limits, LimitFlags: true})
		if err != nil {
			return a.fail(fmt.Errorf("%s: %w", t.Describe(), err))
		}
		if res.BaseErr != nil {
			fmt.Fprintf(a.stderr, "ddlbot: %s: the schema at %s does not load, so the change-safety rules were skipped:\n%v\n", t.Describe(), *base, res.BaseErr)
		}
		if len(res.Head.Statements) == 0 {
			// "no findings" alone reads as a pass of a folder that may be the wrong one.
			fmt.Fprintf(a.stderr, "ddlbot: %s: no SQL statements found, so nothing was linted (is this the schema or migrations folder?)\n", t.Describe())
		}
		rel := relativizer(t.root, a.dir)
		if t.absolute {
			rel = func(p string) string { return filepath.Join(t.root, filepath.FromSlash(p)) }
		}
		for _, f := range res.Findings {
			all = append(all, f)
			s := f
			s.File = rel(f.File)
			shown = append(shown, s)
			if src := res.Source(f.File); src != nil && sources[s.File] == nil {
				sources[s.File] = src
			}
		}
	}
	err = lint.WriteWith(a.stdout, outFormat, shown, func(file string) *schemadiff.Source { return sources[file] }, lint.WriteOptions{Version: buildVersion()})
	if err != nil {
		return a.fail(err)
	}
	failOn := check.FailOnOf(cfg)
	if check.FailsOn(all, failOn) {
		return exitFindings
	}
	return exitOK
}

// loadConfig reads --config, or the .ddlbot.yml found from the current
// folder upwards (see findConfig). It returns the folder the configuration's
// folders are relative to once parsed: the repository root (see configRoot).
func (a *app) loadConfig(ctx context.Context, explicit string) (*config.Config, string, error) {
	file, err := a.findConfig(ctx, explicit)
	if err != nil {
		return nil, "", err
	}
	if file == "" {
		return config.Default(), a.dir, nil
	}
	root, dir := configRoot(ctx, file)
	cfg, err := config.Load(file, config.Options{KnownRule: lint.KnownRule, RuleIDs: lint.RuleIDs(), Dir: dir})
	if err != nil {
		return nil, "", err
	}
	return cfg, root, nil
}

// findConfig returns the configuration file's absolute path: --config, else
// the first .ddlbot.yml (.ddlbot.yaml) in the current folder or a folder
// above it, up to the root of the git work tree it is in (only the current
// folder outside git), the way git finds .git. It returns "" when there is
// none; a --config that does not exist is an error.
func (a *app) findConfig(ctx context.Context, explicit string) (string, error) {
	if explicit != "" {
		p := explicit
		if !filepath.IsAbs(p) {
			p = filepath.Join(a.dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			return "", usageError{fmt.Sprintf("--config %s: %v", explicit, errors.Unwrap(err))}
		}
		return p, nil
	}
	top, err := gitfs.Repo{Dir: a.dir}.Toplevel(ctx)
	if err != nil {
		top = a.dir
	}
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	dir := a.dir
	for {
		for _, name := range config.FileNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
		real, err := filepath.EvalSymlinks(dir)
		if err != nil || real == top || filepath.Dir(dir) == dir {
			return "", nil
		}
		dir = filepath.Dir(dir)
	}
}

// configRoot returns the folder a configuration file's folders are read from
// (the root of the git work tree that holds it, else the file's own folder)
// and the file's folder relative to it, for config.Options.Dir.
func configRoot(ctx context.Context, file string) (root, dir string) {
	// The file is a path like any other: linted from the work tree holding it.
	root, rel, err := ownRoot(ctx, file, file)
	if err != nil {
		return filepath.Dir(file), "."
	}
	return root, path.Dir(rel)
}

// lintTarget is a check target and the folder its path is relative to.
type lintTarget struct {
	check.Target
	root string
	// absolute: the path was given absolute, so findings print absolute.
	absolute bool
}

// lintTargets turns the configured databases, or the PATHs given, into check
// targets. Paths under root (the configuration's folder) are relative to
// it; a path elsewhere (`/abs/db`, `../other-repo/db`) is linted from the
// git work tree that holds it, or from its own parent folder. So is a path
// under root that another work tree holds (root outside git, as /tmp
// holding a clone, or a repository nested in root's): --base reads the
// path's own repository, never the current folder's.
func lintTargets(ctx context.Context, cfg *config.Config, root, cwd string, paths []string, mysqlVersion string, allowFK bool) ([]lintTarget, error) {
	fromConfig := check.TargetFor // the Action's target of the same database: ignore_tables and all
	trees := workTrees{}
	if len(paths) == 0 {
		if len(cfg.Databases) == 0 {
			return nil, usageError{"nothing to lint: give a schema folder, migrations folder or .sql file (for example `ddlbot lint db/schema`), or list databases in .ddlbot.yml"}
		}
		var out []lintTarget
		for _, d := range cfg.Databases {
			out = append(out, trees.reroot(ctx, lintTarget{fromConfig(d), root, false}))
		}
		return out, nil
	}
	var out []lintTarget
	for _, p := range paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, p)
		}
		abs = filepath.Clean(abs)
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			r, relPath, err := ownRoot(ctx, p, abs)
			if err != nil {
				return nil, err
			}
			out = append(out, lintTarget{check.Target{Path: relPath, MySQLVersion: mysqlVersion, AllowForeignKeys: allowFK}, r, filepath.IsAbs(p)})
			continue
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
		out = append(out, trees.reroot(ctx, lintTarget{t, root, filepath.IsAbs(p)}))
	}
	return out, nil
}

// reroot moves a target under root to the work tree holding its path when
// that is not root's own (the configuration's settings are kept). t.absolute
// says whether the path was given absolute; it is kept only when moved.
func (w workTrees) reroot(ctx context.Context, t lintTarget) lintTarget {
	abs := filepath.Join(t.root, filepath.FromSlash(t.Path))
	top, rel, ok := w.of(ctx, abs)
	if !ok || w.same(ctx, t.root, abs) {
		t.absolute = false // under root: shown relative to where the user stands
		return t
	}
	// As a path elsewhere (ownRoot): findings print as the path was given.
	t.root, t.Path = top, rel
	return t
}

// ownRoot finds the folder to lint a path outside the configuration's
// folder from: the git work tree holding it (so --base compares within that
// repository), else the path's parent folder.
func ownRoot(ctx context.Context, given, abs string) (root, rel string, err error) {
	st, err := os.Stat(abs)
	if err != nil {
		return "", "", usageError{fmt.Sprintf("schema path %q: no such file or folder", given)}
	}
	dir := abs
	if !st.IsDir() {
		dir = filepath.Dir(abs)
	}
	if top, err := (gitfs.Repo{Dir: dir}).Toplevel(ctx); err == nil {
		// git prints the real path; abs may be reached through a link.
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			if r, err := filepath.Rel(top, real); err == nil && r != "." && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				return top, filepath.ToSlash(r), nil
			}
		}
	}
	return filepath.Dir(abs), filepath.Base(abs), nil
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
