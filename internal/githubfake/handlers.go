package githubfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// GitHub's limits the fake enforces.
const (
	// MaxCommentBody is the longest issue comment body, in characters.
	MaxCommentBody = 65536
	// MaxCheckRunText is the longest check run output summary or text.
	MaxCheckRunText = 65535
	// MaxAnnotationsPerRequest is how many annotations one check run
	// request may carry.
	MaxAnnotationsPerRequest = 50
	// maxContentsSize is the largest file the contents API returns inline.
	maxContentsSize = 1 << 20
)

type handler func(*reqCtx) response

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"repos/get":                                (*reqCtx).getRepo,
		"pulls/list":                               (*reqCtx).listPulls,
		"pulls/get":                                (*reqCtx).getPull,
		"pulls/list-files":                         (*reqCtx).listFiles,
		"pulls/list-reviews":                       (*reqCtx).listReviews,
		"repos/get-content":                        (*reqCtx).getContent,
		"git/get-tree":                             (*reqCtx).getTree,
		"git/get-blob":                             (*reqCtx).getBlob,
		"issues/list-comments":                     (*reqCtx).listComments,
		"issues/create-comment":                    (*reqCtx).createComment,
		"issues/get-comment":                       (*reqCtx).getComment,
		"issues/update-comment":                    (*reqCtx).updateComment,
		"reactions/create-for-issue-comment":       (*reqCtx).createReaction,
		"checks/create":                            (*reqCtx).createCheckRun,
		"checks/get":                               (*reqCtx).getCheckRun,
		"checks/update":                            (*reqCtx).updateCheckRun,
		"checks/list-for-ref":                      (*reqCtx).listCheckRunsForRef,
		"repos/get-collaborator-permission-level":  (*reqCtx).getPermission,
		"teams/get-membership-for-user-in-org":     (*reqCtx).getTeamMembership,
		"repos/get-branch-rules":                   (*reqCtx).getBranchRules,
		"repos/get-pull-request-review-protection": (*reqCtx).getReviewProtection,
		"users/get-authenticated":                  (*reqCtx).getAuthenticatedUser,
		"apps/get-authenticated":                   (*reqCtx).getAuthenticatedApp,
		"apps/create-installation-access-token":    (*reqCtx).createInstallationToken,
		"rate-limit/get":                           (*reqCtx).getRateLimit,
	}
}

func notFound() response { return errorResponse(http.StatusNotFound, "Not Found") }

func ok(body any) response { return response{status: http.StatusOK, body: body} }

// forbiddenForIntegration is GitHub's answer when a token lacks a permission.
func forbiddenForIntegration() response {
	return errorResponse(http.StatusForbidden, "Resource not accessible by integration")
}

func (rc *reqCtx) repo() *repoState {
	return rc.s.repoLocked(rc.params["owner"], rc.params["repo"])
}

func (rc *reqCtx) intParam(name string) int64 {
	n, _ := strconv.ParseInt(rc.params[name], 10, 64)
	return n
}

func (rc *reqCtx) pull() (*repoState, *prState) {
	rs := rc.repo()
	if rs == nil {
		return nil, nil
	}
	n := rc.intParam("pull_number")
	if n == 0 {
		n = rc.intParam("issue_number")
	}
	return rs, rs.prs[int(n)]
}

// writable is false for read-only tokens (a fork pull request's
// GITHUB_TOKEN).
func (rc *reqCtx) writable() bool { return rc.who != nil && !rc.who.readOnly }

// paginate answers one page of items, with GitHub's Link header; wrap (if
// not nil) builds the body around the page.
func (rc *reqCtx) paginate(items []any, wrap func(page []any) any) response {
	perPage := 30
	if v, err := strconv.Atoi(rc.query.Get("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(rc.query.Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, int(math.Ceil(float64(len(items))/float64(perPage))))
	lo := min(len(items), (page-1)*perPage)
	hi := min(len(items), lo+perPage)
	pageItems := items[lo:hi]
	if pageItems == nil {
		pageItems = []any{}
	}
	var body any = pageItems
	if wrap != nil {
		body = wrap(pageItems)
	}
	resp := ok(body)
	if last > 1 {
		link := func(p int, rel string) string {
			q := url.Values{}
			for k, v := range rc.query {
				q[k] = v
			}
			q.Set("page", strconv.Itoa(p))
			return fmt.Sprintf("<%s%s%s?%s>; rel=%q", rc.s.srv.URL, rc.prefix, rc.path, q.Encode(), rel)
		}
		var parts []string
		if page > 1 {
			parts = append(parts, link(min(page-1, last), "prev"))
		}
		if page < last {
			parts = append(parts, link(page+1, "next"), link(last, "last"))
		}
		if page > 1 {
			parts = append(parts, link(1, "first"))
		}
		resp.header = http.Header{"Link": {strings.Join(parts, ", ")}}
	}
	return resp
}

func (rc *reqCtx) getRepo() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	return ok(rc.s.repoJSON(rs, true, rc.who))
}

func (rc *reqCtx) getPull() response {
	rs, pr := rc.pull()
	if pr == nil {
		return notFound()
	}
	return ok(rc.s.prJSON(rs, pr))
}

// listPulls lists pull requests as GitHub does: state open (the default),
// closed or all; sorted by creation (the default), update time or number
// for "popularity" and "long-running" (the fake keeps no comment counts
// per se: they sort as created), newest first unless direction is asc;
// head (owner:branch) and base filter.
func (rc *reqCtx) listPulls() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	state := rc.query.Get("state")
	if state == "" {
		state = "open"
	}
	head, base := rc.query.Get("head"), rc.query.Get("base")
	var prs []*prState
	for _, pr := range rs.prs {
		if state != "all" && pr.State != state {
			continue
		}
		if base != "" && pr.BaseRef != base {
			continue
		}
		if head != "" {
			owner, ref, ok := strings.Cut(head, ":")
			if !ok || !strings.EqualFold(owner, rc.s.headRepo(rs, pr).Owner) || ref != pr.HeadRef {
				continue
			}
		}
		prs = append(prs, pr)
	}
	byUpdate := rc.query.Get("sort") == "updated"
	asc := rc.query.Get("direction") == "asc"
	sort.Slice(prs, func(i, j int) bool {
		a, b := prs[i], prs[j]
		if asc {
			a, b = b, a
		}
		if byUpdate && !a.updatedAt.Equal(b.updatedAt) {
			return a.updatedAt.After(b.updatedAt)
		}
		return a.Number > b.Number
	})
	items := make([]any, len(prs))
	for i, pr := range prs {
		items[i] = rc.s.prJSON(rs, pr)
	}
	return rc.paginate(items, nil)
}

func (rc *reqCtx) listFiles() response {
	rs, pr := rc.pull()
	if pr == nil {
		return notFound()
	}
	a := rc.s.api("/repos/%s", rs.fullName())
	web := webURL + "/" + rs.fullName()
	var items []any
	for _, f := range rc.s.changedFiles(rs, pr) {
		status := f.Status
		if status == "" {
			status = "modified"
		}
		sha := f.SHA
		if sha == "" {
			if sn := rs.snapshots[pr.HeadSHA]; sn != nil && sn.blobs[f.Filename] != "" {
				sha = sn.blobs[f.Filename]
			} else {
				sha = fakeSHA("blob", rs.fullName(), pr.HeadSHA, f.Filename)
			}
		}
		esc := escapePath(f.Filename)
		item := map[string]any{
			"sha":          sha,
			"filename":     f.Filename,
			"status":       status,
			"additions":    f.Additions,
			"deletions":    f.Deletions,
			"changes":      f.Additions + f.Deletions,
			"blob_url":     web + "/blob/" + pr.HeadSHA + "/" + esc,
			"raw_url":      web + "/raw/" + pr.HeadSHA + "/" + esc,
			"contents_url": a + "/contents/" + esc + "?ref=" + pr.HeadSHA,
		}
		if f.Patch != "" {
			item["patch"] = f.Patch
		}
		if f.PreviousFilename != "" {
			item["previous_filename"] = f.PreviousFilename
		}
		items = append(items, item)
	}
	return rc.paginate(items, nil)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

func (rc *reqCtx) listReviews() response {
	rs, pr := rc.pull()
	if pr == nil {
		return notFound()
	}
	var items []any
	for _, rv := range pr.reviews {
		items = append(items, rc.s.reviewJSON(rs, pr, rv))
	}
	return rc.paginate(items, nil)
}

// base64Lines encodes as GitHub does: lines of 60 characters, each ending
// with a newline.
func base64Lines(content string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(content))
	var b strings.Builder
	for len(enc) > 60 {
		b.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	if enc != "" {
		b.WriteString(enc + "\n")
	}
	return b.String()
}

func (rc *reqCtx) getContent() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	ref := rc.query.Get("ref")
	sn := rs.snapshotLocked(ref)
	if sn == nil {
		if ref == "" {
			return errorResponse(http.StatusNotFound, "This repository is empty.")
		}
		return errorResponse(http.StatusNotFound, "No commit found for the ref "+ref)
	}
	if ref == "" {
		ref = rs.DefaultBranch
	}
	p := strings.Trim(rc.params["path"], "/")
	a := rc.s.api("/repos/%s", rs.fullName())
	web := webURL + "/" + rs.fullName()
	entry := func(p, typ, sha string, size int) map[string]any {
		esc := escapePath(p)
		self := a + "/contents/" + esc + "?ref=" + url.QueryEscape(ref)
		gitURL := a + "/git/blobs/" + sha
		html := web + "/blob/" + ref + "/" + esc
		var download any = "https://raw.githubusercontent.com/" + rs.fullName() + "/" + ref + "/" + esc
		if typ == "dir" {
			gitURL = a + "/git/trees/" + sha
			html = web + "/tree/" + ref + "/" + esc
			download = nil
		}
		return map[string]any{
			"type":         typ,
			"size":         size,
			"name":         path.Base(p),
			"path":         p,
			"sha":          sha,
			"url":          self,
			"git_url":      gitURL,
			"html_url":     html,
			"download_url": download,
			"_links":       map[string]any{"self": self, "git": gitURL, "html": html},
		}
	}
	if content, isFile := sn.files[p]; isFile {
		e := entry(p, "file", sn.blobs[p], len(content))
		if len(content) > maxContentsSize {
			e["content"], e["encoding"] = "", "none"
		} else {
			e["content"], e["encoding"] = base64Lines(content), "base64"
		}
		return ok(e)
	}
	t := sn.trees[p]
	if t == nil {
		return notFound()
	}
	items := []any{}
	for _, te := range t.entries {
		full := joinPath(p, te.name)
		if te.dir {
			items = append(items, entry(full, "dir", te.sha, 0))
		} else {
			items = append(items, entry(full, "file", te.sha, len(sn.files[full])))
		}
	}
	return ok(items)
}

func (rc *reqCtx) getTree() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	want := rc.params["tree_sha"]
	var sn *snapshot
	dir := ""
	if s := rs.snapshotLocked(want); s != nil && want != "" {
		sn = s
	} else {
		for _, k := range sortedKeys(rs.snapshots) {
			if d, ok := rs.snapshots[k].byTree[want]; ok {
				sn, dir = rs.snapshots[k], d
				break
			}
		}
	}
	if sn == nil {
		return notFound()
	}
	a := rc.s.api("/repos/%s", rs.fullName())
	recursive := rc.query.Has("recursive")
	entries := []any{}
	var walk func(d, prefix string)
	walk = func(d, prefix string) {
		for _, te := range sn.trees[d].entries {
			full := joinPath(d, te.name)
			rel := joinPath(prefix, te.name)
			if te.dir {
				entries = append(entries, map[string]any{
					"path": rel, "mode": "040000", "type": "tree", "sha": te.sha, "url": a + "/git/trees/" + te.sha,
				})
				if recursive {
					walk(full, rel)
				}
				continue
			}
			entries = append(entries, map[string]any{
				"path": rel, "mode": "100644", "type": "blob", "sha": te.sha,
				"size": len(sn.files[full]), "url": a + "/git/blobs/" + te.sha,
			})
		}
	}
	walk(dir, "")
	root := sn.trees[dir].sha
	return ok(map[string]any{"sha": root, "url": a + "/git/trees/" + root, "tree": entries, "truncated": false})
}

func (rc *reqCtx) getBlob() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	want := rc.params["file_sha"]
	for _, k := range sortedKeys(rs.snapshots) {
		sn := rs.snapshots[k]
		for _, p := range sortedKeys(sn.blobs) {
			if sn.blobs[p] != want {
				continue
			}
			content := sn.files[p]
			if wantsRaw(rc.r.Header.Get("Accept")) {
				// GitHub answers the raw media type with the bytes themselves
				// (go-github's GetBlobRaw asks for it).
				return response{status: http.StatusOK, body: []byte(content), header: http.Header{
					"Content-Type": {"application/vnd.github.raw; charset=utf-8"}, "X-Github-Media-Type": {"github.v3; param=raw"}}}
			}
			return ok(map[string]any{
				"sha":      want,
				"node_id":  "B_kwDO" + want[:12],
				"size":     len(content),
				"url":      rc.s.api("/repos/%s/git/blobs/%s", rs.fullName(), want),
				"content":  base64Lines(content),
				"encoding": "base64",
			})
		}
	}
	return notFound()
}

// wantsRaw reports whether an Accept header asks for GitHub's raw media
// type (application/vnd.github.raw, application/vnd.github.v3.raw).
func wantsRaw(accept string) bool {
	for _, t := range strings.Split(accept, ",") {
		t, _, _ = strings.Cut(strings.TrimSpace(strings.ToLower(t)), ";")
		if t == "application/vnd.github.raw" || t == "application/vnd.github.v3.raw" {
			return true
		}
	}
	return false
}

func (rc *reqCtx) issueExists() (*repoState, bool) {
	rs := rc.repo()
	if rs == nil {
		return nil, false
	}
	_, ok := rs.prs[int(rc.intParam("issue_number"))]
	return rs, ok
}

func (rc *reqCtx) listComments() response {
	rs, exists := rc.issueExists()
	if !exists {
		return notFound()
	}
	n := int(rc.intParam("issue_number"))
	var since time.Time
	if v := rc.query.Get("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	var items []any
	for _, c := range rs.comments {
		if c.Number == n && !c.UpdatedAt.Before(since) {
			items = append(items, rc.s.commentJSON(rs, c))
		}
	}
	return rc.paginate(items, nil)
}

// commentBody reads and checks {"body": ...} as GitHub does.
func (rc *reqCtx) commentBody() (string, *response) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := json.Unmarshal(rc.body, &in); err != nil {
		r := errorResponse(http.StatusBadRequest, "Problems parsing JSON")
		return "", &r
	}
	if in.Body == nil || strings.TrimSpace(*in.Body) == "" {
		r := validationFailed("IssueComment", "missing_field", "body", "")
		return "", &r
	}
	if n := utf8.RuneCountInString(*in.Body); n > MaxCommentBody {
		r := validationFailed("IssueComment", "unprocessable", "data",
			fmt.Sprintf("Body is too long (maximum is %d characters)", MaxCommentBody))
		return "", &r
	}
	return *in.Body, nil
}

func (rc *reqCtx) createComment() response {
	rs, exists := rc.issueExists()
	if !exists {
		return notFound()
	}
	if !rc.writable() {
		return forbiddenForIntegration()
	}
	body, bad := rc.commentBody()
	if bad != nil {
		return *bad
	}
	now := rc.s.now()
	c := &Comment{ID: rc.s.newID(), Number: int(rc.intParam("issue_number")), User: rc.who.login, Body: body, CreatedAt: now, UpdatedAt: now}
	rs.comments = append(rs.comments, c)
	out := rc.s.commentJSON(rs, c)
	return response{status: http.StatusCreated, body: out, header: http.Header{"Location": {out["url"].(string)}}}
}

func (rc *reqCtx) comment() (*repoState, *Comment) {
	rs := rc.repo()
	if rs == nil {
		return nil, nil
	}
	id := rc.intParam("comment_id")
	for _, c := range rs.comments {
		if c.ID == id {
			return rs, c
		}
	}
	return rs, nil
}

func (rc *reqCtx) getComment() response {
	rs, c := rc.comment()
	if c == nil {
		return notFound()
	}
	return ok(rc.s.commentJSON(rs, c))
}

func (rc *reqCtx) updateComment() response {
	rs, c := rc.comment()
	if c == nil {
		return notFound()
	}
	if !rc.writable() {
		return forbiddenForIntegration()
	}
	if !strings.EqualFold(c.User, rc.who.login) {
		if p := legacyPermission(rc.s.roleOf(rs, rc.who.login)); p != "write" && p != "admin" {
			return forbiddenForIntegration()
		}
	}
	body, bad := rc.commentBody()
	if bad != nil {
		return *bad
	}
	c.Body, c.UpdatedAt = body, rc.s.now()
	return ok(rc.s.commentJSON(rs, c))
}

func (rc *reqCtx) createReaction() response {
	_, c := rc.comment()
	if c == nil {
		return notFound()
	}
	if !rc.writable() {
		return forbiddenForIntegration()
	}
	var in struct {
		Content string `json:"content"`
	}
	_ = json.Unmarshal(rc.body, &in)
	for i := range c.Reactions {
		r := &c.Reactions[i]
		if r.Content == in.Content && strings.EqualFold(r.User, rc.who.login) {
			return ok(rc.s.reactionJSON(r, c.CreatedAt))
		}
	}
	c.Reactions = append(c.Reactions, Reaction{ID: rc.s.newID(), User: rc.who.login, Content: in.Content})
	return response{status: http.StatusCreated, body: rc.s.reactionJSON(&c.Reactions[len(c.Reactions)-1], rc.s.now())}
}

type checkRunBody struct {
	Name        *string `json:"name"`
	HeadSHA     *string `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      *string `json:"status"`
	StartedAt   *string `json:"started_at"`
	Conclusion  *string `json:"conclusion"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title       *string      `json:"title"`
		Summary     *string      `json:"summary"`
		Text        *string      `json:"text"`
		Annotations []Annotation `json:"annotations"`
	} `json:"output"`
}

// checkRules applies GitHub's rules that the schema does not express.
func checkRunRules(in *checkRunBody) *response {
	if in.Output != nil {
		if n := len(in.Output.Annotations); n > MaxAnnotationsPerRequest {
			r := invalidRequest(fmt.Sprintf("Only %d annotations may be sent per request (got %d).", MaxAnnotationsPerRequest, n))
			return &r
		}
		for name, v := range map[string]*string{"summary": in.Output.Summary, "text": in.Output.Text} {
			if v != nil && utf8.RuneCountInString(*v) > MaxCheckRunText {
				r := invalidRequest(fmt.Sprintf("For 'properties/%s', it is too long (maximum is %d characters).", name, MaxCheckRunText))
				return &r
			}
		}
		for i, a := range in.Output.Annotations {
			if a.EndLine < a.StartLine {
				r := validationFailed("CheckRun", "custom", "annotations",
					fmt.Sprintf("annotation %d: end_line (%d) is before start_line (%d)", i, a.EndLine, a.StartLine))
				return &r
			}
			if (a.StartColumn != nil || a.EndColumn != nil) && a.StartLine != a.EndLine {
				r := validationFailed("CheckRun", "custom", "annotations",
					fmt.Sprintf("annotation %d: start_column and end_column may only be given when start_line equals end_line (%d ≠ %d)", i, a.StartLine, a.EndLine))
				return &r
			}
		}
	}
	if in.Conclusion == nil && ((in.Status != nil && *in.Status == "completed") || in.CompletedAt != nil) {
		r := invalidRequest(`"conclusion" wasn't supplied.`)
		return &r
	}
	return nil
}

func parseTime(v *string, def time.Time) time.Time {
	if v == nil {
		return def
	}
	t, err := time.Parse(time.RFC3339, *v)
	if err != nil {
		return def
	}
	return t.UTC()
}

// apply sets the fields of a create or update request on a check run.
func (in *checkRunBody) apply(c *CheckRun, now time.Time) {
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.DetailsURL != nil {
		c.DetailsURL = *in.DetailsURL
	}
	if in.ExternalID != nil {
		c.ExternalID = *in.ExternalID
	}
	if in.Status != nil {
		c.Status = *in.Status
	}
	if in.StartedAt != nil {
		c.StartedAt = parseTime(in.StartedAt, c.StartedAt)
	}
	if in.Conclusion != nil {
		c.Conclusion = *in.Conclusion
		c.Status = "completed"
	}
	if c.Status == "completed" && c.CompletedAt.IsZero() || in.CompletedAt != nil {
		c.CompletedAt = parseTime(in.CompletedAt, now)
	}
	if o := in.Output; o != nil {
		if o.Title != nil {
			c.Title = *o.Title
		}
		if o.Summary != nil {
			c.Summary = *o.Summary
		}
		if o.Text != nil {
			c.Text = *o.Text
		}
		c.Annotations = append(c.Annotations, o.Annotations...)
	}
	c.Requests++
}

func (rc *reqCtx) canWriteChecks() *response {
	if rc.who == nil || !rc.who.bot {
		r := errorResponse(http.StatusForbidden, "You must authenticate via a GitHub App.")
		return &r
	}
	if rc.who.readOnly {
		r := forbiddenForIntegration()
		return &r
	}
	return nil
}

func (rc *reqCtx) createCheckRun() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	if bad := rc.canWriteChecks(); bad != nil {
		return *bad
	}
	var in checkRunBody
	if err := json.Unmarshal(rc.body, &in); err != nil {
		return errorResponse(http.StatusBadRequest, "Problems parsing JSON")
	}
	if bad := checkRunRules(&in); bad != nil {
		return *bad
	}
	if in.HeadSHA == nil || in.Name == nil {
		return invalidRequest(`"name" and "head_sha" are required.`)
	}
	now := rc.s.now()
	c := &CheckRun{ID: rc.s.newID(), HeadSHA: *in.HeadSHA, Status: "queued", App: rc.who.appSlug, StartedAt: now}
	in.apply(c, now)
	rs.checkRuns = append(rs.checkRuns, c)
	return response{status: http.StatusCreated, body: rc.s.checkRunJSON(rs, c)}
}

func (rc *reqCtx) checkRun() (*repoState, *CheckRun) {
	rs := rc.repo()
	if rs == nil {
		return nil, nil
	}
	id := rc.intParam("check_run_id")
	for _, c := range rs.checkRuns {
		if c.ID == id {
			return rs, c
		}
	}
	return rs, nil
}

func (rc *reqCtx) getCheckRun() response {
	rs, c := rc.checkRun()
	if c == nil {
		return notFound()
	}
	return ok(rc.s.checkRunJSON(rs, c))
}

func (rc *reqCtx) updateCheckRun() response {
	rs, c := rc.checkRun()
	if c == nil {
		return notFound()
	}
	if bad := rc.canWriteChecks(); bad != nil {
		return *bad
	}
	if c.App != rc.who.appSlug {
		return errorResponse(http.StatusForbidden,
			fmt.Sprintf("Invalid app_id `%d` - check run can only be modified by the GitHub App that created it.", rc.who.appID))
	}
	var in checkRunBody
	if err := json.Unmarshal(rc.body, &in); err != nil {
		return errorResponse(http.StatusBadRequest, "Problems parsing JSON")
	}
	if bad := checkRunRules(&in); bad != nil {
		return *bad
	}
	in.apply(c, rc.s.now())
	return ok(rc.s.checkRunJSON(rs, c))
}

func (rc *reqCtx) listCheckRunsForRef() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	ref := rc.params["ref"]
	sha := ref
	for _, p := range []string{"refs/heads/", "heads/"} {
		ref = strings.TrimPrefix(ref, p)
	}
	for _, n := range sortedKeys(rs.prs) {
		if pr := rs.prs[n]; pr.HeadRef == ref {
			sha = pr.HeadSHA
		}
	}
	name, status, filter := rc.query.Get("check_name"), rc.query.Get("status"), rc.query.Get("filter")
	appID, _ := strconv.ParseInt(rc.query.Get("app_id"), 10, 64)
	var runs []*CheckRun
	seen := map[string]bool{}
	for i := len(rs.checkRuns) - 1; i >= 0; i-- { // newest first
		c := rs.checkRuns[i]
		if c.HeadSHA != sha || (name != "" && c.Name != name) || (status != "" && c.Status != status) {
			continue
		}
		if appID != 0 && appIDFor(c.App) != appID {
			continue
		}
		if filter != "all" {
			if seen[c.Name] {
				continue
			}
			seen[c.Name] = true
		}
		runs = append(runs, c)
	}
	items := make([]any, len(runs))
	for i, c := range runs {
		items[i] = rc.s.checkRunJSON(rs, c)
	}
	return rc.paginate(items, func(page []any) any {
		return map[string]any{"total_count": len(items), "check_runs": page}
	})
}

func (rc *reqCtx) getPermission() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	login := rc.params["username"]
	role := rc.s.roleOf(rs, login)
	u := rc.s.userJSON(login)
	u["permissions"] = rc.s.permissionsJSON(rs, login)
	u["role_name"] = role
	return ok(map[string]any{"permission": legacyPermission(role), "role_name": role, "user": u})
}

// getBranchRules lists the rules that apply to a branch: here only a
// ruleset's pull_request rule, when RequireReviews set one.
func (rc *reqCtx) getBranchRules() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	rules := []any{}
	if n, ok := rs.rulesetReviews[rc.params["branch"]]; ok {
		rules = append(rules, map[string]any{
			"type": "pull_request",
			"parameters": map[string]any{"dismiss_stale_reviews_on_push": false, "require_code_owner_review": false,
				"require_last_push_approval": false, "required_approving_review_count": n, "required_review_thread_resolution": false},
			"ruleset_source_type": "Repository", "ruleset_source": rs.fullName(), "ruleset_id": fakeID("ruleset", rs.fullName()),
		})
	}
	return ok(rules)
}

// getReviewProtection is classic branch protection's required reviews.
// Reading branch protection needs admin access: installation tokens (the
// Actions GITHUB_TOKEN) get 403.
func (rc *reqCtx) getReviewProtection() response {
	rs := rc.repo()
	if rs == nil {
		return notFound()
	}
	if rc.who.bot {
		return forbiddenForIntegration()
	}
	branch := rc.params["branch"]
	n, ok2 := rs.protectionReviews[branch]
	if !ok2 {
		return errorResponse(http.StatusNotFound, "Branch not protected")
	}
	return ok(map[string]any{
		"url":                             rc.s.api("/repos/%s/branches/%s/protection/required_pull_request_reviews", rs.fullName(), branch),
		"dismiss_stale_reviews":           false,
		"require_code_owner_reviews":      false,
		"required_approving_review_count": n,
		"require_last_push_approval":      false,
	})
}

func (rc *reqCtx) getTeamMembership() response {
	org, team, user := rc.params["org"], rc.params["team_slug"], rc.params["username"]
	role, ok2 := rc.s.teams[strings.ToLower(org+"/"+team)][strings.ToLower(user)]
	if !ok2 {
		return notFound()
	}
	teamID := fakeID("team", strings.ToLower(org), strings.ToLower(team))
	return ok(map[string]any{
		"url":   rc.s.api("/organizations/%d/team/%d/memberships/%s", rc.s.userID(org), teamID, user),
		"role":  role,
		"state": "active",
	})
}

func (rc *reqCtx) getAuthenticatedUser() response {
	if rc.who.bot {
		return forbiddenForIntegration()
	}
	u := rc.s.userJSON(rc.who.login)
	created := ts(rc.s.start.Add(-3 * 365 * 24 * time.Hour))
	for k, v := range map[string]any{
		"name": rc.who.login, "company": nil, "blog": "", "location": nil, "email": nil, "hireable": nil, "bio": nil,
		"twitter_username": nil, "public_repos": 1, "public_gists": 0, "followers": 0, "following": 0,
		"created_at": created, "updated_at": created, "private_gists": 0, "total_private_repos": 0,
		"owned_private_repos": 0, "disk_usage": 0, "collaborators": 0, "two_factor_authentication": true,
		"plan": map[string]any{"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
	} {
		u[k] = v
	}
	return ok(u)
}

// getAuthenticatedApp answers GET /app for the App's JWT: how an App
// learns its own slug, and so its bot user's login.
func (rc *reqCtx) getAuthenticatedApp() response {
	app := rc.s.app
	if app == nil {
		return notFound()
	}
	created := ts(rc.s.now().Add(-24 * time.Hour))
	return ok(map[string]any{
		"id": app.ID, "slug": app.Slug, "node_id": "A_" + strconv.FormatInt(app.ID, 10), "client_id": "Iv1." + app.Slug,
		"owner": rc.s.userJSON(app.Slug), "name": app.Slug, "description": "", "external_url": "https://example.com",
		"html_url": "https://github.com/apps/" + app.Slug, "created_at": created, "updated_at": created,
		"permissions": map[string]any{"checks": "write", "contents": "read", "issues": "write", "metadata": "read", "pull_requests": "write"},
		"events":      []string{"check_run", "issue_comment", "pull_request"},
	})
}

func (rc *reqCtx) createInstallationToken() response {
	app := rc.s.app
	installation := rc.intParam("installation_id")
	if app == nil || !rc.s.hasInstallation(installation) {
		return notFound()
	}
	var in struct {
		Repositories []string `json:"repositories"`
	}
	if len(strings.TrimSpace(string(rc.body))) > 0 {
		_ = json.Unmarshal(rc.body, &in)
	}
	token := "ghs_" + randomHex(18)
	rc.s.tokens[token] = &identity{login: app.Slug + "[bot]", bot: true, appSlug: app.Slug, appID: app.ID, installation: installation}
	out := map[string]any{
		"token":      token,
		"expires_at": ts(rc.s.now().Add(time.Hour)),
		"permissions": map[string]any{
			"checks": "write", "contents": "read", "issues": "write", "metadata": "read", "pull_requests": "write",
		},
		"repository_selection": "all",
	}
	if len(in.Repositories) > 0 {
		out["repository_selection"] = "selected"
		var repos []any
		for _, name := range in.Repositories {
			for _, k := range sortedKeys(rc.s.repos) {
				if rs := rc.s.repos[k]; strings.EqualFold(rs.Name, name) {
					repos = append(repos, rc.s.repoJSON(rs, false, nil))
				}
			}
		}
		if repos == nil {
			repos = []any{}
		}
		out["repositories"] = repos
	}
	return response{status: http.StatusCreated, body: out}
}

func (rc *reqCtx) getRateLimit() response {
	used := rc.s.rate[rc.who.key()]
	reset := rc.s.start.Add(time.Hour).Unix()
	res := func(limit, used int) map[string]any {
		return map[string]any{"limit": limit, "used": used, "remaining": max(0, limit-used), "reset": reset}
	}
	core := res(rc.s.limit(), used)
	return ok(map[string]any{
		"resources": map[string]any{
			"core":                 core,
			"search":               res(30, 0),
			"graphql":              res(5000, 0),
			"integration_manifest": res(5000, 0),
			"code_search":          res(10, 0),
		},
		"rate": core,
	})
}

// sortedKeys returns the keys of the maps, sorted, without duplicates.
func sortedKeys[K interface{ ~int | ~string }, V any](maps ...map[K]V) []K {
	seen := map[K]bool{}
	var keys []K
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
