package localscale

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func TestAuth(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name, header string
		status       int
	}{
		{"service token", "tid:tok", 200},
		{"bearer", "Bearer tok", 200},
		{"missing", "", 401},
		{"wrong token", "tid:nope", 401},
		{"wrong id", "other:tok", 401},
		{"wrong bearer", "Bearer tid:tok", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, body := h.call("GET", dbPath, nil, "Authorization", tc.header)
			if got != tc.status {
				t.Fatalf("status %d, want %d (%s)", got, tc.status, body)
			}
			if tc.status == 401 && strings.TrimSpace(string(body)) != `{"code":"unauthorized","message":"Unauthorized"}` {
				t.Errorf("401 body %s", body)
			}
		})
	}
	// Auth comes before routing: an unknown path without a token is 401 too.
	if got, _ := h.call("GET", "/nope", nil, "Authorization", ""); got != 401 {
		t.Errorf("unknown path without token: %d", got)
	}
}

func TestNotFound(t *testing.T) {
	h := newHarness(t)
	for _, p := range []string{
		"/organizations/other/databases/app",
		"/organizations/acme/databases/nope",
		dbPath + "/branches/nope",
		dbPath + "/branches/nope/schema",
		dbPath + "/deploy-requests/1",
		dbPath + "/deploy-requests/abc",
		dbPath + "/deploy-requests/1/deployment",
		dbPath + "/webhooks/nope",
		"/organizations/acme/databases/app/unknown-thing",
	} {
		got, body := h.call("GET", p, nil)
		if got != 404 || strings.TrimSpace(string(body)) != `{"code":"not_found","message":"Not Found"}` {
			t.Errorf("GET %s: %d %s", p, got, body)
		}
	}
	h.wantError("DELETE", dbPath+"/branches/nope", nil, 404, "not_found")
	h.wantError("POST", dbPath+"/deploy-requests/7/deploy", nil, 404, "not_found")
	h.wantError("DELETE", dbPath+"/branches/main/passwords/nope", nil, 404, "not_found")
	// Wrong method on a known path is a JSON 404 as well.
	h.wantError("PUT", dbPath+"/branches/main", nil, 404, "not_found")
}

func TestDatabases(t *testing.T) {
	h := newHarness(t)
	var db ps.Database
	h.must("POST", "/organizations/acme/databases", map[string]any{"name": "shop", "cluster_size": "PS_10", "require_approval_for_deploy": true}, 201, &db)
	if db.Name != "shop" || !db.RequireApprovalForDeploy || db.DefaultBranch != "main" || db.State != "ready" {
		t.Errorf("created database %+v", db)
	}
	h.must("GET", "/organizations/acme/databases/shop", nil, 200, &db)
	var main ps.Branch
	h.must("GET", "/organizations/acme/databases/shop/branches/main", nil, 200, &main)
	if !main.Production || !main.SafeMigrations || !main.Ready {
		t.Errorf("main branch %+v", main)
	}
	msg := h.wantError("POST", "/organizations/acme/databases", map[string]any{"name": "shop"}, 422, "invalid_params")
	if !strings.Contains(msg, "name") {
		t.Errorf("duplicate message %q", msg)
	}
	h.wantError("POST", "/organizations/acme/databases", map[string]any{}, 422, "invalid_params")
	h.wantError("POST", "/organizations/acme/databases", map[string]any{"name": "Bad_Name"}, 422, "invalid_params")
	msg = h.wantError("POST", "/organizations/acme/databases", map[string]any{"name": 5}, 422, "invalid_params")
	if !strings.Contains(msg, "name") {
		t.Errorf("type error message %q does not name the field", msg)
	}
	h.wantError("POST", "/organizations/acme/databases", "{not json", 422, "invalid_params")
	var list ps.List[ps.Database]
	h.must("GET", "/organizations/acme/databases", nil, 200, &list)
	if len(list.Data) != 2 || list.Type != "list" {
		t.Errorf("databases list %+v", list)
	}
}

func TestBranches(t *testing.T) {
	h := newHarness(t)
	var b ps.Branch
	h.must("POST", dbPath+"/branches", map[string]any{"name": "feature-1", "parent_branch": "main"}, 201, &b)
	if b.State != ps.BranchPending || b.Ready || b.ParentBranch != "main" || b.Production || b.SafeMigrations {
		t.Errorf("new branch %+v", b)
	}
	if b.MySQLAddress != "127.0.0.1:3307" {
		t.Errorf("mysql_address %q", b.MySQLAddress)
	}
	h.clock.Advance(time.Second)
	h.must("GET", dbPath+"/branches/feature-1", nil, 200, &b)
	if b.State != ps.BranchPending {
		t.Errorf("after 1s: %s", b.State)
	}
	h.clock.Advance(time.Second)
	h.must("GET", dbPath+"/branches/feature-1", nil, 200, &b)
	if b.State != ps.BranchReady || !b.Ready {
		t.Errorf("after 2s: %s ready=%v", b.State, b.Ready)
	}
	// The branch copies its parent's schema.
	if got := h.schema("feature-1"); len(got) != 2 || got["users"] == "" {
		t.Errorf("branch schema %v", got)
	}
	// Validation.
	for _, body := range []map[string]any{
		{"parent_branch": "main"},
		{"name": "x"},
		{"name": "Upper", "parent_branch": "main"},
		{"name": "under_score", "parent_branch": "main"},
		{"name": "-lead", "parent_branch": "main"},
		{"name": "ok", "parent_branch": "missing"},
		{"name": "feature-1", "parent_branch": "main"},
		{"name": "ok", "parent_branch": true},
	} {
		h.wantError("POST", dbPath+"/branches", body, 422, "invalid_params")
	}
	msg := h.wantError("POST", dbPath+"/branches", map[string]any{"name": "feature-1", "parent_branch": "main"}, 422, "invalid_params")
	if !strings.Contains(msg, "name") {
		t.Errorf("duplicate branch message %q", msg)
	}
	// Production branches cannot be deleted; others can.
	h.wantError("DELETE", dbPath+"/branches/main", nil, 422, "unprocessable")
	if got, body := h.call("DELETE", dbPath+"/branches/feature-1", nil); got != 204 || len(body) != 0 {
		t.Errorf("delete: %d %q", got, body)
	}
	h.wantError("GET", dbPath+"/branches/feature-1", nil, 404, "not_found")
}

func TestBranchListPagination(t *testing.T) {
	h := newHarness(t)
	for i := 0; i < 4; i++ {
		h.must("POST", dbPath+"/branches", map[string]any{"name": "b" + itoa(i), "parent_branch": "main"}, 201, nil)
	}
	var l ps.List[ps.Branch]
	h.must("GET", dbPath+"/branches?per_page=2", nil, 200, &l)
	if l.Type != "list" || l.CurrentPage != 1 || l.PerPage != 2 || len(l.Data) != 2 || l.NextPage == nil || *l.NextPage != 2 || l.PrevPage != nil {
		t.Fatalf("page 1: %+v", l)
	}
	if l.NextPageURL == nil || !strings.Contains(*l.NextPageURL, "page=2") || !strings.HasPrefix(*l.NextPageURL, h.ts.URL+"/v1/") {
		t.Errorf("next_page_url %v", l.NextPageURL)
	}
	var names []string
	for page := 1; ; page++ {
		var p ps.List[ps.Branch]
		h.must("GET", dbPath+"/branches?per_page=2&page="+itoa(page), nil, 200, &p)
		for _, b := range p.Data {
			names = append(names, b.Name)
		}
		if p.NextPage == nil {
			break
		}
	}
	if strings.Join(names, ",") != "main,b0,b1,b2,b3" {
		t.Errorf("all pages: %v", names)
	}
	// The last page says next_page null literally.
	_, raw := h.call("GET", dbPath+"/branches?per_page=2&page=3", nil)
	if !strings.Contains(string(raw), `"next_page":null`) {
		t.Errorf("last page: %s", raw)
	}
	h.must("GET", dbPath+"/branches?production=true", nil, 200, &l)
	if len(l.Data) != 1 || l.Data[0].Name != "main" {
		t.Errorf("production filter: %+v", l.Data)
	}
	h.must("GET", dbPath+"/branches?q=b1", nil, 200, &l)
	if len(l.Data) != 1 || l.Data[0].Name != "b1" {
		t.Errorf("q filter: %+v", l.Data)
	}
	h.wantError("GET", dbPath+"/branches?page=0", nil, 422, "invalid_params")
	h.wantError("GET", dbPath+"/branches?per_page=x", nil, 422, "invalid_params")
	h.must("GET", dbPath+"/branches?per_page=1000", nil, 200, &l)
	if l.PerPage != 100 {
		t.Errorf("per_page clamp: %d", l.PerPage)
	}
}

func TestBranchSchemaRoundTrips(t *testing.T) {
	h := newHarness(t)
	got := h.schema("main")
	want := "CREATE TABLE `users` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `email` varchar(255) NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `email` (`email`)\n)"
	if got["users"] != want {
		t.Errorf("users raw:\n%s\nwant:\n%s", got["users"], want)
	}
	// Table options print MySQL style and parse back to the same schema.
	h.branch("opts")
	h.mustDDL("opts", "CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='hi'")
	raw := h.schema("opts")["t"]
	if !strings.HasSuffix(raw, ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='hi'") {
		t.Errorf("table options: %s", raw)
	}
	var stmts []string
	for _, r := range h.schema("opts") {
		stmts = append(stmts, r)
	}
	s1, err := h.s.env.LoadCreateStatements(stmts)
	if err != nil {
		t.Fatal(err)
	}
	h.s.mu.Lock()
	orig := h.s.sch.get(h.s.database("acme", "app").branch("opts").Schema)
	h.s.mu.Unlock()
	d, err := computeDiff(orig, s1)
	if err != nil || !d.Empty() {
		t.Errorf("schema endpoint does not round-trip: %v %v", err, d.Statements())
	}
}

func TestPasswords(t *testing.T) {
	h := newHarness(t)
	h.branch("dev")
	var p ps.Password
	h.must("POST", dbPath+"/branches/dev/passwords", map[string]any{"name": "bot", "role": "admin", "ttl": 60}, 201, &p)
	if p.Username == "" || !strings.HasPrefix(p.PlainText, "pscale_pw_") || p.AccessHostURL != "127.0.0.1:3307" || p.DatabaseBranch.Name != "dev" || p.Role != "admin" {
		t.Errorf("password %+v", p)
	}
	if p.TTLSeconds == nil || *p.TTLSeconds != 60 || p.ExpiresAt == nil {
		t.Errorf("ttl: %+v", p)
	}
	var l ps.List[ps.Password]
	h.must("GET", dbPath+"/branches/dev/passwords", nil, 200, &l)
	if len(l.Data) != 1 || l.Data[0].PlainText != "" {
		t.Errorf("list shows %+v", l.Data)
	}
	h.wantError("POST", dbPath+"/branches/dev/passwords", map[string]any{"role": "root"}, 422, "invalid_params")
	h.wantError("POST", dbPath+"/branches/nope/passwords", map[string]any{}, 404, "not_found")
	if got, _ := h.call("DELETE", dbPath+"/branches/dev/passwords/"+p.ID, nil); got != 204 {
		t.Errorf("delete password: %d", got)
	}
	h.wantError("DELETE", dbPath+"/branches/dev/passwords/"+p.ID, nil, 404, "not_found")
	// An empty body is fine: role defaults to admin.
	h.must("POST", dbPath+"/branches/dev/passwords", nil, 201, &p)
	if p.Role != "admin" {
		t.Errorf("default role %q", p.Role)
	}
}

func TestDeployRequestValidation(t *testing.T) {
	h := newHarness(t)
	h.branch("dev")
	for _, body := range []map[string]any{
		{"into_branch": "main"},
		{"branch": "dev"},
		{"branch": "nope", "into_branch": "main"},
		{"branch": "dev", "into_branch": "nope"},
		{"branch": "dev", "into_branch": "dev"},
		{"branch": "main", "into_branch": "dev"},
		{"branch": "dev", "into_branch": "main", "auto_cutover": "yes"},
	} {
		h.wantError("POST", dbPath+"/deploy-requests", body, 422, "invalid_params")
	}
	msg := h.wantError("POST", dbPath+"/deploy-requests", map[string]any{"into_branch": "main"}, 422, "invalid_params")
	if !strings.Contains(msg, "branch") {
		t.Errorf("message %q", msg)
	}
	dr := h.openDR("dev", nil)
	if dr.Number != 1 || dr.State != "open" || dr.HTMLURL != h.ts.URL+"/app/acme/app/deploy-requests/1" {
		t.Errorf("dr %+v", dr)
	}
	// One open deploy request per branch.
	h.wantError("POST", dbPath+"/deploy-requests", map[string]any{"branch": "dev", "into_branch": "main"}, 422, "unprocessable")
	h.wantError("PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "open"}, 422, "invalid_params")
	// A deploy request with no changes cannot be deployed.
	if dr.DeploymentState != ps.StateNoChanges {
		t.Fatalf("state %s, want no_changes", dr.DeploymentState)
	}
	h.wantError("POST", dbPath+"/deploy-requests/1/deploy", nil, 422, "unprocessable")
	h.wantError("POST", dbPath+"/deploy-requests/1/apply-deploy", nil, 422, "unprocessable")
	h.wantError("POST", dbPath+"/deploy-requests/1/cancel", nil, 422, "unprocessable")
	h.wantError("POST", dbPath+"/deploy-requests/1/revert", nil, 422, "unprocessable")
	h.wantError("POST", dbPath+"/deploy-requests/1/skip-revert", nil, 422, "unprocessable")
	h.wantError("POST", dbPath+"/deploy-requests/1/complete-deploy", nil, 422, "unprocessable")
	var closed ps.DeployRequest
	h.must("PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "closed"}, 200, &closed)
	if closed.State != "closed" || closed.ClosedAt == nil || closed.ClosedBy == nil {
		t.Errorf("closed %+v", closed)
	}
	// After closing, a new one may be opened; numbers go on.
	dr2 := h.openDR("dev", nil)
	if dr2.Number != 2 {
		t.Errorf("second number %d", dr2.Number)
	}
}

func TestDeployRequestListFilters(t *testing.T) {
	h := newHarness(t)
	for _, b := range []string{"a", "b", "c"} {
		h.branch(b)
		h.openDR(b, nil)
	}
	h.must("PATCH", dbPath+"/deploy-requests/2", map[string]any{"state": "closed"}, 200, nil)
	list := func(q string) []int {
		var l ps.List[ps.DeployRequest]
		h.must("GET", dbPath+"/deploy-requests"+q, nil, 200, &l)
		var out []int
		for _, d := range l.Data {
			out = append(out, d.Number)
		}
		return out
	}
	eq := func(a, b []int) bool {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	}
	for q, want := range map[string][]int{
		"":                   {3, 2, 1},
		"?state=open":        {3, 1},
		"?state=closed":      {2},
		"?branch=c":          {3},
		"?into_branch=main":  {3, 2, 1},
		"?into_branch=a":     nil,
		"?per_page=1&page=2": {2},
	} {
		if got := list(q); !eq(got, want) {
			t.Errorf("list%s = %v, want %v", q, got, want)
		}
	}
	h.wantError("GET", dbPath+"/deploy-requests?state=weird", nil, 422, "invalid_params")
}

func TestWebhookCRUD(t *testing.T) {
	h := newHarness(t)
	var w ps.Webhook
	h.must("POST", dbPath+"/webhooks", map[string]any{"url": "https://example.com/hook", "events": []string{"deploy_request.opened"}}, 201, &w)
	if w.Secret == "" || !w.Enabled || len(w.Events) != 1 {
		t.Errorf("webhook %+v", w)
	}
	var l ps.List[ps.Webhook]
	h.must("GET", dbPath+"/webhooks", nil, 200, &l)
	if len(l.Data) != 1 || l.Data[0].ID != w.ID {
		t.Errorf("list %+v", l)
	}
	h.wantError("POST", dbPath+"/webhooks", map[string]any{}, 422, "invalid_params")
	h.wantError("POST", dbPath+"/webhooks", map[string]any{"url": "ftp://x"}, 422, "invalid_params")
	msg := h.wantError("POST", dbPath+"/webhooks", map[string]any{"url": "https://x", "events": []string{"nope"}}, 422, "invalid_params")
	if !strings.Contains(msg, "events") {
		t.Errorf("message %q", msg)
	}
	if got, _ := h.call("DELETE", dbPath+"/webhooks/"+w.ID, nil); got != 204 {
		t.Errorf("delete: %d", got)
	}
	h.wantError("DELETE", dbPath+"/webhooks/"+w.ID, nil, 404, "not_found")
}

func TestReviews(t *testing.T) {
	h := newHarness(t)
	h.branch("dev")
	h.openDR("dev", nil)
	var r ps.Review
	h.must("POST", dbPath+"/deploy-requests/1/reviews", map[string]any{"state": "approved", "body": "lgtm"}, 201, &r, "X-Localscale-Actor", "alice")
	if r.State != "approved" || r.Actor.DisplayName != "alice" || r.Body != "lgtm" {
		t.Errorf("review %+v", r)
	}
	h.wantError("POST", dbPath+"/deploy-requests/1/reviews", map[string]any{"state": "rejected"}, 422, "invalid_params")
	var l ps.List[ps.Review]
	h.must("GET", dbPath+"/deploy-requests/1/reviews", nil, 200, &l)
	if len(l.Data) != 1 {
		t.Errorf("reviews %+v", l)
	}
	if dr := h.dr(1); !dr.Approved || dr.NumComments != 1 {
		t.Errorf("approved=%v comments=%d", dr.Approved, dr.NumComments)
	}
}
