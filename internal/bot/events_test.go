package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseEventRealPayloads parses GitHub's own example deliveries
// (testdata/github/webhooks, vendored from @octokit/webhooks-examples).
func TestParseEventRealPayloads(t *testing.T) {
	files, err := filepath.Glob("../../testdata/github/webhooks/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vendored payloads: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		name, action, _ := strings.Cut(base, ".")
		action, _, _ = strings.Cut(action, ".")
		ev, err := ParseEvent(name, data)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		switch name {
		case "pull_request":
			if ev.PullRequest == nil || ev.PullRequest.Action != action || ev.PullRequest.Number <= 0 || ev.PullRequest.Repo.Owner == "" {
				t.Errorf("%s: %+v", base, ev.PullRequest)
			}
		case "issue_comment":
			if c := ev.Comment; c == nil || c.Action != action || c.Number <= 0 || c.CommentID == 0 || c.Author == "" || c.Repo.Name == "" {
				t.Errorf("%s: %+v", base, ev.Comment)
			}
		}
	}
}

func TestParseEventErrors(t *testing.T) {
	for _, tc := range []struct{ name, payload, want string }{
		{"pull_request", `{"action":`, "not valid JSON"},
		{"pull_request", `{"number":7}`, "the payload has no action"},
		{"pull_request_target", `{"action":"opened"}`, "no pull request number"},
		{"pull_request", `{"action":"opened","number":7}`, "the payload has no repository"},
		{"issue_comment", `{"action":"created","issue":{"number":7}}`, "the payload has no comment"},
		{"issue_comment", `{"action":"created","comment":{"id":3}}`, "no issue number"},
	} {
		if _, err := ParseEvent(tc.name, []byte(tc.payload)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v, want %q", tc.name, tc.payload, err, tc.want)
		}
	}
	rerun := `{"action":"rerequested","installation":{"id":5},"check_run":{"name":"ddlbot/app","pull_requests":[{"number":12}]},"repository":{"name":"r","owner":{"login":"o"}}}`
	if ev, err := ParseEvent("check_run", []byte(rerun)); err != nil || ev.PullRequest == nil || ev.PullRequest.Number != 12 || ev.PullRequest.Action != "synchronize" || ev.InstallationID != 5 {
		t.Errorf("re-run of ddlbot's check run: %+v %v", ev.PullRequest, err)
	}
	if ev, err := ParseEvent("check_run", []byte(strings.Replace(rerun, "ddlbot/app", "ci/test", 1))); err != nil || ev.Handled() {
		t.Errorf("re-run of another check run: %+v %v", ev, err)
	}
	ev, err := ParseEvent("push", []byte(`not even json`))
	if err != nil || ev.Handled() {
		t.Errorf("an event the engine does nothing on: %+v %v", ev, err)
	}
	ev, err = ParseEvent("issue_comment", []byte(`{"action":"created","installation":{"id":42},"issue":{"number":7,"pull_request":{"url":"x"}},"comment":{"id":3,"body":"/deploy","user":{"login":"bot[bot]","type":"Bot"}},"repository":{"name":"r","owner":{"login":"o"}}}`))
	if err != nil || ev.InstallationID != 42 || !ev.Comment.IsPullRequest || !ev.Comment.AuthorIsBot || ev.Comment.Body != "/deploy" {
		t.Errorf("%+v %v", ev.Comment, err)
	}
}

// FuzzParseEvent: any payload parses or is refused, never a panic.
func FuzzParseEvent(f *testing.F) {
	f.Add("pull_request", []byte(`{"action":"opened","number":7,"repository":{"name":"r","owner":{"login":"o"}}}`))
	f.Add("issue_comment", []byte(`{"action":"created","issue":{"number":7},"comment":{"id":1}}`))
	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		ev, err := ParseEvent(name, payload)
		if err == nil && ev.PullRequest != nil && ev.PullRequest.Number <= 0 {
			t.Fatalf("accepted a pull request without a number: %+v", ev)
		}
	})
}

func TestParseInstallationEvent(t *testing.T) {
	ev, err := ParseEvent("installation", []byte(`{"action":"deleted","installation":{"id":77,"account":{"login":"acme"}}}`))
	if err != nil || !ev.Handled() || ev.Installation == nil || ev.Installation.Action != "deleted" || ev.Installation.ID != 77 || ev.Installation.Account != "acme" || ev.InstallationID != 77 {
		t.Fatalf("%+v %v", ev.Installation, err)
	}
	if _, err := ParseEvent("installation", []byte(`{"action":"created"}`)); err == nil {
		t.Error("an installation event without an installation id was accepted")
	}
}
