package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// Review states.
const (
	ReviewCommented = "commented"
	ReviewApproved  = "approved"
)

// CreateDeployRequestRequest is the body of POST /deploy-requests.
type CreateDeployRequestRequest struct {
	// Branch the schema comes from. Required.
	Branch string `json:"branch"`
	// IntoBranch receives the schema, usually the production branch. Required.
	IntoBranch string `json:"into_branch"`
	// Notes (markdown), e.g. a link to the pull request.
	Notes string `json:"notes,omitempty"`
	// AutoCutover false makes the deploy gated (pending_cutover until
	// ApplyDeploy); nil leaves PlanetScale's default.
	AutoCutover *bool `json:"auto_cutover,omitempty"`
	// AutoDeleteBranch deletes Branch once the deploy completes; nil leaves
	// PlanetScale's default.
	AutoDeleteBranch *bool `json:"auto_delete_branch,omitempty"`
}

// ListDeployRequestsOptions filters ListDeployRequests; empty fields do not filter.
type ListDeployRequestsOptions struct {
	// State is DeployRequestOpen, DeployRequestClosed or "deployed".
	State string
	// Branch is the head branch.
	Branch string
	// IntoBranch is the base branch.
	IntoBranch string
}

// DeployOptions are the options of DeployDeployRequest.
type DeployOptions struct {
	// InstantDDL asks for an instant deploy (only when the deploy request
	// is instant_ddl_eligible; cannot be gated or reverted).
	InstantDDL bool `json:"instant_ddl"`
}

// ReviewRequest is the body of POST /deploy-requests/{number}/reviews.
type ReviewRequest struct {
	// State is ReviewCommented or ReviewApproved.
	State string `json:"state"`
	// Body is the review text.
	Body string `json:"body,omitempty"`
}

// CreateDeployRequest opens a deploy request (201).
//
// When the POST fails in a way that leaves open whether it was created (a
// 5xx or a network error), it lists the open deploy requests from
// req.Branch into req.IntoBranch and returns the newest one if any, and
// repeats the create otherwise.
func (c *Client) CreateDeployRequest(ctx context.Context, org, db string, req CreateDeployRequestRequest) (*DeployRequest, error) {
	op := fmt.Sprintf("create deploy request %q into %q", req.Branch, req.IntoBranch)
	return retryAmbiguous(ctx, c, op,
		func() (*DeployRequest, error) {
			return fetch[DeployRequest](ctx, c, &request{op: op, method: http.MethodPost, path: dbPath(org, db) + "/deploy-requests", body: req, policy: retryRefused})
		},
		func() (*DeployRequest, bool, error) {
			drs, err := c.ListDeployRequests(ctx, org, db, ListDeployRequestsOptions{State: DeployRequestOpen, Branch: req.Branch, IntoBranch: req.IntoBranch})
			if err != nil || len(drs) == 0 {
				return nil, false, err
			}
			newest := slices.MaxFunc(drs, func(a, b DeployRequest) int { return a.Number - b.Number })
			return &newest, true, nil
		})
}

// GetDeployRequest returns deploy request number.
func (c *Client) GetDeployRequest(ctx context.Context, org, db string, number int) (*DeployRequest, error) {
	op := fmt.Sprintf("get deploy request #%d", number)
	return fetch[DeployRequest](ctx, c, &request{op: op, method: http.MethodGet, path: drPath(org, db, number)})
}

// ListDeployRequests returns the deploy requests matching opts (all pages).
func (c *Client) ListDeployRequests(ctx context.Context, org, db string, opts ListDeployRequestsOptions) ([]DeployRequest, error) {
	q := url.Values{}
	if opts.State != "" {
		q.Set("state", opts.State)
	}
	if opts.Branch != "" {
		q.Set("branch", opts.Branch)
	}
	if opts.IntoBranch != "" {
		q.Set("into_branch", opts.IntoBranch)
	}
	return listAll[DeployRequest](ctx, c, "list deploy requests", dbPath(org, db)+"/deploy-requests", q)
}

// The predicates below say whether a state change already happened (or the
// deploy request went past it); they re-check a state change whose request
// failed ambiguously.

func deployed(dr *DeployRequest) bool {
	switch dr.DeploymentState {
	case StateQueued, StateSubmitting, StateInProgress, StatePendingCutover, StateInProgressVSchema,
		StateInProgressCutover, StateComplete, StateCompletePendingRevert, StateInProgressRevert,
		StateInProgressRevertVSchema, StateCompleteRevert, StateCompleteRevertError, StateCompleteError,
		StateInProgressCancel, StateCompleteCancel, StateCancelled:
		return true
	}
	return false
}

func cutOver(dr *DeployRequest) bool {
	switch dr.DeploymentState {
	case StateInProgressCutover, StateComplete, StateCompletePendingRevert, StateInProgressRevert,
		StateInProgressRevertVSchema, StateCompleteRevert, StateCompleteRevertError:
		return true
	}
	return false
}

func cancelled(dr *DeployRequest) bool {
	switch dr.DeploymentState {
	case StateInProgressCancel, StateCompleteCancel, StateCancelled:
		return true
	}
	return false
}

func reverted(dr *DeployRequest) bool {
	switch dr.DeploymentState {
	case StateInProgressRevert, StateInProgressRevertVSchema, StateCompleteRevert, StateCompleteRevertError:
		return true
	}
	return false
}

func revertSkipped(dr *DeployRequest) bool { return dr.DeploymentState == StateComplete }

func closed(dr *DeployRequest) bool { return dr.State == DeployRequestClosed }

// transition sends a state-changing request for deploy request number.
// After an ambiguous failure it re-reads the deploy request: when done says
// the change already took effect, that deploy request is returned;
// otherwise the request is repeated (at most MaxRetries times).
func (c *Client) transition(ctx context.Context, op, method, org, db string, number int, suffix string, body any, done func(*DeployRequest) bool) (*DeployRequest, error) {
	return retryAmbiguous(ctx, c, op,
		func() (*DeployRequest, error) {
			return fetch[DeployRequest](ctx, c, &request{op: op, method: method, path: drPath(org, db, number) + suffix, body: body, policy: retryRefused})
		},
		func() (*DeployRequest, bool, error) {
			dr, err := c.GetDeployRequest(ctx, org, db, number)
			if err != nil {
				return nil, false, err
			}
			return dr, done(dr), nil
		})
}

// CloseDeployRequest closes deploy request number (PATCH {"state":"closed"}).
func (c *Client) CloseDeployRequest(ctx context.Context, org, db string, number int) (*DeployRequest, error) {
	return c.transition(ctx, fmt.Sprintf("close deploy request #%d", number), http.MethodPatch, org, db, number, "",
		map[string]string{"state": DeployRequestClosed},
		closed)
}

// DeployDeployRequest queues deploy request number for deployment
// (deployment_state becomes queued).
func (c *Client) DeployDeployRequest(ctx context.Context, org, db string, number int, opts DeployOptions) (*DeployRequest, error) {
	return c.transition(ctx, fmt.Sprintf("deploy deploy request #%d", number), http.MethodPost, org, db, number, "/deploy",
		opts, deployed)
}

// ApplyDeploy completes a gated deploy (the cutover of a deploy request in
// pending_cutover).
func (c *Client) ApplyDeploy(ctx context.Context, org, db string, number int) (*DeployRequest, error) {
	return c.transition(ctx, fmt.Sprintf("apply deploy of deploy request #%d", number), http.MethodPost, org, db, number, "/apply-deploy",
		nil, cutOver)
}

// CancelDeployRequest cancels a queued or running deploy.
func (c *Client) CancelDeployRequest(ctx context.Context, org, db string, number int) (*DeployRequest, error) {
	return c.transition(ctx, fmt.Sprintf("cancel deploy request #%d", number), http.MethodPost, org, db, number, "/cancel",
		nil, cancelled)
}

// RevertDeployRequest reverts a deploy within its revert window
// (complete_pending_revert).
func (c *Client) RevertDeployRequest(ctx context.Context, org, db string, number int) (*DeployRequest, error) {
	return c.transition(ctx, fmt.Sprintf("revert deploy request #%d", number), http.MethodPost, org, db, number, "/revert",
		nil, reverted)
}

// SkipRevert ends a deploy's revert window now (complete_pending_revert → complete).
func (c *Client) SkipRevert(ctx context.Context, org, db string, number int) (*DeployRequest, error) {
	return c.transition(ctx, fmt.Sprintf("skip revert of deploy request #%d", number), http.MethodPost, org, db, number, "/skip-revert",
		nil, revertSkipped)
}

// GetDeployment returns the deployment of deploy request number.
func (c *Client) GetDeployment(ctx context.Context, org, db string, number int) (*Deployment, error) {
	op := fmt.Sprintf("get deployment of deploy request #%d", number)
	return fetch[Deployment](ctx, c, &request{op: op, method: http.MethodGet, path: drPath(org, db, number) + "/deployment"})
}

// ListDeployOperations returns the per-table operations of deploy request
// number (all pages).
func (c *Client) ListDeployOperations(ctx context.Context, org, db string, number int) ([]DeployOperation, error) {
	return listAll[DeployOperation](ctx, c, fmt.Sprintf("list operations of deploy request #%d", number), drPath(org, db, number)+"/operations", nil)
}

// DeployRequestDiff returns the schema diff of deploy request number, one
// entry per table; Raw holds the lines prefixed with + and -.
func (c *Client) DeployRequestDiff(ctx context.Context, org, db string, number int) ([]SchemaTable, error) {
	return c.schemaTables(ctx, fmt.Sprintf("get diff of deploy request #%d", number), drPath(org, db, number)+"/diff")
}

// CreateReview reviews deploy request number (201). It is not repeated
// after a 5xx or a network error (a second review would be visible); only
// 429s are retried.
func (c *Client) CreateReview(ctx context.Context, org, db string, number int, req ReviewRequest) (*Review, error) {
	op := fmt.Sprintf("review deploy request #%d", number)
	return fetch[Review](ctx, c, &request{op: op, method: http.MethodPost, path: drPath(org, db, number) + "/reviews", body: req, policy: retryRefused})
}

// ListReviews returns the reviews of deploy request number (all pages).
func (c *Client) ListReviews(ctx context.Context, org, db string, number int) ([]Review, error) {
	return listAll[Review](ctx, c, fmt.Sprintf("list reviews of deploy request #%d", number), drPath(org, db, number)+"/reviews", nil)
}
