package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ddlbot/ddlbot/internal/gitfs"
)

// confinedFS reads a folder of the user's checkout through os.Root, so that a
// symbolic link leading out of the repository (db/schema/e.sql ->
// /proc/self/environ) is refused instead of read and printed in findings.
// Links that stay inside the repository are followed.
type confinedFS struct {
	boundary string // the folder links may not leave
	rel      string // the folder read, slash-separated, relative to boundary
}

// openConfined opens dir for reading. Links may not leave the git work tree
// holding dir, or dir itself when it is not in one.
func openConfined(ctx context.Context, dir string) (fs.FS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	c := confinedFS{boundary: abs, rel: "."}
	if top, err := (gitfs.Repo{Dir: abs}).Toplevel(ctx); err == nil {
		// git prints the real path; dir may be reached through a linked folder.
		real, rerr := filepath.EvalSymlinks(abs)
		if r, err := filepath.Rel(top, real); rerr == nil && err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			c.boundary, c.rel = top, filepath.ToSlash(r)
		}
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("open %s: not a folder", dir)
	}
	return c, nil
}

// do runs op on the folder. The Root is opened per call (one openat) so the
// FS needs no Close; files opened through it stay valid after it closes.
func (c confinedFS) do(name string, op func(fs.FS, string) error) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	root, err := os.OpenRoot(c.boundary)
	if err != nil {
		return fmt.Errorf("open %s: %w", c.boundary, err)
	}
	defer root.Close()
	err = op(root.FS(), path.Join(c.rel, name))
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// Paths in errors are relative to the folder read, as with os.DirFS.
		pe.Path = name
	}
	// os does not export the error os.Root gives for a path leaving it, only its text.
	if strings.Contains(err.Error(), "path escapes from parent") {
		return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("a symbolic link on this path leads out of %s; ddlbot does not follow links out of the repository (replace the link with the file, or point it inside the repository)", c.boundary)}
	}
	return err
}

// Open implements fs.FS.
func (c confinedFS) Open(name string) (f fs.File, err error) {
	err = c.do(name, func(fsys fs.FS, p string) (err error) { f, err = fsys.Open(p); return })
	return f, err
}

// ReadFile implements fs.ReadFileFS.
func (c confinedFS) ReadFile(name string) (b []byte, err error) {
	err = c.do(name, func(fsys fs.FS, p string) (err error) { b, err = fs.ReadFile(fsys, p); return })
	return b, err
}

// ReadDir implements fs.ReadDirFS.
func (c confinedFS) ReadDir(name string) (e []fs.DirEntry, err error) {
	err = c.do(name, func(fsys fs.FS, p string) (err error) { e, err = fs.ReadDir(fsys, p); return })
	return e, err
}

// Stat implements fs.StatFS.
func (c confinedFS) Stat(name string) (st fs.FileInfo, err error) {
	err = c.do(name, func(fsys fs.FS, p string) (err error) { st, err = fs.Stat(fsys, p); return })
	return st, err
}

var _ interface {
	fs.ReadFileFS
	fs.ReadDirFS
	fs.StatFS
} = confinedFS{}
