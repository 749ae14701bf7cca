package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/gitfs"
	"github.com/ddlbot/ddlbot/schemadiff"
)

const diffDescription = `Diffs two schemas and prints the DDL that turns FROM into TO, with a safety
analysis of every change (drops data, INSTANT eligibility, unique keys added,
NOT NULL without default, ENUM changes, primary key changes, foreign keys).

FROM and TO are each a schema folder (CREATE statements), a migrations folder
(applied in order, in memory), a .sql file, or REF:PATH to read PATH at a git
commit (for example main:db/schema).

Formats: sql (ordered statements), diff (CREATE statements before and after as
+/- lines), markdown (summary table, risks, DDL, diff), json (stable shape,
documented in the README).

Exit status: 0 (or, with --exit-code, 0 no differences and 1 differences),
2 usage problem or a schema that does not load.`

func runDiff(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("diff", "ddlbot diff FROM TO [--format sql|diff|markdown|json]", diffDescription)
	format := fset.String("format", "sql", "output format: sql, diff, markdown or json")
	mysqlVersion := fset.String("mysql-version", "", "MySQL version to parse and analyse for (default "+schemadiff.DefaultMySQLVersion+")")
	migrationFormat := fset.String("migration-format", "auto", "format of migrations folders: auto, plain, golang-migrate, goose, dbmate or flyway")
	renames := fset.Bool("detect-renames", false, "detect renamed tables and columns instead of showing drop + add")
	exitCode := fset.Bool("exit-code", false, "exit with 1 when the schemas differ")
	limitsFlags := addLimitFlags(fset, false)
	args, code, ok := a.parseProfiled(fset, args)
	if !ok {
		return code
	}
	defer a.tuneGC(args, gcDiffPerByte)()
	if len(args) != 2 {
		code := a.fail(usageError{fmt.Sprintf("diff takes FROM and TO, got %d argument(s)", len(args))})
		a.helpHint(fset)
		return code
	}
	rf, err := schemadiff.ParseRenderFormat(*format)
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	mf, err := schemadiff.ParseFormat(*migrationFormat)
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	env, err := schemadiff.NewEnv(*mysqlVersion)
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	env = env.Lean() // diff never lints: the statements' trees are not kept
	limits, err := limitsFlags.apply(schemadiff.DefaultLimits())
	if err != nil {
		return a.fail(err)
	}
	// The two sides load on their own goroutines (the Env is safe for
	// that); errors are reported in argument order.
	var (
		schemas [2]*schemadiff.Schema
		errs    [2]error
		wg      sync.WaitGroup
	)
	for i, spec := range args {
		wg.Add(1)
		go func() {
			defer wg.Done()
			schemas[i], errs[i] = a.loadSpec(ctx, env, spec, mf, limits)
		}()
	}
	wg.Wait()
	for i, spec := range args {
		if errs[i] != nil {
			fmt.Fprintf(a.stderr, "ddlbot: %s does not load:\n%v\n", spec, errs[i])
			return exitUsage
		}
	}
	d, err := schemadiff.Compute(ctx, schemas[0], schemas[1], schemadiff.DiffOptions{DetectRenames: *renames})
	if err != nil {
		return a.fail(err)
	}
	render := func() error { return d.Render(a.stdout, rf) }
	if rf == schemadiff.RenderMarkdown {
		// Risks marked as lint rates them by default, as the plan's report does.
		render = func() error {
			return d.RenderMarkdownWith(a.stdout, schemadiff.MarkdownOptions{RiskMark: bot.RiskMark(nil)})
		}
	}
	if err := render(); err != nil {
		return a.fail(err)
	}
	if *exitCode && !d.Empty() {
		return exitFindings
	}
	return exitOK
}

// loadSpec loads a folder, a file or REF:PATH.
func (a *app) loadSpec(ctx context.Context, env *schemadiff.Env, spec string, mf schemadiff.Format, limits schemadiff.Limits) (*schemadiff.Schema, error) {
	var (
		fsys   fs.FS
		dir, p string
	)
	local := spec
	if !filepath.IsAbs(local) {
		local = filepath.Join(a.dir, spec)
	}
	if _, err := os.Stat(local); err == nil {
		// Keep paths in messages as the user wrote them when under the current folder.
		if rel, err := filepath.Rel(a.dir, local); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			dir, p = a.dir, filepath.ToSlash(rel)
		} else {
			dir, p = filepath.Dir(local), filepath.Base(local)
		}
		// Symbolic links may not lead out of the repository (or that folder).
		var err error
		if fsys, err = openConfined(ctx, dir); err != nil {
			return nil, err
		}
	} else if ref, rel, ok := strings.Cut(spec, ":"); ok && ref != "" {
		rel = strings.TrimPrefix(filepath.ToSlash(rel), "./")
		if rel == "" {
			rel = "."
		}
		repo := gitfs.Repo{Dir: a.dir, MaxSQLFileSize: limits.MaxFileSize}
		repo.Dir, rel = a.refRepo(ctx, rel)
		m, err := repo.FS(ctx, ref, rel)
		if err != nil {
			return nil, err
		}
		if entries, err := fs.ReadDir(m, "."); err != nil || len(entries) == 0 {
			return nil, fmt.Errorf("%s: no files at %s in %s", spec, rel, ref)
		}
		fsys, p = m, rel
	} else {
		return nil, fmt.Errorf("%s: no such file or folder (for a git commit write REF:PATH)", spec)
	}
	st, err := fs.Stat(fsys, p)
	if err != nil {
		// A single file at a ref: MapFS knows files, and folders by their files.
		return nil, err
	}
	layout, err := check.DetectLayout(fsys, p, st.IsDir(), check.LayoutAuto, limits, check.LimitHint{Flags: true}.Hint)
	if err != nil {
		return nil, err
	}
	s, _, err := check.Load(env, fsys, p, displayPath(spec, p), layout, mf)
	return s, err
}

func displayPath(spec, p string) string {
	if p == "." {
		return spec
	}
	return p
}

// refRepo returns the work tree to read REF:PATH's path from, and the path
// relative to it: the repository holding the path, found from the path (so
// `ddlbot diff main:/abs/repo/db` works from outside any repository, or from
// inside another one). A relative path in the current folder's own
// repository stays relative to the current folder, as written.
func (a *app) refRepo(ctx context.Context, rel string) (dir, p string) {
	abs := filepath.FromSlash(rel)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(a.dir, abs)
	}
	trees := workTrees{} // one per side: the two sides load at once
	top, r, ok := trees.of(ctx, abs)
	if !ok || (!filepath.IsAbs(filepath.FromSlash(rel)) && trees.same(ctx, a.dir, abs)) {
		return a.dir, rel
	}
	return top, r
}
