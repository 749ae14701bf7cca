package github

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/listedfs"
)

func callNames(calls []call) []string {
	var out []string
	for _, c := range calls {
		s := c.String()
		if c.Query != "" {
			s += "?" + c.Query
		}
		out = append(out, s)
	}
	return out
}

func wantCalls(t *testing.T, calls []call, want ...string) {
	t.Helper()
	got := callNames(calls)
	if !slices.Equal(got, want) {
		t.Fatalf("calls:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestPullRequest(t *testing.T) {
	f := newFake(t)
	f.pulls[12] = map[string]any{
		"number": 12, "state": "open", "draft": true, "merged": false, "title": "add `users`", "html_url": "https://github.example/o/r/pull/12",
		"user": map[string]any{"login": "alice"},
		"head": map[string]any{"sha": "h1", "ref": "feature/x", "repo": map[string]any{"full_name": "alice/r"}},
		"base": map[string]any{"sha": "b1", "ref": "main", "repo": map[string]any{"full_name": "o/r"}},
	}
	f.pulls[13] = map[string]any{"number": 13, "state": "closed", "merged": true,
		"head": map[string]any{"sha": "h2", "ref": "y", "repo": map[string]any{"full_name": "O/R"}},
		"base": map[string]any{"sha": "b2", "ref": "main", "repo": map[string]any{"full_name": "o/r"}}}
	f.pulls[14] = map[string]any{"number": 14, "state": "open", // head repository deleted
		"head": map[string]any{"sha": "h3", "ref": "z"}, "base": map[string]any{"sha": "b3", "ref": "main", "repo": map[string]any{"full_name": "o/r"}}}
	c, _ := f.client(t)
	pr, err := c.PullRequest(ctx, "o", "r", 12)
	if err != nil {
		t.Fatal(err)
	}
	want := PullRequest{Number: 12, State: "open", Draft: true, HeadSHA: "h1", HeadRef: "feature/x", HeadRepoFullName: "alice/r",
		BaseSHA: "b1", BaseRef: "main", BaseRepoFullName: "o/r", IsFork: true, Author: "alice", Title: "add `users`", HTMLURL: "https://github.example/o/r/pull/12"}
	if pr != want {
		t.Fatalf("pr = %+v\nwant %+v", pr, want)
	}
	if pr, err := c.PullRequest(ctx, "o", "r", 13); err != nil || pr.IsFork || !pr.Merged {
		t.Fatalf("same repo, other case: %+v %v", pr, err)
	}
	if pr, err := c.PullRequest(ctx, "o", "r", 14); err != nil || !pr.IsFork {
		t.Fatalf("deleted head repo counts as a fork: %+v %v", pr, err)
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/pulls/12", "GET /repos/o/r/pulls/13", "GET /repos/o/r/pulls/14")
	_, err = c.PullRequest(ctx, "o", "r", 99)
	if err == nil || !strings.HasPrefix(err.Error(), "get pull request o/r#99: ") || !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenPullRequestsPaginates(t *testing.T) {
	f := newFake(t)
	for n := 1; n <= 230; n++ {
		state := "open"
		if n%10 == 0 {
			state = "closed"
		}
		f.pulls[n] = map[string]any{"number": n, "state": state, "user": map[string]any{"login": "alice"},
			"head": map[string]any{"sha": fmt.Sprintf("h%d", n), "ref": "x", "repo": map[string]any{"full_name": "o/r"}},
			"base": map[string]any{"sha": "b", "ref": "main", "repo": map[string]any{"full_name": "o/r", "default_branch": "main"}}}
	}
	c, _ := f.client(t)
	prs, err := c.OpenPullRequests(ctx, "o", "r")
	if err != nil {
		t.Fatal(err)
	}
	if len(prs) != 207 || prs[0].Number != 230-1 || prs[len(prs)-1].Number != 1 {
		t.Fatalf("%d pull requests, first #%d, last #%d", len(prs), prs[0].Number, prs[len(prs)-1].Number)
	}
	if p := prs[0]; p.HeadSHA != "h229" || p.IsFork || p.DefaultBranch != "main" || p.State != "open" || p.Author != "alice" {
		t.Errorf("first = %+v", p)
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/pulls?per_page=100&state=open", "GET /repos/o/r/pulls?page=2&per_page=100&state=open",
		"GET /repos/o/r/pulls?page=3&per_page=100&state=open")
	f.before = func(w http.ResponseWriter, r *http.Request, n int) bool {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return true
	}
	if _, err := c.OpenPullRequests(ctx, "o", "gone"); err == nil || !strings.HasPrefix(err.Error(), "list the open pull requests of o/gone: ") || !IsNotFound(err) {
		t.Errorf("err = %v", err)
	}
}

func TestChangedFilesPaginates(t *testing.T) {
	f := newFake(t)
	for i := range 250 {
		e := map[string]any{"filename": fmt.Sprintf("db/%03d.sql", i), "status": "modified"}
		if i == 3 {
			e["status"], e["previous_filename"] = "renamed", "db/old.sql"
		}
		f.files[5] = append(f.files[5], e)
	}
	c, _ := f.client(t)
	files, err := c.ChangedFiles(ctx, "o", "r", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 250 || files[249].Path != "db/249.sql" || files[3] != (ChangedFile{Path: "db/003.sql", PreviousPath: "db/old.sql", Status: "renamed"}) {
		t.Fatalf("files = %d, %+v, %+v", len(files), files[3], files[249])
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/pulls/5/files?per_page=100",
		"GET /repos/o/r/pulls/5/files?page=2&per_page=100", "GET /repos/o/r/pulls/5/files?page=3&per_page=100")

	for i := range MaxChangedFiles {
		f.files[6] = append(f.files[6], map[string]any{"filename": fmt.Sprintf("f%d", i), "status": "added"})
	}
	files, err = c.ChangedFiles(ctx, "o", "r", 6)
	if !errors.Is(err, ErrChangedFilesTruncated) || len(files) != MaxChangedFiles {
		t.Fatalf("truncated: %d files, %v", len(files), err)
	}
	if n := len(f.takeCalls()); n != 30 {
		t.Fatalf("%d requests for 3000 files, want 30", n)
	}
}

func TestReviews(t *testing.T) {
	f := newFake(t)
	for i := range 130 {
		f.reviews[5] = append(f.reviews[5], map[string]any{"id": i + 1, "user": map[string]any{"login": fmt.Sprintf("u%d", i)},
			"state": "APPROVED", "commit_id": "abc", "submitted_at": "2024-05-01T10:00:00Z", "author_association": "MEMBER"})
	}
	c, _ := f.client(t)
	rs, err := c.Reviews(ctx, "o", "r", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 130 || rs[129].User != "u129" || rs[0].State != "APPROVED" || rs[0].CommitID != "abc" ||
		rs[0].SubmittedAt.IsZero() || rs[0].AuthorAssociation != "MEMBER" {
		t.Fatalf("reviews = %d %+v", len(rs), rs[0])
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/pulls/5/reviews?per_page=100", "GET /repos/o/r/pulls/5/reviews?page=2&per_page=100")
}

func TestFileContentAndReadDir(t *testing.T) {
	f := newFake(t)
	big := strings.Repeat("x", largeFile+10)
	f.addCommit("main", map[string]string{
		"db/schema/users.sql": "CREATE TABLE users (id int);\n",
		"db/schema/big.sql":   big,
		"db/README.md":        "hi",
		".ddlbot.yml":         "databases: []\n",
	})
	c, _ := f.client(t)
	b, err := c.FileContent(ctx, "o", "r", "main", "/db/schema/users.sql")
	if err != nil || string(b) != "CREATE TABLE users (id int);\n" {
		t.Fatalf("content = %q, %v", b, err)
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/contents/db/schema/users.sql?ref=main")

	b, err = c.FileContent(ctx, "o", "r", "main", "db/schema/big.sql")
	if err != nil || string(b) != big {
		t.Fatalf("big file: %d bytes, %v", len(b), err)
	}
	calls := f.takeCalls()
	if len(calls) != 2 || !strings.HasPrefix(calls[1].Path, "/repos/o/r/git/blobs/") || !strings.Contains(calls[1].Accept, "raw") {
		t.Fatalf("large files are read as raw blobs: %v", callNames(calls))
	}

	_, err = c.FileContent(ctx, "o", "r", "main", "db/missing.sql")
	if !errors.Is(err, fs.ErrNotExist) || !IsNotFound(err) || !strings.HasPrefix(err.Error(), "read db/missing.sql at main in o/r: ") {
		t.Fatalf("missing: %v", err)
	}
	if _, err := c.FileContent(ctx, "o", "r", "main", "db"); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("dir: %v", err)
	}
	if _, err := c.FileContent(ctx, "o", "r", "main", "../etc/passwd"); err == nil {
		t.Fatal("a path out of the repository is refused")
	}

	entries, err := c.ReadDir(ctx, "o", "r", "main", "db")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Name != "README.md" || entries[0].Type != "file" || entries[1].Name != "schema" || entries[1].Type != "dir" || entries[1].Path != "db/schema" {
		t.Fatalf("entries = %+v", entries)
	}
	if _, err := c.ReadDir(ctx, "o", "r", "main", "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing dir: %v", err)
	}
	if _, err := c.ReadDir(ctx, "o", "r", "main", "db/README.md"); err == nil {
		t.Fatal("a file is not a directory")
	}
}

func TestRepoFS(t *testing.T) {
	f := newFake(t)
	files := map[string]string{
		"db/schema/users.sql":     "CREATE TABLE users (id int);\n",
		"db/schema/orders.sql":    "CREATE TABLE orders (id int);\n",
		"db/schema/copy.sql":      "CREATE TABLE users (id int);\n", // same blob: read once
		"db/schema/sub/views.sql": "CREATE VIEW v AS SELECT 1;\n",
		"db/schema/run.sh":        "#!/bin/sh\n",
		"db/schema/ignored.link":  "users.sql",
		"db/schema/vendor.sub":    "",
		"db/other/x.sql":          "nope",
		"README.md":               "readme",
	}
	commit := f.addCommit("feature/x", files)
	c, _ := f.client(t)

	fsys, err := c.RepoFS(ctx, "o", "r", "feature/x", "db/schema", listedfs.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "db/schema/users.sql", "db/schema/orders.sql", "db/schema/copy.sql", "db/schema/sub/views.sql", "db/schema/run.sh"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"db/schema/ignored.link", "db/schema/vendor.sub", "db/other/x.sql", "README.md"} {
		if _, err := fs.Stat(fsys, p); err == nil {
			t.Errorf("%s is in the FS", p)
		}
	}
	b, _ := fs.ReadFile(fsys, "db/schema/sub/views.sql")
	if string(b) != files["db/schema/sub/views.sql"] {
		t.Fatalf("views.sql = %q", b)
	}
	calls := f.takeCalls()
	names := callNames(calls)
	if names[0] != "GET /repos/o/r/commits/feature/x" || !strings.HasPrefix(names[1], "GET /repos/o/r/git/trees/"+commit) ||
		!strings.HasSuffix(names[3], "?recursive=1") {
		t.Fatalf("calls = %v", names)
	}
	blobs := 0
	for _, n := range names {
		if strings.Contains(n, "/git/blobs/") {
			blobs++
		}
	}
	if blobs != 4 || len(calls) != 4+blobs {
		t.Fatalf("%d blob reads (want 4: distinct files) in %v", blobs, names)
	}

	// A commit SHA needs no resolving; the root is the whole repository.
	all, err := c.RepoFS(ctx, "o", "r", commit, ".", listedfs.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(all, "README.md"); err != nil || string(b) != "readme" {
		t.Fatalf("root: %q %v", b, err)
	}
	if calls := f.takeCalls(); strings.Contains(callNames(calls)[0], "/commits/") {
		t.Fatalf("a full sha is not resolved: %v", callNames(calls))
	}

	// Missing folder: empty FS.
	empty, err := c.RepoFS(ctx, "o", "r", commit, "db/nope/deeper", listedfs.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if entries, err := fs.ReadDir(empty, "."); err != nil || len(entries) != 0 {
		t.Fatalf("missing folder: %v %v", entries, err)
	}
	f.takeCalls()

	// GitHub truncates the recursive listing: walk level by level.
	f.truncate = true
	fsys2, err := c.RepoFS(ctx, "o", "r", commit, "db/schema", listedfs.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys2, "db/schema/users.sql", "db/schema/sub/views.sql"); err != nil {
		t.Fatal(err)
	}

	if _, err := c.RepoFS(ctx, "o", "r", "no-such-branch", "db", listedfs.Limits{}); err == nil || !strings.Contains(err.Error(), "resolve ref") {
		t.Fatalf("unknown ref: %v", err)
	}

	// A .sql file over the limit is listed with its size, but its blob is
	// never read; reading it fails. Other files are not counted.
	f.truncate = false
	f.takeCalls()
	limited, err := c.RepoFS(ctx, "o", "r", commit, "db/schema", listedfs.Limits{MaxFileSize: int64(len(files["db/schema/users.sql"]) - 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range callNames(f.takeCalls()) {
		if strings.Contains(n, "/git/blobs/"+gitSHA("blob", []byte(files["db/schema/orders.sql"]))) {
			t.Fatalf("the blob of a file over the limit was read: %s", n)
		}
	}
	if info, err := fs.Stat(limited, "db/schema/orders.sql"); err != nil || info.Size() != int64(len(files["db/schema/orders.sql"])) {
		t.Fatalf("the unread file's listed size: %v %v", info, err)
	}
	var ue *listedfs.UnreadError
	if _, err := fs.ReadFile(limited, "db/schema/orders.sql"); !errors.As(err, &ue) {
		t.Fatalf("reading a file over the limit: %v", err)
	}
	if b, err := fs.ReadFile(limited, "db/schema/sub/views.sql"); err != nil || string(b) != files["db/schema/sub/views.sql"] {
		t.Fatalf("a file within the limit: %q %v", b, err)
	}
	if _, err := c.RepoFS(ctx, "o", "r", commit, "db/schema", listedfs.Limits{MaxFileSize: int64(len(files["db/schema/orders.sql"]))}); err != nil {
		t.Fatalf("the largest .sql file exactly at the limit: %v", err)
	}

	// More .sql files than max_files: nothing is fetched up front (a
	// folder of 100,000 files costs its listing); the sizes are listed, so
	// the load's size check can refuse it, and a file opened is fetched then.
	f.takeCalls()
	many, err := c.RepoFS(ctx, "o", "r", commit, "db/schema", listedfs.Limits{MaxFiles: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range callNames(f.takeCalls()) {
		if strings.Contains(n, "/git/blobs/") {
			t.Fatalf("a blob was read before any file was opened: %s", n)
		}
	}
	if info, err := fs.Stat(many, "db/schema/orders.sql"); err != nil || info.Size() != int64(len(files["db/schema/orders.sql"])) {
		t.Fatalf("a listed file's size: %v %v", info, err)
	}
	if b, err := fs.ReadFile(many, "db/schema/sub/views.sql"); err != nil || string(b) != files["db/schema/sub/views.sql"] {
		t.Fatalf("a file fetched when read: %q %v", b, err)
	}
	blobs = 0
	for _, n := range callNames(f.takeCalls()) {
		if strings.Contains(n, "/git/blobs/") {
			blobs++
		}
	}
	if blobs != 1 {
		t.Fatalf("%d blobs read for one file", blobs)
	}
	if b, err := fs.ReadFile(many, "db/schema/sub/views.sql"); err != nil || string(b) != files["db/schema/sub/views.sql"] || len(f.takeCalls()) != 0 {
		t.Fatalf("a file read again: %q %v", b, err)
	}
}

const marker = "<!-- ddlbot:plan db=app -->"

func TestStickyComment(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	body := marker + "\n## Plan\nno changes\n"

	id, created, err := c.UpsertStickyComment(ctx, "o", "r", 9, marker, body)
	if err != nil || !created || id == 0 {
		t.Fatalf("create: %d %v %v", id, created, err)
	}
	calls := f.takeCalls()
	wantCalls(t, calls, "GET /user", "GET /repos/o/r/issues/9/comments?per_page=100", "POST /repos/o/r/issues/9/comments")
	if got := calls[2].json(t)["body"]; got != body {
		t.Fatalf("posted body = %q", got)
	}

	// Same body: no write.
	id2, created, err := c.UpsertStickyComment(ctx, "o", "r", 9, marker, body)
	if err != nil || created || id2 != id {
		t.Fatalf("no-op: %d %v %v", id2, created, err)
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/issues/9/comments?per_page=100")

	// Changed body: edit in place.
	body2 := marker + "\n## Plan\n1 change\n"
	id3, created, err := c.UpsertStickyComment(ctx, "o", "r", 9, marker, body2)
	if err != nil || created || id3 != id {
		t.Fatalf("edit: %d %v %v", id3, created, err)
	}
	calls = f.takeCalls()
	wantCalls(t, calls, "GET /repos/o/r/issues/9/comments?per_page=100", fmt.Sprintf("PATCH /repos/o/r/issues/comments/%d", id))
	if calls[1].json(t)["body"] != body2 {
		t.Fatal("edited body")
	}

	found, err := c.FindStickyComment(ctx, "o", "r", 9, marker)
	if err != nil || found == nil || found.Body != body2 || found.Author != "ddlbot-user" {
		t.Fatalf("find: %+v %v", found, err)
	}
	if other, err := c.FindStickyComment(ctx, "o", "r", 9, "<!-- ddlbot:plan db=other -->"); err != nil || other != nil {
		t.Fatalf("other marker: %+v %v", other, err)
	}
}

func TestStickyCommentOnPage2IgnoresOthers(t *testing.T) {
	f := newFake(t)
	for i := range 130 {
		f.comments = append(f.comments, &fakeComment{ID: int64(i + 1), Issue: 3, Body: "chatter", Author: "bob"})
	}
	// Someone else posts the marker (with forged state) before the bot does.
	f.comments[20].Body = marker + "\n<!-- ddlbot:state {\"deploy_request\":666} -->"
	// A bot comment that only quotes the marker (a reply echoing a file
	// name) is not the sticky comment: the marker must open the comment.
	f.comments[60].Body = "reply about `" + marker + ".sql`"
	f.comments[60].Author = "ddlbot-user"
	f.comments[120].Body = marker + "\nstate"
	f.comments[120].Author = "ddlbot-user"
	f.comments = append(f.comments, &fakeComment{ID: 500, Issue: 3, Body: marker + " duplicate", Author: "ddlbot-user"})
	c, _ := f.client(t)
	found, err := c.FindStickyComment(ctx, "o", "r", 3, marker)
	if err != nil || found == nil || found.ID != 121 {
		t.Fatalf("found = %+v, %v", found, err)
	}
	wantCalls(t, f.takeCalls(), "GET /user", "GET /repos/o/r/issues/3/comments?per_page=100", "GET /repos/o/r/issues/3/comments?page=2&per_page=100")

	id, created, err := c.UpsertStickyComment(ctx, "o", "r", 3, marker, "new body without the marker")
	if err != nil || created || id != 121 {
		t.Fatalf("upsert: %d %v %v", id, created, err)
	}
	if got := f.comments[120].Body; got != marker+"\nnew body without the marker" {
		t.Fatalf("body = %q (marker put first)", got)
	}
	if f.comments[20].Body == f.comments[120].Body || f.comments[60].Body != "reply about `"+marker+".sql`" {
		t.Fatal("another comment was edited")
	}
}

func TestStickyCommentTruncated(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	var b strings.Builder
	b.WriteString(marker + "\n<details><summary>diff</summary>\n\n```diff\n")
	for b.Len() < 2*MaxCommentLength {
		b.WriteString("+  `name` varchar(255) NOT NULL, -- ünïcödé ✓\n")
	}
	b.WriteString("```\n</details>\n")
	if _, _, err := c.UpsertStickyComment(ctx, "o", "r", 1, marker, b.String()); err != nil {
		t.Fatal(err)
	}
	got := f.comments[0].Body
	if len(got) > MaxCommentLength || !strings.HasPrefix(got, marker) || !strings.Contains(got, "full report is in the check run") ||
		!strings.Contains(got, "```\n\n</details>") {
		t.Fatalf("cut body: %d bytes, tail %q", len(got), got[len(got)-300:])
	}
	// Re-posting the same long body is a no-op: the comparison uses the cut body.
	f.takeCalls()
	if _, _, err := c.UpsertStickyComment(ctx, "o", "r", 1, marker, b.String()); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/issues/1/comments?per_page=100")
}

func TestCheckRunAnnotationBatches(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	var anns []Annotation
	for i := range 120 {
		anns = append(anns, Annotation{Path: "db/schema/users.sql", StartLine: i + 1, Level: "error", Title: "rule", Message: fmt.Sprintf("finding %d", i)})
	}
	anns[0].StartColumn, anns[0].EndColumn = 3, 9
	anns[1].EndLine, anns[1].StartColumn, anns[1].EndColumn = 5, 1, 4 // multi-line: no columns
	cr, err := c.CreateCheckRun(ctx, "o", "r", CheckRunOptions{Name: "ddlbot/app", HeadSHA: "abc", Conclusion: ConclusionFailure,
		Title: "2 lint errors", Summary: "summary", Text: "text", DetailsURL: "https://example.com/run", ExternalID: "app", Annotations: anns})
	if err != nil {
		t.Fatal(err)
	}
	if cr.ID == 0 || cr.Name != "ddlbot/app" || cr.Status != "completed" || cr.Conclusion != "failure" || cr.Summary != "summary" {
		t.Fatalf("check run = %+v", cr)
	}
	calls := f.takeCalls()
	wantCalls(t, calls, "POST /repos/o/r/check-runs", fmt.Sprintf("PATCH /repos/o/r/check-runs/%d", cr.ID), fmt.Sprintf("PATCH /repos/o/r/check-runs/%d", cr.ID))
	for i, want := range []int{50, 50, 20} {
		body := calls[i].json(t)
		out := body["output"].(map[string]any)
		if got := len(out["annotations"].([]any)); got != want {
			t.Errorf("request %d carries %d annotations, want %d", i, got, want)
		}
		if out["title"] != "2 lint errors" || out["summary"] != "summary" || body["name"] != "ddlbot/app" {
			t.Errorf("request %d output = %v", i, out)
		}
	}
	first := calls[0].json(t)
	if first["head_sha"] != "abc" || first["status"] != "completed" || first["conclusion"] != "failure" || first["completed_at"] == nil ||
		first["details_url"] != "https://example.com/run" || first["external_id"] != "app" {
		t.Fatalf("create body = %v", first)
	}
	a0 := first["output"].(map[string]any)["annotations"].([]any)[0].(map[string]any)
	a1 := first["output"].(map[string]any)["annotations"].([]any)[1].(map[string]any)
	if a0["annotation_level"] != "failure" || a0["start_column"] != 3.0 || a0["end_column"] != 9.0 || a0["end_line"] != 1.0 {
		t.Fatalf("annotation 0 = %v", a0)
	}
	if _, ok := a1["start_column"]; ok || a1["end_line"] != 5.0 {
		t.Fatalf("annotation 1 (multi-line) = %v", a1)
	}
	if n := len(f.checkRuns[0].Annotations); n != 120 {
		t.Fatalf("fake holds %d annotations", n)
	}
}

func TestUpdateAndFindCheckRun(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	cr, err := c.CreateCheckRun(ctx, "o", "r", CheckRunOptions{Name: "ddlbot/app", HeadSHA: "abc", Status: StatusInProgress, Title: "Planning", Summary: "…"})
	if err != nil {
		t.Fatal(err)
	}
	f.takeCalls()
	// No name, annotations without output: read the run first.
	up, err := c.UpdateCheckRun(ctx, "o", "r", cr.ID, CheckRunOptions{Annotations: []Annotation{{Path: "a.sql", StartLine: 2, Message: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	calls := f.takeCalls()
	wantCalls(t, calls, fmt.Sprintf("GET /repos/o/r/check-runs/%d", cr.ID), fmt.Sprintf("PATCH /repos/o/r/check-runs/%d", cr.ID))
	body := calls[1].json(t)
	if body["name"] != "ddlbot/app" || body["output"].(map[string]any)["title"] != "Planning" || up.Status != "in_progress" {
		t.Fatalf("update body = %v", body)
	}
	// Full update: one request; long text cut.
	long := strings.Repeat("line of text ✓\n", 10000)
	up, err = c.UpdateCheckRun(ctx, "o", "r", cr.ID, CheckRunOptions{Name: "ddlbot/app", Conclusion: ConclusionSuccess, Title: "Done", Summary: long, Text: long})
	if err != nil {
		t.Fatal(err)
	}
	calls = f.takeCalls()
	if len(calls) != 1 || up.Conclusion != "success" {
		t.Fatalf("calls = %v, run = %+v", callNames(calls), up)
	}
	out := calls[0].json(t)["output"].(map[string]any)
	if s := out["summary"].(string); len(s) > MaxCheckRunOutputLength || !strings.Contains(s, "cut to fit") {
		t.Fatalf("summary: %d bytes", len(s))
	}
	if _, err := c.UpdateCheckRun(ctx, "o", "r", cr.ID, CheckRunOptions{Name: "x", Status: StatusCompleted}); err == nil {
		t.Fatal("completed without conclusion is refused")
	}
	if _, err := c.UpdateCheckRun(ctx, "o", "r", 1, CheckRunOptions{Name: "x", Status: StatusInProgress}); err == nil ||
		!strings.HasPrefix(err.Error(), "update check run 1 on o/r: ") {
		t.Fatalf("err = %v", err)
	}

	// Find: newest by name, across pages.
	for i := range 120 {
		f.checkRuns = append(f.checkRuns, &fakeCheckRun{ID: int64(5000 + i), Name: "other", HeadSHA: "abc"})
	}
	newer, _ := c.CreateCheckRun(ctx, "o", "r", CheckRunOptions{Name: "ddlbot/app", HeadSHA: "abc", Status: StatusQueued})
	f.takeCalls()
	got, err := c.FindCheckRun(ctx, "o", "r", "abc", "ddlbot/app")
	if err != nil || got == nil || got.ID != newer.ID {
		t.Fatalf("find = %+v %v (want %d)", got, err, newer.ID)
	}
	wantCalls(t, f.takeCalls(), "GET /repos/o/r/commits/abc/check-runs?check_name=ddlbot%2Fapp&per_page=100")
	if none, err := c.FindCheckRun(ctx, "o", "r", "zzz", "ddlbot/app"); err != nil || none != nil {
		t.Fatalf("none: %+v %v", none, err)
	}
}

func TestReactReplyPermissionTeam(t *testing.T) {
	f := newFake(t)
	f.permissions["alice"] = map[string]any{"permission": "write", "role_name": "maintain"}
	f.permissions["bob"] = map[string]any{"permission": "read", "role_name": "triage"}
	f.permissions["carol"] = map[string]any{"permission": "write", "role_name": "deployer"}
	f.permissions["old"] = map[string]any{"permission": "admin"}
	f.teams["acme/dba/alice"] = "active"
	f.teams["acme/dba/bob"] = "pending"
	c, _ := f.client(t)

	if err := c.React(ctx, "o", "r", 77, ReactionEyes); err != nil {
		t.Fatal(err)
	}
	calls := f.takeCalls()
	wantCalls(t, calls, "POST /repos/o/r/issues/comments/77/reactions")
	if calls[0].json(t)["content"] != "eyes" {
		t.Fatal("reaction body")
	}
	if err := c.React(ctx, "o", "r", 77, "party"); err == nil {
		t.Fatal("unknown reaction")
	}

	id, err := c.Reply(ctx, "o", "r", 4, "Deployed in 3m.")
	if err != nil || id == 0 {
		t.Fatal(err)
	}
	calls = f.takeCalls()
	wantCalls(t, calls, "POST /repos/o/r/issues/4/comments")
	if calls[0].json(t)["body"] != "Deployed in 3m." {
		t.Fatal("reply body")
	}
	if err := c.EditComment(ctx, "o", "r", id, "edited"); err != nil || f.comments[0].Body != "edited" {
		t.Fatal(err)
	}
	wantCalls(t, f.takeCalls(), fmt.Sprintf("PATCH /repos/o/r/issues/comments/%d", id))

	for user, want := range map[string]struct {
		role, base      string
		write, maintain bool
	}{
		"alice": {"maintain", "write", true, true},
		"bob":   {"triage", "read", false, false},
		"carol": {"deployer", "write", true, false},
		"old":   {"admin", "admin", true, true},
	} {
		p, err := c.Permission(ctx, "o", "r", user)
		if err != nil {
			t.Fatal(err)
		}
		if p.Role != want.role || p.Base != want.base || p.AtLeast("write") != want.write || p.AtLeast("maintain") != want.maintain || p.String() != want.role {
			t.Errorf("%s: %+v", user, p)
		}
	}
	if p := (Permission{Role: "admin"}); p.AtLeast("superuser") {
		t.Error("unknown minimum is never met")
	}
	for _, cl := range f.takeCalls() {
		if cl.Method != "GET" || !strings.HasPrefix(cl.Path, "/repos/o/r/collaborators/") || !strings.HasSuffix(cl.Path, "/permission") {
			t.Errorf("call %s", cl)
		}
	}
	if _, err := c.Permission(ctx, "o", "r", "nobody"); err == nil {
		t.Fatal("404 is an error")
	}

	for user, want := range map[string]bool{"alice": true, "bob": false, "zed": false} {
		got, err := c.TeamMember(ctx, "acme", "dba", user)
		if err != nil || got != want {
			t.Errorf("team member %s = %v %v", user, got, err)
		}
	}
}
