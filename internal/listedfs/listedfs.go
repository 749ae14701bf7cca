// Package listedfs is an in-memory folder read from a git tree in which some
// files were listed but not read. A .sql file too large to load is known by
// its name and size only: Stat and ReadDir give its real size, so a size
// check (schemadiff.CheckLimits) refuses it with the limit's own error
// before anything tries to read it; reading it fails with *UnreadError. A
// folder whose files are too many, or too large together, to fetch up
// front has them all listed and each fetched when it is first opened
// (Lazy): the load's size check then refuses from the listing, before
// anything is fetched, and a load that reads only some of them (a
// migrations folder's top level) fetches only those. A file the load would
// never open (a dump in a migrations folder's subfolder, a sibling of a
// one-file schema) costs nothing and fails nothing.
package listedfs

import (
	"fmt"
	"io/fs"
	"sync"
	"testing/fstest"
)

// Limits are the sizes a folder read from git is held to (the load's
// schemadiff.Limits): a .sql file over MaxFileSize is never read; more
// .sql files than MaxFiles, or more than MaxTotalSize bytes of them, are
// fetched only when opened. 0 means no limit.
type Limits struct{ MaxFileSize, MaxFiles, MaxTotalSize int64 }

// OverBudget reports whether files .sql files of total bytes in all are
// more than the limits let a reader fetch up front.
func (l Limits) OverBudget(files, total int64) bool {
	return l.MaxFiles > 0 && files > l.MaxFiles || l.MaxTotalSize > 0 && total > l.MaxTotalSize
}

// FS is Files plus the files of Unread (path → size), which Files holds
// without data, and the lazy files fetched when opened. Use New. It is
// safe for concurrent use.
type FS struct {
	mu    sync.Mutex
	files fstest.MapFS
	// sizes are the listed sizes of the files not read (yet): the unread
	// ones, and the lazy ones until they are fetched.
	sizes  map[string]int64
	unread map[string]bool
	max    int64
	fetch  func(name string) ([]byte, error)
}

// New makes an FS of files in which each path of unread (already in files,
// without data) has the size given; max is the limit that kept it unread.
func New(files fstest.MapFS, unread map[string]int64, max int64) *FS {
	f := &FS{files: files, sizes: map[string]int64{}, unread: map[string]bool{}, max: max}
	for name, size := range unread {
		f.sizes[name], f.unread[name] = size, true
	}
	return f
}

// Lazy adds files to fetch when first opened: each path of sizes (already
// in the FS, without data) has the size listed; fetch reads one (it runs
// with the FS locked, once per file).
func (f *FS) Lazy(sizes map[string]int64, fetch func(name string) ([]byte, error)) *FS {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, size := range sizes {
		f.sizes[name] = size
	}
	f.fetch = fetch
	return f
}

// UnreadError is a read of a file left unread for its size.
type UnreadError struct {
	Path      string
	Size, Max int64
}

func (e *UnreadError) Error() string {
	return fmt.Sprintf("%s: %d bytes, more than the %d a .sql file may have: it was not read", e.Path, e.Size, e.Max)
}

// load fetches name if it is lazy and not fetched yet; f.mu is held.
func (f *FS) load(name string) error {
	if _, listed := f.sizes[name]; !listed || f.unread[name] || f.fetch == nil {
		return nil
	}
	data, err := f.fetch(name)
	if err != nil {
		return &fs.PathError{Op: "read", Path: name, Err: err}
	}
	f.files[name].Data = data
	delete(f.sizes, name)
	return nil
}

// Open opens name; an unread file opens, but reading it fails.
func (f *FS) Open(name string) (fs.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(name); err != nil {
		return nil, err
	}
	file, err := f.files.Open(name)
	if err != nil {
		return nil, err
	}
	if f.unread[name] {
		info, err := file.Stat()
		_ = file.Close()
		if err != nil {
			return nil, err
		}
		size := f.sizes[name]
		return &unreadFile{info: sized{info, size}, err: &UnreadError{Path: name, Size: size, Max: f.max}}, nil
	}
	return file, nil
}

// Stat gives a file's size, as listed for one not read (yet).
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	info, err := f.files.Stat(name)
	if err != nil {
		return nil, err
	}
	if size, ok := f.sizes[name]; ok {
		return sized{info, size}, nil
	}
	return info, nil
}

// ReadDir lists a folder, files not read (yet) with their listed size.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	entries, err := f.files.ReadDir(name)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		p := e.Name()
		if name != "." {
			p = name + "/" + p
		}
		if size, ok := f.sizes[p]; ok {
			entries[i] = sizedEntry{e, size}
		}
	}
	return entries, nil
}

// ReadFile reads name (fs.ReadFile would too, through Open).
func (f *FS) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unread[name] {
		if _, err := f.files.Stat(name); err != nil {
			return nil, err
		}
		return nil, &fs.PathError{Op: "read", Path: name, Err: &UnreadError{Path: name, Size: f.sizes[name], Max: f.max}}
	}
	if err := f.load(name); err != nil {
		return nil, err
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
