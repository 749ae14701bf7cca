package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// limitFlags are --max-file-size, --max-files and --max-total-size: the
// limits of the configuration's limits section, for one run.
type limitFlags struct {
	fileSize, files, totalSize *string
}

// addLimitFlags adds the flags; configured says whether the command reads
// the configuration's limits (diff does not read .ddlbot.yml).
func addLimitFlags(fs *flag.FlagSet, configured bool) *limitFlags {
	d := schemadiff.DefaultLimits()
	def := func(key, value string) string {
		if configured {
			return "(default: limits." + key + ", else " + value + ")"
		}
		return "(default " + value + ")"
	}
	return &limitFlags{
		fileSize:  fs.String("max-file-size", "", "the most one .sql file may hold, such as 64MiB "+def("max_file_size", schemadiff.FormatSize(d.MaxFileSize))),
		files:     fs.String("max-files", "", "the most .sql files a schema may have "+def("max_files", fmt.Sprint(d.MaxFiles))),
		totalSize: fs.String("max-total-size", "", "the most a schema's .sql files may hold together "+def("max_total_size", schemadiff.FormatSize(d.MaxTotalSize))),
	}
}

// apply overrides the configured limits with the flags given.
func (f *limitFlags) apply(l schemadiff.Limits) (schemadiff.Limits, error) {
	for _, s := range []struct {
		name, value string
		to          *int64
	}{{"max-file-size", *f.fileSize, &l.MaxFileSize}, {"max-total-size", *f.totalSize, &l.MaxTotalSize}} {
		if s.value == "" {
			continue
		}
		v, err := schemadiff.ParseSize(s.value)
		if err == nil && v < 1 {
			err = fmt.Errorf("must be at least 1 byte")
		}
		if err != nil {
			return l, usageError{fmt.Sprintf("--%s: %v", s.name, err)}
		}
		*s.to = v
	}
	if *f.files != "" {
		v, err := strconv.Atoi(*f.files)
		if err != nil || v < 1 {
			return l, usageError{fmt.Sprintf("--max-files: want a whole number, 1 or more, got %q", *f.files)}
		}
		l.MaxFiles = v
	}
	return l, nil
}
