package localscale

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/pscontract"
)

const backupsPath = dbPath + "/branches/main/backups"

// A backup goes pending → running → success on the clock, is listed, read,
// expires with its retention and can be deleted.
func TestBackupLifecycle(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BackupStartDelay = 2 * time.Second; c.BackupDuration = 10 * time.Second })
	status, data := h.call("POST", backupsPath, map[string]any{"name": "ddlbot-pr-7-dr-1", "retention_unit": "day", "retention_value": 7})
	pscontract.CheckResponse(t, "create_backup", status, data)
	var bk ps.Backup
	if err := json.Unmarshal(data, &bk); err != nil {
		t.Fatal(err)
	}
	created := h.clock.Now()
	if status != 201 || bk.State != ps.BackupPending || bk.Name != "ddlbot-pr-7-dr-1" || bk.ExpiresAt == nil || !bk.ExpiresAt.Equal(created.Add(7*24*time.Hour)) ||
		bk.Size != 2*backupBytesPerTable || bk.DatabaseBranch.Name != "main" || bk.StartedAt != nil {
		t.Fatalf("created %d %+v", status, bk)
	}
	get := func() ps.Backup {
		t.Helper()
		var got ps.Backup
		h.must("GET", backupsPath+"/"+bk.ID, nil, 200, &got)
		return got
	}
	h.clock.Advance(2 * time.Second)
	if got := get(); got.State != ps.BackupRunning || got.StartedAt == nil || !got.StartedAt.Equal(created.Add(2*time.Second)) {
		t.Fatalf("after 2s: %+v", got)
	}
	h.clock.Advance(9 * time.Second)
	if got := get(); got.State != ps.BackupRunning {
		t.Fatalf("after 11s: %s", got.State)
	}
	h.clock.Advance(time.Second)
	// The API documents the backup's shape on create only; a read one is the same.
	_, data = h.call("GET", backupsPath+"/"+bk.ID, nil)
	pscontract.CheckResponse(t, "create_backup", 201, data)
	got := get()
	if got.State != ps.BackupSuccess || got.CompletedAt == nil || !got.CompletedAt.Equal(created.Add(12*time.Second)) || !got.Done() {
		t.Fatalf("after 12s: %+v", got)
	}
	// The list is newest first; a second backup without retention never expires.
	h.must("POST", backupsPath, map[string]any{"name": "second"}, 201, nil)
	var l ps.List[ps.Backup]
	h.must("GET", backupsPath, nil, 200, &l)
	if len(l.Data) != 2 || l.Data[0].Name != "second" || l.Data[1].Name != "ddlbot-pr-7-dr-1" || l.Data[0].ExpiresAt != nil {
		t.Fatalf("list %+v", l.Data)
	}
	h.clock.Advance(7 * 24 * time.Hour)
	h.must("GET", backupsPath+"/"+bk.ID, nil, 404, nil)
	h.must("GET", backupsPath, nil, 200, &l)
	if len(l.Data) != 1 || l.Data[0].State != ps.BackupSuccess {
		t.Fatalf("after the retention: %+v", l.Data)
	}
	h.must("DELETE", backupsPath+"/"+l.Data[0].ID, nil, 204, nil)
	h.must("DELETE", backupsPath+"/"+l.Data[0].ID, nil, 404, nil)
	h.must("GET", backupsPath, nil, 200, &l)
	if len(l.Data) != 0 {
		t.Fatalf("after delete: %+v", l.Data)
	}
}

func TestBackupBadRequests(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		body any
		want string
	}{
		{map[string]any{"retention_unit": "day"}, "together"},
		{map[string]any{"retention_unit": "fortnight", "retention_value": 2}, "retention_unit"},
		{map[string]any{"retention_unit": "day", "retention_value": 1001}, "between 1 and 1000"},
		{map[string]any{"emergency": true}, "PostgreSQL"},
		{map[string]any{"name": 7}, "name must be a string"},
	} {
		status, data := h.call("POST", backupsPath, tt.body)
		if status != 422 || !strings.Contains(string(data), tt.want) {
			t.Errorf("%v: %d %s, want 422 with %q", tt.body, status, data, tt.want)
		}
	}
	h.must("POST", dbPath+"/branches/nope/backups", map[string]any{}, 404, nil)
	// Without a name the backup is named after its time.
	var bk ps.Backup
	h.must("POST", backupsPath, map[string]any{}, 201, &bk)
	if bk.Name != h.clock.Now().UTC().Format("2006.01.02 15:04:05") {
		t.Errorf("name %q", bk.Name)
	}
}

// FailBackups makes backups fail; DenyAccess answers 403 naming the access;
// a configured size wins.
func TestBackupFaults(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BackupSize = 5 << 20; c.DeniedAccess = []string{ps.AccessDeleteBackups} })
	h.s.FailBackups(1)
	var first, second ps.Backup
	h.must("POST", backupsPath, map[string]any{"name": "a"}, 201, &first)
	h.must("POST", backupsPath, map[string]any{"name": "b"}, 201, &second)
	h.clock.Advance(time.Minute)
	all, err := h.s.Backups("acme", "app", "main")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].State != ps.BackupFailed || all[0].CompletedAt != nil || all[1].State != ps.BackupSuccess || all[1].Size != 5<<20 {
		t.Fatalf("backups %+v", all)
	}
	status, data := h.call("DELETE", backupsPath+"/"+first.ID, nil)
	if status != 403 || !strings.Contains(string(data), ps.AccessDeleteBackups) {
		t.Fatalf("delete with the access denied: %d %s", status, data)
	}
	h.s.DenyAccess(ps.AccessWriteBackups, ps.AccessReadBackups)
	for _, c := range []struct{ method, path, access string }{
		{"POST", backupsPath, ps.AccessWriteBackups}, {"GET", backupsPath, ps.AccessReadBackups}, {"GET", backupsPath + "/" + first.ID, ps.AccessReadBackups},
	} {
		status, data := h.call(c.method, c.path, map[string]any{})
		if status != 403 || !strings.Contains(string(data), c.access) {
			t.Errorf("%s %s: %d %s", c.method, c.path, status, data)
		}
	}
	h.s.AllowAccess(ps.AccessReadBackups, ps.AccessWriteBackups, ps.AccessDeleteBackups)
	h.must("DELETE", backupsPath+"/"+first.ID, nil, 204, nil)
	if _, err := h.s.Backups("acme", "nope", "main"); err == nil {
		t.Error("Backups of a missing database: no error")
	}
}

// Backups survive a restart from the state file, and keep their clocks.
func TestBackupState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := NewFakeClock(time.Time{})
	h := newHarness(t, func(c *Config) { c.StatePath = path; c.Clock = clock })
	var bk ps.Backup
	h.must("POST", backupsPath, map[string]any{"name": "kept"}, 201, &bk)
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Org: "acme", Clock: clock, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clock.Advance(time.Minute)
	all, err := s.Backups("acme", "app", "main")
	if err != nil || len(all) != 1 || all[0].ID != bk.ID || all[0].State != ps.BackupSuccess {
		t.Fatalf("restored backups %+v, %v", all, err)
	}
}
