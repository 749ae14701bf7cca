package main

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	vtlog "vitess.io/vitess/go/vt/log"
)

// The end-to-end tests of `ddlbot deploy` run the real binary on the bundled
// example. Without credentials it deploys to its in-process localscale
// (--speed 50: the example's two tables take well under a second); with
// credentials pointing at a localscale in the test, it asks for the
// database's name first.

var exampleArgs = []string{"deploy", "--config", "examples/shop/ddlbot-schema.yml", "--base-dir", "examples/shop/schema", "--speed", "50"}

// progressBlocks splits the progress display out of deploy's stderr: each
// block starts with its "deploy request #N (...): state" line.
func progressBlocks(stderr string) []string {
	var blocks []string
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(l, "deploy request #"):
			blocks = append(blocks, l)
		case strings.HasPrefix(l, "  ") && len(blocks) > 0:
			blocks[len(blocks)-1] += "\n" + l
		}
	}
	return blocks
}

var reFullBar = regexp.MustCompile(`(?m)^  (users|products) +(ALTER|CREATE) · complete +\[█{20}\] 100%$`)

func TestDeployExample(t *testing.T) {
	noPlanetScale(t)
	root := repoRoot(t)
	r := ddlbot(t, root, exampleArgs...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The plan's report on stdout, as `ddlbot plan` prints it.
	mustContain(t, "report", r.stdout, "Deploy request #1: ready", "PlanetScale's diff (2 table(s)):")
	if strings.Contains(r.stdout, "Next step") || strings.Contains(r.stdout, "<!--") {
		t.Errorf("the plan's report in a deploy is text without a next step:\n%s", r.stdout)
	}
	mustContain(t, "stderr", r.stderr,
		"ddlbot deploy: PlanetScale: localscale (in-process, nothing leaves this machine)\n",
		"ddlbot deploy: deploy.required_approvals (1) counts approving reviews of a pull request; a terminal has none, so it does not apply here\n",
		"ddlbot/shop: success: Deploy request #1 is ready",
		"ddlbot deploy: shop: deploying deploy request #1 into main\n",
		"ddlbot deploy: Deploy request #1 is complete pending revert (took ",
		"ddlbot deploy: shop: deployed; the revert window is open until ",
		"but localscale stops with this command, and the deployment with it.\n")
	if strings.Contains(r.stderr, "on it") || strings.Contains(r.stderr, "🚀") {
		t.Errorf("a terminal deploy shows pull-request reactions:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("ANSI escapes on a stderr that is not a terminal:\n%q", r.stderr)
	}
	if strings.Contains(r.stderr, "/revert") || strings.Contains(r.stderr, "/skip-revert") {
		t.Errorf("pull request hints in a terminal:\n%s", r.stderr)
	}
	blocks := progressBlocks(r.stderr)
	if len(blocks) == 0 {
		t.Fatalf("no progress display:\n%s", r.stderr)
	}
	last := blocks[len(blocks)-1]
	if !strings.HasPrefix(last, "deploy request #1: complete pending revert\n") ||
		len(reFullBar.FindAllString(last, -1)) != 2 || !strings.Contains(last, "  The revert window ends at ") {
		t.Errorf("final progress display:\n%s", last)
	}
	for i := 1; i < len(blocks); i++ {
		if blocks[i] == blocks[i-1] {
			t.Errorf("the display was printed again without a change:\n%s", blocks[i])
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if c := "go run ./cmd/ddlbot deploy --config examples/shop/ddlbot-schema.yml --base-dir examples/shop/schema"; !strings.Contains(string(readme), c) {
		t.Errorf("README no longer shows %q", c)
	}
}

// TestDeployGated: a gated deploy stops at its cutover, as localscale ends
// with the command; with --cutover (issue 15) it cuts over from the terminal.
func TestDeployGated(t *testing.T) {
	noPlanetScale(t)
	for _, tc := range []struct {
		name   string
		args   []string
		stderr []string
		check  func(t *testing.T, r result)
	}{
		{"stops at the cutover", []string{"--gated"}, []string{
			"  Deploy request #1 was replaced by the gated deploy request #2.\n",
			"ddlbot deploy: Deploy request #2 is pending cutover (took ",
			"ddlbot deploy: shop: deploy request #2 waits for its cutover (give --cutover with --gated, or answer the prompt on a terminal, to cut over from here): localscale stops with this command, so this gated deployment ends here, without a cutover.\n",
		}, func(t *testing.T, r result) {
			blocks := progressBlocks(r.stderr)
			if len(blocks) == 0 || !strings.HasPrefix(blocks[len(blocks)-1], "deploy request #2: pending cutover\n") {
				t.Errorf("progress display: %q", blocks)
			}
			if strings.Contains(r.stderr, "/cutover") {
				t.Errorf("a pull request hint in a terminal:\n%s", r.stderr)
			}
		}},
		{"--cutover", []string{"--gated", "--cutover"}, []string{
			"ddlbot deploy: Deploy request #2 is pending cutover (took ",
			"ddlbot deploy: shop: cutting over deploy request #2\n",
			"ddlbot deploy: shop: deployed; the revert window is open until ",
		}, func(t *testing.T, r result) {
			if strings.Index(r.stderr, "cutting over") > strings.Index(r.stderr, "complete pending revert") {
				t.Errorf("the deployment completed before the cutover:\n%s", r.stderr)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ddlbot(t, repoRoot(t), append(exampleArgs, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			mustContain(t, "stderr", r.stderr, tc.stderr...)
			tc.check(t, r)
		})
	}
	if r := ddlbot(t, repoRoot(t), append(exampleArgs, "--cutover")...); r.code != 2 || !strings.Contains(r.stderr, "--cutover goes with --gated") {
		t.Errorf("--cutover alone: exit %d\n%s", r.code, r.stderr)
	}
}

func TestDeployRefusedAndUsage(t *testing.T) {
	noPlanetScale(t)
	root := repoRoot(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy", "--bogus"}, "unknown flag \"--bogus\""},
		{[]string{"deploy", "db/schema"}, `deploy takes no arguments, got ["db/schema"]`},
		{append(exampleArgs, "--gated", "--instant"), "give --gated or --instant, not both"},
		{append(exampleArgs, "--speed", "0"), "--speed must be positive"},
		{[]string{"deploy", "--base", "main", "--base-dir", "x"}, "give --base or --base-dir, not both"},
		{[]string{"deploy", "--config", "missing.yml"}, "no configuration: missing.yml does not exist"},
	} {
		r := ddlbot(t, root, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	// Several databases: --db is needed.
	dir := planRepo(t)
	write(t, dir, map[string]string{"db/schema/users.sql": strings.Replace(planUsers, "  PRIMARY KEY", "  nick varchar(40) DEFAULT NULL,\n  PRIMARY KEY", 1)})
	r := ddlbot(t, dir, "deploy", "--speed", "50")
	if r.code != 2 || !strings.Contains(r.stderr, "deploy deploys one database, and .ddlbot.yml lists several (app, billing): add --db NAME") {
		t.Errorf("two databases: exit %d\n%s", r.code, r.stderr)
	}
	r = ddlbot(t, dir, "deploy", "--db", "app", "--speed", "50")
	if r.code != 0 || !strings.Contains(r.stderr, "ddlbot deploy: app: deployed; the revert window is open") {
		t.Errorf("--db app: exit %d\n%s", r.code, r.stderr)
	}
	// Nothing changed: nothing to deploy.
	r = ddlbot(t, dir, "deploy", "--db", "billing")
	if r.code != 0 || !strings.Contains(r.stderr, "ddlbot deploy: nothing to deploy") {
		t.Errorf("no change: exit %d\n%s", r.code, r.stderr)
	}
	// A lint error refuses the deploy: exit 1, and why.
	write(t, dir, map[string]string{"db/schema/events.sql": "CREATE TABLE events (payload json);\n"})
	r = ddlbot(t, dir, "deploy", "--db", "app", "--speed", "50")
	if r.code != 1 {
		t.Fatalf("lint error: exit %d, want 1\n%s", r.code, r.stderr)
	}
	mustContain(t, "stderr", r.stderr, "ddlbot deploy: app: not deployed (lint-errors): the change has 1 lint error(s) and 0 warning(s); fix them")
	mustContain(t, "report", r.stdout, "made for the working tree: fix the findings and run `ddlbot deploy --db app` again.")
	if strings.Contains(r.stdout, "push") {
		t.Errorf("the terminal's report says push:\n%s", r.stdout)
	}
	if blocks := progressBlocks(r.stderr); len(blocks) != 0 {
		t.Errorf("a refused deploy shows progress: %q", blocks)
	}
	r = ddlbot(t, root, "deploy", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "Usage: ddlbot deploy [--config F] [--base REF | --base-dir DIR] [--db NAME] [--gated [--cutover]] [--instant] [--accept-drift] [--drop-unknown-tables] [--skip-backup] [--yes]") {
		t.Errorf("--help: exit %d\n%s", r.code, r.stdout)
	}
	if r = ddlbot(t, root, "--help"); !strings.Contains(r.stdout, "  deploy ") {
		t.Errorf("--help lacks deploy:\n%s", r.stdout)
	}
}

// terminalPS is a localscale for `ddlbot plan` and `deploy` run with
// credentials, as on a developer's machine: the organization example, its
// database shop.
type terminalPS struct {
	id, secret string
	url        string // the API's base URL
	env        []string
	count      *psCounter
	client     *ps.Client
}

// startTerminalPS starts one, seeding shop from the schema folder of seed;
// mutate, if set, adjusts the configuration.
func startTerminalPS(t *testing.T, seed fs.FS, mutate func(*localscale.Config)) *terminalPS {
	t.Helper()
	vtQuiet.Do(func() { vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil))) })
	p := &terminalPS{id: "pscale_tkn_" + randHex(t, 6), secret: "pscale_tkn_" + randHex(t, 16)}
	cfg := localscale.Config{Org: "example", TokenID: p.id, Token: p.secret, BranchReadyDelay: time.Microsecond, CheckDelay: time.Microsecond, Speed: 50,
		AppURL: "https://app.planetscale.com"}
	if mutate != nil {
		mutate(&cfg)
	}
	var ls *localscale.Server
	ls, p.count, p.url = startLocalscaleAPI(t, cfg)
	if err := ls.SeedDatabase("example", "shop", seed, "schema"); err != nil {
		t.Fatal(err)
	}
	p.env = []string{"PLANETSCALE_SERVICE_TOKEN_ID=" + p.id, "PLANETSCALE_SERVICE_TOKEN=" + p.secret, "PLANETSCALE_API_URL=" + p.url, "PLANETSCALE_OAUTH_TOKEN=", "PLANETSCALE_ORG=", "NO_COLOR=1"}
	var err error
	if p.client, err = ps.New(ps.Config{BaseURL: p.url, ServiceTokenID: p.id, ServiceToken: p.secret}); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs the binary in dir with the credentials and stdin as its input;
// the secrets must not appear in its output.
func (p *terminalPS) run(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, append(os.Environ(), p.env...), strings.NewReader(stdin)
	r := runCmd(t, cmd)
	for _, s := range []string{p.id, p.secret} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Error("a secret in the output")
		}
	}
	return r
}

// production is the schema of shop's production branch: its tables'
// CREATE statements, one after the other.
func (p *terminalPS) production(t *testing.T) string {
	t.Helper()
	tables, err := p.client.BranchSchema(context.Background(), "example", "shop", "main")
	if err != nil {
		t.Fatal(err)
	}
	var prod []string
	for _, tb := range tables {
		prod = append(prod, tb.Raw)
	}
	return strings.Join(prod, "\n")
}

// TestDeployToPlanetScaleConfirms: with credentials ddlbot deploys to the
// API they name (here a localscale in the test) and asks for the database's
// name first, unless --yes.
func TestDeployToPlanetScaleConfirms(t *testing.T) {
	root := repoRoot(t)
	p := startTerminalPS(t, os.DirFS(filepath.Join(root, "examples", "shop")), nil)
	run := func(stdin string, extra ...string) result {
		t.Helper()
		return p.run(t, root, stdin, append([]string{"deploy", "--config", "examples/shop/ddlbot-schema.yml", "--base-dir", "examples/shop/schema"}, extra...)...)
	}

	r := run("shopp\n")
	if r.code != 1 {
		t.Fatalf("wrong name: exit %d, want 1\n%s", r.code, r.stderr)
	}
	mustContain(t, "stderr", r.stderr, "ddlbot deploy: PlanetScale: "+p.url+" (service token)",
		"ddlbot deploy: this deploys deploy request #1 (https://app.planetscale.com/example/shop/deploy-requests/1) to the production branch main of the PlanetScale database example/shop.\n",
		"ddlbot deploy: type the database name (shop) to confirm: ", "ddlbot deploy: not confirmed: nothing was deployed\n")
	if p.count.deployCalls() != 0 {
		t.Fatal("deployed without confirmation")
	}
	if r = run(""); r.code != 1 || p.count.deployCalls() != 0 {
		t.Fatalf("no answer: exit %d\n%s", r.code, r.stderr)
	}

	r = run("shop\n")
	if r.code != 0 {
		t.Fatalf("confirmed: exit %d\n%s", r.code, r.stderr)
	}
	mustContain(t, "stderr", r.stderr,
		"ddlbot deploy: shop: deployed; the revert window is open until ",
		"revert or end it in PlanetScale's web UI, with `pscale deploy-request revert shop 1 --org example` or `pscale deploy-request skip-revert shop 1 --org example`, or with /revert or /skip-revert on the pull request.\n")
	dr, err := p.client.GetDeployRequest(context.Background(), "example", "shop", 1)
	if err != nil || dr.DeploymentState != ps.StateCompletePendingRevert {
		t.Fatalf("deploy request %+v %v", dr, err)
	}
	if all := p.production(t); !strings.Contains(all, "CREATE TABLE `products`") || !strings.Contains(all, "`last_login_at` datetime") {
		t.Fatalf("production:\n%s", all)
	}

	// Again, with --yes: no question, and nothing is deployed twice: deploy
	// request #1 is left alone, and a new one has no changes.
	r = run("", "--yes")
	if r.code != 0 || strings.Contains(r.stderr, "to confirm") || !strings.Contains(r.stderr, "shop: nothing to deploy: production already has this schema") {
		t.Fatalf("--yes: exit %d\n%s", r.code, r.stderr)
	}
	if n := p.count.deployCalls(); n != 1 {
		t.Fatalf("%d deploy calls", n)
	}
}
