package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/localscale"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// The end-to-end tests of the backup before a deploy that can drop data
// (issue 13): the real binary on issue_comment events, githubfake and an
// in-process localscale whose backups take 20 ms.

// backupConfig lets a dropped column deploy (drop-column is an error by
// default).
const backupConfig = actConfig + "    drop-column: warning\n"

// droppingPR opens pull request #7 dropping users.email, plans it, and adds
// erin, an admin, to the command world's users.
func (w *actWorld) droppingPR(cfg string) string {
	w.t.Helper()
	w.gh.SetPermission(actOwner, w.repoName(), "erin", "admin")
	head, r := w.openPR(cfg, map[string]string{"db/schema/users.sql": strings.Replace(actUsers, "  email varchar(255) NOT NULL,\n", "", 1)}, nil)
	if r.code != 0 || r.out[outDecision] != string(bot.DecisionPlanned) {
		w.t.Fatalf("plan: %s", r)
	}
	return head
}

func (w *actWorld) backups() []ps.Backup {
	w.t.Helper()
	all, err := w.ls.Backups(actOwner, "app", "main")
	if err != nil {
		w.t.Fatal(err)
	}
	return all
}

// TestCommandBackupBeforeDroppingDeploy: /deploy of a dropped column backs
// production up, and the deploy starts only once the backup succeeded.
func TestCommandBackupBeforeDroppingDeploy(t *testing.T) {
	t.Parallel()
	w := newCmdWorld(t)
	head := w.droppingPR(backupConfig)
	w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
	bks := w.backups()
	name := bot.BackupName(bot.Repo{Owner: actOwner, Name: actRepo}, actPR, 1)
	if len(bks) != 1 || bks[0].Name != name || bks[0].State != ps.BackupSuccess || bks[0].CompletedAt == nil {
		t.Fatalf("backups %+v, want one %s, success", bks, name)
	}
	// localscale's records: the backup completed before the deployment was queued.
	dr := w.deployRequest("app", 1)
	if dr.Deployment == nil || dr.Deployment.QueuedAt == nil || bks[0].CompletedAt.After(*dr.Deployment.QueuedAt) {
		t.Fatalf("the backup completed at %v, the deployment was queued at %v", bks[0].CompletedAt, dr.Deployment.QueuedAt)
	}
	if w.productionHas("app", "users", "email") {
		t.Fatal("email is still in production")
	}
	sticky := w.sticky("app")
	contains(t, "sticky comment", sticky, "#### Backup of `main` before deploying [#1](https://app.planetscale.com/acme/app/deploy-requests/1)",
		"| [`"+name+"`](https://app.planetscale.com/acme/app/backups) | success | 64 KiB | ", "Why: the change drops column `users.email`.",
		"#### Deployment of [#1](https://app.planetscale.com/acme/app/deploy-requests/1): complete pending revert")
	if strings.Index(sticky, "#### Backup of") > strings.Index(sticky, "#### Deployment of") {
		t.Errorf("the backup is not above the deployment:\n%s", sticky)
	}
	cr := w.wantCheckRun(head, "app", "success", "Deploy request #1: complete pending revert")
	contains(t, "check run summary", cr.Summary, "`"+name+"`", "| success | 64 KiB |", "| `users` | ALTER · complete |")
	if n := len(w.checkRunsOn(head)); n != 2 {
		t.Errorf("%d check runs on the head, want 2 (the plan's, the backup's and deployment's)", n)
	}
	w.wantDeployCalls(1)
	wantNoViolations(t, w)
}

func TestCommandBackupRefusals(t *testing.T) {
	t.Parallel()
	cmdSubtest(t, "never", func(t *testing.T, w *actWorld) {
		w.droppingPR(backupConfig + "deploy:\n  backup: never\n")
		w.done("alice", "/deploy", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
		if n := len(w.backups()); n != 0 || strings.Contains(w.sticky("app"), "Backup of") {
			t.Fatalf("%d backups with deploy.backup: never", n)
		}
		if w.productionHas("app", "users", "email") {
			t.Fatal("not deployed")
		}
		wantNoViolations(t, w)
	})
	cmdSubtest(t, "failing backup, then skip-backup", func(t *testing.T, w *actWorld) {
		head := w.droppingPR(backupConfig)
		w.ls.FailBackups(1)
		name := bot.BackupName(bot.Repo{Owner: actOwner, Name: actRepo}, actPR, 1)
		w.refused("alice", "/deploy", bot.ReasonBackupFailed, "`/deploy` was not run: the backup `"+name+"` of `main` failed, so deploy request #1 was not deployed",
			"PlanetScale reports it failed", "`/deploy --skip-backup` (admins only)")
		if n := w.psCount.deployCalls(); n != 0 || !w.productionHas("app", "users", "email") || w.deployRequest("app", 1).DeploymentState != ps.StateReady {
			t.Fatalf("%d deploy calls after a failed backup", n)
		}
		w.wantCheckRun(head, "app", "failure", "Backup failed: deploy request #1 not deployed")
		contains(t, "sticky comment", w.sticky("app"), "| failed |", "**Not deployed:**")

		// --skip-backup: a reader may not deploy at all, a writer may not skip, an admin may.
		w.refused("carol", "/deploy --skip-backup", bot.ReasonPermission, "@carol has read")
		w.refused("alice", "/deploy --skip-backup", bot.ReasonPermission, "`--skip-backup` needs admin permission on this repository, and @alice has write.")
		if w.psCount.deployCalls() != 0 {
			t.Fatal("deployed")
		}
		w.done("erin", "/deploy --skip-backup", nil, map[string]any{outReasonCode: ps.StateCompletePendingRevert})
		if bks := w.backups(); len(bks) != 1 || bks[0].State != ps.BackupFailed {
			t.Fatalf("backups %+v: --skip-backup made one", bks)
		}
		if w.productionHas("app", "users", "email") {
			t.Fatal("not deployed")
		}
		contains(t, "sticky comment", w.sticky("app"), "#### Backup of `main`: skipped", "@erin skipped the backup (`/deploy --skip-backup`), though the change drops column `users.email`")
		wantNoViolations(t, w)
	})
	// Issue 13 (review): the Action bounds the wait for a backup by its
	// wait-timeout, so the job ends before its timeout-minutes would kill it
	// mid-wait: the deploy is refused, the check run completes and the
	// comment says the backup is still running; /deploy again waits for it.
	t.Run("backup longer than wait-timeout", func(t *testing.T) {
		t.Parallel()
		w := newCmdWorld(t, func(c *localscale.Config) { c.BackupDuration = 1000 * time.Hour })
		head := w.droppingPR(backupConfig)
		name := bot.BackupName(bot.Repo{Owner: actOwner, Name: actRepo}, actPR, 1)
		for attempt := 1; attempt <= 2; attempt++ {
			r, id := w.command("alice", "/deploy", map[string]string{inWaitTimeout: "0.3"})
			wantOutputs(t, r, map[string]any{outDecision: bot.DecisionRefused, outReasonCode: bot.ReasonBackupRunning})
			wantReactions(t, w.reactions(id), "eyes", "-1")
			contains(t, "reply", w.lastReply("alice"), "the backup `"+name+"` of `main` is still running after 300ms, so deploy request #1 was not deployed",
				"comment `/deploy` again to wait for the same backup (it is not made again)")
			if r.code != 0 || w.psCount.deployCalls() != 0 || !w.productionHas("app", "users", "email") {
				t.Fatalf("attempt %d: exit %d, %d deploy calls: %s", attempt, r.code, w.psCount.deployCalls(), r)
			}
			cr := w.wantCheckRun(head, "app", "failure", "Backup still running: deploy request #1 not deployed")
			contains(t, "check run summary", cr.Summary, "| running |", "**Not deployed yet:**")
			sticky := w.sticky("app")
			contains(t, "sticky comment", sticky, "| running |", "**Not deployed yet:** the backup `"+name+"`")
			if strings.Contains(sticky, "The deploy starts once the backup succeeds") {
				t.Errorf("attempt %d: the comment still promises the deploy:\n%s", attempt, sticky)
			}
			if bks := w.backups(); len(bks) != 1 || bks[0].Name != name || bks[0].State != ps.BackupRunning {
				t.Fatalf("attempt %d: backups %+v, want the one, running", attempt, bks)
			}
		}
		wantNoViolations(t, w)
	})
	cmdSubtest(t, "token without backup access", func(t *testing.T, w *actWorld) {
		w.droppingPR(backupConfig)
		w.ls.DenyAccess(ps.AccessWriteBackups)
		w.refused("alice", "/deploy", bot.ReasonBackupFailed, "the PlanetScale service token lacks the `write_backups` access. Add `write_backups` (and `read_backups`) to the token in PlanetScale's organization settings")
		if w.psCount.deployCalls() != 0 || !w.productionHas("app", "users", "email") {
			t.Fatal("deployed without a backup")
		}
		wantNoViolations(t, w)
	})
}

// TestDeployTerminalBackup: ddlbot deploy backs up before dropping a column,
// and --skip-backup deploys without.
func TestDeployTerminalBackup(t *testing.T) {
	noPlanetScale(t)
	dir := folder(t, map[string]string{
		".ddlbot.yml":         "databases:\n  - name: app\n    schema: db/schema\nlint:\n  rules:\n    drop-column: warning\n    not-instant: off\n",
		"db/schema/users.sql": strings.Replace(actUsers, "  email varchar(255) NOT NULL,\n", "", 1),
		"base/users.sql":      actUsers,
	})
	r := ddlbot(t, dir, "deploy", "--base-dir", "base", "--speed", "50")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "stderr", r.stderr, "  Backup of main before deploying #1\n", "  backup ddlbot-", "-dr-1: success, 64 KiB, kept until ",
		"  Why: the change drops column users.email", "ddlbot deploy: app: deployed")
	r = ddlbot(t, dir, "deploy", "--base-dir", "base", "--speed", "50", "--skip-backup")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "stderr", r.stderr, "  Backup of main: skipped\n", "  @you skipped the backup (/deploy --skip-backup)")
	if strings.Contains(r.stderr, "success, 64 KiB") {
		t.Errorf("a backup with --skip-backup:\n%s", r.stderr)
	}
}
