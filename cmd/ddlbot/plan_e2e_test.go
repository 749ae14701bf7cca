package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
)

// noPlanetScale clears PlanetScale credentials the environment may hold, so
// that `ddlbot plan` runs against its in-process localscale.
func noPlanetScale(t *testing.T) {
	t.Helper()
	for _, k := range []string{"PLANETSCALE_SERVICE_TOKEN_ID", "PLANETSCALE_SERVICE_TOKEN", "PLANETSCALE_OAUTH_TOKEN", "PLANETSCALE_API_URL", "PLANETSCALE_ORG"} {
		t.Setenv(k, "")
	}
}

var reVersionLine = regexp.MustCompile(`(?m)^<sub>ddlbot .*</sub>$`)

// reTerminalBranch is a terminal plan's branch: it names the checkout's git
// branch and hashes its remote, which differ from checkout to checkout.
var reTerminalBranch = regexp.MustCompile(`ddlbot-[a-z0-9-]+-[0-9a-f]{6}-pr-`)

// stableReport replaces what changes from build to build (the version) and
// from checkout to checkout (the terminal's branch name).
func stableReport(s string) string {
	s = reVersionLine.ReplaceAllString(s, "<sub>ddlbot VERSION</sub>")
	return reTerminalBranch.ReplaceAllString(s, "ddlbot-GITBRANCH-HASH-pr-")
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

const planAppConfig = `databases:
  - name: app
    schema: db/schema
  - name: billing
    organization: acme
    migrations: billing/migrations
lint:
  rules:
    not-instant: off
`

const planUsers = "CREATE TABLE users (\n  id bigint unsigned NOT NULL AUTO_INCREMENT,\n  email varchar(255) NOT NULL,\n  PRIMARY KEY (id)\n);\n"

func planRepo(t *testing.T) string {
	t.Helper()
	return gitRepo(t, "", map[string]string{
		".ddlbot.yml":                      planAppConfig,
		"db/schema/users.sql":              planUsers,
		"billing/migrations/001_init.sql":  "CREATE TABLE invoices (\n  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  total decimal(10,2) NOT NULL\n);\n",
		"billing/migrations/002_index.sql": "ALTER TABLE invoices ADD COLUMN paid_at datetime;\n",
	})
}

func TestPlanGitBase(t *testing.T) {
	noPlanetScale(t)
	dir := planRepo(t)

	// Nothing changed yet.
	r := ddlbot(t, dir, "plan", "--format", "markdown")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no schema change between HEAD (") {
		t.Fatalf("unchanged: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A change in the working tree, against --base main.
	write(t, dir, map[string]string{"db/schema/users.sql": strings.Replace(planUsers, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	r = ddlbot(t, dir, "plan", "--base", "main", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "report", r.stdout, "<!-- ddlbot:plan db=app -->", "### ddlbot · `app`",
		"Deploy request #1: **ready**", "branch `"+bot.BranchName(terminalRepo(context.Background(), dir), 0)+"`",
		"ADD COLUMN `nick` varchar(40)", "PlanetScale's diff (1 table(s))", "comment `/deploy --db app` to deploy")
	if strings.Contains(r.stdout, "billing") {
		t.Errorf("billing did not change but was planned:\n%s", r.stdout)
	}
	mustContain(t, "stderr", r.stderr, ".ddlbot.yml: the working tree against main (",
		"PlanetScale: localscale (in-process, nothing leaves this machine)",
		"ddlbot/app: success: Deploy request #1 is ready · branch "+bot.BranchName(terminalRepo(context.Background(), dir), 0)+" · lint: 0 error(s), 0 warning(s)")

	// Two databases change; --db plans one, with its own pull request number.
	write(t, dir, map[string]string{"billing/migrations/003_currency.sql": "ALTER TABLE invoices ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';\n"})
	r = ddlbot(t, dir, "plan", "--base", "main", "--db", "billing", "--pr", "12", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("--db billing: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "report", r.stdout, "### ddlbot · `billing`", "branch `"+bot.BranchName(terminalRepo(context.Background(), dir), 12)+"`", "ADD COLUMN `currency` char(3)",
		"Deploy request #1: **ready**", "`/deploy --db billing`")
	if strings.Contains(r.stdout, "`app`") || strings.Contains(r.stdout, "nick") {
		t.Errorf("--db billing planned app too:\n%s", r.stdout)
	}
	mustContain(t, "stderr", r.stderr, "the working tree (database billing only) against main")

	// The configuration comes from the base; a changed one is named, a new one used.
	write(t, dir, map[string]string{".ddlbot.yml": planAppConfig + "  fail_on: warning\n"})
	r = ddlbot(t, dir, "plan", "--base", "main", "--db", "app", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stderr, ".ddlbot.yml differs in the working tree; the plan uses the one at main (") {
		t.Fatalf("changed config: exit %d\n%s", r.code, r.stderr)
	}
	write(t, dir, map[string]string{"new.yml": "databases:\n  - name: app\n    schema: db/schema\n"})
	r = ddlbot(t, dir, "plan", "--config", "new.yml", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stderr, "new.yml is not in HEAD (") || !strings.Contains(r.stdout, "ADD COLUMN `nick`") {
		t.Fatalf("config only in the working tree: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// From a subfolder, with the config given relative to it.
	r = ddlbot(t, dir+"/db", "plan", "--config", "../.ddlbot.yml", "--db", "app", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "ADD COLUMN `nick`") {
		t.Fatalf("from a subfolder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestPlanLintErrorFails(t *testing.T) {
	noPlanetScale(t)
	dir := planRepo(t)
	// Dropping a table is an error by default: the check fails, and nothing
	// is made on PlanetScale for a schema that must change again.
	write(t, dir, map[string]string{"db/schema/users.sql": "", "db/schema/accounts.sql": strings.Replace(planUsers, "users", "accounts", 1)})
	r := ddlbot(t, dir, "plan", "--db", "app", "--format", "markdown")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "report", r.stdout, "`db/schema/users.sql:1:1` `drop-table`", "Lint fails, so no PlanetScale branch or deploy request was made for this head", "**Next step:** fix the lint findings")
	if strings.Contains(r.stdout, "Deploy request #") {
		t.Errorf("a deploy request for a failing lint:\n%s", r.stdout)
	}
	mustContain(t, "stderr", r.stderr, "ddlbot/app: failure: 1 lint error(s), 0 warning(s)")
	// On the terminal the same report speaks of the working tree and of
	// running the plan again; the markdown above keeps the pull request's words.
	r = ddlbot(t, dir, "plan", "--db", "app")
	if r.code != 1 {
		t.Fatalf("text: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	text := r.stdout

	// A statement that does not parse: linted only, failing.
	write(t, dir, map[string]string{"db/schema/accounts.sql": "CREATE TABLE accounts (id int PRIMARY KEY, x varchar(10) NOT NUL);\n"})
	r = ddlbot(t, dir, "plan", "--db", "app", "--format", "markdown")
	if r.code != 1 {
		t.Fatalf("syntax error: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "report", r.stdout, "`syntax-error`", "the schema at the head of this pull request does not load; fix the errors below first", "and push.")
	if strings.Contains(r.stdout, "Deploy request [#") {
		t.Errorf("a schema that does not load got a deploy request:\n%s", r.stdout)
	}
	r = ddlbot(t, dir, "plan", "--db", "app")
	if r.code != 1 {
		t.Fatalf("syntax error, text: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	text += "\n" + r.stdout
	mustContain(t, "text report", text, "the schema in the working tree does not load",
		"Next step: fix the lint findings in the files (or suppress them with a reason) and run `ddlbot plan --db app` again.")
	for _, pr := range []string{"pull request", "push", "this head", "re-run the job"} {
		if strings.Contains(text, pr) {
			t.Errorf("the terminal's report says %q:\n%s", pr, text)
		}
	}
	golden(t, "plan-lint-fails.txt", stableReport(text))
}

func TestPlanUsageErrors(t *testing.T) {
	noPlanetScale(t)
	dir := planRepo(t)
	write(t, dir, map[string]string{
		"bad.yml":       "databases:\n  - name: app\n    shema: db\n",
		"empty.yml":     "# nothing\n",
		"base/a.sql":    "CREATE TABLE a (id int PRIMARY KEY);\n",
		"alone/x.yml":   "databases:\n  - name: x\n    schema: s\n",
		"alone/s/a.sql": "CREATE TABLE a (id bigint PRIMARY KEY);\n",
	})
	nogit := folder(t, map[string]string{".ddlbot.yml": "databases:\n  - name: x\n    schema: s\n", "s/a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n"})
	for _, tc := range []struct {
		dir  string
		args []string
		want string
	}{
		{dir, []string{"plan", "--bogus"}, "unknown flag \"--bogus\""},
		{dir, []string{"plan", "db/schema"}, `plan takes no arguments, got ["db/schema"]`},
		{dir, []string{"plan", "--base", "main", "--base-dir", "base"}, "give --base or --base-dir, not both"},
		{dir, []string{"plan", "--pr", "-3"}, "--pr must not be negative"},
		{dir, []string{"plan", "--config", "missing.yml"}, "no configuration: missing.yml does not exist"},
		{dir, []string{"plan", "--config", "bad.yml"}, `bad.yml:3:5: unknown key "shema" in databases[0] (did you mean "schema"?)`},
		{dir, []string{"plan", "--config", "empty.yml"}, "empty.yml lists no databases: nothing to plan"},
		{dir, []string{"plan", "--db", "nope"}, "--db nope: .ddlbot.yml at HEAD ("},
		{dir, []string{"plan", "--base", "nosuchref"}, `git ref "nosuchref" does not name a commit`},
		{dir, []string{"plan", "--base", "--upload-pack=x"}, "invalid git ref"},
		{dir, []string{"plan", "--base-dir", "base"}, "--base-dir stands for one database's folder, and .ddlbot.yml lists several (app, billing): add --db NAME"},
		{dir, []string{"plan", "--base-dir", "nowhere", "--db", "app"}, "--base-dir nowhere: not a folder"},
		{nogit, []string{"plan"}, "the current folder is not in a git repository, so there is no base to plan against: give --base-dir DIR"},
	} {
		r := ddlbot(t, tc.dir, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	// A configuration that is broken at the base fails even when the working tree fixed it.
	git(t, dir, "add", "bad.yml")
	git(t, dir, "commit", "-qm", "bad config")
	write(t, dir, map[string]string{"bad.yml": "databases:\n  - name: app\n    schema: db/schema\n"})
	r := ddlbot(t, dir, "plan", "--config", "bad.yml", "--format", "markdown")
	if r.code != 2 || !strings.Contains(r.stderr, "bad.yml at HEAD (") || !strings.Contains(r.stderr, "is not valid (as on a pull request, the configuration is read at the base)") {
		t.Errorf("bad config at base: exit %d\n%s", r.code, r.stderr)
	}
	// Outside git, --base-dir is the way; it also works with a single database and no --db.
	r = ddlbot(t, nogit, "plan", "--base-dir", "s", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stderr, "no schema change between folder s and the working tree") {
		t.Errorf("--base-dir outside git: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ddlbot(t, dir, "plan", "--config", "alone/x.yml", "--base-dir", "base", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "MODIFY COLUMN `id` bigint") {
		t.Errorf("--base-dir mapped onto alone/s: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestPlanHelp(t *testing.T) {
	r := ddlbot(t, t.TempDir(), "plan", "--help", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "Usage: ddlbot plan [--config F] [--base REF | --base-dir DIR]") {
		t.Fatalf("plan --help: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ddlbot(t, t.TempDir(), "--help")
	if !strings.Contains(r.stdout, "  plan ") {
		t.Fatalf("--help lacks plan:\n%s", r.stdout)
	}
}

// TestPlanReportTellsTheTruth: in a migrations repository, a finding lands
// on the migration that caused it (the unique key added in 007 makes the
// change copy the table: not-instant is reported on 007, not on 008, the
// table's last migration); the Risks list marks each risk with the severity
// of the lint rule that reports it, as configured; names in risk and lint
// lines render as code, never as escaped backticks; the next step counts
// the required approvals.
func TestPlanReportTellsTheTruth(t *testing.T) {
	noPlanetScale(t)
	dir := gitRepo(t, "", map[string]string{
		".ddlbot.yml":                "databases:\n  - name: app\n    migrations: db/migrations\nlint:\n  rules:\n    drop-column: error\n    add-unique-key: notice\ndeploy:\n  required_approvals: 2\n",
		"db/migrations/006_init.sql": "CREATE TABLE users (\n  id bigint NOT NULL AUTO_INCREMENT,\n  email varchar(255) NOT NULL,\n  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY (id)\n);\n",
	})
	write(t, dir, map[string]string{
		"db/migrations/007_key.sql":  "-- emails are unique since the cleanup\nALTER TABLE users ADD UNIQUE KEY uk_email (email);\n",
		"db/migrations/008_nick.sql": "-- ddlbot:ignore drop-column -- nick unused since v2\nALTER TABLE users DROP COLUMN nick;\n",
	})
	r := ddlbot(t, dir, "plan", "--base", "main", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "report", r.stdout,
		"- ℹ️ `db/migrations/007_key.sql:2:34` `not-instant` the change to `users` cannot run with ALGORITHM=INSTANT",
		"- 🛑 drops column `nick` of `users` and the data in it",
		"- ℹ️ adds unique key `uk_email` on `users` \\(email\\)",
		"- ℹ️ `db/migrations/007_key.sql:2:34` `add-unique-key` adds unique key `uk_email` on `users`",
		"**Next step:** needs 2 approving reviews of head `worktree`")
	if strings.Contains(r.stdout, "\\`") || strings.Contains(r.stdout, "008_nick.sql:2:1` `not-instant`") {
		t.Errorf("escaped backticks, or not-instant on the last migration:\n%s", r.stdout)
	}
}
