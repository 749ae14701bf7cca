package gittest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	Run(t, dir, "init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(dir, "a.sql"), []byte("CREATE TABLE a (id int);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	Run(t, dir, "add", "-A")
	Run(t, dir, "commit", "-qm", "first")
	// The commit exists, by the fixed author, whatever the machine's git configuration.
	if got := Output(t, dir, "log", "-1", "--format=%an <%ae> %s"); got != "t <t@example.com> first" {
		t.Errorf("git log: %q", got)
	}
}
