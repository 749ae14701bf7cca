package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/github"
	gh "github.com/google/go-github/v66/github"
)

// flakyWrites answers the writes checkedWrites watches with the errors
// queued for them, then success.
type flakyWrites struct {
	bot.RefreshGitHub
	errs []error
}

func (f *flakyWrites) next() error {
	if len(f.errs) == 0 {
		return nil
	}
	err := f.errs[0]
	f.errs = f.errs[1:]
	return err
}

func (f *flakyWrites) UpsertStickyComment(context.Context, string, string, int, string, string) (int64, bool, error) {
	return 1, false, f.next()
}

func (f *flakyWrites) EditComment(context.Context, string, string, int64, string) error {
	return f.next()
}

func status(code int) error {
	return &gh.ErrorResponse{Response: &http.Response{StatusCode: code}}
}

// TestCheckedWrites: a write that failed for a passing reason, and was not
// made good by a later write of the same thing, fails the job; a 4xx (a
// fork's read-only token) does not.
func TestCheckedWrites(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		errs  []error
		write func(c *checkedWrites)
		fails bool
	}{
		{"all fine", nil, func(c *checkedWrites) { _, _, _ = c.UpsertStickyComment(ctx, "o", "r", 7, "m", "b") }, false},
		{"sticky 502", []error{status(502)}, func(c *checkedWrites) { _, _, _ = c.UpsertStickyComment(ctx, "o", "r", 7, "m", "b") }, true},
		{"sticky 403", []error{status(403)}, func(c *checkedWrites) { _, _, _ = c.UpsertStickyComment(ctx, "o", "r", 7, "m", "b") }, false},
		{"edit 502 then edited", []error{status(502), nil}, func(c *checkedWrites) {
			_ = c.EditComment(ctx, "o", "r", 3, "a")
			_ = c.EditComment(ctx, "o", "r", 3, "b")
		}, false},
		{"edit 502, another comment edited", []error{status(502), nil}, func(c *checkedWrites) {
			_ = c.EditComment(ctx, "o", "r", 3, "a")
			_ = c.EditComment(ctx, "o", "r", 4, "b")
		}, true},
		{"rate limited", []error{&github.RateLimitError{Secondary: true}}, func(c *checkedWrites) { _ = c.EditComment(ctx, "o", "r", 3, "a") }, true},
	} {
		c := &checkedWrites{RefreshGitHub: &flakyWrites{errs: tc.errs}}
		tc.write(c)
		if err := c.failed(); (err != nil) != tc.fails {
			t.Errorf("%s: failed() = %v, want an error: %v", tc.name, err, tc.fails)
		}
		if err := c.failed(); tc.fails && !errors.Is(err, tc.errs[0]) {
			t.Errorf("%s: %v does not carry the cause", tc.name, err)
		}
	}
}

// TestInstallationEvents: a deleted or suspended installation's client is
// dropped, a new one needs nothing; neither calls GitHub.
func TestInstallationEvents(t *testing.T) {
	r := &EngineRunner{Logger: slog.New(slog.DiscardHandler), clients: map[int64]*github.Client{9: nil, 10: nil}}
	for _, tc := range []struct {
		payload string
		left    int
	}{
		{`{"action":"created","installation":{"id":11,"account":{"login":"acme"}}}`, 2},
		{`{"action":"suspend","installation":{"id":10,"account":{"login":"acme"}}}`, 1},
		{`{"action":"deleted","installation":{"id":9,"account":{"login":"acme"}}}`, 0},
	} {
		next, err := r.Run(context.Background(), &Job{ID: 1, Event: "installation", Payload: []byte(tc.payload)})
		if err != nil || next != nil || len(r.clients) != tc.left {
			t.Fatalf("%s: %v %v, %d clients left, want %d", tc.payload, next, err, len(r.clients), tc.left)
		}
	}
}
