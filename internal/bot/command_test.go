package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		body string
		want Command
		ok   bool
		err  string
	}{
		{"/deploy", Command{Name: "deploy"}, true, ""},
		{"  /deploy --db app --gated\nthanks!", Command{Name: "deploy", DB: "app", Gated: true}, true, ""},
		{"/deploy --db=app --instant", Command{Name: "deploy", DB: "app", Instant: true}, true, ""},
		{"/cutover --db billing", Command{Name: "cutover", DB: "billing"}, true, ""},
		{"/skip-revert", Command{Name: "skip-revert"}, true, ""},
		{"/plan", Command{Name: "plan"}, true, ""},
		{"/deploy --accept-drift", Command{Name: "deploy", AcceptDrift: true}, true, ""},
		{"/deploy --drop-unknown-tables --accept-drift --db app", Command{Name: "deploy", DB: "app", AcceptDrift: true, DropUnknownTables: true}, true, ""},
		{"/deploy --accept-drift=yes", Command{}, true, "takes no value"},
		{"/deploy --skip-backup --gated", Command{Name: "deploy", Gated: true, SkipBackup: true}, true, ""},
		{"/deploy --skip-backup=1", Command{}, true, "takes no value"},
		{"/cutover --skip-backup", Command{}, true, "does not take `--skip-backup`"},
		{"/plan --accept-drift", Command{}, true, "does not take `--accept-drift`"},
		{"/help", Command{Name: "help"}, true, ""},
		{"please /deploy", Command{}, false, ""},
		{"LGTM", Command{}, false, ""},
		{"", Command{}, false, ""},
		{"/shrug", Command{}, false, ""},
		{"/depoly", Command{}, true, "did you mean `/deploy`"},
		{"/deploy --force", Command{}, true, "does not take `--force`"},
		{"/deploy now", Command{}, true, "takes no argument `now`"},
		{"/deploy --db", Command{}, true, "`--db` needs a database name"},
		{"/deploy --db a --db b", Command{}, true, "give `--db` once"},
		{"/deploy --gated --instant", Command{}, true, "cannot go together"},
		{"/help --db app", Command{}, true, "does not take `--db`"},
		{"/cutover --gated", Command{}, true, "does not take `--gated`"},
		{"/deploy --gated=yes", Command{}, true, "takes no value"},
	}
	for _, tt := range tests {
		got, ok, err := ParseCommand(tt.body)
		if ok != tt.ok || (err == nil) != (tt.err == "") {
			t.Errorf("%q: ok %v err %v, want ok %v err %q", tt.body, ok, err, tt.ok, tt.err)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %q, want %q", tt.body, err, tt.err)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%q: %+v, want %+v", tt.body, got, tt.want)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/deploy --db app --gated", "/deploy --db=x", "/depoly", "/cancel\n/deploy", "/deploy `--db` ```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		cmd, ok, err := ParseCommand(body)
		if err != nil && !ok {
			t.Fatalf("an error for a comment that is not a command: %q", body)
		}
		if ok && err == nil {
			if specOf(cmd.Name) == nil || cmd.Name == refreshCommand {
				t.Fatalf("unknown command accepted: %+v", cmd)
			}
			if cmd.Gated && cmd.Instant {
				t.Fatal("gated and instant")
			}
		}
		if err != nil && strings.Count(err.Error(), "`")%2 != 0 {
			t.Fatalf("unbalanced backticks in %q", err)
		}
	})
}

// Long arguments used to keep their backticks (issue 17 item 15): the reply
// then closed the code span and rendered markdown and a real @mention.
func TestParseCommandClipsSafely(t *testing.T) {
	for _, body := range []string{
		"/deploy x`**bold** @octocat `" + strings.Repeat("a", 60),
		"/deploy `@octocat`",
		"/deploy " + strings.Repeat("`@octocat`", 10),
		"/deploy --f`@octocat`" + strings.Repeat("-", 50),
	} {
		_, _, err := ParseCommand(body)
		if err == nil {
			t.Fatalf("%q: no error", body)
		}
		msg := err.Error()
		// Outside the code spans (even segments) no user text may appear.
		for i, seg := range strings.Split(msg, "`") {
			if i%2 == 0 && (strings.Contains(seg, "@") || strings.Contains(seg, "**")) {
				t.Errorf("%q: user text escaped its code span: %s", body, msg)
			}
		}
	}
}

// TestCommandTable: every row is complete for its kind, and the help lists
// each command with its flags.
func TestCommandTable(t *testing.T) {
	help := HelpText(nil)
	for _, c := range commandTable {
		if !strings.Contains(help, "`"+c.usage()+"`") || c.help == "" {
			t.Errorf("/%s: missing from help or without a help text:\n%s", c.name, help)
		}
		switch {
		case c.act != nil && (len(c.from) == 0 || len(c.goodEnd) == 0):
			t.Errorf("/%s: a transition without the states it acts in or ends well in", c.name)
		case c.name != "help" && len(c.goodEnd) == 0:
			t.Errorf("/%s: no good end", c.name)
		}
	}
	if got := specOf("deploy").usage(); got != "/deploy [--db NAME] [--gated] [--instant] [--accept-drift] [--drop-unknown-tables] [--skip-backup]" {
		t.Errorf("usage %q", got)
	}
	for _, c := range []Command{{Name: "cutover", Gated: true}, {Name: "deploy", Gated: true, Instant: true}, {Name: "refresh"}, {Name: "nope"}, {Name: "help", DB: "x"}} {
		if err := c.check(); err == nil {
			t.Errorf("%+v passed the check", c)
		}
	}
	if err := (Command{Name: "deploy", DB: "app", SkipBackup: true}).check(); err != nil {
		t.Error(err)
	}
}

// TestCommandsMatchREADME: the README's command table has a row for every
// command of the table, with its flags, and the permission it needs.
func TestCommandsMatchREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `/") {
			cells := strings.Split(line, " | ")
			rows[strings.Trim(cells[0], "| `")] = cells[len(cells)-1]
		}
	}
	for _, c := range commandTable {
		need, ok := rows[c.usage()]
		switch {
		case !ok:
			t.Errorf("README has no command row for `%s`", c.usage())
		case c.readOnly && c.name != "help" && !strings.Contains(need, "read"):
			t.Errorf("README: /%s needs read permission, the row says %q", c.name, need)
		case !c.readOnly && !strings.Contains(need, "deploy.min_permission"):
			t.Errorf("README: /%s needs deploy.min_permission, the row says %q", c.name, need)
		}
	}
}
