package planetscale

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// jsonEqual compares two JSON texts by value ("" means no body).
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	if want == "" || len(got) == 0 {
		return want == "" && len(got) == 0
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("request body %q is not JSON: %v", got, err)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad test JSON %q: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

func TestEndpoints(t *testing.T) {
	const db = "/v1/organizations/my-org/databases/my-db"
	const dr = db + "/deploy-requests/7"
	const list = `{"type":"list","current_page":1,"per_page":100,"next_page":null,"data":[%s]}`
	listOf := func(item string) string { return strings.Replace(list, "%s", item, 1) }
	const pwJSON = `{"id":"pw1","name":"n","role":"admin","username":"u1","plain_text":"pscale_pw_x","access_host_url":"aws.connect.psdb.cloud","ttl_seconds":600,"database_branch":{"name":"ddlbot-pr-7","id":"br1","production":false,"mysql_edge_address":"e"},"created_at":"2025-01-02T03:04:05Z"}`
	const depJSON = `{"id":"dep1","state":"in_progress","deploy_request_number":7,"deploy_operations":[{"id":"op1","state":"in_progress","table_name":"t","progress_percentage":42.5,"eta_seconds":12,"can_drop_data":true}]}`
	testEndpoints(t, []endpointCase{
		{
			name: "create branch",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateBranch(ctx, "my-org", "my-db", CreateBranchRequest{Name: "ddlbot-pr-7", ParentBranch: "main"})
			},
			method: "POST", path: db + "/branches", body: `{"name":"ddlbot-pr-7","parent_branch":"main"}`, status: 201, resp: branchJSON,
			check: func(t *testing.T, v any) {
				b := v.(*Branch)
				if b.ID != "br1" || !b.Ready || b.ParentBranch != "main" || b.Region.Slug != "us-east" || b.Actor.DisplayName != "bot" {
					t.Errorf("branch = %+v", b)
				}
			},
		},
		{
			name: "create branch in a region",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateBranch(ctx, "my-org", "my-db", CreateBranchRequest{Name: "b", ParentBranch: "main", Region: "eu-west"})
			},
			method: "POST", path: db + "/branches", body: `{"name":"b","parent_branch":"main","region":"eu-west"}`, status: 201, resp: branchJSON,
		},
		{
			name: "get branch (escaped)",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetBranch(ctx, "my org", "my-db", "a/b c?")
			},
			method: "GET", path: "/v1/organizations/my%20org/databases/my-db/branches/a%2Fb%20c%3F", status: 200, resp: branchJSON,
		},
		{
			name:   "list branches",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListBranches(ctx, "my-org", "my-db") },
			method: "GET", path: db + "/branches", query: "page=1&per_page=100", status: 200, resp: listOf(branchJSON),
			check: func(t *testing.T, v any) {
				if bs := v.([]Branch); len(bs) != 1 || bs[0].Name != "ddlbot-pr-7" {
					t.Errorf("branches = %+v", bs)
				}
			},
		},
		{
			name: "delete branch",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteBranch(ctx, "my-org", "my-db", "ddlbot-pr-7")
			},
			method: "DELETE", path: db + "/branches/ddlbot-pr-7", status: 204, noResponse: true,
		},
		{
			name: "branch schema",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.BranchSchema(ctx, "my-org", "my-db", "ddlbot-pr-7")
			},
			method: "GET", path: db + "/branches/ddlbot-pr-7/schema", status: 200,
			resp: `{"data":[{"name":"users","raw":"CREATE TABLE users (id bigint NOT NULL, PRIMARY KEY (id))","html":"<pre/>"}]}`,
			check: func(t *testing.T, v any) {
				if ts := v.([]SchemaTable); len(ts) != 1 || ts[0].Name != "users" || !strings.HasPrefix(ts[0].Raw, "CREATE TABLE users") {
					t.Errorf("schema = %+v", ts)
				}
			},
		},
		{
			name: "create password",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreatePassword(ctx, "my-org", "my-db", "ddlbot-pr-7", CreatePasswordRequest{Name: "n", Role: RoleAdmin, TTL: 600})
			},
			method: "POST", path: db + "/branches/ddlbot-pr-7/passwords", body: `{"name":"n","role":"admin","ttl":600}`, status: 201, resp: pwJSON,
			check: func(t *testing.T, v any) {
				p := v.(*Password)
				if p.ID != "pw1" || p.Username != "u1" || p.PlainText != "pscale_pw_x" || p.AccessHostURL != "aws.connect.psdb.cloud" || p.TTLSeconds == nil || *p.TTLSeconds != 600 || p.DatabaseBranch.Name != "ddlbot-pr-7" {
					t.Errorf("password = %+v", p)
				}
			},
		},
		{
			name: "delete password",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeletePassword(ctx, "my-org", "my-db", "ddlbot-pr-7", "pw1")
			},
			method: "DELETE", path: db + "/branches/ddlbot-pr-7/passwords/pw1", status: 204, noResponse: true,
		},
		{
			name: "create deploy request",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateDeployRequest(ctx, "my-org", "my-db", CreateDeployRequestRequest{Branch: "ddlbot-pr-7", IntoBranch: "main", Notes: "PR #7", AutoCutover: ptr(false), AutoDeleteBranch: ptr(true)})
			},
			method: "POST", path: db + "/deploy-requests", status: 201, resp: drJSON,
			body: `{"branch":"ddlbot-pr-7","into_branch":"main","notes":"PR #7","auto_cutover":false,"auto_delete_branch":true}`,
			check: func(t *testing.T, v any) {
				d := v.(*DeployRequest)
				if d.Number != 7 || d.DeploymentState != StateReady || d.State != DeployRequestOpen || d.HTMLURL == "" {
					t.Errorf("deploy request = %+v", d)
				}
			},
		},
		{
			name: "create deploy request, defaults",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateDeployRequest(ctx, "my-org", "my-db", CreateDeployRequestRequest{Branch: "b", IntoBranch: "main"})
			},
			method: "POST", path: db + "/deploy-requests", status: 201, resp: drJSON, body: `{"branch":"b","into_branch":"main"}`,
		},
		{
			name: "get deploy request",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetDeployRequest(ctx, "my-org", "my-db", 7)
			},
			method: "GET", path: dr, status: 200, resp: drJSON,
		},
		{
			name: "list deploy requests",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListDeployRequests(ctx, "my-org", "my-db", ListDeployRequestsOptions{State: "open", Branch: "ddlbot-pr-7", IntoBranch: "main"})
			},
			method: "GET", path: db + "/deploy-requests", query: "branch=ddlbot-pr-7&into_branch=main&page=1&per_page=100&state=open", status: 200, resp: listOf(drJSON),
			check: func(t *testing.T, v any) {
				if drs := v.([]DeployRequest); len(drs) != 1 || drs[0].Number != 7 {
					t.Errorf("deploy requests = %+v", drs)
				}
			},
		},
		{
			name: "close deploy request",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CloseDeployRequest(ctx, "my-org", "my-db", 7)
			},
			method: "PATCH", path: dr, body: `{"state":"closed"}`, status: 200, resp: drJSON,
		},
		{
			name: "deploy",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DeployDeployRequest(ctx, "my-org", "my-db", 7, DeployOptions{InstantDDL: true})
			},
			method: "POST", path: dr + "/deploy", body: `{"instant_ddl":true}`, status: 200, resp: drJSON,
		},
		{
			name: "deploy, not instant",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DeployDeployRequest(ctx, "my-org", "my-db", 7, DeployOptions{})
			},
			method: "POST", path: dr + "/deploy", body: `{"instant_ddl":false}`, status: 200, resp: drJSON,
		},
		{
			name:   "apply deploy",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ApplyDeploy(ctx, "my-org", "my-db", 7) },
			method: "POST", path: dr + "/apply-deploy", status: 200, resp: drJSON,
		},
		{
			name: "cancel",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CancelDeployRequest(ctx, "my-org", "my-db", 7)
			},
			method: "POST", path: dr + "/cancel", status: 200, resp: drJSON,
		},
		{
			name: "revert",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.RevertDeployRequest(ctx, "my-org", "my-db", 7)
			},
			method: "POST", path: dr + "/revert", status: 200, resp: drJSON,
		},
		{
			name:   "skip revert",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.SkipRevert(ctx, "my-org", "my-db", 7) },
			method: "POST", path: dr + "/skip-revert", status: 200, resp: drJSON,
		},
		{
			name:   "deployment",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetDeployment(ctx, "my-org", "my-db", 7) },
			method: "GET", path: dr + "/deployment", status: 200, resp: depJSON,
			check: func(t *testing.T, v any) {
				d := v.(*Deployment)
				if d.State != StateInProgress || len(d.DeployOperations) != 1 || d.DeployOperations[0].ProgressPercentage != 42.5 || !d.DeployOperations[0].CanDropData {
					t.Errorf("deployment = %+v", d)
				}
			},
		},
		{
			name: "operations",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListDeployOperations(ctx, "my-org", "my-db", 7)
			},
			method: "GET", path: dr + "/operations", query: "page=1&per_page=100", status: 200,
			resp: listOf(`{"id":"op1","state":"complete","table_name":"t","ddl_statement":"ALTER TABLE t ADD COLUMN c int"}`),
			check: func(t *testing.T, v any) {
				if ops := v.([]DeployOperation); len(ops) != 1 || ops[0].DDLStatement == "" {
					t.Errorf("operations = %+v", ops)
				}
			},
		},
		{
			name: "diff",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DeployRequestDiff(ctx, "my-org", "my-db", 7)
			},
			method: "GET", path: dr + "/diff", status: 200,
			resp: `{"data":[{"name":"t","raw":"+  c int,\n-  d int,","html":""}]}`,
			check: func(t *testing.T, v any) {
				if d := v.([]SchemaTable); len(d) != 1 || !strings.Contains(d[0].Raw, "+  c int") {
					t.Errorf("diff = %+v", d)
				}
			},
		},
		{
			name: "create review",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateReview(ctx, "my-org", "my-db", 7, ReviewRequest{State: ReviewApproved, Body: "lgtm"})
			},
			method: "POST", path: dr + "/reviews", body: `{"state":"approved","body":"lgtm"}`, status: 201,
			resp: `{"id":"rv1","body":"lgtm","state":"approved","actor":{"id":"a","display_name":"x","avatar_url":""},"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}`,
			check: func(t *testing.T, v any) {
				if r := v.(*Review); r.ID != "rv1" || r.State != ReviewApproved {
					t.Errorf("review = %+v", r)
				}
			},
		},
		{
			name:   "list reviews",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListReviews(ctx, "my-org", "my-db", 7) },
			method: "GET", path: dr + "/reviews", query: "page=1&per_page=100", status: 200,
			resp: listOf(`{"id":"rv1","state":"commented","body":"hm"}`),
		},
		{
			name: "create webhook",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateWebhook(ctx, "my-org", "my-db", CreateWebhookRequest{URL: "https://bot.example.com/planetscale", Enabled: ptr(true), Events: []string{EventDeployRequestOpened, EventBranchReady}})
			},
			method: "POST", path: db + "/webhooks", status: 201,
			body: `{"url":"https://bot.example.com/planetscale","enabled":true,"events":["deploy_request.opened","branch.ready"]}`,
			resp: `{"id":"wh1","url":"https://bot.example.com/planetscale","secret":"whsec","enabled":true,"events":["deploy_request.opened"],"last_sent_result":null,"last_sent_success":null,"last_sent_at":null,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}`,
			check: func(t *testing.T, v any) {
				if w := v.(*Webhook); w.ID != "wh1" || w.Secret != "whsec" {
					t.Errorf("webhook = %+v", w)
				}
			},
		},
		{
			name: "delete webhook",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteWebhook(ctx, "my-org", "my-db", "wh1")
			},
			method: "DELETE", path: db + "/webhooks/wh1", status: 204, noResponse: true,
		},
		{
			name: "create database",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateDatabase(ctx, "my-org", CreateDatabaseRequest{Name: "my-db", ClusterSize: "PS_10"})
			},
			method: "POST", path: "/v1/organizations/my-org/databases", body: `{"name":"my-db","cluster_size":"PS_10"}`, status: 201,
			resp: `{"id":"db1","name":"my-db","state":"pending","ready":false,"default_branch":"main","region":{"slug":"us-east"},"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z","schema_last_updated_at":null}`,
			check: func(t *testing.T, v any) {
				if d := v.(*Database); d.ID != "db1" || d.DefaultBranch != "main" {
					t.Errorf("database = %+v", d)
				}
			},
		},
		{
			name:   "get database",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetDatabase(ctx, "my-org", "my-db") },
			method: "GET", path: db, status: 200, resp: `{"id":"db1","name":"my-db","ready":true,"default_branch":"main"}`,
		},
	})
}

// endpointCase is one call of the client against a fake API that answers
// status and resp: the one request it must send, and what to check of the
// result.
type endpointCase struct {
	name       string
	call       func(context.Context, *Client) (any, error)
	method     string
	path       string
	query      string
	body       string
	status     int
	resp       string
	check      func(t *testing.T, v any)
	noResponse bool
}

// testEndpoints runs each case against its own fake API.
func testEndpoints(t *testing.T, tests []endpointCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, tt.status, tt.resp) }, nil)
			v, err := tt.call(context.Background(), h.c)
			if err != nil {
				t.Fatal(err)
			}
			reqs := h.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != tt.path || r.Query != tt.query {
				t.Errorf("request = %s %s?%s\nwant      %s %s?%s", r.Method, r.Path, r.Query, tt.method, tt.path, tt.query)
			}
			if !jsonEqual(t, r.Body, tt.body) {
				t.Errorf("body = %s, want %s", r.Body, tt.body)
			}
			wantCT := ""
			if tt.body != "" {
				wantCT = "application/json"
			}
			if r.ContentType != wantCT {
				t.Errorf("Content-Type = %q, want %q", r.ContentType, wantCT)
			}
			if r.Auth != testTokenID+":"+testToken || r.Accept != "application/json" {
				t.Errorf("Authorization/Accept wrong: %q", r.Accept)
			}
			if !tt.noResponse && (v == nil || reflect.ValueOf(v).IsNil()) {
				t.Errorf("nil result")
			}
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
}

func TestCreateBranchRecheckFinds(t *testing.T) {
	for _, failure := range []string{"500", "network"} {
		t.Run(failure, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
				switch r.Method {
				case "POST":
					if failure == "network" {
						hangUp(t, w)
						return
					}
					reply(w, 500, `{}`)
				case "GET":
					if !strings.HasSuffix(r.URL.Path, "/branches/ddlbot-pr-7") {
						t.Errorf("re-check at %s", r.URL.Path)
					}
					reply(w, 200, branchJSON)
				}
			}, nil)
			b, err := h.c.CreateBranch(context.Background(), "o", "d", CreateBranchRequest{Name: "ddlbot-pr-7", ParentBranch: "main"})
			if err != nil {
				t.Fatal(err)
			}
			if b.Name != "ddlbot-pr-7" {
				t.Errorf("branch = %+v", b)
			}
			if n := h.countMethod("POST"); n != 1 {
				t.Errorf("%d creates, want exactly 1", n)
			}
			if n := h.countMethod("GET"); n != 1 {
				t.Errorf("%d re-checks, want 1", n)
			}
			if len(h.recordedSleeps()) != 0 {
				t.Errorf("slept %v", h.recordedSleeps())
			}
		})
	}
}

func TestCreateBranchRecheckMissingRetries(t *testing.T) {
	var posts atomic.Int32
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.Method {
		case "POST":
			if posts.Add(1) == 1 {
				reply(w, 502, `{}`)
				return
			}
			reply(w, 201, branchJSON)
		case "GET":
			reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
		}
	}, nil)
	if _, err := h.c.CreateBranch(context.Background(), "o", "d", CreateBranchRequest{Name: "ddlbot-pr-7", ParentBranch: "main"}); err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, r := range h.requests() {
		seq = append(seq, r.Method)
	}
	if want := []string{"POST", "GET", "POST"}; !reflect.DeepEqual(seq, want) {
		t.Errorf("requests = %v, want %v", seq, want)
	}
	if got := h.recordedSleeps(); len(got) != 1 {
		t.Errorf("sleeps = %v, want one backoff", got)
	}
}

func TestCreateBranchRecheckGivesUp(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == "POST" {
			reply(w, 500, `{"code":"internal","message":"boom"}`)
			return
		}
		reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
	}, func(c *Config) { c.MaxRetries = 2 })
	_, err := h.c.CreateBranch(context.Background(), "o", "d", CreateBranchRequest{Name: "x", ParentBranch: "main"})
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 500 || !strings.Contains(err.Error(), `create branch "x": 500 internal: boom`) {
		t.Fatalf("err = %v", err)
	}
	if e.Attempts != 3 || !strings.HasSuffix(err.Error(), "(after 3 attempts)") {
		t.Errorf("err = %v, attempts %d", err, e.Attempts)
	}
	if n := h.countMethod("POST"); n != 3 {
		t.Errorf("%d creates, want 3 (1 + MaxRetries)", n)
	}
}

func TestCreateBranchRecheckFails(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == "POST" {
			reply(w, 500, `{}`)
			return
		}
		reply(w, 401, `{"code":"unauthorized","message":"Unauthorized"}`)
	}, nil)
	_, err := h.c.CreateBranch(context.Background(), "o", "d", CreateBranchRequest{Name: "x", ParentBranch: "main"})
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 500 {
		t.Fatalf("err = %v, want the create's 500", err)
	}
	if !strings.Contains(err.Error(), "could not tell whether it took effect") || !strings.Contains(err.Error(), "401") {
		t.Errorf("err = %v", err)
	}
	if n := h.countMethod("POST"); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
}

func TestCreateBranchClientErrorNotRetried(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 422, `{"code":"unprocessable","message":"Name has already been taken"}`)
	}, nil)
	_, err := h.c.CreateBranch(context.Background(), "o", "d", CreateBranchRequest{Name: "x", ParentBranch: "main"})
	if err == nil || err.Error() != `planetscale: create branch "x": 422 unprocessable: Name has already been taken` {
		t.Errorf("err = %v", err)
	}
	if len(h.requests()) != 1 {
		t.Errorf("%d requests", len(h.requests()))
	}
}

func TestCreatePasswordNotRepeated(t *testing.T) {
	for _, failure := range []string{"500", "network"} {
		t.Run(failure, func(t *testing.T) {
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if failure == "network" {
					hangUp(t, w)
					return
				}
				reply(w, 500, `{}`)
			}, nil)
			_, err := h.c.CreatePassword(context.Background(), "o", "d", "b", CreatePasswordRequest{Role: RoleAdmin, TTL: 600})
			if err == nil {
				t.Fatal("no error")
			}
			noSecret(t, err)
			if len(h.requests()) != 1 {
				t.Errorf("%d requests, want exactly 1", len(h.requests()))
			}
			if failure == "500" {
				var e *Error
				if !errors.As(err, &e) || e.StatusCode != 500 || e.Attempts != 1 {
					t.Errorf("err = %v", err)
				}
			}
		})
	}
}

func TestCreatePasswordRetried429(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			reply(w, 429, `{}`)
			return
		}
		reply(w, 201, `{"id":"pw1"}`)
	}, nil)
	if _, err := h.c.CreatePassword(context.Background(), "o", "d", "b", CreatePasswordRequest{Role: RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if len(h.requests()) != 2 || !reflect.DeepEqual(h.recordedSleeps(), []time.Duration{375 * time.Millisecond}) {
		t.Errorf("%d requests, sleeps %v", len(h.requests()), h.recordedSleeps())
	}
}

func TestCreateReviewNotRepeated(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 503, `{}`) }, nil)
	if _, err := h.c.CreateReview(context.Background(), "o", "d", 7, ReviewRequest{State: ReviewApproved}); err == nil {
		t.Fatal("no error")
	}
	if len(h.requests()) != 1 {
		t.Errorf("%d requests, want 1", len(h.requests()))
	}
}

// lostCreates is a harness whose API fails every create (POST) with a 500,
// as when a create's response is lost, and answers the other calls (the
// client's re-check) with list.
func lostCreates(t *testing.T, list http.HandlerFunc) *harness {
	return newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == "POST" {
			reply(w, 500, `{}`)
			return
		}
		list(w, r)
	}, nil)
}

func TestCreateDeployRequestRecheck(t *testing.T) {
	h := lostCreates(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("branch") != "ddlbot-pr-7" || q.Get("into_branch") != "main" || q.Get("state") != "open" {
			t.Errorf("re-check query %q", r.URL.RawQuery)
		}
		reply(w, 200, `{"type":"list","next_page":null,"data":[{"number":3,"branch":"ddlbot-pr-7"},{"number":9,"branch":"ddlbot-pr-7"}]}`)
	})
	dr, err := h.c.CreateDeployRequest(context.Background(), "o", "d", CreateDeployRequestRequest{Branch: "ddlbot-pr-7", IntoBranch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if dr.Number != 9 {
		t.Errorf("got #%d, want the newest (#9)", dr.Number)
	}
	if n := h.countMethod("POST"); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
}

func TestCreateDeployRequestRecheckEmptyRetries(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == "POST" && n == 0:
			hangUp(t, w)
		case r.Method == "POST":
			reply(w, 201, drJSON)
		default:
			reply(w, 200, `{"type":"list","next_page":null,"data":[]}`)
		}
	}, nil)
	dr, err := h.c.CreateDeployRequest(context.Background(), "o", "d", CreateDeployRequestRequest{Branch: "ddlbot-pr-7", IntoBranch: "main"})
	if err != nil || dr.Number != 7 {
		t.Fatalf("dr = %+v, err = %v", dr, err)
	}
	if n := h.countMethod("POST"); n != 2 {
		t.Errorf("%d creates, want 2", n)
	}
}

func TestTransitionRecheck(t *testing.T) {
	type call func(context.Context, *Client) (*DeployRequest, error)
	deploy := func(ctx context.Context, c *Client) (*DeployRequest, error) {
		return c.DeployDeployRequest(ctx, "o", "d", 7, DeployOptions{})
	}
	apply := func(ctx context.Context, c *Client) (*DeployRequest, error) { return c.ApplyDeploy(ctx, "o", "d", 7) }
	cancel := func(ctx context.Context, c *Client) (*DeployRequest, error) {
		return c.CancelDeployRequest(ctx, "o", "d", 7)
	}
	revert := func(ctx context.Context, c *Client) (*DeployRequest, error) {
		return c.RevertDeployRequest(ctx, "o", "d", 7)
	}
	skip := func(ctx context.Context, c *Client) (*DeployRequest, error) { return c.SkipRevert(ctx, "o", "d", 7) }
	closeDR := func(ctx context.Context, c *Client) (*DeployRequest, error) {
		return c.CloseDeployRequest(ctx, "o", "d", 7)
	}
	tests := []struct {
		name     string
		call     call
		method   string
		state    string // deploy request state at the re-check
		depState string // deployment_state at the re-check
		posts    int    // state-changing requests expected
	}{
		{"deploy already queued", deploy, "POST", "open", StateQueued, 1},
		{"deploy already complete", deploy, "POST", "open", StateCompletePendingRevert, 1},
		{"deploy not yet", deploy, "POST", "open", StateReady, 2},
		{"apply already cutting over", apply, "POST", "open", StateInProgressCutover, 1},
		{"apply not yet", apply, "POST", "open", StatePendingCutover, 2},
		{"cancel done", cancel, "POST", "open", StateCompleteCancel, 1},
		{"cancel not yet", cancel, "POST", "open", StateInProgress, 2},
		{"revert in progress", revert, "POST", "open", StateInProgressRevert, 1},
		{"revert not yet", revert, "POST", "open", StateCompletePendingRevert, 2},
		{"skip revert done", skip, "POST", "open", StateComplete, 1},
		{"skip revert not yet", skip, "POST", "open", StateCompletePendingRevert, 2},
		{"close done", closeDR, "PATCH", "closed", StateReady, 1},
		{"close not yet", closeDR, "PATCH", "open", StateReady, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var changes atomic.Int32
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method == "GET" {
					if r.URL.Path != "/v1/organizations/o/databases/d/deploy-requests/7" {
						t.Errorf("re-check at %s", r.URL.Path)
					}
					reply(w, 200, `{"number":7,"state":"`+tt.state+`","deployment_state":"`+tt.depState+`"}`)
					return
				}
				if r.Method != tt.method {
					t.Errorf("method %s, want %s", r.Method, tt.method)
				}
				if changes.Add(1) == 1 {
					reply(w, 502, `<html>bad gateway</html>`)
					return
				}
				reply(w, 200, `{"number":7,"state":"open","deployment_state":"queued"}`)
			}, nil)
			dr, err := tt.call(context.Background(), h.c)
			if err != nil {
				t.Fatal(err)
			}
			if dr.Number != 7 {
				t.Errorf("dr = %+v", dr)
			}
			if int(changes.Load()) != tt.posts {
				t.Errorf("%d state-changing requests, want %d", changes.Load(), tt.posts)
			}
			if n := h.countMethod("GET"); n != 1 {
				t.Errorf("%d re-checks, want 1", n)
			}
		})
	}
}

func TestDeleteGoneAfterAmbiguousFailure(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			reply(w, 500, `{}`)
			return
		}
		reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
	}, nil)
	if err := h.c.DeleteBranch(context.Background(), "o", "d", "b"); err != nil {
		t.Errorf("err = %v, want success (the first attempt deleted it)", err)
	}
	h2 := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
	}, nil)
	if err := h2.c.DeleteBranch(context.Background(), "o", "d", "b"); !IsNotFound(err) {
		t.Errorf("err = %v, want a 404 when it never existed", err)
	}
}

func TestWaitBranchReady(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			reply(w, 200, `{"name":"ddlbot-pr-7","ready":false,"state":"pending"}`)
			return
		}
		reply(w, 200, branchJSON)
	}, nil)
	b, err := h.c.WaitBranchReady(context.Background(), "o", "d", "ddlbot-pr-7", h.clock.Now().Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Ready {
		t.Errorf("branch = %+v", b)
	}
	if got, want := h.recordedSleeps(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func TestWaitBranchReadyDeadline(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 200, `{"name":"ddlbot-pr-7","ready":false,"state":"awakening"}`)
	}, nil)
	_, err := h.c.WaitBranchReady(context.Background(), "o", "d", "ddlbot-pr-7", h.clock.Now().Add(40*time.Second))
	if !errors.Is(err, ErrBranchNotReady) {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{`"ddlbot-pr-7"`, `"awakening"`, "40s"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	// 1, 2, 4, 8, 10, 10 (= 35 s), then the 5 s left.
	if got, want := h.recordedSleeps(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second, 5 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func TestWaitBranchReadyErrors(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 404, `{"code":"not_found","message":"Not Found"}`)
	}, nil)
	_, err := h.c.WaitBranchReady(context.Background(), "o", "d", "gone", h.clock.Now().Add(time.Minute))
	if !IsNotFound(err) || !strings.Contains(err.Error(), `"gone"`) {
		t.Errorf("err = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	h2 := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 200, `{"name":"b","ready":false,"state":"pending"}`)
	}, func(c *Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	_, err = h2.c.WaitBranchReady(ctx, "o", "d", "b", time.Now().Add(time.Hour))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `"pending"`) {
		t.Errorf("err = %v", err)
	}
}

func TestWaitBranchReadyNoDeadline(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 6 {
			reply(w, 200, `{"name":"b","ready":false,"state":"pending"}`)
			return
		}
		reply(w, 200, branchJSON)
	}, nil)
	if _, err := h.c.WaitBranchReady(context.Background(), "o", "d", "b", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, want := h.recordedSleeps(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}
