package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// PlanetScale branch names are lowercase letters, digits and hyphens. A
// pull request's branch names its repository too: two repositories on one
// database each have a pull request #7, and they must never share a branch
// (issue 17 item 6).

// slugMax bounds the repository part of a branch name, so the whole name
// stays short: "ddlbot-" + slug + "-" + 6 hex + "-pr-" + number ("-" + generation).
const slugMax = 24

// BranchName is the PlanetScale branch of pull request number of repo:
// ddlbot-<repository slug>-<hash of owner/repo>-pr-<number>. The slug keeps
// it readable, the hash keeps it unique when two repositories' names slug
// alike (acme/shop, other/Shop, acme/shop.io).
func BranchName(repo Repo, number int) string {
	return fmt.Sprintf("ddlbot-%s-%s-pr-%d", repoSlug(repo.Name), repoHash(repo), number)
}

// LegacyBranchName is the branch name of ddlbot before branch names named the
// repository. State that names it is still accepted, so that pull requests
// planned before keep working (their deploy, cleanup and follow), and a
// re-plan moves them to BranchName.
func LegacyBranchName(number int) string { return fmt.Sprintf("ddlbot-pr-%d", number) }

// branchGeneration is the branch of the gen-th deploy request of a pull
// request: a push after a deployment started plans a new deploy request on
// a new branch (gen 2, 3, ...), never on the branch under the deployment.
func branchGeneration(repo Repo, number, gen int) string {
	if gen <= 1 {
		return BranchName(repo, number)
	}
	return fmt.Sprintf("%s-%d", BranchName(repo, number), gen)
}

// generationOf says which generation a branch of this pull request is: 1 for
// BranchName and LegacyBranchName, n for branchGeneration(n); ok false when
// the branch is not one of this pull request's.
func generationOf(repo Repo, number int, branch string) (int, bool) {
	if branch == LegacyBranchName(number) || branch == BranchName(repo, number) {
		return 1, true
	}
	rest, ok := strings.CutPrefix(branch, BranchName(repo, number)+"-")
	if !ok || rest == "" || rest[0] == '0' || strings.Trim(rest, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 2 {
		return 0, false
	}
	return n, true
}

// repoSlug is a repository name as branch-name characters: lowercase, every
// run of other characters one hyphen, at most slugMax long.
func repoSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := b.String()
	if len(s) > slugMax {
		s = s[:slugMax]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		return "repo"
	}
	return s
}

// repoHash is 6 hex digits of owner/repo, case-folded as GitHub compares names.
func repoHash(repo Repo) string {
	sum := sha256.Sum256([]byte(strings.ToLower(repo.Owner + "/" + repo.Name)))
	return hex.EncodeToString(sum[:3])
}
