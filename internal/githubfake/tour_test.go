package githubfake

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"
)

// TestEveryOperationAnswersToSchema calls every operation of the subset
// through go-github and validates each successful answer against GitHub's
// response schema explicitly (the fake also does so itself on every call).
func TestEveryOperationAnswersToSchema(t *testing.T) {
	s := seeded(t)
	s.AddPullRequest(owner, name, PR{Number: 8, HeadSHA: headSHA, BaseSHA: baseSHA, Fork: true, Author: "eve", Draft: true})
	s.AddUserToken("ghp_alice", "alice")
	s.AddTeamMember(owner, "dba", "alice")
	s.AddReview(owner, name, 7, Review{User: "bob"})
	app := s.App()
	hourAgo := time.Now().Add(-time.Hour)
	gh := client(t, s, s.Token())
	ctx := context.Background()
	must := func(_ any, _ *github.Response, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	must(gh.Repositories.Get(ctx, owner, name))
	must(gh.PullRequests.Get(ctx, owner, name, 7))
	fork, _, err := gh.PullRequests.Get(ctx, owner, name, 8)
	if err != nil || fork.GetHead().GetRepo().GetFullName() != "eve/shop" || !fork.GetHead().GetRepo().GetFork() || !fork.GetDraft() {
		t.Errorf("fork pull request = %+v, %v", fork.GetHead().GetRepo(), err)
	}
	open, _, err := gh.PullRequests.List(ctx, owner, name, &github.PullRequestListOptions{ListOptions: github.ListOptions{PerPage: 1}})
	if err != nil || len(open) != 1 || open[0].GetNumber() != 8 {
		t.Errorf("open pull requests, first page of 1 = %v, %v", open, err)
	}
	must(gh.PullRequests.List(ctx, owner, name, &github.PullRequestListOptions{State: "all", Sort: "updated", Direction: "asc", Base: "main"}))
	must(gh.PullRequests.ListFiles(ctx, owner, name, 7, nil))
	must(gh.PullRequests.ListReviews(ctx, owner, name, 7, nil))
	_, _, _, err = gh.Repositories.GetContents(ctx, owner, name, "schema/users.sql", &github.RepositoryContentGetOptions{Ref: headSHA})
	must(nil, nil, err)
	_, _, _, err = gh.Repositories.GetContents(ctx, owner, name, "schema", &github.RepositoryContentGetOptions{Ref: headSHA})
	must(nil, nil, err)
	_, _, _, err = gh.Repositories.GetContents(ctx, owner, name, "README.md", nil)
	must(nil, nil, err)
	tree, _, err := gh.Git.GetTree(ctx, owner, name, "main", true)
	must(tree, nil, err)
	must(gh.Git.GetBlob(ctx, owner, name, tree.Entries[0].GetSHA()))
	c, _, err := gh.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String("plan")})
	must(c, nil, err)
	must(gh.Issues.EditComment(ctx, owner, name, c.GetID(), &github.IssueComment{Body: github.String("plan 2")}))
	must(gh.Issues.GetComment(ctx, owner, name, c.GetID()))
	must(gh.Reactions.CreateIssueCommentReaction(ctx, owner, name, c.GetID(), "rocket"))
	must(gh.Issues.ListComments(ctx, owner, name, 7, &github.IssueListCommentsOptions{Since: &hourAgo}))
	cr, _, err := gh.Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{Name: "ddlbot/shop", HeadSHA: headSHA,
		DetailsURL: github.String("https://example.com/d"), ExternalID: github.String("x-1")})
	must(cr, nil, err)
	must(gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{Name: "ddlbot/shop", Conclusion: github.String("success"),
		Output: &github.CheckRunOutput{Title: github.String("ok"), Summary: github.String("fine"), Text: github.String("details")}}))
	must(gh.Checks.GetCheckRun(ctx, owner, name, cr.GetID()))
	must(gh.Checks.ListCheckRunsForRef(ctx, owner, name, headSHA, nil))
	must(gh.Repositories.GetPermissionLevel(ctx, owner, name, "alice"))
	must(gh.Teams.GetTeamMembershipBySlug(ctx, owner, "dba", "alice"))
	must(client(t, s, "ghp_alice").Users.Get(ctx, ""))
	must(client(t, s, s.SignAppJWT()).Apps.Get(ctx, ""))
	must(client(t, s, s.SignAppJWT()).Apps.CreateInstallationToken(ctx, app.InstallationID,
		&github.InstallationTokenOptions{Repositories: []string{name}}))
	must(gh.RateLimit.Get(ctx))
	s.RequireReviews(owner, name, "main", 2, true)
	s.RequireReviews(owner, name, "main", 1, false)
	if rules, _, err := gh.Repositories.GetRulesForBranch(ctx, owner, name, "main"); err != nil || len(rules) != 1 || rules[0].Type != "pull_request" {
		t.Errorf("branch rules %+v, %v", rules, err)
	}
	// Classic protection needs admin access: a user's token gets the answer
	// (an installation token 403, below).
	if p, _, err := client(t, s, "ghp_alice").Repositories.GetPullRequestReviewEnforcement(ctx, owner, name, "main"); err != nil || p.RequiredApprovingReviewCount != 1 {
		t.Errorf("review protection %+v, %v", p, err)
	}

	covered := map[string]bool{}
	for _, call := range s.Calls() {
		if call.Status >= 300 {
			t.Errorf("%s %s → %d %s", call.Method, call.Path, call.Status, call.Response)
			continue
		}
		op := s.Spec().Operation(call.OperationID)
		if msg := op.CheckResponse(call.Status, call.Response); msg != "" {
			t.Errorf("%s: %s", call.OperationID, msg)
		}
		covered[call.OperationID] = true
	}
	for _, op := range s.Spec().Operations() {
		if !covered[op.ID] {
			t.Errorf("operation %s not exercised", op.ID)
		}
	}
	noViolations(t, s)
	if _, resp, err := gh.Repositories.GetPullRequestReviewEnforcement(ctx, owner, name, "main"); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("review protection with an installation token: %v", err)
	}
}

// TestGhinstallation authenticates as the fake's App with ghinstallation,
// as `ddlbot serve` does.
func TestGhinstallation(t *testing.T) {
	s := seeded(t)
	app := s.App()
	tr, err := ghinstallation.New(http.DefaultTransport, app.ID, app.InstallationID, app.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	tr.BaseURL = strings.TrimSuffix(s.URL(), "/")
	gh := github.NewClient(&http.Client{Transport: tr})
	gh.BaseURL, _ = gh.BaseURL.Parse(s.URL())
	c, _, err := gh.Issues.CreateComment(context.Background(), owner, name, 7, &github.IssueComment{Body: github.String("from the App")})
	if err != nil {
		t.Fatal(err)
	}
	if c.GetUser().GetLogin() != app.Slug+"[bot]" {
		t.Errorf("author %q", c.GetUser().GetLogin())
	}
	// GET /app with the App's JWT: its slug, and so its bot user's login.
	atr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, app.ID, app.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	atr.BaseURL = strings.TrimSuffix(s.URL(), "/")
	appClient := github.NewClient(&http.Client{Transport: atr})
	appClient.BaseURL, _ = appClient.BaseURL.Parse(s.URL())
	got, _, err := appClient.Apps.Get(context.Background(), "")
	if err != nil || got.GetSlug() != app.Slug || got.GetID() != app.ID {
		t.Fatalf("GET /app: %+v %v", got, err)
	}
	if _, _, err := gh.Apps.Get(context.Background(), ""); err == nil {
		t.Error("GET /app accepted an installation token")
	}
	if s.Count("apps/create-installation-access-token") != 1 || s.Count("apps/get-authenticated") != 2 || len(s.Violations()) != 0 {
		t.Errorf("counts %s, violations %v", s.CountsString(), s.Violations())
	}
}
