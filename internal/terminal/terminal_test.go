package terminal

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/listedfs"
)

func TestGitHub(t *testing.T) {
	ctx := context.Background()
	side := func(content string) FolderFunc {
		return func(context.Context, string) (fs.FS, error) {
			return fstest.MapFS{"db/a.sql": {Data: []byte(content)}}, nil
		}
	}
	g := &GitHub{PR: github.PullRequest{Number: 3, BaseSHA: "abc", HeadSHA: "worktree"}, Config: []byte("databases: []\n"),
		Base: side("base"), Head: side("head")}
	if _, err := g.PullRequest(ctx, "o", "r", 4); err == nil {
		t.Error("pull request #4 exists")
	}
	if pr, err := g.PullRequest(ctx, "o", "r", 3); err != nil || pr.HeadSHA != "worktree" {
		t.Fatalf("%+v %v", pr, err)
	}
	for _, ref := range []string{"abc", "worktree"} {
		if b, err := g.FileContent(ctx, "o", "r", ref, ".ddlbot.yml"); err != nil || string(b) != "databases: []\n" {
			t.Errorf("config at %s: %q %v", ref, b, err)
		}
		if _, err := g.FileContent(ctx, "o", "r", ref, ".ddlbot.yaml"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf(".ddlbot.yaml at %s: %v", ref, err)
		}
	}
	if b, err := g.FileContent(ctx, "o", "r", "abc", "db/a.sql"); err != nil || string(b) != "base" {
		t.Errorf("base file: %q %v", b, err)
	}
	if f, err := g.RepoFS(ctx, "o", "r", "worktree", "db", listedfs.Limits{}); err != nil {
		t.Error(err)
	} else if b, _ := fs.ReadFile(f, "db/a.sql"); string(b) != "head" {
		t.Errorf("head file %q", b)
	}
	if _, err := g.RepoFS(ctx, "o", "r", "elsewhere", "db", listedfs.Limits{}); err == nil {
		t.Error("unknown ref accepted")
	}

	// Sticky comments: found by marker, replaced in place.
	if c, _ := g.FindStickyComment(ctx, "o", "r", 3, "<!-- m -->"); c != nil {
		t.Fatal("comment before any was written")
	}
	id, created, _ := g.UpsertStickyComment(ctx, "o", "r", 3, "<!-- m -->", "one")
	id2, created2, _ := g.UpsertStickyComment(ctx, "o", "r", 3, "<!-- m -->", "two")
	if !created || created2 || id != id2 {
		t.Fatalf("upsert: %d %v, %d %v", id, created, id2, created2)
	}
	if cs := g.Comments(); len(cs) != 1 || cs[0].Body != "two" {
		t.Fatalf("comments %+v", cs)
	}

	// Check runs: created, found, completed; annotations add up.
	cr, err := g.CreateCheckRun(ctx, "o", "r", github.CheckRunOptions{Name: "ddlbot/app", HeadSHA: "worktree", Status: github.StatusInProgress,
		Annotations: []github.Annotation{{Path: "db/a.sql", StartLine: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if found, _ := g.FindCheckRun(ctx, "o", "r", "worktree", "ddlbot/app"); found == nil || found.ID != cr.ID || found.Status != github.StatusInProgress {
		t.Fatalf("find: %+v", found)
	}
	if _, err := g.UpdateCheckRun(ctx, "o", "r", cr.ID, github.CheckRunOptions{Conclusion: github.ConclusionFailure, Title: "bad",
		Annotations: []github.Annotation{{Path: "db/a.sql", StartLine: 2}}}); err != nil {
		t.Fatal(err)
	}
	got := g.CheckRun("ddlbot/app")
	if got == nil || got.Status != github.StatusCompleted || got.Title != "bad" || len(got.Annotations) != 2 {
		t.Fatalf("check run %+v", got)
	}
	if f := g.Failed(); len(f) != 1 || f[0] != "ddlbot/app" {
		t.Fatalf("failed %v", f)
	}
	if _, err := g.UpdateCheckRun(ctx, "o", "r", 99, github.CheckRunOptions{}); err == nil {
		t.Error("updated a missing check run")
	}
}
