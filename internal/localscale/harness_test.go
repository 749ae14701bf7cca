package localscale

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	vtlog "vitess.io/vitess/go/vt/log"
)

func TestMain(m *testing.M) {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

const seedSchema = `
CREATE TABLE users (
  id bigint NOT NULL AUTO_INCREMENT,
  email varchar(255) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY email (email)
);
CREATE TABLE posts (
  id bigint NOT NULL AUTO_INCREMENT,
  user_id bigint NOT NULL,
  title varchar(200) NOT NULL,
  PRIMARY KEY (id),
  KEY user_id (user_id)
);
`

// harness is a server on a fake clock behind httptest, seeded with acme/app.
type harness struct {
	t     testing.TB
	s     *Server
	clock *FakeClock
	ts    *httptest.Server
	id    string
	tok   string
}

func newHarness(t testing.TB, mutate ...func(*Config)) *harness {
	t.Helper()
	clock := NewFakeClock(time.Time{})
	cfg := Config{Org: "acme", Clock: clock, TokenID: "tid", Token: "tok", MySQLAddr: "127.0.0.1:3307"}
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDatabase("acme", "app", fstest.MapFS{"schema/schema.sql": {Data: []byte(seedSchema)}}, "schema"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return &harness{t: t, s: s, clock: clock, ts: ts, id: cfg.TokenID, tok: cfg.Token}
}

const dbPath = "/organizations/acme/databases/app"

// call sends a request and returns the status and body. Headers come as
// name, value pairs.
func (h *harness) call(method, path string, body any, headers ...string) (int, []byte) {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, h.ts.URL+"/v1"+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", h.id+":"+h.tok)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, data
}

// must sends a request, checks the status and decodes the body into out.
func (h *harness) must(method, path string, body any, want int, out any, headers ...string) {
	h.t.Helper()
	got, data := h.call(method, path, body, headers...)
	if got != want {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, got, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			h.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// wantError checks an error response: status and code.
func (h *harness) wantError(method, path string, body any, status int, code string, headers ...string) string {
	h.t.Helper()
	got, data := h.call(method, path, body, headers...)
	if got != status {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, got, status, data)
	}
	var e struct{ Code, Message string }
	if err := json.Unmarshal(data, &e); err != nil {
		h.t.Fatalf("%s %s: error body %s: %v", method, path, data, err)
	}
	if e.Code != code {
		h.t.Fatalf("%s %s: code %q, want %q (%s)", method, path, e.Code, code, e.Message)
	}
	return e.Message
}

// branch creates a branch from main and waits until it is ready.
func (h *harness) branch(name string) ps.Branch {
	h.t.Helper()
	var b ps.Branch
	h.must("POST", dbPath+"/branches", map[string]any{"name": name, "parent_branch": "main"}, 201, &b)
	h.clock.Advance(h.s.cfg.BranchReadyDelay)
	return b
}

// ddl applies statements to a branch through the MySQL backend with a fresh password.
func (h *harness) ddl(branchName string, stmts ...string) error {
	h.t.Helper()
	var p ps.Password
	h.must("POST", dbPath+"/branches/"+branchName+"/passwords", map[string]any{"role": "admin"}, 201, &p)
	sess, err := h.s.MySQLBackend().Authenticate(context.Background(), p.Username, func(pw string) bool { return pw == p.PlainText })
	if err != nil {
		h.t.Fatal(err)
	}
	for _, st := range stmts {
		if err := sess.ExecDDL(context.Background(), st); err != nil {
			return err
		}
	}
	return nil
}

func (h *harness) mustDDL(branchName string, stmts ...string) {
	h.t.Helper()
	if err := h.ddl(branchName, stmts...); err != nil {
		h.t.Fatal(err)
	}
}

// openDR creates a deploy request and lets its checks finish.
func (h *harness) openDR(branchName string, extra map[string]any) ps.DeployRequest {
	h.t.Helper()
	body := map[string]any{"branch": branchName, "into_branch": "main"}
	for k, v := range extra {
		body[k] = v
	}
	var dr ps.DeployRequest
	h.must("POST", dbPath+"/deploy-requests", body, 201, &dr)
	if dr.DeploymentState != ps.StatePending {
		h.t.Fatalf("new deploy request: deployment_state %q, want pending", dr.DeploymentState)
	}
	h.clock.Advance(h.s.cfg.CheckDelay)
	return h.dr(dr.Number)
}

func (h *harness) dr(n int) ps.DeployRequest {
	h.t.Helper()
	var dr ps.DeployRequest
	h.must("GET", dbPath+"/deploy-requests/"+itoa(n), nil, 200, &dr)
	return dr
}

func (h *harness) action(n int, verb string, body any, headers ...string) ps.DeployRequest {
	h.t.Helper()
	var dr ps.DeployRequest
	h.must("POST", dbPath+"/deploy-requests/"+itoa(n)+"/"+verb, body, 200, &dr, headers...)
	return dr
}

func (h *harness) state(n int) string {
	h.t.Helper()
	return h.dr(n).DeploymentState
}

// schemaNames lists a branch's tables by name, with their raw CREATE statements.
func (h *harness) schema(branchName string) map[string]string {
	h.t.Helper()
	var out struct{ Data []ps.SchemaTable }
	h.must("GET", dbPath+"/branches/"+branchName+"/schema", nil, 200, &out)
	m := map[string]string{}
	for _, t := range out.Data {
		m[t.Name] = t.Raw
	}
	return m
}

func itoa(n int) string { return strconv.Itoa(n) }

func newTestServer(t testing.TB, s *Server) *httptest.Server {
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}
