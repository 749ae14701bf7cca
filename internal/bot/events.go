package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v66/github"
)

// Event is a GitHub webhook delivery as the engine acts on it: the Action
// reads it from GITHUB_EVENT_PATH, the server from the request body. At most
// one of PullRequest and Comment is set; neither for events the engine does
// nothing on.
type Event struct {
	// Name is the event's name (X-GitHub-Event, GITHUB_EVENT_NAME).
	Name        string
	PullRequest *PullRequestEvent
	Comment     *CommentEvent
	// Installation is an installation event of the App (created, deleted,
	// suspend, unsuspend, ...): the server forgets a removed installation's
	// token.
	Installation *InstallationEvent
	// InstallationID is the GitHub App installation the delivery is for
	// (0 outside App mode): the server makes its token for that one only.
	InstallationID int64
}

// InstallationEvent is an installation delivery, reduced to what the server
// needs.
type InstallationEvent struct {
	Action  string
	ID      int64
	Account string
}

// Handled reports whether the engine (or the server) acts on the event.
func (e Event) Handled() bool {
	return e.PullRequest != nil || e.Comment != nil || e.Installation != nil
}

// ParseEvent parses a webhook payload of the named event, on go-github's
// typed events. pull_request, pull_request_target and issue_comment are
// handled, check_run "rerequested" on a ddlbot check run (re-plans its
// pull request), and installation events (for the server); any other event parses to an Event that is not Handled. A payload
// that is not JSON, or lacks what the engine needs, is an error naming the
// missing field.
func ParseEvent(name string, payload []byte) (Event, error) {
	ev := Event{Name: name}
	parseAs := name
	switch name {
	case "pull_request", "pull_request_target":
		parseAs = "pull_request" // the same payload
	case "issue_comment", "check_run", "installation":
	default:
		return ev, nil
	}
	raw, err := gh.ParseWebHook(parseAs, payload)
	if err != nil {
		return ev, fmt.Errorf("the payload is not valid JSON: %w", err)
	}
	switch p := raw.(type) {
	case *gh.PullRequestEvent:
		pr := PullRequestEvent{Action: p.GetAction(), Number: p.GetNumber()}
		if pr.Number == 0 {
			pr.Number = p.GetPullRequest().GetNumber()
		}
		switch {
		case pr.Action == "":
			return ev, errors.New("the payload has no action")
		case pr.Number <= 0:
			return ev, errors.New("the payload has no pull request number (number, pull_request.number)")
		}
		if pr.Repo, err = eventRepo(p.GetRepo()); err != nil {
			return ev, err
		}
		ev.PullRequest, ev.InstallationID = &pr, p.GetInstallation().GetID()
	case *gh.IssueCommentEvent:
		switch {
		case p.GetAction() == "":
			return ev, errors.New("the payload has no action")
		case p.GetIssue().GetNumber() <= 0:
			return ev, errors.New("the payload has no issue number (issue.number)")
		case p.GetComment().GetID() == 0:
			return ev, errors.New("the payload has no comment (comment.id)")
		}
		c := CommentEvent{Action: p.GetAction(), Number: p.GetIssue().GetNumber(), IsPullRequest: p.GetIssue().IsPullRequest(),
			CommentID: p.GetComment().GetID(), Body: p.GetComment().GetBody(), Author: p.GetComment().GetUser().GetLogin(),
			AuthorIsBot: p.GetComment().GetUser().GetType() == "Bot"}
		if c.Repo, err = eventRepo(p.GetRepo()); err != nil {
			return ev, err
		}
		ev.Comment, ev.InstallationID = &c, p.GetInstallation().GetID()
	case *gh.InstallationEvent:
		if p.GetAction() == "" || p.GetInstallation().GetID() <= 0 {
			return ev, errors.New("the payload has no action or installation id (action, installation.id)")
		}
		ev.Installation = &InstallationEvent{Action: p.GetAction(), ID: p.GetInstallation().GetID(), Account: p.GetInstallation().GetAccount().GetLogin()}
		ev.InstallationID = ev.Installation.ID
	case *gh.CheckRunEvent:
		// "Re-run" on ddlbot's check run plans its pull request again; other
		// check runs, and other actions, are not ddlbot's business.
		prs := p.GetCheckRun().PullRequests
		if p.GetAction() != "rerequested" || !strings.HasPrefix(p.GetCheckRun().GetName(), "ddlbot/") || len(prs) == 0 {
			return ev, nil
		}
		pr := PullRequestEvent{Action: "synchronize", Number: prs[0].GetNumber()}
		if pr.Number <= 0 {
			return ev, errors.New("the payload has no pull request number (check_run.pull_requests[0].number)")
		}
		if pr.Repo, err = eventRepo(p.GetRepo()); err != nil {
			return ev, err
		}
		ev.PullRequest, ev.InstallationID = &pr, p.GetInstallation().GetID()
	}
	return ev, nil
}

func eventRepo(r *gh.Repository) (Repo, error) {
	if r.GetName() == "" || r.GetOwner().GetLogin() == "" {
		return Repo{}, errors.New("the payload has no repository (repository.name, repository.owner.login)")
	}
	return Repo{Owner: r.GetOwner().GetLogin(), Name: r.GetName()}, nil
}

// PayloadRepo is the repository a delivery of any event names (a schedule
// run's payload may name none: an error then).
func PayloadRepo(payload []byte) (Repo, error) {
	var p struct {
		Repository *gh.Repository `json:"repository"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return Repo{}, fmt.Errorf("the payload is not valid JSON: %w", err)
	}
	return eventRepo(p.Repository)
}
