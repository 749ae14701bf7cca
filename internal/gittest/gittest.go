// Package gittest runs git for tests that build repositories on the fly:
// the code under test reads folders at a git ref, so its tests need real
// commits.
package gittest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Run runs git with args in dir, committing as a fixed author, and fails
// the test, with git's output, if git fails.
func Run(t testing.TB, dir string, args ...string) {
	t.Helper()
	Output(t, dir, args...)
}

// Output is Run that returns what git printed, trimmed of surrounding
// white space.
func Output(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v\n%s%s", args, err, out, stderr.String())
	}
	return strings.TrimSpace(string(out))
}
