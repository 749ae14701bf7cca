package localscale

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// The render functions turn the model into the API's JSON shapes (the client's
// types) as of a time: progress and readiness are functions of it.

const defaultActor = "localscale"

func actorOf(name string) ps.Actor {
	if name == "" {
		name = defaultActor
	}
	sum := sha256.Sum256([]byte(name))
	return ps.Actor{ID: hex.EncodeToString(sum[:6]), DisplayName: name, AvatarURL: ""}
}

func actorPtr(name string) *ps.Actor {
	if name == "" {
		return nil
	}
	a := actorOf(name)
	return &a
}

func region() ps.Region {
	return ps.Region{ID: "localscale", Provider: "localscale", Enabled: true, PublicIPAddresses: []string{},
		DisplayName: "Local", Location: "localhost", Slug: "us-east", CurrentDefault: true}
}

// apiBase is the API root for url fields: the request's, else a placeholder.
func apiBase(api string) string {
	if api == "" {
		return "http://localscale/v1"
	}
	return api
}

func (s *Server) renderDatabase(db *database, api string) ps.Database {
	branches, dev, prod := 0, 0, 0
	for _, b := range db.Branches {
		branches++
		if b.Production {
			prod++
		} else {
			dev++
		}
	}
	u := fmt.Sprintf("%s/organizations/%s/databases/%s", apiBase(api), db.Org, db.Name)
	return ps.Database{
		ID: db.ID, Name: db.Name, URL: u, BranchesURL: u + "/branches", BranchesCount: branches,
		DevelopmentBranchesCount: dev, ProductionBranchesCount: prod,
		HTMLURL: s.htmlURL(api, db.Org, db.Name), State: "ready", Ready: true,
		Region: region(), DefaultBranch: "main", RequireApprovalForDeploy: db.RequireApproval,
		ForeignKeysEnabled: db.ForeignKeys, Plan: "scaler_pro", Kind: "mysql",
		MigrationTableName: db.MigrationTable, MigrationFramework: db.MigrationFramework,
		CreatedAt: db.CreatedAt, UpdatedAt: db.UpdatedAt,
	}
}

func (s *Server) renderBranch(db *database, b *branch, now time.Time, api string) ps.Branch {
	ready := !now.Before(b.ReadyAt)
	st := ps.BranchPending
	if ready {
		st = ps.BranchReady
	}
	return ps.Branch{
		ID: b.ID, Name: b.Name, ParentBranch: b.Parent, Production: b.Production, SafeMigrations: b.SafeMigrations,
		ShardCount: 1, Ready: ready, SchemaReady: ready, State: st, Kind: "mysql",
		HTMLURL:      s.htmlURL(api, db.Org, db.Name, b.Name),
		URL:          fmt.Sprintf("%s/organizations/%s/databases/%s/branches/%s", apiBase(api), db.Org, db.Name, b.Name),
		MySQLAddress: s.cfg.MySQLAddr, MySQLEdgeAddress: s.cfg.MySQLAddr, Region: region(), Actor: actorOf(b.Actor),
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, SchemaLastUpdatedAt: b.SchemaUpdatedAt,
		VTGateSize: "PS_10", VTGateCount: 1, ClusterName: "PS_10",
	}
}

func (s *Server) renderPassword(b *branch, p *password, now time.Time, withSecret bool) ps.Password {
	out := ps.Password{
		ID: p.ID, Name: p.Name, Role: p.Role, CIDRs: []string{}, Username: p.Username,
		AccessHostURL: s.cfg.MySQLAddr, AccessHostRegionalURL: s.cfg.MySQLAddr, AccessHostRegionalURLs: []string{},
		DirectVTGateAddresses: []string{}, TTLSeconds: p.TTL, Expired: p.ExpiresAt != nil && !now.Before(*p.ExpiresAt),
		Region: region(), Actor: actorOf(p.Actor),
		DatabaseBranch: ps.PasswordBranch{ID: b.ID, Name: b.Name, Production: b.Production, MySQLEdgeAddress: s.cfg.MySQLAddr},
		CreatedAt:      p.CreatedAt, ExpiresAt: p.ExpiresAt, LastUsedAt: p.LastUsed,
	}
	if s.cfg.MySQLAddr != "" {
		out.AccessHostRegionalURLs = []string{s.cfg.MySQLAddr}
	}
	if withSecret {
		out.PlainText = p.PlainText
	}
	return out
}

// renderWebhook copies a stored webhook for a response (the stored one keeps
// changing as deliveries happen).
func renderWebhook(w *webhook) ps.Webhook {
	out := *w
	out.Events = append([]string{}, w.Events...)
	return out
}

func renderReview(r *review) ps.Review {
	body := ""
	if r.Body != "" {
		body = "<p>" + html.EscapeString(r.Body) + "</p>"
	}
	return ps.Review{ID: r.ID, Body: r.Body, HTMLBody: body, State: r.State, Actor: actorOf(r.Actor), CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt}
}

func (s *Server) renderDR(db *database, dr *deployRequest, now time.Time, api string) ps.DeployRequest {
	body := ""
	if dr.Notes != "" {
		body = "<p>" + html.EscapeString(dr.Notes) + "</p>"
	}
	out := ps.DeployRequest{
		ID: dr.ID, Number: dr.Number, Actor: actorOf(dr.Actor), ClosedBy: actorPtr(dr.ClosedBy),
		Branch: dr.Branch, BranchID: dr.BranchID, BranchDeleted: dr.BranchDeleted, BranchDeletedBy: actorPtr(dr.BranchDeletedBy),
		BranchDeletedAt: dr.BranchDeletedAt, IntoBranch: dr.IntoBranch, IntoBranchShardCount: 1,
		Approved: approved(dr), State: dr.State, DeploymentState: dr.D.State, Deployment: s.renderDeployment(db, dr, now),
		NumComments: len(dr.Reviews), HTMLURL: s.htmlURL(api, db.Org, db.Name, "deploy-requests", dr.Number),
		Notes: dr.Notes, HTMLBody: body, CreatedAt: dr.CreatedAt, UpdatedAt: dr.UpdatedAt, ClosedAt: dr.ClosedAt, DeployedAt: dr.DeployedAt,
	}
	return out
}

func (s *Server) renderDeployment(db *database, dr *deployRequest, now time.Time) *ps.Deployment {
	d := &dr.D
	ops := s.renderOperations(db, dr, now)
	out := &ps.Deployment{
		ID: d.ID, State: d.State, AutoCutover: d.AutoCutover, AutoDeleteBranch: d.AutoDeleteBranch, IntoBranch: dr.IntoBranch,
		DeployRequestNumber: dr.Number, Deployable: d.State == ps.StateReady && dr.State == ps.DeployRequestOpen,
		PrecedingDeployments: precedingDeployments(db, dr), DeployOperations: ops,
		DeployOperationSummaries: summaries(ops), LintErrors: append([]ps.LintError{}, d.LintErrors...),
		SequentialDiffDependencies: []map[string]any{}, LookupVindexOperations: []map[string]any{},
		ThrottlerConfigurations: []map[string]any{}, Actor: actorPtr(d.Actor), CutoverActor: actorPtr(d.CutoverActor),
		CancelledActor: actorPtr(d.CancelledActor), DeployCheckErrors: d.CheckErrors, InstantDDL: d.InstantDDL,
		InstantDDLEligible: d.InstantEligible, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, QueuedAt: d.QueuedAt,
		SubmittedAt: d.SubmittedAt, StartedAt: d.StartedAt, ReadyToCutoverAt: d.ReadyToCutoverAt, CutoverAt: d.CutoverAt,
		FinishedAt: d.FinishedAt, SchemaLastUpdatedAt: d.SchemaAt,
	}
	if d.RevertID != "" && d.RevertCreatedAt != nil {
		out.DeploymentRevertRequest = &ps.RevertRequest{ID: d.RevertID, State: d.RevertState, WaitingPeriodEndAt: d.RevertWindowEnd, CreatedAt: *d.RevertCreatedAt}
	}
	return out
}

// precedingDeployments lists the deployments ahead of a queued one: the one
// holding the deploy slot, then those queued before it.
func precedingDeployments(db *database, dr *deployRequest) []map[string]any {
	out := []map[string]any{}
	if dr.D.State != ps.StateQueued {
		return out
	}
	entry := func(o *deployRequest) map[string]any {
		return map[string]any{"id": o.D.ID, "deploy_request_number": o.Number, "state": o.D.State, "into_branch": o.IntoBranch}
	}
	if h := holder(db); h != nil && h != dr {
		out = append(out, entry(h))
	}
	for _, n := range db.Queue {
		if n == dr.Number {
			break
		}
		if o := db.deployRequest(n); o != nil {
			out = append(out, entry(o))
		}
	}
	return out
}

// renderOperations computes each operation's state, progress and ETA at now.
// Operations run one after the other from the deployment's start.
func (s *Server) renderOperations(db *database, dr *deployRequest, now time.Time) []ps.DeployOperation {
	d := &dr.D
	out := make([]ps.DeployOperation, 0, len(d.Ops))
	var offset time.Duration
	for _, o := range d.Ops {
		state, progress, eta := ps.OperationPending, 0.0, o.Duration
		var errs *string
		switch d.State {
		case ps.StateInProgress, ps.StateInProgressCancel, ps.StateCompleteCancel:
			running := d.State == ps.StateInProgress
			if d.StartedAt == nil {
				if !running {
					state, eta = ps.OperationCancelled, 0
				}
				break
			}
			at := now
			if !running && d.CancelledAt != nil {
				at = *d.CancelledAt
			}
			elapsed := max(at.Sub(*d.StartedAt), 0)
			switch {
			case elapsed >= offset+o.Duration:
				state, progress, eta = ps.OperationComplete, 100, 0
			case elapsed >= offset:
				state = ps.OperationInProgress
				progress = float64(elapsed-offset) / float64(o.Duration) * 100
				eta = offset + o.Duration - elapsed
			default:
				state, eta = ps.OperationQueued, offset+o.Duration-elapsed
			}
			if !running && state != ps.OperationComplete {
				state, eta = ps.OperationCancelled, 0
			}
		case ps.StateQueued, ps.StateSubmitting:
			state = ps.OperationQueued
		case ps.StatePendingCutover, ps.StateInProgressCutover, ps.StateComplete, ps.StateCompletePendingRevert,
			ps.StateInProgressRevert, ps.StateCompleteRevert, ps.StateCompleteRevertError:
			state, progress, eta = ps.OperationComplete, 100, 0
		case ps.StateCompleteError:
			state, eta, errs = ps.OperationError, 0, d.CheckErrors
		}
		offset += o.Duration
		out = append(out, ps.DeployOperation{
			ID: o.ID, State: state, KeyspaceName: db.Name, TableName: o.Table, OperationName: o.Name,
			ETASeconds: math.Ceil(eta.Seconds()), ProgressPercentage: math.Round(progress*100) / 100, DDLStatement: o.DDL,
			SyntaxHighlightedDDL: html.EscapeString(o.DDL), CreatedAt: o.CreatedAt, UpdatedAt: d.UpdatedAt,
			CanDropData: o.CanDropData, RemovedForeignKeyNames: []string{}, DeployErrors: errs,
		})
	}
	return out
}

func summaries(ops []ps.DeployOperation) []ps.DeployOperationSummary {
	out := make([]ps.DeployOperationSummary, 0, len(ops))
	for _, o := range ops {
		st := o.State
		if st == ps.OperationQueued {
			st = ps.OperationPending
		}
		out = append(out, ps.DeployOperationSummary{
			ID: o.ID, CreatedAt: o.CreatedAt, DeployErrors: o.DeployErrors, DDLStatement: o.DDLStatement,
			ETASeconds: int(o.ETASeconds), KeyspaceName: o.KeyspaceName, OperationName: o.OperationName,
			ProgressPercentage: o.ProgressPercentage, State: st, SyntaxHighlightedDDL: o.SyntaxHighlightedDDL,
			TableName: o.TableName, RemovedForeignKeyNames: []string{}, ShardCount: 1, ShardNames: []string{"-"},
			CanDropData: o.CanDropData,
			Operations:  []ps.ShardOperation{{ID: o.ID, Shard: "-", State: o.State, ProgressPercentage: o.ProgressPercentage, ETASeconds: int(o.ETASeconds)}},
		})
	}
	return out
}
