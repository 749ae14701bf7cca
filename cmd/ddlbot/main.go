// Command ddlbot takes MySQL schema changes from a pull request to PlanetScale
// safely. This binary holds every entry point: lint, diff, plan, deploy,
// cleanup, action, serve (the GitHub App server), localscale and version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"

	vtlog "vitess.io/vitess/go/vt/log"

	"github.com/ddlbot/ddlbot/internal/suggest"
)

// version and commit are set at build time with -ldflags
// "-X main.version=v1.2.3 -X main.commit=<sha>" (scripts/release.sh,
// .goreleaser.yaml). commit stands in for the VCS revision Go records
// itself, which a build without .git (or with -buildvcs=false) lacks.
var version, commit = "", ""

// Exit codes shared by every command.
const (
	exitOK       = 0
	exitFindings = 1 // lint errors, or differences with diff --exit-code
	exitUsage    = 2 // usage, configuration or internal problems
)

// usageError marks errors that come from how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) int
}

// app carries what a command needs from its surroundings, so tests can run
// commands in-process with their own streams and folder.
type app struct {
	stdout, stderr io.Writer
	// stdin answers questions (deploy's confirmation); nil reads as empty.
	stdin io.Reader
	// stdinTTY: stdin is a terminal, so a question (deploy's cutover) has
	// someone to answer it.
	stdinTTY bool
	dir      string
	getenv   func(string) string
	// prof is the running command's profiler (parseProfiled), stopped when
	// the command returns.
	prof *profiler
}

func commands() []command {
	return []command{
		{"lint", "lint schema files and the change since a git ref", runLint},
		{"diff", "diff two schemas (folders, files or REF:PATH)", runDiff},
		{"plan", "plan the working tree as a pull request: branch, deploy request, report", runPlan},
		{"deploy", "plan the working tree, then deploy it as /deploy would, with progress", runDeploy},
		{"cleanup", "delete the PlanetScale branches plan and deploy made for this working tree", runCleanup},
		{"action", "the GitHub Action: run on the workflow's event (see action.yml)", runAction},
		{"serve", "run as a GitHub App server: signed webhooks in, a durable queue, the engine", runServe},
		{"localscale", "run the local PlanetScale API emulator", runLocalscale},
		{"version", "print the version", runVersion},
	}
}

func main() {
	// Vitess logs every INSTANT-eligibility check at INFO; keep our output ours.
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ddlbot:", err)
		os.Exit(exitUsage)
	}
	a := &app{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, stdinTTY: isTerminal(os.Stdin), dir: dir, getenv: os.Getenv}
	os.Exit(a.main(ctx, os.Args[1:]))
}

func (a *app) main(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(a.stderr, "ddlbot: internal error: %v\n%s\nPlease report this at https://github.com/ddlbot/ddlbot/issues\n", r, debug.Stack())
			code = exitUsage
		}
	}()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			return a.main(ctx, []string{args[1], "--help"})
		}
		a.usage(a.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" {
		return runVersion(ctx, a, nil)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			defer a.stopProfile()
			return c.run(ctx, a, args[1:])
		}
	}
	fmt.Fprintf(a.stderr, "ddlbot: unknown command %q\n\n", args[0])
	a.usage(a.stderr)
	return exitUsage
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "ddlbot takes MySQL schema changes from a pull request to PlanetScale, safely.")
	fmt.Fprintln(w, "\nUsage: ddlbot <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `ddlbot <command> --help` for a command's flags.")
}

// parseFlags parses flags that may come before, between or after the
// positional arguments (`ddlbot lint db/schema --base main`).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// newFlagSet makes a flag set whose help names the command and lists its
// flags. The flag package's own messages are discarded: flagError words
// them once, with a suggestion, instead of the whole help on stderr.
func (a *app) newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n", synopsis, description)
		printFlags(w, fs)
	}
	return fs
}

// printFlags lists the flags as the README and the errors spell them
// (`--format`), where flag.PrintDefaults writes `-format`.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		fmt.Fprintln(w, line)
		usage = strings.ReplaceAll(usage, "\n", "\n    \t")
		switch f.DefValue {
		case "", "false", "0", "0s":
			fmt.Fprintf(w, "    \t%s\n", usage)
		default:
			fmt.Fprintf(w, "    \t%s (default %q)\n", usage, f.DefValue)
		}
	})
}

// flagError turns a flag parse error into an exit code: help goes to stdout
// once; a bad flag is one line naming it, the flag meant, and where help is.
func (a *app) flagError(fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(a.stdout)
		fs.Usage()
		return exitOK
	}
	msg := err.Error()
	const undefined = "flag provided but not defined: -"
	if name, ok := strings.CutPrefix(msg, undefined); ok {
		msg = fmt.Sprintf("unknown flag %s", quoteFlag(name))
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if best, ok := suggest.Closest(strings.TrimLeft(name, "-"), names); ok {
			msg += fmt.Sprintf(" (did you mean --%s?)", best)
		}
	}
	fmt.Fprintf(a.stderr, "ddlbot %s: %s\n", fs.Name(), msg)
	a.helpHint(fs)
	return exitUsage
}

// helpHint tells where a command's flags and arguments are described.
func (a *app) helpHint(fs *flag.FlagSet) {
	fmt.Fprintf(a.stderr, "Run `ddlbot %s --help` for its usage.\n", fs.Name())
}

// quoteFlag shows a flag the user typed, without letting control
// characters or a pasted paragraph reach the terminal.
func quoteFlag(name string) string {
	if r := []rune(name); len(r) > 40 {
		name = string(r[:40]) + "..."
	}
	return strconv.Quote("--" + name)
}

func (a *app) fail(err error) int {
	fmt.Fprintf(a.stderr, "ddlbot: %v\n", err)
	return exitUsage
}

func runVersion(_ context.Context, a *app, args []string) int {
	if len(args) > 0 {
		return a.fail(usageError{"version takes no arguments"})
	}
	fmt.Fprintln(a.stdout, "ddlbot", buildVersion())
	return exitOK
}

// buildVersion is the release version (scripts/release.sh stamps it), else
// the module version, followed by the VCS revision the binary was built from
// when the build recorded one: "v1.2.3 (0123456789ab)".
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return versionString(version, commit, info)
}

// versionString puts together what buildVersion found; info is nil when
// the binary carries no build information.
func versionString(stamped, stampedCommit string, info *debug.BuildInfo) string {
	v := stamped
	if v == "" && info != nil {
		v = info.Main.Version
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var settings []debug.BuildSetting
	if info != nil {
		settings = info.Settings
	}
	if stampedCommit != "" && !slices.ContainsFunc(settings, func(s debug.BuildSetting) bool { return s.Key == "vcs.revision" }) {
		settings = append(slices.Clip(settings), debug.BuildSetting{Key: "vcs.revision", Value: stampedCommit})
	}
	var extra []string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			if len(s.Value) > 12 {
				s.Value = s.Value[:12]
			}
			extra = append(extra, s.Value)
		case "vcs.modified":
			if s.Value == "true" {
				extra = append(extra, "dirty")
			}
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		v += " (" + strings.Join(extra, ", ") + ")"
	}
	return v
}
