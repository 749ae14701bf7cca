package bot

import (
	"fmt"
	"strings"

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

// commandFlags lists the flags each command accepts.
var commandFlags = map[string][]string{
	"deploy":      {"--db", "--gated", "--instant", "--accept-drift", "--drop-unknown-tables", "--skip-backup"},
	"cutover":     {"--db"},
	"cancel":      {"--db"},
	"revert":      {"--db"},
	"skip-revert": {"--db"},
	"plan":        {"--db"},
	"help":        nil,
}

// commandOrder is the order commands appear in help.
var commandOrder = []string{"deploy", "cutover", "cancel", "revert", "skip-revert", "plan", "help"}

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
	allowed, known := commandFlags[name]
	if !known {
		// "/deploy-everything" or "/depoly": meant for us? Only when it is close to a command.
		if suggestion := closestCommand(name); suggestion != "" {
			return Command{}, true, &CommandError{fmt.Sprintf("unknown command `/%s` (did you mean `/%s`?)", clip(name), suggestion)}
		}
		return Command{}, false, nil
	}
	cmd = Command{Name: name}
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
		case "--gated", "--instant", "--accept-drift", "--drop-unknown-tables", "--skip-backup":
			if hasValue {
				return Command{}, true, &CommandError{fmt.Sprintf("`%s` takes no value", flag)}
			}
			*map[string]*bool{"--gated": &cmd.Gated, "--instant": &cmd.Instant, "--accept-drift": &cmd.AcceptDrift,
				"--drop-unknown-tables": &cmd.DropUnknownTables, "--skip-backup": &cmd.SkipBackup}[flag] = true
		}
	}
	if cmd.Gated && cmd.Instant {
		return Command{}, true, &CommandError{"`--gated` and `--instant` cannot go together: instant deploys cannot be gated"}
	}
	return cmd, true, nil
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
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strings.NewReplacer("`", "'", "\r", " ", "\n", " ").Replace(s)
}

// closestCommand returns a command within two edits of name, or "".
func closestCommand(name string) string {
	best, bestD := "", 3
	for _, c := range commandOrder {
		if d := suggest.Distance(strings.ToLower(name), c, 2); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// HelpText is the reply to /help and to a command that does not parse.
func HelpText(databases []string) string {
	var b strings.Builder
	b.WriteString("**ddlbot commands** (a comment that starts with the command):\n\n")
	b.WriteString("| command | what it does |\n|---|---|\n")
	b.WriteString("| `/deploy [--db NAME] [--gated] [--instant] [--accept-drift] [--drop-unknown-tables] [--skip-backup]` | deploy the deploy request (`--gated` waits for `/cutover`; `--instant` uses ALGORITHM=INSTANT when eligible; " +
		"`--accept-drift` deploys although production differs from the base branch (or set `deploy.accept_drift`); " +
		"`--drop-unknown-tables` lets it drop tables the repository never had (or set `deploy.drop_unknown_tables`); " +
		"`--skip-backup`, admins only, deploys without the backup of production `deploy.backup` asks for) |\n")
	b.WriteString("| `/cutover [--db NAME]` | finish a gated deploy |\n")
	b.WriteString("| `/cancel [--db NAME]` | cancel a queued or running deploy |\n")
	b.WriteString("| `/revert [--db NAME]` | revert a deploy during its revert window |\n")
	b.WriteString("| `/skip-revert [--db NAME]` | end the revert window now |\n")
	b.WriteString("| `/plan [--db NAME]` | re-plan, and pick up a deploy's current state |\n")
	b.WriteString("| `/help` | this help |\n")
	if len(databases) > 1 {
		fmt.Fprintf(&b, "\nThis repository has several databases: add `--db NAME` (%s).\n", strings.Join(databases, ", "))
	}
	return b.String()
}
