package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v66/github"
)

const perPage = 100

// MaxChangedFiles is the most files GitHub lists for one pull request.
const MaxChangedFiles = 3000

// ErrChangedFilesTruncated is returned (wrapped) by ChangedFiles, together
// with the files it got, when GitHub's list stopped at MaxChangedFiles: the
// pull request may change more files than listed. Compare the trees of the
// base and head commits (RepoFS) to be sure.
var ErrChangedFilesTruncated = errors.New("github lists at most 3000 changed files: the list may be incomplete")

// PullRequest is the state of a pull request that ddlbot acts on.
type PullRequest struct {
	Number           int
	State            string // "open" or "closed"
	Draft            bool
	Merged           bool
	HeadSHA          string
	HeadRef          string
	HeadRepoFullName string // "" when the head repository was deleted
	BaseSHA          string
	BaseRef          string
	BaseRepoFullName string
	// DefaultBranch is the base repository's default branch: its
	// configuration governs every pull request (never the base's own).
	DefaultBranch string
	// IsFork is true when the head repository is not the base repository
	// (also when the head repository is gone).
	IsFork bool
	Author string
	// MergedBy is who merged it ("" unless merged).
	MergedBy string
	Title    string
	HTMLURL  string
}

// PullRequest fetches a pull request (one request).
func (c *Client) PullRequest(ctx context.Context, owner, repo string, number int) (PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, owner, repo, number)
	if err != nil {
		return PullRequest{}, wrapErr(fmt.Sprintf("get pull request %s#%d", repoName(owner, repo), number), err)
	}
	return fromPullRequest(pr, owner, repo), nil
}

// OpenPullRequests lists the open pull requests of a repository, newest
// first (every page, 100 per request). GitHub's list omits a few fields
// (Merged, MergedBy are never set; they matter only once closed): read one
// with PullRequest to act on it.
func (c *Client) OpenPullRequests(ctx context.Context, owner, repo string) ([]PullRequest, error) {
	opt := &gh.PullRequestListOptions{State: "open", ListOptions: gh.ListOptions{PerPage: perPage}}
	prs, err := allPages(&opt.Page, func() ([]*gh.PullRequest, *gh.Response, error) {
		return c.gh.PullRequests.List(ctx, owner, repo, opt)
	})
	if err != nil {
		return nil, wrapErr(fmt.Sprintf("list the open pull requests of %s", repoName(owner, repo)), err)
	}
	var out []PullRequest
	for _, pr := range prs {
		out = append(out, fromPullRequest(pr, owner, repo))
	}
	return out, nil
}

// allPages calls list for each page in turn, setting *page (the list
// options' Page) to the next one, and returns the items of all pages.
func allPages[T any](page *int, list func() ([]T, *gh.Response, error)) ([]T, error) {
	var all []T
	for {
		items, resp, err := list()
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if resp.NextPage == 0 {
			return all, nil
		}
		*page = resp.NextPage
	}
}

func fromPullRequest(pr *gh.PullRequest, owner, repo string) PullRequest {
	out := PullRequest{
		Number:           pr.GetNumber(),
		State:            pr.GetState(),
		Draft:            pr.GetDraft(),
		Merged:           pr.GetMerged(),
		HeadSHA:          pr.GetHead().GetSHA(),
		HeadRef:          pr.GetHead().GetRef(),
		HeadRepoFullName: pr.GetHead().GetRepo().GetFullName(),
		BaseSHA:          pr.GetBase().GetSHA(),
		BaseRef:          pr.GetBase().GetRef(),
		BaseRepoFullName: pr.GetBase().GetRepo().GetFullName(),
		DefaultBranch:    pr.GetBase().GetRepo().GetDefaultBranch(),
		Author:           pr.GetUser().GetLogin(),
		MergedBy:         pr.GetMergedBy().GetLogin(),
		Title:            pr.GetTitle(),
		HTMLURL:          pr.GetHTMLURL(),
	}
	if out.BaseRepoFullName == "" {
		out.BaseRepoFullName = repoName(owner, repo)
	}
	out.IsFork = out.HeadRepoFullName == "" || !strings.EqualFold(out.HeadRepoFullName, out.BaseRepoFullName)
	return out
}

// ChangedFile is one file a pull request changes.
type ChangedFile struct {
	Path string
	// PreviousPath is the old path of a renamed (or copied) file.
	PreviousPath string
	// Status is GitHub's: added, removed, modified, renamed, copied,
	// changed or unchanged.
	Status string
}

// ChangedFiles lists every file a pull request changes (all pages, 100 per
// request). When GitHub's list is cut at MaxChangedFiles it returns the files
// it got and an error wrapping ErrChangedFilesTruncated.
func (c *Client) ChangedFiles(ctx context.Context, owner, repo string, number int) ([]ChangedFile, error) {
	out, err := pullRequestList("changed files", owner, repo, number, func(opt *gh.ListOptions) ([]*gh.CommitFile, *gh.Response, error) {
		return c.gh.PullRequests.ListFiles(ctx, owner, repo, number, opt)
	}, func(f *gh.CommitFile) ChangedFile {
		return ChangedFile{Path: f.GetFilename(), PreviousPath: f.GetPreviousFilename(), Status: f.GetStatus()}
	})
	if err != nil {
		return nil, err
	}
	if len(out) >= MaxChangedFiles {
		return out, fmt.Errorf("list changed files of pull request %s#%d: %w", repoName(owner, repo), number, ErrChangedFilesTruncated)
	}
	return out, nil
}

// Review is one review of a pull request.
type Review struct {
	ID int64
	// User is the reviewer's login.
	User string
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.
	State string
	// CommitID is the head commit the review was made on.
	CommitID    string
	SubmittedAt time.Time
	// AuthorAssociation is GitHub's hint (OWNER, MEMBER, COLLABORATOR, ...);
	// check Permission for what the reviewer may do.
	AuthorAssociation string
}

// Reviews lists every review of a pull request, oldest first (all pages).
func (c *Client) Reviews(ctx context.Context, owner, repo string, number int) ([]Review, error) {
	return pullRequestList("reviews", owner, repo, number, func(opt *gh.ListOptions) ([]*gh.PullRequestReview, *gh.Response, error) {
		return c.gh.PullRequests.ListReviews(ctx, owner, repo, number, opt)
	}, func(r *gh.PullRequestReview) Review {
		return Review{
			ID:                r.GetID(),
			User:              r.GetUser().GetLogin(),
			State:             r.GetState(),
			CommitID:          r.GetCommitID(),
			SubmittedAt:       r.GetSubmittedAt().Time,
			AuthorAssociation: r.GetAuthorAssociation(),
		}
	})
}

// pullRequestList lists what (its name in errors: "reviews") of pull
// request number, every page (list gets the page opt asks for), each item
// turned into ours by convert.
func pullRequestList[T, U any](what, owner, repo string, number int, list func(opt *gh.ListOptions) ([]T, *gh.Response, error), convert func(T) U) ([]U, error) {
	opt := &gh.ListOptions{PerPage: perPage}
	items, err := allPages(&opt.Page, func() ([]T, *gh.Response, error) { return list(opt) })
	if err != nil {
		return nil, wrapErr(fmt.Sprintf("list %s of pull request %s#%d", what, repoName(owner, repo), number), err)
	}
	var out []U
	for _, x := range items {
		out = append(out, convert(x))
	}
	return out, nil
}
