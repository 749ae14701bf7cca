package localscale

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ddlbot/ddlbot/internal/lint"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// How long the short phases of a deployment take at speed 1.
const (
	submitDuration  = 2 * time.Second
	cutoverDuration = 2 * time.Second
	revertDuration  = 2 * time.Second
	cancelDuration  = 2 * time.Second
)

const lintDocsURL = "https://planetscale.com/docs/vitess/schema-changes/deploy-requests"

// holder is the deploy request whose deployment occupies the deploy slot.
func holder(db *database) *deployRequest {
	for _, dr := range db.DeployRequests {
		if dr.D.HoldsSlot {
			return dr
		}
	}
	return nil
}

// advanceDatabase performs every transition of one database due by now, in
// time order; each transition happens at its own scheduled time.
func (s *Server) advanceDatabase(db *database, now time.Time) {
	for i := 0; i < 100000; i++ {
		t, run, ok := s.nextStep(db)
		if !ok || t.After(now) {
			return
		}
		run(t)
		s.dirty = true
	}
	s.log.Error("localscale: state machine did not settle", "database", db.Name)
}

// nextStep returns the earliest transition of a database and the function
// that performs it.
func (s *Server) nextStep(db *database) (time.Time, func(time.Time), bool) {
	var best time.Time
	var bestRun func(time.Time)
	try := func(t time.Time, run func(time.Time)) {
		if bestRun == nil || t.Before(best) {
			best, bestRun = t, run
		}
	}
	for _, b := range db.Branches {
		if !b.ReadyNotified {
			try(b.ReadyAt, func(t time.Time) { s.branchReady(db, b, t) })
		}
		backupSteps(b, try)
	}
	for _, dr := range db.DeployRequests {
		d := &dr.D
		switch d.State {
		case ps.StatePending:
			if d.ChecksDueAt != nil {
				try(*d.ChecksDueAt, func(t time.Time) { s.runChecks(db, dr, t) })
			}
		case ps.StateSubmitting:
			try(d.StateAt.Add(s.cfg.scaled(submitDuration)), func(t time.Time) { s.startOperations(db, dr, t) })
		case ps.StateInProgress:
			try(d.StateAt.Add(opsTotal(d)), func(t time.Time) { s.operationsDone(db, dr, t) })
		case ps.StateInProgressCutover:
			try(d.StateAt.Add(s.cfg.scaled(cutoverDuration)), func(t time.Time) { s.cutoverDone(db, dr, t) })
		case ps.StateCompletePendingRevert:
			if d.RevertWindowEnd != nil {
				try(*d.RevertWindowEnd, func(t time.Time) { s.revertWindowDone(db, dr, t) })
			}
		case ps.StateInProgressRevert:
			try(d.StateAt.Add(s.cfg.scaled(revertDuration)), func(t time.Time) { s.revertDone(db, dr, t) })
		case ps.StateInProgressCancel:
			try(d.StateAt.Add(s.cfg.scaled(cancelDuration)), func(t time.Time) { s.cancelDone(db, dr, t) })
		}
	}
	if holder(db) == nil && len(db.Queue) > 0 {
		if dr := db.deployRequest(db.Queue[0]); dr != nil && dr.D.State == ps.StateQueued && dr.D.QueuedAt != nil {
			start := *dr.D.QueuedAt
			if db.SlotFreeAt.After(start) {
				start = db.SlotFreeAt
			}
			try(start, func(t time.Time) { s.startSubmitting(db, dr, t) })
		} else {
			// A stale entry; drop it at once.
			try(time.Time{}, func(time.Time) { db.Queue = db.Queue[1:] })
		}
	}
	return best, bestRun, bestRun != nil
}

func opsTotal(d *deployment) time.Duration {
	var sum time.Duration
	for _, o := range d.Ops {
		sum += o.Duration
	}
	return sum
}

func setState(dr *deployRequest, state string, t time.Time) {
	dr.D.State = state
	dr.D.StateAt = t
	dr.D.UpdatedAt = t
	dr.UpdatedAt = t
}

func release(db *database, dr *deployRequest, t time.Time) {
	if dr.D.HoldsSlot {
		dr.D.HoldsSlot = false
		db.SlotFreeAt = t
	}
}

func (s *Server) branchReady(db *database, b *branch, t time.Time) {
	b.ReadyNotified = true
	b.UpdatedAt = t
	s.emit(db, ps.EventBranchReady, t, s.renderBranch(db, b, t, s.apiURL))
}

// evaluation is what the checks found for a deploy request.
type evaluation struct {
	state       string // ready, no_changes or error
	ops         []*operation
	lint        []ps.LintError
	checkErrors *string
	result      string // hash of the into-branch schema after the deploy
	instant     bool
}

func failed(msg string) evaluation {
	return evaluation{state: ps.StateError, checkErrors: &msg}
}

// evaluate runs the deploy checks: the three-way diff (the branch's changes
// since its base, applied onto the into branch as it is now) and
// PlanetScale's lint rules over the result.
func (s *Server) evaluate(db *database, dr *deployRequest, t time.Time, instantDDL bool) evaluation {
	br, into := db.branch(dr.Branch), db.branch(dr.IntoBranch)
	if br == nil {
		return failed(fmt.Sprintf("Branch %s was deleted.", schemadiff.QuoteName(dr.Branch)))
	}
	if into == nil {
		return failed(fmt.Sprintf("Branch %s does not exist.", schemadiff.QuoteName(dr.IntoBranch)))
	}
	base, head, prod := s.sch.get(br.Base), s.sch.get(br.Schema), s.sch.get(into.Schema)
	if base == nil || head == nil || prod == nil {
		return failed("Internal error: a branch schema is missing.")
	}
	ctx := context.Background()
	changes, err := schemadiff.Compute(ctx, base, head, schemadiff.DiffOptions{})
	if err != nil {
		return failed(fmt.Sprintf("Could not diff branch %s against its base: %v", schemadiff.QuoteName(br.Name), err))
	}
	res, err := s.merge(prod, head, changes)
	if err != nil {
		return failed(conflictMessage(br.Name, into.Name, err))
	}
	diff, err := schemadiff.Compute(ctx, prod, res, schemadiff.DiffOptions{})
	if err != nil {
		return failed(fmt.Sprintf("Could not diff the result against %s: %v", schemadiff.QuoteName(into.Name), err))
	}
	if diff.Empty() {
		return evaluation{state: ps.StateNoChanges, result: into.Schema}
	}
	ev := evaluation{state: ps.StateReady, result: s.sch.put(res), instant: true}
	byEntity := map[string]*operation{}
	for _, c := range diff.Changes {
		if !c.Instant {
			ev.instant = false
		}
		if o := byEntity[c.Entity]; o != nil {
			o.DDL += ";\n" + c.Statement
			o.CanDropData = o.CanDropData || c.DropsData
			o.Instant = o.Instant && c.Instant
			o.Duration += s.opDuration(c.Kind, instantDDL)
			continue
		}
		o := &operation{ID: randString(12), Table: c.Entity, Name: operationName(c.Kind), DDL: c.Statement, Raw: c.Unified,
			CanDropData: c.DropsData, Instant: c.Instant, Duration: s.opDuration(c.Kind, instantDDL), CreatedAt: t}
		byEntity[c.Entity] = o
		ev.ops = append(ev.ops, o)
	}
	ev.lint = s.lintErrors(db, prod, res, diff)
	if len(ev.lint) > 0 {
		ev.state = ps.StateError
	}
	return ev
}

// conflictMessage names the tables whose changes no longer apply.
func conflictMessage(branchName, into string, err error) string {
	var le *schemadiff.LoadError
	var parts []string
	if errors.As(err, &le) {
		for _, p := range le.Problems {
			entity := p.Entity
			if entity == "" {
				entity = p.Origin.File
			}
			if entity != "" {
				parts = append(parts, fmt.Sprintf("table %s: %s", schemadiff.QuoteName(entity), p.Message))
			} else {
				parts = append(parts, p.Message)
			}
		}
	} else {
		parts = append(parts, err.Error())
	}
	return fmt.Sprintf("Schema conflict: the changes of branch %s no longer apply to %s, which changed since the branch was created: %s.",
		schemadiff.QuoteName(branchName), schemadiff.QuoteName(into), strings.Join(parts, "; "))
}

func operationName(k schemadiff.ChangeKind) string {
	switch k {
	case schemadiff.CreateTable, schemadiff.CreateView:
		return "CREATE"
	case schemadiff.DropTable, schemadiff.DropView:
		return "DROP"
	case schemadiff.RenameTable:
		return "RENAME"
	}
	return "ALTER"
}

// opDuration is how long one change runs: an ALTER TABLE copies the table
// (OperationDuration), anything else is quick; instant deploys are quicker.
func (s *Server) opDuration(k schemadiff.ChangeKind, instant bool) time.Duration {
	d := s.cfg.OperationDuration
	switch {
	case instant:
		d /= 20
	case k != schemadiff.AlterTable:
		d /= 4
	}
	return s.cfg.scaled(d)
}

// lintErrors runs the PlanetScale rules of internal/lint over the result.
// Each changed entity's statement is parsed from a source named after it, so
// a finding's file is the table it is about.
func (s *Server) lintErrors(db *database, prod, res *schemadiff.Schema, diff *schemadiff.Diff) []ps.LintError {
	var stmts []schemadiff.Statement
	for _, c := range diff.Changes {
		stmts = append(stmts, s.env.ParseSource(schemadiff.NewSource(c.Entity, c.Statement))...)
	}
	sev := map[string]lint.Severity{}
	for _, r := range lint.Rules() {
		if r.Category == lint.CategoryPlanetScale && r.PlanetScaleCode != "" {
			sev[r.ID] = lint.Error
		} else {
			sev[r.ID] = lint.Off
		}
	}
	findings := lint.Run(&lint.Input{Statements: stmts, Head: res, Base: prod, Diff: diff, AllowForeignKeys: db.ForeignKeys, Severities: sev})
	out := []ps.LintError{}
	for _, f := range findings {
		r, ok := lint.RuleByID(f.Rule)
		if !ok || r.PlanetScaleCode == "" {
			continue
		}
		table := f.File
		subject := "table"
		if res.View(table) != nil {
			subject = "view"
		}
		out = append(out, ps.LintError{LintError: r.PlanetScaleCode, SubjectType: subject, Keyspace: db.Name, TableName: table,
			ErrorDescription: f.Message, DocsURL: lintDocsURL})
	}
	return out
}

func (s *Server) runChecks(db *database, dr *deployRequest, t time.Time) {
	ev := s.evaluate(db, dr, t, false)
	d := &dr.D
	d.ChecksDueAt = nil
	d.SchemaAt = &t
	d.Ops, d.LintErrors, d.CheckErrors, d.InstantEligible = ev.ops, ev.lint, ev.checkErrors, ev.instant
	setState(dr, ev.state, t)
	if ev.state == ps.StateError {
		s.emit(db, ps.EventDeployRequestErrored, t, s.renderDR(db, dr, t, s.apiURL))
	}
}

func (s *Server) startSubmitting(db *database, dr *deployRequest, t time.Time) {
	db.removeFromQueue(dr.Number)
	dr.D.HoldsSlot = true
	dr.D.SubmittedAt = &t
	setState(dr, ps.StateSubmitting, t)
}

// startOperations re-runs the three-way diff against the into branch as it is
// at the start, and fails the deployment when it no longer applies.
func (s *Server) startOperations(db *database, dr *deployRequest, t time.Time) {
	d := &dr.D
	ev := s.evaluate(db, dr, t, d.InstantDDL)
	d.StartedAt = &t
	if ev.state == ps.StateReady && d.InstantDDL && !ev.instant {
		ev.state = ps.StateError
		ev.checkErrors = ptr("The changes are no longer eligible for an instant deployment.")
	}
	switch ev.state {
	case ps.StateError:
		if ev.checkErrors == nil {
			msg := "The deploy request no longer passes the schema checks:"
			for _, l := range ev.lint {
				msg += fmt.Sprintf(" %s on table %s: %s.", l.LintError, schemadiff.QuoteName(l.TableName), l.ErrorDescription)
			}
			ev.checkErrors = &msg
		}
		d.CheckErrors, d.LintErrors = ev.checkErrors, ev.lint
		d.FinishedAt = &t
		setState(dr, ps.StateCompleteError, t)
		s.emit(db, ps.EventDeployRequestErrored, t, s.renderDR(db, dr, t, s.apiURL))
	case ps.StateNoChanges:
		d.Ops = nil
		d.FinishedAt = &t
		dr.DeployedAt = &t
		release(db, dr, t)
		setState(dr, ps.StateComplete, t)
		s.emit(db, ps.EventDeployRequestSchemaApplied, t, s.renderDR(db, dr, t, s.apiURL))
	default:
		d.Ops, d.Result, d.InstantEligible = ev.ops, ev.result, ev.instant
		d.CheckErrors, d.LintErrors = nil, ev.lint
		setState(dr, ps.StateInProgress, t)
		s.emit(db, ps.EventDeployRequestInProgress, t, s.renderDR(db, dr, t, s.apiURL))
	}
}

func (s *Server) operationsDone(db *database, dr *deployRequest, t time.Time) {
	d := &dr.D
	switch {
	case d.InstantDDL:
		if !s.applyResult(db, dr, t) {
			return
		}
		d.CutoverAt = &t
		d.FinishedAt = &t
		release(db, dr, t)
		setState(dr, ps.StateComplete, t)
		s.emit(db, ps.EventDeployRequestSchemaApplied, t, s.renderDR(db, dr, t, s.apiURL))
		s.autoDeleteBranch(db, dr, t)
	case !d.AutoCutover:
		d.ReadyToCutoverAt = &t
		setState(dr, ps.StatePendingCutover, t)
		s.emit(db, ps.EventDeployRequestPendingCutover, t, s.renderDR(db, dr, t, s.apiURL))
	default:
		d.ReadyToCutoverAt = &t
		d.CutoverAt = &t
		setState(dr, ps.StateInProgressCutover, t)
	}
}

// applyResult makes the deploy's result the into branch's schema, keeping the
// previous one for a revert. It fails the deployment when the into branch is gone.
func (s *Server) applyResult(db *database, dr *deployRequest, t time.Time) bool {
	into := db.branch(dr.IntoBranch)
	if into == nil || s.sch.get(dr.D.Result) == nil {
		dr.D.CheckErrors = ptr(fmt.Sprintf("Branch %s no longer exists.", schemadiff.QuoteName(dr.IntoBranch)))
		dr.D.FinishedAt = &t
		setState(dr, ps.StateCompleteError, t)
		s.emit(db, ps.EventDeployRequestErrored, t, s.renderDR(db, dr, t, s.apiURL))
		return false
	}
	dr.D.Previous = into.Schema
	into.Schema = dr.D.Result
	into.SchemaUpdatedAt = &t
	into.UpdatedAt = t
	dr.DeployedAt = &t
	s.recheckInto(db, into.Name, dr, t)
	return true
}

func (s *Server) cutoverDone(db *database, dr *deployRequest, t time.Time) {
	if !s.applyResult(db, dr, t) {
		return
	}
	d := &dr.D
	end := t.Add(s.cfg.RevertWindow)
	d.RevertID = randString(12)
	d.RevertCreatedAt = &t
	d.RevertWindowEnd = &end
	d.RevertState = "pending"
	release(db, dr, t)
	setState(dr, ps.StateCompletePendingRevert, t)
	s.emit(db, ps.EventDeployRequestSchemaApplied, t, s.renderDR(db, dr, t, s.apiURL))
}

func (s *Server) revertWindowDone(db *database, dr *deployRequest, t time.Time) {
	dr.D.FinishedAt = &t
	dr.D.RevertState = "expired"
	setState(dr, ps.StateComplete, t)
	s.autoDeleteBranch(db, dr, t)
}

func (s *Server) revertDone(db *database, dr *deployRequest, t time.Time) {
	d := &dr.D
	if into := db.branch(dr.IntoBranch); into != nil && s.sch.get(d.Previous) != nil {
		into.Schema = d.Previous
		into.SchemaUpdatedAt = &t
		into.UpdatedAt = t
		s.recheckInto(db, into.Name, dr, t)
	}
	d.RevertState = "complete"
	release(db, dr, t)
	setState(dr, ps.StateCompleteRevert, t)
	dr.State = ps.DeployRequestClosed
	dr.ClosedAt = &t
	dr.ClosedBy = d.Actor
	s.emit(db, ps.EventDeployRequestReverted, t, s.renderDR(db, dr, t, s.apiURL))
	s.emit(db, ps.EventDeployRequestClosed, t, s.renderDR(db, dr, t, s.apiURL))
}

func (s *Server) cancelDone(db *database, dr *deployRequest, t time.Time) {
	dr.D.FinishedAt = &t
	release(db, dr, t)
	setState(dr, ps.StateCompleteCancel, t)
}

func (s *Server) autoDeleteBranch(db *database, dr *deployRequest, t time.Time) {
	if !dr.D.AutoDeleteBranch {
		return
	}
	if b := db.branch(dr.Branch); b != nil && !b.Production {
		s.deleteBranch(db, b, dr.D.Actor, t)
	}
}

// deleteBranch removes a branch and its passwords; its deploy requests
// remember that it was deleted.
func (s *Server) deleteBranch(db *database, b *branch, actor string, t time.Time) {
	for i, o := range db.Branches {
		if o == b {
			db.Branches = append(db.Branches[:i:i], db.Branches[i+1:]...)
			break
		}
	}
	for _, dr := range db.DeployRequests {
		if dr.Branch == b.Name && !dr.BranchDeleted {
			dr.BranchDeleted = true
			dr.BranchDeletedAt = &t
			dr.BranchDeletedBy = actor
			dr.UpdatedAt = t
		}
	}
	s.dirty = true
}

// recheckInto re-runs the checks of the open deploy requests into a branch
// whose schema just changed (they are not deploying).
func (s *Server) recheckInto(db *database, into string, except *deployRequest, t time.Time) {
	for _, dr := range db.DeployRequests {
		if dr == except || dr.State != ps.DeployRequestOpen || dr.IntoBranch != into {
			continue
		}
		switch dr.D.State {
		case ps.StateReady, ps.StateNoChanges, ps.StateError:
			s.recheck(dr, t)
		}
	}
}

// recheckBranch re-runs the checks of the open deploy requests from a branch
// whose schema changed: approvals are dismissed and queued deploys leave the queue.
func (s *Server) recheckBranch(db *database, name string, t time.Time) {
	for _, dr := range db.DeployRequests {
		if dr.State != ps.DeployRequestOpen || dr.Branch != name {
			continue
		}
		switch dr.D.State {
		case ps.StatePending, ps.StateReady, ps.StateNoChanges, ps.StateError, ps.StateQueued, ps.StateCompleteCancel, ps.StateCompleteError:
		default:
			continue
		}
		if dr.D.State == ps.StateQueued {
			db.removeFromQueue(dr.Number)
			dr.D.QueuedAt = nil
		}
		release(db, dr, t)
		for _, r := range dr.Reviews {
			if r.State == "approved" {
				r.Dismissed = true
			}
		}
		s.recheck(dr, t)
	}
}

func (s *Server) recheck(dr *deployRequest, t time.Time) {
	due := t.Add(s.cfg.CheckDelay)
	dr.D.ChecksDueAt = &due
	setState(dr, ps.StatePending, t)
	s.dirty = true
}

// approved reports whether someone other than the deploy request's author approved it.
func approved(dr *deployRequest) bool {
	for _, r := range dr.Reviews {
		if r.State == "approved" && !r.Dismissed && r.Actor != dr.Actor {
			return true
		}
	}
	return false
}
