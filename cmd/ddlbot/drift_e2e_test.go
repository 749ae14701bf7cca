package main

import (
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/githubfake"
)

// TestActionDriftWarning: production is behind the base (main dropped
// legacy_username, merged, never deployed) and holds a table the
// repository never had, plus golang-migrate's tracking table. The pull
// request adds an index; the comment warns that production differs from the
// base and lists each table that does, and why; the tracking table is not
// listed; lint runs on what ships, so the drops fail the check.
func TestActionDriftWarning(t *testing.T) {
	w := newActWorld(t)
	base, _ := w.standard()
	prod := w.commit(sha("production"), base, map[string]string{
		"db/schema/users.sql":   actUsersWith("  legacy_username varchar(40) DEFAULT NULL,\n"),
		"db/schema/audit.sql":   "CREATE TABLE audit (id bigint NOT NULL, PRIMARY KEY (id));\n",
		"db/schema/tracker.sql": "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty tinyint(1) NOT NULL, PRIMARY KEY (version));\n",
	})
	w.seed("app", prod, "db/schema")
	head := w.commit(sha("head index"), base, map[string]string{"db/schema/users.sql": actUsersWith("  KEY email_idx (email),\n")})
	w.gh.UpdatePullRequest(actOwner, actRepo, actPR, func(p *githubfake.PR) { p.HeadSHA = head })
	r := w.run("opened (drift)", "pull_request", w.prEvent("opened"), nil)
	// Linted as shipped (production → head), the deploy request drops audit
	// (drop-table) and legacy_username (drop-column): the check fails, though
	// base → head only adds an index.
	if r.code != 1 || r.out[outLintErrors] == "0" {
		t.Fatalf("exit %d: %s", r.code, r)
	}
	if cr := w.checkRun(head, "ddlbot/app"); cr == nil || cr.Conclusion != "failure" {
		t.Fatalf("check run %+v", cr)
	}
	cs := w.comments()
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	contains(t, "comment", cs[0].Body, "**Production differs from ",
		"- `users`: differs: an undeployed merged change, or a change made outside ddlbot",
		"- `audit`: in production only, unknown to the repository: the deploy request drops it",
		"- 🛑 `production` `drop-table` drops table \\`audit\\`", "in what the deploy request ships: production branch main → this pull request")
	contains(t, "check run", w.checkRun(head, "ddlbot/app").Summary, "**Production differs from ")
	if got := visible(cs[0].Body); strings.Contains(got, "`schema_migrations`") {
		t.Errorf("the tracking table is listed as drift:\n%s", got)
	}
}
