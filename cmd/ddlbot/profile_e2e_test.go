package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileFlags: --cpuprofile and --memprofile write gzip-compressed
// pprof files on lint, diff and plan; an unwritable path is a usage error.
func TestProfileFlags(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "db")
	if err := os.MkdirAll(schema, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(schema, "t.sql"), []byte("CREATE TABLE t (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"diff", []string{"diff", empty, schema}},
		{"lint", []string{"lint", schema}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cpu, mem := filepath.Join(dir, tc.name+".cpu"), filepath.Join(dir, tc.name+".mem")
			r := ddlbot(t, dir, append([]string{tc.args[0], "--cpuprofile", cpu, "--memprofile", mem}, tc.args[1:]...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for _, p := range []string{cpu, mem} {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
					t.Errorf("%s is not a gzip-compressed pprof profile (%d bytes)", filepath.Base(p), len(data))
				}
			}
		})
	}
	r := ddlbot(t, dir, "diff", "--cpuprofile", filepath.Join(dir, "missing", "cpu.out"), empty, schema)
	if r.code != 2 || !strings.Contains(r.stderr, "--cpuprofile") {
		t.Errorf("unwritable profile path: exit %d, stderr %q; want 2 and a message naming --cpuprofile", r.code, r.stderr)
	}
}
