package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/localscale"
)

const localscaleDescription = `Runs localscale, an emulator of the PlanetScale API for development and
tests: the same HTTP paths, status codes and JSON as PlanetScale (under /v1),
branches that hold schemas in memory, a MySQL-protocol endpoint that opens a
branch with a password from the API, deploy requests with PlanetScale's checks,
three-way diff and deployment states (queue, gated cutover, revert window),
and signed webhooks.

It prints the API URL and a service token as export lines (stdout), then
serves until interrupted (SIGINT or SIGTERM). With --state FILE everything is
saved after each change and read back on the next start, token included.
With --seed DIR (a schema folder or a migrations folder) the database --db is
created with that schema on its production branch main (only when the
database does not exist yet); with --db alone it starts empty.

Exit status: 0 after a clean shutdown, 2 on a usage or startup problem.`

func runLocalscale(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("localscale",
		"ddlbot localscale [--listen ADDR] [--mysql-listen ADDR] [--state FILE] [--org ORG --db DB --seed DIR] [--speed X]",
		localscaleDescription)
	listen := fset.String("listen", "127.0.0.1:8345", "address of the HTTP API")
	mysqlListen := fset.String("mysql-listen", "127.0.0.1:3307", "address of the MySQL endpoint (empty: none)")
	statePath := fset.String("state", "", "state file to keep everything in across restarts (default: memory only)")
	org := fset.String("org", "localscale", "organization name")
	db := fset.String("db", "", "database to create at start")
	seed := fset.String("seed", "", "schema or migrations folder to load into --db's production branch main")
	speed := fset.Float64("speed", 1, "how many times faster than normal deploy operations progress")
	revertWindow := fset.Duration("revert-window", 30*time.Minute, "how long a deploy can be reverted")
	branchReady := fset.Duration("branch-ready-delay", 2*time.Second, "how long a new branch stays pending")
	operation := fset.Duration("operation-duration", 20*time.Second, "how long an ALTER TABLE takes at speed 1")
	requireApproval := fset.Bool("require-approval", false, "databases created by --db require an approving review before a deploy")
	tokenID := fset.String("token-id", "", "service token id to accept (default: generated, or kept in --state)")
	token := fset.String("token", "", "service token to accept (default: generated, or kept in --state)")
	appURL := fset.String("app-url", "", "where html_url links point (default: localscale's own read-only pages under /app)")
	verbose := fset.Bool("verbose", false, "log every request")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return a.flagError(fset, err)
	}
	switch {
	case len(rest) > 0:
		return a.fail(usageError{fmt.Sprintf("localscale takes no arguments, got %q", rest)})
	case *seed != "" && *db == "":
		return a.fail(usageError{"--seed needs --db to name the database"})
	case *speed <= 0:
		return a.fail(usageError{"--speed must be positive"})
	case *revertWindow <= 0 || *branchReady < 0 || *operation <= 0:
		return a.fail(usageError{"--revert-window and --operation-duration must be positive, --branch-ready-delay not negative"})
	case (*tokenID == "") != (*token == ""):
		return a.fail(usageError{"give both --token-id and --token, or neither"})
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
	state := *statePath
	if state != "" && !filepath.IsAbs(state) {
		state = filepath.Join(a.dir, state)
	}
	srv, err := localscale.New(localscale.Config{
		Org: *org, TokenID: *tokenID, Token: *token, Speed: *speed, RevertWindow: *revertWindow,
		BranchReadyDelay: *branchReady, OperationDuration: *operation, StatePath: state,
		RequireApproval: *requireApproval, Logger: logger, AppURL: strings.TrimRight(*appURL, "/"),
	})
	if err != nil {
		return a.fail(err)
	}
	defer srv.Close()
	if *db != "" {
		switch {
		case srv.HasDatabase(*org, *db):
			if *seed != "" {
				fmt.Fprintf(a.stderr, "localscale: database %s/%s exists in the state file; not seeding it again\n", *org, *db)
			}
		case *seed != "":
			dir := *seed
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(a.dir, dir)
			}
			if err := srv.SeedDatabase(*org, *db, os.DirFS(dir), "."); err != nil {
				return a.fail(err)
			}
		default:
			if err := srv.EnsureDatabase(*org, *db); err != nil {
				return a.fail(err)
			}
		}
	}
	if *mysqlListen != "" {
		if _, err := srv.ListenMySQL(*mysqlListen); err != nil {
			return a.fail(err)
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return a.fail(fmt.Errorf("localscale: listen on %s: %w", *listen, err))
	}
	apiURL := "http://" + displayAddr(ln.Addr()) + "/v1"
	id, tok := srv.Token()
	fmt.Fprintf(a.stderr, "localscale: PlanetScale API emulator for organization %q at %s\n", *org, apiURL)
	if m := srv.MySQLAddr(); m != "" {
		fmt.Fprintf(a.stderr, "localscale: MySQL endpoint at %s (connect with a branch password from the API)\n", m)
	}
	if state != "" {
		fmt.Fprintf(a.stderr, "localscale: state kept in %s\n", state)
	}
	fmt.Fprintf(a.stdout, "export PLANETSCALE_API_URL=%s\n", apiURL)
	fmt.Fprintf(a.stdout, "export PLANETSCALE_ORG=%s\n", *org)
	fmt.Fprintf(a.stdout, "export PLANETSCALE_SERVICE_TOKEN_ID=%s\n", id)
	fmt.Fprintf(a.stdout, "export PLANETSCALE_SERVICE_TOKEN=%s\n", tok)

	hs, served := serveLocalscale(srv, ln, logger)
	select {
	case <-ctx.Done():
	case err := <-served:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return a.fail(fmt.Errorf("localscale: serve: %w", err))
		}
	}
	fmt.Fprintln(a.stderr, "localscale: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn("localscale: HTTP shutdown", "err", err)
	}
	if err := srv.Close(); err != nil {
		return a.fail(err)
	}
	return exitOK
}

// displayAddr prints a listener's address as a client would dial it: an
// unspecified host (0.0.0.0, ::) becomes 127.0.0.1.
func displayAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}
