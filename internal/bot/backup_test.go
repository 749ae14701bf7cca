package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// newDropWorld is a planned pull request that drops the column users.email
// (drop-column lowered to a warning so that it may deploy), with the users
// of newDeployWorld and "boss", an admin.
func newDropWorld(t *testing.T, cfgExtra string, mutate ...func(*localscale.Config)) *deployWorld {
	t.Helper()
	fast := func(c *localscale.Config) {
		c.BackupStartDelay, c.BackupDuration, c.BackupSize = time.Second, 4*time.Second, 3<<20
	}
	head := strings.Replace(baseSchema, "  email varchar(255) NOT NULL,\n", "", 1)
	return newPlannedWorld(t, appConfig+"    drop-column: warning\n"+cfgExtra, head, map[string]string{"boss": "admin"}, append([]func(*localscale.Config){fast}, mutate...)...)
}

func (d *deployWorld) backups() []ps.Backup {
	d.t.Helper()
	all, err := d.ls.Backups("acme", "app", "main")
	if err != nil {
		d.t.Fatal(err)
	}
	return all
}

func (d *deployWorld) productionHasEmail() bool {
	d.t.Helper()
	dr, err := d.client.BranchSchema(context.Background(), "acme", "app", "main")
	if err != nil {
		d.t.Fatal(err)
	}
	for _, tb := range dr {
		if tb.Name == "users" {
			return strings.Contains(tb.Raw, "`email`")
		}
	}
	return false
}

func TestBackupBeforeDroppingDeploy(t *testing.T) {
	d := newDropWorld(t, "")
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionDone || out.ReasonCode != ps.StateCompletePendingRevert {
		t.Fatalf("deploy: %+v (reply %q)", out, d.gh.lastReply())
	}
	bks := d.backups()
	name := BackupName(testRepo, 7, 1)
	if len(bks) != 1 || bks[0].Name != name || bks[0].State != ps.BackupSuccess || bks[0].ExpiresAt == nil ||
		!bks[0].ExpiresAt.Equal(bks[0].CreatedAt.Add(7*24*time.Hour)) {
		t.Fatalf("backups %+v", bks)
	}
	dr, err := d.client.GetDeployRequest(context.Background(), "acme", "app", 1)
	if err != nil {
		t.Fatal(err)
	}
	if dr.Deployment.QueuedAt == nil || bks[0].CompletedAt == nil || bks[0].CompletedAt.After(*dr.Deployment.QueuedAt) {
		t.Fatalf("the backup completed at %v, the deployment was queued at %v", bks[0].CompletedAt, dr.Deployment.QueuedAt)
	}
	if d.productionHasEmail() {
		t.Fatal("not deployed")
	}
	body := d.gh.comments[Marker("app")]
	for _, want := range []string{"#### Backup of `main` before deploying", "[`" + name + "`](http", "/app/acme/app/backups) | success | 3 MiB | ", "Why: the change drops column `users.email`.",
		"Deployment of [#1]"} {
		if !strings.Contains(body, want) {
			t.Errorf("sticky comment lacks %q:\n%s", want, body)
		}
	}
	if strings.Index(body, "#### Backup of") > strings.Index(body, "Deployment of") {
		t.Errorf("the backup is not above the deployment:\n%s", body)
	}
	cr := d.gh.check(d.gh.pr.HeadSHA, CheckName("app"))
	if cr == nil || cr.Conclusion != github.ConclusionSuccess || !strings.Contains(cr.Summary, "`"+name+"`") || !strings.Contains(cr.Summary, "Deployment of") {
		t.Fatalf("check run %+v", cr)
	}
	if d.cps.deploys != 1 {
		t.Errorf("%d deploys", d.cps.deploys)
	}
}

func TestBackupModes(t *testing.T) {
	t.Run("never", func(t *testing.T) {
		d := newDropWorld(t, "deploy:\n  backup: never\n")
		if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
			t.Fatalf("deploy: %+v", out)
		}
		if n := len(d.backups()); n != 0 || strings.Contains(d.gh.comments[Marker("app")], "Backup") {
			t.Fatalf("%d backups with backup: never", n)
		}
	})
	t.Run("always", func(t *testing.T) {
		d := newDeployWorld(t, "deploy:\n  backup: always\n  backup_retention: 12h\n", func(c *localscale.Config) { c.BackupDuration = time.Second })
		if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
			t.Fatalf("deploy: %+v", out)
		}
		bks, err := d.ls.Backups("acme", "app", "main")
		if err != nil || len(bks) != 1 || !bks[0].ExpiresAt.Equal(bks[0].CreatedAt.Add(12*time.Hour)) {
			t.Fatalf("backups %+v, %v", bks, err)
		}
		if !strings.Contains(d.gh.comments[Marker("app")], "Why: `deploy.backup` is `always`.") {
			t.Errorf("comment:\n%s", d.gh.comments[Marker("app")])
		}
	})
	t.Run("auto without dropping", func(t *testing.T) {
		d := newDeployWorld(t, "")
		if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
			t.Fatalf("deploy: %+v", out)
		}
		if bks, _ := d.ls.Backups("acme", "app", "main"); len(bks) != 0 {
			t.Fatalf("backups %+v for a change that drops nothing", bks)
		}
	})
}

// A failed backup refuses the deploy; /deploy again makes a new one.
func TestBackupFailedRefusesDeploy(t *testing.T) {
	d := newDropWorld(t, "")
	d.ls.FailBackups(1)
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionRefused || out.ReasonCode != ReasonBackupFailed {
		t.Fatalf("deploy: %+v", out)
	}
	name := BackupName(testRepo, 7, 1)
	reply := d.gh.lastReply()
	for _, want := range []string{"the backup `" + name + "` of `main` failed, so deploy request #1 was not deployed", "PlanetScale reports it failed", "`/deploy --skip-backup` (admins only)"} {
		if !strings.Contains(reply, want) {
			t.Errorf("reply lacks %q: %s", want, reply)
		}
	}
	if d.cps.deploys != 0 || d.state(1) != ps.StateReady || !d.productionHasEmail() || d.gh.lastReaction() != github.ReactionMinusOne {
		t.Fatalf("%d deploys, state %s", d.cps.deploys, d.state(1))
	}
	cr := d.gh.check(d.gh.pr.HeadSHA, CheckName("app"))
	if cr == nil || cr.Conclusion != github.ConclusionFailure || cr.Title != "Backup failed: deploy request #1 not deployed" || !strings.Contains(cr.Summary, "| failed |") {
		t.Fatalf("check run %+v", cr)
	}
	if body := d.gh.comments[Marker("app")]; !strings.Contains(body, "**Not deployed:**") || !strings.Contains(body, "| failed |") {
		t.Errorf("comment:\n%s", body)
	}
	out = d.comment("dev", "/deploy")
	if out.Decision != DecisionDone {
		t.Fatalf("second deploy: %+v (%s)", out, d.gh.lastReply())
	}
	bks := d.backups()
	if len(bks) != 2 || bks[1].Name != name+"-2" || bks[1].State != ps.BackupSuccess {
		t.Fatalf("backups %+v", bks)
	}
}

// A backup still running at the timeout refuses the deploy and says so
// (not "failed"): the comment no longer says the deploy starts once the
// backup succeeds, the check run ends; /deploy again waits for the same
// backup. A short wait (the Action's wait-timeout) still reuses a backup
// that succeeded a while ago.
func TestBackupTimeout(t *testing.T) {
	d := newDropWorld(t, "", func(c *localscale.Config) { c.BackupDuration = 25 * time.Minute })
	d.engine.Options.BackupTimeout = 10 * time.Minute
	name := BackupName(testRepo, 7, 1)
	for attempt := 1; attempt <= 2; attempt++ {
		out := d.comment("dev", "/deploy")
		reply := d.gh.lastReply()
		if out.Decision != DecisionRefused || out.ReasonCode != ReasonBackupRunning {
			t.Fatalf("deploy %d: %+v (%s)", attempt, out, reply)
		}
		for _, want := range []string{"the backup `" + name + "` of `main` is still running after 10m0s, so deploy request #1 was not deployed",
			"comment `/deploy` again to wait for the same backup (it is not made again)"} {
			if !strings.Contains(reply, want) {
				t.Errorf("deploy %d: reply lacks %q: %s", attempt, want, reply)
			}
		}
		if strings.Contains(reply, "failed") {
			t.Errorf("deploy %d: a running backup is not a failed one: %s", attempt, reply)
		}
		if d.cps.deploys != 0 || d.state(1) != ps.StateReady {
			t.Fatalf("deploy %d: deployed before the backup finished (%d deploys, state %s)", attempt, d.cps.deploys, d.state(1))
		}
		cr := d.gh.check(d.gh.pr.HeadSHA, CheckName("app"))
		if cr == nil || cr.Status != github.StatusCompleted || cr.Conclusion != github.ConclusionFailure || cr.Title != "Backup still running: deploy request #1 not deployed" ||
			!strings.Contains(cr.Summary, "| running |") {
			t.Fatalf("deploy %d: check run %+v", attempt, cr)
		}
		body := d.gh.comments[Marker("app")]
		if !strings.Contains(body, "**Not deployed yet:** the backup `"+name+"`") || strings.Contains(body, "The deploy starts once the backup succeeds") {
			t.Errorf("deploy %d: comment:\n%s", attempt, body)
		}
		if bks := d.backups(); len(bks) != 1 || bks[0].Name != name {
			t.Fatalf("deploy %d: backups %+v, want the one", attempt, bks)
		}
	}
	// The backup succeeds (25 min) while nobody waits; a /deploy 30 minutes
	// later, past the 10-minute wait, takes it rather than making another.
	d.clock.Advance(35 * time.Minute)
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionDone {
		t.Fatalf("third deploy: %+v (%s)", out, d.gh.lastReply())
	}
	if bks := d.backups(); len(bks) != 1 || bks[0].State != ps.BackupSuccess {
		t.Fatalf("backups %+v", bks)
	}
}

func TestSkipBackup(t *testing.T) {
	d := newDropWorld(t, "")
	out := d.comment("dev", "/deploy --skip-backup")
	if out.Decision != DecisionRefused || out.ReasonCode != ReasonPermission ||
		!strings.Contains(d.gh.lastReply(), "`--skip-backup` needs admin permission on this repository, and @dev has write.") {
		t.Fatalf("by a writer: %+v (%s)", out, d.gh.lastReply())
	}
	out = d.comment("reader", "/deploy --skip-backup")
	if out.Decision != DecisionRefused || out.ReasonCode != ReasonPermission {
		t.Fatalf("by a reader: %+v", out)
	}
	if d.cps.deploys != 0 {
		t.Fatal("deployed")
	}
	out = d.comment("boss", "/deploy --skip-backup")
	if out.Decision != DecisionDone {
		t.Fatalf("by an admin: %+v (%s)", out, d.gh.lastReply())
	}
	if n := len(d.backups()); n != 0 || d.productionHasEmail() {
		t.Fatalf("%d backups", n)
	}
	if body := d.gh.comments[Marker("app")]; !strings.Contains(body, "@boss skipped the backup (`/deploy --skip-backup`), though the change drops column `users.email`.") {
		t.Errorf("comment:\n%s", body)
	}
}

func TestBackupWithoutAccess(t *testing.T) {
	d := newDropWorld(t, "", func(c *localscale.Config) { c.DeniedAccess = []string{ps.AccessWriteBackups} })
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionRefused || out.ReasonCode != ReasonBackupFailed {
		t.Fatalf("deploy: %+v", out)
	}
	if reply := d.gh.lastReply(); !strings.Contains(reply, "the PlanetScale service token lacks the `write_backups` access. Add `write_backups` (and `read_backups`) to the token") {
		t.Errorf("reply: %s", reply)
	}
	d.ls.DenyAccess(ps.AccessReadBackups)
	d.ls.AllowAccess(ps.AccessWriteBackups)
	d.comment("dev", "/deploy")
	if reply := d.gh.lastReply(); !strings.Contains(reply, "lacks the `read_backups` access") {
		t.Errorf("reply: %s", reply)
	}
	if d.cps.deploys != 0 || !d.productionHasEmail() {
		t.Fatal("deployed without a backup")
	}
}

func TestBackupReasons(t *testing.T) {
	diff := &schemadiff.Diff{Changes: []*schemadiff.Change{
		{Entity: "users", Risks: []schemadiff.Risk{{Code: schemadiff.RiskDropsColumn, Column: "email", DropsData: true}, {Code: schemadiff.RiskAddsUniqueKey}}},
		{Entity: "orders", Risks: []schemadiff.Risk{{Code: schemadiff.RiskNarrowsColumn, Column: "note", DropsData: true}}},
		{Entity: "logs", Risks: []schemadiff.Risk{{Code: schemadiff.RiskDropsTable, DropsData: true}}},
		{Entity: "kinds", Risks: []schemadiff.Risk{{Code: schemadiff.RiskEnumChange, Column: "k", DropsData: true}}},
	}}
	dr := &ps.DeployRequest{Deployment: &ps.Deployment{DeployOperations: []ps.DeployOperation{
		{TableName: "users", OperationName: "ALTER", CanDropData: true}, {TableName: "audit", OperationName: "DROP", CanDropData: true}, {TableName: "x", OperationName: "ALTER"},
	}}}
	res := &check.Result{Diff: diff}
	got := backupReasons(config.BackupAuto, dr, res)
	want := []string{"the change drops column `users.email`", "the change narrows column `orders.note`", "the change drops table `logs`",
		"the change changes column `kinds.k` (enum-change)", "PlanetScale says the DROP of `audit` can drop data"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("auto:\n got %q\nwant %q", got, want)
	}
	if got := backupReasons(config.BackupNever, dr, res); got != nil {
		t.Errorf("never: %q", got)
	}
	if got := backupReasons(config.BackupAlways, nil, nil); len(got) != 1 {
		t.Errorf("always: %q", got)
	}
	if got := backupReasons(config.BackupAuto, &ps.DeployRequest{}, &check.Result{}); got != nil {
		t.Errorf("nothing drops: %q", got)
	}
}

func TestBackupHelpers(t *testing.T) {
	if got := BackupName(Repo{"Acme", "Shop"}, 7, 12); got != BranchName(Repo{"Acme", "Shop"}, 7)+"-dr-12" {
		t.Errorf("BackupName = %q", got)
	}
	for _, tt := range []struct {
		name string
		n    int
		ok   bool
	}{{"b", 1, true}, {"b-2", 2, true}, {"b-10", 10, true}, {"b-1", 0, false}, {"b-02", 0, false}, {"b-x", 0, false}, {"bb", 0, false}, {"b-2-3", 0, false}} {
		if n, ok := backupAttempt("b", tt.name); n != tt.n || ok != tt.ok {
			t.Errorf("backupAttempt(%q) = %d, %v", tt.name, n, ok)
		}
	}
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 3 << 20: "3 MiB", 5 << 30: "5 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := backupsLink(&ps.DeployRequest{HTMLURL: "https://app.planetscale.com/acme/app/deploy-requests/3"}); got != "https://app.planetscale.com/acme/app/backups" {
		t.Errorf("backupsLink = %q", got)
	}
	if got := backupsLink(&ps.DeployRequest{}); got != "" {
		t.Errorf("backupsLink without a URL = %q", got)
	}
}

// A deploy call refused after the backup leaves no check run in progress.
func TestBackupThenDeployRefused(t *testing.T) {
	d := newDropWorld(t, "")
	d.engine.PlanetScale = &refusingPS{countingPS: d.cps}
	out := d.comment("dev", "/deploy")
	if out.Decision != DecisionFailed || out.ReasonCode != "planetscale-error" {
		t.Fatalf("deploy: %+v (%s)", out, d.gh.lastReply())
	}
	if bks := d.backups(); len(bks) != 1 || bks[0].State != ps.BackupSuccess {
		t.Fatalf("backups %+v", bks)
	}
	cr := d.gh.check(d.gh.pr.HeadSHA, CheckName("app"))
	if cr == nil || cr.Status != github.StatusCompleted || cr.Conclusion != github.ConclusionFailure || cr.Title != "Deploy request #1: not deployed" {
		t.Fatalf("check run %+v", cr)
	}
	// A /deploy much later does not ship on that old backup: it makes a new one.
	d.clock.Advance(2 * DefaultBackupTimeout)
	d.comment("dev", "/deploy")
	if bks := d.backups(); len(bks) != 2 {
		t.Fatalf("backups after a later /deploy: %+v, want a second one", bks)
	}
}

// refusingPS answers every deploy 422, as PlanetScale does for one it refuses.
type refusingPS struct{ *countingPS }

func (r *refusingPS) DeployDeployRequest(ctx context.Context, org, db string, n int, o ps.DeployOptions) (*ps.DeployRequest, error) {
	return nil, &ps.Error{Op: "deploy deploy request #1", StatusCode: 422, Code: "unprocessable", Message: "the branch is locked"}
}

// killedClock is the fake clock of a job killed at a time: past it, a wait
// fails as the job's context would.
type killedClock struct {
	fakeClock
	at time.Time
}

func (k killedClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := k.fakeClock.Sleep(ctx, d); err != nil {
		return err
	}
	if !k.Now().Before(k.at) {
		return context.Canceled
	}
	return nil
}

// A job killed while it waited for the backup (timeout-minutes below the
// wait) leaves the comment saying the deploy starts once the backup
// succeeds, and the check run in progress. Refresh ends both once the
// backup has ended (while it runs, a waiting run cannot be told from a dead
// one); nothing is deployed, and /deploy then takes that backup.
func TestRefreshEndsAnUnwaitedBackup(t *testing.T) {
	d := newDropWorld(t, "", func(c *localscale.Config) { c.BackupDuration = 25 * time.Minute })
	rg := &refreshGitHub{commandGitHub: d.gh, others: map[int]github.PullRequest{}, sticky: map[int]string{}, broken: map[int]bool{}}
	d.engine.GitHub = rg
	clock := d.engine.Clock
	d.engine.Clock = killedClock{fakeClock{d.clock}, d.clock.Now().Add(10 * time.Minute)}
	_, err := d.engine.HandleComment(context.Background(), CommentEvent{Action: "created", Repo: testRepo, Number: 7,
		IsPullRequest: true, CommentID: 99, Body: "/deploy", Author: "dev"})
	if err == nil {
		t.Fatal("the killed job's /deploy ended without an error")
	}
	d.engine.Clock = clock
	sticky := func() string { return d.gh.comments[Marker("app")] }
	check := func() *github.CheckRun { return d.gh.check(d.gh.pr.HeadSHA, CheckName("app")) }
	if !strings.Contains(sticky(), backupWaitNote) || check().Status == github.StatusCompleted {
		t.Fatalf("the killed job left no pending backup: check %+v\n%s", check(), sticky())
	}

	// The backup still runs: a job may be waiting for it, so nothing changes.
	before := writes(d.gh.fakeGitHub)
	d.refresh()
	if n := writes(d.gh.fakeGitHub) - before; n != 0 || !strings.Contains(sticky(), backupWaitNote) {
		t.Fatalf("%d writes while the backup runs:\n%s", n, sticky())
	}

	// It succeeded: no run waits for it any more.
	d.clock.Advance(20 * time.Minute)
	d.refresh()
	body := sticky()
	name := BackupName(testRepo, 7, 1)
	for _, want := range []string{"| success |", "**Not deployed:** the run that waited for this backup stopped before it ended", "The backup succeeded: comment `/deploy` to deploy",
		"Why: the change drops column `users.email`."} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, backupWaitNote) {
		t.Errorf("the comment still waits:\n%s", body)
	}
	if cr := check(); cr.Status != github.StatusCompleted || cr.Conclusion != github.ConclusionFailure || cr.Title != "Backup not waited for: deploy request #1 not deployed" ||
		!strings.Contains(cr.Summary, "`"+name+"`") {
		t.Fatalf("check run %+v", cr)
	}
	if d.cps.deploys != 0 || d.state(1) != ps.StateReady {
		t.Fatalf("refresh deployed: %d deploys, state %s", d.cps.deploys, d.state(1))
	}
	before = writes(d.gh.fakeGitHub)
	d.refresh()
	if n := writes(d.gh.fakeGitHub) - before; n != 0 {
		t.Errorf("a second refresh wrote %d times", n)
	}

	// /deploy takes the backup that succeeded.
	if out := d.comment("dev", "/deploy"); out.Decision != DecisionDone {
		t.Fatalf("deploy: %+v (%s)", out, d.gh.lastReply())
	}
	if bks := d.backups(); len(bks) != 1 || bks[0].Name != name {
		t.Fatalf("backups %+v, want the one", bks)
	}
}
