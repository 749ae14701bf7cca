package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/ddlbot/ddlbot/internal/gitfs"
)

// workTrees finds the git work tree holding a path, remembering each
// folder's answer: git is asked from the path's own folder (git -C), never
// from the current folder, so a path given from outside any repository, or
// from inside another one, is read at a ref from its own repository.
type workTrees map[string]string

// of returns the real root of the git work tree holding abs (an absolute
// file or folder path) and abs's real location relative to it,
// slash-separated ("." for the root itself). A path that does not exist (a
// folder deleted in the working tree but read at a ref) is looked up from
// its nearest existing parent folder. ok is false outside any work tree.
func (w workTrees) of(ctx context.Context, abs string) (top, rel string, ok bool) {
	dir, tail := filepath.Clean(abs), ""
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				dir, tail = filepath.Dir(dir), filepath.Join(filepath.Base(dir), tail)
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", false
		}
		dir, tail = parent, filepath.Join(filepath.Base(dir), tail)
	}
	top, seen := w[dir]
	if !seen {
		if t, err := (gitfs.Repo{Dir: dir}).Toplevel(ctx); err == nil {
			top = t
		}
		w[dir] = top
	}
	if top == "" {
		return "", "", false
	}
	// git prints the real path; abs may be reached through a linked folder.
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", "", false
	}
	r, err := filepath.Rel(top, filepath.Join(real, tail))
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", "", false
	}
	return top, filepath.ToSlash(r), true
}

// same reports whether a and b (absolute paths) are in one work tree.
func (w workTrees) same(ctx context.Context, a, b string) bool {
	ta, _, oka := w.of(ctx, a)
	tb, _, okb := w.of(ctx, b)
	return oka == okb && ta == tb
}
