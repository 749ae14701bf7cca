package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

const cleanupConfig = "databases:\n  - name: shop\n    organization: example\n    schema: schema\nlint:\n  rules:\n    not-instant: off\n"

// TestCleanupBinary: `ddlbot cleanup`, through the binary and a PlanetScale
// API (a localscale) named by credentials, deletes the branches the plans of
// this git branch made, and only those: not another git branch's, not
// another --pr's, not another repository's, not a pull request's, not the
// legacy ddlbot-pr-N. --dry-run changes nothing.
func TestCleanupBinary(t *testing.T) {
	files := map[string]string{".ddlbot.yml": cleanupConfig, "schema/users.sql": planUsers}
	dir := gitRepo(t, filepath.Join(t.TempDir(), "shop"), files)
	p := startTerminalPS(t, os.DirFS(dir), nil)
	ctx := context.Background()
	changed := map[string]string{"schema/users.sql": strings.Replace(planUsers, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)}
	write(t, dir, changed)
	plan := func(dir string, args ...string) {
		t.Helper()
		r := p.run(t, dir, "", append([]string{"plan"}, args...)...)
		if r.code != 0 {
			t.Fatalf("plan %v in %s: exit %d\n%s%s", args, dir, r.code, r.stdout, r.stderr)
		}
	}
	branches := func() []string { return branchNames(t, p.client, "example", "shop") }

	// This git branch's plan: deploy request #1.
	plan(dir)
	mine := bot.BranchName(terminalRepo(ctx, dir), 0)
	// The same working tree with --pr 3, another git branch, another
	// repository on the same database.
	plan(dir, "--pr", "3")
	git(t, dir, "checkout", "-q", "-b", "feature/nick")
	plan(dir)
	git(t, dir, "checkout", "-q", "main")
	otherRepo := gitRepo(t, filepath.Join(t.TempDir(), "billing"), files)
	write(t, otherRepo, changed)
	plan(otherRepo)
	// A pull request's branch (the Action's), and the legacy name.
	for _, name := range []string{bot.BranchName(bot.Repo{Owner: "acme", Name: "shop"}, 0), bot.LegacyBranchName(0)} {
		if _, err := p.client.CreateBranch(ctx, "example", "shop", ps.CreateBranchRequest{Name: name, ParentBranch: "main"}); err != nil {
			t.Fatal(err)
		}
	}
	before := branches()
	if len(before) != 7 || !slices.Contains(before, mine) {
		t.Fatalf("branches %v: want main, four plans' (%s among them) and two others", before, mine)
	}

	r := p.run(t, dir, "", "cleanup", "--dry-run")
	if r.code != 0 || r.stdout != "shop: branch "+mine+" would be deleted.\n" {
		t.Fatalf("--dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := branches(); !slices.Equal(got, before) {
		t.Fatalf("--dry-run changed the branches: %v, was %v", got, before)
	}
	if dr, err := p.client.GetDeployRequest(ctx, "example", "shop", 1); err != nil || dr.State != ps.DeployRequestOpen {
		t.Fatalf("deploy request #1 after --dry-run: %+v %v", dr, err)
	}

	r = p.run(t, dir, "", "cleanup")
	if r.code != 0 || r.stdout != "shop: deploy request #1 closed and branch "+mine+" deleted.\n" {
		t.Fatalf("cleanup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := slices.DeleteFunc(slices.Clone(before), func(b string) bool { return b == mine })
	if got := branches(); !slices.Equal(got, want) {
		t.Fatalf("after cleanup: %v; want %v", got, want)
	}
	for n := 1; n <= 4; n++ {
		dr, err := p.client.GetDeployRequest(ctx, "example", "shop", n)
		if err != nil {
			t.Fatal(err)
		}
		if closed := dr.State == ps.DeployRequestClosed; closed != (n == 1) {
			t.Errorf("deploy request #%d (branch %s) is %s", n, dr.Branch, dr.State)
		}
	}
	if r = p.run(t, dir, "", "cleanup"); r.code != 0 || r.stdout != "shop: no branch of this working tree ("+mine+")\n" {
		t.Fatalf("second cleanup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// --pr 3 cleans up that plan's branch.
	if r = p.run(t, dir, "", "cleanup", "--pr", "3"); r.code != 0 || r.stdout != "shop: deploy request #2 closed and branch "+bot.BranchName(terminalRepo(ctx, dir), 3)+" deleted.\n" {
		t.Fatalf("cleanup --pr 3: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
