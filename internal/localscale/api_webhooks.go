package localscale

import (
	"net/http"
	"net/url"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func (s *Server) listWebhooks(now time.Time, c *reqCtx) (int, any, *apiError) {
	return listed(c, c.db.Webhooks, renderWebhook)
}

func (s *Server) createWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d := c.db
	var body struct {
		URL     *string  `json:"url"`
		Enabled *bool    `json:"enabled"`
		Events  []string `json:"events"`
	}
	if aerr := decode(c.r, &body); aerr != nil {
		return 0, nil, aerr
	}
	if body.URL == nil || *body.URL == "" {
		return 0, nil, errInvalid("url is required")
	}
	u, err := url.Parse(*body.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, nil, errInvalid("url must be an http or https URL")
	}
	for _, e := range body.Events {
		if !knownEvent(e) {
			return 0, nil, errInvalid("events: unknown event %q", e)
		}
	}
	w := &webhook{ID: randString(12), URL: *body.URL, Secret: randString(32), Enabled: true, Events: append([]string{}, body.Events...),
		CreatedAt: now, UpdatedAt: now}
	if body.Enabled != nil {
		w.Enabled = *body.Enabled
	}
	d.Webhooks = append(d.Webhooks, w)
	s.dirty = true
	return http.StatusCreated, renderWebhook(w), nil
}

func findWebhookIn(d *database, id string) (int, *webhook) {
	for i, w := range d.Webhooks {
		if w.ID == id {
			return i, w
		}
	}
	return -1, nil
}

// webhookOf is the database and webhook (with its index) a request names.
func (s *Server) webhookOf(c *reqCtx) (*database, int, *webhook, *apiError) {
	i, w := findWebhookIn(c.db, c.path("id"))
	if w == nil {
		return nil, 0, nil, errNotFound()
	}
	return c.db, i, w, nil
}

func (s *Server) getWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	_, _, w, aerr := s.webhookOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, renderWebhook(w), nil
}

func (s *Server) deleteWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, i, _, aerr := s.webhookOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	d.Webhooks = append(d.Webhooks[:i:i], d.Webhooks[i+1:]...)
	s.dirty = true
	return http.StatusNoContent, nil, nil
}

func (s *Server) testWebhook(now time.Time, c *reqCtx) (int, any, *apiError) {
	d, _, w, aerr := s.webhookOf(c)
	if aerr != nil {
		return 0, nil, aerr
	}
	s.enqueue(d, w, ps.EventWebhookTest, now, map[string]any{"id": w.ID, "url": w.URL})
	return http.StatusOK, renderWebhook(w), nil
}
