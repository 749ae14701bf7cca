package githubfake

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadWebhooks(t *testing.T) {
	dir := filepath.Join(RepoRoot(t), WebhookDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		n, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		var p struct {
			Action string `json:"action"`
		}
		if err := json.Unmarshal(LoadWebhook(t, n), &p); err != nil {
			t.Errorf("%s: %v", n, err)
		}
		parts := strings.Split(n, ".")
		if len(parts) == 1 { // an event without actions (workflow_dispatch)
			if p.Action != "" {
				t.Errorf("%s: action %q", n, p.Action)
			}
			seen[n] = true
			continue
		}
		if p.Action != parts[1] {
			t.Errorf("%s: action %q", n, p.Action)
		}
		seen[parts[0]+"."+parts[1]] = true
	}
	for _, want := range []string{"pull_request.opened", "pull_request.synchronize", "pull_request.closed", "pull_request.reopened",
		"pull_request.ready_for_review", "issue_comment.created", "issue_comment.edited", "issue_comment.deleted", "workflow_dispatch"} {
		if !seen[want] {
			t.Errorf("no payload for %s", want)
		}
	}
}

func TestAdaptWebhook(t *testing.T) {
	orig := LoadWebhook(t, "issue_comment.created")
	out := AdaptWebhook(t, orig, map[string]any{
		"issue.number":                     7,
		"issue.pull_request":               map[string]any{"url": "http://x/repos/acme/shop/pulls/7"},
		"issue.pull_request.diff_url":      "http://x/d",
		"comment.body":                     "/deploy --db shop",
		"comment.user.login":               "alice",
		"repository.full_name":             "acme/shop",
		"installation.id":                  45678901, // created: the plain example has none
		"repository.owner.login":           "acme",
		"comment.performed_via_github_app": Delete,
	})
	var p map[string]any
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	issue := p["issue"].(map[string]any)
	pr := issue["pull_request"].(map[string]any)
	if issue["number"] != 7.0 || pr["url"] != "http://x/repos/acme/shop/pulls/7" || pr["diff_url"] != "http://x/d" {
		t.Errorf("issue = %v", issue)
	}
	comment := p["comment"].(map[string]any)
	if comment["body"] != "/deploy --db shop" || comment["user"].(map[string]any)["login"] != "alice" {
		t.Errorf("comment = %v", comment)
	}
	if _, ok := comment["performed_via_github_app"]; ok {
		t.Error("Delete did not delete")
	}
	if p["installation"].(map[string]any)["id"] != 45678901.0 || p["repository"].(map[string]any)["full_name"] != "acme/shop" {
		t.Errorf("installation %v, repository %v", p["installation"], p["repository"].(map[string]any)["full_name"])
	}
	// Untouched fields keep their values, and the original is not changed.
	var before map[string]any
	_ = json.Unmarshal(orig, &before)
	if p["sender"].(map[string]any)["login"] != before["sender"].(map[string]any)["login"] {
		t.Error("sender changed")
	}
	if before["comment"].(map[string]any)["body"] == "/deploy --db shop" {
		t.Error("original changed")
	}

	// Arrays by index, and appending at the end.
	pr2 := AdaptWebhook(t, LoadWebhook(t, "pull_request.opened"), map[string]any{
		"pull_request.labels.0": map[string]any{"name": "schema"},
		"pull_request.head.sha": "abc",
		"pull_request.merged":   true,
	})
	var q struct {
		PullRequest struct {
			Labels []struct{ Name string }
			Head   struct{ SHA string }
			Merged bool
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(pr2, &q); err != nil || len(q.PullRequest.Labels) == 0 || q.PullRequest.Labels[0].Name != "schema" ||
		q.PullRequest.Head.SHA != "abc" || !q.PullRequest.Merged {
		t.Errorf("adapted pull request = %+v, %v", q, err)
	}
}

func TestAdaptWebhookErrors(t *testing.T) {
	for _, edits := range []map[string]any{
		{"action.x": 1},              // into a string
		{"pull_request.labels.x": 1}, // not an index
	} {
		rec := &recordingTB{TB: t}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			AdaptWebhook(rec, LoadWebhook(t, "pull_request.opened"), edits)
		}()
		wg.Wait()
		if errs := rec.take(); len(errs) != 1 || !strings.Contains(errs[0], "AdaptWebhook") {
			t.Errorf("%v: %q", edits, errs)
		}
	}
}

func TestAdaptWebhookKeepsNumbers(t *testing.T) {
	out := AdaptWebhook(t, []byte(`{"id": 12345678901234567890, "a": {"b": 1.50}}`), map[string]any{"a.c": 2})
	if string(out) != `{"a":{"b":1.50,"c":2},"id":12345678901234567890}` {
		t.Errorf("got %s", out)
	}
}

func TestEvents(t *testing.T) {
	s := seeded(t)
	s.App()
	s.AddPullRequest(owner, name, PR{Number: 9, HeadSHA: headSHA, BaseSHA: baseSHA, Fork: true, Author: "eve", State: "closed", Merged: true})
	var pr struct {
		Action      string `json:"action"`
		Number      int    `json:"number"`
		PullRequest struct {
			Number   int     `json:"number"`
			State    string  `json:"state"`
			Merged   bool    `json:"merged"`
			MergedAt *string `json:"merged_at"`
			User     struct{ Login string }
			Head     struct {
				SHA  string `json:"sha"`
				Ref  string `json:"ref"`
				Repo struct {
					FullName string `json:"full_name"`
					Fork     bool   `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
			Base struct {
				Repo struct {
					FullName string `json:"full_name"`
				} `json:"repo"`
			} `json:"base"`
		} `json:"pull_request"`
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		Installation struct{ ID int64 }
		Sender       struct{ Login string }
	}
	if err := json.Unmarshal(s.PullRequestEvent(t, "closed", owner, name, 9, nil), &pr); err != nil {
		t.Fatal(err)
	}
	if pr.Action != "closed" || pr.Number != 9 || pr.PullRequest.Number != 9 || !pr.PullRequest.Merged || pr.PullRequest.MergedAt == nil ||
		pr.PullRequest.Head.SHA != headSHA || pr.PullRequest.Head.Repo.FullName != "eve/shop" || !pr.PullRequest.Head.Repo.Fork ||
		pr.PullRequest.Base.Repo.FullName != "acme/shop" || pr.Repository.FullName != "acme/shop" || pr.Sender.Login != "eve" ||
		pr.Installation.ID != s.App().InstallationID {
		t.Errorf("pull_request event = %+v", pr)
	}
	// synchronize has no .org example: the plain one is used.
	if err := json.Unmarshal(s.PullRequestEvent(t, "synchronize", owner, name, 7, map[string]any{"after": headSHA}), &pr); err != nil || pr.Action != "synchronize" || pr.Number != 7 {
		t.Errorf("synchronize = %+v, %v", pr, err)
	}

	id := s.AddComment(owner, name, 7, "alice", "/deploy --db shop")
	var ic struct {
		Action string `json:"action"`
		Issue  struct {
			Number      int            `json:"number"`
			PullRequest map[string]any `json:"pull_request"`
		} `json:"issue"`
		Comment struct {
			ID   int64  `json:"id"`
			Body string `json:"body"`
			User struct{ Login, Type string }
		} `json:"comment"`
		Organization struct{ Login string }
	}
	if err := json.Unmarshal(s.CommentEvent(t, "created", owner, name, id, nil), &ic); err != nil {
		t.Fatal(err)
	}
	if ic.Action != "created" || ic.Issue.Number != 7 || ic.Issue.PullRequest["url"] == nil || ic.Comment.ID != id ||
		ic.Comment.Body != "/deploy --db shop" || ic.Comment.User.Login != "alice" || ic.Comment.User.Type != "User" || ic.Organization.Login != "acme" {
		t.Errorf("issue_comment event = %+v", ic)
	}
}
