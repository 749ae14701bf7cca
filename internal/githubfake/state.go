package githubfake

import (
	"strings"
	"time"
)

// Repo describes a repository. AddRepo adds one with the defaults.
type Repo struct {
	Owner string
	Name  string
	// DefaultBranch defaults to "main".
	DefaultBranch string
	Private       bool
	// Org makes the owner an organization (type "Organization").
	Org bool
	// Installation is the GitHub App installation the repository belongs
	// to (0: the App's InstallationID). An installation token of another
	// installation gets 404 on it, as on GitHub.
	Installation int64
}

// PR describes a pull request. Zero values get defaults from AddPullRequest.
type PR struct {
	Number  int
	Title   string
	Body    string
	HeadSHA string
	// HeadRef defaults to "feature-<number>".
	HeadRef string
	BaseSHA string
	// BaseRef defaults to the repository's default branch.
	BaseRef string
	Draft   bool
	// Fork makes the head repository "<Author>/<repo name>", a fork.
	Fork bool
	// Author is the login that opened the pull request; default "octocat".
	Author string
	// State is "open" (the default) or "closed".
	State  string
	Merged bool
	// MergedBy is who merged a Merged pull request; default the repository owner.
	MergedBy string
}

// ChangedFile is one entry of a pull request's changed files.
type ChangedFile struct {
	Filename string
	// Status is added, removed, modified (the default), renamed, copied,
	// changed or unchanged.
	Status           string
	PreviousFilename string
	Additions        int
	Deletions        int
	Patch            string
	// SHA is the blob SHA; computed from the head files when empty and known.
	SHA string
}

// Review is one review of a pull request.
type Review struct {
	ID   int64
	User string
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.
	State string
	// CommitID defaults to the pull request's head SHA when added.
	CommitID    string
	Body        string
	SubmittedAt time.Time
}

// Comment is an issue (pull request) comment.
type Comment struct {
	ID        int64
	Number    int
	User      string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Reactions []Reaction
}

// Reaction is a reaction to an issue comment.
type Reaction struct {
	ID      int64
	User    string
	Content string
}

// CheckRun is a check run as the fake holds it.
type CheckRun struct {
	ID          int64
	Name        string
	HeadSHA     string
	Status      string
	Conclusion  string
	ExternalID  string
	DetailsURL  string
	StartedAt   time.Time
	CompletedAt time.Time
	// App is the slug of the GitHub App that created it.
	App         string
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
	// Requests counts the create and update requests that changed it.
	Requests int
}

// Annotation is a check run annotation.
type Annotation struct {
	Path        string `json:"path"`
	StartLine   int    `json:"start_line"`
	EndLine     int    `json:"end_line"`
	StartColumn *int   `json:"start_column,omitempty"`
	EndColumn   *int   `json:"end_column,omitempty"`
	Level       string `json:"annotation_level"`
	Message     string `json:"message"`
	Title       string `json:"title,omitempty"`
	RawDetails  string `json:"raw_details,omitempty"`
}

type repoState struct {
	Repo
	id        int64
	fork      bool
	parent    *repoState
	createdAt time.Time
	prs       map[int]*prState
	snapshots map[string]*snapshot // by ref or commit SHA
	perms     map[string]string    // lower-case login → role name
	// reviewRules: required approving reviews per branch, from a ruleset's
	// pull_request rule (rulesets) or classic branch protection (protection).
	rulesetReviews, protectionReviews map[string]int
	comments                          []*Comment
	checkRuns                         []*CheckRun
}

func (r *repoState) fullName() string { return r.Owner + "/" + r.Name }

type prState struct {
	PR
	id         int64
	createdAt  time.Time
	updatedAt  time.Time
	changed    []ChangedFile
	changedSet bool
	reviews    []*Review
}

func repoKey(owner, name string) string { return strings.ToLower(owner + "/" + name) }

// AddRepo adds a public repository owned by a user, default branch "main".
// Adding an existing repository changes nothing.
func (s *Server) AddRepo(owner, name string) {
	s.AddRepoWith(Repo{Owner: owner, Name: name})
}

// AddRepoWith adds (or reconfigures) a repository.
func (s *Server) AddRepoWith(r Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addRepoLocked(r, true)
}

func (s *Server) addRepoLocked(r Repo, overwrite bool) *repoState {
	if r.DefaultBranch == "" {
		r.DefaultBranch = "main"
	}
	k := repoKey(r.Owner, r.Name)
	if rs, ok := s.repos[k]; ok {
		if overwrite {
			rs.Repo = r
		}
		return rs
	}
	s.nextRepoID++
	rs := &repoState{
		Repo:           r,
		id:             s.nextRepoID,
		createdAt:      s.start.Add(-24 * time.Hour),
		prs:            map[int]*prState{},
		snapshots:      map[string]*snapshot{},
		perms:          map[string]string{},
		rulesetReviews: map[string]int{}, protectionReviews: map[string]int{},
	}
	s.repos[k] = rs
	return rs
}

func (s *Server) repoLocked(owner, name string) *repoState {
	return s.repos[repoKey(owner, name)]
}

// AddPullRequest adds (or replaces) a pull request, adding its repository
// if needed. A fork pull request also adds the head repository
// "<Author>/<name>" as a fork.
func (s *Server) AddPullRequest(owner, repo string, pr PR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.addRepoLocked(Repo{Owner: owner, Name: repo}, false)
	if pr.Number == 0 {
		s.t.Fatalf("githubfake: AddPullRequest needs a Number")
	}
	if pr.Author == "" {
		pr.Author = "octocat"
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.HeadRef == "" {
		pr.HeadRef = "feature-" + itoa(pr.Number)
	}
	if pr.BaseRef == "" {
		pr.BaseRef = rs.DefaultBranch
	}
	if pr.HeadSHA == "" {
		pr.HeadSHA = fakeSHA("head", owner, repo, itoa(pr.Number))
	}
	if pr.BaseSHA == "" {
		pr.BaseSHA = fakeSHA("base", owner, repo, itoa(pr.Number))
	}
	if pr.Title == "" {
		pr.Title = "Pull request " + itoa(pr.Number)
	}
	if pr.Fork {
		f := s.addRepoLocked(Repo{Owner: pr.Author, Name: repo, DefaultBranch: rs.DefaultBranch}, false)
		f.fork, f.parent = true, rs
	}
	now := s.now()
	st := &prState{PR: pr, createdAt: now, updatedAt: now}
	if old, ok := rs.prs[pr.Number]; ok {
		st.id, st.createdAt = old.id, old.createdAt
		st.changed, st.changedSet, st.reviews = old.changed, old.changedSet, old.reviews
	} else {
		s.nextPRID++
		st.id = s.nextPRID
	}
	rs.prs[pr.Number] = st
}

// UpdatePullRequest changes a pull request in place (a push: a new HeadSHA;
// closing: State "closed"). It fails the test (t.Fatalf) if the pull request
// does not exist. edit runs under the fake's lock: it must not call the
// Server.
func (s *Server) UpdatePullRequest(owner, repo string, number int, edit func(*PR)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.repoLocked(owner, repo)
	if rs == nil || rs.prs[number] == nil {
		s.t.Fatalf("githubfake: UpdatePullRequest: no pull request %s/%s#%d", owner, repo, number)
		return
	}
	st := rs.prs[number]
	edit(&st.PR)
	st.updatedAt = s.now()
}

// PullRequest returns a copy of a pull request, and whether it exists.
func (s *Server) PullRequest(owner, repo string, number int) (PR, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rs := s.repoLocked(owner, repo); rs != nil {
		if st := rs.prs[number]; st != nil {
			return st.PR, true
		}
	}
	return PR{}, false
}

// SetFiles sets the files of a repository at ref (a branch name or a commit
// SHA; set both if the code asks by both). The contents, git trees and git
// blobs endpoints serve them. Paths use "/" and have no leading slash.
func (s *Server) SetFiles(owner, repo, ref string, files map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.addRepoLocked(Repo{Owner: owner, Name: repo}, false)
	rs.snapshots[ref] = newSnapshot(files)
}

// SetChangedFiles sets the changed files of a pull request. Without it, the
// changed files are derived from the files set (SetFiles) at the pull
// request's BaseSHA and HeadSHA, with line counts and a patch.
func (s *Server) SetChangedFiles(owner, repo string, number int, files []ChangedFile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.prLocked(owner, repo, number, "SetChangedFiles")
	if st == nil {
		return
	}
	st.changed = append([]ChangedFile(nil), files...)
	st.changedSet = true
}

func (s *Server) prLocked(owner, repo string, number int, what string) *prState {
	rs := s.repoLocked(owner, repo)
	if rs == nil || rs.prs[number] == nil {
		s.t.Fatalf("githubfake: %s: no pull request %s/%s#%d (AddPullRequest first)", what, owner, repo, number)
		return nil
	}
	return rs.prs[number]
}

// SetPermission gives user a role on a repository: admin, maintain, write,
// triage, read or none (or a custom role name, reported as read).
// Users without one get read on a public repository and none on a private
// one.
func (s *Server) SetPermission(owner, repo, user, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.addRepoLocked(Repo{Owner: owner, Name: repo}, false)
	rs.perms[strings.ToLower(user)] = role
}

// RequireReviews makes branch of a repository require n approving reviews
// before a pull request merges: through a repository ruleset's pull_request
// rule (ruleset true, readable with read access, as GitHub's rules API is)
// or through classic branch protection (readable only by a token with admin
// access: installation tokens, such as an Actions GITHUB_TOKEN, get 403).
func (s *Server) RequireReviews(owner, repo, branch string, n int, ruleset bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.addRepoLocked(Repo{Owner: owner, Name: repo}, false)
	if ruleset {
		rs.rulesetReviews[branch] = n
	} else {
		rs.protectionReviews[branch] = n
	}
}

// AddReview adds a review to a pull request and returns its id. CommitID
// defaults to the current head SHA and SubmittedAt to now.
func (s *Server) AddReview(owner, repo string, number int, rv Review) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.prLocked(owner, repo, number, "AddReview")
	if st == nil {
		return 0
	}
	if rv.CommitID == "" {
		rv.CommitID = st.HeadSHA
	}
	if rv.SubmittedAt.IsZero() {
		rv.SubmittedAt = s.now()
	}
	if rv.State == "" {
		rv.State = "APPROVED"
	}
	rv.ID = s.newID()
	st.reviews = append(st.reviews, &rv)
	return rv.ID
}

// AddTeamMember makes user an active member of the team org/teamSlug.
func (s *Server) AddTeamMember(org, teamSlug, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(org + "/" + teamSlug)
	if s.teams[k] == nil {
		s.teams[k] = map[string]string{}
	}
	s.teams[k][strings.ToLower(user)] = "member"
}

// AddComment adds a comment to an issue or pull request, as if user wrote
// it, and returns its id (to put in an issue_comment payload with
// AdaptWebhook, "comment.id").
func (s *Server) AddComment(owner, repo string, number int, user, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.addRepoLocked(Repo{Owner: owner, Name: repo}, false)
	now := s.now()
	c := &Comment{ID: s.newID(), Number: number, User: user, Body: body, CreatedAt: now, UpdatedAt: now}
	rs.comments = append(rs.comments, c)
	return c.ID
}

// Comments returns copies of the comments on an issue or pull request, oldest
// first, with their reactions.
func (s *Server) Comments(owner, repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	if rs := s.repoLocked(owner, repo); rs != nil {
		for _, c := range rs.comments {
			if c.Number == number {
				cc := *c
				cc.Reactions = append([]Reaction(nil), c.Reactions...)
				out = append(out, cc)
			}
		}
	}
	return out
}

// CheckRuns returns copies of a repository's check runs, oldest first.
func (s *Server) CheckRuns(owner, repo string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	if rs := s.repoLocked(owner, repo); rs != nil {
		for _, c := range rs.checkRuns {
			cc := *c
			cc.Annotations = append([]Annotation(nil), c.Annotations...)
			out = append(out, cc)
		}
	}
	return out
}

// Reviews returns copies of a pull request's reviews.
func (s *Server) Reviews(owner, repo string, number int) []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Review
	if rs := s.repoLocked(owner, repo); rs != nil {
		if st := rs.prs[number]; st != nil {
			for _, r := range st.reviews {
				out = append(out, *r)
			}
		}
	}
	return out
}

// snapshotLocked finds the files at ref: a ref or SHA given to SetFiles,
// "refs/heads/X" for X, or a pull request's head or base branch standing for
// its SHA.
func (rs *repoState) snapshotLocked(ref string) *snapshot {
	if ref == "" {
		ref = rs.DefaultBranch
	}
	if sn := rs.snapshots[ref]; sn != nil {
		return sn
	}
	for _, p := range []string{"refs/heads/", "refs/tags/", "heads/", "tags/"} {
		if r, ok := strings.CutPrefix(ref, p); ok {
			if sn := rs.snapshots[r]; sn != nil {
				return sn
			}
		}
	}
	for _, n := range sortedKeys(rs.prs) {
		pr := rs.prs[n]
		if pr.HeadRef == ref && rs.snapshots[pr.HeadSHA] != nil {
			return rs.snapshots[pr.HeadSHA]
		}
		if pr.BaseRef == ref && rs.snapshots[pr.BaseSHA] != nil {
			return rs.snapshots[pr.BaseSHA]
		}
	}
	return nil
}
