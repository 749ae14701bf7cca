package bot

import (
	"context"
	"fmt"
	"strings"

	textclip "github.com/ddlbot/ddlbot/internal/clip"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/suggest"
)

// Command is a parsed pull request comment command.
type Command struct {
	Name    string // deploy, cutover, cancel, revert, skip-revert, plan, help
	DB      string // --db NAME ("" when not given)
	Gated   bool   // --gated (deploy only)
	Instant bool   // --instant (deploy only)
	// AcceptDrift (--accept-drift, deploy only) acknowledges that production
	// differs from the base branch: the deploy request ships those
	// differences too.
	AcceptDrift bool
	// DropUnknownTables (--drop-unknown-tables, deploy only) allows a deploy
	// request that drops tables the repository never had.
	DropUnknownTables bool
	// SkipBackup (--skip-backup, deploy only, admins only) deploys without
	// the backup deploy.backup asks for.
	SkipBackup bool
}

// commandSpec is one pull-request command: the table below drives parsing
// (flags), help, permission, which deployment states it acts in, which
// resting states count as success, and what it asks of PlanetScale. Adding
// a command is adding a row (and, for a new kind, its case in run.do).
type commandSpec struct {
	kind  commandKind
	name  string
	flags []string // accepted flags, in help order
	help  string   // what it does, for /help
	// readOnly: read permission is enough; the others need
	// deploy.min_permission and deploy.allowed_teams.
	readOnly bool
	// from lists the deployment states a transition acts in.
	from []string
	// goodEnd lists the resting states that count as success.
	goodEnd []string
	// act is a transition's PlanetScale call (/cutover, /cancel, ...).
	act func(ctx context.Context, dps DeployPlanetScale, org, db string, number int) (*ps.DeployRequest, error)
	// window: whoever runs it acts on the revert window, so the anomaly
	// watch (anomaly.go) does not run after it.
	window bool
}

// commandKind is how run.do handles a command: each kind is one case there.
type commandKind int

const (
	kindTransition commandKind = iota // acts on the deployment (act, from)
	kindDeploy                        // deploys the deploy request
	kindPlan                          // re-plans, or picks up a deployment
	kindHelp                          // replies with the help
)

// planGoodEnd: /plan (and Refresh) end well wherever a deployment rests
// without having failed.
var planGoodEnd = []string{ps.StateComplete, ps.StateCompletePendingRevert, ps.StatePendingCutover, ps.StateCompleteCancel, ps.StateCompleteRevert}

var commandTable = []commandSpec{
	{kind: kindDeploy, name: "deploy", flags: []string{"--db", "--gated", "--instant", "--accept-drift", "--drop-unknown-tables", "--skip-backup"},
		help: "deploy the deploy request (`--gated` waits for `/cutover`; `--instant` uses ALGORITHM=INSTANT when eligible; " +
			"`--accept-drift` deploys although production differs from the base branch (or set `deploy.accept_drift`); " +
			"`--drop-unknown-tables` lets it drop tables the repository never had (or set `deploy.drop_unknown_tables`); " +
			"`--skip-backup`, admins only, deploys without the backup of production `deploy.backup` asks for)",
		goodEnd: []string{ps.StateComplete, ps.StateCompletePendingRevert, ps.StatePendingCutover}},
	{name: "cutover", flags: []string{"--db"}, help: "finish a gated deploy",
		from: []string{ps.StatePendingCutover}, goodEnd: []string{ps.StateComplete, ps.StateCompletePendingRevert},
		act: func(ctx context.Context, dps DeployPlanetScale, org, db string, n int) (*ps.DeployRequest, error) {
			return dps.ApplyDeploy(ctx, org, db, n)
		}},
	{name: "cancel", flags: []string{"--db"}, help: "cancel a queued or running deploy",
		from:    []string{ps.StateQueued, ps.StateSubmitting, ps.StateInProgress, ps.StatePendingCutover},
		goodEnd: []string{ps.StateCompleteCancel},
		act: func(ctx context.Context, dps DeployPlanetScale, org, db string, n int) (*ps.DeployRequest, error) {
			return dps.CancelDeployRequest(ctx, org, db, n)
		}},
	{name: "revert", flags: []string{"--db"}, help: "revert a deploy during its revert window", window: true,
		from: []string{ps.StateCompletePendingRevert}, goodEnd: []string{ps.StateCompleteRevert},
		act: func(ctx context.Context, dps DeployPlanetScale, org, db string, n int) (*ps.DeployRequest, error) {
			return dps.RevertDeployRequest(ctx, org, db, n)
		}},
	{name: "skip-revert", flags: []string{"--db"}, help: "end the revert window now", window: true,
		from: []string{ps.StateCompletePendingRevert}, goodEnd: []string{ps.StateComplete},
		act: func(ctx context.Context, dps DeployPlanetScale, org, db string, n int) (*ps.DeployRequest, error) {
			return dps.SkipRevert(ctx, org, db, n)
		}},
	{kind: kindPlan, name: "plan", flags: []string{"--db"}, help: "re-plan, and pick up a deploy's current state", readOnly: true,
		goodEnd: planGoodEnd},
	{kind: kindHelp, name: "help", help: "this help", readOnly: true},
}

// specOf is the table's row for a command name (nil for none).
func specOf(name string) *commandSpec {
	for i := range commandTable {
		if commandTable[i].name == name {
			return &commandTable[i]
		}
	}
	if name == refreshCommand {
		return &refreshSpec
	}
	return nil
}

// usage is the command as help writes it: "/deploy [--db NAME] [--gated]".
func (c *commandSpec) usage() string {
	var b strings.Builder
	b.WriteString("/" + c.name)
	for _, f := range c.flags {
		if f == "--db" {
			f += " NAME"
		}
		b.WriteString(" [" + f + "]")
	}
	return b.String()
}

// CommandError is a comment that starts like a command but is not a valid one.
type CommandError struct{ Msg string }

func (e *CommandError) Error() string { return e.Msg }

// ParseCommand reads the command at the start of a comment. ok is false when
// the comment is not addressed to ddlbot (it does not start with one of its
// commands); err is a *CommandError for a command with bad arguments or an
// unknown /word that looks meant for ddlbot. Only the first line counts: the
// rest of the comment is free text.
func ParseCommand(body string) (cmd Command, ok bool, err error) {
	line := strings.TrimSpace(body)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	if !strings.HasPrefix(line, "/") {
		return Command{}, false, nil
	}
	fields := strings.Fields(line)
	name := strings.TrimPrefix(fields[0], "/")
	spec := specOf(name)
	if spec == nil || name == refreshCommand {
		// "/deploy-everything" or "/depoly": meant for us? Only when it is close to a command.
		if suggestion := closestCommand(name); suggestion != "" {
			return Command{}, true, &CommandError{fmt.Sprintf("unknown command `/%s` (did you mean `/%s`?)", clip(name), suggestion)}
		}
		return Command{}, false, nil
	}
	cmd = Command{Name: name}
	allowed := spec.flags
	args := fields[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		flag, value, hasValue := strings.Cut(a, "=")
		if !containsString(allowed, flag) {
			if strings.HasPrefix(a, "-") {
				return Command{}, true, &CommandError{fmt.Sprintf("`/%s` does not take `%s`%s", name, clip(flag), flagsHint(allowed))}
			}
			return Command{}, true, &CommandError{fmt.Sprintf("`/%s` takes no argument `%s`%s", name, clip(a), flagsHint(allowed))}
		}
		if sw, ok := cmd.switches()[flag]; ok {
			if hasValue {
				return Command{}, true, &CommandError{fmt.Sprintf("`%s` takes no value", flag)}
			}
			*sw = true
			continue
		}
		switch flag {
		case "--db":
			if !hasValue {
				if i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") {
					return Command{}, true, &CommandError{"`--db` needs a database name, as in `--db app`"}
				}
				i++
				value = args[i]
			}
			if value == "" || cmd.DB != "" {
				return Command{}, true, &CommandError{"give `--db` once, with a database name"}
			}
			cmd.DB = value
		}
	}
	if err := cmd.check(); err != nil {
		return Command{}, true, err
	}
	return cmd, true, nil
}

// switches are the command's flags without a value, by name.
func (c *Command) switches() map[string]*bool {
	return map[string]*bool{"--gated": &c.Gated, "--instant": &c.Instant, "--accept-drift": &c.AcceptDrift,
		"--drop-unknown-tables": &c.DropUnknownTables, "--skip-backup": &c.SkipBackup}
}

// check refuses a command its table row does not allow: an unknown name,
// a flag it does not take, flags that cannot go together.
func (c Command) check() error {
	spec := specOf(c.Name)
	if spec == nil || c.Name == refreshCommand {
		return &CommandError{fmt.Sprintf("unknown command `/%s`", clip(c.Name))}
	}
	set := map[string]bool{"--db": c.DB != ""}
	for flag, on := range c.switches() {
		set[flag] = *on
	}
	for flag, on := range set {
		if on && !containsString(spec.flags, flag) {
			return &CommandError{fmt.Sprintf("`/%s` does not take `%s`%s", c.Name, flag, flagsHint(spec.flags))}
		}
	}
	if c.Gated && c.Instant {
		return &CommandError{"`--gated` and `--instant` cannot go together: instant deploys cannot be gated"}
	}
	return nil
}

func flagsHint(allowed []string) string {
	if len(allowed) == 0 {
		return ""
	}
	return " (it takes " + strings.Join(allowed, ", ") + ")"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clip keeps user text short in replies and safe inside the code span it is
// put in: without a backtick it cannot close the span, so it cannot inject
// markdown or an @mention, whatever its length.
func clip(s string) string {
	return strings.NewReplacer("`", "'", "\r", " ", "\n", " ").Replace(textclip.Runes(s, 40))
}

// closestCommand returns a command within two edits of name, or "".
func closestCommand(name string) string {
	best, bestD := "", 3
	for _, c := range commandTable {
		if d := suggest.Distance(strings.ToLower(name), c.name, 2); d < bestD {
			best, bestD = c.name, d
		}
	}
	return best
}

// HelpText is the reply to /help and to a command that does not parse.
func HelpText(databases []string) string {
	var b strings.Builder
	b.WriteString("**ddlbot commands** (a comment that starts with the command):\n\n")
	b.WriteString("| command | what it does |\n|---|---|\n")
	for _, c := range commandTable {
		fmt.Fprintf(&b, "| `%s` | %s |\n", c.usage(), c.help)
	}
	if len(databases) > 1 {
		fmt.Fprintf(&b, "\nThis repository has several databases: add `--db NAME` (%s).\n", strings.Join(databases, ", "))
	}
	return b.String()
}
