package githubfake

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"
)

const (
	owner = "acme"
	name  = "shop"
)

var (
	baseSHA = fakeSHA("test", "base")
	headSHA = fakeSHA("test", "head")
)

func client(t *testing.T, s *Server, token string) *github.Client {
	t.Helper()
	c := github.NewClient(nil).WithAuthToken(token)
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

// noViolations checks that every request the fake served so far, and its
// answer, conformed to GitHub's OpenAPI description.
func noViolations(t *testing.T, s *Server) {
	t.Helper()
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// seeded is a fake with one organization repository, pull request 7 and
// files at its base and head.
func seeded(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := New(t, opts...)
	s.AddRepoWith(Repo{Owner: owner, Name: name, Org: true})
	s.AddPullRequest(owner, name, PR{Number: 7, Title: "Add users.email", HeadSHA: headSHA, BaseSHA: baseSHA, HeadRef: "add-email", Author: "alice"})
	s.SetFiles(owner, name, baseSHA, map[string]string{
		".ddlbot.yml":      "databases: [shop]\n",
		"schema/users.sql": "CREATE TABLE users (\n  id bigint NOT NULL,\n  PRIMARY KEY (id)\n);\n",
		"README.md":        "# shop\n",
	})
	s.SetFiles(owner, name, headSHA, map[string]string{
		".ddlbot.yml":       "databases: [shop]\n",
		"schema/users.sql":  "CREATE TABLE users (\n  id bigint NOT NULL,\n  email varchar(255),\n  PRIMARY KEY (id)\n);\n",
		"schema/orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
		"README.md":         "# shop\n",
	})
	s.SetFiles(owner, name, "main", map[string]string{"README.md": "# shop\n"})
	return s
}

func TestPullRequestReads(t *testing.T) {
	s := seeded(t)
	gh := client(t, s, s.Token())
	ctx := context.Background()

	repo, _, err := gh.Repositories.Get(ctx, owner, name)
	if err != nil {
		t.Fatal(err)
	}
	if repo.GetFullName() != "acme/shop" || repo.GetDefaultBranch() != "main" || repo.GetOwner().GetType() != "Organization" {
		t.Errorf("repo = %s %s %s", repo.GetFullName(), repo.GetDefaultBranch(), repo.GetOwner().GetType())
	}

	pr, _, err := gh.PullRequests.Get(ctx, owner, name, 7)
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetHead().GetSHA() != headSHA || pr.GetBase().GetRef() != "main" || pr.GetUser().GetLogin() != "alice" ||
		pr.GetDraft() || pr.GetState() != "open" || pr.GetHead().GetRepo().GetFullName() != "acme/shop" {
		t.Errorf("pull request = %+v", pr)
	}
	if pr.GetChangedFiles() != 2 || pr.GetAdditions() != 2 {
		t.Errorf("changed files %d, additions %d; want 2, 2", pr.GetChangedFiles(), pr.GetAdditions())
	}

	files, _, err := gh.PullRequests.ListFiles(ctx, owner, name, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.GetFilename()] = f.GetStatus()
	}
	if len(got) != 2 || got["schema/users.sql"] != "modified" || got["schema/orders.sql"] != "added" {
		t.Errorf("changed files = %v", got)
	}
	for _, f := range files {
		if f.GetFilename() == "schema/users.sql" && (!strings.Contains(f.GetPatch(), "+  email varchar(255),") || f.GetAdditions() != 1 || f.GetDeletions() != 0) {
			t.Errorf("users.sql: +%d -%d patch:\n%s", f.GetAdditions(), f.GetDeletions(), f.GetPatch())
		}
	}

	fc, _, _, err := gh.Repositories.GetContents(ctx, owner, name, "schema/users.sql", &github.RepositoryContentGetOptions{Ref: headSHA})
	if err != nil {
		t.Fatal(err)
	}
	content, err := fc.GetContent()
	if err != nil || !strings.Contains(content, "email varchar(255)") {
		t.Errorf("content = %q, %v", content, err)
	}
	// By branch name too: the pull request's head branch stands for its SHA.
	if _, _, _, err := gh.Repositories.GetContents(ctx, owner, name, "schema/orders.sql", &github.RepositoryContentGetOptions{Ref: "add-email"}); err != nil {
		t.Errorf("contents at the head branch: %v", err)
	}
	_, dir, _, err := gh.Repositories.GetContents(ctx, owner, name, "schema", &github.RepositoryContentGetOptions{Ref: headSHA})
	if err != nil || len(dir) != 2 || dir[0].GetName() != "orders.sql" || dir[0].GetType() != "file" {
		t.Errorf("directory = %v, %v", dir, err)
	}
	_, _, resp, err := gh.Repositories.GetContents(ctx, owner, name, "schema/nope.sql", &github.RepositoryContentGetOptions{Ref: headSHA})
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing file: %v", err)
	}

	tree, _, err := gh.Git.GetTree(ctx, owner, name, headSHA, true)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	var usersBlob string
	for _, e := range tree.Entries {
		paths = append(paths, e.GetPath()+":"+e.GetType())
		if e.GetPath() == "schema/users.sql" {
			usersBlob = e.GetSHA()
		}
	}
	if strings.Join(paths, " ") != ".ddlbot.yml:blob README.md:blob schema:tree schema/orders.sql:blob schema/users.sql:blob" {
		t.Errorf("tree = %v", paths)
	}
	if usersBlob != blobSHA("CREATE TABLE users (\n  id bigint NOT NULL,\n  email varchar(255),\n  PRIMARY KEY (id)\n);\n") {
		t.Errorf("blob sha %s is not git's", usersBlob)
	}
	blob, _, err := gh.Git.GetBlob(ctx, owner, name, usersBlob)
	if err != nil || blob.GetEncoding() != "base64" || blob.GetSize() == 0 {
		t.Errorf("blob = %+v, %v", blob, err)
	}
	// The raw media type answers the bytes themselves.
	raw, _, err := gh.Git.GetBlobRaw(ctx, owner, name, usersBlob)
	if err != nil || !strings.HasPrefix(string(raw), "CREATE TABLE users (") {
		t.Errorf("raw blob = %q, %v", raw, err)
	}
	// A subtree by its SHA, not recursive.
	for _, e := range tree.Entries {
		if e.GetType() == "tree" {
			sub, _, err := gh.Git.GetTree(ctx, owner, name, e.GetSHA(), false)
			if err != nil || len(sub.Entries) != 2 || sub.Entries[0].GetPath() != "orders.sql" {
				t.Errorf("subtree = %+v, %v", sub, err)
			}
		}
	}

	s.AddReview(owner, name, 7, Review{User: "bob", State: "APPROVED"})
	s.AddReview(owner, name, 7, Review{User: "carol", State: "CHANGES_REQUESTED", CommitID: baseSHA})
	reviews, _, err := gh.PullRequests.ListReviews(ctx, owner, name, 7, nil)
	if err != nil || len(reviews) != 2 || reviews[0].GetState() != "APPROVED" || reviews[0].GetCommitID() != headSHA || reviews[0].GetUser().GetLogin() != "bob" {
		t.Errorf("reviews = %v, %v", reviews, err)
	}

	s.SetPermission(owner, name, "bob", "maintain")
	perm, _, err := gh.Repositories.GetPermissionLevel(ctx, owner, name, "bob")
	if err != nil || perm.GetPermission() != "write" || perm.GetRoleName() != "maintain" {
		t.Errorf("permission = %+v, %v", perm, err)
	}
	perm, _, err = gh.Repositories.GetPermissionLevel(ctx, owner, name, "mallory")
	if err != nil || perm.GetPermission() != "read" || perm.GetRoleName() != "read" {
		t.Errorf("permission of a stranger = %+v, %v", perm, err)
	}

	s.AddTeamMember(owner, "dba", "bob")
	m, _, err := gh.Teams.GetTeamMembershipBySlug(ctx, owner, "dba", "bob")
	if err != nil || m.GetState() != "active" || m.GetRole() != "member" {
		t.Errorf("membership = %+v, %v", m, err)
	}
	_, resp, err = gh.Teams.GetTeamMembershipBySlug(ctx, owner, "dba", "mallory")
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("non-member: %v", err)
	}

	rl, _, err := gh.RateLimit.Get(ctx)
	if err != nil || rl.GetCore().Limit != 5000 || rl.GetCore().Remaining >= 5000 {
		t.Errorf("rate limit = %+v, %v", rl, err)
	}
	noViolations(t, s)
}

func TestCommentsAndReactions(t *testing.T) {
	s := seeded(t)
	gh := client(t, s, s.Token())
	ctx := context.Background()

	human := s.AddComment(owner, name, 7, "alice", "/deploy")
	r, resp, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, name, human, "eyes")
	if err != nil || resp.StatusCode != http.StatusCreated || r.GetContent() != "eyes" || r.GetUser().GetLogin() != "github-actions[bot]" {
		t.Fatalf("reaction = %+v, %v", r, err)
	}
	_, resp, err = gh.Reactions.CreateIssueCommentReaction(ctx, owner, name, human, "eyes")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("repeated reaction: %v, %v", resp.Status, err)
	}

	c, resp, err := gh.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String("<!-- ddlbot:plan db=shop -->\nplan")})
	if err != nil || resp.StatusCode != http.StatusCreated || c.GetUser().GetLogin() != "github-actions[bot]" || c.GetUser().GetType() != "Bot" {
		t.Fatalf("create comment = %+v, %v", c, err)
	}
	if resp.Header.Get("Location") != c.GetURL() {
		t.Errorf("Location %q, url %q", resp.Header.Get("Location"), c.GetURL())
	}
	edited, _, err := gh.Issues.EditComment(ctx, owner, name, c.GetID(), &github.IssueComment{Body: github.String("<!-- ddlbot:plan db=shop -->\nplan v2")})
	if err != nil || !strings.HasSuffix(edited.GetBody(), "plan v2") {
		t.Errorf("edit = %+v, %v", edited, err)
	}
	got, _, err := gh.Issues.GetComment(ctx, owner, name, c.GetID())
	if err != nil || got.GetBody() != edited.GetBody() {
		t.Errorf("get = %+v, %v", got, err)
	}
	list, _, err := gh.Issues.ListComments(ctx, owner, name, 7, nil)
	if err != nil || len(list) != 2 || list[0].GetID() != human || list[0].GetReactions().GetEyes() != 1 {
		t.Errorf("list = %v, %v", list, err)
	}

	// GitHub's 65,536-character limit.
	_, resp, err = gh.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String(strings.Repeat("x", MaxCommentBody+1))})
	if err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("oversized comment: %v", err)
	}
	if _, _, err = gh.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String(strings.Repeat("é", MaxCommentBody))}); err != nil {
		t.Errorf("comment of exactly the limit: %v", err)
	}
	_, resp, err = gh.Issues.CreateComment(ctx, owner, name, 99, &github.IssueComment{Body: github.String("x")})
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("comment on a missing pull request: %v", err)
	}

	cs := s.Comments(owner, name, 7)
	if len(cs) != 3 || cs[0].Reactions[0].Content != "eyes" {
		t.Errorf("state = %+v", cs)
	}
	if n := s.Count("issues/create-comment"); n != 4 { // 4 requests, 3 comments
		t.Errorf("create-comment count = %d", n)
	}
	noViolations(t, s)
}

func TestCheckRuns(t *testing.T) {
	s := seeded(t)
	gh := client(t, s, s.Token())
	ctx := context.Background()

	cr, resp, err := gh.Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{
		Name: "ddlbot/shop", HeadSHA: headSHA, Status: github.String("in_progress"),
		Output: &github.CheckRunOutput{Title: github.String("Planning"), Summary: github.String("working")},
	})
	if err != nil || resp.StatusCode != http.StatusCreated || cr.GetStatus() != "in_progress" || cr.GetApp().GetSlug() != "github-actions" {
		t.Fatalf("create = %+v, %v", cr, err)
	}
	if len(cr.PullRequests) != 1 || cr.PullRequests[0].GetNumber() != 7 {
		t.Errorf("pull_requests = %v", cr.PullRequests)
	}

	line := func(n int) *github.CheckRunAnnotation {
		return &github.CheckRunAnnotation{Path: github.String("schema/users.sql"), StartLine: github.Int(n), EndLine: github.Int(n),
			StartColumn: github.Int(3), EndColumn: github.Int(8), AnnotationLevel: github.String("failure"), Message: github.String("bad")}
	}
	var batch []*github.CheckRunAnnotation
	for i := 1; i <= 50; i++ {
		batch = append(batch, line(i))
	}
	_, _, err = gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{
		Name: "ddlbot/shop", Output: &github.CheckRunOutput{Title: github.String("Plan"), Summary: github.String("s"), Annotations: batch},
	})
	if err != nil {
		t.Fatal(err)
	}
	upd, _, err := gh.Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{
		Name: "ddlbot/shop", Conclusion: github.String("failure"),
		Output: &github.CheckRunOutput{Title: github.String("Plan"), Summary: github.String("done"), Annotations: batch[:3]},
	})
	if err != nil || upd.GetStatus() != "completed" || upd.GetConclusion() != "failure" || upd.GetOutput().GetAnnotationsCount() != 53 || upd.CompletedAt == nil {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	got, _, err := gh.Checks.GetCheckRun(ctx, owner, name, cr.GetID())
	if err != nil || got.GetOutput().GetSummary() != "done" {
		t.Errorf("get = %+v, %v", got, err)
	}

	// A second run of the same name: "latest" lists only the newest.
	second, _, err := gh.Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{Name: "ddlbot/shop", HeadSHA: headSHA, Conclusion: github.String("neutral")})
	if err != nil || second.GetStatus() != "completed" {
		t.Fatalf("second = %+v, %v", second, err)
	}
	for _, ref := range []string{headSHA, "add-email"} {
		list, _, err := gh.Checks.ListCheckRunsForRef(ctx, owner, name, ref, &github.ListCheckRunsOptions{CheckName: github.String("ddlbot/shop")})
		if err != nil || list.GetTotal() != 1 || list.CheckRuns[0].GetID() != second.GetID() {
			t.Errorf("list %s = %+v, %v", ref, list, err)
		}
	}
	all, _, err := gh.Checks.ListCheckRunsForRef(ctx, owner, name, headSHA, &github.ListCheckRunsOptions{Filter: github.String("all")})
	if err != nil || all.GetTotal() != 2 {
		t.Errorf("list all = %+v, %v", all, err)
	}

	runs := s.CheckRuns(owner, name)
	if len(runs) != 2 || len(runs[0].Annotations) != 53 || runs[0].Requests != 3 {
		t.Errorf("state: %d runs, %d annotations, %d requests", len(runs), len(runs[0].Annotations), runs[0].Requests)
	}
}

func TestCheckRunsNeedAnApp(t *testing.T) {
	s := seeded(t)
	s.AddUserToken("ghp_alice", "alice")
	ctx := context.Background()
	_, resp, err := client(t, s, "ghp_alice").Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{Name: "x", HeadSHA: headSHA})
	if err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("check run with a personal token: %v", err)
	}
	ro := client(t, s, s.ReadOnlyToken())
	if _, _, err := ro.PullRequests.Get(ctx, owner, name, 7); err != nil {
		t.Errorf("read-only token cannot read: %v", err)
	}
	_, resp, err = ro.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String("x")})
	if err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("comment with a read-only token: %v", err)
	}
}

func TestUsersAndAuth(t *testing.T) {
	s := seeded(t)
	ctx := context.Background()
	s.AddUserToken("ghp_alice", "alice")
	u, _, err := client(t, s, "ghp_alice").Users.Get(ctx, "")
	if err != nil || u.GetLogin() != "alice" {
		t.Errorf("user = %+v, %v", u, err)
	}
	_, resp, err := client(t, s, s.Token()).Users.Get(ctx, "")
	if err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /user with an installation token: %v", err)
	}
	_, resp, err = client(t, s, "wrong").Repositories.Get(ctx, owner, name)
	if err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad token: %v", err)
	}
	anon := github.NewClient(nil)
	anon.BaseURL, _ = url.Parse(s.URL())
	_, resp, err = anon.Repositories.Get(ctx, owner, name)
	if err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %v", err)
	}
	// "Bearer" works as well as "token".
	req, _ := http.NewRequest("GET", s.URL()+"repos/acme/shop", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("Bearer: %v %v", res, err)
	} else {
		res.Body.Close()
	}
}

func TestInstallationToken(t *testing.T) {
	s := seeded(t)
	app := s.App()
	ctx := context.Background()
	jwtClient := client(t, s, s.SignAppJWT())
	tok, resp, err := jwtClient.Apps.CreateInstallationToken(ctx, app.InstallationID, nil)
	if err != nil || resp.StatusCode != http.StatusCreated || !strings.HasPrefix(tok.GetToken(), "ghs_") {
		t.Fatalf("token = %+v, %v", tok, err)
	}
	_, resp, err = jwtClient.Apps.CreateInstallationToken(ctx, app.InstallationID+1, nil)
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("other installation: %v", err)
	}
	_, resp, err = client(t, s, s.Token()).Apps.CreateInstallationToken(ctx, app.InstallationID, nil)
	if err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("installation token instead of a JWT: %v", err)
	}
	gh := client(t, s, tok.GetToken())
	c, _, err := gh.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String("hi")})
	if err != nil || c.GetUser().GetLogin() != "ddlbot[bot]" {
		t.Errorf("comment as the App = %+v, %v", c, err)
	}
	cr, _, err := gh.Checks.CreateCheckRun(ctx, owner, name, github.CreateCheckRunOptions{Name: "ddlbot/shop", HeadSHA: headSHA})
	if err != nil || cr.GetApp().GetSlug() != "ddlbot" || cr.GetStatus() != "queued" {
		t.Fatalf("check run as the App = %+v, %v", cr, err)
	}
	// Another App may not touch it.
	_, resp, err = client(t, s, s.Token()).Checks.UpdateCheckRun(ctx, owner, name, cr.GetID(), github.UpdateCheckRunOptions{Name: "x"})
	if err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("update by another App: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := seeded(t)
	var files []ChangedFile
	for i := 0; i < 7; i++ {
		files = append(files, ChangedFile{Filename: "schema/t" + itoa(i) + ".sql", Status: "added", Additions: 1})
	}
	s.SetChangedFiles(owner, name, 7, files)
	gh := client(t, s, s.Token())
	opts := &github.ListOptions{PerPage: 3}
	var all []*github.CommitFile
	pages := 0
	for {
		page, resp, err := gh.PullRequests.ListFiles(context.Background(), owner, name, 7, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page...)
		if pages == 1 && (resp.LastPage != 3 || resp.NextPage != 2 || !strings.Contains(resp.Header.Get("Link"), `rel="next"`)) {
			t.Errorf("first page: next %d last %d Link %q", resp.NextPage, resp.LastPage, resp.Header.Get("Link"))
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if pages != 3 || len(all) != 7 || all[6].GetFilename() != "schema/t6.sql" {
		t.Errorf("%d pages, %d files", pages, len(all))
	}
	// Default page size 30: one page, no Link.
	_, resp, err := gh.PullRequests.ListFiles(context.Background(), owner, name, 7, nil)
	if err != nil || resp.Header.Get("Link") != "" {
		t.Errorf("single page: Link %q, %v", resp.Header.Get("Link"), err)
	}
}

func TestEnterpriseBaseURL(t *testing.T) {
	s := seeded(t)
	gh, err := github.NewClient(nil).WithAuthToken(s.Token()).WithEnterpriseURLs(s.URL(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.PullRequests.Get(context.Background(), owner, name, 7); err != nil {
		t.Fatal(err)
	}
	calls := s.Calls()
	if calls[len(calls)-1].Path != "/repos/acme/shop/pulls/7" {
		t.Errorf("recorded path %q", calls[len(calls)-1].Path)
	}
}

func TestFaults(t *testing.T) {
	s := seeded(t)
	gh := client(t, s, s.Token())
	ctx := context.Background()

	s.FailNext("GET", "/repos/acme/shop/pulls", http.StatusBadGateway, nil)
	_, resp, err := gh.PullRequests.Get(ctx, owner, name, 7)
	if err == nil || resp.StatusCode != http.StatusBadGateway {
		t.Errorf("502: %v", err)
	}
	if _, _, err := gh.PullRequests.Get(ctx, owner, name, 7); err != nil {
		t.Errorf("the fault answered twice: %v", err)
	}

	s.FailNext("POST", "/repos/acme/shop/issues", http.StatusForbidden, map[string]string{"Retry-After": "2"})
	_, _, err = gh.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String("x")})
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.GetRetryAfter() != 2*time.Second {
		t.Errorf("secondary rate limit: %T %v", err, err)
	}
	if len(s.Comments(owner, name, 7)) != 0 {
		t.Errorf("a failed request changed the state")
	}

	// go-github now refuses to call until Retry-After has passed: a new client.
	gh = client(t, s, s.Token())
	reset := time.Now().Add(30 * time.Second).Truncate(time.Second)
	s.FailNext("", "/", http.StatusForbidden, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": itoa(int(reset.Unix()))})
	_, _, err = gh.Repositories.Get(ctx, owner, name)
	var primary *github.RateLimitError
	if !errors.As(err, &primary) || !primary.Rate.Reset.Time.Equal(reset) {
		t.Errorf("primary rate limit: %T %v", err, err)
	}

	// A network failure. A client of its own: go-github holds back until
	// the rate limit resets, and net/http would retry a GET on a reused
	// connection.
	fresh := github.NewClient(&http.Client{Transport: &http.Transport{}}).WithAuthToken(s.Token())
	fresh.BaseURL, _ = url.Parse(s.URL())
	s.FailNext("GET", "/repos/acme/shop/pulls/7", 0, nil)
	if _, _, err := fresh.PullRequests.Get(ctx, owner, name, 7); err == nil {
		t.Error("dropped connection: no error")
	}
	if _, _, err := fresh.PullRequests.Get(ctx, owner, name, 7); err != nil {
		t.Errorf("after the dropped connection: %v", err)
	}

	calls := s.Calls()
	injected := 0
	for _, c := range calls {
		if c.Injected {
			injected++
		}
	}
	if injected != 4 {
		t.Errorf("%d injected calls, want 4", injected)
	}
}

// TestInstallations: repositories in two installations of the App; each
// installation's token reaches its own repositories only (404 elsewhere, as
// GitHub), and the calls say whose token made them.
func TestInstallations(t *testing.T) {
	s := seeded(t)
	app := s.App()
	const other = 777
	s.AddRepoWith(Repo{Owner: "globex", Name: "billing", Org: true, Installation: other})
	ctx := context.Background()
	jwtClient := client(t, s, s.SignAppJWT())
	tokA, _, err := jwtClient.Apps.CreateInstallationToken(ctx, app.InstallationID, nil)
	if err != nil {
		t.Fatal(err)
	}
	tokB, _, err := jwtClient.Apps.CreateInstallationToken(ctx, other, nil)
	if err != nil {
		t.Fatalf("the second installation's token: %v", err)
	}
	if _, resp, err := jwtClient.Apps.CreateInstallationToken(ctx, other+1, nil); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("an installation nobody has: %v", err)
	}
	a, b := client(t, s, tokA.GetToken()), client(t, s, tokB.GetToken())
	if _, _, err := a.Repositories.Get(ctx, owner, name); err != nil {
		t.Errorf("own repository: %v", err)
	}
	if _, _, err := b.Repositories.Get(ctx, "globex", "billing"); err != nil {
		t.Errorf("own repository (second installation): %v", err)
	}
	if s.CrossInstallationRefusals() != 0 {
		t.Fatal("refused a call on the installation's own repository")
	}
	if _, resp, err := b.Issues.CreateComment(ctx, owner, name, 7, &github.IssueComment{Body: github.String("hi")}); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("second installation on the first's repository: %v", err)
	}
	if _, resp, err := a.Repositories.Get(ctx, "globex", "billing"); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("first installation on the second's repository: %v", err)
	}
	if n := s.CrossInstallationRefusals(); n != 2 {
		t.Errorf("%d refusals counted, want 2", n)
	}
	seen := map[int64]bool{}
	for _, c := range s.Calls() {
		seen[c.Installation] = true
	}
	if !seen[app.InstallationID] || !seen[other] {
		t.Errorf("calls by installation: %v", seen)
	}
	// Deliveries name each repository's installation.
	var ev struct {
		Installation struct{ ID int64 } `json:"installation"`
	}
	s.AddPullRequest("globex", "billing", PR{Number: 3, HeadSHA: headSHA, BaseSHA: headSHA})
	if err := json.Unmarshal(s.PullRequestEvent(t, "opened", "globex", "billing", 3, nil), &ev); err != nil || ev.Installation.ID != other {
		t.Errorf("the delivery's installation: %d %v", ev.Installation.ID, err)
	}
}

func TestDeliver(t *testing.T) {
	s := seeded(t)
	secret := []byte("whsec")
	payload := []byte(`{"zen":"Keep it logically awesome."}`)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		if r.Header.Get("X-Hub-Signature-256") != "sha256="+hex.EncodeToString(mac.Sum(nil)) || r.Header.Get("X-GitHub-Event") != "ping" || r.Header.Get("X-GitHub-Delivery") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer recv.Close()
	if code, err := s.Deliver(recv.URL, secret, "ping", payload); err != nil || code != http.StatusAccepted {
		t.Fatalf("Deliver: %d %v", code, err)
	}
}

// TestFlaky: about Rate of the requests fail, with 502 or a secondary rate
// limit, the same ones for the same seed; a zero Flaky stops it.
func TestFlaky(t *testing.T) {
	statuses := func(seed uint64) []int {
		s := seeded(t)
		s.SetFlaky(Flaky{Rate: 0.2, RateLimited: 0.3, Seed: seed})
		var out []int
		for range 400 {
			req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(s.URL(), "/")+"/repos/acme/shop/pulls/7", nil)
			req.Header.Set("Authorization", "Bearer "+s.Token())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "1" {
				t.Fatalf("429 without Retry-After: 1")
			}
			out = append(out, resp.StatusCode)
		}
		s.SetFlaky(Flaky{})
		if _, _, err := client(t, s, s.Token()).PullRequests.Get(context.Background(), owner, name, 7); err != nil {
			t.Errorf("after SetFlaky(Flaky{}): %v", err)
		}
		return out
	}
	a, b := statuses(7), statuses(7)
	n := map[int]int{}
	for i := range a {
		n[a[i]]++
		if a[i] != b[i] {
			t.Fatalf("request %d: %d then %d with the same seed", i, a[i], b[i])
		}
	}
	if n[http.StatusOK] < 280 || n[http.StatusOK] > 360 || n[http.StatusBadGateway] == 0 || n[http.StatusTooManyRequests] == 0 {
		t.Fatalf("statuses %v: want about 20%% failed, with both 502 and 429", n)
	}
}
