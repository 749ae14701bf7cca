package github

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v66/github"
)

// MaxAnnotationsPerRequest is how many annotations GitHub takes in one
// create or update of a check run; more are sent by further updates.
const MaxAnnotationsPerRequest = 50

// Annotation levels.
const (
	LevelNotice  = "notice"
	LevelWarning = "warning"
	LevelFailure = "failure"
)

// Check run statuses and conclusions.
const (
	StatusQueued     = "queued"
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"

	ConclusionSuccess        = "success"
	ConclusionFailure        = "failure"
	ConclusionNeutral        = "neutral"
	ConclusionCancelled      = "cancelled"
	ConclusionSkipped        = "skipped"
	ConclusionTimedOut       = "timed_out"
	ConclusionActionRequired = "action_required"
)

const (
	maxAnnotationTitle   = 255      // characters
	maxAnnotationMessage = 64 << 10 // bytes
)

// Annotation marks a file and line range in a check run.
type Annotation struct {
	// Path is relative to the repository root.
	Path string
	// StartLine and EndLine are 1-based; EndLine 0 means StartLine.
	StartLine, EndLine int
	// StartColumn and EndColumn are sent only when StartLine == EndLine (GitHub
	// refuses them otherwise); 0 means none.
	StartColumn, EndColumn int
	// Level is LevelNotice, LevelWarning or LevelFailure ("error" and "info"
	// are taken as failure and notice; "" as notice).
	Level      string
	Title      string
	Message    string
	RawDetails string
}

// CheckRunOptions describes a check run to create or update.
type CheckRunOptions struct {
	// Name is required to create; to update, "" keeps the current name.
	Name string
	// HeadSHA is the commit (create only).
	HeadSHA string
	// Status is StatusQueued, StatusInProgress or StatusCompleted; a
	// Conclusion implies StatusCompleted.
	Status     string
	Conclusion string
	// Title, Summary and Text make the output; Summary and Text are cut
	// safely under GitHub's limit (MaxCheckRunOutputLength each).
	Title, Summary, Text string
	DetailsURL           string
	ExternalID           string
	// Annotations are sent MaxAnnotationsPerRequest at a time: the first
	// with the create or update, the rest by further updates. GitHub appends
	// annotations on every update: send each one once.
	Annotations []Annotation
}

// CheckRun is a check run as GitHub reports it.
type CheckRun struct {
	ID                   int64
	Name                 string
	HeadSHA              string
	Status               string
	Conclusion           string
	HTMLURL              string
	DetailsURL           string
	ExternalID           string
	Title, Summary, Text string
	// App is the slug of the GitHub App that owns the run.
	App string
}

// CreateCheckRun creates a check run, then adds the annotations beyond the
// first MaxAnnotationsPerRequest by updates: 1 + ceil((n-50)/50) requests
// for n annotations.
func (c *Client) CreateCheckRun(ctx context.Context, owner, repo string, opts CheckRunOptions) (CheckRun, error) {
	what := fmt.Sprintf("create check run %q on %s", opts.Name, repoName(owner, repo))
	if opts.Name == "" || opts.HeadSHA == "" {
		return CheckRun{}, fmt.Errorf("%s: name and head sha are required", what)
	}
	status, anns, err := opts.check()
	if err != nil {
		return CheckRun{}, fmt.Errorf("%s: %w", what, err)
	}
	title, summary, text := outputFields(opts.Name, opts.Title, opts.Summary, opts.Text, len(anns) > 0)
	req := gh.CreateCheckRunOptions{
		Name:       opts.Name,
		HeadSHA:    opts.HeadSHA,
		Status:     strPtr(status),
		Conclusion: strPtr(opts.Conclusion),
		DetailsURL: strPtr(opts.DetailsURL),
		ExternalID: strPtr(opts.ExternalID),
		Output:     output(title, summary, text, batch(anns, 0)),
	}
	if opts.Conclusion != "" {
		req.CompletedAt = &gh.Timestamp{Time: c.now()}
	}
	cr, _, err := c.gh.Checks.CreateCheckRun(ctx, owner, repo, req)
	if err != nil {
		return CheckRun{}, wrapErr(what, err)
	}
	return c.addAnnotations(ctx, owner, repo, cr, title, summary, text, anns)
}

// UpdateCheckRun updates check run id: status, conclusion, output and
// annotations as in CreateCheckRun (fields left empty are not sent). When
// opts has no Name, or has output or annotations without a Title or Summary
// (GitHub requires both with any output), the missing ones are read from the
// run first (one more request).
func (c *Client) UpdateCheckRun(ctx context.Context, owner, repo string, id int64, opts CheckRunOptions) (CheckRun, error) {
	what := fmt.Sprintf("update check run %d on %s", id, repoName(owner, repo))
	status, anns, err := opts.check()
	if err != nil {
		return CheckRun{}, fmt.Errorf("%s: %w", what, err)
	}
	name, title, summary, text := opts.Name, opts.Title, opts.Summary, opts.Text
	hasOutput := title != "" || summary != "" || text != "" || len(anns) > 0
	if name == "" || (hasOutput && (title == "" || summary == "")) {
		cur, _, err := c.gh.Checks.GetCheckRun(ctx, owner, repo, id)
		if err != nil {
			return CheckRun{}, wrapErr(what+": read it first", err)
		}
		if name == "" {
			name = cur.GetName()
		}
		if hasOutput && title == "" {
			title = cur.GetOutput().GetTitle()
		}
		if hasOutput && summary == "" {
			summary = cur.GetOutput().GetSummary()
		}
	}
	if hasOutput {
		title, summary, text = outputFields(name, title, summary, text, true)
	}
	req := gh.UpdateCheckRunOptions{
		Name:       name,
		Status:     strPtr(status),
		Conclusion: strPtr(opts.Conclusion),
		DetailsURL: strPtr(opts.DetailsURL),
		ExternalID: strPtr(opts.ExternalID),
	}
	if hasOutput {
		req.Output = output(title, summary, text, batch(anns, 0))
	}
	if opts.Conclusion != "" {
		req.CompletedAt = &gh.Timestamp{Time: c.now()}
	}
	cr, _, err := c.gh.Checks.UpdateCheckRun(ctx, owner, repo, id, req)
	if err != nil {
		return CheckRun{}, wrapErr(what, err)
	}
	return c.addAnnotations(ctx, owner, repo, cr, title, summary, text, anns)
}

// addAnnotations sends anns[50:] to the run cr, 50 per update, repeating
// the output (GitHub requires title and summary with every output).
func (c *Client) addAnnotations(ctx context.Context, owner, repo string, cr *gh.CheckRun, title, summary, text string, anns []*gh.CheckRunAnnotation) (CheckRun, error) {
	for i := MaxAnnotationsPerRequest; i < len(anns); i += MaxAnnotationsPerRequest {
		req := gh.UpdateCheckRunOptions{Name: cr.GetName(), Output: output(title, summary, text, batch(anns, i))}
		next, _, err := c.gh.Checks.UpdateCheckRun(ctx, owner, repo, cr.GetID(), req)
		if err != nil {
			end := min(i+MaxAnnotationsPerRequest, len(anns))
			return fromCheckRun(cr), wrapErr(fmt.Sprintf("add annotations %d-%d of %d to check run %d on %s",
				i+1, end, len(anns), cr.GetID(), repoName(owner, repo)), err)
		}
		cr = next
	}
	return fromCheckRun(cr), nil
}

// FindCheckRun returns the newest check run named name on commit sha, or
// nil when there is none (all pages).
func (c *Client) FindCheckRun(ctx context.Context, owner, repo, sha, name string) (*CheckRun, error) {
	what := fmt.Sprintf("find check run %q on %s in %s", name, sha, repoName(owner, repo))
	opt := &gh.ListCheckRunsOptions{CheckName: &name, ListOptions: gh.ListOptions{PerPage: perPage}}
	runs, err := allPages(&opt.Page, func() ([]*gh.CheckRun, *gh.Response, error) {
		res, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, owner, repo, sha, opt)
		if err != nil {
			return nil, resp, err
		}
		return res.CheckRuns, resp, nil
	})
	if err != nil {
		return nil, wrapErr(what, err)
	}
	var best *gh.CheckRun
	for _, cr := range runs {
		if cr.GetName() == name && (best == nil || cr.GetID() > best.GetID()) {
			best = cr
		}
	}
	if best == nil {
		return nil, nil
	}
	cr := fromCheckRun(best)
	return &cr, nil
}

// check validates the status, conclusion and annotations of a create or
// update, and returns the status to send and the annotations as GitHub takes
// them.
func (opts CheckRunOptions) check() (string, []*gh.CheckRunAnnotation, error) {
	status, err := checkStatus(opts.Status, opts.Conclusion)
	if err != nil {
		return "", nil, err
	}
	anns, err := toAnnotations(opts.Annotations)
	if err != nil {
		return "", nil, err
	}
	return status, anns, nil
}

func checkStatus(status, conclusion string) (string, error) {
	switch status {
	case "", StatusQueued, StatusInProgress, StatusCompleted:
	default:
		return "", fmt.Errorf("unknown check run status %q", status)
	}
	if conclusion != "" {
		if status != "" && status != StatusCompleted {
			return "", fmt.Errorf("conclusion %q with status %q: a conclusion completes the run", conclusion, status)
		}
		return StatusCompleted, nil
	}
	if status == StatusCompleted {
		return "", fmt.Errorf("status completed needs a conclusion")
	}
	return status, nil
}

// outputFields fills the title and summary GitHub requires with any output
// and cuts summary and text to GitHub's limit.
func outputFields(name, title, summary, text string, needed bool) (string, string, string) {
	if needed || title != "" || summary != "" || text != "" {
		if title == "" {
			title = name
		}
		if summary == "" {
			summary = title
		}
	}
	return title, truncateMarkdown(summary, MaxCheckRunOutputLength, checkRunNote),
		truncateMarkdown(text, MaxCheckRunOutputLength, checkRunNote)
}

func output(title, summary, text string, anns []*gh.CheckRunAnnotation) *gh.CheckRunOutput {
	if title == "" && summary == "" && text == "" && len(anns) == 0 {
		return nil
	}
	return &gh.CheckRunOutput{Title: &title, Summary: &summary, Text: strPtr(text), Annotations: anns}
}

func batch(anns []*gh.CheckRunAnnotation, from int) []*gh.CheckRunAnnotation {
	if from >= len(anns) {
		return nil
	}
	return anns[from:min(from+MaxAnnotationsPerRequest, len(anns))]
}

func toAnnotations(in []Annotation) ([]*gh.CheckRunAnnotation, error) {
	out := make([]*gh.CheckRunAnnotation, 0, len(in))
	for i, a := range in {
		p, err := cleanPath(a.Path)
		if err != nil || p == "" {
			return nil, fmt.Errorf("annotation %d: a file path relative to the repository root is required", i+1)
		}
		level, err := annotationLevel(a.Level)
		if err != nil {
			return nil, fmt.Errorf("annotation %d: %w", i+1, err)
		}
		start := max(a.StartLine, 1)
		end := max(a.EndLine, start)
		msg := a.Message
		if strings.TrimSpace(msg) == "" {
			msg = a.Title
		}
		if strings.TrimSpace(msg) == "" {
			msg = "(no message)"
		}
		ga := &gh.CheckRunAnnotation{
			Path:            &p,
			StartLine:       &start,
			EndLine:         &end,
			AnnotationLevel: &level,
			Message:         strPtr(msg[:runeCut(msg, maxAnnotationMessage)]),
			Title:           strPtr(cutRunes(a.Title, maxAnnotationTitle)),
			RawDetails:      strPtr(a.RawDetails[:runeCut(a.RawDetails, maxAnnotationMessage)]),
		}
		if start == end && a.StartColumn > 0 {
			sc := a.StartColumn
			ec := max(a.EndColumn, sc)
			ga.StartColumn, ga.EndColumn = &sc, &ec
		}
		out = append(out, ga)
	}
	return out, nil
}

func annotationLevel(l string) (string, error) {
	switch strings.ToLower(l) {
	case "", LevelNotice, "info":
		return LevelNotice, nil
	case LevelWarning, "warn":
		return LevelWarning, nil
	case LevelFailure, "error":
		return LevelFailure, nil
	}
	return "", fmt.Errorf("unknown annotation level %q (want notice, warning or failure)", l)
}

func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func fromCheckRun(cr *gh.CheckRun) CheckRun {
	return CheckRun{
		ID:         cr.GetID(),
		Name:       cr.GetName(),
		HeadSHA:    cr.GetHeadSHA(),
		Status:     cr.GetStatus(),
		Conclusion: cr.GetConclusion(),
		HTMLURL:    cr.GetHTMLURL(),
		DetailsURL: cr.GetDetailsURL(),
		ExternalID: cr.GetExternalID(),
		Title:      cr.GetOutput().GetTitle(),
		Summary:    cr.GetOutput().GetSummary(),
		Text:       cr.GetOutput().GetText(),
		App:        cr.GetApp().GetSlug(),
	}
}
