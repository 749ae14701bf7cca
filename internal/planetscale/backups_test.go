package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const backupJSON = `{"id":"bk1","name":"ddlbot-pr-7-dr-3","state":"running","size":2048,"estimated_storage_cost":0.25,` +
	`"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:06Z","started_at":"2025-01-02T03:04:06Z",` +
	`"expires_at":"2025-01-09T03:04:05Z","completed_at":null,"deleted_at":null,"pvc_size":4096,"protected":false,"required":false,` +
	`"restored_branches":[],"actor":{"id":"u1","display_name":"bot","avatar_url":""},"backup_policy":null,"schema_snapshot":null,` +
	`"database_branch":{"id":"br0","name":"main","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","deleted_at":null}}`

func TestBackupEndpoints(t *testing.T) {
	const br = "/v1/organizations/my-org/databases/my-db/branches/main/backups"
	testEndpoints(t, []endpointCase{
		{
			name: "create",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateBackup(ctx, "my-org", "my-db", "main", CreateBackupRequest{Name: "ddlbot-pr-7-dr-3", RetentionUnit: RetentionDay, RetentionValue: 7})
			},
			method: "POST", path: br, body: `{"name":"ddlbot-pr-7-dr-3","retention_unit":"day","retention_value":7}`, status: 201, resp: backupJSON,
			check: func(t *testing.T, v any) { checkBackup(t, v.(*Backup)) },
		},
		{
			name: "get",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetBackup(ctx, "my-org", "my-db", "main", "bk1")
			},
			method: "GET", path: br + "/bk1", status: 200, resp: backupJSON,
			check: func(t *testing.T, v any) { checkBackup(t, v.(*Backup)) },
		},
		{
			name: "list",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListBackups(ctx, "my-org", "my-db", "main")
			},
			method: "GET", path: br, query: "page=1&per_page=100", status: 200, resp: `{"type":"list","current_page":1,"next_page":null,"data":[` + backupJSON + `]}`,
			check: func(t *testing.T, v any) {
				bs := v.([]Backup)
				if len(bs) != 1 {
					t.Fatalf("%d backups", len(bs))
				}
				checkBackup(t, &bs[0])
			},
		},
		{
			name: "delete",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteBackup(ctx, "my-org", "my-db", "main", "bk1")
			},
			method: "DELETE", path: br + "/bk1", status: 204, noResponse: true,
		},
	})
}

// checkBackup checks a backup decoded from backupJSON.
func checkBackup(t *testing.T, b *Backup) {
	t.Helper()
	if b.ID != "bk1" || b.State != BackupRunning || b.Size != 2048 || b.ExpiresAt == nil || b.CompletedAt != nil || b.DatabaseBranch.Name != "main" || b.Done() {
		t.Errorf("backup = %+v", b)
	}
}

// A lost create response is looked up by name, not repeated.
func TestCreateBackupRecheck(t *testing.T) {
	h := lostCreates(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"type":"list","current_page":1,"next_page":null,"data":[`+backupJSON+`]}`)
	})
	b, err := h.c.CreateBackup(context.Background(), "o", "d", "main", CreateBackupRequest{Name: "ddlbot-pr-7-dr-3"})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != "bk1" || h.countMethod("POST") != 1 || h.countMethod("GET") != 1 {
		t.Errorf("backup %+v after %d creates and %d lists", b, h.countMethod("POST"), h.countMethod("GET"))
	}
}

// A 403 names the access the token lacks, for each call.
func TestBackupForbiddenNamesAccess(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 403, `{"code":"forbidden","message":"Forbidden"}`)
	}, nil)
	ctx := context.Background()
	_, createErr := h.c.CreateBackup(ctx, "o", "d", "main", CreateBackupRequest{Name: "x"})
	_, getErr := h.c.GetBackup(ctx, "o", "d", "main", "bk1")
	_, listErr := h.c.ListBackups(ctx, "o", "d", "main")
	delErr := h.c.DeleteBackup(ctx, "o", "d", "main", "bk1")
	for _, tt := range []struct {
		err    error
		access string
	}{{createErr, AccessWriteBackups}, {getErr, AccessReadBackups}, {listErr, AccessReadBackups}, {delErr, AccessDeleteBackups}} {
		if !IsForbidden(tt.err) {
			t.Errorf("%v: not IsForbidden", tt.err)
		}
		if a, ok := MissingAccess(tt.err); !ok || a != tt.access {
			t.Errorf("%v: MissingAccess = %q, %v; want %q", tt.err, a, ok, tt.access)
		}
		if !strings.Contains(tt.err.Error(), "the service token lacks the "+tt.access+" access") {
			t.Errorf("error does not name the access: %v", tt.err)
		}
		noSecret(t, tt.err)
	}
	if n := len(h.requests()); n != 4 {
		t.Errorf("%d requests: a 403 must not be retried", n)
	}
	// Calls that know no access say nothing of one.
	_, err := h.c.GetBranch(ctx, "o", "d", "main")
	if _, ok := MissingAccess(err); ok || strings.Contains(err.Error(), "lacks") || !IsForbidden(err) {
		t.Errorf("get branch: %v", err)
	}
}

func TestAnomalyEndpoints(t *testing.T) {
	const path = "/v1/organizations/o/databases/d/branches/main/insights/anomalies"
	const one = `{"id":"an1","period_start":"2025-01-02T03:04:05Z","period_end":null,"minutes_in_violation":7,"active":true,"duration":420.5,` +
		`"metrics_start":"2025-01-02T02:04:05Z","metrics_end":null,"correlations":[{"id":"c1","r":0.93,"keyspace":"app","fingerprint":"f1","normalized_sql":"select * from users","tablet_type":"primary"}]}`
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/an1") {
			reply(w, 200, one)
			return
		}
		reply(w, 200, `{"data":[`+one+`]}`)
	}, nil)
	ctx := context.Background()
	all, err := h.c.ListAnomalies(ctx, "o", "d", "main")
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.c.GetAnomaly(ctx, "o", "d", "main", "an1")
	if err != nil {
		t.Fatal(err)
	}
	reqs := h.requests()
	if len(all) != 1 || all[0].ID != "an1" || !all[0].Active || all[0].PeriodEnd != nil || all[0].MinutesInViolation != 7 ||
		len(a.Correlations) != 1 || a.Correlations[0].R != 0.93 || reqs[0].Path != path || reqs[1].Path != path+"/an1" {
		t.Fatalf("anomalies %+v, %+v; requests %+v", all, a, reqs)
	}
	h2 := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 403, `{"code":"forbidden"}`) }, nil)
	if _, err := h2.c.ListAnomalies(ctx, "o", "d", "main"); !strings.Contains(fmt.Sprint(err), "lacks the read_database access") {
		t.Errorf("403: %v", err)
	}
}
