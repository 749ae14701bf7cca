package bot

import (
	"context"
	"fmt"
	"sync"

	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// commandGitHub adds what commands need to the fake GitHub.
type commandGitHub struct {
	*fakeGitHub
	perms     map[string]string
	teams     map[string]bool // team/user
	reviews   []github.Review
	reactions []string
	replies   []string
}

func newCommandGitHub(f *fakeGitHub) *commandGitHub {
	return &commandGitHub{fakeGitHub: f, perms: map[string]string{}, teams: map[string]bool{}}
}

func (c *commandGitHub) React(_ context.Context, _, _ string, _ int64, content string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count("react")
	c.reactions = append(c.reactions, content)
	return nil
}

func (c *commandGitHub) Reply(_ context.Context, _, _ string, _ int, body string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count("reply")
	c.replies = append(c.replies, body)
	return int64(len(c.replies)), nil
}

func (c *commandGitHub) Permission(_ context.Context, _, _, user string) (github.Permission, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count("permission")
	role := c.perms[user]
	return github.Permission{Role: role, Base: role}, nil
}

func (c *commandGitHub) TeamMember(_ context.Context, _, team, user string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count("team")
	return c.teams[team+"/"+user], nil
}

func (c *commandGitHub) Reviews(_ context.Context, _, _ string, _ int) ([]github.Review, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count("reviews")
	return append([]github.Review(nil), c.reviews...), nil
}

func (c *commandGitHub) RequiredReviews(context.Context, string, string, string) (int, error) {
	return 0, nil
}

func (c *commandGitHub) EditComment(_ context.Context, _, _ string, id int64, body string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count("edit-comment")
	for m := range c.comments {
		if commentID(m) == id {
			c.comments[m] = body
			return nil
		}
	}
	return fmt.Errorf("no comment %d", id)
}

func (c *commandGitHub) lastReply() string { return c.last(&c.replies) }

func (c *commandGitHub) lastReaction() string { return c.last(&c.reactions) }

// last returns the latest entry of a list c records ("" when it is empty).
func (c *commandGitHub) last(list *[]string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(*list) == 0 {
		return ""
	}
	return (*list)[len(*list)-1]
}

// countingPS counts the deploy calls that reach PlanetScale.
type countingPS struct {
	*ps.Client
	mu      sync.Mutex
	deploys int
}

func (c *countingPS) DeployDeployRequest(ctx context.Context, org, db string, n int, o ps.DeployOptions) (*ps.DeployRequest, error) {
	c.mu.Lock()
	c.deploys++
	c.mu.Unlock()
	return c.Client.DeployDeployRequest(ctx, org, db, n, o)
}
