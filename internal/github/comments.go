package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v66/github"
)

// Comment is an issue (or pull request conversation) comment.
type Comment struct {
	ID        int64
	Body      string
	Author    string
	HTMLURL   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Reactions GitHub accepts on a comment.
const (
	ReactionPlusOne  = "+1"
	ReactionMinusOne = "-1"
	ReactionLaugh    = "laugh"
	ReactionConfused = "confused"
	ReactionHeart    = "heart"
	ReactionHooray   = "hooray"
	ReactionRocket   = "rocket"
	ReactionEyes     = "eyes"
)

// FindStickyComment returns the oldest comment on issue or pull request
// number that opens with marker (e.g. "<!-- ddlbot:plan db=app -->") and was
// written by the authenticated login (AuthenticatedLogin), or nil when there
// is none. Comments by anyone else are ignored even when they carry the
// marker: the sticky comment holds state the bot trusts, and anyone can post
// a comment. It reads every page of comments (100 per request) up to the
// first match.
func (c *Client) FindStickyComment(ctx context.Context, owner, repo string, number int, marker string) (*Comment, error) {
	what := fmt.Sprintf("find the sticky comment on %s#%d", repoName(owner, repo), number)
	if strings.TrimSpace(marker) == "" {
		return nil, fmt.Errorf("%s: empty marker", what)
	}
	login, err := c.AuthenticatedLogin(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	opt := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		cs, resp, err := c.gh.Issues.ListComments(ctx, owner, repo, number, opt)
		if err != nil {
			return nil, wrapErr(what, err)
		}
		for _, ic := range cs {
			if hasMarker(ic.GetBody(), marker) && strings.EqualFold(ic.GetUser().GetLogin(), login) {
				cm := toComment(ic)
				return &cm, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opt.Page = resp.NextPage
	}
}

// UpsertStickyComment makes the sticky comment marked by marker say body:
// it edits the comment FindStickyComment finds, only if its body differs, or
// creates it. The body is cut to GitHub's limit (TruncateMarkdown, with a
// note pointing to the check run); the marker is put first if body lacks it.
// Keep the marker and any hidden state block near the top of body so that a
// cut never drops them. It returns the comment's id and whether it was
// created.
func (c *Client) UpsertStickyComment(ctx context.Context, owner, repo string, number int, marker, body string) (id int64, created bool, err error) {
	body = stickyBody(marker, body)
	found, err := c.FindStickyComment(ctx, owner, repo, number, marker)
	if err != nil {
		return 0, false, err
	}
	if found != nil {
		if sameBody(found.Body, body) {
			return found.ID, false, nil
		}
		_, _, err := c.gh.Issues.EditComment(ctx, owner, repo, found.ID, &gh.IssueComment{Body: &body})
		if err != nil {
			return 0, false, wrapErr(fmt.Sprintf("edit the sticky comment %d on %s#%d", found.ID, repoName(owner, repo), number), err)
		}
		return found.ID, false, nil
	}
	ic, _, err := c.gh.Issues.CreateComment(ctx, owner, repo, number, &gh.IssueComment{Body: &body})
	if err != nil {
		return 0, false, wrapErr(fmt.Sprintf("create the sticky comment on %s#%d", repoName(owner, repo), number), err)
	}
	return ic.GetID(), true, nil
}

// stickyBody puts the marker into body if missing and cuts body to
// GitHub's limit, keeping the marker.
func stickyBody(marker, body string) string {
	if !hasMarker(body, marker) {
		body = marker + "\n" + body
	}
	out := truncateMarkdown(body, MaxCommentLength, commentNote)
	if !hasMarker(out, marker) {
		out = marker + "\n" + truncateMarkdown(body, MaxCommentLength-len(marker)-1, commentNote)
	}
	return out
}

func sameBody(a, b string) bool {
	n := strings.NewReplacer("\r\n", "\n")
	return strings.TrimRight(n.Replace(a), "\n") == strings.TrimRight(n.Replace(b), "\n")
}

// EditComment replaces the body of comment commentID (cut to GitHub's limit).
// Use it for frequent updates of a comment whose id and body the caller
// already knows: it costs one request, where UpsertStickyComment lists the
// comments first.
func (c *Client) EditComment(ctx context.Context, owner, repo string, commentID int64, body string) error {
	body = truncateMarkdown(body, MaxCommentLength, commentNote)
	_, _, err := c.gh.Issues.EditComment(ctx, owner, repo, commentID, &gh.IssueComment{Body: &body})
	if err != nil {
		return wrapErr(fmt.Sprintf("edit comment %d on %s", commentID, repoName(owner, repo)), err)
	}
	return nil
}

// Reply posts body as a new comment on issue or pull request number (cut to
// GitHub's limit) and returns its id.
func (c *Client) Reply(ctx context.Context, owner, repo string, number int, body string) (int64, error) {
	body = truncateMarkdown(body, MaxCommentLength, truncatedNote)
	ic, _, err := c.gh.Issues.CreateComment(ctx, owner, repo, number, &gh.IssueComment{Body: &body})
	if err != nil {
		return 0, wrapErr(fmt.Sprintf("reply on %s#%d", repoName(owner, repo), number), err)
	}
	return ic.GetID(), nil
}

// React adds a reaction (ReactionEyes, ReactionRocket, ...) to the issue
// comment commentID. Reacting twice with the same content is harmless.
// Callers should treat its error as non-fatal.
func (c *Client) React(ctx context.Context, owner, repo string, commentID int64, content string) error {
	what := fmt.Sprintf("react %s to comment %d on %s", content, commentID, repoName(owner, repo))
	switch content {
	case ReactionPlusOne, ReactionMinusOne, ReactionLaugh, ReactionConfused, ReactionHeart, ReactionHooray, ReactionRocket, ReactionEyes:
	default:
		return fmt.Errorf("%s: %w", what, errors.New("unknown reaction"))
	}
	if _, _, err := c.gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, commentID, content); err != nil {
		return wrapErr(what, err)
	}
	return nil
}

func toComment(ic *gh.IssueComment) Comment {
	return Comment{
		ID:        ic.GetID(),
		Body:      ic.GetBody(),
		Author:    ic.GetUser().GetLogin(),
		HTMLURL:   ic.GetHTMLURL(),
		CreatedAt: ic.GetCreatedAt().Time,
		UpdatedAt: ic.GetUpdatedAt().Time,
	}
}

// hasMarker reports whether body opens with marker. Only the start counts:
// user text copied into a comment (file paths, DDL) may contain a marker.
func hasMarker(body, marker string) bool {
	return strings.HasPrefix(strings.TrimLeft(body, " \t\r\n"), marker)
}
