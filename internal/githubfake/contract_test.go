package githubfake

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-github/v66/github"
)

// recordingTB captures Errorf and Fatalf instead of failing the test, so
// that tests can assert the fake reports violations. Everything else goes to
// the real test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recordingTB) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.errors
	r.errors = nil
	return out
}

// expectViolation asserts exactly one error was reported and that it holds
// every one of the fragments.
func expectViolation(t *testing.T, rec *recordingTB, fragments ...string) {
	t.Helper()
	errs := rec.take()
	if len(errs) != 1 {
		t.Errorf("want one reported violation, got %d: %q", len(errs), errs)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(errs[0], f) {
			t.Errorf("violation %q does not mention %q", errs[0], f)
		}
	}
}

func expectNoViolation(t *testing.T, rec *recordingTB) {
	t.Helper()
	if errs := rec.take(); len(errs) != 0 {
		t.Errorf("unexpected violations: %q", errs)
	}
}

func contractServer(t *testing.T) (*Server, *recordingTB, *github.Client) {
	rec := &recordingTB{TB: t}
	s := New(rec)
	s.AddRepoWith(Repo{Owner: owner, Name: name})
	s.AddPullRequest(owner, name, PR{Number: 7, HeadSHA: headSHA, BaseSHA: baseSHA})
	return s, rec, client(t, s, s.Token())
}

func raw(t *testing.T, s *Server, method, path, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+strings.TrimPrefix(path, "/"), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+s.Token())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestContractViolationsAreReported(t *testing.T) {
	s, rec, gh := contractServer(t)
	ctx := context.Background()
	run := func(title, path string) *github.CheckRun {
		cr, _, err := gh.Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{Name: title, HeadSHA: headSHA})
		if err != nil {
			t.Fatal(err)
		}
		return cr
	}
	cr := run("ddlbot/shop", "")
	expectNoViolation(t, rec)

	t.Run("annotation level", func(t *testing.T) {
		_, resp, err := gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{
			Name: "ddlbot/shop",
			Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: []*github.CheckRunAnnotation{{
				Path: github.String("a.sql"), StartLine: github.Int(1), EndLine: github.Int(1), AnnotationLevel: github.String("error"), Message: github.String("m"),
			}}},
		})
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("want 422, got %v", err)
		}
		expectViolation(t, rec, "checks/update", "annotation_level", "notice")
	})

	t.Run("51 annotations", func(t *testing.T) {
		var many []*github.CheckRunAnnotation
		for i := 1; i <= 51; i++ {
			many = append(many, &github.CheckRunAnnotation{Path: github.String("a.sql"), StartLine: github.Int(i), EndLine: github.Int(i), AnnotationLevel: github.String("warning"), Message: github.String("m")})
		}
		_, resp, err := gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{
			Name: "ddlbot/shop", Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: many},
		})
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("want 422, got %v", err)
		}
		expectViolation(t, rec, "annotations", "maxItems")
	})

	t.Run("summary too long", func(t *testing.T) {
		_, resp, err := gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{
			Name: "ddlbot/shop", Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String(strings.Repeat("s", MaxCheckRunText+1))},
		})
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("want 422, got %v", err)
		}
		expectViolation(t, rec, "summary", "maxLength")
	})

	t.Run("completed without conclusion", func(t *testing.T) {
		_, resp, err := gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{Name: "ddlbot/shop", Status: github.String("completed")})
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("want 422, got %v", err)
		}
		expectViolation(t, rec, "conclusion")
		// On create, the schema does not say it; GitHub's rule still holds.
		_, resp, err = gh.Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{Name: "x", HeadSHA: headSHA, Status: github.String("completed")})
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("create: want 422, got %v", err)
		}
		rec.take()
	})

	t.Run("columns across lines", func(t *testing.T) {
		// Valid for the schema, refused by GitHub: 422, not a violation.
		_, resp, err := gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{
			Name: "ddlbot/shop",
			Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: []*github.CheckRunAnnotation{{
				Path: github.String("a.sql"), StartLine: github.Int(1), EndLine: github.Int(3), StartColumn: github.Int(1), EndColumn: github.Int(2),
				AnnotationLevel: github.String("warning"), Message: github.String("m"),
			}}},
		})
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("want 422, got %v", err)
		}
		expectNoViolation(t, rec)
	})

	t.Run("unknown path", func(t *testing.T) {
		req, _ := gh.NewRequest("GET", "repos/acme/shop/branches/main/protection", nil)
		resp, err := gh.Do(ctx, req, nil)
		if err == nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("want 404, got %v", err)
		}
		expectViolation(t, rec, "GET /repos/acme/shop/branches/main/protection", "not an operation", "vendor-github-testdata.sh")
	})

	t.Run("method not in the subset", func(t *testing.T) {
		if res := raw(t, s, "DELETE", "/repos/acme/shop/issues/comments/1", ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("status %d", res.StatusCode)
		}
		expectViolation(t, rec, "DELETE", "documents only GET, PATCH")
	})

	t.Run("path parameter type", func(t *testing.T) {
		raw(t, s, "GET", "/repos/acme/shop/pulls/seven", "")
		expectViolation(t, rec, "pull_number", "not an integer")
	})

	t.Run("undocumented query parameter", func(t *testing.T) {
		raw(t, s, "GET", "/repos/acme/shop/pulls/7?expand=all", "")
		expectViolation(t, rec, `"expand"`, "not documented")
	})

	t.Run("query parameter enum", func(t *testing.T) {
		raw(t, s, "GET", "/repos/acme/shop/commits/"+headSHA+"/check-runs?filter=newest", "")
		expectViolation(t, rec, `"filter"`, "latest")
	})

	t.Run("missing body", func(t *testing.T) {
		if res := raw(t, s, "POST", "/repos/acme/shop/issues/7/comments", ""); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status %d", res.StatusCode)
		}
		expectViolation(t, rec, "request body is required")
	})

	t.Run("body not JSON", func(t *testing.T) {
		raw(t, s, "POST", "/repos/acme/shop/issues/7/comments", "body=hi")
		expectViolation(t, rec, "not valid JSON")
	})

	t.Run("reaction content", func(t *testing.T) {
		id := s.AddComment(owner, name, 7, "alice", "/deploy")
		_, resp, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, name, id, "thumbsup")
		if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("want 422, got %v", err)
		}
		expectViolation(t, rec, "content")
	})

	t.Run("recorded", func(t *testing.T) {
		calls := s.Calls()
		last := calls[len(calls)-1]
		if last.OperationID != "reactions/create-for-issue-comment" || last.Status != 422 || len(last.Violations) != 1 || last.Method != "POST" {
			t.Errorf("last call = %+v", last)
		}
		if s.Count("unknown") != 2 {
			t.Errorf("unknown count = %d (%s)", s.Count("unknown"), s.CountsString())
		}
		if len(s.Violations()) < 10 {
			t.Errorf("violations: %d", len(s.Violations()))
		}
	})
}

func TestSpecCoversHandlers(t *testing.T) {
	spec, err := LoadSpec(RepoRoot(t) + "/" + SpecPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(spec.Source, "@octokit/openapi@") {
		t.Errorf("source = %q", spec.Source)
	}
	ids := map[string]bool{}
	for _, op := range spec.Operations() {
		ids[op.ID] = true
		if handlers[op.ID] == nil {
			t.Errorf("no handler for %s %s (%s)", op.Method, op.Template, op.ID)
		}
	}
	for id := range handlers {
		if !ids[id] {
			t.Errorf("handler %s has no operation in the spec", id)
		}
	}
	if len(ids) != 25 {
		t.Errorf("%d operations, want 25", len(ids))
	}
	// Greedy and specific matching.
	for _, c := range []struct{ method, path, op, param, value string }{
		{"GET", "/repos/o/r/contents/db/schema/users.sql", "repos/get-content", "path", "db/schema/users.sql"},
		{"GET", "/repos/o/r/contents/a%20b.sql", "repos/get-content", "path", "a b.sql"},
		{"GET", "/repos/o/r/commits/feature/x/check-runs", "checks/list-for-ref", "ref", "feature/x"},
		{"GET", "/repos/o/r/issues/comments/5", "issues/get-comment", "comment_id", "5"},
		{"GET", "/repos/o/r/issues/5/comments", "issues/list-comments", "issue_number", "5"},
		{"GET", "/repos/o/r", "repos/get", "repo", "r"},
		{"GET", "/repos/o/r/pulls", "pulls/list", "repo", "r"},
	} {
		op, params, _ := spec.Match(c.method, c.path)
		if op == nil || op.ID != c.op || params[c.param] != c.value {
			t.Errorf("%s %s → %v %v", c.method, c.path, op, params)
		}
	}
}

func TestResponseCheck(t *testing.T) {
	spec, err := LoadSpec(RepoRoot(t) + "/" + SpecPath)
	if err != nil {
		t.Fatal(err)
	}
	op := spec.Operation("issues/get-comment")
	if msg := op.CheckResponse(200, []byte(`{"id": "x"}`)); !strings.Contains(msg, "id") || !strings.Contains(msg, "missing") {
		t.Errorf("bad comment accepted: %q", msg)
	}
	if msg := op.CheckResponse(201, []byte(`{}`)); !strings.Contains(msg, "not documented") {
		t.Errorf("undocumented status: %q", msg)
	}
	// A real comment, as GitHub documents it, with nulls where it sends them.
	s := New(t)
	s.AddRepo(owner, name)
	s.AddPullRequest(owner, name, PR{Number: 1})
	id := s.AddComment(owner, name, 1, "alice", "hi")
	s.mu.Lock()
	rs := s.repoLocked(owner, name)
	body := s.commentJSON(rs, rs.comments[0])
	s.mu.Unlock()
	if body["id"] != id {
		t.Fatalf("id %v", body["id"])
	}
}

func TestConvertSchema(t *testing.T) {
	in := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"conclusion":  map[string]any{"type": "string", "nullable": true, "enum": []any{"success", "failure"}},
			"app":         map[string]any{"nullable": true, "allOf": []any{map[string]any{"type": "object"}}},
			"description": map[string]any{"type": "integer", "minimum": 1, "exclusiveMinimum": true},
		},
	}
	out := ConvertSchema(in).(map[string]any)
	props := out["properties"].(map[string]any)
	c := props["conclusion"].(map[string]any)
	if fmt.Sprint(c["type"]) != "[string null]" || len(c["enum"].([]any)) != 3 || c["nullable"] != nil {
		t.Errorf("conclusion = %v", c)
	}
	if _, ok := props["app"].(map[string]any)["anyOf"]; !ok {
		t.Errorf("app = %v", props["app"])
	}
	d := props["description"].(map[string]any)
	if d["exclusiveMinimum"] != 1 || d["minimum"] != nil {
		t.Errorf("description = %v", d)
	}
	if _, still := in["properties"].(map[string]any)["conclusion"].(map[string]any)["nullable"]; !still {
		t.Error("input modified")
	}
}
