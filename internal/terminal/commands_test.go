package terminal

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// section is a deployment as internal/bot renders it into the sticky comment.
func section(state, usersOp, pct, eta string) string {
	return "<!-- ddlbot:plan db=app -->\n<!-- ddlbot:state {} -->\n\n" + deployStart + "\n" +
		"#### Deployment of [#3](https://app.planetscale.com/acme/app/deploy-requests/3): " + state + "\n\n" +
		"Queued: 1 deployment(s) ahead in this database's deploy queue.\n\n" +
		"| Table | Operation | Progress | ETA |\n|---|---|---|---|\n" +
		"| `users` | ALTER · " + usersOp + " | `███░░░░░░░` " + pct + "% | " + eta + " |\n" +
		"| `odd\\|name` | CREATE · queued | `░░░░░░░░░░` 0% | — |\n\n" +
		"Comment `/cancel` to stop it.\n" + deployEnd + "\n\n### the plan\n"
}

func TestParseDeployment(t *testing.T) {
	md, ok := DeploymentSection(section("in progress", "in progress", " 35", "12s"))
	if !ok {
		t.Fatal("no section")
	}
	if _, ok := DeploymentSection("### just a plan"); ok {
		t.Error("a section in a plan")
	}
	d := ParseDeployment(md)
	if d.Title != "deploy request #3: in progress" {
		t.Errorf("title %q", d.Title)
	}
	want := []TableProgress{{Table: "users", Operation: "ALTER · in progress", Percent: 35, ETA: "12s"}, {Table: "odd|name", Operation: "CREATE · queued"}}
	if len(d.Tables) != 2 || d.Tables[0] != want[0] || d.Tables[1] != want[1] {
		t.Errorf("tables %+v", d.Tables)
	}
	// The queue position stays; the hint to comment /cancel goes.
	if len(d.Notes) != 1 || d.Notes[0] != "Queued: 1 deployment(s) ahead in this database's deploy queue." {
		t.Errorf("notes %q", d.Notes)
	}
	lines, _ := d.Render()
	got := strings.Join(lines, "\n")
	wantText := "deploy request #3: in progress\n" +
		"  users     ALTER · in progress  [███████░░░░░░░░░░░░░]  35%  ETA 12s\n" +
		"  odd|name  CREATE · queued      [░░░░░░░░░░░░░░░░░░░░]   0%\n" +
		"  Queued: 1 deployment(s) ahead in this database's deploy queue."
	if got != wantText {
		t.Errorf("render:\n%s\nwant:\n%s", got, wantText)
	}
}

func TestConsolePlain(t *testing.T) {
	var out bytes.Buffer
	c := &Console{W: &out, Prefix: "ddlbot deploy: "}
	g := &GitHub{Console: c}
	ctx := context.Background()
	id, _, _ := g.UpsertStickyComment(ctx, "o", "r", 0, "<!-- ddlbot:plan db=app -->", "the plan, no deployment")
	if out.Len() != 0 {
		t.Fatalf("a plan drew something: %q", out.String())
	}
	for _, s := range []string{
		section("in progress", "in progress", "31", "20s"),
		section("in progress", "in progress", "35", "12s"), // the same tenth, another ETA: not printed again
		section("in progress", "in progress", "41", "9s"),
	} {
		if err := g.EditComment(ctx, "o", "r", id, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := g.Reply(ctx, "o", "r", 0, "@you Deploy request [#3](https://x/3) is **complete pending revert** (took 2m0s). Deployed. Comment `/revert` to undo within the revert window, or `/skip-revert` to close it now."); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "\x1b[") {
		t.Errorf("escapes without a TTY: %q", got)
	}
	if n := strings.Count(got, "deploy request #3"); n != 2 {
		t.Errorf("the display was printed %d times, want 2:\n%s", n, got)
	}
	for _, want := range []string{" 31%  ETA 20s\n", " 41%  ETA 9s\n",
		"ddlbot deploy: Deploy request #3 (https://x/3) is complete pending revert (took 2m0s). Deployed.\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "/revert") || strings.Contains(got, "@you") {
		t.Errorf("pull request text in a terminal:\n%s", got)
	}
	if r := g.Replies(); len(r) != 1 || !strings.HasPrefix(r[0], "@you ") {
		t.Errorf("replies %q", r)
	}
	if err := g.EditComment(ctx, "o", "r", 42, "x"); err == nil {
		t.Error("edited a missing comment")
	}
}

func TestConsoleTTY(t *testing.T) {
	var out bytes.Buffer
	c := &Console{W: &out, TTY: true, Prefix: "p: "}
	c.Deployment(section("queued", "queued", "0", "—"))
	first := out.Len()
	c.Deployment(section("in progress", "in progress", "35", "12s"))
	got := out.String()
	// The second drawing goes back up over the first (title, two tables, a note) and clears it.
	if strings.Contains(got[:first], "\x1b[") || !strings.HasPrefix(got[first:], "\x1b[4F\x1b[J") {
		t.Errorf("redraw: %q", got)
	}
	// A line below the display keeps it: the next drawing starts afresh.
	c.Reply("@you Stopped following.")
	mark := out.Len()
	c.Deployment(section("in progress", "in progress", "45", "8s"))
	if strings.Contains(out.String()[mark:], "\x1b[") {
		t.Errorf("redrew over a reply: %q", out.String()[mark:])
	}
	var nilConsole *Console
	nilConsole.Reply("x")
	nilConsole.Deployment(section("queued", "queued", "0", "—"))
}

func TestPlainTextAndHints(t *testing.T) {
	for in, want := range map[string]string{
		"Deploy request [#1](https://a/1) is **ready**": "Deploy request #1 (https://a/1) is ready",
		"adds \\`uk\\_email\\` on `users` \\(email\\)":  "adds `uk_email` on users (email)",
		"a &lt;b&gt; @\u200bme":                         "a <b> @me",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Ready to cut over: comment /cutover to finish, or /cancel.": "",
		"Deployed. Comment /revert to undo.":                         "Deployed.",
		"It is in progress. It goes on.":                             "It is in progress. It goes on.",
	} {
		if got := DropCommentHints(in); got != want {
			t.Errorf("DropCommentHints(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlainTextEscapes(t *testing.T) {
	if got := PlainText(`a\,b \- c \| d \\ e`); got != `a\,b - c | d \ e` {
		t.Errorf("%q", got)
	}
}

// The backup made before a deploy shows as notes, not as a table's progress.
func TestParseDeploymentWithBackup(t *testing.T) {
	body := "<!-- ddlbot:plan db=app -->\n" + deployStart + "\n" +
		"#### Backup of `main` before deploying [#3](https://app.planetscale.com/acme/app/deploy-requests/3)\n\n" +
		"| Backup | State | Size | Kept until |\n|---|---|---|---|\n" +
		"| [`ddlbot-shop-1a2b3c-pr-7-dr-3`](https://app.planetscale.com/acme/app/backups) | success | 3 MiB | 2026-12-11 09:00 UTC |\n\n" +
		"Why: the change drops column `users.email`.\n\n" +
		"#### Deployment of [#3](https://app.planetscale.com/acme/app/deploy-requests/3): queued\n\n" +
		"| Table | Operation | Progress | ETA |\n|---|---|---|---|\n" +
		"| `users` | ALTER · pending | `░░░░░░░░░░` 0% | — |\n" + deployEnd + "\n"
	md, _ := DeploymentSection(body)
	d := ParseDeployment(md)
	if d.Title != "deploy request #3: queued" || len(d.Tables) != 1 || d.Tables[0].Table != "users" {
		t.Fatalf("deployment %+v", d)
	}
	want := []string{"Backup of main before deploying #3", "backup ddlbot-shop-1a2b3c-pr-7-dr-3: success, 3 MiB, kept until 2026-12-11 09:00 UTC",
		"Why: the change drops column users.email."}
	if strings.Join(d.Notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes\n%s\nwant\n%s", strings.Join(d.Notes, "\n"), strings.Join(want, "\n"))
	}
}
