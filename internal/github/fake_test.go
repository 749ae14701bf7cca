package github

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/syncbuf"
)

// The fake serves the GitHub REST endpoints this package calls, under
// /api/v3 as GitHub Enterprise Server does, and records every request.

const apiPrefix = "/api/v3"

type call struct {
	Method, Path, Query, Auth, Accept string
	Body                              []byte
}

func (c call) String() string { return c.Method + " " + c.Path }

func (c call) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("%s: body is not JSON: %v: %s", c, err, c.Body)
	}
	return m
}

type fakeComment struct {
	ID     int64
	Issue  int
	Body   string
	Author string
}

type fakeCheckRun struct {
	ID                   int64
	Name, HeadSHA        string
	Status, Conclusion   string
	Title, Summary, Text string
	Annotations          []any
}

type fakeTree struct {
	entries []map[string]any // path, mode, type, sha, size (one level)
}

type fakeGitHub struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	calls []call

	// before, when set, may answer a request itself (fault injection).
	before func(w http.ResponseWriter, r *http.Request, n int) bool

	login      string // GET /user; "" answers 403 as for GITHUB_TOKEN
	appSlug    string
	appKey     *rsa.PublicKey
	appID      int64
	instToken  string
	tokenFails bool

	pulls       map[int]map[string]any
	files       map[int][]map[string]any
	reviews     map[int][]map[string]any
	comments    []*fakeComment
	checkRuns   []*fakeCheckRun
	permissions map[string]map[string]any
	teams       map[string]string // "org/slug/user" -> state

	refs     map[string]string            // ref name -> commit sha
	commits  map[string]string            // commit sha -> root tree sha
	trees    map[string]fakeTree          // tree sha -> entries
	blobs    map[string][]byte            // blob sha -> data
	snapshot map[string]map[string]string // commit sha -> path -> content
	truncate bool                         // recursive tree listings say truncated

	nextID int64
}

func newFake(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{
		t:           t,
		login:       "ddlbot-user",
		pulls:       map[int]map[string]any{},
		files:       map[int][]map[string]any{},
		reviews:     map[int][]map[string]any{},
		permissions: map[string]map[string]any{},
		teams:       map[string]string{},
		refs:        map[string]string{},
		commits:     map[string]string{},
		trees:       map[string]fakeTree{},
		blobs:       map[string][]byte{},
		snapshot:    map[string]map[string]string{},
		nextID:      1000,
	}
	mux := http.NewServeMux()
	h := func(pattern string, fn func(w http.ResponseWriter, r *http.Request)) {
		method, p, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+apiPrefix+p, fn)
	}
	h("GET /user", f.getUser)
	h("GET /app", f.getApp)
	h("POST /app/installations/{id}/access_tokens", f.accessToken)
	h("GET /repos/{o}/{r}/pulls", f.listPulls)
	h("GET /repos/{o}/{r}/pulls/{n}", f.getPull)
	h("GET /repos/{o}/{r}/pulls/{n}/files", func(w http.ResponseWriter, r *http.Request) {
		f.page(w, r, f.files[atoi(r.PathValue("n"))])
	})
	h("GET /repos/{o}/{r}/pulls/{n}/reviews", func(w http.ResponseWriter, r *http.Request) {
		f.page(w, r, f.reviews[atoi(r.PathValue("n"))])
	})
	h("GET /repos/{o}/{r}/contents/{path...}", f.getContents)
	h("GET /repos/{o}/{r}/commits/{ref...}", f.getCommit)
	h("GET /repos/{o}/{r}/git/trees/{sha}", f.getTree)
	h("GET /repos/{o}/{r}/git/blobs/{sha}", f.getBlob)
	h("GET /repos/{o}/{r}/issues/{n}/comments", f.listComments)
	h("POST /repos/{o}/{r}/issues/{n}/comments", f.createComment)
	h("PATCH /repos/{o}/{r}/issues/comments/{id}", f.editComment)
	h("POST /repos/{o}/{r}/issues/comments/{id}/reactions", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		writeJSON(w, 201, map[string]any{"id": 1, "content": in["content"]})
	})
	h("POST /repos/{o}/{r}/check-runs", f.createCheckRun)
	h("PATCH /repos/{o}/{r}/check-runs/{id}", f.updateCheckRun)
	h("GET /repos/{o}/{r}/check-runs/{id}", f.getCheckRun)
	h("GET /repos/{o}/{r}/commits/{sha}/check-runs", f.listCheckRuns)
	h("GET /repos/{o}/{r}/collaborators/{u}/permission", func(w http.ResponseWriter, r *http.Request) {
		p, ok := f.permissions[r.PathValue("u")]
		if !ok {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		writeJSON(w, 200, p)
	})
	h("GET /orgs/{org}/teams/{slug}/memberships/{u}", func(w http.ResponseWriter, r *http.Request) {
		st, ok := f.teams[r.PathValue("org")+"/"+r.PathValue("slug")+"/"+r.PathValue("u")]
		if !ok {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		writeJSON(w, 200, map[string]any{"state": st, "role": "member"})
	})

	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.calls = append(f.calls, call{Method: r.Method, Path: strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix),
			Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Accept: r.Header.Get("Accept"), Body: body})
		n := len(f.calls)
		before := f.before
		f.mu.Unlock()
		if before != nil && before(w, r, n) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, apiPrefix+"/app") && !f.authorized(w, r) {
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) baseURL() string { return f.srv.URL + apiPrefix }

// client returns a token-authenticated Client on the fake, whose sleeps are
// recorded (and return at once) and whose log goes to logBuf.
func (f *fakeGitHub) client(t *testing.T, mod ...func(*Config)) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{now: time.Unix(1_700_000_000, 0)}
	cfg := Config{
		Token:   testToken,
		BaseURL: f.baseURL(),
		Sleep:   rec.sleep,
		Now:     rec.clock,
		Logger:  slog.New(slog.NewTextHandler(&rec.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { assertNoSecrets(t, "log", rec.log.String()) })
	return c, rec
}

func (f *fakeGitHub) takeCalls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func (f *fakeGitHub) id() int64 { f.nextID++; return f.nextID }

type recorder struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	log    syncbuf.Buffer
}

func (r *recorder) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sleeps = append(r.sleeps, d)
	return ctx.Err()
}

func (r *recorder) slept() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.sleeps...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// page answers one page of items, with a Link header to the next one.
func (f *fakeGitHub) page(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	f.pageAs(w, r, items, func(page []map[string]any) any { return page })
}

func (f *fakeGitHub) pageAs(w http.ResponseWriter, r *http.Request, items []map[string]any, wrap func([]map[string]any) any) {
	per := atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 30
	}
	pg := max(atoi(r.URL.Query().Get("page")), 1)
	from := min((pg-1)*per, len(items))
	to := min(from+per, len(items))
	if to < len(items) {
		u := *r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(pg+1))
		u.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, f.srv.URL, u.RequestURI()))
	}
	out := items[from:to]
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, 200, wrap(out))
}

func (f *fakeGitHub) getUser(w http.ResponseWriter, r *http.Request) {
	if f.login == "" {
		writeJSON(w, 403, map[string]any{"message": "Resource not accessible by integration"})
		return
	}
	writeJSON(w, 200, map[string]any{"login": f.login, "id": 1})
}

// checkJWT verifies an App JWT (RS256, iss = app id) against the app key.
func (f *fakeGitHub) checkJWT(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || f.appKey == nil {
		return false
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(f.appKey, crypto.SHA256, sum[:], sig) != nil {
		return false
	}
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var c struct {
		Iss string `json:"iss"`
	}
	return json.Unmarshal(claims, &c) == nil && c.Iss == strconv.FormatInt(f.appID, 10)
}

func (f *fakeGitHub) getApp(w http.ResponseWriter, r *http.Request) {
	if !f.checkJWT(r) {
		writeJSON(w, 401, map[string]any{"message": "A JSON web token could not be decoded"})
		return
	}
	writeJSON(w, 200, map[string]any{"id": f.appID, "slug": f.appSlug})
}

func (f *fakeGitHub) accessToken(w http.ResponseWriter, r *http.Request) {
	if f.tokenFails || !f.checkJWT(r) {
		writeJSON(w, 401, map[string]any{"message": "Bad credentials"})
		return
	}
	writeJSON(w, 201, map[string]any{"token": f.instToken, "expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
}

func (f *fakeGitHub) authorized(w http.ResponseWriter, r *http.Request) bool {
	a := r.Header.Get("Authorization")
	if a == "Bearer "+testToken || (f.instToken != "" && a == "token "+f.instToken) {
		return true
	}
	writeJSON(w, 401, map[string]any{"message": "Bad credentials"})
	return false
}

// listPulls answers the open pull requests (the only state the client
// asks for), by number, newest first.
func (f *fakeGitHub) listPulls(w http.ResponseWriter, r *http.Request) {
	if st := r.URL.Query().Get("state"); st != "open" {
		writeJSON(w, 422, map[string]any{"message": "state " + st + " not served by the fake"})
		return
	}
	var nums []int
	for n, pr := range f.pulls {
		if pr["state"] == "open" {
			nums = append(nums, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	items := make([]map[string]any, len(nums))
	for i, n := range nums {
		items[i] = f.pulls[n]
	}
	f.page(w, r, items)
}

func (f *fakeGitHub) getPull(w http.ResponseWriter, r *http.Request) {
	pr, ok := f.pulls[atoi(r.PathValue("n"))]
	if !ok {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	writeJSON(w, 200, pr)
}

// --- git objects ---

func gitSHA(kind string, data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", kind, len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// addCommit stores files (path -> content) as a commit reachable as ref.
func (f *fakeGitHub) addCommit(ref string, files map[string]string) string {
	var build func(dir string) string
	build = func(dir string) string {
		children := map[string]bool{}
		for p := range files {
			if dir != "" && !strings.HasPrefix(p, dir+"/") {
				continue
			}
			rest := strings.TrimPrefix(p, dir+"/")
			if dir == "" {
				rest = p
			}
			name, _, isDir := strings.Cut(rest, "/")
			if isDir {
				children[name+"/"] = true
			} else {
				children[name] = true
			}
		}
		var names []string
		for n := range children {
			names = append(names, n)
		}
		sort.Strings(names)
		var entries []map[string]any
		var listing strings.Builder
		for _, n := range names {
			full := path.Join(dir, strings.TrimSuffix(n, "/"))
			if strings.HasSuffix(n, "/") {
				sub := build(full)
				entries = append(entries, map[string]any{"path": strings.TrimSuffix(n, "/"), "mode": "040000", "type": "tree", "sha": sub})
				listing.WriteString("tree " + n + sub + "\n")
			} else {
				data := []byte(files[full])
				sha := gitSHA("blob", data)
				f.blobs[sha] = data
				mode := "100644"
				if strings.HasSuffix(n, ".sh") {
					mode = "100755"
				}
				typ := "blob"
				if strings.HasSuffix(n, ".link") {
					mode = "120000"
				}
				if strings.HasSuffix(n, ".sub") {
					typ, mode = "commit", "160000"
				}
				entries = append(entries, map[string]any{"path": n, "mode": mode, "type": typ, "sha": sha, "size": len(data)})
				listing.WriteString("blob " + n + sha + "\n")
			}
		}
		sha := gitSHA("tree", []byte(listing.String()))
		f.trees[sha] = fakeTree{entries: entries}
		return sha
	}
	root := build("")
	commit := gitSHA("commit", []byte(ref+root))
	f.commits[commit] = root
	f.refs[ref] = commit
	f.snapshot[commit] = files
	return commit
}

func (f *fakeGitHub) resolve(ref string) (string, bool) {
	if c, ok := f.refs[ref]; ok {
		return c, true
	}
	_, ok := f.commits[ref]
	return ref, ok
}

func (f *fakeGitHub) getCommit(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "sha") {
		writeJSON(w, 415, map[string]any{"message": "fake serves only the sha media type"})
		return
	}
	ref, _ := url.PathUnescape(r.PathValue("ref"))
	c, ok := f.resolve(ref)
	if !ok {
		writeJSON(w, 422, map[string]any{"message": "No commit found for SHA: " + ref})
		return
	}
	w.Header().Set("Content-Type", "application/vnd.github.sha")
	_, _ = io.WriteString(w, c)
}

func (f *fakeGitHub) getTree(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	if root, ok := f.commits[sha]; ok {
		sha = root
	} else if c, ok := f.refs[sha]; ok {
		sha = f.commits[c]
	}
	t, ok := f.trees[sha]
	if !ok {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	entries := t.entries
	recursive := r.URL.Query().Get("recursive") != ""
	if recursive && f.truncate {
		writeJSON(w, 200, map[string]any{"sha": sha, "tree": entries[:min(1, len(entries))], "truncated": true})
		return
	}
	if recursive {
		var all []map[string]any
		var walk func(prefix string, es []map[string]any)
		walk = func(prefix string, es []map[string]any) {
			for _, e := range es {
				c := map[string]any{}
				for k, v := range e {
					c[k] = v
				}
				c["path"] = path.Join(prefix, e["path"].(string))
				all = append(all, c)
				if e["type"] == "tree" {
					walk(c["path"].(string), f.trees[e["sha"].(string)].entries)
				}
			}
		}
		walk("", entries)
		entries = all
	}
	writeJSON(w, 200, map[string]any{"sha": sha, "tree": entries, "truncated": false})
}

func (f *fakeGitHub) getBlob(w http.ResponseWriter, r *http.Request) {
	b, ok := f.blobs[r.PathValue("sha")]
	if !ok {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "raw") {
		writeJSON(w, 200, map[string]any{"sha": r.PathValue("sha"), "encoding": "base64", "content": base64.StdEncoding.EncodeToString(b)})
		return
	}
	_, _ = w.Write(b)
}

const largeFile = 1 << 20

func (f *fakeGitHub) getContents(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = "main"
	}
	c, ok := f.resolve(ref)
	if !ok {
		writeJSON(w, 404, map[string]any{"message": "No commit found for the ref " + ref})
		return
	}
	files := f.snapshot[c]
	p := strings.Trim(r.PathValue("path"), "/")
	if data, ok := files[p]; ok {
		out := map[string]any{"type": "file", "name": path.Base(p), "path": p, "size": len(data), "sha": gitSHA("blob", []byte(data))}
		if len(data) >= largeFile {
			out["encoding"], out["content"] = "none", ""
		} else {
			out["encoding"], out["content"] = "base64", base64.StdEncoding.EncodeToString([]byte(data))
		}
		writeJSON(w, 200, out)
		return
	}
	seen := map[string]bool{}
	var list []map[string]any
	for fp, data := range files {
		if p != "" && !strings.HasPrefix(fp, p+"/") {
			continue
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(fp, p), "/")
		name, _, isDir := strings.Cut(rest, "/")
		if seen[name] {
			continue
		}
		seen[name] = true
		e := map[string]any{"name": name, "path": path.Join(p, name), "type": "file", "size": len(data), "sha": gitSHA("blob", []byte(data))}
		if isDir {
			e["type"], e["size"], e["sha"] = "dir", 0, "tree-"+name
		}
		list = append(list, e)
	}
	if list == nil {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	writeJSON(w, 200, list)
}

// --- comments ---

func (f *fakeGitHub) commentJSON(c *fakeComment) map[string]any {
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author},
		"html_url": fmt.Sprintf("https://github.example/o/r/pull/%d#issuecomment-%d", c.Issue, c.ID)}
}

func (f *fakeGitHub) listComments(w http.ResponseWriter, r *http.Request) {
	n := atoi(r.PathValue("n"))
	var items []map[string]any
	for _, c := range f.comments {
		if c.Issue == n {
			items = append(items, f.commentJSON(c))
		}
	}
	f.page(w, r, items)
}

func (f *fakeGitHub) actor() string {
	if f.instToken != "" {
		return f.appSlug + "[bot]"
	}
	if f.login == "" {
		return "github-actions[bot]"
	}
	return f.login
}

func (f *fakeGitHub) createComment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == "" {
		writeJSON(w, 422, map[string]any{"message": "Validation Failed"})
		return
	}
	if len(in.Body) > MaxCommentLength {
		writeJSON(w, 422, map[string]any{"message": "body is too long (maximum is 65536 characters)"})
		return
	}
	c := &fakeComment{ID: f.id(), Issue: atoi(r.PathValue("n")), Body: in.Body, Author: f.actor()}
	f.comments = append(f.comments, c)
	writeJSON(w, 201, f.commentJSON(c))
}

func (f *fakeGitHub) editComment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	id := int64(atoi(r.PathValue("id")))
	for _, c := range f.comments {
		if c.ID == id {
			c.Body = in.Body
			writeJSON(w, 200, f.commentJSON(c))
			return
		}
	}
	writeJSON(w, 404, map[string]any{"message": "Not Found"})
}

// --- check runs ---

func (f *fakeGitHub) checkRunJSON(cr *fakeCheckRun) map[string]any {
	return map[string]any{"id": cr.ID, "name": cr.Name, "head_sha": cr.HeadSHA, "status": cr.Status, "conclusion": cr.Conclusion,
		"html_url": fmt.Sprintf("https://github.example/o/r/runs/%d", cr.ID),
		"output":   map[string]any{"title": cr.Title, "summary": cr.Summary, "text": cr.Text, "annotations_count": len(cr.Annotations)},
		"app":      map[string]any{"slug": "github-actions"}}
}

func (f *fakeGitHub) applyCheckRun(cr *fakeCheckRun, in map[string]any) bool {
	if v, ok := in["name"].(string); ok && v != "" {
		cr.Name = v
	}
	if v, ok := in["status"].(string); ok {
		cr.Status = v
	}
	if v, ok := in["conclusion"].(string); ok {
		cr.Conclusion, cr.Status = v, "completed"
	}
	if out, ok := in["output"].(map[string]any); ok {
		title, _ := out["title"].(string)
		summary, _ := out["summary"].(string)
		if title == "" || summary == "" {
			return false
		}
		cr.Title, cr.Summary = title, summary
		if v, ok := out["text"].(string); ok {
			cr.Text = v
		}
		anns, _ := out["annotations"].([]any)
		if len(anns) > 50 || len(summary) > MaxCheckRunOutputLength || len(cr.Text) > MaxCheckRunOutputLength {
			return false
		}
		cr.Annotations = append(cr.Annotations, anns...)
	}
	return true
}

func (f *fakeGitHub) createCheckRun(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	_ = json.NewDecoder(r.Body).Decode(&in)
	cr := &fakeCheckRun{ID: f.id(), Status: "queued"}
	cr.HeadSHA, _ = in["head_sha"].(string)
	if !f.applyCheckRun(cr, in) || cr.Name == "" || cr.HeadSHA == "" {
		writeJSON(w, 422, map[string]any{"message": "Invalid request"})
		return
	}
	f.checkRuns = append(f.checkRuns, cr)
	writeJSON(w, 201, f.checkRunJSON(cr))
}

func (f *fakeGitHub) findCheckRun(id string) *fakeCheckRun {
	for _, cr := range f.checkRuns {
		if strconv.FormatInt(cr.ID, 10) == id {
			return cr
		}
	}
	return nil
}

func (f *fakeGitHub) updateCheckRun(w http.ResponseWriter, r *http.Request) {
	cr := f.findCheckRun(r.PathValue("id"))
	if cr == nil {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	var in map[string]any
	_ = json.NewDecoder(r.Body).Decode(&in)
	if !f.applyCheckRun(cr, in) {
		writeJSON(w, 422, map[string]any{"message": "Invalid request"})
		return
	}
	writeJSON(w, 200, f.checkRunJSON(cr))
}

func (f *fakeGitHub) getCheckRun(w http.ResponseWriter, r *http.Request) {
	cr := f.findCheckRun(r.PathValue("id"))
	if cr == nil {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	writeJSON(w, 200, f.checkRunJSON(cr))
}

func (f *fakeGitHub) listCheckRuns(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("check_name")
	var items []map[string]any
	for _, cr := range f.checkRuns {
		if cr.HeadSHA == r.PathValue("sha") && (name == "" || cr.Name == name) {
			items = append(items, f.checkRunJSON(cr))
		}
	}
	f.pageAs(w, r, items, func(page []map[string]any) any {
		return map[string]any{"total_count": len(items), "check_runs": page}
	})
}
