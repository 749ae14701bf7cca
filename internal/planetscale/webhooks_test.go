package planetscale

import (
	"errors"
	"strings"
	"testing"
)

func TestSignWebhook(t *testing.T) {
	// HMAC-SHA256 of "The quick brown fox jumps over the lazy dog" with key
	// "key" (the well-known test vector).
	const want = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got := SignWebhook("key", []byte("The quick brown fox jumps over the lazy dog")); got != want {
		t.Errorf("SignWebhook = %s, want %s", got, want)
	}
}

func TestVerifyWebhookSignature(t *testing.T) {
	const secret = "whsec_0123456789"
	body := []byte(`{"timestamp":1700000000,"event":"deploy_request.opened","organization":"o","database":"d","resource":{"number":7}}`)
	good := SignWebhook(secret, body)
	tests := []struct {
		name   string
		secret string
		body   []byte
		header string
		want   error // nil means valid
	}{
		{"valid", secret, body, good, nil},
		{"valid uppercase hex", secret, body, strings.ToUpper(good), nil},
		{"valid with spaces", secret, body, " " + good + "\t", nil},
		{"valid empty body", secret, nil, SignWebhook(secret, nil), nil},
		{"empty secret", "", body, SignWebhook("", body), ErrNoWebhookSecret},
		{"missing header", secret, body, "", ErrSignatureMissing},
		{"blank header", secret, body, "   ", ErrSignatureMissing},
		{"bad hex", secret, body, "zz" + good[2:], ErrSignatureMalformed},
		{"too short", secret, body, good[:62], ErrSignatureMalformed},
		{"too long", secret, body, good + "00", ErrSignatureMalformed},
		{"sha256= prefix", secret, body, "sha256=" + good, ErrSignatureMalformed},
		{"wrong secret", "other", body, good, ErrSignatureMismatch},
		{"tampered body", secret, append([]byte(nil), append(body, ' ')...), good, ErrSignatureMismatch},
		{"one bit off", secret, body, flipLastHex(good), ErrSignatureMismatch},
		{"sha1 length", secret, body, good[:40], ErrSignatureMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyWebhookSignature(tt.secret, tt.body, tt.header)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want valid", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error leaks the secret: %v", err)
			}
			if strings.Contains(err.Error(), good) {
				t.Errorf("error echoes the expected signature: %v", err)
			}
		})
	}
}

func flipLastHex(s string) string {
	last := s[len(s)-1]
	if last == '0' {
		last = '1'
	} else {
		last = '0'
	}
	return s[:len(s)-1] + string(last)
}

func FuzzVerifyWebhookSignature(f *testing.F) {
	f.Add("secret", []byte(`{"event":"webhook.test"}`), SignWebhook("secret", []byte(`{"event":"webhook.test"}`)))
	f.Add("", []byte{}, "")
	f.Add("s", []byte("x"), strings.Repeat("g", 64))
	f.Add("s", []byte("x"), "sha256=abc")
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		err := VerifyWebhookSignature(secret, body, header)
		if secret != "" {
			// A correct signature always verifies.
			if e := VerifyWebhookSignature(secret, body, SignWebhook(secret, body)); e != nil {
				t.Fatalf("own signature rejected: %v", e)
			}
		}
		if err == nil && (secret == "" || !strings.EqualFold(strings.TrimSpace(header), SignWebhook(secret, body))) {
			t.Fatalf("accepted header %q for secret %q", header, secret)
		}
	})
}
