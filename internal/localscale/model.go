package localscale

import (
	"time"

	"github.com/ddlbot/ddlbot/internal/planetscale"
)

// The model below is both the in-memory state and, as JSON, the state file.
// Every time is absolute, so a restarted server resumes each clock where it
// was. Schemas are stored once per content (by hash) and shared by branches.

const stateVersion = 1

// state is everything the emulator knows.
type state struct {
	Version int `json:"version"`
	// TokenID and Token are the generated service token, kept so that a
	// restarted emulator accepts the same credentials.
	TokenID string               `json:"token_id,omitempty"`
	Token   string               `json:"token,omitempty"`
	Orgs    map[string]*orgState `json:"organizations"`
	// Schemas maps a schema hash to its CREATE statements.
	Schemas map[string][]string `json:"schemas"`
	// FailBackups is how many of the next backups end failed (FailBackups).
	FailBackups int `json:"fail_backups,omitempty"`
}

type orgState struct {
	Name      string               `json:"name"`
	Databases map[string]*database `json:"databases"`
}

type database struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Org             string `json:"organization"`
	Region          string `json:"region"`
	RequireApproval bool   `json:"require_approval_for_deploy"`
	ForeignKeys     bool   `json:"foreign_keys_enabled"`
	// MigrationTable and MigrationFramework: migration data copying (see Config).
	MigrationTable     string           `json:"migration_table_name"`
	MigrationFramework string           `json:"migration_framework"`
	CreatedAt          time.Time        `json:"created_at"`
	UpdatedAt          time.Time        `json:"updated_at"`
	Branches           []*branch        `json:"branches"`
	DeployRequests     []*deployRequest `json:"deploy_requests"`
	Webhooks           []*webhook       `json:"webhooks"`
	// Queue holds the numbers of the deploy requests that wait for, or hold,
	// the database's single deploy slot, in order.
	Queue []int `json:"queue"`
	// SlotFreeAt is when the deploy slot was last released.
	SlotFreeAt time.Time `json:"slot_free_at"`
}

type branch struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Parent          string      `json:"parent_branch"`
	Production      bool        `json:"production"`
	SafeMigrations  bool        `json:"safe_migrations"`
	Actor           string      `json:"actor"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
	ReadyAt         time.Time   `json:"ready_at"`
	ReadyNotified   bool        `json:"ready_notified"`
	SchemaUpdatedAt *time.Time  `json:"schema_last_updated_at"`
	Schema          string      `json:"schema"`
	Base            string      `json:"base"`
	Passwords       []*password `json:"passwords"`
	Backups         []*backup   `json:"backups,omitempty"`
	Anomalies       []*anomaly  `json:"anomalies,omitempty"`
}

type password struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Username  string     `json:"username"`
	PlainText string     `json:"plain_text"`
	Actor     string     `json:"actor"`
	TTL       *int       `json:"ttl_seconds"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	LastUsed  *time.Time `json:"last_used_at"`
}

type deployRequest struct {
	ID              string     `json:"id"`
	Number          int        `json:"number"`
	Actor           string     `json:"actor"`
	Branch          string     `json:"branch"`
	BranchID        string     `json:"branch_id"`
	IntoBranch      string     `json:"into_branch"`
	Notes           string     `json:"notes"`
	State           string     `json:"state"`
	ClosedBy        string     `json:"closed_by,omitempty"`
	ClosedAt        *time.Time `json:"closed_at"`
	BranchDeleted   bool       `json:"branch_deleted"`
	BranchDeletedBy string     `json:"branch_deleted_by,omitempty"`
	BranchDeletedAt *time.Time `json:"branch_deleted_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	DeployedAt      *time.Time `json:"deployed_at"`
	Reviews         []*review  `json:"reviews"`
	D               deployment `json:"deployment"`
}

type review struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	Body      string    `json:"body"`
	Actor     string    `json:"actor"`
	Dismissed bool      `json:"dismissed"`
	CreatedAt time.Time `json:"created_at"`
}

// deployment is the deploy of a deploy request: its checks, its operations and
// its place in the state machine. StateAt is when State was entered; timed
// states leave at StateAt + their duration.
type deployment struct {
	ID               string     `json:"id"`
	State            string     `json:"state"`
	StateAt          time.Time  `json:"state_at"`
	ChecksDueAt      *time.Time `json:"checks_due_at"`
	AutoCutover      bool       `json:"auto_cutover"`
	AutoDeleteBranch bool       `json:"auto_delete_branch"`
	InstantDDL       bool       `json:"instant_ddl"`
	InstantEligible  bool       `json:"instant_ddl_eligible"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	QueuedAt         *time.Time `json:"queued_at"`
	SubmittedAt      *time.Time `json:"submitted_at"`
	StartedAt        *time.Time `json:"started_at"`
	ReadyToCutoverAt *time.Time `json:"ready_to_cutover_at"`
	CutoverAt        *time.Time `json:"cutover_at"`
	FinishedAt       *time.Time `json:"finished_at"`
	CancelledAt      *time.Time `json:"cancelled_at"`
	// SchemaAt is when the checks last computed the diff.
	SchemaAt *time.Time `json:"schema_at"`
	// Revert window.
	RevertID        string     `json:"revert_id,omitempty"`
	RevertCreatedAt *time.Time `json:"revert_created_at"`
	RevertWindowEnd *time.Time `json:"revert_window_end"`
	RevertState     string     `json:"revert_state,omitempty"`
	// Result is the into-branch schema the deploy produces; Previous is the
	// into-branch schema it replaced (for revert). Both are schema hashes.
	Result   string `json:"result,omitempty"`
	Previous string `json:"previous,omitempty"`
	// HoldsSlot is set while the deployment occupies the deploy slot.
	HoldsSlot      bool                    `json:"holds_slot"`
	Ops            []*operation            `json:"operations"`
	LintErrors     []planetscale.LintError `json:"lint_errors"`
	CheckErrors    *string                 `json:"deploy_check_errors"`
	Actor          string                  `json:"actor,omitempty"`
	CutoverActor   string                  `json:"cutover_actor,omitempty"`
	CancelledActor string                  `json:"cancelled_actor,omitempty"`
}

// operation is the change to one table or view.
type operation struct {
	ID          string        `json:"id"`
	Table       string        `json:"table_name"`
	Name        string        `json:"operation_name"`
	DDL         string        `json:"ddl_statement"`
	Raw         string        `json:"raw"`
	CanDropData bool          `json:"can_drop_data"`
	Instant     bool          `json:"instant"`
	Duration    time.Duration `json:"duration"`
	CreatedAt   time.Time     `json:"created_at"`
}

// webhook is stored in the shape the API serves (secret included).
type webhook = planetscale.Webhook

func (db *database) branch(name string) *branch {
	for _, b := range db.Branches {
		if b.Name == name {
			return b
		}
	}
	return nil
}

func (db *database) deployRequest(n int) *deployRequest {
	if n < 1 || n > len(db.DeployRequests) {
		return nil
	}
	return db.DeployRequests[n-1]
}

func (db *database) production() *branch {
	for _, b := range db.Branches {
		if b.Production {
			return b
		}
	}
	return nil
}

func (db *database) removeFromQueue(n int) {
	for i, q := range db.Queue {
		if q == n {
			db.Queue = append(db.Queue[:i:i], db.Queue[i+1:]...)
			return
		}
	}
}

func ptr[T any](v T) *T { return &v }
