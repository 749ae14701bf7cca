package main

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// onTerminal runs the binary in dir on a pseudo-terminal, with util-linux's
// script(1): stdin, stdout and stderr are the terminal, and what it shows
// (both streams, in the order written) is returned. The status line is
// drawn only on a terminal, and no flag or variable forces it, so a pipe
// cannot test it.
func onTerminal(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs util-linux's script(1) (the BSD one takes other flags)")
	}
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("the status line is tested on a pseudo-terminal made by script(1): install util-linux (Debian: bsdutils)")
	}
	words := []string{shellQuote(binary)}
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	cmd := exec.Command("script", "-qefc", strings.Join(words, " "), os.DevNull)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=xterm")
	r := runCmd(t, cmd)
	return r.stdout + r.stderr, r.code
}

// screen is what a terminal shows after out: "\r" goes back to the start of
// the row, "\x1b[K" erases from there to its end, anything else is written
// over what the row holds.
func screen(out string) string {
	var rows []string
	var row []rune
	col := 0
	for i := 0; i < len(out); {
		switch {
		case out[i] == '\n':
			rows = append(rows, string(row))
			row, col = nil, 0
			i++
		case out[i] == '\r':
			col = 0
			i++
		case strings.HasPrefix(out[i:], "\x1b[K"):
			row = row[:col]
			i += len("\x1b[K")
		default:
			r := []rune(out[i:])[0]
			if col < len(row) {
				row[col] = r
			} else {
				row = append(row, r)
			}
			col++
			i += len(string(r))
		}
	}
	return strings.Join(append(rows, string(row)), "\n")
}

// TestStatusLineOnTerminal: on a terminal `ddlbot plan` shows each step on
// one status line of stderr, rewritten in place, and erases it before the
// report (stdout, on the same terminal) and the summary: what stays on the
// screen is what a pipe gets.
func TestStatusLineOnTerminal(t *testing.T) {
	noPlanetScale(t)
	root := repoRoot(t)
	args := []string{"plan", "--config", "examples/shop/ddlbot-schema.yml", "--base-dir", "examples/shop/schema"}
	out, code := onTerminal(t, root, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%q", code, out)
	}
	mustContain(t, "terminal", out,
		"\r\x1b[Kddlbot plan: load and lint the schema (shop, examples/shop/schema-pr) …",
		"\r\x1b[Kddlbot plan: open a deploy request (shop, ddlbot-",
		"\r\x1b[Kddlbot plan: wait for PlanetScale's checks (shop, deploy request #1) …",
		// Erased before the report's first line.
		"…\r\x1b[Kddlbot · shop\r\n")
	shown := screen(out)
	if strings.Contains(shown, "…") {
		t.Errorf("a status line stays on the screen:\n%s", shown)
	}
	// The screen holds what the same plan prints on pipes, stdout then stderr's summary.
	piped := ddlbot(t, root, args...)
	if strings.Contains(piped.stderr, "\x1b") || strings.Contains(piped.stderr, "…") {
		t.Errorf("a status line off a terminal: %q", piped.stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(piped.stdout+piped.stderr), "\n") {
		if !strings.Contains(shown, l) {
			t.Errorf("the screen lacks %q:\n%s", l, shown)
		}
	}
	// With --verbose the steps are logged instead: no status line.
	out, code = onTerminal(t, root, append(args, "--verbose")...)
	if code != 0 || strings.Contains(out, "\x1b[K") || !strings.Contains(out, `msg="wait for PlanetScale's checks"`) {
		t.Errorf("--verbose: exit %d\n%q", code, out)
	}
}
