package schemadiff

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Limits bound what loading one schema may read. Parsing holds about fifty
// times a file's size in memory, so a 100 MB dump or a folder of 100,000
// files must end with an error naming the limit, not by exhausting the
// machine. A zero field takes its default (DefaultLimits).
type Limits struct {
	// MaxFileSize is the most bytes one .sql file may have.
	MaxFileSize int64
	// MaxFiles is the most .sql files a schema may have.
	MaxFiles int
	// MaxTotalSize is the most bytes all of them may have together.
	MaxTotalSize int64
}

// DefaultLimits: a 20,000-table schema is about 23 MB of SQL in one file and
// takes about 1 GiB to lint.
func DefaultLimits() Limits {
	return Limits{MaxFileSize: 32 << 20, MaxFiles: 10000, MaxTotalSize: 64 << 20}
}

// WithDefaults fills the zero fields with DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = d.MaxTotalSize
	}
	return l
}

// LimitError says which limit a schema passes.
type LimitError struct {
	// Path is the file (for MaxFileSize) or the folder.
	Path string
	// Limit is "max_file_size", "max_files" or "max_total_size".
	Limit string
	// Max is the limit, Got what was found (bytes, or files).
	Max, Got int64
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case "max_files":
		return fmt.Sprintf("%s: more than %d .sql files, the most a schema may have (max_files)", e.Path, e.Max)
	case "max_total_size":
		return fmt.Sprintf("%s: its .sql files hold more than %s, the most a schema may have (max_total_size)", e.Path, FormatSize(e.Max))
	}
	return fmt.Sprintf("%s: %s, more than the %s one file may have (max_file_size)", e.Path, FormatSize(e.Got), FormatSize(e.Max))
}

// CheckLimits reads the sizes (never the contents) of the .sql files that
// loading p would read: p itself when it is a file; the folder's .sql files,
// and those below it when recursive (a schema folder; a migrations folder's
// subfolders are not read). It returns a *LimitError for the first limit
// passed. It stops counting at the first limit passed, so a folder of a
// million files costs no more than the limit's worth of look-ups.
func CheckLimits(fsys fs.FS, p string, recursive bool, l Limits) error {
	l = l.WithDefaults()
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		if st.Size() > l.MaxFileSize {
			return &LimitError{Path: p, Limit: "max_file_size", Max: l.MaxFileSize, Got: st.Size()}
		}
		return nil
	}
	var (
		files int64
		total int64
	)
	errStop := errors.New("limit")
	var limitErr error
	err = fs.WalkDir(fsys, p, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != p && !recursive {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(strings.ToLower(d.Name()), ".sql") {
			return nil
		}
		info, err := d.Info()
		if err == nil && info.Mode()&fs.ModeSymlink != 0 {
			info, err = fs.Stat(fsys, name) // the size of what the link leads to
		}
		if err != nil {
			return err
		}
		files++
		total += info.Size()
		switch {
		case info.Size() > l.MaxFileSize:
			limitErr = &LimitError{Path: name, Limit: "max_file_size", Max: l.MaxFileSize, Got: info.Size()}
		case files > int64(l.MaxFiles):
			limitErr = &LimitError{Path: p, Limit: "max_files", Max: int64(l.MaxFiles), Got: files}
		case total > l.MaxTotalSize:
			limitErr = &LimitError{Path: p, Limit: "max_total_size", Max: l.MaxTotalSize, Got: total}
		default:
			return nil
		}
		return errStop
	})
	if limitErr != nil {
		return limitErr
	}
	if err != nil {
		return fmt.Errorf("read %q: %w", path.Clean(p), err)
	}
	return nil
}

// ParseSize reads a size: a whole number of bytes, optionally followed by
// a unit: KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024);
// units are case-insensitive and may follow a space.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || i == 0 {
		return 0, fmt.Errorf("invalid size %q (write bytes, or a number with KB, MB, GB, KiB, MiB or GiB, such as 64MiB)", s)
	}
	mult := map[string]int64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}[strings.ToLower(strings.TrimSpace(t[i:]))]
	if mult == 0 {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (use KB, MB, GB, KiB, MiB or GiB)", s, strings.TrimSpace(t[i:]))
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return n * mult, nil
}

// FormatSize writes a size the way ParseSize reads it, in the largest binary
// unit that divides it exactly, else with one decimal in MiB ("100.0 MiB").
func FormatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
