package localscale

import (
	"net/http"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func (s *Server) listDeployRequests(now time.Time, c *reqCtx) (int, any, *apiError) {
	d := c.db
	q := c.r.URL.Query()
	state, br, into := q.Get("state"), q.Get("branch"), q.Get("into_branch")
	switch state {
	case "", ps.DeployRequestOpen, ps.DeployRequestClosed, "deployed":
	default:
		return 0, nil, errInvalid("state must be open, closed or deployed, not %q", state)
	}
	items := []ps.DeployRequest{}
	for i := len(d.DeployRequests) - 1; i >= 0; i-- {
		dr := d.DeployRequests[i]
		switch {
		case state == "deployed" && dr.DeployedAt == nil,
			state != "" && state != "deployed" && dr.State != state,
			br != "" && dr.Branch != br,
			into != "" && dr.IntoBranch != into:
			continue
		}
		items = append(items, s.renderDR(d, dr, now, c.api))
	}
	return list(c, items)
}

func (s *Server) createDeployRequest(now time.Time, c *reqCtx) (int, any, *apiError) {
	d := c.db
	var body struct {
		Branch           *string `json:"branch"`
		IntoBranch       *string `json:"into_branch"`
		Notes            string  `json:"notes"`
		AutoCutover      *bool   `json:"auto_cutover"`
		AutoDeleteBranch bool    `json:"auto_delete_branch"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	switch {
	case body.Branch == nil || *body.Branch == "":
		return 0, nil, errInvalid("branch is required")
	case body.IntoBranch == nil || *body.IntoBranch == "":
		return 0, nil, errInvalid("into_branch is required")
	}
	b, into := d.branch(*body.Branch), d.branch(*body.IntoBranch)
	switch {
	case b == nil:
		return 0, nil, errInvalid("branch %q does not exist", *body.Branch)
	case into == nil:
		return 0, nil, errInvalid("into_branch %q does not exist", *body.IntoBranch)
	case b == into:
		return 0, nil, errInvalid("branch and into_branch must differ")
	case b.Production:
		return 0, nil, errInvalid("branch %q is a production branch: deploy requests come from development branches", b.Name)
	}
	for _, o := range d.DeployRequests {
		if o.State == ps.DeployRequestOpen && o.Branch == b.Name && o.IntoBranch == into.Name {
			return 0, nil, errUnprocessable("an open deploy request (#%d) already exists for branch %q into %q", o.Number, b.Name, into.Name)
		}
	}
	autoCutover := true
	if body.AutoCutover != nil {
		autoCutover = *body.AutoCutover
	}
	due := now.Add(s.cfg.CheckDelay)
	dr := &deployRequest{ID: randString(12), Number: len(d.DeployRequests) + 1, Actor: c.actor, Branch: b.Name, BranchID: b.ID,
		IntoBranch: into.Name, Notes: body.Notes, State: ps.DeployRequestOpen, CreatedAt: now, UpdatedAt: now, Reviews: []*review{},
		D: deployment{ID: randString(12), State: ps.StatePending, StateAt: now, ChecksDueAt: &due, AutoCutover: autoCutover,
			AutoDeleteBranch: body.AutoDeleteBranch, CreatedAt: now, UpdatedAt: now}}
	d.DeployRequests = append(d.DeployRequests, dr)
	return s.announce(http.StatusCreated, ps.EventDeployRequestOpened, dr, now, c)
}

// announce answers a change to deploy request dr of the request's database
// (status and dr as it now stands) and sends the event's webhook.
func (s *Server) announce(status int, event string, dr *deployRequest, now time.Time, c *reqCtx) (int, any, *apiError) {
	s.dirty = true
	out := s.renderDR(c.db, dr, now, c.api)
	s.emit(c.db, event, now, out)
	return status, out, nil
}

func (s *Server) getDeployRequest(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr := c.db, c.dr
	return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
}

func (s *Server) closeDeployRequest(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr := c.db, c.dr
	var body struct {
		State *string `json:"state"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.State == nil || *body.State != ps.DeployRequestClosed {
		return 0, nil, errInvalid("state must be %q", ps.DeployRequestClosed)
	}
	if dr.State == ps.DeployRequestClosed {
		return http.StatusOK, s.renderDR(d, dr, now, c.api), nil
	}
	switch dr.D.State {
	case ps.StateQueued, ps.StateSubmitting, ps.StateInProgress, ps.StatePendingCutover, ps.StateInProgressCutover,
		ps.StateInProgressCancel, ps.StateInProgressRevert:
		return 0, nil, errUnprocessable("deploy request #%d is deploying (%s): cancel the deployment before closing it", dr.Number, dr.D.State)
	case ps.StateCompletePendingRevert:
		return 0, nil, errUnprocessable("deploy request #%d is in its revert window: revert or skip the revert before closing it", dr.Number)
	}
	release(d, dr, now)
	dr.State = ps.DeployRequestClosed
	dr.ClosedAt = &now
	dr.ClosedBy = c.actor
	dr.UpdatedAt = now
	dr.D.ChecksDueAt = nil
	return s.announce(http.StatusOK, ps.EventDeployRequestClosed, dr, now, c)
}

func (s *Server) deployHandler(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr := c.db, c.dr
	var body struct {
		InstantDDL bool `json:"instant_ddl"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	dep := &dr.D
	if dr.State != ps.DeployRequestOpen {
		return 0, nil, errUnprocessable("deploy request #%d is closed", dr.Number)
	}
	switch dep.State {
	case ps.StateReady, ps.StateCompleteCancel:
	case ps.StateCompleteError:
		if dep.HoldsSlot {
			return 0, nil, errUnprocessable("deploy request #%d errored and still holds the deploy queue: complete it first", dr.Number)
		}
	case ps.StatePending:
		return 0, nil, errUnprocessable("deploy request #%d is not ready: its checks are still running", dr.Number)
	case ps.StateError:
		return 0, nil, errUnprocessable("deploy request #%d cannot be deployed: its checks failed", dr.Number)
	case ps.StateNoChanges:
		return 0, nil, errUnprocessable("deploy request #%d has no changes to deploy", dr.Number)
	default:
		return 0, nil, errUnprocessable("deploy request #%d is already deployed or deploying (%s)", dr.Number, dep.State)
	}
	if d.RequireApproval && !approved(dr) {
		return 0, nil, errUnprocessable("deploy request #%d must be approved by someone other than its author before it can be deployed", dr.Number)
	}
	if body.InstantDDL {
		if !dep.AutoCutover {
			return 0, nil, errUnprocessable("instant deployments cannot be gated: deploy request #%d has auto_cutover off", dr.Number)
		}
		if !dep.InstantEligible {
			return 0, nil, errUnprocessable("deploy request #%d is not eligible for instant DDL", dr.Number)
		}
	}
	dep.InstantDDL = body.InstantDDL
	dep.Actor = c.actor
	dep.CutoverActor, dep.CancelledActor = "", ""
	dep.QueuedAt = &now
	dep.SubmittedAt, dep.StartedAt, dep.ReadyToCutoverAt, dep.CutoverAt, dep.FinishedAt, dep.CancelledAt = nil, nil, nil, nil, nil, nil
	dep.RevertID, dep.RevertCreatedAt, dep.RevertWindowEnd, dep.RevertState = "", nil, nil, ""
	dep.CheckErrors = nil
	setState(dr, ps.StateQueued, now)
	d.Queue = append(d.Queue, dr.Number)
	return s.announce(http.StatusOK, ps.EventDeployRequestQueued, dr, now, c)
}

// deployAction changes a deploy request's deployment (cutover, cancel,
// revert, ...) or says why it cannot; act answers the call with the deploy
// request as it then stands.
type deployAction func(now time.Time, actor string, d *database, dr *deployRequest) *apiError

// act adapts a deployAction to a handler.
func (s *Server) act(fn deployAction) handlerFunc {
	return func(now time.Time, c *reqCtx) (int, any, *apiError) {
		if aerr := fn(now, c.actor, c.db, c.dr); aerr != nil {
			return 0, nil, aerr
		}
		s.dirty = true
		return http.StatusOK, s.renderDR(c.db, c.dr, now, c.api), nil
	}
}

func (s *Server) applyDeploy(now time.Time, actor string, d *database, dr *deployRequest) *apiError {
	if dr.D.State != ps.StatePendingCutover {
		return errUnprocessable("deploy request #%d is not waiting for cutover (%s)", dr.Number, dr.D.State)
	}
	dr.D.CutoverAt = &now
	dr.D.CutoverActor = actor
	setState(dr, ps.StateInProgressCutover, now)
	return nil
}

func (s *Server) cancelDeploy(now time.Time, actor string, d *database, dr *deployRequest) *apiError {
	switch dr.D.State {
	case ps.StateQueued:
		d.removeFromQueue(dr.Number)
	case ps.StateSubmitting, ps.StateInProgress, ps.StatePendingCutover:
	default:
		return errUnprocessable("deploy request #%d has no queued or running deployment to cancel (%s)", dr.Number, dr.D.State)
	}
	dr.D.CancelledAt = &now
	dr.D.CancelledActor = actor
	setState(dr, ps.StateInProgressCancel, now)
	return nil
}

// inRevertWindow refuses a revert or a skip-revert outside dr's revert
// window. An instant deployment has none; instant says what that means for
// the call.
func inRevertWindow(dr *deployRequest, instant string) *apiError {
	if dr.D.InstantDDL {
		return errUnprocessable("deploy request #%d was deployed with instant DDL%s", dr.Number, instant)
	}
	if dr.D.State != ps.StateCompletePendingRevert {
		return errUnprocessable("deploy request #%d is not in its revert window (%s)", dr.Number, dr.D.State)
	}
	return nil
}

func (s *Server) revertDeploy(now time.Time, actor string, d *database, dr *deployRequest) *apiError {
	if aerr := inRevertWindow(dr, ", which cannot be reverted"); aerr != nil {
		return aerr
	}
	into := d.branch(dr.IntoBranch)
	if into == nil || into.Schema != dr.D.Result {
		return errUnprocessable("deploy request #%d cannot be reverted: %s changed since it was deployed", dr.Number, dr.IntoBranch)
	}
	if h := holder(d); h != nil {
		return errUnprocessable("deploy request #%d cannot be reverted while deploy request #%d is deploying", dr.Number, h.Number)
	}
	dr.D.HoldsSlot = true
	dr.D.Actor = actor
	dr.D.RevertState = "in_progress"
	setState(dr, ps.StateInProgressRevert, now)
	return nil
}

func (s *Server) skipRevert(now time.Time, actor string, d *database, dr *deployRequest) *apiError {
	if aerr := inRevertWindow(dr, ": there is no revert window"); aerr != nil {
		return aerr
	}
	dr.D.FinishedAt = &now
	dr.D.RevertState = "skipped"
	setState(dr, ps.StateComplete, now)
	s.autoDeleteBranch(d, dr, now)
	return nil
}

func (s *Server) completeDeploy(now time.Time, actor string, d *database, dr *deployRequest) *apiError {
	if dr.D.State != ps.StateCompleteError {
		return errUnprocessable("deploy request #%d has no errored deployment to complete (%s)", dr.Number, dr.D.State)
	}
	release(d, dr, now)
	dr.D.UpdatedAt = now
	return nil
}

func (s *Server) getDeployment(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, dr := c.db, c.dr
	return http.StatusOK, s.renderDeployment(d, dr, now), nil
}

func (s *Server) listOperations(now time.Time, c *reqCtx) (int, any, *apiError) {
	return list(c, s.renderOperations(c.db, c.dr, now))
}

func (s *Server) deployRequestDiff(now time.Time, c *reqCtx) (int, any, *apiError) {
	dr := c.dr
	out := schemaList{Data: []ps.SchemaTable{}}
	for _, o := range dr.D.Ops {
		out.Data = append(out.Data, schemaTable(o.Table, o.Raw))
	}
	return http.StatusOK, out, nil
}

func (s *Server) listReviews(now time.Time, c *reqCtx) (int, any, *apiError) {
	return listed(c, c.dr.Reviews, renderReview)
}

func (s *Server) createReview(now time.Time, c *reqCtx) (int, any, *apiError) {
	dr := c.dr
	var body struct {
		State string `json:"state"`
		Body  string `json:"body"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.State == "" {
		body.State = "commented"
	}
	if body.State != "commented" && body.State != "approved" {
		return 0, nil, errInvalid("state must be commented or approved, not %q", body.State)
	}
	r := &review{ID: randString(12), State: body.State, Body: body.Body, Actor: c.actor, CreatedAt: now}
	dr.Reviews = append(dr.Reviews, r)
	dr.UpdatedAt = now
	s.dirty = true
	return http.StatusCreated, renderReview(r), nil
}

// Webhooks
