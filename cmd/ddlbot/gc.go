package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// lint and diff build the whole schema in memory at once, and with the
// collector's default (GOGC=100: a collection each time the heap doubles)
// they spend about a quarter of their CPU collecting while that heap
// grows. tuneGC collects at three times the live heap instead, under a
// soft limit sized from the SQL they read (perByte bytes of heap per byte
// of SQL, well above what the loaded schema keeps live, so the collector
// never runs back to back; at least 120 MiB), so the peak stays near the
// default's while the collections are fewer. GOGC or GOMEMLIMIT in the
// environment win; a path that is no local folder or file (REF:PATH) is
// not counted.

// Heap bytes per byte of SQL read: lint keeps every statement's tree (about
// 35 live), diff drops them once applied and reads two sides (about 14).
const (
	gcLintPerByte = 48
	gcDiffPerByte = 24
	gcFloor       = 120 << 20
)

// tuneGC sets the collector for a command reading paths; restore undoes it
// (commands also run in-process, in tests).
func (a *app) tuneGC(paths []string, perByte int64) (restore func()) {
	if a.getenv("GOGC") != "" || a.getenv("GOMEMLIMIT") != "" || len(paths) == 0 {
		return func() {}
	}
	var size int64
	for _, p := range paths {
		_ = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // the load says what is wrong with the path
			}
			if !d.IsDir() && strings.HasSuffix(strings.ToLower(d.Name()), ".sql") {
				if info, err := d.Info(); err == nil {
					size += info.Size()
				}
			}
			return nil
		})
	}
	if size == 0 {
		return func() {}
	}
	prevPercent := debug.SetGCPercent(200)
	prevLimit := debug.SetMemoryLimit(max(gcFloor, perByte*size))
	return func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}
}

// localPaths are the arguments that name a local folder or file, as
// paths from the command's folder.
func (a *app) localPaths(args []string) []string {
	var out []string
	for _, p := range args {
		if !filepath.IsAbs(p) && a.dir != "" {
			p = filepath.Join(a.dir, p)
		}
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}
