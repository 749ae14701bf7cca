// Package terminal stands in for GitHub when ddlbot runs in a terminal
// (`ddlbot plan`, `ddlbot deploy`): the "pull request" is a working tree
// against a base, its files come from folders the caller provides, and the
// sticky comments and check runs the engine writes are kept in memory for the
// caller to print. Commands (`/deploy`, ...) are run for the person at the
// terminal, and what they would show on a pull request goes to a Console.
//
// GitHub implements the engine's GitHub and CommandGitHub interfaces
// (internal/bot).
package terminal

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"sync"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/listedfs"
)

// FolderFunc returns the files under dir (slash-separated, relative to the
// repository root) at one side of the change; paths in the FS are relative to
// the repository root too, like dir.
type FolderFunc func(ctx context.Context, dir string) (fs.FS, error)

// GitHub is an in-memory GitHub holding one pull request.
type GitHub struct {
	// PR is the pull request the engine reads. Its BaseSHA and HeadSHA name
	// the two sides: RepoFS and FileContent at BaseSHA read Base, at HeadSHA Head.
	PR github.PullRequest
	// Config is the .ddlbot.yml the engine reads (at either side); nil when
	// there is none.
	Config []byte
	// ConfigPath is where the engine reads Config (bot.Options.ConfigPath),
	// relative to the repository root; "" is .ddlbot.yml.
	ConfigPath string
	// Base and Head read the two sides.
	Base, Head FolderFunc
	// Console shows what commands do (reactions, replies, a deployment's
	// progress); nil shows nothing.
	Console *Console

	mu       sync.Mutex
	comments []*Comment
	checks   []*CheckRun
	replies  []string
}

// Comment is a sticky comment the engine wrote.
type Comment struct {
	ID     int64
	Marker string
	Body   string
}

// CheckRun is a check run the engine wrote, with every annotation it sent.
type CheckRun struct {
	github.CheckRun
	Annotations []github.Annotation
}

func (g *GitHub) configPath() string {
	if g.ConfigPath == "" {
		return config.FileName
	}
	return path.Clean(g.ConfigPath)
}

func (g *GitHub) side(ref string) (FolderFunc, error) {
	switch ref {
	case g.PR.BaseSHA:
		return g.Base, nil
	case g.PR.HeadSHA:
		return g.Head, nil
	}
	return nil, fmt.Errorf("terminal: unknown ref %q (the base is %q, the head %q)", ref, g.PR.BaseSHA, g.PR.HeadSHA)
}

// PullRequest returns PR when number is its number.
func (g *GitHub) PullRequest(_ context.Context, _, _ string, number int) (github.PullRequest, error) {
	if number != g.PR.Number {
		return github.PullRequest{}, fmt.Errorf("terminal: no pull request #%d", number)
	}
	return g.PR, nil
}

// FileContent returns a file at a ref. The configuration is Config whatever
// the ref: the caller decided where it comes from.
func (g *GitHub) FileContent(ctx context.Context, _, _, ref, p string) ([]byte, error) {
	p = path.Clean(p)
	if p == g.configPath() && g.Config != nil {
		return append([]byte(nil), g.Config...), nil
	}
	if slices.Contains(config.FileNames, p) || p == g.configPath() {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	side, err := g.side(ref)
	if err != nil {
		return nil, err
	}
	fsys, err := side(ctx, path.Dir(p))
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(fsys, p)
}

// RepoFS returns a folder at a ref. The size limit is the sides' own: the
// base side reads through git with it set, the work tree is read lazily
// and checked by size before loading.
func (g *GitHub) RepoFS(ctx context.Context, _, _, ref, dir string, _ listedfs.Limits) (fs.FS, error) {
	side, err := g.side(ref)
	if err != nil {
		return nil, err
	}
	return side(ctx, path.Clean(dir))
}

// FindStickyComment returns the comment holding marker, or nil.
func (g *GitHub) FindStickyComment(_ context.Context, _, _ string, _ int, marker string) (*github.Comment, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.comments {
		if c.Marker == marker {
			return &github.Comment{ID: c.ID, Body: c.Body}, nil
		}
	}
	return nil, nil
}

// UpsertStickyComment creates or replaces the comment holding marker.
func (g *GitHub) UpsertStickyComment(_ context.Context, _, _ string, _ int, marker, body string) (int64, bool, error) {
	defer g.Console.Deployment(body) // drawn once the lock is released
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.comments {
		if c.Marker == marker {
			c.Body = body
			return c.ID, false, nil
		}
	}
	c := &Comment{ID: int64(len(g.comments) + 1), Marker: marker, Body: body}
	g.comments = append(g.comments, c)
	return c.ID, true, nil
}

// CreateCheckRun records a new check run.
func (g *GitHub) CreateCheckRun(_ context.Context, _, _ string, o github.CheckRunOptions) (github.CheckRun, error) {
	if o.Name == "" || o.HeadSHA == "" {
		return github.CheckRun{}, fmt.Errorf("terminal: create check run: name and head sha are required")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	cr := &CheckRun{CheckRun: github.CheckRun{ID: int64(len(g.checks) + 1), Name: o.Name, HeadSHA: o.HeadSHA}}
	cr.apply(o)
	g.checks = append(g.checks, cr)
	return cr.CheckRun, nil
}

// UpdateCheckRun updates a recorded check run; annotations add up, as on GitHub.
func (g *GitHub) UpdateCheckRun(_ context.Context, _, _ string, id int64, o github.CheckRunOptions) (github.CheckRun, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, cr := range g.checks {
		if cr.ID == id {
			if o.Name != "" {
				cr.Name = o.Name
			}
			cr.apply(o)
			return cr.CheckRun, nil
		}
	}
	return github.CheckRun{}, fmt.Errorf("terminal: no check run %d", id)
}

func (cr *CheckRun) apply(o github.CheckRunOptions) {
	cr.Status, cr.Conclusion = o.Status, o.Conclusion
	if o.Conclusion != "" {
		cr.Status = github.StatusCompleted
	}
	if cr.Status == "" {
		cr.Status = github.StatusQueued
	}
	cr.Title, cr.Summary, cr.Text, cr.DetailsURL, cr.ExternalID = o.Title, o.Summary, o.Text, o.DetailsURL, o.ExternalID
	cr.Annotations = append(cr.Annotations, o.Annotations...)
}

// FindCheckRun returns the latest run of a name on a commit, or nil.
func (g *GitHub) FindCheckRun(_ context.Context, _, _, sha, name string) (*github.CheckRun, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.checks) - 1; i >= 0; i-- {
		if cr := g.checks[i]; cr.HeadSHA == sha && cr.Name == name {
			c := cr.CheckRun
			return &c, nil
		}
	}
	return nil, nil
}

// Comments returns the sticky comments in the order they were created.
func (g *GitHub) Comments() []Comment {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Comment, len(g.comments))
	for i, c := range g.comments {
		out[i] = *c
	}
	return out
}

// CheckRuns returns the check runs in the order they were created.
func (g *GitHub) CheckRuns() []CheckRun {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]CheckRun, len(g.checks))
	for i, c := range g.checks {
		out[i] = *c
		out[i].Annotations = append([]github.Annotation(nil), c.Annotations...)
	}
	return out
}

// CheckRun returns the latest run of a name, or nil.
func (g *GitHub) CheckRun(name string) *CheckRun {
	runs := g.CheckRuns()
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Name == name {
			return &runs[i]
		}
	}
	return nil
}

// Failed lists the names of the completed check runs that concluded failure, sorted.
func (g *GitHub) Failed() []string {
	var out []string
	for _, cr := range g.CheckRuns() {
		if cr.Conclusion == github.ConclusionFailure {
			out = append(out, cr.Name)
		}
	}
	sort.Strings(out)
	return out
}
