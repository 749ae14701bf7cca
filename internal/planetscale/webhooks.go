package planetscale

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SignatureHeader carries a webhook delivery's signature.
const SignatureHeader = "X-PlanetScale-Signature"

// CreateWebhookRequest is the body of POST /webhooks.
type CreateWebhookRequest struct {
	// URL receives the events. Required.
	URL string `json:"url"`
	// Enabled; nil leaves PlanetScale's default.
	Enabled *bool `json:"enabled,omitempty"`
	// Events to subscribe to (the Event* constants).
	Events []string `json:"events,omitempty"`
}

// CreateWebhook creates a database webhook (201); Webhook.Secret signs the
// deliveries. Only 429s are retried.
func (c *Client) CreateWebhook(ctx context.Context, org, db string, req CreateWebhookRequest) (*Webhook, error) {
	return fetch[Webhook](ctx, c, &request{op: "create webhook", method: http.MethodPost, path: dbPath(org, db) + "/webhooks", body: req, policy: retryRefused})
}

// DeleteWebhook deletes a database webhook (204).
func (c *Client) DeleteWebhook(ctx context.Context, org, db, id string) error {
	op := fmt.Sprintf("delete webhook %q", id)
	return c.do(ctx, &request{op: op, method: http.MethodDelete, path: dbPath(org, db) + "/webhooks/" + url.PathEscape(id), goneOK: true})
}

// Webhook signature errors (wrapped by VerifyWebhookSignature's error).
var (
	ErrNoWebhookSecret    = errors.New("no webhook secret configured")
	ErrSignatureMissing   = errors.New("missing " + SignatureHeader + " header")
	ErrSignatureMalformed = errors.New("malformed " + SignatureHeader + " header")
	ErrSignatureMismatch  = errors.New(SignatureHeader + " does not match the body")
)

// signatureHexLen is the length of a hex HMAC-SHA256.
const signatureHexLen = sha256.Size * 2

// SignWebhook returns the X-PlanetScale-Signature value for body: the
// lowercase hex HMAC-SHA256 of the raw body keyed by secret.
func SignWebhook(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhookSignature checks header (the X-PlanetScale-Signature value)
// against the raw body in constant time. It fails, wrapping one of
// ErrNoWebhookSecret, ErrSignatureMissing, ErrSignatureMalformed or
// ErrSignatureMismatch, when the secret is empty, the header is missing,
// is not 64 hex digits, or does not match. Hex case is not significant.
func VerifyWebhookSignature(secret string, body []byte, header string) error {
	if secret == "" {
		return fmt.Errorf("planetscale: verify webhook: %w", ErrNoWebhookSecret)
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return fmt.Errorf("planetscale: verify webhook: %w", ErrSignatureMissing)
	}
	if len(header) != signatureHexLen {
		return fmt.Errorf("planetscale: verify webhook: %w: want %d hex digits, got %d characters", ErrSignatureMalformed, signatureHexLen, len(header))
	}
	got, err := hex.DecodeString(header)
	if err != nil {
		return fmt.Errorf("planetscale: verify webhook: %w: not hexadecimal", ErrSignatureMalformed)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return fmt.Errorf("planetscale: verify webhook: %w", ErrSignatureMismatch)
	}
	return nil
}
