package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/server"
)

const serveDescription = `Runs ddlbot as a GitHub App server. GitHub sends the App's webhook deliveries
to POST /webhooks/github; each is verified (X-Hub-Signature-256 with the
webhook secret), stored in a durable queue and answered at once, then run by a
worker through the same engine as the Action, with a token of the delivery's
own installation. One pull request runs one job at a time; different pull
requests run in parallel. A deployment started with /deploy is followed by
follow-up jobs until it rests, across restarts. PlanetScale's webhooks
(POST /webhooks/planetscale, X-PlanetScale-Signature) wake the follow-up of
the deployment they name at once; without them it polls (--follow-interval,
--follow-idle-interval). Also: GET /healthz, GET /readyz, GET /metrics
(Prometheus).

Configuration, from the environment (secrets only there, never flags):
  DDLBOT_WEBHOOK_SECRET    the App's webhook secret (required)
  DDLBOT_APP_ID            the App's id (or --app-id)
  DDLBOT_PRIVATE_KEY       the App's private key (PEM), or
  DDLBOT_PRIVATE_KEY_FILE  a file holding it (or --private-key-file)
  DDLBOT_LISTEN            the address to listen on (or --listen; default 127.0.0.1:8080)
  DDLBOT_STORE             the store (or --store; default ddlbot.db): a SQLite file for
                           one replica, or mysql://user:password@host:3306/database
                           (MySQL 8 or MariaDB 10.6+) shared by several replicas
  DDLBOT_PLANETSCALE_WEBHOOK_SECRET  the PlanetScale webhooks' secrets, comma-separated
                           (one per database); without, progress relies on polling
  GITHUB_API_URL           GitHub Enterprise Server's API root (or --github-api-url;
                           default GitHub.com)
  PLANETSCALE_SERVICE_TOKEN_ID, PLANETSCALE_SERVICE_TOKEN (or PLANETSCALE_OAUTH_TOKEN),
  PLANETSCALE_API_URL      PlanetScale, as for the Action; without, ddlbot lints only

--print-manifest prints the GitHub App manifest (permissions and events) for
the server at --url, and exits.

Each running job's lease (--lease) is renewed while it runs; a replica that
dies loses its jobs when their lease ends, and another replica runs them.

SIGINT or SIGTERM drains: new deliveries get 503 (GitHub delivers them again),
running jobs get --drain to finish and are otherwise given back to the queue.

Exit status: 0 stopped, 1 the server failed while running (the listener or the
store), 2 configuration problem.`

func runServe(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("serve", "ddlbot serve [--listen ADDR] [--store FILE|mysql://...] [--app-id N] [--private-key-file F] [--workers N] | --print-manifest [--url URL]", serveDescription)
	listen := fset.String("listen", envOr(a.getenv, "DDLBOT_LISTEN", "127.0.0.1:8080"), "address to listen on")
	// No default from DDLBOT_STORE here: a MySQL URL holds a password, and
	// the help shows defaults.
	storePath := fset.String("store", "", "the store: a SQLite file, or mysql://user:password@host:port/database for several replicas (with a password, set DDLBOT_STORE instead: flags show in the process list); default $DDLBOT_STORE, else ddlbot.db")
	appID := fset.String("app-id", a.getenv("DDLBOT_APP_ID"), "the GitHub App's id")
	keyFile := fset.String("private-key-file", a.getenv("DDLBOT_PRIVATE_KEY_FILE"), "file holding the GitHub App's private key (PEM)")
	githubURL := fset.String("github-api-url", a.getenv("GITHUB_API_URL"), "GitHub Enterprise Server's REST API root, e.g. https://github.example.com/api/v3 (default GitHub.com)")
	workers := fset.Int("workers", 4, "jobs run in parallel (on different pull requests)")
	followSlice := fset.Duration("follow-timeout", 2*time.Minute, "how long one job follows a deployment before a follow-up job takes over")
	followEvery := fset.Duration("follow-interval", 15*time.Second, "how soon a follow-up job looks again at a deployment that moves")
	followIdle := fset.Duration("follow-idle-interval", 2*time.Minute, "how soon a follow-up job looks again at a deployment waiting for its cutover or in its revert window")
	drain := fset.Duration("drain", time.Minute, "on stop, how long running jobs may finish")
	keep := fset.Duration("keep", 7*24*time.Hour, "how long ended jobs (with their payloads) and quiet deployments stay in the store")
	attempts := fset.Int("attempts", 5, "how many times a job runs before it is kept as failed (GitHub or PlanetScale failing)")
	retryWait := fset.Duration("retry-wait", 10*time.Second, "the wait before a failed job runs again (half of it to all of it, at random), doubling each time up to 10 minutes")
	lease := fset.Duration("lease", 30*time.Second, "how long a running job is this replica's between renewals (another replica takes over a dead one's jobs after it)")
	printManifest := fset.Bool("print-manifest", false, "print the GitHub App manifest and exit")
	baseURL := fset.String("url", "https://ddlbot.example.com", "with --print-manifest: where GitHub reaches this server")
	name := fset.String("name", "ddlbot", "with --print-manifest: the App's name")
	verbose := fset.Bool("verbose", false, "log at debug level")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return a.flagError(fset, err)
	}
	if len(rest) > 0 {
		return a.fail(usageError{fmt.Sprintf("serve takes no arguments, got %q", rest)})
	}
	if *printManifest {
		m, err := server.Manifest(*name, *baseURL)
		if err != nil {
			return a.fail(usageError{err.Error()})
		}
		fmt.Fprintln(a.stdout, string(m))
		return exitOK
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))

	secret := a.getenv("DDLBOT_WEBHOOK_SECRET")
	if strings.TrimSpace(secret) == "" {
		return a.fail(usageError{"DDLBOT_WEBHOOK_SECRET is not set: give the GitHub App's webhook secret (ddlbot refuses to start without one, as it would accept forged deliveries)"})
	}
	id, err := strconv.ParseInt(strings.TrimSpace(*appID), 10, 64)
	if err != nil || id <= 0 {
		return a.fail(usageError{fmt.Sprintf("the GitHub App id is %q: set DDLBOT_APP_ID (or --app-id) to the App's numeric id", *appID)})
	}
	key, err := privateKey(a.getenv, *keyFile)
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	if *storePath == "" {
		*storePath = envOr(a.getenv, "DDLBOT_STORE", "ddlbot.db")
	}
	if *attempts < 1 || *retryWait <= 0 {
		return a.fail(usageError{fmt.Sprintf("--attempts %d --retry-wait %s: give at least one attempt and a positive wait", *attempts, *retryWait)})
	}
	if *lease < time.Second {
		return a.fail(usageError{fmt.Sprintf("--lease %s is too short: give at least 1s (the default is 30s)", *lease)})
	}
	if *followEvery <= 0 || *followIdle <= 0 {
		return a.fail(usageError{"--follow-interval and --follow-idle-interval must be positive durations (like 15s, 2m)"})
	}
	poll, maxPoll, minUpdate, err := engineIntervals(a.getenv)
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	var psClient bot.PlanetScale
	psCfg := planetscale.ConfigFromEnv(a.getenv)
	if psCfg.HasCredentials() {
		psCfg.UserAgent, psCfg.Logger = userAgent(), log
		c, err := planetscale.New(psCfg)
		if err != nil {
			return a.fail(usageError{err.Error()})
		}
		psClient = c
	} else {
		log.Warn("no PlanetScale credentials: pull requests are linted only")
	}
	var store server.Store
	if server.IsMySQLURL(*storePath) {
		store, err = server.OpenMySQL(ctx, *storePath)
		if err != nil {
			return a.fail(usageError{err.Error()})
		}
	} else {
		store, err = server.OpenSQLite(ctx, *storePath)
		if err != nil {
			return a.fail(err)
		}
	}
	defer store.Close()
	runner := &server.EngineRunner{AppID: id, PrivateKey: key, GitHubURL: *githubURL, PlanetScale: psClient,
		Options: bot.Options{FollowTimeout: *followSlice, RefreshTimeout: *followSlice, FollowedOn: true, Version: buildVersion(),
			PollInterval: poll, MaxPollInterval: maxPoll, MinUpdateInterval: minUpdate},
		FollowEvery: *followEvery, FollowIdle: *followIdle, Logger: log, UserAgent: userAgent(), Announcements: store}
	srv, err := server.New(server.Config{WebhookSecret: []byte(secret), PlanetScaleWebhookSecrets: server.SplitSecrets(a.getenv("DDLBOT_PLANETSCALE_WEBHOOK_SECRET")), Store: store, Runner: runner, Logger: log, Workers: *workers, Drain: *drain, Keep: *keep, Lease: *lease,
		MaxAttempts: *attempts, Backoff: server.Backoff(*retryWait)})
	if err != nil {
		return a.fail(usageError{err.Error()})
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return a.fail(usageError{fmt.Sprintf("listen on %s: %v", *listen, err)})
	}
	// The address actually bound (with port 0, the one the OS chose), for
	// whoever started us.
	fmt.Fprintf(a.stdout, "ddlbot serve: listening on http://%s\n", ln.Addr())
	if err := srv.Run(ctx, ln); err != nil {
		log.Error("serve", "err", err)
		return exitFindings
	}
	return exitOK
}

func envOr(getenv func(string) string, k, def string) string {
	if v := strings.TrimSpace(getenv(k)); v != "" {
		return v
	}
	return def
}

// privateKey reads the App's key from DDLBOT_PRIVATE_KEY, or the file.
func privateKey(getenv func(string) string, file string) ([]byte, error) {
	if v := getenv("DDLBOT_PRIVATE_KEY"); strings.TrimSpace(v) != "" {
		if file != "" {
			return nil, errors.New("both DDLBOT_PRIVATE_KEY and a private key file are set: use one")
		}
		return []byte(strings.ReplaceAll(v, `\n`, "\n")), nil
	}
	if file == "" {
		return nil, errors.New("no GitHub App private key: set DDLBOT_PRIVATE_KEY, or DDLBOT_PRIVATE_KEY_FILE (--private-key-file) to the .pem file GitHub gave")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read the GitHub App private key: %w", err)
	}
	return data, nil
}
