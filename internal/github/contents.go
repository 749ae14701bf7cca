package github

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/listedfs"
	gh "github.com/google/go-github/v66/github"
)

var errNotExist = fs.ErrNotExist

// blobWorkers is how many blobs RepoFS fetches at once.
const blobWorkers = 4

// DirEntry is one entry of a folder listing.
type DirEntry struct {
	Name string
	// Path is relative to the repository root.
	Path string
	// Type is "file", "dir", "symlink" or "submodule".
	Type string
	Size int
	SHA  string
}

// cleanPath makes p a clean, slash-separated path relative to the repository
// root ("" for the root itself), refusing paths that climb out of it.
func cleanPath(p string) (string, error) {
	p = strings.TrimPrefix(p, "/")
	p = path.Clean("/" + p)[1:]
	if p == "." {
		p = ""
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return "", fmt.Errorf("path %q leaves the repository", p)
		}
	}
	return p, nil
}

// FileContent returns the content of the file at path (relative to the
// repository root) at ref (a branch, tag or commit SHA; "" for the default
// branch). Files over 1 MB, which the contents API does not inline, are read
// as blobs (one more request). A missing file gives an error wrapping
// fs.ErrNotExist.
func (c *Client) FileContent(ctx context.Context, owner, repo, ref, filePath string) ([]byte, error) {
	p, err := cleanPath(filePath)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("read %s at %s in %s", p, refName(ref), repoName(owner, repo))
	if p == "" {
		return nil, fmt.Errorf("%s: the repository root is a directory", what)
	}
	file, dir, _, err := c.gh.Repositories.GetContents(ctx, owner, repo, p, &gh.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if statusCode(err) == http.StatusNotFound {
			return nil, fmt.Errorf("%s: %w: %w", what, fs.ErrNotExist, err)
		}
		return nil, wrapErr(what, err)
	}
	if file == nil {
		if dir != nil {
			return nil, fmt.Errorf("%s: is a directory", what)
		}
		return nil, fmt.Errorf("%s: empty answer", what)
	}
	if t := file.GetType(); t != "file" {
		return nil, fmt.Errorf("%s: is a %s, not a file", what, t)
	}
	if file.GetEncoding() == "none" || (file.Content == nil && file.GetSize() > 0) {
		return c.blob(ctx, owner, repo, file.GetSHA(), what)
	}
	s, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(s) == 0 && file.GetSize() > 0 {
		return c.blob(ctx, owner, repo, file.GetSHA(), what)
	}
	return []byte(s), nil
}

func (c *Client) blob(ctx context.Context, owner, repo, sha, what string) ([]byte, error) {
	if sha == "" {
		return nil, fmt.Errorf("%s: no blob sha to read a large file", what)
	}
	b, _, err := c.gh.Git.GetBlobRaw(ctx, owner, repo, sha)
	if err != nil {
		return nil, wrapErr(fmt.Sprintf("%s: read blob %s", what, sha), err)
	}
	return b, nil
}

// ReadDir lists the folder dir (relative to the repository root; "" for the
// root) at ref, sorted by name. The contents API lists at most 1,000 entries;
// RepoFS has no such limit. A missing folder gives an error wrapping
// fs.ErrNotExist.
func (c *Client) ReadDir(ctx context.Context, owner, repo, ref, dir string) ([]DirEntry, error) {
	p, err := cleanPath(dir)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("list %s at %s in %s", orRoot(p), refName(ref), repoName(owner, repo))
	file, entries, _, err := c.gh.Repositories.GetContents(ctx, owner, repo, p, &gh.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if statusCode(err) == http.StatusNotFound {
			return nil, fmt.Errorf("%s: %w: %w", what, fs.ErrNotExist, err)
		}
		return nil, wrapErr(what, err)
	}
	if file != nil {
		return nil, fmt.Errorf("%s: is a %s, not a directory", what, file.GetType())
	}
	out := make([]DirEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, DirEntry{Name: e.GetName(), Path: e.GetPath(), Type: e.GetType(), Size: e.GetSize(), SHA: e.GetSHA()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RepoFS loads the folder dir at ref, recursively, into memory, through the
// git database API: it resolves ref to a commit (one request, unless ref is
// already a full commit SHA), walks to the folder (one request per path
// component), lists it recursively (one request) and reads every file as a
// blob (one request per distinct file, a few at a time). Paths in the
// returned FS are relative to the repository root, like dir; "" or "." loads
// the whole repository. A folder that does not exist at ref gives an empty
// FS. Symbolic links and submodules are left out. A .sql file larger than
// limits.MaxFileSize is listed with its size but never fetched (see
// listedfs): a huge file costs no memory and no transfer, and the size
// check of whatever loads the folder refuses it, if it would read it. When
// the other .sql files are more than limits.MaxFiles, or more than
// limits.MaxTotalSize bytes together, nothing is fetched up front: each
// file is fetched when first opened (with ctx), so a folder of 100,000
// files costs its listing, and the load's size check refuses it from
// there.
func (c *Client) RepoFS(ctx context.Context, owner, repo, ref, dir string, limits listedfs.Limits) (fs.FS, error) {
	maxSQLFileSize := limits.MaxFileSize
	p, err := cleanPath(dir)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("load %s at %s in %s", orRoot(p), refName(ref), repoName(owner, repo))
	sha := ref
	if !isFullSHA(ref) {
		if ref == "" {
			return nil, fmt.Errorf("%s: a ref is required", what)
		}
		sha, _, err = c.gh.Repositories.GetCommitSHA1(ctx, owner, repo, ref, "")
		if err != nil {
			return nil, wrapErr(fmt.Sprintf("%s: resolve ref", what), err)
		}
	}
	// Walk down to the folder's tree.
	treeSHA := sha
	if p != "" {
		for _, part := range strings.Split(p, "/") {
			t, _, err := c.gh.Git.GetTree(ctx, owner, repo, treeSHA, false)
			if err != nil {
				return nil, wrapErr(what, err)
			}
			next := ""
			for _, e := range t.Entries {
				if e.GetPath() == part {
					if e.GetType() != "tree" {
						return nil, fmt.Errorf("%s: %s is a %s, not a directory", what, part, e.GetType())
					}
					next = e.GetSHA()
					break
				}
			}
			if next == "" {
				return fstest.MapFS{}, nil
			}
			treeSHA = next
		}
	}
	entries, err := c.treeEntries(ctx, owner, repo, treeSHA)
	if err != nil {
		return nil, wrapErr(what, err)
	}

	fsys := fstest.MapFS{}
	unread := map[string]int64{}
	if p != "" {
		fsys[p] = &fstest.MapFile{Mode: fs.ModeDir | 0o555}
	}
	type want struct{ name, sha string }
	var blobs []want
	var sqlFiles, sqlBytes int64
	sizes := map[string]int64{}
	for _, e := range entries {
		name := path.Join(p, e.GetPath())
		switch {
		case e.GetType() == "tree":
			fsys[name] = &fstest.MapFile{Mode: fs.ModeDir | 0o555}
		case e.GetType() == "blob" && e.GetMode() != "120000":
			if maxSQLFileSize > 0 && int64(e.GetSize()) > maxSQLFileSize && strings.HasSuffix(strings.ToLower(name), ".sql") {
				fsys[name] = &fstest.MapFile{Mode: 0o444}
				unread[name] = int64(e.GetSize())
				continue
			}
			mode := fs.FileMode(0o444)
			if e.GetMode() == "100755" {
				mode = 0o555
			}
			fsys[name] = &fstest.MapFile{Mode: mode}
			blobs = append(blobs, want{name, e.GetSHA()})
			sizes[name] = int64(e.GetSize())
			if strings.HasSuffix(strings.ToLower(name), ".sql") {
				sqlFiles++
				sqlBytes += int64(e.GetSize())
			}
		}
	}
	if limits.OverBudget(sqlFiles, sqlBytes) {
		shaOf := make(map[string]string, len(blobs))
		for _, b := range blobs {
			shaOf[b.name] = b.sha
		}
		return listedfs.New(fsys, unread, maxSQLFileSize).Lazy(sizes, func(name string) ([]byte, error) {
			data, _, err := c.gh.Git.GetBlobRaw(ctx, owner, repo, shaOf[name])
			if err != nil {
				return nil, wrapErr(fmt.Sprintf("%s: read %s", what, name), err)
			}
			return data, nil
		}), nil
	}

	// Read each distinct blob once, a few at a time.
	shas := map[string][]string{}
	var order []string
	for _, b := range blobs {
		if _, ok := shas[b.sha]; !ok {
			order = append(order, b.sha)
		}
		shas[b.sha] = append(shas[b.sha], b.name)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		work     = make(chan string)
	)
	for range min(blobWorkers, len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				data, _, err := c.gh.Git.GetBlobRaw(ctx, owner, repo, s)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = wrapErr(fmt.Sprintf("%s: read %s", what, shas[s][0]), err)
						cancel()
					}
				} else {
					for _, n := range shas[s] {
						fsys[n].Data = data
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, s := range order {
		select {
		case work <- s:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return listedfs.New(fsys, unread, maxSQLFileSize), nil
}

// treeEntries lists a tree recursively; when GitHub truncates the recursive
// listing it walks the tree one level at a time instead.
func (c *Client) treeEntries(ctx context.Context, owner, repo, sha string) ([]*gh.TreeEntry, error) {
	t, _, err := c.gh.Git.GetTree(ctx, owner, repo, sha, true)
	if err != nil {
		return nil, fmt.Errorf("list tree %s: %w", sha, err)
	}
	if !t.GetTruncated() {
		return t.Entries, nil
	}
	var out []*gh.TreeEntry
	type item struct{ prefix, sha string }
	queue := []item{{"", sha}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		t, _, err := c.gh.Git.GetTree(ctx, owner, repo, it.sha, false)
		if err != nil {
			return nil, fmt.Errorf("list tree %s: %w", it.sha, err)
		}
		if t.GetTruncated() {
			return nil, errors.New("list tree " + it.sha + ": too large even for one level")
		}
		for _, e := range t.Entries {
			e := *e
			full := path.Join(it.prefix, e.GetPath())
			e.Path = &full
			out = append(out, &e)
			if e.GetType() == "tree" {
				queue = append(queue, item{full, e.GetSHA()})
			}
		}
	}
	return out, nil
}

func isFullSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func refName(ref string) string {
	if ref == "" {
		return "the default branch"
	}
	return ref
}

func orRoot(p string) string {
	if p == "" {
		return "the repository root"
	}
	return p
}
