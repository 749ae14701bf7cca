// The PlanetScale a terminal command works with: the real API with
// credentials, else an in-process localscale seeded with the base schema.

package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing/fstest"
	"time"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// backend is the PlanetScale a terminal command works with.
type backend struct {
	client *ps.Client
	local  bool   // the in-process localscale
	stop   func() // stops the localscale
}

// planBackend picks the backend: PlanetScale with credentials in the
// environment (unless forceLocal), else an in-process localscale whose
// deployments run speed times faster than PlanetScale's.
func (a *app) planBackend(ctx context.Context, p *plan, forceLocal bool, logger *slog.Logger, speed float64) (*backend, error) {
	psCfg := ps.ConfigFromEnv(a.getenv)
	if !forceLocal && psCfg.HasCredentials() {
		if org := strings.TrimSpace(a.getenv("PLANETSCALE_ORG")); org != "" {
			p.fillOrganization(org)
		}
		psCfg.UserAgent = "ddlbot/" + buildVersion()
		psCfg.Logger = logger
		c, err := ps.New(psCfg)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(a.stderr, "%s: PlanetScale: %s\n", p.cmd, describeAPI(psCfg))
		return &backend{client: c, stop: func() {}}, nil
	}
	p.fillOrganization(localOrg)
	c, stop, err := p.startLocalscale(ctx, a, logger, speed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "%s: PlanetScale: localscale (in-process, nothing leaves this machine)\n", p.cmd)
	return &backend{client: c, local: true, stop: stop}, nil
}

// startLocalscale runs an in-process localscale on loopback with each
// database's production branch holding its base schema, and returns a client
// for it and the function that stops it.
func (p *plan) startLocalscale(ctx context.Context, a *app, logger *slog.Logger, speed float64) (*ps.Client, func(), error) {
	first, fks := p.cfg.Databases[0].Organization, false
	for _, d := range p.cfg.Databases {
		fks = fks || d.AllowForeignKeys
	}
	// NoPages: the emulator ends with the command, so a link would be dead.
	ls, err := localscale.New(localscale.Config{Org: first, BranchReadyDelay: time.Millisecond, CheckDelay: time.Millisecond,
		BackupStartDelay: time.Millisecond, BackupDuration: 50 * time.Millisecond,
		NoPages: true, Speed: speed, ForeignKeysEnabled: fks, Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	if _, err := ls.ListenMySQL("127.0.0.1:0"); err != nil {
		_ = ls.Close()
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = ls.Close()
		return nil, nil, fmt.Errorf("localscale: %w", err)
	}
	hs, served := serveLocalscale(ls, ln, logger)
	stop := func() {
		_ = hs.Close()
		<-served // Serve has returned: nothing of the emulator outlives the command
		_ = ls.Close()
	}
	for _, d := range p.cfg.Databases {
		if p.only != nil && d.Name != p.only.Name {
			continue
		}
		if err := p.seed(ctx, a, ls, d); err != nil {
			stop()
			return nil, nil, err
		}
	}
	id, tok := ls.Token()
	c, err := ps.New(ps.Config{BaseURL: "http://" + ln.Addr().String() + "/v1", ServiceTokenID: id, ServiceToken: tok,
		UserAgent: "ddlbot/" + buildVersion(), Logger: logger})
	if err != nil {
		stop()
		return nil, nil, err
	}
	return c, stop, nil
}

// seed creates a database in localscale with its base schema on production.
func (p *plan) seed(ctx context.Context, a *app, ls *localscale.Server, d config.Database) error {
	org, name := d.Organization, d.Database
	fsys, err := p.base(ctx, d.Dir())
	if err != nil {
		return err
	}
	var stmts []string
	if _, err := fs.Stat(fsys, d.Dir()); err == nil {
		env, err := schemadiff.NewEnv(d.MySQLVersion)
		if err != nil {
			return err
		}
		s, _, err := check.Load(env, fsys, d.Dir(), d.Dir(), check.TargetFor(d).Layout, d.MigrationFormat)
		if s == nil || s.Vitess() == nil {
			why := "it holds no schema ddlbot can load"
			if err != nil {
				why = err.Error()
			}
			fmt.Fprintf(a.stderr, "%s: the base schema of %s does not load, so its production branch starts empty: %s\n", p.cmd, d.Name, why)
		} else {
			stmts = s.CreateStatements()
		}
	}
	if len(stmts) == 0 {
		if err := ls.EnsureDatabase(org, name); err != nil {
			return err
		}
		return nil
	}
	m := fstest.MapFS{"base/schema.sql": &fstest.MapFile{Data: []byte(strings.Join(stmts, ";\n\n") + ";\n")}}
	return ls.SeedDatabase(org, name, m, "base")
}

// describeAPI names the PlanetScale API and how it is reached, without secrets.
func describeAPI(c ps.Config) string {
	base := c.BaseURL
	if base == "" {
		base = ps.DefaultBaseURL
	}
	if u, err := url.Parse(base); err == nil {
		base = u.Redacted()
	} else {
		base = "(invalid URL in " + ps.EnvAPIURL + ")"
	}
	auth := "service token"
	if c.ServiceTokenID == "" && c.ServiceToken == "" {
		auth = "OAuth token"
	}
	return fmt.Sprintf("%s (%s)", base, auth)
}

// serveLocalscale serves localscale's API on ln (the in-process emulator of
// plan and deploy, and the localscale command's); served reports how
// serving ended.
func serveLocalscale(ls *localscale.Server, ln net.Listener, logger *slog.Logger) (hs *http.Server, served <-chan error) {
	hs = &http.Server{Handler: ls.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	return hs, done
}
