package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// movingStates are deployment states that change without anyone acting.
var movingStates = map[string]bool{
	ps.StateQueued: true, ps.StateSubmitting: true, ps.StateInProgress: true, ps.StateInProgressVSchema: true,
	ps.StateInProgressCancel: true, ps.StateInProgressCutover: true, ps.StateInProgressRevert: true,
	ps.StateInProgressRevertVSchema: true, ps.StatePending: true,
}

const (
	deployStart = "<!-- ddlbot:deploy:start -->"
	deployEnd   = "<!-- ddlbot:deploy:end -->"
)

// follow watches a deployment until nothing more happens without a person
// (or the follow timeout), keeping the check run and the sticky comment
// current: edited in place, only when something changed, at most every
// MinUpdateInterval.
func (r *run) follow(ctx context.Context, dps DeployPlanetScale, dr *ps.DeployRequest, started time.Time) (*Outcome, error) {
	o := r.e.Options.withDefaults()
	org, name := r.db.Organization, r.db.Database
	clock := r.e.clock()
	if started.IsZero() {
		started = clock.Now()
	}
	deadline := clock.Now().Add(o.FollowTimeout)
	// A new run on the head commit: the plan's run is complete, and GitHub
	// shows the latest run of a name.
	// A backup made before the deploy created the check run already.
	t := r.track(ctx, dr, r.checkID)
	defer func() { r.followed = t.dr }()
	wait := o.PollInterval
	for movingStates[t.dr.DeploymentState] {
		t.show(ctx, false)
		if !clock.Now().Add(wait).Before(deadline) {
			t.show(ctx, true)
			msg := fmt.Sprintf("Stopped following deploy request #%d after %s: it is %s. It goes on at PlanetScale; comment `/plan` to pick up its state.",
				t.dr.Number, o.FollowTimeout, human(t.dr.DeploymentState))
			if o.FollowedOn {
				// The server's follow-up jobs take over: nothing for anyone to do.
				msg = fmt.Sprintf("Deploy request #%d is %s; following it on.", t.dr.Number, human(t.dr.DeploymentState))
			} else {
				r.reply(msg)
			}
			return &Outcome{Decision: DecisionFollowTimeout, ReasonCode: ReasonFollowTimeout, Reason: msg, Databases: []*DatabaseOutcome{t.outcome()}}, nil
		}
		if err := clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		if wait *= 2; wait > o.MaxPollInterval {
			wait = o.MaxPollInterval
		}
		if err := t.poll(ctx, dps, org, name); err != nil {
			return nil, err
		}
	}
	t.show(ctx, true)
	took := clock.Now().Sub(started)
	if started.IsZero() {
		// Picked up (/plan, a duplicate /deploy): the deployment says how long it ran.
		took = deploymentTook(t.dr)
	}
	return t.finish(ctx, took, true), nil
}

// tracker keeps one deployment's check run and the sticky comment's
// deployment section current while it is followed (by a command's follow,
// or by Refresh).
type tracker struct {
	r       *run
	dr      *ps.DeployRequest
	checkID int64
	// lastShown is the section last written, lastAt when.
	lastShown string
	lastAt    time.Time
}

// outcome is the deployment as the tracker last saw it.
func (t *tracker) outcome() *DatabaseOutcome {
	do := t.r.outcome(t.dr)
	do.CheckRunID = t.checkID
	return do
}

// track starts following dr: it creates an in-progress check run on the
// head commit, unless checkID names one to keep updating.
func (r *run) track(ctx context.Context, dr *ps.DeployRequest, checkID int64) *tracker {
	o := r.e.Options.withDefaults()
	t := &tracker{r: r, dr: dr, checkID: checkID}
	if checkID != 0 {
		return t
	}
	if cr, err := r.gh.CreateCheckRun(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, github.CheckRunOptions{Name: CheckName(r.db.Name), HeadSHA: r.pr.HeadSHA,
		Status: github.StatusInProgress, Title: deployTitle(dr), Summary: r.withBackup(renderDeployment(dr, r.e.clock().Now())), DetailsURL: o.DetailsURL}); err == nil {
		t.checkID = cr.ID
	} else {
		r.e.log().Warn("create the deployment check run", "err", err)
	}
	return t
}

func deployTitle(dr *ps.DeployRequest) string {
	return fmt.Sprintf("Deploy request #%d: %s", dr.Number, human(dr.DeploymentState))
}

// poll reads the deploy request again. A failed read is logged and leaves
// the last one (the next poll tries again); only a cancelled context ends
// the follow.
func (t *tracker) poll(ctx context.Context, dps DeployPlanetScale, org, name string) error {
	next, err := dps.GetDeployRequest(ctx, org, name, t.dr.Number)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		t.r.e.log().Warn("read deploy request", "number", t.dr.Number, "err", err)
		return nil
	}
	t.dr = next
	return nil
}

// show writes the deployment's section into the sticky comment and the
// check run: only when it changed, and (unless force) at most every
// MinUpdateInterval.
func (t *tracker) show(ctx context.Context, force bool) {
	r, o, clock := t.r, t.r.e.Options.withDefaults(), t.r.e.clock()
	section := r.withBackup(renderDeployment(t.dr, clock.Now()))
	if section == t.lastShown || (!force && clock.Now().Sub(t.lastAt) < o.MinUpdateInterval) {
		return
	}
	t.lastShown, t.lastAt = section, clock.Now()
	r.updateComment(ctx, PlanState{}, section, t.dr)
	opts := github.CheckRunOptions{Name: CheckName(r.db.Name), Status: github.StatusInProgress,
		Title: deployTitle(t.dr), Summary: section, DetailsURL: o.DetailsURL}
	if t.checkID != 0 {
		if _, err := r.gh.UpdateCheckRun(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, t.checkID, opts); err != nil {
			r.e.log().Warn("update check run", "err", err)
		}
	}
}

// finish ends following a deployment that came to rest: the check run gets
// its conclusion, and (with announce) a reply says how it ended, how long
// it took (unless took is negative: not known) and what to do next.
func (t *tracker) finish(ctx context.Context, took time.Duration, announce bool) *Outcome {
	r, o, dr := t.r, t.r.e.Options.withDefaults(), t.dr
	ok := containsString(specOf(r.cmd.Name).goodEnd, dr.DeploymentState)
	conclusion := github.ConclusionSuccess
	switch {
	case !ok && (dr.DeploymentState == ps.StateCompleteError || dr.DeploymentState == ps.StateError || dr.DeploymentState == ps.StateCompleteRevertError):
		conclusion = github.ConclusionFailure
	case !ok, dr.DeploymentState == ps.StatePendingCutover, dr.DeploymentState == ps.StateCompleteCancel, dr.DeploymentState == ps.StateCompleteRevert:
		conclusion = github.ConclusionNeutral
	}
	if t.checkID != 0 {
		opts := github.CheckRunOptions{Name: CheckName(r.db.Name), Conclusion: conclusion,
			Title: deployTitle(dr), Summary: t.lastShown, DetailsURL: o.DetailsURL}
		if _, err := r.gh.UpdateCheckRun(context.WithoutCancel(ctx), r.ev.Repo.Owner, r.ev.Repo.Name, t.checkID, opts); err != nil {
			r.e.log().Warn("complete check run", "err", err)
		}
	}
	if announce && !r.claimAnnouncement(ctx, dr) {
		announce = false
	}
	if announce {
		tookText := ""
		if took >= 0 {
			tookText = fmt.Sprintf(" (took %s)", took.Round(time.Second))
		}
		r.reply(fmt.Sprintf("Deploy request %s is **%s**%s. %s", drLink(dr), human(dr.DeploymentState), tookText, nextStep(dr)))
	}
	do := r.outcome(dr)
	do.Report, do.CheckRunID = t.lastShown, t.checkID
	out := &Outcome{Decision: DecisionDone, ReasonCode: ReasonCode(dr.DeploymentState), Reason: human(dr.DeploymentState), Databases: []*DatabaseOutcome{do}}
	if ok {
		r.react(github.ReactionRocket)
	} else {
		r.react(github.ReactionMinusOne)
		out.Decision = DecisionFailed
	}
	return out
}

func (r *run) outcome(dr *ps.DeployRequest) *DatabaseOutcome {
	return &DatabaseOutcome{Name: r.db.Name, Branch: dr.Branch, DeployRequest: dr.Number, DeployRequestURL: dr.HTMLURL, DeploymentState: dr.DeploymentState,
		Organization: r.db.Organization, Database: r.db.Database, CommentID: r.commentID}
}

// updateComment puts a deployment section into the sticky comment, keeping
// the plan below it. A non-zero st replaces the hidden block. With dr, the
// plan's own words are brought up to date (see restate). The comment is
// read once; later updates are a single edit each.
func (r *run) updateComment(ctx context.Context, st PlanState, section string, dr *ps.DeployRequest) {
	marker := Marker(r.db.Name)
	if r.commentID == 0 || r.reread {
		c, err := r.gh.FindStickyComment(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Number, marker)
		if err != nil {
			r.e.log().Warn("read the sticky comment", "err", err)
			return
		}
		r.commentBody = marker + "\n" + encodeState(PlanState{Database: r.db.Name}) + "\n"
		if c != nil {
			r.commentID, r.commentBody = c.ID, c.Body
		}
	}
	body := r.commentBody
	if st.Database != "" {
		body = reState.ReplaceAllLiteralString(body, encodeState(st))
	}
	if i, j := strings.Index(body, deployStart), strings.Index(body, deployEnd); i >= 0 && j > i {
		body = body[:i] + strings.TrimPrefix(body[j+len(deployEnd):], "\n")
	}
	if dr != nil {
		body = restate(body, dr)
	}
	block := deployStart + "\n" + publicText(section) + "\n" + deployEnd + "\n"
	// The deployment goes right after the hidden block, above the plan.
	if loc := reState.FindStringIndex(body); loc != nil {
		body = body[:loc[1]] + "\n\n" + block + strings.TrimLeft(body[loc[1]:], "\n")
	} else {
		body = block + "\n" + body
	}
	if body == r.commentBody && r.commentID != 0 {
		return
	}
	var err error
	if r.commentID != 0 {
		err = r.gh.EditComment(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.commentID, body)
	} else {
		r.commentID, _, err = r.gh.UpsertStickyComment(ctx, r.ev.Repo.Owner, r.ev.Repo.Name, r.ev.Number, marker, body)
	}
	if err != nil {
		r.e.log().Warn("update the sticky comment", "err", err)
		return
	}
	r.commentBody = body
}

var (
	reDRFact   = regexp.MustCompile(`(?m)^(Deploy request (?:\[#\d+\]\([^)\s]*\)|#\d+)): \*\*[a-z ]+\*\*`)
	reNextStep = regexp.MustCompile(`(?m)^\*\*Next step:\*\* [^\n]*\n\n?`)
)

// restate makes the plan below a deployment section tell the truth once the
// deploy request has moved on: its state in the facts line is the current
// one, and the plan's "Next step" (comment /deploy, merge) goes, since the
// section above says what to do now. Both lines are the report's own
// (render), outside any user text, which never starts a line with them.
func restate(body string, dr *ps.DeployRequest) string {
	done := false
	body = reDRFact.ReplaceAllStringFunc(body, func(m string) string {
		if done {
			return m
		}
		done = true
		return reDRFact.ReplaceAllString(m, "${1}: **"+human(dr.DeploymentState)+"**")
	})
	if locs := reNextStep.FindAllStringIndex(body, -1); len(locs) > 0 {
		last := locs[len(locs)-1]
		body = body[:last[0]] + body[last[1]:]
	}
	return body
}

func human(state string) string { return strings.ReplaceAll(orNone(state), "_", " ") }

// renderDeployment shows a deployment: state, queue position, per-table
// progress with a bar, percent and ETA.
func renderDeployment(dr *ps.DeployRequest, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Deployment of %s: %s\n\n", drLink(dr), human(dr.DeploymentState))
	d := dr.Deployment
	if d != nil && dr.DeploymentState == ps.StateQueued && len(d.PrecedingDeployments) > 0 {
		fmt.Fprintf(&b, "Queued: %d deployment(s) ahead in this database's deploy queue.\n\n", len(d.PrecedingDeployments))
	}
	if d != nil && len(d.DeployOperations) > 0 {
		b.WriteString("| Table | Operation | Progress | ETA |\n|---|---|---|---|\n")
		for _, op := range d.DeployOperations {
			eta := "—"
			if op.ETASeconds > 0 && op.State != ps.OperationComplete {
				eta = (time.Duration(op.ETASeconds) * time.Second).String()
			}
			fmt.Fprintf(&b, "| %s | %s | %s %3.0f%% | %s |\n", schemadiff.MarkdownCode(op.TableName), schemadiff.MarkdownEscape(op.OperationName+" · "+human(op.State)),
				bar(op.ProgressPercentage), op.ProgressPercentage, eta)
		}
		b.WriteByte('\n')
	}
	if d != nil && d.DeploymentRevertRequest != nil && d.DeploymentRevertRequest.WaitingPeriodEndAt != nil && dr.DeploymentState == ps.StateCompletePendingRevert {
		fmt.Fprintf(&b, "The revert window ends at %s (in %s).\n\n", d.DeploymentRevertRequest.WaitingPeriodEndAt.UTC().Format("15:04 MST"),
			d.DeploymentRevertRequest.WaitingPeriodEndAt.Sub(now).Round(time.Minute))
	}
	if d != nil && d.DeployCheckErrors != nil && *d.DeployCheckErrors != "" {
		b.WriteString("PlanetScale: " + schemadiff.MarkdownEscape(*d.DeployCheckErrors) + "\n\n")
	}
	if d != nil {
		for _, op := range d.DeployOperations {
			if op.DeployErrors != nil && *op.DeployErrors != "" {
				fmt.Fprintf(&b, "%s: %s\n\n", schemadiff.MarkdownCode(op.TableName), schemadiff.MarkdownEscape(*op.DeployErrors))
			}
		}
	}
	if s := nextStep(dr); s != "" {
		b.WriteString(s + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func bar(pct float64) string {
	n := int(pct / 10)
	n = max(0, min(10, n))
	return "`" + strings.Repeat("█", n) + strings.Repeat("░", 10-n) + "`"
}

// nextStep says what a person can do now.
func nextStep(dr *ps.DeployRequest) string {
	switch dr.DeploymentState {
	case ps.StatePendingCutover:
		return "Ready to cut over: comment `/cutover` to finish, or `/cancel`."
	case ps.StateCompletePendingRevert:
		return "Deployed. Comment `/revert` to undo within the revert window, or `/skip-revert` to close it now."
	case ps.StateQueued, ps.StateInProgress, ps.StateSubmitting:
		return "Comment `/cancel` to stop it."
	case ps.StateComplete:
		return "Deployed."
	case ps.StateCompleteCancel:
		return "Cancelled: nothing changed in production."
	case ps.StateCompleteRevert:
		return "Reverted: production is back to its previous schema."
	case ps.StateCompleteError, ps.StateError:
		return "The deploy failed; see PlanetScale's errors above."
	}
	return ""
}

// AnnouncementKey names the reply about dr coming to rest in its state on
// a pull request's database: one reply per key (Options.Announce).
func AnnouncementKey(repo Repo, pr int, db string, dr *ps.DeployRequest) string {
	return fmt.Sprintf("%s#%d/%s/%d/%s", strings.ToLower(repo.String()), pr, db, dr.Number, dr.DeploymentState)
}

// claimAnnouncement says whether this run makes the reply about dr's end
// (see Options.Announce).
func (r *run) claimAnnouncement(ctx context.Context, dr *ps.DeployRequest) bool {
	announce := r.e.Options.Announce
	if announce == nil {
		return true
	}
	key := AnnouncementKey(r.ev.Repo, r.ev.Number, r.db.Name, dr)
	ok, err := announce(context.WithoutCancel(ctx), key)
	if err != nil {
		r.e.log().Warn("ask whether the deployment's end was announced; announcing", "key", key, "err", err)
		return true
	}
	if !ok {
		r.e.log().Info("the deployment's end was announced by another job", "key", key)
	}
	return ok
}
