package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/gitfs"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/internal/logsafe"
	"github.com/ddlbot/ddlbot/internal/suggest"
	"github.com/ddlbot/ddlbot/internal/terminal"
	"github.com/ddlbot/ddlbot/schemadiff"
)

const planDescription = `Plans the working tree as if it were a pull request: the same engine as the
GitHub Action, with the terminal in place of GitHub. It lints the change,
creates (or reuses) the PlanetScale branch ddlbot-GITBRANCH-HASH-pr-N,
brings it to the working tree's schema over MySQL, opens (or reuses) a
deploy request, waits for PlanetScale's checks and prints the comment the
pull request would get on stdout, one report per database: as text (the
default), as the markdown posted on a pull request (--format markdown) or as
JSON for scripts (--format json: each database's conclusion, branch, deploy
request and findings); and one summary line per database on stderr.

The base is a git ref (--base, default HEAD: the uncommitted changes), or with
--base-dir a folder that stands for the database's schema folder at the base,
so a plan needs no git history. As on a pull request, the configuration is read
at the base (from the working tree with --base-dir, or when the base has none).
Paths in the configuration are relative to its folder, as for lint.

PlanetScale: with PLANETSCALE_SERVICE_TOKEN_ID and PLANETSCALE_SERVICE_TOKEN (or
PLANETSCALE_OAUTH_TOKEN) in the environment, the real API (PLANETSCALE_API_URL
to point elsewhere); a database without an organization in the configuration
then uses PLANETSCALE_ORG. Without credentials (or with --local), an in-process
localscale emulator whose production branches hold the base schema: nothing
leaves this machine. Its organization is the configured one, else "local".

Exit status: 0 planned (or no schema change), 1 a check failed (lint errors,
PlanetScale's checks, or planning failed), 2 usage, configuration, git or
internal problem.`

var (
	_ bot.GitHub        = (*terminal.GitHub)(nil)
	_ bot.CommandGitHub = (*terminal.GitHub)(nil)
)

// worktreeSHA is the head "commit" of a plan: the working tree.
const worktreeSHA = "worktree"

// localOrg is the localscale organization of databases configured without one.
const localOrg = "local"

func runPlan(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("plan", "ddlbot plan [--config F] [--base REF | --base-dir DIR] [--db NAME] [--pr N] [--local]", planDescription)
	var pf planFlags
	pf.register(fset)
	rest, code, ok := a.parseProfiled(fset, args)
	if !ok {
		return code
	}
	if err := pf.check("plan", rest); err != nil {
		return a.fail(err)
	}
	p, err := a.preparePlan(ctx, "ddlbot plan", pf.configPath, pf.baseRef, pf.baseDir, pf.dbName)
	if err != nil {
		return a.fail(err)
	}
	logger, done := a.withProgress(pf.logger(a), pf.verbose, p.cmd+": ")
	defer done()
	opts := bot.Options{Version: buildVersion(), Adjust: p.adjust, ConfigPath: p.cfgRel}
	be, err := a.planBackend(ctx, p, pf.forceLocal, logger, 1)
	if err != nil {
		return a.fail(err)
	}
	defer be.stop()
	if be.local {
		opts.PollInterval = 20 * time.Millisecond
	}
	client := be.client

	gh := &terminal.GitHub{
		PR:         pf.pullRequest(p, ""),
		Config:     p.cfgData,
		ConfigPath: p.cfgRel,
		Base:       p.base,
		Head:       p.head,
	}
	engine := &bot.Engine{GitHub: gh, PlanetScale: client, Clock: bot.RealClock{}, Logger: logger, Options: opts}
	out, err := engine.HandlePullRequest(ctx, bot.PullRequestEvent{Action: "opened", Repo: p.repo, Number: pf.prNumber})
	if err != nil {
		return a.fail(err)
	}
	return a.printPlan(gh, out, p, &pf, "run `"+pf.deployCommand()+"` to deploy it (on a pull request: comment `/deploy`).")
}

// terminalRepo names the working tree as the engine's repository, and so
// its PlanetScale branch: ddlbot-<git branch>-<hash>-pr-N (bot.BranchName).
// The hash is of the repository (its origin remote, else its folder's name)
// and the git branch, so two repositories, or two git branches, planning
// against one database never share a branch; a re-plan on the same git
// branch reuses its own. Outside git (or on a detached HEAD) the branch part
// is "worktree". The remote URL is only hashed: it may hold a token.
func terminalRepo(ctx context.Context, dir string) bot.Repo {
	g := gitfs.Repo{Dir: dir}
	where := g.RemoteURL(ctx, "origin")
	if where == "" {
		if top, err := g.Toplevel(ctx); err == nil {
			where = filepath.Base(top)
		} else {
			where = filepath.Base(dir)
		}
	}
	sum := sha256.Sum256([]byte(where))
	name := g.CurrentBranch(ctx)
	if name == "" {
		name = "worktree"
	}
	return bot.Repo{Owner: "local-" + hex.EncodeToString(sum[:4]), Name: name}
}

// planFlags are the flags `plan` and `deploy` share: where the base, the
// head and the configuration come from, and which backend to use.
type planFlags struct {
	configPath, baseRef, baseDir, dbName string
	format                               string
	prNumber                             int
	forceLocal, verbose                  bool
}

func (f *planFlags) register(fset *flag.FlagSet) {
	fset.StringVar(&f.configPath, "config", "", "configuration file (default: the .ddlbot.yml in the current folder or the nearest one above it in the repository)")
	fset.StringVar(&f.format, "format", "text", "the report on stdout: text, markdown (the pull request's comment) or json")
	fset.StringVar(&f.baseRef, "base", "", "git ref of the base (default HEAD)")
	fset.StringVar(&f.baseDir, "base-dir", "", "folder holding the base schema of the database (instead of a git ref)")
	fset.StringVar(&f.dbName, "db", "", "only this database of the configuration (needed by deploy when it lists several)")
	fset.IntVar(&f.prNumber, "pr", 0, "pull request number: the branch is ddlbot-GITBRANCH-HASH-pr-N")
	fset.BoolVar(&f.forceLocal, "local", false, "use the in-process localscale even when PlanetScale credentials are set")
	fset.BoolVar(&f.verbose, "verbose", false, "log each step on stderr")
}

// check refuses what the shared flags cannot mean together.
func (f *planFlags) check(cmd string, rest []string) error {
	switch {
	case len(rest) > 0:
		return usageError{fmt.Sprintf("%s takes no arguments, got %q (the head is the working tree; see --help)", cmd, rest)}
	case f.baseRef != "" && f.baseDir != "":
		return usageError{"give --base or --base-dir, not both"}
	case f.prNumber < 0:
		return usageError{"--pr must not be negative"}
	case f.format != "text" && f.format != "markdown" && f.format != "json":
		msg := fmt.Sprintf("--format %q: give text, markdown or json", f.format)
		if s, ok := suggest.Closest(f.format, []string{"text", "markdown", "json"}); ok {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return usageError{msg}
	}
	return nil
}

// deployCommand is the `ddlbot deploy` that deploys what this plan planned.
func (f *planFlags) deployCommand() string { return f.commandLine("ddlbot deploy") }

// commandLine is cmd ("ddlbot plan", "ddlbot deploy") with the shared flags
// as given: the command to run again on the same working tree.
func (f *planFlags) commandLine(cmd string) string {
	parts := []string{cmd}
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag+" "+shellQuote(v))
		}
	}
	add("--config", f.configPath)
	add("--base", f.baseRef)
	add("--base-dir", f.baseDir)
	add("--db", f.dbName)
	if f.prNumber != 0 {
		add("--pr", strconv.Itoa(f.prNumber))
	}
	if f.forceLocal {
		parts = append(parts, "--local")
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// logger logs each step on stderr with --verbose, else nowhere.
func (f *planFlags) logger(a *app) *slog.Logger {
	if f.verbose {
		return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.DiscardHandler)
}

// pullRequest is the working tree as a pull request against the base.
func (f *planFlags) pullRequest(p *plan, author string) github.PullRequest {
	return github.PullRequest{Number: f.prNumber, State: "open", HeadSHA: worktreeSHA, HeadRef: worktreeSHA, BaseSHA: p.baseSHA,
		BaseRef: p.baseName, Title: "the working tree", Author: author}
}

// plan is what runPlan prepared: the configuration and both sides of the change.
type plan struct {
	cmd      string // "ddlbot plan", the prefix of its messages
	cfg      *config.Config
	cfgData  []byte // what the engine reads as .ddlbot.yml
	org      string // the organization of databases configured without one (fillOrganization)
	cfgName  string // the configuration file, as the user named it
	cfgRel   string // the configuration file, relative to root (as the engine reads it)
	root     string // the folder paths in the configuration are relative to
	baseSHA  string // the commit of the base, or "base-dir"
	baseName string // the base as the user gave it
	only     *config.Database
	repo     bot.Repo // the engine's repository: names the PlanetScale branch (terminalRepo)
	// defaultBase is set when the base is HEAD because no base was given.
	defaultBase bool

	// work is the working tree (symbolic links may not leave the repository).
	work fs.FS

	mu        sync.Mutex
	baseCache map[string]fs.FS
	readBase  func(ctx context.Context, dir string) (fs.FS, error)
}

// preparePlan finds the configuration, reads it at the base and sets up the
// two sides of the change.
func (a *app) preparePlan(ctx context.Context, cmd, configPath, baseRef, baseDir, dbName string) (*plan, error) {
	cfgFile, err := a.planConfigFile(ctx, configPath)
	if err != nil {
		return nil, err
	}
	root, cfgDir := configRoot(ctx, cfgFile)
	p := &plan{cmd: cmd, root: root, cfgName: a.relPath(cfgFile), cfgRel: path.Join(cfgDir, filepath.Base(cfgFile)), baseCache: map[string]fs.FS{}}
	worktreeCfg, wtErr := os.ReadFile(cfgFile)
	var baseCfg []byte
	if baseDir == "" {
		if baseRef == "" {
			baseRef, p.defaultBase = "HEAD", true
		}
		repo := gitfs.Repo{Dir: p.root}
		if _, err := repo.Toplevel(ctx); err != nil {
			return nil, usageError{fmt.Sprintf("%s is not in a git repository, so there is no base to plan against: give --base-dir DIR to take the base schema from a folder (%v)", a.relPath(p.root), err)}
		}
		commit, err := repo.ResolveRef(ctx, baseRef)
		if err != nil {
			return nil, err
		}
		p.baseSHA, p.baseName = commit, fmt.Sprintf("%s (%s)", baseRef, commit[:min(7, len(commit))])
		p.readBase = func(ctx context.Context, dir string) (fs.FS, error) {
			// A .sql file too large to load is left unread, as lint does.
			r := repo
			if r.MaxSQLFileSize = p.cfg.Limits.MaxFileSize; r.MaxSQLFileSize <= 0 {
				r.MaxSQLFileSize = schemadiff.DefaultLimits().MaxFileSize
			}
			return r.FS(ctx, commit, dir)
		}
		m, err := repo.FS(ctx, commit, p.cfgRel)
		if err != nil {
			return nil, err
		}
		if data, err := fs.ReadFile(m, p.cfgRel); err == nil {
			baseCfg = data
		}
	}
	switch {
	case baseCfg != nil:
		p.cfgData = baseCfg
		if wtErr == nil && !bytes.Equal(baseCfg, worktreeCfg) {
			fmt.Fprintf(a.stderr, "%s: %s differs in the working tree; the plan uses the one at %s, as a pull request would\n", p.cmd, p.cfgName, p.baseName)
		}
	case wtErr != nil:
		if errors.Is(wtErr, fs.ErrNotExist) {
			return nil, usageError{fmt.Sprintf("no configuration: %s does not exist (give --config FILE; `ddlbot plan --help` explains)", p.cfgName)}
		}
		return nil, fmt.Errorf("read config: %w", wtErr)
	default:
		p.cfgData = worktreeCfg
		if baseDir == "" {
			fmt.Fprintf(a.stderr, "%s: %s is not in %s; using the working tree's\n", p.cmd, p.cfgName, p.baseName)
		}
	}
	where := p.cfgName
	if baseCfg != nil {
		where += " at " + p.baseName
	}
	cfg, err := config.Parse(p.cfgName, p.cfgData, config.Options{KnownRule: lint.KnownRule, RuleIDs: lint.RuleIDs(), Dir: cfgDir})
	if err != nil && baseCfg != nil {
		return nil, fmt.Errorf("%s at %s is not valid (as on a pull request, the configuration is read at the base):\n%w", p.cfgName, p.baseName, err)
	}
	if err != nil {
		return nil, err
	}
	if _, err := check.SeveritiesOf(cfg); err != nil {
		return nil, err
	}
	if len(cfg.Databases) == 0 {
		return nil, usageError{fmt.Sprintf("%s lists no databases: nothing to plan", where)}
	}
	p.cfg = cfg
	if dbName != "" {
		d, ok := cfg.Database(dbName)
		if !ok {
			return nil, usageError{fmt.Sprintf("--db %s: %s has no such database (it has %s)", dbName, where, strings.Join(databaseNames(cfg), ", "))}
		}
		p.only = d
	}
	if baseDir != "" {
		if p.only == nil {
			if len(cfg.Databases) > 1 {
				return nil, usageError{fmt.Sprintf("--base-dir stands for one database's folder, and %s lists several (%s): add --db NAME", where, strings.Join(databaseNames(cfg), ", "))}
			}
			p.only = &cfg.Databases[0]
		}
		dir := baseDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(a.dir, dir)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, usageError{fmt.Sprintf("--base-dir %s: not a folder", baseDir)}
		}
		mapped, err := mountFolder(ctx, dir, p.only.Dir())
		if err != nil {
			return nil, err
		}
		p.baseSHA, p.baseName = "base-dir", "folder "+a.relPath(dir)
		target := p.only.Dir()
		p.readBase = func(_ context.Context, d string) (fs.FS, error) {
			if d == target {
				return mapped, nil
			}
			return p.work, nil
		}
	}
	if p.work, err = openConfined(ctx, p.root); err != nil {
		return nil, err
	}
	head := "the working tree"
	if p.only != nil && len(cfg.Databases) > 1 {
		head += " (database " + p.only.Name + " only)"
	}
	fmt.Fprintf(a.stderr, "%s: %s: %s against %s\n", p.cmd, p.cfgName, head, p.baseName)
	p.repo = terminalRepo(ctx, p.root)
	return p, nil
}

// planConfigFile is the configuration file's absolute path: --config, or the
// .ddlbot.yml found from the current folder upwards (findConfig), or
// .ddlbot.yml here when there is none, for the message that says so.
func (a *app) planConfigFile(ctx context.Context, explicit string) (string, error) {
	if explicit != "" {
		if filepath.IsAbs(explicit) {
			return explicit, nil
		}
		return filepath.Join(a.dir, explicit), nil
	}
	p, err := a.findConfig(ctx, "")
	if err != nil || p != "" {
		return p, err
	}
	return filepath.Join(a.dir, config.FileName), nil
}

// relPath shows a path relative to the current folder when it is inside it.
func (a *app) relPath(p string) string {
	r, err := filepath.Rel(a.dir, p)
	switch {
	case err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)):
		return p
	case r == ".":
		return "the current folder"
	}
	return r
}

func databaseNames(cfg *config.Config) []string {
	var out []string
	for _, d := range cfg.Databases {
		out = append(out, d.Name)
	}
	return out
}

// base returns a folder at the base (cached: the engine and the seeding both read it).
func (p *plan) base(ctx context.Context, dir string) (fs.FS, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.baseCache[dir]; ok {
		return f, nil
	}
	f, err := p.readBase(ctx, dir)
	if err != nil {
		return nil, err
	}
	p.baseCache[dir] = f
	return f, nil
}

// head returns a folder of the working tree; with --db, the other databases'
// folders are as at the base, so that only the chosen one is planned.
func (p *plan) head(ctx context.Context, dir string) (fs.FS, error) {
	if p.only != nil && dir != p.only.Dir() {
		return p.base(ctx, dir)
	}
	return p.work, nil
}

// mountFolder reads a folder into memory with its files under dir.
func mountFolder(ctx context.Context, src, dir string) (fs.FS, error) {
	m := fstest.MapFS{}
	fsys, err := openConfined(ctx, src)
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		m[path.Join(dir, p)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read --base-dir: %w", err)
	}
	if len(m) == 0 {
		m[dir] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
	}
	return m, nil
}

// fillOrganization gives the databases configured without an organization
// one: in p.cfg now, and in the configuration the engine loads through
// adjust. The file itself is left as written, so that every line number the
// engine reports (a setting, a rule override) is the user's line.
func (p *plan) fillOrganization(org string) {
	p.org = org
	p.adjust(p.cfg)
	if p.only != nil {
		p.only, _ = p.cfg.Database(p.only.Name)
	}
}

// adjust fills in the organization fillOrganization chose, for the
// databases the plan covers; it is the engine's Options.Adjust.
func (p *plan) adjust(cfg *config.Config) error {
	if p.org == "" {
		return nil
	}
	for i := range cfg.Databases {
		d := &cfg.Databases[i]
		if d.Organization == "" && (p.only == nil || d.Name == p.only.Name) {
			d.Organization = p.org
		}
	}
	return nil
}

// printPlan prints the reports (stdout: text, markdown or json) and a line
// per database (stderr), and returns the exit code the check runs decide.
// next is what a terminal does next, in place of "comment /deploy".
func (a *app) printPlan(gh *terminal.GitHub, out *bot.Outcome, p *plan, pf *planFlags, next string) int {
	switch out.Decision {
	case bot.DecisionNoSchemaChange:
		fmt.Fprintf(a.stderr, "%s: no schema change between %s and the working tree: nothing to plan\n", p.cmd, p.baseName)
		if p.defaultBase {
			fmt.Fprintf(a.stderr, "%s: (only uncommitted changes count against HEAD; give --base main to plan a branch's commits too)\n", p.cmd)
		}
	}
	code := exitOK
	if len(gh.Failed()) > 0 {
		code = exitFindings
	}
	var reports []string
	if len(out.Databases) == 0 {
		// Nothing planned: the one check run (neutral, or failure) says why.
		if cr := gh.CheckRun("ddlbot"); cr != nil && cr.Conclusion == github.ConclusionFailure {
			reports = append(reports, strings.TrimRight(cr.Summary, "\n")+"\n")
			fmt.Fprintf(a.stderr, "ddlbot: failure: %s\n", cr.Title)
			code = exitFindings
		}
	} else {
		// The sticky comments, as they would be posted, one per database.
		for _, c := range gh.Comments() {
			reports = append(reports, c.Body)
		}
	}
	switch pf.format {
	case "json":
		if err := writePlanJSON(a.stdout, gh, out); err != nil {
			return a.fail(err)
		}
	case "markdown":
		for i, r := range reports {
			if i > 0 {
				fmt.Fprint(a.stdout, "\n---\n\n")
			}
			fmt.Fprint(a.stdout, r)
			if !strings.HasSuffix(r, "\n") {
				fmt.Fprintln(a.stdout)
			}
		}
	default:
		// The text report speaks of the working tree and of running the
		// command again, where the markdown speaks of the pull request.
		words := bot.TerminalWords(worktreeSHA, pf.commandLine(p.cmd), pf.deployCommand())
		for i, r := range reports {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			fmt.Fprint(a.stdout, logsafe.Text(terminal.TextReport(r, terminal.TextOptions{Next: next, SkipDetails: []string{"Diff"}, Words: words})))
		}
	}
	for _, d := range out.Databases {
		fmt.Fprintln(a.stderr, summaryLine(gh, d))
	}
	return code
}

// planJSON is `plan --format json`: what each database's check concluded,
// its branch and deploy request, and its findings.
type planJSON struct {
	Version   int            `json:"version"`
	Decision  string         `json:"decision"`
	Reason    string         `json:"reason,omitempty"`
	Databases []planDatabase `json:"databases"`
}

type planDatabase struct {
	Name             string         `json:"name"`
	Conclusion       string         `json:"conclusion"`
	Title            string         `json:"title,omitempty"`
	Branch           string         `json:"branch,omitempty"`
	DeployRequest    int            `json:"deploy_request,omitempty"`
	DeployRequestURL string         `json:"deploy_request_url,omitempty"`
	DeploymentState  string         `json:"deployment_state,omitempty"`
	Lint             lint.Summary   `json:"lint"`
	Findings         []lint.Finding `json:"findings"`
}

func writePlanJSON(w io.Writer, gh *terminal.GitHub, out *bot.Outcome) error {
	doc := planJSON{Version: 1, Decision: string(out.Decision), Reason: out.Reason, Databases: []planDatabase{}}
	for _, d := range out.Databases {
		pd := planDatabase{Name: d.Name, Conclusion: d.Conclusion, Branch: d.Branch, DeployRequest: d.DeployRequest,
			DeployRequestURL: d.DeployRequestURL, DeploymentState: d.DeploymentState, Lint: lint.Summarize(d.Findings), Findings: d.Findings}
		if cr := gh.CheckRun(bot.CheckName(d.Name)); cr != nil {
			pd.Conclusion, pd.Title = cr.Conclusion, cr.Title
		}
		if pd.Findings == nil {
			pd.Findings = []lint.Finding{}
		}
		doc.Databases = append(doc.Databases, pd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// summaryLine is one database's outcome on one line.
func summaryLine(gh *terminal.GitHub, d *bot.DatabaseOutcome) string {
	conclusion, title := d.Conclusion, ""
	if cr := gh.CheckRun(bot.CheckName(d.Name)); cr != nil {
		conclusion, title = cr.Conclusion, cr.Title
	}
	parts := []string{fmt.Sprintf("%s: %s", bot.CheckName(d.Name), conclusion)}
	if title != "" {
		parts[0] += ": " + title
	}
	if d.Branch != "" {
		parts = append(parts, "branch "+d.Branch)
	}
	if d.DeployRequestURL != "" {
		parts = append(parts, d.DeployRequestURL)
	}
	if !strings.Contains(strings.ToLower(title), "lint") {
		parts = append(parts, fmt.Sprintf("lint: %d error(s), %d warning(s)", d.Errors, d.Warnings))
	}
	return strings.Join(parts, " · ")
}
