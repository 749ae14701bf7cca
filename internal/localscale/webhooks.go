package localscale

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// webhookRetries is how many times a failed delivery is retried.
const webhookRetries = 3

// webhookEvents are the events a webhook may subscribe to (PlanetScale's list).
var webhookEvents = []string{
	"branch.ready", "branch.anomaly", "branch.primary_promoted", "branch.schema_recommendation", "branch.sleeping",
	"branch.start_maintenance", "cluster.storage", "database.access_request", "deploy_request.closed",
	"deploy_request.errored", "deploy_request.in_progress", "deploy_request.opened", "deploy_request.pending_cutover",
	"deploy_request.queued", "deploy_request.reverted", "deploy_request.schema_applied", "keyspace.storage", "webhook.test",
}

func knownEvent(e string) bool {
	for _, k := range webhookEvents {
		if k == e {
			return true
		}
	}
	return false
}

// delivery is one event on its way to one webhook.
type delivery struct {
	webhookID string
	url       string
	secret    string
	event     string
	body      []byte
	attempts  int       // failed attempts so far
	nextAt    time.Time // when the next attempt is due
}

func subscribed(w *webhook, event string) bool {
	if len(w.Events) == 0 {
		return true
	}
	for _, e := range w.Events {
		if e == event {
			return true
		}
	}
	return false
}

// emit queues an event for every enabled webhook of the database that
// subscribes to it. Delivery happens outside the lock.
func (s *Server) emit(db *database, event string, t time.Time, resource any) {
	for _, w := range db.Webhooks {
		if !w.Enabled || !subscribed(w, event) {
			continue
		}
		s.enqueue(db, w, event, t, resource)
	}
}

func (s *Server) enqueue(db *database, w *webhook, event string, t time.Time, resource any) {
	res := map[string]any{}
	if resource != nil {
		raw, err := json.Marshal(resource)
		if err == nil {
			err = json.Unmarshal(raw, &res)
		}
		if err != nil {
			s.log.Error("localscale: webhook payload", "event", event, "err", err)
			return
		}
	}
	body, err := json.Marshal(ps.WebhookEvent{Timestamp: t.Unix(), Event: event, Organization: db.Org, Database: db.Name, Resource: res})
	if err != nil {
		s.log.Error("localscale: webhook payload", "event", event, "err", err)
		return
	}
	s.outbox = append(s.outbox, &delivery{webhookID: w.ID, url: w.URL, secret: w.Secret, event: event, body: body, nextAt: t})
}

// dispatchLocked starts the due deliveries: per webhook one at a time, in
// the order the events happened.
func (s *Server) dispatchLocked(now time.Time) {
	if s.closed {
		return
	}
	seen := map[string]bool{}
	for _, dl := range s.outbox {
		if seen[dl.webhookID] {
			continue
		}
		seen[dl.webhookID] = true
		if s.inflight[dl.webhookID] || dl.nextAt.After(now) {
			continue
		}
		s.inflight[dl.webhookID] = true
		s.wg.Add(1)
		go s.deliver(dl)
	}
}

// deliver POSTs one event and records the outcome; a failure is retried
// with backoff (1s, 2s, 4s on the server's clock, from the attempt's due time).
func (s *Server) deliver(dl *delivery) {
	defer s.wg.Done()
	due := dl.nextAt
	ok, result := s.post(dl)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, dl.webhookID)
	now := s.clock.Now()
	if w := s.findWebhook(dl.webhookID); w != nil {
		w.LastSentAt = &now
		w.LastSentSuccess = &ok
		w.LastSentResult = &result
		s.dirty = true
	}
	if ok || dl.attempts >= webhookRetries || s.findWebhook(dl.webhookID) == nil {
		if !ok {
			s.log.Warn("localscale: webhook delivery failed", "url", dl.url, "event", dl.event, "result", result)
		}
		s.dropDelivery(dl)
	} else {
		dl.attempts++
		dl.nextAt = due.Add(time.Second << (dl.attempts - 1))
	}
	s.finishLocked(now)
}

func (s *Server) post(dl *delivery) (bool, string) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, dl.url, bytes.NewReader(dl.body))
	if err != nil {
		return false, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "PlanetScale-Webhook (localscale)")
	req.Header.Set("X-PlanetScale-Event", dl.event)
	req.Header.Set("X-PlanetScale-Signature", ps.SignWebhook(dl.secret, dl.body))
	resp, err := s.client.Do(req)
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	result := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	return resp.StatusCode >= 200 && resp.StatusCode < 300, result
}

func (s *Server) dropDelivery(dl *delivery) {
	for i, o := range s.outbox {
		if o == dl {
			s.outbox = append(s.outbox[:i:i], s.outbox[i+1:]...)
			return
		}
	}
}

func (s *Server) findWebhook(id string) *webhook {
	for _, o := range s.st.Orgs {
		for _, d := range o.Databases {
			for _, w := range d.Webhooks {
				if w.ID == id {
					return w
				}
			}
		}
	}
	return nil
}
