package main

// End-to-end benchmarks: the built binary (TestMain) on generated schemas
// (internal/testgen) of 200, 2,000 and 20,000 tables, a tenth of them
// changed by migrations, so the figure is the one a user sees:
//
//	go test ./cmd/ddlbot/ -run='^$' -bench=Binary -benchtime=3x
//
// ns/op is one whole process; ns/table divides it by the tables, and stays
// flat when the commands scale linearly.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ddlbot/ddlbot/internal/testgen"
)

// benchFolders writes a base folder (the schema as one migration) and a head
// folder (the same plus the generated changes) for a size.
func benchFolders(b *testing.B, tables int) (base, head string) {
	b.Helper()
	dir := b.TempDir()
	base, head = filepath.Join(dir, "base"), filepath.Join(dir, "head")
	schema := testgen.GenerateSchema(tables, 1)
	for _, d := range []string{base, head} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "0001_schema.sql"), []byte(schema), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range testgen.GenerateMigrations(tables, tables/10, 1) {
		if err := os.WriteFile(filepath.Join(head, f.Name), []byte(f.SQL), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return base, head
}

// runBinary runs ddlbot once; exit status 1 (findings, differences) is a
// result, anything above is a failure.
func runBinary(b *testing.B, args ...string) {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		return
	}
	if err != nil {
		b.Fatalf("ddlbot %v: %v\n%.2000s", args, err, out)
	}
}

func BenchmarkBinary(parent *testing.B) {
	for _, tables := range []int{200, 2000, 20000} {
		var base, head string
		for _, cmd := range []string{"lint", "diff"} {
			parent.Run(fmt.Sprintf("%s/tables=%d", cmd, tables), func(b *testing.B) {
				if base == "" {
					base, head = benchFolders(parent, tables) // kept for both commands
				}
				args := []string{"lint", head}
				if cmd == "diff" {
					args = []string{"diff", base, head}
				}
				for b.Loop() {
					runBinary(b, args...)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tables), "ns/table")
			})
		}
	}
}
