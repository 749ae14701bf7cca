package githubfake

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// The JSON the fake answers with follows GitHub's: the same fields, URLs
// that point back at the fake for the API and at github.com for the web.

const webURL = "https://github.com"

func (s *Server) api(format string, args ...any) string {
	return s.srv.URL + fmt.Sprintf(format, args...)
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func nodeID(prefix string, id int64) string {
	return prefix + "_kwDO" + base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprint(id)))
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func isBotLogin(login string) bool { return strings.HasSuffix(login, "[bot]") }

// userJSON is a simple-user.
func (s *Server) userJSON(login string) map[string]any {
	return s.accountJSON(login, "")
}

func (s *Server) accountJSON(login, typ string) map[string]any {
	id := s.userID(login)
	if typ == "" {
		typ = "User"
		if isBotLogin(login) {
			typ = "Bot"
		}
	}
	u := s.api("/users/%s", login)
	html := webURL + "/" + login
	if typ == "Bot" {
		html = webURL + "/apps/" + strings.TrimSuffix(login, "[bot]")
	}
	prefix := "U"
	switch typ {
	case "Bot":
		prefix = "BOT"
	case "Organization":
		prefix = "O"
	}
	return map[string]any{
		"login":               login,
		"id":                  id,
		"node_id":             nodeID(prefix, id),
		"avatar_url":          fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", id),
		"gravatar_id":         "",
		"url":                 u,
		"html_url":            html,
		"followers_url":       u + "/followers",
		"following_url":       u + "/following{/other_user}",
		"gists_url":           u + "/gists{/gist_id}",
		"starred_url":         u + "/starred{/owner}{/repo}",
		"subscriptions_url":   u + "/subscriptions",
		"organizations_url":   u + "/orgs",
		"repos_url":           u + "/repos",
		"events_url":          u + "/events{/privacy}",
		"received_events_url": u + "/received_events",
		"type":                typ,
		"user_view_type":      "public",
		"site_admin":          false,
	}
}

func (s *Server) ownerJSON(rs *repoState) map[string]any {
	if rs.Org {
		return s.accountJSON(rs.Owner, "Organization")
	}
	return s.accountJSON(rs.Owner, "User")
}

// prRefJSON is a pull request's head or base: a branch of a repository at
// a commit.
func (s *Server) prRefJSON(rs *repoState, ref, sha string) map[string]any {
	return map[string]any{
		"label": rs.Owner + ":" + ref,
		"ref":   ref,
		"sha":   sha,
		"user":  s.ownerJSON(rs),
		"repo":  s.repoJSON(rs, false, nil),
	}
}

// repoJSON is a repository; full adds the fields of full-repository.
func (s *Server) repoJSON(rs *repoState, full bool, who *identity) map[string]any {
	fn := rs.fullName()
	a := s.api("/repos/%s", fn)
	web := webURL + "/" + fn
	visibility := "public"
	if rs.Private {
		visibility = "private"
	}
	pushed := rs.createdAt.Add(time.Hour)
	r := map[string]any{
		"id":                          rs.id,
		"node_id":                     nodeID("R", rs.id),
		"name":                        rs.Name,
		"full_name":                   fn,
		"owner":                       s.ownerJSON(rs),
		"private":                     rs.Private,
		"html_url":                    web,
		"description":                 nil,
		"fork":                        rs.fork,
		"url":                         a,
		"archive_url":                 a + "/{archive_format}{/ref}",
		"assignees_url":               a + "/assignees{/user}",
		"blobs_url":                   a + "/git/blobs{/sha}",
		"branches_url":                a + "/branches{/branch}",
		"collaborators_url":           a + "/collaborators{/collaborator}",
		"comments_url":                a + "/comments{/number}",
		"commits_url":                 a + "/commits{/sha}",
		"compare_url":                 a + "/compare/{base}...{head}",
		"contents_url":                a + "/contents/{+path}",
		"contributors_url":            a + "/contributors",
		"deployments_url":             a + "/deployments",
		"downloads_url":               a + "/downloads",
		"events_url":                  a + "/events",
		"forks_url":                   a + "/forks",
		"git_commits_url":             a + "/git/commits{/sha}",
		"git_refs_url":                a + "/git/refs{/sha}",
		"git_tags_url":                a + "/git/tags{/sha}",
		"git_url":                     "git://github.com/" + fn + ".git",
		"issue_comment_url":           a + "/issues/comments{/number}",
		"issue_events_url":            a + "/issues/events{/number}",
		"issues_url":                  a + "/issues{/number}",
		"keys_url":                    a + "/keys{/key_id}",
		"labels_url":                  a + "/labels{/name}",
		"languages_url":               a + "/languages",
		"merges_url":                  a + "/merges",
		"milestones_url":              a + "/milestones{/number}",
		"notifications_url":           a + "/notifications{?since,all,participating}",
		"pulls_url":                   a + "/pulls{/number}",
		"releases_url":                a + "/releases{/id}",
		"ssh_url":                     "git@github.com:" + fn + ".git",
		"stargazers_url":              a + "/stargazers",
		"statuses_url":                a + "/statuses/{sha}",
		"subscribers_url":             a + "/subscribers",
		"subscription_url":            a + "/subscription",
		"tags_url":                    a + "/tags",
		"teams_url":                   a + "/teams",
		"trees_url":                   a + "/git/trees{/sha}",
		"clone_url":                   web + ".git",
		"mirror_url":                  nil,
		"hooks_url":                   a + "/hooks",
		"svn_url":                     web,
		"homepage":                    nil,
		"language":                    nil,
		"forks_count":                 0,
		"forks":                       0,
		"stargazers_count":            0,
		"watchers_count":              0,
		"watchers":                    0,
		"size":                        1,
		"default_branch":              rs.DefaultBranch,
		"open_issues_count":           s.openPRs(rs),
		"open_issues":                 s.openPRs(rs),
		"is_template":                 false,
		"topics":                      []any{},
		"has_issues":                  true,
		"has_projects":                true,
		"has_wiki":                    true,
		"has_pages":                   false,
		"has_downloads":               true,
		"has_discussions":             false,
		"archived":                    false,
		"disabled":                    false,
		"visibility":                  visibility,
		"pushed_at":                   ts(pushed),
		"created_at":                  ts(rs.createdAt),
		"updated_at":                  ts(pushed),
		"allow_forking":               true,
		"license":                     nil,
		"web_commit_signoff_required": false,
	}
	if who != nil {
		r["permissions"] = s.permissionsJSON(rs, who.login)
	}
	if full {
		r["network_count"] = 0
		r["subscribers_count"] = 1
		r["temp_clone_token"] = nil
		r["allow_squash_merge"] = true
		r["allow_merge_commit"] = true
		r["allow_rebase_merge"] = true
		r["allow_auto_merge"] = false
		r["delete_branch_on_merge"] = false
		r["allow_update_branch"] = false
		r["use_squash_pr_title_as_default"] = false
		r["squash_merge_commit_title"] = "COMMIT_OR_PR_TITLE"
		r["squash_merge_commit_message"] = "COMMIT_MESSAGES"
		r["merge_commit_title"] = "MERGE_MESSAGE"
		r["merge_commit_message"] = "PR_TITLE"
		if rs.Org {
			r["organization"] = s.accountJSON(rs.Owner, "Organization")
		}
		if rs.parent != nil {
			r["parent"] = s.repoJSON(rs.parent, false, nil)
			r["source"] = s.repoJSON(rs.parent, false, nil)
		}
	}
	return r
}

func (s *Server) openPRs(rs *repoState) int {
	n := 0
	for _, pr := range rs.prs {
		if pr.State == "open" {
			n++
		}
	}
	return n
}

// association is the author_association GitHub gives login's reviews in
// rs: OWNER, COLLABORATOR (write or admin access), else NONE.
func (s *Server) association(rs *repoState, login string) string {
	switch {
	case strings.EqualFold(login, rs.Owner):
		return "OWNER"
	case legacyPermission(s.roleOf(rs, login)) == "write" || legacyPermission(s.roleOf(rs, login)) == "admin":
		return "COLLABORATOR"
	}
	return "NONE"
}

// roleOf is the role name of user on the repository.
func (s *Server) roleOf(rs *repoState, login string) string {
	if strings.EqualFold(login, rs.Owner) {
		return "admin"
	}
	if r, ok := rs.perms[strings.ToLower(login)]; ok {
		return r
	}
	if isBotLogin(login) {
		return "write"
	}
	if rs.Private {
		return "none"
	}
	return "read"
}

// legacyPermission maps a role name to the permission field: admin, write,
// read or none.
func legacyPermission(role string) string {
	switch role {
	case "admin":
		return "admin"
	case "maintain", "write":
		return "write"
	case "none", "":
		return "none"
	default:
		return "read"
	}
}

func (s *Server) permissionsJSON(rs *repoState, login string) map[string]any {
	role := s.roleOf(rs, login)
	rank := map[string]int{"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}[role]
	if _, known := map[string]bool{"none": true, "read": true, "triage": true, "write": true, "maintain": true, "admin": true}[role]; !known {
		rank = 1
	}
	return map[string]any{
		"admin":    rank >= 5,
		"maintain": rank >= 4,
		"push":     rank >= 3,
		"triage":   rank >= 2,
		"pull":     rank >= 1,
	}
}

func (s *Server) headRepo(rs *repoState, pr *prState) *repoState {
	if pr.Fork {
		if f := s.repoLocked(pr.Author, rs.Name); f != nil {
			return f
		}
	}
	return rs
}

// prJSON is a pull-request.
func (s *Server) prJSON(rs *repoState, pr *prState) map[string]any {
	fn := rs.fullName()
	a := s.api("/repos/%s", fn)
	self := fmt.Sprintf("%s/pulls/%d", a, pr.Number)
	issue := fmt.Sprintf("%s/issues/%d", a, pr.Number)
	html := fmt.Sprintf("%s/%s/pull/%d", webURL, fn, pr.Number)
	head := s.headRepo(rs, pr)
	var closedAt, mergedAt any
	var mergedBy any
	if pr.State == "closed" {
		closedAt = ts(pr.updatedAt)
		if pr.Merged {
			mergedAt = ts(pr.updatedAt)
			by := pr.MergedBy
			if by == "" {
				by = rs.Owner
			}
			mergedBy = s.userJSON(by)
		}
	}
	var mergeCommit any
	if pr.Merged {
		mergeCommit = fakeSHA("merge", fn, itoa(pr.Number), pr.HeadSHA)
	}
	files := s.changedFiles(rs, pr)
	adds, dels := 0, 0
	for _, f := range files {
		adds += f.Additions
		dels += f.Deletions
	}
	comments := 0
	for _, c := range rs.comments {
		if c.Number == pr.Number {
			comments++
		}
	}
	assoc := "CONTRIBUTOR"
	if strings.EqualFold(pr.Author, rs.Owner) {
		assoc = "OWNER"
	} else if legacyPermission(s.roleOf(rs, pr.Author)) == "write" || legacyPermission(s.roleOf(rs, pr.Author)) == "admin" {
		assoc = "COLLABORATOR"
	}
	var body any
	if pr.Body != "" {
		body = pr.Body
	}
	mergeableState := "clean"
	if pr.Draft {
		mergeableState = "draft"
	}
	link := func(href string) map[string]any { return map[string]any{"href": href} }
	return map[string]any{
		"url":                 self,
		"id":                  pr.id,
		"node_id":             nodeID("PR", pr.id),
		"html_url":            html,
		"diff_url":            html + ".diff",
		"patch_url":           html + ".patch",
		"issue_url":           issue,
		"commits_url":         self + "/commits",
		"review_comments_url": self + "/comments",
		"review_comment_url":  a + "/pulls/comments{/number}",
		"comments_url":        issue + "/comments",
		"statuses_url":        a + "/statuses/" + pr.HeadSHA,
		"number":              pr.Number,
		"state":               pr.State,
		"locked":              false,
		"title":               pr.Title,
		"user":                s.userJSON(pr.Author),
		"body":                body,
		"labels":              []any{},
		"milestone":           nil,
		"active_lock_reason":  nil,
		"created_at":          ts(pr.createdAt),
		"updated_at":          ts(pr.updatedAt),
		"closed_at":           closedAt,
		"merged_at":           mergedAt,
		"merge_commit_sha":    mergeCommit,
		"assignee":            nil,
		"assignees":           []any{},
		"requested_reviewers": []any{},
		"requested_teams":     []any{},
		"head":                s.prRefJSON(head, pr.HeadRef, pr.HeadSHA),
		"base":                s.prRefJSON(rs, pr.BaseRef, pr.BaseSHA),
		"_links": map[string]any{
			"self":            link(self),
			"html":            link(html),
			"issue":           link(issue),
			"comments":        link(issue + "/comments"),
			"review_comments": link(self + "/comments"),
			"review_comment":  link(a + "/pulls/comments{/number}"),
			"commits":         link(self + "/commits"),
			"statuses":        link(a + "/statuses/" + pr.HeadSHA),
		},
		"author_association":    assoc,
		"auto_merge":            nil,
		"draft":                 pr.Draft,
		"merged":                pr.Merged,
		"mergeable":             pr.State == "open",
		"rebaseable":            pr.State == "open",
		"mergeable_state":       mergeableState,
		"merged_by":             mergedBy,
		"comments":              comments,
		"review_comments":       0,
		"maintainer_can_modify": pr.Fork,
		"commits":               1,
		"additions":             adds,
		"deletions":             dels,
		"changed_files":         len(files),
	}
}

// changedFiles are the files set with SetChangedFiles, or else derived from
// the files at the base and head SHAs.
func (s *Server) changedFiles(rs *repoState, pr *prState) []ChangedFile {
	if pr.changedSet {
		return pr.changed
	}
	base, head := rs.snapshots[pr.BaseSHA], s.headRepo(rs, pr).snapshots[pr.HeadSHA]
	if head == nil {
		head = rs.snapshots[pr.HeadSHA]
	}
	if base == nil || head == nil {
		return nil
	}
	var out []ChangedFile
	for _, p := range sortedKeys(head.files, base.files) {
		oldC, inBase := base.files[p]
		newC, inHead := head.files[p]
		f := ChangedFile{Filename: p}
		switch {
		case inBase && inHead && oldC == newC:
			continue
		case inBase && inHead:
			f.Status = "modified"
		case inHead:
			f.Status = "added"
		default:
			f.Status = "removed"
		}
		f.Additions, f.Deletions, f.Patch = lineDiff(oldC, newC)
		if inHead {
			f.SHA = head.blobs[p]
		} else {
			f.SHA = base.blobs[p]
		}
		out = append(out, f)
	}
	return out
}

func (s *Server) commentJSON(rs *repoState, c *Comment) map[string]any {
	a := s.api("/repos/%s", rs.fullName())
	counts := map[string]any{"+1": 0, "-1": 0, "laugh": 0, "confused": 0, "heart": 0, "hooray": 0, "eyes": 0, "rocket": 0}
	for _, r := range c.Reactions {
		counts[r.Content] = counts[r.Content].(int) + 1
	}
	counts["total_count"] = len(c.Reactions)
	counts["url"] = fmt.Sprintf("%s/issues/comments/%d/reactions", a, c.ID)
	assoc := s.association(rs, c.User)
	if assoc == "COLLABORATOR" && isBotLogin(c.User) {
		assoc = "NONE" // an App comments with its installation's access, not as a collaborator
	}
	out := map[string]any{
		"id":                       c.ID,
		"node_id":                  nodeID("IC", c.ID),
		"url":                      fmt.Sprintf("%s/issues/comments/%d", a, c.ID),
		"html_url":                 fmt.Sprintf("%s/%s/pull/%d#issuecomment-%d", webURL, rs.fullName(), c.Number, c.ID),
		"issue_url":                fmt.Sprintf("%s/issues/%d", a, c.Number),
		"body":                     c.Body,
		"user":                     s.userJSON(c.User),
		"created_at":               ts(c.CreatedAt),
		"updated_at":               ts(c.UpdatedAt),
		"author_association":       assoc,
		"reactions":                counts,
		"performed_via_github_app": nil,
	}
	if rs.prs[c.Number] == nil {
		out["html_url"] = fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", webURL, rs.fullName(), c.Number, c.ID)
	}
	return out
}

func (s *Server) reactionJSON(r *Reaction, created time.Time) map[string]any {
	return map[string]any{
		"id":         r.ID,
		"node_id":    nodeID("REA", r.ID),
		"user":       s.userJSON(r.User),
		"content":    r.Content,
		"created_at": ts(created),
	}
}

func (s *Server) appJSON(slug string) map[string]any {
	id := appIDFor(slug)
	owner := "github"
	if slug != "github-actions" {
		owner = "ddlbot"
	}
	return map[string]any{
		"id":           id,
		"slug":         slug,
		"node_id":      nodeID("MDM", id),
		"client_id":    "Iv1." + fakeSHA("client", slug)[:16],
		"owner":        s.accountJSON(owner, "Organization"),
		"name":         slug,
		"description":  "",
		"external_url": webURL + "/apps/" + slug,
		"html_url":     webURL + "/apps/" + slug,
		"created_at":   ts(s.start.Add(-365 * 24 * time.Hour)),
		"updated_at":   ts(s.start.Add(-24 * time.Hour)),
		"permissions": map[string]any{
			"checks": "write", "contents": "read", "issues": "write", "metadata": "read", "pull_requests": "write",
		},
		"events": []any{"check_run", "issue_comment", "pull_request"},
	}
}

func (s *Server) checkRunJSON(rs *repoState, c *CheckRun) map[string]any {
	a := s.api("/repos/%s", rs.fullName())
	html := fmt.Sprintf("%s/%s/runs/%d", webURL, rs.fullName(), c.ID)
	details := any(c.DetailsURL)
	if c.DetailsURL == "" {
		details = html
	}
	var prs []any
	for _, n := range sortedKeys(rs.prs) {
		pr := rs.prs[n]
		if pr.HeadSHA != c.HeadSHA || pr.Fork || pr.State != "open" {
			continue
		}
		repoRef := map[string]any{"id": rs.id, "url": a, "name": rs.Name}
		prs = append(prs, map[string]any{
			"url":    fmt.Sprintf("%s/pulls/%d", a, pr.Number),
			"id":     pr.id,
			"number": pr.Number,
			"head":   map[string]any{"ref": pr.HeadRef, "sha": pr.HeadSHA, "repo": repoRef},
			"base":   map[string]any{"ref": pr.BaseRef, "sha": pr.BaseSHA, "repo": repoRef},
		})
	}
	if prs == nil {
		prs = []any{}
	}
	var conclusion any
	if c.Conclusion != "" {
		conclusion = c.Conclusion
	}
	return map[string]any{
		"id":           c.ID,
		"node_id":      nodeID("CR", c.ID),
		"head_sha":     c.HeadSHA,
		"external_id":  c.ExternalID,
		"url":          fmt.Sprintf("%s/check-runs/%d", a, c.ID),
		"html_url":     html,
		"details_url":  details,
		"status":       c.Status,
		"conclusion":   conclusion,
		"started_at":   ts(c.StartedAt),
		"completed_at": ts(c.CompletedAt),
		"output": map[string]any{
			"title":             nullable(c.Title),
			"summary":           nullable(c.Summary),
			"text":              nullable(c.Text),
			"annotations_count": len(c.Annotations),
			"annotations_url":   fmt.Sprintf("%s/check-runs/%d/annotations", a, c.ID),
		},
		"name":          c.Name,
		"check_suite":   map[string]any{"id": fakeID(c.App, c.HeadSHA)},
		"app":           s.appJSON(c.App),
		"pull_requests": prs,
	}
}

func fakeID(parts ...string) int64 {
	h := fakeSHA(parts...)
	var n int64
	for _, c := range h[:12] {
		n = n*16 + int64(strings.IndexRune("0123456789abcdef", c))
	}
	return n%9000000000 + 1000000000
}

func (s *Server) reviewJSON(rs *repoState, pr *prState, rv *Review) map[string]any {
	a := s.api("/repos/%s", rs.fullName())
	html := fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", webURL, rs.fullName(), pr.Number, rv.ID)
	prURL := fmt.Sprintf("%s/pulls/%d", a, pr.Number)
	assoc := s.association(rs, rv.User)
	out := map[string]any{
		"id":                 rv.ID,
		"node_id":            nodeID("PRR", rv.ID),
		"user":               s.userJSON(rv.User),
		"body":               rv.Body,
		"state":              rv.State,
		"html_url":           html,
		"pull_request_url":   prURL,
		"author_association": assoc,
		"_links": map[string]any{
			"html":         map[string]any{"href": html},
			"pull_request": map[string]any{"href": prURL},
		},
		"commit_id": rv.CommitID,
	}
	if rv.State != "PENDING" {
		out["submitted_at"] = ts(rv.SubmittedAt)
	}
	return out
}
