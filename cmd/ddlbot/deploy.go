package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/terminal"
)

const deployDescription = `Plans the working tree as a pull request, exactly as ` + "`ddlbot plan`" + ` does
(same flags, same backends, the plan's report on stdout), then deploys it
with the engine that runs /deploy on a pull request: the same checks (lint
errors and PlanetScale's checks block a deploy), the same deploy request, and
the deployment followed until it rests, shown on stderr as one line per
table with a progress bar, percent and ETA (redrawn in place on a terminal;
elsewhere printed again only when something changed).

You stand for the commenter, with admin permission: deploy.min_permission and
deploy.allowed_teams are met. deploy.required_approvals counts approving
reviews of a pull request; a terminal has none, so it does not apply here.

PlanetScale: with credentials in the environment (see ddlbot plan --help)
ddlbot deploys to PlanetScale, and asks you to type the database's name first
unless --yes. Without (or with --local) it deploys to an in-process
localscale, without asking: nothing leaves this machine, and nothing of it
outlives the command (--speed makes its deployments faster).

While production differs from the base (the plan's "Production differs"
warning), the deploy is refused unless --accept-drift (or deploy.accept_drift);
a deploy request that drops tables the repository never had needs
--drop-unknown-tables (or deploy.drop_unknown_tables).

Before a deploy that can drop data (a dropped table or column, a narrowed
column) ddlbot backs up the production branch and waits until the backup
succeeds, as /deploy does (deploy.backup: auto, always or never; kept for
deploy.backup_retention); a failed backup stops the deploy. --skip-backup
deploys without it.

With --gated (or deploy.gated) the deployment stops at pending_cutover, once
its tables are copied. On a terminal ddlbot then asks whether to cut over
(type cutover); with --cutover it cuts over without asking. Otherwise it
leaves the deployment waiting: cut over in PlanetScale's web UI, with
` + "`pscale deploy-request apply DATABASE NUMBER`" + `, or with /cutover on the pull request.

Exit status: 0 the deployment rests in a good state (complete,
complete_pending_revert, or pending_cutover when gated), or there is no schema
change to deploy; 1 it was refused (lint errors, PlanetScale's checks, not
confirmed) or it failed; 2 usage, configuration or git problem.`

// The polling of a deployment followed in a terminal: there is no GitHub to
// spare, so every poll that changes something is drawn.
const (
	deployFollowTimeout = 24 * time.Hour
	localPollInterval   = 20 * time.Millisecond
	localMaxPoll        = 250 * time.Millisecond
	remotePollInterval  = time.Second
	remoteMaxPoll       = 2 * time.Second
)

func runDeploy(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("deploy", "ddlbot deploy [--config F] [--base REF | --base-dir DIR] [--db NAME] [--gated [--cutover]] [--instant] [--accept-drift] [--drop-unknown-tables] [--skip-backup] [--yes]", deployDescription)
	var pf planFlags
	pf.register(fset)
	gated := fset.Bool("gated", false, "stop before the cutover (a gated deployment, pending_cutover); on a terminal ddlbot then asks whether to cut over")
	cutover := fset.Bool("cutover", false, "with --gated: cut over without asking once the deployment waits for it")
	instant := fset.Bool("instant", false, "deploy with ALGORITHM=INSTANT where PlanetScale allows it")
	acceptDrift := fset.Bool("accept-drift", false, "deploy although production differs from the base (the deploy request ships that too), as /deploy --accept-drift")
	dropUnknown := fset.Bool("drop-unknown-tables", false, "let the deploy drop tables production has and the repository never had, as /deploy --drop-unknown-tables")
	skipBackup := fset.Bool("skip-backup", false, "deploy without the backup of production that deploy.backup asks for (a change that can drop data), as /deploy --skip-backup")
	yes := fset.Bool("yes", false, "deploy to PlanetScale without asking to type the database name")
	speed := fset.Float64("speed", 1, "localscale only: how many times faster than PlanetScale its deployments run")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return a.flagError(fset, err)
	}
	if err := pf.check("deploy", rest); err != nil {
		return a.fail(err)
	}
	switch {
	case *gated && *instant:
		return a.fail(usageError{"give --gated or --instant, not both: an instant deployment cannot be gated"})
	case *cutover && !*gated:
		return a.fail(usageError{"--cutover goes with --gated: without it the deployment cuts over by itself"})
	case *speed <= 0:
		return a.fail(usageError{"--speed must be positive"})
	}
	const name = "ddlbot deploy"
	p, err := a.preparePlan(ctx, name, pf.configPath, pf.baseRef, pf.baseDir, pf.dbName)
	if err != nil {
		return a.fail(err)
	}
	if p.only == nil {
		if len(p.cfg.Databases) > 1 {
			return a.fail(usageError{fmt.Sprintf("deploy deploys one database, and %s lists several (%s): add --db NAME", p.cfgName, strings.Join(databaseNames(p.cfg), ", "))})
		}
		p.only = &p.cfg.Databases[0]
	}
	tty := isTerminal(a.stderr) && a.getenv("TERM") != "dumb"
	logger, done := a.withProgress(pf.logger(a), pf.verbose, name+": ")
	defer done()
	be, err := a.planBackend(ctx, p, pf.forceLocal, logger, *speed)
	if err != nil {
		return a.fail(err)
	}
	defer be.stop()
	db := *p.only
	if d, ok := p.cfg.Database(db.Name); ok {
		db = *d // with the organization planBackend filled in
	}

	var approvalsNote sync.Once
	opts := bot.Options{
		Version:           buildVersion(),
		ConfigPath:        p.cfgRel,
		FollowTimeout:     deployFollowTimeout,
		MinUpdateInterval: time.Millisecond,
		PollInterval:      remotePollInterval,
		MaxPollInterval:   remoteMaxPoll,
		Adjust: func(cfg *config.Config) error {
			if err := p.adjust(cfg); err != nil {
				return err
			}
			if n := cfg.Deploy.RequiredApprovals; n > 0 {
				approvalsNote.Do(func() {
					fmt.Fprintf(a.stderr, "%s: deploy.required_approvals (%d) counts approving reviews of a pull request; a terminal has none, so it does not apply here\n", name, n)
				})
				cfg.Deploy.RequiredApprovals = 0
			}
			return nil
		},
	}
	if be.local {
		opts.PollInterval, opts.MaxPollInterval = localPollInterval, localMaxPoll
	}
	console := &terminal.Console{W: a.stderr, TTY: tty, Prefix: name + ": "}
	gh := &terminal.GitHub{
		PR:         pf.pullRequest(p, terminal.User),
		Config:     p.cfgData,
		ConfigPath: p.cfgRel,
		Base:       p.base,
		Head:       p.head,
		Console:    console,
	}
	engine := &bot.Engine{GitHub: gh, PlanetScale: be.client, Clock: bot.RealClock{}, Logger: logger, Options: opts}
	repo := p.repo

	// The plan, as `ddlbot plan` makes and prints it.
	out, err := engine.HandlePullRequest(ctx, bot.PullRequestEvent{Action: "opened", Repo: repo, Number: pf.prNumber})
	if err != nil {
		fmt.Fprintf(a.stderr, "%s: planning failed: %v\n", name, err)
		return exitFindings
	}
	a.printPlan(gh, out, p, &pf, "")
	if out.Decision == bot.DecisionNoSchemaChange {
		fmt.Fprintf(a.stderr, "%s: nothing to deploy\n", name)
		return exitOK
	}
	var planned *bot.DatabaseOutcome
	for _, d := range out.Databases {
		if d.Name == db.Name {
			planned = d
		}
	}
	if planned != nil && planned.DeployRequest == 0 && planned.Conclusion == github.ConclusionFailure && planned.Errors+planned.Warnings > 0 {
		// Lint fails: the plan made no deploy request (bot.planBlocked).
		fmt.Fprintf(a.stderr, "%s: %s: not deployed (lint-errors): the change has %d lint error(s) and %d warning(s); fix them or suppress them with a reason (see the report above)\n", name, db.Name, planned.Errors, planned.Warnings)
		return exitFindings
	}
	if planned == nil || planned.DeployRequest == 0 {
		fmt.Fprintf(a.stderr, "%s: %s: not deployed: the plan has no deploy request (see the report above)\n", name, db.Name)
		return exitFindings
	}
	if planned.DeploymentState == ps.StateNoChanges {
		// Deployed before (a new deploy request was opened beside the
		// deployed one, and it has nothing to do).
		fmt.Fprintf(a.stderr, "%s: %s: nothing to deploy: production already has this schema\n", name, db.Name)
		return exitOK
	}
	if !be.local && !*yes {
		if !a.confirm(name, db, planned) {
			fmt.Fprintf(a.stderr, "%s: not confirmed: nothing was deployed\n", name)
			return exitFindings
		}
	}

	// The deploy, as /deploy runs it on a pull request.
	cmd := bot.Command{Name: "deploy", DB: db.Name, Gated: *gated, Instant: *instant, AcceptDrift: *acceptDrift,
		DropUnknownTables: *dropUnknown, SkipBackup: *skipBackup}
	fmt.Fprintf(a.stderr, "%s: %s: deploying deploy request #%d into %s%s\n", name, db.Name, planned.DeployRequest, db.ProductionBranch, linkSuffix(planned.DeployRequestURL))
	cout, err := engine.RunCommand(ctx, bot.CommandRequest{Repo: repo, Number: pf.prNumber, Author: terminal.User, Command: cmd})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(a.stderr, "%s: interrupted: stopped following; a deployment that started goes on at PlanetScale%s\n", name, linkSuffix(planned.DeployRequestURL))
			if be.local {
				fmt.Fprintf(a.stderr, "%s: (localscale stops with this command, and its deployment with it)\n", name)
			}
			return exitFindings
		}
		fmt.Fprintf(a.stderr, "%s: %v\n", name, err)
		return exitFindings
	}
	// A gated deployment waits for its cutover: --cutover, or the person at
	// the terminal, decides.
	if d := firstDatabase(cout); cout.Decision == bot.DecisionDone && d != nil && d.DeploymentState == ps.StatePendingCutover &&
		(*cutover || a.askCutover(name, db, d)) {
		fmt.Fprintf(a.stderr, "%s: %s: cutting over deploy request #%d\n", name, db.Name, d.DeployRequest)
		cout, err = engine.RunCommand(ctx, bot.CommandRequest{Repo: repo, Number: pf.prNumber, Author: terminal.User,
			Command: bot.Command{Name: "cutover", DB: db.Name}})
		if err != nil {
			fmt.Fprintf(a.stderr, "%s: cutover: %v\n", name, err)
			return exitFindings
		}
	}
	return a.deployResult(ctx, name, cout, db, be)
}

func firstDatabase(out *bot.Outcome) *bot.DatabaseOutcome {
	if out == nil || len(out.Databases) == 0 {
		return nil
	}
	return out.Databases[0]
}

// askCutover asks, on a terminal, whether to cut over a deployment that
// waits for it. Without a terminal on stdin nobody is asked: it waits.
func (a *app) askCutover(name string, db config.Database, d *bot.DatabaseOutcome) bool {
	if !a.stdinTTY {
		return false
	}
	fmt.Fprintf(a.stderr, "%s: %s: deploy request #%d has copied its tables and waits for its cutover. Type cutover to cut over now (anything else leaves it waiting): ", name, db.Name, d.DeployRequest)
	var in io.Reader = a.stdin
	if in == nil {
		in = strings.NewReader("")
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if line == "" {
		fmt.Fprintln(a.stderr)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	return strings.TrimSpace(line) == "cutover"
}

// linkSuffix is " (url)" for a deploy request with a page, "" for one of
// an in-process localscale, which has none.
func linkSuffix(url string) string {
	if url == "" {
		return ""
	}
	return " (" + url + ")"
}

// confirm asks for the database's name before a deploy to PlanetScale.
func (a *app) confirm(name string, db config.Database, d *bot.DatabaseOutcome) bool {
	fmt.Fprintf(a.stderr, "%s: this deploys deploy request #%d%s to the production branch %s of the PlanetScale database %s/%s.\n",
		name, d.DeployRequest, linkSuffix(d.DeployRequestURL), db.ProductionBranch, db.Organization, db.Database)
	fmt.Fprintf(a.stderr, "%s: type the database name (%s) to confirm: ", name, db.Database)
	var in io.Reader = a.stdin
	if in == nil {
		in = strings.NewReader("")
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		line = ""
	}
	if line == "" {
		fmt.Fprintln(a.stderr)
	}
	return strings.TrimSpace(line) == db.Database
}

// deployResult says where the deployment rests and what comes next, from a
// terminal, and returns the exit status.
func (a *app) deployResult(ctx context.Context, name string, out *bot.Outcome, db config.Database, be *backend) int {
	var d *bot.DatabaseOutcome
	if len(out.Databases) > 0 {
		d = out.Databases[0]
	}
	switch {
	case out.Decision == bot.DecisionRefused:
		fmt.Fprintf(a.stderr, "%s: %s: not deployed (%s)\n", name, db.Name, out.ReasonCode)
		return exitFindings
	case d == nil:
		fmt.Fprintf(a.stderr, "%s: %s: %s (%s)\n", name, db.Name, out.Decision, out.ReasonCode)
		return exitFindings
	case out.Decision == bot.DecisionFollowTimeout:
		fmt.Fprintf(a.stderr, "%s: %s: stopped following deploy request #%d, %s; it goes on at PlanetScale%s\n", name, db.Name, d.DeployRequest,
			human(d.DeploymentState), linkSuffix(d.DeployRequestURL))
		return exitFindings
	case out.Decision != bot.DecisionDone:
		fmt.Fprintf(a.stderr, "%s: %s: deploy request #%d is %s: the deployment failed%s\n", name, db.Name, d.DeployRequest, human(d.DeploymentState), linkSuffix(d.DeployRequestURL))
		return exitFindings
	}
	// The engine's reply said where the deployment rests; what comes next
	// differs from a pull request's.
	pscale := func(verb string) string {
		return fmt.Sprintf("`pscale deploy-request %s %s %d --org %s`", verb, db.Database, d.DeployRequest, db.Organization)
	}
	switch d.DeploymentState {
	case ps.StatePendingCutover:
		fmt.Fprintf(a.stderr, "%s: %s: deploy request #%d waits for its cutover (give --cutover with --gated, or answer the prompt on a terminal, to cut over from here): ",
			name, db.Name, d.DeployRequest)
		if be.local {
			fmt.Fprintln(a.stderr, "localscale stops with this command, so this gated deployment ends here, without a cutover.")
		} else {
			fmt.Fprintf(a.stderr, "cut over in PlanetScale's web UI, with %s, or with /cutover on the pull request.\n", pscale("apply"))
		}
	case ps.StateComplete:
		fmt.Fprintf(a.stderr, "%s: %s: deployed.\n", name, db.Name)
	case ps.StateCompletePendingRevert:
		window := "the revert window is open"
		if dr, err := be.client.GetDeployRequest(ctx, db.Organization, db.Database, d.DeployRequest); err == nil && dr.Deployment != nil &&
			dr.Deployment.DeploymentRevertRequest != nil && dr.Deployment.DeploymentRevertRequest.WaitingPeriodEndAt != nil {
			window = "the revert window is open until " + dr.Deployment.DeploymentRevertRequest.WaitingPeriodEndAt.Local().Format("15:04 MST")
		}
		if be.local {
			fmt.Fprintf(a.stderr, "%s: %s: deployed; %s, but localscale stops with this command, and the deployment with it.\n", name, db.Name, window)
		} else {
			fmt.Fprintf(a.stderr, "%s: %s: deployed; %s: revert or end it in PlanetScale's web UI, with %s or %s, or with /revert or /skip-revert on the pull request.\n",
				name, db.Name, window, pscale("revert"), pscale("skip-revert"))
		}
	}
	return exitOK
}

func human(state string) string {
	if state == "" {
		return "none"
	}
	return strings.ReplaceAll(state, "_", " ")
}

// isTerminal reports whether w (a writer or a reader) is a terminal (a
// character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
