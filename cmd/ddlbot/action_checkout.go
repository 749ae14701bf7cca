package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strings"
	"sync"

	"github.com/ddlbot/ddlbot/internal/gitfs"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/listedfs"
)

// checkoutGitHub is the GitHub client with file reads served from the
// workflow's checkout (GITHUB_WORKSPACE) whenever the commit asked for is
// there: reading a schema folder through the API costs a request per folder
// level and per file, through git none. A commit is identified by its SHA, so
// a commit found locally has exactly the content GitHub would serve.
// actions/checkout fetches one commit unless told otherwise (fetch-depth: 0
// brings the pull request's base and head): every read of a commit that is
// not in the checkout goes to the API, with a debug log line.
type checkoutGitHub struct {
	*github.Client
	repo *gitfs.Repo // nil: no usable checkout
	log  *slog.Logger

	mu      sync.Mutex
	present map[string]bool // commit SHA → in the checkout
}

func newCheckoutGitHub(ctx context.Context, c *github.Client, workspace string, log *slog.Logger) *checkoutGitHub {
	g := &checkoutGitHub{Client: c, log: log, present: map[string]bool{}}
	if workspace == "" {
		log.Debug("GITHUB_WORKSPACE is not set: files are read through the GitHub API")
		return g
	}
	top, err := gitfs.Repo{Dir: workspace}.Toplevel(ctx)
	if err != nil {
		log.Debug("the workspace is not a git checkout: files are read through the GitHub API", "workspace", workspace, "err", err)
		return g
	}
	g.repo = &gitfs.Repo{Dir: top}
	return g
}

// local reports whether commit sha is in the checkout.
func (g *checkoutGitHub) local(ctx context.Context, sha string) bool {
	if g.repo == nil || !isCommitSHA(sha) {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if ok, known := g.present[sha]; known {
		return ok
	}
	_, err := g.repo.ResolveRef(ctx, sha)
	g.present[sha] = err == nil
	if err != nil {
		g.log.Debug("commit not in the checkout (fetch-depth: 0 on actions/checkout brings it): reading it through the GitHub API", "commit", sha)
	}
	return err == nil
}

// FileContent reads a file at ref from the checkout, or through the API.
func (g *checkoutGitHub) FileContent(ctx context.Context, owner, repo, ref, filePath string) ([]byte, error) {
	if g.local(ctx, ref) {
		p := path.Clean(strings.TrimPrefix(filePath, "/"))
		m, err := g.repo.FS(ctx, ref, p)
		var data []byte
		if err == nil {
			data, err = fs.ReadFile(m, p)
		}
		switch {
		case err == nil:
			return data, nil
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("read %s at %s: %w", p, ref, fs.ErrNotExist)
		}
		g.log.Debug("reading from the checkout failed: using the GitHub API", "path", p, "commit", ref, "err", err)
	}
	return g.Client.FileContent(ctx, owner, repo, ref, filePath)
}

// RepoFS reads a folder at ref from the checkout, or through the API. A
// .sql file over limits.MaxFileSize is listed but left unread either way
// (the checkout is read in one git process: the other limits are the
// load's to check).
func (g *checkoutGitHub) RepoFS(ctx context.Context, owner, repo, ref, dir string, limits listedfs.Limits) (fs.FS, error) {
	if g.local(ctx, ref) {
		r := *g.repo // a copy: the limit is this call's, never the checkout's
		r.MaxSQLFileSize = limits.MaxFileSize
		m, err := r.FS(ctx, ref, dir)
		if err == nil {
			return m, nil
		}
		g.log.Debug("reading from the checkout failed: using the GitHub API", "path", dir, "commit", ref, "err", err)
	}
	return g.Client.RepoFS(ctx, owner, repo, ref, dir, limits)
}

func isCommitSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
