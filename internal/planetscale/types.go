package planetscale

import "time"

// The types below mirror PlanetScale's API (OpenAPI v1) field for field, as
// far as ddlbot uses them; localscale serves the same types. Timestamps that
// PlanetScale sends as null while unset are pointers.

// Actor is who did something.
type Actor struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	AvatarURL   string `json:"avatar_url"`
}

// List is PlanetScale's list envelope.
type List[T any] struct {
	Type        string  `json:"type"`
	CurrentPage int     `json:"current_page"`
	PerPage     int     `json:"per_page"`
	NextPage    *int    `json:"next_page"`
	NextPageURL *string `json:"next_page_url"`
	PrevPage    *int    `json:"prev_page"`
	PrevPageURL *string `json:"prev_page_url"`
	TotalCount  int     `json:"total_count,omitempty"`
	TotalPages  int     `json:"total_pages,omitempty"`
	Data        []T     `json:"data"`
}

// Database is a PlanetScale database.
type Database struct {
	Type                     string     `json:"type,omitempty"`
	ID                       string     `json:"id"`
	Name                     string     `json:"name"`
	URL                      string     `json:"url"`
	BranchesURL              string     `json:"branches_url"`
	BranchesCount            int        `json:"branches_count"`
	DevelopmentBranchesCount int        `json:"development_branches_count"`
	ProductionBranchesCount  int        `json:"production_branches_count"`
	HTMLURL                  string     `json:"html_url"`
	State                    string     `json:"state"`
	Ready                    bool       `json:"ready"`
	Sharded                  bool       `json:"sharded"`
	Region                   Region     `json:"region"`
	DefaultBranch            string     `json:"default_branch"`
	RequireApprovalForDeploy bool       `json:"require_approval_for_deploy"`
	AllowDataBranching       bool       `json:"allow_data_branching"`
	ForeignKeysEnabled       bool       `json:"foreign_keys_enabled"`
	AutomaticMigrations      bool       `json:"automatic_migrations"`
	Plan                     string     `json:"plan"`
	Kind                     string     `json:"kind"`
	CreatedAt                time.Time  `json:"created_at"`
	UpdatedAt                time.Time  `json:"updated_at"`
	SchemaLastUpdatedAt      *time.Time `json:"schema_last_updated_at"`

	OpenSchemaRecommendationsCount    int         `json:"open_schema_recommendations_count"`
	IssuesCount                       int         `json:"issues_count"`
	MultipleAdminsRequiredForDeletion bool        `json:"multiple_admins_required_for_deletion"`
	AtBackupRestoreBranchesLimit      bool        `json:"at_backup_restore_branches_limit"`
	AtDevelopmentBranchUsageLimit     bool        `json:"at_development_branch_usage_limit"`
	DataImport                        *DataImport `json:"data_import"`
	DefaultBranchShardCount           int         `json:"default_branch_shard_count"`
	DefaultBranchReadOnlyRegionsCount int         `json:"default_branch_read_only_regions_count"`
	DefaultBranchTableCount           int         `json:"default_branch_table_count"`
	Resizing                          bool        `json:"resizing"`
	ResizeQueued                      bool        `json:"resize_queued"`
	RestrictBranchRegion              bool        `json:"restrict_branch_region"`
	InsightsRawQueries                bool        `json:"insights_raw_queries"`
	InsightsEnabled                   bool        `json:"insights_enabled"`
	ProductionBranchWebConsole        bool        `json:"production_branch_web_console"`
	MigrationTableName                string      `json:"migration_table_name"`
	MigrationFramework                string      `json:"migration_framework"`
}

// DataImport describes an import into a database (null for ddlbot's databases).
type DataImport struct {
	State             string           `json:"state"`
	ImportCheckErrors string           `json:"import_check_errors"`
	StartedAt         string           `json:"started_at"`
	FinishedAt        string           `json:"finished_at"`
	DataSource        DataImportSource `json:"data_source"`
}

// DataImportSource is where an import reads from.
type DataImportSource struct {
	Hostname string `json:"hostname"`
	Port     int    `json:"port"`
	Database string `json:"database"`
}

// BranchRef is the short form of a branch another one was restored from.
type BranchRef struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DeletedAt *time.Time `json:"deleted_at"`
}

// Region is where a database or branch runs.
type Region struct {
	ID                string   `json:"id"`
	Provider          string   `json:"provider"`
	Enabled           bool     `json:"enabled"`
	PublicIPAddresses []string `json:"public_ip_addresses"`
	DisplayName       string   `json:"display_name"`
	Location          string   `json:"location"`
	Slug              string   `json:"slug"`
	CurrentDefault    bool     `json:"current_default"`
}

// Branch states.
const (
	BranchPending = "pending"
	BranchReady   = "ready"
)

// Branch is a database branch.
type Branch struct {
	Type                        string     `json:"type,omitempty"`
	ID                          string     `json:"id"`
	Name                        string     `json:"name"`
	ParentBranch                string     `json:"parent_branch"`
	Production                  bool       `json:"production"`
	SafeMigrations              bool       `json:"safe_migrations"`
	Sharded                     bool       `json:"sharded"`
	ShardCount                  int        `json:"shard_count"`
	Ready                       bool       `json:"ready"`
	SchemaReady                 bool       `json:"schema_ready"`
	State                       string     `json:"state"`
	Kind                        string     `json:"kind"`
	HTMLURL                     string     `json:"html_url"`
	URL                         string     `json:"url"`
	MySQLAddress                string     `json:"mysql_address"`
	MySQLEdgeAddress            string     `json:"mysql_edge_address"`
	Region                      Region     `json:"region"`
	Actor                       Actor      `json:"actor"`
	CreatedAt                   time.Time  `json:"created_at"`
	UpdatedAt                   time.Time  `json:"updated_at"`
	DeletedAt                   *time.Time `json:"deleted_at"`
	SchemaLastUpdatedAt         *time.Time `json:"schema_last_updated_at"`
	RestoreChecklistCompletedAt *time.Time `json:"restore_checklist_completed_at"`
	RestoredFromBranch          *BranchRef `json:"restored_from_branch"`
	DirectVTGate                bool       `json:"direct_vtgate"`
	VTGateSize                  string     `json:"vtgate_size"`
	VTGateCount                 int        `json:"vtgate_count"`
	ClusterName                 string     `json:"cluster_name"`
	ClusterIOPS                 *int       `json:"cluster_iops"`
	Metal                       bool       `json:"metal"`
	StaleSchema                 bool       `json:"stale_schema"`
	PrivateEdgeConnectivity     bool       `json:"private_edge_connectivity"`
	HasReplicas                 bool       `json:"has_replicas"`
	HasReadOnlyReplicas         bool       `json:"has_read_only_replicas"`
}

// SchemaTable is one table of a branch's schema endpoint (and one entry of a
// deploy request's diff, where Raw carries +/- lines).
type SchemaTable struct {
	Name string `json:"name"`
	Raw  string `json:"raw"`
	HTML string `json:"html"`
}

// Password roles.
const (
	RoleReader     = "reader"
	RoleWriter     = "writer"
	RoleAdmin      = "admin"
	RoleReadWriter = "readwriter"
)

// Password is a credential for a branch. PlainText is only in the create response.
type Password struct {
	Type                   string         `json:"type,omitempty"`
	ID                     string         `json:"id"`
	Name                   string         `json:"name"`
	Role                   string         `json:"role"`
	CIDRs                  []string       `json:"cidrs"`
	Username               string         `json:"username"`
	PlainText              string         `json:"plain_text"`
	AccessHostURL          string         `json:"access_host_url"`
	AccessHostRegionalURL  string         `json:"access_host_regional_url"`
	AccessHostRegionalURLs []string       `json:"access_host_regional_urls"`
	DirectVTGate           bool           `json:"direct_vtgate"`
	DirectVTGateAddresses  []string       `json:"direct_vtgate_addresses"`
	TTLSeconds             *int           `json:"ttl_seconds"`
	Expired                bool           `json:"expired"`
	Replica                bool           `json:"replica"`
	Renewable              bool           `json:"renewable"`
	Region                 Region         `json:"region"`
	Actor                  Actor          `json:"actor"`
	DatabaseBranch         PasswordBranch `json:"database_branch"`
	CreatedAt              time.Time      `json:"created_at"`
	DeletedAt              *time.Time     `json:"deleted_at"`
	ExpiresAt              *time.Time     `json:"expires_at"`
	LastUsedAt             *time.Time     `json:"last_used_at"`
}

// PasswordBranch is the branch a password opens.
type PasswordBranch struct {
	ID                      string `json:"id"`
	Name                    string `json:"name"`
	Production              bool   `json:"production"`
	MySQLEdgeAddress        string `json:"mysql_edge_address"`
	PrivateEdgeConnectivity bool   `json:"private_edge_connectivity"`
}

// Deploy request states.
const (
	DeployRequestOpen   = "open"
	DeployRequestClosed = "closed"
)

// Deployment states (deploy_request.deployment_state and deployment.state).
const (
	StatePending                 = "pending"
	StateReady                   = "ready"
	StateNoChanges               = "no_changes"
	StateQueued                  = "queued"
	StateSubmitting              = "submitting"
	StateInProgress              = "in_progress"
	StatePendingCutover          = "pending_cutover"
	StateInProgressVSchema       = "in_progress_vschema"
	StateInProgressCancel        = "in_progress_cancel"
	StateInProgressCutover       = "in_progress_cutover"
	StateComplete                = "complete"
	StateCompleteCancel          = "complete_cancel"
	StateCompleteError           = "complete_error"
	StateCompletePendingRevert   = "complete_pending_revert"
	StateInProgressRevert        = "in_progress_revert"
	StateInProgressRevertVSchema = "in_progress_revert_vschema"
	StateCompleteRevert          = "complete_revert"
	StateCompleteRevertError     = "complete_revert_error"
	StateCancelled               = "cancelled"
	StateError                   = "error"
)

// DeployRequest is a request to deploy a branch's schema into another branch.
type DeployRequest struct {
	Type                 string      `json:"type,omitempty"`
	ID                   string      `json:"id"`
	Number               int         `json:"number"`
	Actor                Actor       `json:"actor"`
	ClosedBy             *Actor      `json:"closed_by"`
	Branch               string      `json:"branch"`
	BranchID             string      `json:"branch_id"`
	BranchDeleted        bool        `json:"branch_deleted"`
	BranchDeletedBy      *Actor      `json:"branch_deleted_by"`
	BranchDeletedAt      *time.Time  `json:"branch_deleted_at"`
	IntoBranch           string      `json:"into_branch"`
	IntoBranchSharded    bool        `json:"into_branch_sharded"`
	IntoBranchShardCount int         `json:"into_branch_shard_count"`
	Approved             bool        `json:"approved"`
	State                string      `json:"state"`
	DeploymentState      string      `json:"deployment_state"`
	Deployment           *Deployment `json:"deployment"`
	NumComments          int         `json:"num_comments"`
	HTMLURL              string      `json:"html_url"`
	Notes                string      `json:"notes"`
	HTMLBody             string      `json:"html_body"`
	CreatedAt            time.Time   `json:"created_at"`
	UpdatedAt            time.Time   `json:"updated_at"`
	ClosedAt             *time.Time  `json:"closed_at"`
	DeployedAt           *time.Time  `json:"deployed_at"`
}

// Deployment is the deploy of a deploy request: its state machine and operations.
type Deployment struct {
	Type                       string                   `json:"type,omitempty"`
	ID                         string                   `json:"id"`
	State                      string                   `json:"state"`
	AutoCutover                bool                     `json:"auto_cutover"`
	AutoDeleteBranch           bool                     `json:"auto_delete_branch"`
	IntoBranch                 string                   `json:"into_branch"`
	DeployRequestNumber        int                      `json:"deploy_request_number"`
	Deployable                 bool                     `json:"deployable"`
	PrecedingDeployments       []map[string]any         `json:"preceding_deployments"`
	DeployOperations           []DeployOperation        `json:"deploy_operations"`
	DeployOperationSummaries   []DeployOperationSummary `json:"deploy_operation_summaries"`
	LintErrors                 []LintError              `json:"lint_errors"`
	SequentialDiffDependencies []map[string]any         `json:"sequential_diff_dependencies"`
	LookupVindexOperations     []map[string]any         `json:"lookup_vindex_operations"`
	ThrottlerConfigurations    []map[string]any         `json:"throttler_configurations"`
	DeploymentRevertRequest    *RevertRequest           `json:"deployment_revert_request"`
	Actor                      *Actor                   `json:"actor"`
	CutoverActor               *Actor                   `json:"cutover_actor"`
	CancelledActor             *Actor                   `json:"cancelled_actor"`
	CutoverExpiring            bool                     `json:"cutover_expiring"`
	DeployCheckErrors          *string                  `json:"deploy_check_errors"`
	TableLocked                bool                     `json:"table_locked"`
	LockedTableName            *string                  `json:"locked_table_name"`
	InstantDDL                 bool                     `json:"instant_ddl"`
	InstantDDLEligible         bool                     `json:"instant_ddl_eligible"`
	CreatedAt                  time.Time                `json:"created_at"`
	UpdatedAt                  time.Time                `json:"updated_at"`
	QueuedAt                   *time.Time               `json:"queued_at"`
	SubmittedAt                *time.Time               `json:"submitted_at"`
	StartedAt                  *time.Time               `json:"started_at"`
	ReadyToCutoverAt           *time.Time               `json:"ready_to_cutover_at"`
	CutoverAt                  *time.Time               `json:"cutover_at"`
	FinishedAt                 *time.Time               `json:"finished_at"`
	SchemaLastUpdatedAt        *time.Time               `json:"schema_last_updated_at"`
}

// RevertRequest describes the revert window after a deploy.
type RevertRequest struct {
	ID                 string     `json:"id"`
	State              string     `json:"state"`
	WaitingPeriodEndAt *time.Time `json:"waiting_period_end_at"`
	CreatedAt          time.Time  `json:"created_at"`
}

// Deploy operation states.
const (
	OperationPending    = "pending"
	OperationQueued     = "queued"
	OperationInProgress = "in_progress"
	OperationComplete   = "complete"
	OperationCancelled  = "cancelled"
	OperationError      = "error"
)

// DeployOperation is the change to one table.
type DeployOperation struct {
	ID                     string     `json:"id"`
	State                  string     `json:"state"`
	KeyspaceName           string     `json:"keyspace_name"`
	TableName              string     `json:"table_name"`
	OperationName          string     `json:"operation_name"`
	ETASeconds             float64    `json:"eta_seconds"`
	ProgressPercentage     float64    `json:"progress_percentage"`
	DeployErrorDocsURL     *string    `json:"deploy_error_docs_url"`
	DDLStatement           string     `json:"ddl_statement"`
	SyntaxHighlightedDDL   string     `json:"syntax_highlighted_ddl"`
	CreatedAt              time.Time  `json:"created_at"`
	UpdatedAt              time.Time  `json:"updated_at"`
	ThrottledAt            *time.Time `json:"throttled_at"`
	CanDropData            bool       `json:"can_drop_data"`
	TableLocked            bool       `json:"table_locked"`
	TableRecentlyUsed      bool       `json:"table_recently_used"`
	TableRecentlyUsedAt    *time.Time `json:"table_recently_used_at"`
	RemovedForeignKeyNames []string   `json:"removed_foreign_key_names"`
	DeployErrors           *string    `json:"deploy_errors"`
}

// DeployOperationSummary groups the operations of one table across shards.
type DeployOperationSummary struct {
	ID                     string           `json:"id"`
	CreatedAt              time.Time        `json:"created_at"`
	DeployErrors           *string          `json:"deploy_errors"`
	DDLStatement           string           `json:"ddl_statement"`
	ETASeconds             int              `json:"eta_seconds"`
	KeyspaceName           string           `json:"keyspace_name"`
	OperationName          string           `json:"operation_name"`
	ProgressPercentage     float64          `json:"progress_percentage"`
	State                  string           `json:"state"`
	SyntaxHighlightedDDL   string           `json:"syntax_highlighted_ddl"`
	TableName              string           `json:"table_name"`
	TableRecentlyUsedAt    *time.Time       `json:"table_recently_used_at"`
	ThrottledAt            *time.Time       `json:"throttled_at"`
	RemovedForeignKeyNames []string         `json:"removed_foreign_key_names"`
	ShardCount             int              `json:"shard_count"`
	ShardNames             []string         `json:"shard_names"`
	CanDropData            bool             `json:"can_drop_data"`
	TableRecentlyUsed      bool             `json:"table_recently_used"`
	Sharded                bool             `json:"sharded"`
	Operations             []ShardOperation `json:"operations"`
}

// ShardOperation is an operation on one shard.
type ShardOperation struct {
	ID                 string  `json:"id"`
	Shard              string  `json:"shard"`
	State              string  `json:"state"`
	ProgressPercentage float64 `json:"progress_percentage"`
	ETASeconds         int     `json:"eta_seconds"`
}

// LintError is a schema problem that blocks a deploy request (PlanetScale lint codes).
type LintError struct {
	LintError        string `json:"lint_error"`
	SubjectType      string `json:"subject_type"`
	Keyspace         string `json:"keyspace_name"`
	TableName        string `json:"table_name"`
	ColumnName       string `json:"column_name"`
	ErrorDescription string `json:"error_description"`
	DocsURL          string `json:"docs_url"`
	// Code-specific details (charset_name, engine_name, enum_value, ...).
	CharsetName string `json:"charset_name,omitempty"`
	EngineName  string `json:"engine_name,omitempty"`
	EnumValue   string `json:"enum_value,omitempty"`
}

// Review is a review of a deploy request.
type Review struct {
	ID        string    `json:"id"`
	Body      string    `json:"body"`
	HTMLBody  string    `json:"html_body"`
	State     string    `json:"state"`
	Actor     Actor     `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Webhook is a database webhook. Secret signs the payloads.
type Webhook struct {
	ID              string     `json:"id"`
	URL             string     `json:"url"`
	Secret          string     `json:"secret"`
	Enabled         bool       `json:"enabled"`
	Events          []string   `json:"events"`
	LastSentResult  *string    `json:"last_sent_result"`
	LastSentSuccess *bool      `json:"last_sent_success"`
	LastSentAt      *time.Time `json:"last_sent_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// WebhookEvent is the body PlanetScale POSTs to a webhook.
type WebhookEvent struct {
	Timestamp    int64          `json:"timestamp"`
	Event        string         `json:"event"`
	Organization string         `json:"organization"`
	Database     string         `json:"database"`
	Resource     map[string]any `json:"resource"`
}

// Webhook events ddlbot uses.
const (
	EventDeployRequestOpened         = "deploy_request.opened"
	EventDeployRequestQueued         = "deploy_request.queued"
	EventDeployRequestInProgress     = "deploy_request.in_progress"
	EventDeployRequestPendingCutover = "deploy_request.pending_cutover"
	EventDeployRequestSchemaApplied  = "deploy_request.schema_applied"
	EventDeployRequestErrored        = "deploy_request.errored"
	EventDeployRequestReverted       = "deploy_request.reverted"
	EventDeployRequestClosed         = "deploy_request.closed"
	EventBranchReady                 = "branch.ready"
	EventBranchAnomaly               = "branch.anomaly"
	EventWebhookTest                 = "webhook.test"
)

// Backup states.
const (
	BackupPending  = "pending"
	BackupRunning  = "running"
	BackupSuccess  = "success"
	BackupFailed   = "failed"
	BackupCanceled = "canceled"
	BackupIgnored  = "ignored"
)

// Backup is a backup of a branch's data and schema.
type Backup struct {
	Type                 string          `json:"type,omitempty"`
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	State                string          `json:"state"`
	Size                 int64           `json:"size"`
	EstimatedStorageCost float64         `json:"estimated_storage_cost"`
	CreatedAt            time.Time       `json:"created_at"`
	UpdatedAt            time.Time       `json:"updated_at"`
	StartedAt            *time.Time      `json:"started_at"`
	ExpiresAt            *time.Time      `json:"expires_at"`
	CompletedAt          *time.Time      `json:"completed_at"`
	DeletedAt            *time.Time      `json:"deleted_at"`
	PVCSize              int64           `json:"pvc_size"`
	Protected            bool            `json:"protected"`
	Required             bool            `json:"required"`
	RestoredBranches     []BranchRef     `json:"restored_branches"`
	Actor                *Actor          `json:"actor"`
	BackupPolicy         *BackupPolicy   `json:"backup_policy"`
	SchemaSnapshot       *SchemaSnapshot `json:"schema_snapshot"`
	DatabaseBranch       BranchRef       `json:"database_branch"`
}

// Done reports whether the backup stopped changing (success, failed,
// canceled or ignored).
func (b *Backup) Done() bool {
	switch b.State {
	case BackupSuccess, BackupFailed, BackupCanceled, BackupIgnored:
		return true
	}
	return false
}

// BackupPolicy is the schedule that made a backup (null for one made on demand).
type BackupPolicy struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Target         string     `json:"target"`
	RetentionValue int        `json:"retention_value"`
	RetentionUnit  string     `json:"retention_unit"`
	FrequencyValue int        `json:"frequency_value"`
	FrequencyUnit  string     `json:"frequency_unit"`
	ScheduleTime   string     `json:"schedule_time"`
	ScheduleDay    int        `json:"schedule_day"`
	ScheduleWeek   int        `json:"schedule_week"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	LastRanAt      *time.Time `json:"last_ran_at"`
	NextRunAt      *time.Time `json:"next_run_at"`
	Required       bool       `json:"required"`
}

// SchemaSnapshot is the schema a backup holds.
type SchemaSnapshot struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	LintedAt  *time.Time `json:"linted_at"`
	URL       string     `json:"url"`
}
