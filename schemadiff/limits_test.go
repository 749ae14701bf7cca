package schemadiff_test

import (
	"errors"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/schemadiff"
)

func TestCheckLimits(t *testing.T) {
	many := fstest.MapFS{}
	for i := range 100_000 {
		many[fmt.Sprintf("db/%06d.sql", i)] = &fstest.MapFile{Data: []byte("CREATE TABLE t (id int);")}
	}
	nested := fstest.MapFS{
		"db/a.sql":          {Data: make([]byte, 600)},
		"db/sub/b.sql":      {Data: make([]byte, 600)},
		"db/notes.txt":      {Data: make([]byte, 5000)},
		"db/big/ignored.md": {Data: make([]byte, 5000)},
	}
	small := schemadiff.Limits{MaxFileSize: 700, MaxTotalSize: 1000, MaxFiles: 5}
	for _, tc := range []struct {
		name      string
		fsys      fstest.MapFS
		p         string
		recursive bool
		limits    schemadiff.Limits
		want      *schemadiff.LimitError // nil: within the limits
	}{
		{"100,000 files", many, "db", false, schemadiff.Limits{}, &schemadiff.LimitError{Path: "db", Limit: "max_files", Max: 10000, Got: 10001}},
		{"100,000 files allowed", many, "db", false, schemadiff.Limits{MaxFiles: 100_000}, nil},
		{"subfolders counted", nested, "db", true, small, &schemadiff.LimitError{Path: "db", Limit: "max_total_size", Max: 1000, Got: 1200}},
		{"subfolders of migrations not", nested, "db", false, small, nil},
		{"one file", nested, "db/a.sql", false, schemadiff.Limits{MaxFileSize: 599}, &schemadiff.LimitError{Path: "db/a.sql", Limit: "max_file_size", Max: 599, Got: 600}},
		{"a file in the folder", nested, "db", true, schemadiff.Limits{MaxFileSize: 599}, &schemadiff.LimitError{Path: "db/a.sql", Limit: "max_file_size", Max: 599, Got: 600}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := schemadiff.CheckLimits(tc.fsys, tc.p, tc.recursive, tc.limits)
			var le *schemadiff.LimitError
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != nil && !errors.As(err, &le):
				t.Errorf("got %v, want %v", err, tc.want)
			case tc.want != nil && *le != *tc.want:
				t.Errorf("got %+v, want %+v", *le, *tc.want)
			}
		})
	}
	if err := schemadiff.CheckLimits(nested, "nope", true, small); err == nil {
		t.Error("a missing folder passed")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1048576": 1 << 20, "64MiB": 64 << 20, "64 mib": 64 << 20, "2KB": 2000, "1GiB": 1 << 30, "3 GB": 3e9, "12B": 12} {
		if got, err := schemadiff.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "1.5MiB", "12 parsecs", "99999999999999GiB"} {
		if got, err := schemadiff.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
	for n, want := range map[int64]string{32 << 20: "32 MiB", 1 << 30: "1 GiB", 1024: "1 KiB", 100<<20 + 1: "100.0 MiB", 12: "12 bytes"} {
		if got := schemadiff.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
