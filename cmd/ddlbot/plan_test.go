package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/lint"
)

// TestPlanAgainstPlanetScaleAPI runs the plan in-process with credentials in
// the environment: the real client, here pointed at a running `ddlbot
// localscale`, whose state outlives each plan, so a second plan reuses the
// branch and the deploy request.
func TestPlanAgainstPlanetScaleAPI(t *testing.T) {
	dir := planRepo(t)
	env, stop, done, lsErr := startLocalscale(t, dir, "--listen", "127.0.0.1:0", "--mysql-listen", "127.0.0.1:0",
		"--org", "acme", "--db", "app", "--seed", "db/schema", "--branch-ready-delay", "1ms", "--app-url", "https://app.planetscale.com")
	defer stopLocalscale(t, stop, done)
	write(t, dir, map[string]string{"db/schema/users.sql": strings.Replace(planUsers, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	run := func(args ...string) (int, string, string) {
		return inProcess(dir, env, append([]string{"plan"}, args...)...)
	}
	for i := range 2 {
		code, out, errs := run("--db", "app", "--pr", "5")
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s%s\nlocalscale:\n%s", i, code, out, errs, lsErr.String())
		}
		// app has no organization in the configuration: PLANETSCALE_ORG gives it.
		// The text report: a link as "text (address)".
		mustContain(t, "report", out, "Deploy request #1 (https://app.planetscale.com/acme/app/deploy-requests/1): ready",
			"branch "+bot.BranchName(terminalRepo(context.Background(), dir), 5), "ADD COLUMN `nick` varchar(40)")
		mustContain(t, "stderr", errs, "PlanetScale: "+env["PLANETSCALE_API_URL"]+" (service token)", "ddlbot/app: success")
		if strings.Contains(errs, "localscale (in-process") {
			t.Errorf("credentials were set, yet the in-process localscale ran:\n%s", errs)
		}
		for _, secret := range []string{env["PLANETSCALE_SERVICE_TOKEN"], env["PLANETSCALE_SERVICE_TOKEN_ID"]} {
			if strings.Contains(out, secret) || strings.Contains(errs, secret) {
				t.Fatalf("a secret was printed:\n%s%s", out, errs)
			}
		}
	}
	// --local keeps everything in-process even with credentials (and the
	// organization is then "local": PLANETSCALE_ORG is for PlanetScale).
	code, out, errs := run("--db", "app", "--local")
	if code != 0 || !strings.Contains(errs, "localscale (in-process, nothing leaves this machine)") ||
		!strings.Contains(out, "Deploy request #1: ready") || strings.Contains(out, "https://") {
		t.Fatalf("--local: exit %d\n%s%s", code, out, errs)
	}
	// Half a service token is a clear usage error, not a silent fallback.
	if code, _, errs := inProcess(dir, map[string]string{"PLANETSCALE_SERVICE_TOKEN": "x"}, "plan", "--db", "app"); code != exitUsage || !strings.Contains(errs, "PLANETSCALE_SERVICE_TOKEN_ID is empty") {
		t.Fatalf("half a token: exit %d\n%s", code, errs)
	}
}

func TestFillOrganization(t *testing.T) {
	src := "# the databases\ndatabases:\n  - name: app # main one\n    schema: db/schema\n  - {name: b, organization: acme, schema: b}\n  - name: c\n    organization:\n    migrations: c\nlint:\n  fail_on: warning\n"
	cfg, err := config.Parse("x.yml", []byte(src), config.Options{KnownRule: lint.KnownRule})
	if err != nil {
		t.Fatal(err)
	}
	p := &plan{cfg: cfg, cfgData: []byte(src), cfgName: "x.yml"}
	p.fillOrganization("local")
	var got []string
	for _, d := range p.cfg.Databases {
		got = append(got, d.Name+"="+d.Organization)
	}
	if strings.Join(got, " ") != "app=local b=acme c=local" || p.cfg.Lint.FailOn != "warning" {
		t.Fatalf("organizations %v, fail_on %q\n%s", got, p.cfg.Lint.FailOn, p.cfgData)
	}
	if !strings.Contains(string(p.cfgData), "# main one") {
		t.Errorf("comments lost:\n%s", p.cfgData)
	}
	// Nothing to fill: the bytes stay as they are.
	p = &plan{cfg: cfg, cfgData: []byte(src), cfgName: "x.yml", only: &cfg.Databases[1]}
	p.fillOrganization("local")
	if string(p.cfgData) != src {
		t.Errorf("rewritten although b has an organization:\n%s", p.cfgData)
	}
}
