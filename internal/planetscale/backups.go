package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Backup retention units (CreateBackupRequest.RetentionUnit).
const (
	RetentionHour  = "hour"
	RetentionDay   = "day"
	RetentionWeek  = "week"
	RetentionMonth = "month"
	RetentionYear  = "year"
)

// The service token accesses the backup calls need: PlanetScale answers 403
// without them, and the error then names the one to add.
const (
	AccessReadBackups   = "read_backups"
	AccessWriteBackups  = "write_backups"
	AccessDeleteBackups = "delete_backups"
)

// CreateBackupRequest is the body of POST /branches/{branch}/backups.
type CreateBackupRequest struct {
	// Name of the backup; CreateBackup uses it to find a backup whose create
	// response was lost, so make it unique to the call.
	Name string `json:"name,omitempty"`
	// RetentionUnit is one of RetentionHour ... RetentionYear; with
	// RetentionValue (1 to 1000) it says how long the backup is kept.
	RetentionUnit  string `json:"retention_unit,omitempty"`
	RetentionValue int    `json:"retention_value,omitempty"`
}

func backupsPath(org, db, branch string) string { return branchPath(org, db, branch) + "/backups" }

// CreateBackup starts a backup of a branch (201; the backup is pending,
// follow it with GetBackup). When the POST fails in a way that leaves open
// whether the backup was started (a 5xx or a network error) and req has a
// Name, CreateBackup lists the branch's backups and returns the one of that
// name if there is one, and repeats the create otherwise. Without a name it
// is never repeated after such a failure. A token without the write_backups
// access gets an error that says so (IsForbidden, MissingAccess).
func (c *Client) CreateBackup(ctx context.Context, org, db, branch string, req CreateBackupRequest) (*Backup, error) {
	op := fmt.Sprintf("create backup %q of branch %q", req.Name, branch)
	create := func() (*Backup, error) {
		return fetch[Backup](ctx, c, &request{op: op, method: http.MethodPost, path: backupsPath(org, db, branch), body: req, policy: retryRefused, access: AccessWriteBackups})
	}
	if req.Name == "" {
		return create()
	}
	return retryAmbiguous(ctx, c, op, create, func() (*Backup, bool, error) {
		all, err := c.ListBackups(ctx, org, db, branch)
		if err != nil {
			return nil, false, err
		}
		for i := range all {
			if all[i].Name == req.Name && all[i].DeletedAt == nil {
				return &all[i], true, nil
			}
		}
		return nil, false, nil
	})
}

// GetBackup returns a backup of a branch; IsNotFound(err) when there is none
// with that id.
func (c *Client) GetBackup(ctx context.Context, org, db, branch, id string) (*Backup, error) {
	op := fmt.Sprintf("get backup %q of branch %q", id, branch)
	return fetch[Backup](ctx, c, &request{op: op, method: http.MethodGet, path: backupsPath(org, db, branch) + "/" + url.PathEscape(id), access: AccessReadBackups})
}

// ListBackups returns the backups of a branch (all pages).
func (c *Client) ListBackups(ctx context.Context, org, db, branch string) ([]Backup, error) {
	return listAllNeeding[Backup](ctx, c, fmt.Sprintf("list backups of branch %q", branch), backupsPath(org, db, branch), nil, AccessReadBackups)
}

// DeleteBackup deletes a backup (204). A retry that finds it gone after an
// earlier attempt failed ambiguously counts as success.
func (c *Client) DeleteBackup(ctx context.Context, org, db, branch, id string) error {
	op := fmt.Sprintf("delete backup %q of branch %q", id, branch)
	return c.do(ctx, &request{op: op, method: http.MethodDelete, path: backupsPath(org, db, branch) + "/" + url.PathEscape(id), goneOK: true, access: AccessDeleteBackups})
}
