package localscale

import (
	"net/http"
	"slices"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// Backups: POST /branches/{branch}/backups starts a backup of the branch,
// pending for Config.BackupStartDelay, then running for
// Config.BackupDuration, then success (or failed, when armed with
// FailBackups). A backup with a retention disappears when it expires. Its
// size is Config.BackupSize, or 64 KiB per table of the branch when the
// backup starts.

// Backup defaults.
const (
	defaultBackupStartDelay = time.Second
	defaultBackupDuration   = 30 * time.Second
	backupBytesPerTable     = 64 << 10
	// storageCostPerGB is what estimated_storage_cost assumes per GB
	// (a stand-in, not PlanetScale's price list).
	storageCostPerGB = 0.023
)

// backup is one backup of a branch.
type backup struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	State          string     `json:"state"`
	Actor          string     `json:"actor"`
	Size           int64      `json:"size"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	RunningAt      time.Time  `json:"running_at"`
	DoneAt         time.Time  `json:"done_at"`
	StartedAt      *time.Time `json:"started_at"`
	CompletedAt    *time.Time `json:"completed_at"`
	ExpiresAt      *time.Time `json:"expires_at"`
	RetentionUnit  string     `json:"retention_unit,omitempty"`
	RetentionValue int        `json:"retention_value,omitempty"`
	// Fail makes the backup end failed instead of success.
	Fail bool `json:"fail,omitempty"`
}

// FailBackups makes the next n backups that are created end in state
// failed instead of success.
func (s *Server) FailBackups(n int) {
	s.update(func(time.Time) { s.st.FailBackups += n; s.dirty = true })
}

// DenyAccess makes the API answer 403 to the calls that need one of these
// service token accesses (read_backups, write_backups, delete_backups), as
// PlanetScale does for a token created without them.
func (s *Server) DenyAccess(access ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range access {
		if !slices.Contains(s.denied, a) {
			s.denied = append(s.denied, a)
		}
	}
}

// AllowAccess undoes DenyAccess for these accesses.
func (s *Server) AllowAccess(access ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied = slices.DeleteFunc(s.denied, func(a string) bool { return slices.Contains(access, a) })
}

// Backups returns the backups of a branch as the API shows them, oldest
// first (for tests that compare their times with a deployment's).
func (s *Server) Backups(org, db, branchName string) ([]ps.Backup, error) {
	var out []ps.Backup
	var err error
	s.update(func(now time.Time) {
		var b *branch
		if _, b, err = s.findBranch(org, db, branchName); err != nil {
			return
		}
		for _, bk := range b.Backups {
			out = append(out, renderBackup(b, bk))
		}
	})
	return out, err
}

// forbidden is the 403 of a call that needs a denied access (under the lock).
func (s *Server) forbidden(access string) *apiError {
	if !slices.Contains(s.denied, access) {
		return nil
	}
	return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: "The service token does not have the " + access + " access"}
}

// backupSteps offers the backups' next transitions to try (see nextStep).
func backupSteps(b *branch, try func(time.Time, func(time.Time))) {
	for _, bk := range b.Backups {
		switch bk.State {
		case ps.BackupPending:
			try(bk.RunningAt, func(t time.Time) {
				bk.State, bk.StartedAt, bk.UpdatedAt = ps.BackupRunning, ptr(t), t
			})
		case ps.BackupRunning:
			try(bk.DoneAt, func(t time.Time) {
				bk.State, bk.UpdatedAt = ps.BackupSuccess, t
				if bk.Fail {
					bk.State = ps.BackupFailed
				} else {
					bk.CompletedAt = ptr(t)
				}
			})
		}
		if bk.ExpiresAt != nil && (bk.State == ps.BackupSuccess || bk.State == ps.BackupFailed) {
			try(*bk.ExpiresAt, func(time.Time) {
				b.Backups = slices.DeleteFunc(b.Backups, func(o *backup) bool { return o == bk })
			})
		}
	}
}

// retention turns a retention into a duration (months and years as 30 and
// 365 days).
func retention(unit string, value int) (time.Duration, bool) {
	per := map[string]time.Duration{ps.RetentionHour: time.Hour, ps.RetentionDay: 24 * time.Hour, ps.RetentionWeek: 7 * 24 * time.Hour,
		ps.RetentionMonth: 30 * 24 * time.Hour, ps.RetentionYear: 365 * 24 * time.Hour}[unit]
	return per * time.Duration(value), per != 0
}

func renderBackup(b *branch, bk *backup) ps.Backup {
	return ps.Backup{
		ID: bk.ID, Name: bk.Name, State: bk.State, Size: bk.Size,
		EstimatedStorageCost: float64(bk.Size) / 1e9 * storageCostPerGB,
		CreatedAt:            bk.CreatedAt, UpdatedAt: bk.UpdatedAt, StartedAt: bk.StartedAt, ExpiresAt: bk.ExpiresAt,
		CompletedAt: bk.CompletedAt, PVCSize: bk.Size, RestoredBranches: []ps.BranchRef{}, Actor: actorPtr(bk.Actor),
		DatabaseBranch: ps.BranchRef{ID: b.ID, Name: b.Name, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt},
	}
}

func (s *Server) listBackups(now time.Time, c *reqCtx) (int, any, *apiError) {
	return listed(c, newestFirst(c.branch.Backups), func(bk *backup) ps.Backup { return renderBackup(c.branch, bk) })
}

func (s *Server) createBackup(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, b := c.db, c.branch
	var body struct {
		Name           string `json:"name"`
		RetentionUnit  string `json:"retention_unit"`
		RetentionValue *int   `json:"retention_value"`
		Emergency      bool   `json:"emergency"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.Emergency {
		return 0, nil, errInvalid("emergency backups are only supported for PostgreSQL databases")
	}
	if len(body.Name) > 255 {
		return 0, nil, errInvalid("name is too long (at most 255 characters)")
	}
	bk := &backup{ID: randString(12), Name: body.Name, State: ps.BackupPending, Actor: c.actor, CreatedAt: now, UpdatedAt: now,
		RunningAt: now.Add(s.cfg.BackupStartDelay), Size: s.cfg.BackupSize}
	bk.DoneAt = bk.RunningAt.Add(s.cfg.BackupDuration)
	if bk.Name == "" {
		bk.Name = now.UTC().Format("2006.01.02 15:04:05")
	}
	switch {
	case body.RetentionUnit == "" && body.RetentionValue == nil:
	case body.RetentionUnit == "" || body.RetentionValue == nil:
		return 0, nil, errInvalid("give retention_unit and retention_value together")
	default:
		if *body.RetentionValue < 1 || *body.RetentionValue > 1000 {
			return 0, nil, errInvalid("retention_value must be between 1 and 1000, not %d", *body.RetentionValue)
		}
		keep, ok := retention(body.RetentionUnit, *body.RetentionValue)
		if !ok {
			return 0, nil, errInvalid("retention_unit %q is not one of hour, day, week, month, year", body.RetentionUnit)
		}
		bk.RetentionUnit, bk.RetentionValue, bk.ExpiresAt = body.RetentionUnit, *body.RetentionValue, ptr(now.Add(keep))
	}
	if bk.Size == 0 {
		tables := 0
		if sch := s.sch.get(b.Schema); sch != nil {
			tables = len(sch.Tables())
		}
		bk.Size = int64(max(tables, 1)) * backupBytesPerTable
	}
	if s.st.FailBackups > 0 {
		s.st.FailBackups--
		bk.Fail = true
	}
	b.Backups = append(b.Backups, bk)
	s.dirty = true
	s.log.Info("localscale: backup created", "database", d.Name, "branch", b.Name, "backup", bk.Name)
	return http.StatusCreated, renderBackup(b, bk), nil
}

func (s *Server) findBackup(c *reqCtx) (*branch, int, *apiError) {
	b := c.branch
	for i, bk := range b.Backups {
		if bk.ID == c.path("id") {
			return b, i, nil
		}
	}
	return nil, 0, errNotFound()
}

func (s *Server) getBackup(now time.Time, c *reqCtx) (int, any, *apiError) {
	b, i, aerr := s.findBackup(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, renderBackup(b, b.Backups[i]), nil
}

func (s *Server) deleteBackup(now time.Time, c *reqCtx) (int, any, *apiError) {
	b, i, aerr := s.findBackup(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	b.Backups = append(b.Backups[:i:i], b.Backups[i+1:]...)
	s.dirty = true
	return http.StatusNoContent, nil, nil
}
