package main

import (
	"strings"
	"testing"
	"unicode"

	"github.com/ddlbot/ddlbot/internal/bot"
)

// runnerCommandLines returns the lines of a step's output that the Actions
// runner takes for workflow commands: "::" after leading white space, or the
// legacy "##[" anywhere in the line. It splits lines at "\n" and "\r", as the
// runner does.
func runnerCommandLines(out string) []string {
	var cmds []string
	for _, l := range strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.HasPrefix(strings.TrimLeftFunc(l, unicode.IsSpace), "::") || strings.Contains(l, "##[") {
			cmds = append(cmds, l)
		}
	}
	return cmds
}

// A commenter's text reaches the job log (the "done" record's reason): it
// must not start a workflow command there, in either syntax.
func TestActionCommentTextDoesNotRunWorkflowCommands(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	w.planned(actConfig)
	body := "/deploy --x##[set-output name=decision;]done\n  ::error title=owned::owned"
	r, _ := w.command("alice", body, nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonBadCommand})
	if !strings.Contains(r.stdout, "set-output") {
		t.Fatalf("the commenter's text is not in the log, so this test tests nothing:\n%s", r)
	}
	for _, l := range runnerCommandLines(r.stdout) {
		if strings.Contains(l, "##[") || strings.Contains(l, "owned::owned") && !strings.HasPrefix(l, "::debug::") && !strings.HasPrefix(l, "::error::") {
			t.Errorf("the log line %q is a workflow command the commenter wrote", l)
		}
	}
}

// `ddlbot lint`'s text format prints source lines, indented: a schema file's
// "::error::" or "##[" line must not become a command in a workflow step.
func TestLintTextDoesNotRunWorkflowCommands(t *testing.T) {
	dir := folder(t, map[string]string{
		".ddlbot.yml":     "databases:\n  - name: app\n    schema: db/schema\n",
		"db/schema/a.sql": "CREATE TABLE a (\n  id int PRIMARY KEY,\n  f float(7,2) COMMENT '##[add-mask]x'\n);\n",
		"db/schema/b.sql": "CREATE TABLE b (\n    ::error file=x.sql::owned int\n);\n",
	})
	r := ddlbot(t, dir, "lint")
	if !strings.Contains(r.stdout, "::error file=x.sql::owned") || !strings.Contains(r.stdout, "add-mask") {
		t.Fatalf("the source lines are not in the output, so this test tests nothing: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if cmds := runnerCommandLines(r.stdout); len(cmds) != 0 {
		t.Fatalf("lines the runner takes for commands: %q\n%s", cmds, r.stdout)
	}
}
