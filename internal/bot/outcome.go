package bot

// Decision is what the engine decided about an event: the Action's
// `decision` output, the first word of every outcome.
type Decision string

// ReasonCode says why, in a word: the Action's `reason-code` output. After
// a command whose deployment came to rest it is that deployment_state.
type ReasonCode string

// Decisions.
const (
	DecisionPlanned        Decision = "planned"
	DecisionNoSchemaChange Decision = "no-schema-change"
	DecisionLintOnly       Decision = "lint-only"
	DecisionFailed         Decision = "failed"
	DecisionClosed         Decision = "closed"
	DecisionIgnored        Decision = "ignored"
	DecisionRefused        Decision = "refused"
	DecisionDone           Decision = "done"
	DecisionFollowTimeout  Decision = "follow-timeout"
	// DecisionRefreshed: Refresh (schedule, workflow_dispatch, the server's
	// follow-ups) looked at the deployments in progress.
	DecisionRefreshed Decision = "refreshed"
)

// Reason codes of the pull request flow.
const (
	ReasonPlanned          ReasonCode = "planned"
	ReasonLintOnly         ReasonCode = "lint-only"
	ReasonNoSchemaChange   ReasonCode = "no-schema-change"
	ReasonNoConfig         ReasonCode = "no-config"
	ReasonCheckFailed      ReasonCode = "check-failed"
	ReasonConfigInvalid    ReasonCode = "config-invalid"
	ReasonInputsInvalid    ReasonCode = "inputs-invalid"
	ReasonPRClosed         ReasonCode = "closed"
	ReasonActionNotHandled ReasonCode = "action-not-handled"
	// ReasonSchemaFolder: a configured folder is missing or emptied at the head.
	ReasonSchemaFolder ReasonCode = "schema-folder-invalid"
	// ReasonMergedNotDeployed: merged, and the deploy request stays open.
	ReasonMergedNotDeployed ReasonCode = "merged-not-deployed"
)

// Reason codes of commands: why one was not run, or how it ended.
const (
	ReasonNotACommand   ReasonCode = "not-a-command"
	ReasonBadCommand    ReasonCode = "bad-command"
	ReasonBotAuthor     ReasonCode = "bot-author"
	ReasonNotAPR        ReasonCode = "not-a-pull-request"
	ReasonCommentEdited ReasonCode = "comment-edited"
	ReasonCommentGone   ReasonCode = "comment-deleted"
	ReasonHelp          ReasonCode = "help"
	ReasonPermission    ReasonCode = "permission"
	ReasonTeam          ReasonCode = "team"
	ReasonClosed        ReasonCode = "pull-request-closed"
	ReasonDraft         ReasonCode = "draft"
	ReasonFork          ReasonCode = "fork"
	ReasonStalePlan     ReasonCode = "stale-plan"
	ReasonLintErrors    ReasonCode = "lint-errors"
	ReasonNotDeployable ReasonCode = "not-deployable"
	ReasonApprovals     ReasonCode = "approvals"
	ReasonDrift         ReasonCode = "drift"
	ReasonUnknownTables ReasonCode = "unknown-tables"
	ReasonWhichDatabase ReasonCode = "which-database"
	ReasonWrongState    ReasonCode = "wrong-state"
	ReasonNoPlan        ReasonCode = "no-plan"
	ReasonNoPlanetScale ReasonCode = "no-planetscale"
	ReasonFollowTimeout ReasonCode = "follow-timeout"
	// ReasonNotReviewed: the deploy request, its branch or the branch's
	// schema is not the reviewed head of this pull request (verifyDeploy).
	ReasonNotReviewed ReasonCode = "not-reviewed"
	// ReasonBaseBranch: the pull request's base is neither the default
	// branch nor listed in deploy.base_branches.
	ReasonBaseBranch ReasonCode = "base-branch"
	// ReasonUnverified: PlanetScale could not be read to run verifyDeploy.
	ReasonUnverified ReasonCode = "not-verified"
	// ReasonDeployUnknown: the deploy's answer was lost and the deploy
	// request could not be read since: it may be deploying.
	ReasonDeployUnknown ReasonCode = "deploy-unknown"
	// ReasonPlanetScaleError: PlanetScale refused a command's call.
	ReasonPlanetScaleError ReasonCode = "planetscale-error"
	// ReasonBackupFailed: the backup before a deploy failed, or the token
	// may not make one: nothing was deployed.
	ReasonBackupFailed ReasonCode = "backup-failed"
	// ReasonBackupRunning: the backup before a deploy was still running
	// when the wait for it ran out: nothing was deployed; /deploy again
	// waits for the same backup.
	ReasonBackupRunning ReasonCode = "backup-running"
)

// Reason codes of Refresh.
const (
	// ReasonFollowed: at least one deployment was found and brought up to date.
	ReasonFollowed ReasonCode = "deployments-followed"
	// ReasonNothingToFollow: no open pull request has a deployment to follow.
	ReasonNothingToFollow ReasonCode = "no-deployment-in-progress"
	// ReasonRefreshFailed: some pull requests could not be refreshed (the
	// others were).
	ReasonRefreshFailed ReasonCode = "refresh-failed"
)

// ReasonCodes lists every reason code the engine gives, besides the
// deployment states a command's done decision carries: the README's table
// is checked against it.
var ReasonCodes = []ReasonCode{
	ReasonPlanned, ReasonLintOnly, ReasonNoSchemaChange, ReasonNoConfig, ReasonCheckFailed, ReasonConfigInvalid, ReasonInputsInvalid,
	ReasonPRClosed, ReasonActionNotHandled, ReasonSchemaFolder, ReasonMergedNotDeployed,
	ReasonNotACommand, ReasonBadCommand, ReasonBotAuthor, ReasonNotAPR, ReasonCommentEdited, ReasonCommentGone, ReasonHelp,
	ReasonPermission, ReasonTeam, ReasonClosed, ReasonDraft, ReasonFork, ReasonStalePlan, ReasonLintErrors, ReasonNotDeployable,
	ReasonApprovals, ReasonDrift, ReasonUnknownTables, ReasonWhichDatabase, ReasonWrongState, ReasonNoPlan, ReasonNoPlanetScale,
	ReasonFollowTimeout, ReasonNotReviewed, ReasonBaseBranch, ReasonUnverified, ReasonDeployUnknown,
	ReasonPlanetScaleError, ReasonBackupFailed, ReasonBackupRunning, ReasonFollowed, ReasonNothingToFollow, ReasonRefreshFailed,
}
