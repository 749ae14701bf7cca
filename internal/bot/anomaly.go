package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// A watch on production after a deploy (issue 13): while a deployment's
// revert window is open, an anomaly PlanetScale's Insights detects on the
// production branch after the cutover may be the deploy's doing (a dropped
// index, a rewritten query plan), and /revert still undoes it. In Action
// mode nothing receives the branch.anomaly webhook, so the next command run
// on the pull request lists the production branch's anomalies instead
// (watchRevertWindow); each anomaly is posted once, as a comment of its own
// whose marker names it, so a later run finds it and says nothing again.

// AnomalyMarker is the hidden marker of the comment about anomaly id on
// database db.
func AnomalyMarker(db, id string) string {
	return fmt.Sprintf("<!-- ddlbot:anomaly db=%s id=%s -->", sanitizeMarker(db), sanitizeMarker(id))
}

// AnomalyCheckName is the check run that reports an anomaly after db's
// deploy. It is not the database's check run (CheckName): that one may be a
// required check, and in Action mode nothing would move an action_required
// conclusion on once the revert window closed by itself, leaving the pull
// request blocked. A neutral run of its own shows the anomaly and blocks
// nothing.
func AnomalyCheckName(db string) string { return CheckName(db) + " anomaly" }

// cutoverOf is when a deployment's change reached production.
func cutoverOf(dr *ps.DeployRequest) (time.Time, bool) {
	if d := dr.Deployment; d != nil {
		for _, t := range []*time.Time{d.CutoverAt, d.FinishedAt} {
			if t != nil {
				return *t, true
			}
		}
	}
	if dr.DeployedAt != nil {
		return *dr.DeployedAt, true
	}
	return time.Time{}, false
}

// windowEnd is when dr's revert window closes (zero when unknown).
func windowEnd(dr *ps.DeployRequest) time.Time {
	if d := dr.Deployment; d != nil && d.DeploymentRevertRequest != nil && d.DeploymentRevertRequest.WaitingPeriodEndAt != nil {
		return *d.DeploymentRevertRequest.WaitingPeriodEndAt
	}
	return time.Time{}
}

// watchRevertWindow posts, once each, the anomalies of the production
// branch that began after dr's cutover, while dr can still be reverted; the
// check run says so too. Failures are logged: the watch never fails the
// command it rides on.
func (r *run) watchRevertWindow(ctx context.Context, dps DeployPlanetScale, dr *ps.DeployRequest) {
	if dr == nil || dr.DeploymentState != ps.StateCompletePendingRevert {
		return
	}
	cutover, ok := cutoverOf(dr)
	if !ok {
		return
	}
	end := windowEnd(dr)
	anomalies, err := dps.ListAnomalies(ctx, r.db.Organization, r.db.Database, r.db.ProductionBranch)
	if err != nil {
		r.e.log().Warn("read the production branch's anomalies", "db", r.db.Name, "err", err)
		return
	}
	for i := range anomalies {
		a := &anomalies[i]
		if a.PeriodStart.Before(cutover) || (!end.IsZero() && !a.PeriodStart.Before(end)) {
			continue // not after this deploy, or after its window
		}
		marker := AnomalyMarker(r.db.Name, a.ID)
		if c, err := r.gh.FindStickyComment(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Number, marker); err != nil {
			r.e.log().Warn("look for the anomaly comment", "anomaly", a.ID, "err", err)
			continue
		} else if c != nil {
			continue // said already
		}
		body := anomalyNote(r.db.ProductionBranch, dr, a, cutover, end, r.e.clock().Now())
		if _, _, err := r.gh.UpsertStickyComment(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Number, marker, marker+"\n"+publicText(body)); err != nil {
			r.e.log().Warn("post the anomaly comment", "anomaly", a.ID, "err", err)
			continue
		}
		r.e.log().Info("anomaly after the deploy", "db", r.db.Name, "deploy_request", dr.Number, "anomaly", a.ID)
		o := r.e.Options.withDefaults()
		title := fmt.Sprintf("Anomaly on %s %s after the cutover of deploy request #%d: /revert?", r.db.ProductionBranch,
			minutes(a.PeriodStart.Sub(cutover)), dr.Number)
		opts := github.CheckRunOptions{Name: AnomalyCheckName(r.db.Name), HeadSHA: r.pr.HeadSHA, Conclusion: github.ConclusionNeutral,
			Title: title, Summary: publicText(body), DetailsURL: o.DetailsURL}
		if _, err := r.gh.CreateCheckRun(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, opts); err != nil {
			r.e.log().Warn("create the anomaly check run", "err", err)
		}
	}
}

// anomalyNote is the comment about an anomaly after dr's cutover.
func anomalyNote(production string, dr *ps.DeployRequest, a *ps.Anomaly, cutover, end, now time.Time) string {
	status := fmt.Sprintf("active, %d minute(s) in violation so far", a.MinutesInViolation)
	if !a.Active {
		status = fmt.Sprintf("%d minute(s) in violation", a.MinutesInViolation)
		if a.PeriodEnd != nil {
			status += ", until " + a.PeriodEnd.UTC().Format("15:04 MST")
		}
	}
	note := fmt.Sprintf("> [!WARNING]\n> **Production %s slowed down %s after deploy request %s cut over.** PlanetScale Insights reports an anomaly on its primary since %s (%s).\n>\n",
		schemadiff.MarkdownCode(production), minutes(a.PeriodStart.Sub(cutover)), drLink(dr), a.PeriodStart.UTC().Format("15:04 MST"), status)
	window := "The revert window is open"
	if !end.IsZero() {
		window = fmt.Sprintf("The revert window is open until %s (%s from now)", end.UTC().Format("15:04 MST"), minutes(end.Sub(now)))
	}
	return note + "> " + window + ": if the deploy caused it, comment `/revert` to put production's schema back; `/skip-revert` closes the window if it did not."
}

// minutes writes a duration to the minute: 5m, 1h5m, under a minute.
func minutes(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	s := strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
