package main

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	vtlog "vitess.io/vitess/go/vt/log"
)

// TestCleanup: plans on two git branches get two PlanetScale branches (the
// terminal names them after the git branch); cleanup on one deletes only
// its own, closing its deploy request, and --dry-run changes nothing.
func TestCleanup(t *testing.T) {
	vtQuiet.Do(func() { vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil))) })
	dir := planRepo(t)
	env, stop, done, lsErr := startLocalscale(t, dir, "--listen", "127.0.0.1:0", "--mysql-listen", "127.0.0.1:0",
		"--org", "acme", "--db", "app", "--seed", "db/schema", "--branch-ready-delay", "1ms")
	defer stopLocalscale(t, stop, done)
	env["PLANETSCALE_ORG"] = "acme"
	run := func(args ...string) (int, string, string) { return inProcess(dir, env, args...) }
	client, err := ps.New(ps.ConfigFromEnv(func(k string) string { return env[k] }))
	if err != nil {
		t.Fatal(err)
	}
	branches := func() []string { return branchNames(t, client, "acme", "app") }

	write(t, dir, map[string]string{"db/schema/users.sql": strings.Replace(planUsers, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	if code, out, errs := run("plan", "--db", "app"); code != 0 {
		t.Fatalf("plan on main: exit %d\n%s%s\n%s", code, out, errs, lsErr.String())
	}
	onMain := bot.BranchName(terminalRepo(context.Background(), dir), 0)
	git(t, dir, "checkout", "-q", "-b", "feature/Nick")
	other := bot.BranchName(terminalRepo(context.Background(), dir), 0)
	if code, out, errs := run("plan", "--db", "app"); code != 0 || !strings.Contains(out, other) {
		t.Fatalf("plan on feature/Nick: exit %d\n%s%s", code, out, errs)
	}
	if onMain == other || !strings.HasPrefix(other, "ddlbot-feature-nick-") {
		t.Fatalf("branch names %q and %q", onMain, other)
	}
	if got := branches(); len(got) != 3 {
		t.Fatalf("branches %v: want main and the two plans'", got)
	}

	git(t, dir, "checkout", "-q", "main")
	code, out, errs := run("cleanup", "--dry-run", "--db", "app")
	if code != 0 || out != "app: branch "+onMain+" would be deleted.\n" || len(branches()) != 3 {
		t.Fatalf("--dry-run: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("cleanup", "--db", "app")
	if code != 0 || out != "app: deploy request #1 closed and branch "+onMain+" deleted.\n" {
		t.Fatalf("cleanup: exit %d\n%s%s", code, out, errs)
	}
	if got := branches(); len(got) != 2 || got[0] != other && got[1] != other {
		t.Fatalf("after cleanup: %v; want main and %s", got, other)
	}
	dr, err := client.GetDeployRequest(context.Background(), "acme", "app", 1)
	if err != nil || dr.State != ps.DeployRequestClosed {
		t.Fatalf("deploy request #1 after cleanup: %+v %v", dr, err)
	}
	// billing is configured but has no database here: nothing to do.
	if code, out, _ := run("cleanup"); code != 0 || out != "app: no branch of this working tree ("+onMain+")\nbilling: no database acme/billing on PlanetScale (or no access to it): nothing to clean up\n" {
		t.Fatalf("second cleanup: exit %d\n%s", code, out)
	}
	for _, secret := range []string{env["PLANETSCALE_SERVICE_TOKEN"], env["PLANETSCALE_SERVICE_TOKEN_ID"]} {
		if strings.Contains(out+errs, secret) {
			t.Fatal("a secret was printed")
		}
	}
}

// branchNames lists the names of the database's branches, sorted.
func branchNames(t *testing.T, client *ps.Client, org, db string) []string {
	t.Helper()
	bs, err := client.ListBranches(context.Background(), org, db)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	sort.Strings(names)
	return names
}
