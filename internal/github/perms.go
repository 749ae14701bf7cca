package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v66/github"
)

// Permission is a user's access to a repository.
type Permission struct {
	// Role is GitHub's role_name: admin, maintain, write, triage, read, or
	// the name of a custom repository role.
	Role string
	// Base is GitHub's older permission field: admin, write, read or none.
	// maintain shows as write and triage as read; a custom role shows its
	// base role's level.
	Base string
}

// String returns the role name.
func (p Permission) String() string { return p.Role }

var permRank = map[string]int{"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}

// Rank orders permissions: none 0, read 1, triage 2, write 3, maintain 4,
// admin 5. A custom role ranks as its base permission.
func (p Permission) Rank() int {
	if r, ok := permRank[strings.ToLower(p.Role)]; ok {
		return r
	}
	return permRank[strings.ToLower(p.Base)]
}

// AtLeast reports whether p grants at least min (one of none, read, triage,
// write, maintain, admin); an unknown min is never met.
func (p Permission) AtLeast(min string) bool {
	r, ok := permRank[strings.ToLower(min)]
	return ok && p.Rank() >= r
}

// Permission returns user's permission on the repository, from the
// collaborator permission API (one request).
func (c *Client) Permission(ctx context.Context, owner, repo, user string) (Permission, error) {
	pl, _, err := c.gh.Repositories.GetPermissionLevel(ctx, owner, repo, user)
	if err != nil {
		return Permission{}, wrapErr(fmt.Sprintf("get the permission of %s on %s", user, repoName(owner, repo)), err)
	}
	p := Permission{Role: pl.GetRoleName(), Base: pl.GetPermission()}
	if p.Role == "" {
		p.Role = p.Base
	}
	return p, nil
}

// TeamMember reports whether user is an active member of the team teamSlug
// in org (one request). A pending invitation, an unknown team or a team the
// token cannot see is false. Reading team membership needs a token that can
// read the organization (GITHUB_TOKEN cannot).
func (c *Client) TeamMember(ctx context.Context, org, teamSlug, user string) (bool, error) {
	m, _, err := c.gh.Teams.GetTeamMembershipBySlug(ctx, org, teamSlug, user)
	if err != nil {
		if statusCode(err) == http.StatusNotFound {
			return false, nil
		}
		return false, wrapErr(fmt.Sprintf("get the membership of %s in team %s/%s", user, org, teamSlug), err)
	}
	return m.GetState() == "active", nil
}

// RequiredReviews is how many approving reviews GitHub requires before a
// pull request into branch can be merged: the most that the rulesets'
// pull_request rules on the branch and its classic branch protection ask
// for (0 when neither does). Rulesets are readable with read access; classic
// protection only with admin access (Administration: read), which the
// Actions GITHUB_TOKEN never has: without it only the rulesets count.
func (c *Client) RequiredReviews(ctx context.Context, owner, repo, branch string) (int, error) {
	rules, _, err := c.gh.Repositories.GetRulesForBranch(ctx, owner, repo, branch)
	if err != nil && !IsNotFound(err) {
		return 0, wrapErr(fmt.Sprintf("get the rules of branch %s of %s", branch, repoName(owner, repo)), err)
	}
	n := 0
	for _, r := range rules {
		if r.Type != "pull_request" || r.Parameters == nil {
			continue
		}
		var p gh.PullRequestRuleParameters
		if err := json.Unmarshal(*r.Parameters, &p); err != nil {
			return 0, fmt.Errorf("read the pull_request rule of branch %s of %s: %w", branch, repoName(owner, repo), err)
		}
		n = max(n, p.RequiredApprovingReviewCount)
	}
	prot, _, err := c.gh.Repositories.GetPullRequestReviewEnforcement(ctx, owner, repo, branch)
	switch {
	case err == nil:
		n = max(n, prot.RequiredApprovingReviewCount)
	case IsNotFound(err), IsForbidden(err):
		// Not protected, no required reviews, or not readable with this token.
	default:
		return 0, wrapErr(fmt.Sprintf("get the review protection of branch %s of %s", branch, repoName(owner, repo)), err)
	}
	return n, nil
}
