package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/internal/bot"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

const cleanupDescription = `Deletes the PlanetScale branches that ddlbot plan and ddlbot deploy made
for this working tree: the branches of this git branch (and --pr number),
ddlbot-GITBRANCH-HASH-pr-N and its later generations (-2, -3, ...), on every
database of the configuration (or --db). Each branch's open deploy requests
are closed first, as closing a pull request does; a branch whose deploy
request is deploying (queued, running, waiting for its cutover or in its
revert window) is left alone and named. Branches of pull requests, of other
git branches and of other repositories are never touched. --dry-run lists
what would be deleted and changes nothing.

It needs PlanetScale credentials in the environment (see ddlbot plan --help):
without them plan and deploy use an in-process localscale, which keeps
nothing after the command, so there is nothing to clean up.

Exit status: 0 done (or nothing to clean up), 1 a PlanetScale error, 2 usage,
configuration or git problem.`

func runCleanup(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("cleanup", "ddlbot cleanup [--config F] [--db NAME] [--pr N] [--dry-run]", cleanupDescription)
	configPath := fset.String("config", "", "configuration file (default: the .ddlbot.yml in the current folder or the nearest one above it in the repository)")
	dbName := fset.String("db", "", "only this database of the configuration")
	prNumber := fset.Int("pr", 0, "the --pr number the plans were made with")
	dryRun := fset.Bool("dry-run", false, "list the branches that would be deleted; change nothing")
	verbose := fset.Bool("verbose", false, "log each step on stderr")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return a.flagError(fset, err)
	}
	pf := planFlags{configPath: *configPath, dbName: *dbName, prNumber: *prNumber, format: "text", verbose: *verbose}
	if err := pf.check("cleanup", rest); err != nil {
		return a.fail(err)
	}
	const name = "ddlbot cleanup"
	psCfg := ps.ConfigFromEnv(a.getenv)
	if !psCfg.HasCredentials() {
		fmt.Fprintf(a.stderr, "%s: nothing to clean up: without PlanetScale credentials ddlbot plans on an in-process localscale, which keeps nothing after the command\n", name)
		return exitOK
	}
	p, err := a.preparePlan(ctx, name, pf.configPath, "", "", pf.dbName)
	if err != nil {
		return a.fail(err)
	}
	logger := pf.logger(a)
	be, err := a.planBackend(ctx, p, false, logger, 1)
	if err != nil {
		return a.fail(err)
	}
	defer be.stop()
	engine := &bot.Engine{PlanetScale: be.client, Clock: bot.RealClock{}, Logger: logger}
	code := exitOK
	for _, db := range p.cfg.Databases {
		if p.only != nil && db.Name != p.only.Name {
			continue
		}
		done, err := engine.CleanUpBranches(ctx, p.repo, pf.prNumber, db, *dryRun)
		for _, c := range done {
			fmt.Fprintf(a.stdout, "%s: %s\n", db.Name, strings.ReplaceAll(c.What, "`", ""))
		}
		switch {
		case ps.IsNotFound(err):
			fmt.Fprintf(a.stdout, "%s: no database %s/%s on PlanetScale (or no access to it): nothing to clean up\n", db.Name, db.Organization, db.Database)
		case err != nil:
			fmt.Fprintf(a.stderr, "%s: %s: %v\n", name, db.Name, err)
			code = exitFindings
		case len(done) == 0:
			fmt.Fprintf(a.stdout, "%s: no branch of this working tree (%s)\n", db.Name, bot.BranchName(p.repo, pf.prNumber))
		}
	}
	return code
}
