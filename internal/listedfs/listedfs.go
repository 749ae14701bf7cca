// Package listedfs is an in-memory folder read from a git tree in which some
// files were listed but not read: a .sql file too large to load is known by
// its name and size only. Stat and ReadDir give its real size, so a size
// check (schemadiff.CheckLimits) refuses it with the limit's own error
// before anything tries to read it; reading it fails with *UnreadError.
// A file the load would never open (a dump in a migrations folder's
// subfolder, a sibling of a one-file schema) costs nothing and fails
// nothing.
package listedfs

import (
	"fmt"
	"io/fs"
	"testing/fstest"
)

// FS is Files plus the files of Unread (path → size), which Files holds
// without data. Use New.
type FS struct {
	files  fstest.MapFS
	unread map[string]int64
	max    int64
}

// New makes an FS of files in which each path of unread (already in files,
// without data) has the size given; max is the limit that kept it unread.
func New(files fstest.MapFS, unread map[string]int64, max int64) *FS {
	return &FS{files: files, unread: unread, max: max}
}

// UnreadError is a read of a file left unread for its size.
type UnreadError struct {
	Path      string
	Size, Max int64
}

func (e *UnreadError) Error() string {
	return fmt.Sprintf("%s: %d bytes, more than the %d a .sql file may have: it was not read", e.Path, e.Size, e.Max)
}

// Open opens name; an unread file opens, but reading it fails.
func (f *FS) Open(name string) (fs.File, error) {
	file, err := f.files.Open(name)
	if err != nil {
		return nil, err
	}
	if size, ok := f.unread[name]; ok {
		info, err := file.Stat()
		_ = file.Close()
		if err != nil {
			return nil, err
		}
		return &unreadFile{info: sized{info, size}, err: &UnreadError{Path: name, Size: size, Max: f.max}}, nil
	}
	return file, nil
}

// Stat gives an unread file's listed size.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	info, err := f.files.Stat(name)
	if err != nil {
		return nil, err
	}
	if size, ok := f.unread[name]; ok {
		return sized{info, size}, nil
	}
	return info, nil
}

// ReadDir lists a folder, unread files with their listed size.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := f.files.ReadDir(name)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		p := e.Name()
		if name != "." {
			p = name + "/" + p
		}
		if size, ok := f.unread[p]; ok {
			entries[i] = sizedEntry{e, size}
		}
	}
	return entries, nil
}

// ReadFile reads name (fs.ReadFile would too, through Open).
func (f *FS) ReadFile(name string) ([]byte, error) {
	if size, ok := f.unread[name]; ok {
		if _, err := f.files.Stat(name); err != nil {
			return nil, err
		}
		return nil, &fs.PathError{Op: "read", Path: name, Err: &UnreadError{Path: name, Size: size, Max: f.max}}
	}
	return f.files.ReadFile(name)
}

type sized struct {
	fs.FileInfo
	size int64
}

func (s sized) Size() int64 { return s.size }

type sizedEntry struct {
	fs.DirEntry
	size int64
}

func (e sizedEntry) Info() (fs.FileInfo, error) {
	info, err := e.DirEntry.Info()
	if err != nil {
		return nil, err
	}
	return sized{info, e.size}, nil
}

type unreadFile struct {
	info fs.FileInfo
	err  error
}

func (u *unreadFile) Stat() (fs.FileInfo, error) { return u.info, nil }
func (u *unreadFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: u.info.Name(), Err: u.err}
}
func (u *unreadFile) Close() error { return nil }
