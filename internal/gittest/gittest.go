// Package gittest runs git for tests that build repositories on the fly:
// the code under test reads folders at a git ref, so its tests need real
// commits.
package gittest

import (
	"os"
	"os/exec"
	"testing"
)

// Run runs git with args in dir, committing as a fixed author, and fails
// the test, with git's output, if git fails.
func Run(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}
