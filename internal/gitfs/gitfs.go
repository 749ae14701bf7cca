// Package gitfs reads a folder of a git commit as an fs.FS, through the git
// command (no shell; arguments are passed as a list and refs are validated).
package gitfs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/listedfs"
)

// Repo is a git work tree.
type Repo struct {
	// Dir is any folder inside the work tree.
	Dir string
	// MaxSQLFileSize, when above 0, is the most bytes of a .sql file FS
	// reads: a larger one is listed with its size but never read (see
	// listedfs), so a huge file at a ref costs no memory, and the size
	// check of whatever loads the folder refuses it, if it would read it.
	MaxSQLFileSize int64
}

// Toplevel returns the root folder of the work tree.
func (r Repo) Toplevel(ctx context.Context) (string, error) {
	out, err := r.git(ctx, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// CurrentBranch returns the short name of the branch HEAD is on, or "" when
// HEAD is detached (or the folder is not in a git repository).
func (r Repo) CurrentBranch(ctx context.Context) string {
	out, err := r.git(ctx, nil, "symbolic-ref", "--quiet", "--short", "HEAD")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// RemoteURL returns the URL of the named remote, or "" when there is none.
// It may hold credentials (https://user:token@host/...): never print it.
func (r Repo) RemoteURL(ctx context.Context, name string) string {
	if checkRef(name) != nil {
		return ""
	}
	out, err := r.git(ctx, nil, "remote", "get-url", "--", name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// ResolveRef returns the commit id a ref names.
func (r Repo) ResolveRef(ctx context.Context, ref string) (string, error) {
	if err := checkRef(ref); err != nil {
		return "", err
	}
	out, err := r.git(ctx, nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		if r.empty(ctx) {
			return "", fmt.Errorf("git ref %q does not name a commit: this repository has no commit yet (commit the schema first; `ddlbot lint` without --base, or `ddlbot plan --base-dir DIR`, needs none)", ref)
		}
		return "", fmt.Errorf("git ref %q does not name a commit (fetch it first, e.g. `git fetch origin %s`): %w", ref, strings.TrimPrefix(ref, "origin/"), err)
	}
	return strings.TrimSpace(string(out)), nil
}

// empty reports whether the folder is in a git repository with no commit
// at all (a fresh `git init`), where fetching cannot help.
func (r Repo) empty(ctx context.Context) bool {
	out, err := r.git(ctx, nil, "rev-list", "-n", "1", "--all")
	return err == nil && len(strings.TrimSpace(string(out))) == 0
}

func checkRef(ref string) error {
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, " \t\n\x00") || strings.Contains(ref, "..") {
		return fmt.Errorf("invalid git ref %q", ref)
	}
	return nil
}

// FS returns the files under dir (slash-separated, relative to r.Dir; "" or
// "." for all of r.Dir) at ref, read into memory. Paths in the returned FS are
// relative to r.Dir, like dir. A dir that does not exist at ref gives an
// empty FS: a schema folder may be new in a pull request.
func (r Repo) FS(ctx context.Context, ref, dir string) (fs.FS, error) {
	commit, err := r.ResolveRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	dir = path.Clean(strings.TrimPrefix(dir, "./"))
	// Without --full-tree, ls-tree takes and prints paths relative to r.Dir.
	args := []string{"ls-tree", "-r", "-z", "--long", commit}
	if dir != "." && dir != "" {
		if strings.HasPrefix(dir, "../") || dir == ".." || strings.HasPrefix(dir, "/") {
			return nil, fmt.Errorf("path %q is outside the repository", dir)
		}
		args = append(args, "--", dir)
	}
	out, err := r.git(ctx, nil, args...)
	if err != nil {
		return nil, err
	}
	// Only object ids (never path names) go on the cat-file stream: a name
	// holding a newline would otherwise request an extra object and shift
	// every later file's content onto the wrong name.
	var paths, ids []string
	m := fstest.MapFS{}
	unread := map[string]int64{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		// mode, type, object id and size (--long; "-" for what is not a blob).
		f := strings.Fields(string(meta))
		if len(f) != 4 || f[1] != "blob" || strings.HasPrefix(string(p), "../") {
			continue
		}
		if err := checkPath(string(p)); err != nil {
			return nil, fmt.Errorf("%s at %s: %w", ref, commit, err)
		}
		if !isObjectID(f[2]) {
			return nil, fmt.Errorf("read %q at %s: unexpected object id %q from git ls-tree", p, ref, f[2])
		}
		if r.MaxSQLFileSize > 0 && strings.HasSuffix(strings.ToLower(string(p)), ".sql") {
			size, err := strconv.ParseInt(f[3], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("read %q at %s: bad size %q from git ls-tree", p, ref, f[3])
			}
			if size > r.MaxSQLFileSize {
				m[string(p)] = &fstest.MapFile{Mode: 0o644}
				unread[string(p)] = size
				continue
			}
		}
		paths = append(paths, string(p))
		ids = append(ids, f[2])
	}
	fsys := listedfs.New(m, unread, r.MaxSQLFileSize)
	if len(paths) == 0 {
		return fsys, nil
	}
	var in bytes.Buffer
	for _, id := range ids {
		in.WriteString(id + "\n")
	}
	out, err = r.git(ctx, &in, "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(bytes.NewReader(out))
	for i, p := range paths {
		header, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", p, ref, err)
		}
		f := strings.Fields(header)
		if len(f) != 3 || f[0] != ids[i] || f[1] != "blob" {
			return nil, fmt.Errorf("read %s at %s: unexpected git output %q", p, ref, strings.TrimSpace(header))
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: bad size in %q", p, ref, strings.TrimSpace(header))
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(br, data); err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", p, ref, err)
		}
		m[p] = &fstest.MapFile{Data: data[:size], Mode: 0o644}
	}
	return fsys, nil
}

// checkPath refuses a file name with a control character (newline, tab, NUL,
// DEL, ...): such names make log lines, annotations and git's line-based
// protocols ambiguous, and no schema file needs one.
func checkPath(p string) error {
	for _, c := range p {
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("file name %q contains a control character (%U); rename it", p, c)
		}
	}
	return nil
}

// isObjectID reports whether s is a hex SHA-1 or SHA-256 object id.
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (r Repo) git(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.Dir
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = ee.Error()
			}
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}
