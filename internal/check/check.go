// Package check loads one database's schema at the base and the head of a
// change, diffs them and lints the change: the analysis every entry point
// (the CLI, the Action, the App) starts from, before any backend is touched.
package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// Layout says how a folder holds a schema.
type Layout string

// Layouts. LayoutAuto decides from the folder's contents.
const (
	LayoutAuto        Layout = "auto"
	LayoutDeclarative Layout = "declarative"
	LayoutMigrations  Layout = "migrations"
	LayoutFile        Layout = "file"
)

// Target is one database's schema in a repository.
type Target struct {
	// Name is the database's display name ("" for an ad-hoc path).
	Name string
	// Path is the schema folder or .sql file, slash-separated, relative to the FS root.
	Path   string
	Layout Layout
	// Format is the migrations format (auto-detected when empty or auto).
	Format           schemadiff.Format
	MySQLVersion     string
	AllowForeignKeys bool
	// IgnoreTables are the configured ignore_tables (see Unmanaged).
	IgnoreTables []string
}

// Options tune a check.
type Options struct {
	Severities    map[string]lint.Severity
	DetectRenames bool
	// Limits bound what each side may read (zero fields: the defaults).
	Limits schemadiff.Limits
	// LimitFlags: the caller takes --max-… flags, so a limit error names
	// them beside the configuration.
	LimitFlags bool
}

// Result is what a check found.
type Result struct {
	Target Target
	// Layout and Format are what was used (after detection).
	Layout Layout
	Format schemadiff.Format
	Env    *schemadiff.Env
	// Base is nil when there was no base; Head is always set.
	Base, Head *schemadiff.Schema
	// BaseErr is set when the base schema itself did not load: the change
	// cannot be diffed then.
	BaseErr error
	// Diff is Base → Head, nil without a base or when either side has blocking problems.
	Diff *schemadiff.Diff
	// DiffErr is why the diff failed when both sides loaded.
	DiffErr error
	// Changed lists the files that differ from the base (every file without a base).
	Changed  []string
	Findings []lint.Finding
	// Unmanaged are the tables the repository leaves alone: left out of
	// Diff and lint, and never dropped from a branch.
	Unmanaged Unmanaged
	lintIn    *lint.Input
	sources   map[string]*schemadiff.Source
}

// Source returns the text of a linted file (nil when unknown), for rendering
// findings with their source line.
func (r *Result) Source(file string) *schemadiff.Source { return r.sources[file] }

// Run checks one target. base may be nil (no base: lint the head only). The
// error is for problems reading the input (missing folder, unreadable file,
// unreadable migration layout); problems in the SQL are findings.
func Run(ctx context.Context, t Target, base, head fs.FS, opts Options) (*Result, error) {
	env, err := schemadiff.NewEnv(t.MySQLVersion)
	if err != nil {
		return nil, err
	}
	p := path.Clean(t.Path)
	st, err := fs.Stat(head, p)
	if err != nil {
		return nil, fmt.Errorf("schema path %q: %w", t.Path, err)
	}
	hint := LimitHint{Config: true, Flags: opts.LimitFlags}.Hint
	layout, err := DetectLayout(head, p, st.IsDir(), t.Layout, opts.Limits, hint)
	if err != nil {
		return nil, err
	}
	if st.IsDir() == (layout == LayoutFile) {
		return nil, fmt.Errorf("schema path %q: expected a %s", t.Path, map[bool]string{true: "folder", false: ".sql file"}[layout != LayoutFile])
	}
	if base != nil && exists(base, p) {
		if err := hint(schemadiff.CheckLimits(base, p, layout == LayoutDeclarative, opts.Limits)); err != nil {
			return nil, fmt.Errorf("base schema: %w", err)
		}
	}
	res := &Result{Target: t, Layout: layout, Format: t.Format, Env: env, sources: map[string]*schemadiff.Source{}}
	format := t.Format
	if layout == LayoutMigrations && (format == "" || format == schemadiff.FormatAuto) {
		// The base is read in the head's format: settle it first, so the
		// two sides can load at the same time.
		if format, err = schemadiff.DetectMigrationsFormat(head, p); err != nil {
			return nil, err
		}
	}
	var (
		wg       sync.WaitGroup
		baseLoad = base != nil && exists(base, p)
	)
	if baseLoad {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Lint reads the head's statements, never the base's: the base
			// is built lean (its trees changed in place, then dropped).
			res.Base, _, res.BaseErr = Load(env.Lean(), base, p, p, layout, format)
		}()
	}
	res.Head, res.Format, err = Load(env, head, p, p, layout, format)
	wg.Wait()
	if res.Head == nil {
		return nil, err
	}
	if base != nil {
		if baseLoad {
			if res.Base == nil {
				return nil, fmt.Errorf("base schema: %w", res.BaseErr)
			}
		} else {
			// The schema is new in this change: the base is empty.
			res.Base, _ = env.NewBuilder().Finish()
		}
		res.Changed = changedFiles(base, head, res.Head)
	} else {
		res.Changed = files(res.Head)
	}
	changed := map[string]bool{}
	for _, f := range res.Changed {
		changed[f] = true
	}
	in := &lint.Input{Head: res.Head, Base: res.Base, AllowForeignKeys: t.AllowForeignKeys, Severities: opts.Severities}
	res.Unmanaged = NewUnmanaged(t, res.Head)
	in.Ignore = res.Unmanaged.Ignored
	for _, s := range res.Head.Statements {
		if changed[s.Origin.File] && !res.Unmanaged.Ignored(statementTable(s)) {
			in.Statements = append(in.Statements, s)
		}
		if s.Source != nil {
			res.sources[s.Source.Name] = s.Source
		}
	}
	if res.Base != nil && res.BaseErr == nil && res.Head.Vitess() != nil {
		d, err := schemadiff.Compute(ctx, res.Base, res.Head, schemadiff.DiffOptions{DetectRenames: opts.DetectRenames})
		// A change that cannot be ordered is a finding (change-order), not a failure of the run.
		d = res.Unmanaged.Filter(d)
		res.Diff, in.Diff, res.DiffErr, in.DiffError = d, d, err, err
	}
	res.Findings = lint.Run(in)
	res.lintIn = in
	return res, nil
}

// Relint lints the same changed files against another starting point: from
// (for example production's schema) and its diff to the head, with the
// suppressions of the change's files in force. Nil before Run has linted.
func (r *Result) Relint(from *schemadiff.Schema, d *schemadiff.Diff, diffErr error) []lint.Finding {
	if r.lintIn == nil {
		return nil
	}
	in := *r.lintIn
	in.Base, in.Diff, in.DiffError = from, r.Unmanaged.Filter(d), diffErr
	return lint.Run(&in)
}

func exists(fsys fs.FS, p string) bool {
	_, err := fs.Stat(fsys, p)
	return err == nil
}

// DetectLayout settles the layout of the schema at p (a folder when isDir)
// within limits, checking sizes before anything is read: the folder's own
// files first (detecting the layout reads them), then a schema folder's
// subfolders too. want is the configured layout ("" or LayoutAuto: detect).
// hint adds the way to raise a limit (a LimitHint's Hint). The engine, lint and diff all settle a layout this way.
func DetectLayout(fsys fs.FS, p string, isDir bool, want Layout, l schemadiff.Limits, hint func(error) error) (Layout, error) {
	if err := hint(schemadiff.CheckLimits(fsys, p, false, l)); err != nil {
		return "", err
	}
	layout := want
	if layout == "" || layout == LayoutAuto {
		switch {
		case !isDir:
			layout = LayoutFile
		case schemadiff.IsMigrationsDir(fsys, p):
			layout = LayoutMigrations
		default:
			layout = LayoutDeclarative
		}
	}
	if layout == LayoutDeclarative && isDir {
		// Schema folders are read with their subfolders.
		if err := hint(schemadiff.CheckLimits(fsys, p, true, l)); err != nil {
			return "", err
		}
	}
	return layout, nil
}

// Load reads the schema at p in a layout; name is the file name messages
// give a single .sql file. It returns the schema even when it has problems
// (a *schemadiff.LoadError: those become findings), and an error alone when
// nothing could be read.
func Load(env *schemadiff.Env, fsys fs.FS, p, name string, layout Layout, format schemadiff.Format) (*schemadiff.Schema, schemadiff.Format, error) {
	var (
		s   *schemadiff.Schema
		err error
	)
	switch layout {
	case LayoutFile:
		var data []byte
		data, err = fs.ReadFile(fsys, p)
		if err != nil {
			return nil, format, fmt.Errorf("read %q: %w", p, err)
		}
		s, err = env.LoadSQL(name, string(data))
	case LayoutMigrations:
		s, format, err = env.LoadMigrations(fsys, p, format)
	default:
		s, err = env.LoadDeclarative(fsys, p)
	}
	var le *schemadiff.LoadError
	if s != nil && (err == nil || errors.As(err, &le)) {
		return s, format, err
	}
	return nil, format, err
}

func files(s *schemadiff.Schema) []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range s.Statements {
		if f := st.Origin.File; !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// changedFiles lists the head files whose content differs from the base.
func changedFiles(base, head fs.FS, s *schemadiff.Schema) []string {
	var out []string
	for _, f := range files(s) {
		h, err1 := fs.ReadFile(head, f)
		b, err2 := fs.ReadFile(base, f)
		if err1 != nil || err2 != nil || !bytes.Equal(h, b) {
			out = append(out, f)
		}
	}
	return out
}

// FailsOn reports whether any finding is at or above a severity.
func FailsOn(fs []lint.Finding, min lint.Severity) bool {
	for _, f := range fs {
		if f.Severity >= min && f.Severity != lint.Off {
			return true
		}
	}
	return false
}

// Describe names a target for messages.
func (t Target) Describe() string {
	if t.Name != "" {
		return fmt.Sprintf("database %s (%s)", t.Name, t.Path)
	}
	return strings.TrimSuffix(t.Path, "/")
}

// LimitHint says where whoever reads a limit error can raise the limit:
// in the configuration (limits.<name> in .ddlbot.yml), with a --max-… flag,
// or both. Only the ways the command at hand has are named.
type LimitHint struct{ Config, Flags bool }

// Hint adds the ways to raise it to a *schemadiff.LimitError (other errors
// pass as they are).
func (h LimitHint) Hint(err error) error {
	var le *schemadiff.LimitError
	if !errors.As(err, &le) {
		return err
	}
	var ways []string
	if h.Config {
		ways = append(ways, "limits."+le.Limit+" in .ddlbot.yml")
	}
	if h.Flags {
		ways = append(ways, "--"+strings.ReplaceAll(le.Limit, "_", "-"))
	}
	why := "a schema this large is refused so that it cannot exhaust the machine's memory"
	if len(ways) == 0 {
		return fmt.Errorf("%w: %s", err, why)
	}
	return fmt.Errorf("%w: %s; if it is meant to be this large, raise the limit with %s", err, why, strings.Join(ways, " or "))
}
