package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// A backup before a deploy that can drop data (issue 13): a dropped column
// is only recoverable within the revert window; a backup of the production
// branch taken right before the deploy outlives it (deploy.backup_retention).
// run.deploy calls backUp after every check and verifyDeploy, right before
// DeployDeployRequest, so a refused deploy never costs a backup, and a
// deploy never starts before its backup succeeded.

// ReasonBackupFailed: the backup before the deploy failed or could not be
// made (the token lacks write_backups); ReasonBackupRunning: the wait for it
// ran out (Options.BackupTimeout; the Action's wait-timeout, which ends
// before the job's timeout-minutes kills the job with the comment saying
// the deploy starts soon). Either way nothing was deployed, and the command
// ends: the comment, the check run and the reply say so.

// DefaultBackupTimeout is how long a deploy waits for its backup.
const DefaultBackupTimeout = time.Hour

// backupWaitNote ends the comment's backup section while a run waits for the
// backup (Refresh reads it: see refresh.unwaitedBackup).
const backupWaitNote = "The deploy starts once the backup succeeds."

// backupStillRunning is why a deploy stopped: its backup was still being
// made when the wait ran out.
type backupStillRunning struct {
	state  string
	waited time.Duration
}

func (e backupStillRunning) Error() string {
	return fmt.Sprintf("it is still %s after %s", human(e.state), e.waited)
}

// BackupName is the name of the backup taken before deploy request dr of
// pull request n is deployed: the pull request's branch name with the deploy
// request, e.g. ddlbot-shop-1a2b3c-pr-7-dr-12 (lowercase letters, digits
// and hyphens). A second attempt after a failed one appends -2, -3, ...
func BackupName(repo Repo, n, dr int) string {
	return fmt.Sprintf("%s-dr-%d", BranchName(repo, n), dr)
}

// backupReasons says why the deploy of dr needs a backup under mode: every
// change that can drop data, by ddlbot's analysis of the pull request (res)
// and by PlanetScale's (the deploy request's can_drop_data operations).
// None: no backup.
func backupReasons(mode string, dr *ps.DeployRequest, res *check.Result) []string {
	switch mode {
	case config.BackupNever:
		return nil
	case config.BackupAlways:
		return []string{"`deploy.backup` is `always`"}
	}
	var out []string
	seen := map[string]bool{}
	if res != nil && res.Diff != nil {
		for _, c := range res.Diff.Changes {
			for _, r := range c.Risks {
				if !r.DropsData {
					continue
				}
				what := "changes table " + schemadiff.MarkdownCode(c.Entity)
				switch {
				case r.Code == schemadiff.RiskDropsTable:
					what = "drops table " + schemadiff.MarkdownCode(c.Entity)
				case r.Code == schemadiff.RiskDropsColumn && r.Column != "":
					what = "drops column " + schemadiff.MarkdownCode(c.Entity+"."+r.Column)
				case r.Code == schemadiff.RiskNarrowsColumn && r.Column != "":
					what = "narrows column " + schemadiff.MarkdownCode(c.Entity+"."+r.Column)
				case r.Column != "":
					what = fmt.Sprintf("changes column %s (%s)", schemadiff.MarkdownCode(c.Entity+"."+r.Column), r.Code)
				}
				if !seen[what] {
					seen[what] = true
					out = append(out, "the change "+what)
				}
				seen["table:"+c.Entity] = true
			}
		}
	}
	if dr != nil && dr.Deployment != nil {
		for _, op := range dr.Deployment.DeployOperations {
			if op.CanDropData && !seen["table:"+op.TableName] {
				seen["table:"+op.TableName] = true
				out = append(out, fmt.Sprintf("PlanetScale says the %s of %s can drop data", schemadiff.MarkdownEscape(op.OperationName), schemadiff.MarkdownCode(op.TableName)))
			}
		}
	}
	return out
}

// withBackup puts the backup part of the sticky comment and check run while
// a deploy goes on (empty when there is no backup to show).
func (r *run) withBackup(section string) string {
	if r.backupSection == "" {
		return section
	}
	return r.backupSection + "\n\n" + section
}

// backUp makes the backup the deploy of dr needs, if any, and waits for it.
// A non-nil Outcome means the deploy must not go ahead (it was refused and
// said so).
func (r *run) backUp(ctx context.Context, dps DeployPlanetScale, dr *ps.DeployRequest, res *check.Result) (*Outcome, error) {
	reasons := backupReasons(r.cfg.Deploy.Backup, dr, res)
	if len(reasons) == 0 {
		return nil, nil
	}
	why := strings.Join(reasons, "; ")
	prod := r.db.ProductionBranch
	if r.cmd.SkipBackup {
		r.backupSection = fmt.Sprintf("#### Backup of %s: skipped\n\n@%s skipped the backup (`/deploy --skip-backup`), though %s.",
			schemadiff.MarkdownCode(prod), r.ev.Author, why)
		r.e.log().Info("backup skipped", "db", r.db.Name, "by", r.ev.Author)
		return nil, nil
	}
	org, name := r.db.Organization, r.db.Database
	o := r.e.Options.withDefaults()
	base := BackupName(r.ev.Repo, r.pr.Number, dr.Number)
	r.e.log().Info("back up the production branch", "db", r.db.Name, "branch", prod, "backup", base)
	bk, err := r.ownBackup(ctx, dps, base)
	if err != nil {
		return r.backupRefused(ctx, dr, nil, why, err)
	}
	if bk == nil {
		ret := r.cfg.Deploy.BackupRetention
		bk, err = dps.CreateBackup(ctx, org, name, prod, ps.CreateBackupRequest{Name: r.nextBackupName, RetentionUnit: ret.Unit, RetentionValue: ret.Value})
		if err != nil {
			return r.backupRefused(ctx, dr, nil, why, err)
		}
	}
	r.showBackup(ctx, dr, bk, why)
	deadline := r.e.clock().Now().Add(o.BackupTimeout)
	wait := o.PollInterval
	for !bk.Done() {
		if !r.e.clock().Now().Add(wait).Before(deadline) {
			return r.backupRefused(ctx, dr, bk, why, backupStillRunning{bk.State, o.BackupTimeout})
		}
		if err := r.e.clock().Sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(wait*2, o.MaxPollInterval)
		next, err := dps.GetBackup(ctx, org, name, prod, bk.ID)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || ps.IsForbidden(err) || ps.IsNotFound(err) {
				return r.backupRefused(ctx, dr, bk, why, err)
			}
			r.e.log().Warn("read backup", "backup", bk.Name, "err", err)
			continue
		}
		if next.State != bk.State {
			r.showBackup(ctx, dr, next, why)
		}
		bk = next
	}
	if bk.State != ps.BackupSuccess {
		return r.backupRefused(ctx, dr, bk, why, fmt.Errorf("PlanetScale reports it %s", bk.State))
	}
	r.showBackup(ctx, dr, bk, why)
	r.e.log().Info("backup done", "db", r.db.Name, "backup", bk.Name, "size", bk.Size)
	return nil, nil
}

// ownBackup finds this deploy's backup from an earlier run (named base, or
// base-N after failures): a finished or running one is reused, so a
// /deploy repeated after a timeout waits for the same backup. When there is
// none to reuse it sets nextBackupName to the name a new one gets.
func (r *run) ownBackup(ctx context.Context, dps DeployPlanetScale, base string) (*ps.Backup, error) {
	all, err := dps.ListBackups(ctx, r.db.Organization, r.db.Database, r.db.ProductionBranch)
	if err != nil {
		return nil, err
	}
	newest, attempt := newestAttempt(all, base)
	if newest != nil && r.reusable(newest) {
		return newest, nil
	}
	r.nextBackupName = base
	if attempt > 0 {
		r.nextBackupName = fmt.Sprintf("%s-%d", base, attempt+1)
	}
	return nil, nil
}

// reusable: an earlier attempt serves this deploy while it still runs, or
// when it succeeded recently (within an hour, or the backup timeout if
// longer: a /deploy retried after a timeout waits for, or takes, the same
// backup, even where the wait is short, as the Action's wait-timeout). An
// older success is not a backup taken before this deploy: a new attempt is
// made.
func (r *run) reusable(b *ps.Backup) bool {
	if !b.Done() {
		return true
	}
	if b.State != ps.BackupSuccess || b.CompletedAt == nil {
		return false
	}
	recent := max(r.e.Options.withDefaults().BackupTimeout, DefaultBackupTimeout)
	return r.e.clock().Now().Sub(*b.CompletedAt) <= recent
}

// newestAttempt is the latest attempt (BackupName base, base-2, ...) among
// backups, and its number (nil and 0 when there is none).
func newestAttempt(all []ps.Backup, base string) (*ps.Backup, int) {
	var newest *ps.Backup
	attempt := 0
	for i := range all {
		b := &all[i]
		n, ok := backupAttempt(base, b.Name)
		if !ok || b.DeletedAt != nil {
			continue
		}
		if n > attempt {
			attempt, newest = n, b
		}
	}
	return newest, attempt
}

// backupAttempt reads which attempt a backup called name is of base: 1 for
// base itself, N for base-N.
func backupAttempt(base, name string) (int, bool) {
	if name == base {
		return 1, true
	}
	rest, ok := strings.CutPrefix(name, base+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 2 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// backupRefused ends the deploy because its backup could not be made: the
// comment and check run say so, and the reply says what to do.
func (r *run) backupRefused(ctx context.Context, dr *ps.DeployRequest, bk *ps.Backup, why string, cause error) (*Outcome, error) {
	if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return nil, cause
	}
	prod := schemadiff.MarkdownCode(r.db.ProductionBranch)
	var running backupStillRunning
	if bk != nil && errors.As(cause, &running) {
		return r.backupPending(ctx, dr, bk, why, running)
	}
	what := fmt.Sprintf("the backup of %s could not be made", prod)
	if bk != nil {
		what = fmt.Sprintf("the backup %s of %s failed", schemadiff.MarkdownCode(bk.Name), prod)
	}
	msg := fmt.Sprintf("%s, so deploy request #%d was not deployed (it needs a backup because %s): %s.", what, dr.Number, why, schemadiff.MarkdownEscape(cause.Error()))
	if access, ok := ps.MissingAccess(cause); ok {
		msg = fmt.Sprintf("%s, so deploy request #%d was not deployed (it needs a backup because %s): the PlanetScale service token lacks the %s access. "+
			"Add %s (and %s) to the token in PlanetScale's organization settings, then comment `/deploy` again; or set `deploy.backup: never`.",
			what, dr.Number, why, schemadiff.MarkdownCode(access), schemadiff.MarkdownCode(ps.AccessWriteBackups), schemadiff.MarkdownCode(ps.AccessReadBackups))
	} else {
		msg += " Comment `/deploy` again to try a new backup, or `/deploy --skip-backup` (admins only) to deploy without one."
	}
	section := r.backupTable(dr, bk, why) + "\n\n**Not deployed:** " + msg
	r.backupSection = ""
	r.updateComment(ctx, PlanState{}, section, nil)
	r.finishBackupCheck(ctx, "Backup failed: deploy request #"+strconv.Itoa(dr.Number)+" not deployed", section)
	return r.refuse(ReasonBackupFailed, msg)
}

// backupPending ends the deploy whose wait for its backup ran out: the
// backup goes on in PlanetScale, and /deploy again waits for the same one
// (ownBackup reuses it). The comment drops "the deploy starts once the
// backup succeeds" for what happened, and the check run completes: no run is
// left waiting, so nothing is left in progress when the job ends.
func (r *run) backupPending(ctx context.Context, dr *ps.DeployRequest, bk *ps.Backup, why string, running backupStillRunning) (*Outcome, error) {
	msg := fmt.Sprintf("the backup %s of %s is still %s after %s, so deploy request #%d was not deployed (it needs a backup because %s). "+
		"The backup goes on in PlanetScale: comment `/deploy` again to wait for the same backup (it is not made again) and deploy once it succeeds, "+
		"or `/deploy --skip-backup` (admins only) to deploy without it.",
		schemadiff.MarkdownCode(bk.Name), schemadiff.MarkdownCode(r.db.ProductionBranch), human(running.state), running.waited, dr.Number, why)
	section := r.backupTable(dr, bk, why) + "\n\n**Not deployed yet:** " + msg
	r.backupSection = ""
	r.updateComment(ctx, PlanState{}, section, nil)
	r.finishBackupCheck(ctx, "Backup still running: deploy request #"+strconv.Itoa(dr.Number)+" not deployed", section)
	return r.refuse(ReasonBackupRunning, msg)
}

// showBackup puts the backup's state into the sticky comment and the check
// run (which the deployment then takes over).
func (r *run) showBackup(ctx context.Context, dr *ps.DeployRequest, bk *ps.Backup, why string) {
	r.backupSection = r.backupTable(dr, bk, why)
	section := r.backupSection
	if bk.State != ps.BackupSuccess {
		section += "\n\n" + backupWaitNote
	}
	r.updateComment(ctx, PlanState{}, section, nil)
	o := r.e.Options.withDefaults()
	title := fmt.Sprintf("Backing up %s before deploy request #%d: %s", r.db.ProductionBranch, dr.Number, bk.State)
	opts := github.CheckRunOptions{Name: CheckName(r.db.Name), Status: github.StatusInProgress, Title: title, Summary: section, DetailsURL: o.DetailsURL}
	if r.checkID == 0 {
		opts.HeadSHA = r.pr.HeadSHA
		if cr, err := r.gh.CreateCheckRun(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, opts); err == nil {
			r.checkID = cr.ID
		} else {
			r.e.log().Warn("create the backup check run", "err", err)
		}
		return
	}
	if _, err := r.gh.UpdateCheckRun(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.checkID, opts); err != nil {
		r.e.log().Warn("update check run", "err", err)
	}
}

// finishBackupCheck completes the check run of a deploy stopped by its backup.
func (r *run) finishBackupCheck(ctx context.Context, title, summary string) {
	if r.checkID == 0 {
		// The backup never started (no access): a run says so all the same.
		o := r.e.Options.withDefaults()
		opts := github.CheckRunOptions{Name: CheckName(r.db.Name), HeadSHA: r.pr.HeadSHA, Conclusion: github.ConclusionFailure, Title: title, Summary: summary, DetailsURL: o.DetailsURL}
		if _, err := r.gh.CreateCheckRun(context.WithoutCancel(ctx), r.ev.Repo.Owner, r.ev.Repo.Name, opts); err != nil {
			r.e.log().Warn("create the backup check run", "err", err)
		}
		return
	}
	r.closeCheck(ctx, github.ConclusionFailure, title, summary)
}

// closeCheck completes the check run this command's backup opened, when
// the deploy ends before follow takes it over (nothing when there is none).
func (r *run) closeCheck(ctx context.Context, conclusion, title, summary string) {
	if r.checkID == 0 {
		return
	}
	o := r.e.Options.withDefaults()
	opts := github.CheckRunOptions{Name: CheckName(r.db.Name), Conclusion: conclusion, Title: title, Summary: summary, DetailsURL: o.DetailsURL}
	if _, err := r.gh.UpdateCheckRun(context.WithoutCancel(ctx), r.ev.Repo.Owner, r.ev.Repo.Name, r.checkID, opts); err != nil {
		r.e.log().Warn("complete the check run", "err", err)
	}
}

// backupTable renders a backup: name (linked to the database's backups in
// PlanetScale), state, size, when it expires, and why it was made.
func (r *run) backupTable(dr *ps.DeployRequest, bk *ps.Backup, why string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Backup of %s before deploying %s\n\n", schemadiff.MarkdownCode(r.db.ProductionBranch), drLink(dr))
	if bk != nil {
		b.WriteString("| Backup | State | Size | Kept until |\n|---|---|---|---|\n")
		name := schemadiff.MarkdownCode(bk.Name)
		if link := backupsLink(dr); link != "" {
			name = "[" + name + "](" + link + ")"
		}
		kept := "—"
		if bk.ExpiresAt != nil {
			kept = bk.ExpiresAt.UTC().Format("2006-01-02 15:04 MST")
		}
		size := "—"
		if bk.Size > 0 {
			size = humanBytes(bk.Size)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n\n", name, schemadiff.MarkdownEscape(human(bk.State)), size, kept)
	}
	b.WriteString("Why: " + why + ".")
	return b.String()
}

// backupsLink is the page of the database's backups in PlanetScale's app,
// beside its deploy requests ("" when the deploy request has no link).
func backupsLink(dr *ps.DeployRequest) string {
	base, _, ok := strings.Cut(dr.HTMLURL, "/deploy-requests/")
	if !ok || base == "" {
		return ""
	}
	return base + "/backups"
}

// humanBytes writes a size as 512 B, 64 KiB, 1.5 GiB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + []string{"KiB", "MiB", "GiB", "TiB", "PiB"}[exp]
}
