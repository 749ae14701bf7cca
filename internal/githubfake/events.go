package githubfake

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// PullRequestEvent returns a real pull_request payload (the vendored
// example for action, the ".org" one for an organization's repository)
// adapted to the fake's state: number, title, state, draft, merged, author,
// head and base (SHA, ref, repository, fork), the repository, and the App
// installation when App was called. A "closed" pull request that is Merged
// gets merged and merged_at. Extra edits (AdaptWebhook paths) apply last.
func (s *Server) PullRequestEvent(t testing.TB, action, owner, repo string, number int, extra map[string]any) []byte {
	t.Helper()
	s.mu.Lock()
	rs := s.repoLocked(owner, repo)
	if rs == nil || rs.prs[number] == nil {
		s.mu.Unlock()
		t.Fatalf("githubfake: PullRequestEvent: no pull request %s/%s#%d", owner, repo, number)
		return nil
	}
	pr := rs.prs[number]
	head := s.headRepo(rs, pr)
	edits := s.repoEdits(rs)
	p := "pull_request."
	for k, v := range map[string]any{
		"number":                       number,
		p + "number":                   number,
		p + "id":                       pr.id,
		p + "node_id":                  nodeID("PR", pr.id),
		p + "url":                      s.api("/repos/%s/pulls/%d", rs.fullName(), number),
		p + "html_url":                 fmt.Sprintf("%s/%s/pull/%d", webURL, rs.fullName(), number),
		p + "title":                    pr.Title,
		p + "body":                     nullable(pr.Body),
		p + "state":                    pr.State,
		p + "draft":                    pr.Draft,
		p + "merged":                   pr.Merged,
		p + "user.login":               pr.Author,
		p + "user.id":                  s.userID(pr.Author),
		p + "head.repo.fork":           head.fork,
		p + "base.repo.private":        rs.Private,
		p + "base.repo.default_branch": rs.DefaultBranch,
		"sender.login":                 pr.Author,
		"sender.id":                    s.userID(pr.Author),
	} {
		edits[k] = v
	}
	refEdits(edits, p+"head.", head, pr.HeadRef, pr.HeadSHA)
	refEdits(edits, p+"base.", rs, pr.BaseRef, pr.BaseSHA)
	if pr.State == "closed" {
		edits[p+"closed_at"] = ts(pr.updatedAt)
		if pr.Merged {
			edits[p+"merged_at"] = ts(pr.updatedAt)
			if pr.MergedBy != "" { // the merge is the merger's doing
				edits["sender.login"], edits["sender.id"] = pr.MergedBy, s.userID(pr.MergedBy)
			}
		} else {
			edits[p+"merged_at"] = nil
		}
	}
	org := rs.Org
	s.mu.Unlock()
	for k, v := range extra {
		edits[k] = v
	}
	return AdaptWebhook(t, loadVariant(t, "pull_request."+action, org), edits)
}

// refEdits adds the edits of a pull request's head or base (at prefix,
// such as "pull_request.head."): a branch of a repository at a commit.
func refEdits(edits map[string]any, prefix string, rs *repoState, ref, sha string) {
	for k, v := range map[string]any{
		"sha":              sha,
		"ref":              ref,
		"label":            rs.Owner + ":" + ref,
		"user.login":       rs.Owner,
		"repo.id":          rs.id,
		"repo.name":        rs.Name,
		"repo.full_name":   rs.fullName(),
		"repo.owner.login": rs.Owner,
	} {
		edits[prefix+k] = v
	}
}

// CommentEvent returns a real issue_comment payload (action created,
// edited or deleted) for the fake's comment id on a pull request, adapted to
// the state: issue (number, title, state, draft, author, and
// issue.pull_request, which marks an issue as a pull request), comment
// (id, body, author, type User or Bot), repository and sender. Extra edits
// apply last.
func (s *Server) CommentEvent(t testing.TB, action, owner, repo string, commentID int64, extra map[string]any) []byte {
	t.Helper()
	s.mu.Lock()
	rs := s.repoLocked(owner, repo)
	var c *Comment
	if rs != nil {
		for _, x := range rs.comments {
			if x.ID == commentID {
				c = x
			}
		}
	}
	if c == nil {
		s.mu.Unlock()
		t.Fatalf("githubfake: CommentEvent: no comment %d in %s/%s", commentID, owner, repo)
		return nil
	}
	edits := s.repoEdits(rs)
	html := fmt.Sprintf("%s/%s/pull/%d", webURL, rs.fullName(), c.Number)
	userType := "User"
	if isBotLogin(c.User) {
		userType = "Bot"
	}
	for k, v := range map[string]any{
		"issue.number":   c.Number,
		"issue.url":      s.api("/repos/%s/issues/%d", rs.fullName(), c.Number),
		"issue.html_url": html,
		"issue.pull_request": map[string]any{
			"url":       s.api("/repos/%s/pulls/%d", rs.fullName(), c.Number),
			"html_url":  html,
			"diff_url":  html + ".diff",
			"patch_url": html + ".patch",
			"merged_at": nil,
		},
		"comment.id":         c.ID,
		"comment.node_id":    nodeID("IC", c.ID),
		"comment.body":       c.Body,
		"comment.url":        s.api("/repos/%s/issues/comments/%d", rs.fullName(), c.ID),
		"comment.html_url":   fmt.Sprintf("%s#issuecomment-%d", html, c.ID),
		"comment.issue_url":  s.api("/repos/%s/issues/%d", rs.fullName(), c.Number),
		"comment.user.login": c.User,
		"comment.user.id":    s.userID(c.User),
		"comment.user.type":  userType,
		"comment.created_at": ts(c.CreatedAt),
		"comment.updated_at": ts(c.UpdatedAt),
		"sender.login":       c.User,
		"sender.id":          s.userID(c.User),
		"sender.type":        userType,
	} {
		edits[k] = v
	}
	if pr := rs.prs[c.Number]; pr != nil {
		edits["issue.title"] = pr.Title
		edits["issue.state"] = pr.State
		edits["issue.draft"] = pr.Draft
		edits["issue.user.login"] = pr.Author
		if pr.Merged {
			edits["issue.pull_request"].(map[string]any)["merged_at"] = ts(pr.updatedAt)
		}
	} else {
		delete(edits, "issue.pull_request")
		edits["issue.html_url"] = fmt.Sprintf("%s/%s/issues/%d", webURL, rs.fullName(), c.Number)
	}
	org := rs.Org
	s.mu.Unlock()
	for k, v := range extra {
		edits[k] = v
	}
	return AdaptWebhook(t, loadVariant(t, "issue_comment."+action, org), edits)
}

// loadVariant loads name, or its ".org" variant for an organization's
// repository when there is one.
func loadVariant(t testing.TB, name string, org bool) []byte {
	t.Helper()
	if org {
		p := filepath.Join(RepoRoot(t), filepath.FromSlash(WebhookDir), name+".org.json")
		if _, err := os.Stat(p); err == nil {
			return LoadWebhook(t, name+".org")
		}
	}
	return LoadWebhook(t, name)
}

// repoEdits are the edits that put a payload in the repository rs.
func (s *Server) repoEdits(rs *repoState) map[string]any {
	ownerType := "User"
	if rs.Org {
		ownerType = "Organization"
	}
	edits := map[string]any{
		"repository.id":             rs.id,
		"repository.node_id":        nodeID("R", rs.id),
		"repository.name":           rs.Name,
		"repository.full_name":      rs.fullName(),
		"repository.private":        rs.Private,
		"repository.default_branch": rs.DefaultBranch,
		"repository.html_url":       webURL + "/" + rs.fullName(),
		"repository.url":            s.api("/repos/%s", rs.fullName()),
		"repository.owner.login":    rs.Owner,
		"repository.owner.id":       s.userID(rs.Owner),
		"repository.owner.type":     ownerType,
	}
	if rs.Org {
		edits["organization.login"] = rs.Owner
		edits["organization.id"] = s.userID(rs.Owner)
	}
	if s.app != nil {
		edits["installation.id"] = s.installationOf(rs)
	}
	return edits
}
