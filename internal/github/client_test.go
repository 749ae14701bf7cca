package github

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v66/github"

	"github.com/ddlbot/ddlbot/internal/syncbuf"
)

const testToken = "ghp_TESTsecretTOKEN0123456789abcdefXYZ"

var ctx = context.Background()

// assertNoSecrets fails when s carries the test token, an installation
// token or a private key.
func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testToken, testInstallToken, "PRIVATE KEY", "MII"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s carries a secret (%q...): %s", what, secret[:6], s)
		}
	}
}

const testInstallToken = "ghs_INSTALLtokenSECRET0123456789"

func testKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

func TestNewCredentialErrors(t *testing.T) {
	_, pemKey := testKey(t)
	pkcs8Key := func() []byte {
		k, _ := testKey(t)
		b, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b})
	}()
	badKey := []byte("-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKsecretsecret\n-----END RSA PRIVATE KEY-----\n")
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"none", Config{}, ErrNoCredentials},
		{"both", Config{Token: testToken, AppID: 1}, ErrAmbiguousAuth},
		{"token with space", Config{Token: "ghp_abc " + testToken}, ErrInvalidToken},
		{"token with newline", Config{Token: testToken + "\nX-Evil: 1"}, ErrInvalidToken},
		{"app without key", Config{AppID: 1, InstallationID: 2}, ErrIncompleteAppCreds},
		{"app without installation", Config{AppID: 1, PrivateKey: pemKey}, ErrIncompleteAppCreds},
		{"app with garbage key", Config{AppID: 1, InstallationID: 2, PrivateKey: []byte("MIIsecret not pem")}, ErrInvalidPrivateKey},
		{"app with broken key", Config{AppID: 1, InstallationID: 2, PrivateKey: badKey}, ErrInvalidPrivateKey},
		{"bad url", Config{Token: testToken, BaseURL: "ftp://x"}, nil},
		{"url with credentials", Config{Token: testToken, BaseURL: "https://user:" + testToken + "@ghe.example.com"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(ctx, tc.cfg)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"token", Config{Token: "  " + testToken + "\n"}},
		{"app pkcs1", Config{AppID: 1, InstallationID: 2, PrivateKey: pemKey}},
		{"app pkcs8", Config{AppID: 1, InstallationID: 2, PrivateKey: pkcs8Key}},
		{"app key with escaped newlines", Config{AppID: 1, InstallationID: 2, PrivateKey: []byte(strings.ReplaceAll(string(pemKey), "\n", `\n`))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(ctx, tc.cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestResolveBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "https://api.github.com/",
		"https://api.github.com":             "https://api.github.com/",
		"https://api.github.com/":            "https://api.github.com/",
		"https://ghe.example.com":            "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/":           "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/api/v3":     "https://ghe.example.com/api/v3/",
		"https://api.octo.ghe.com":           "https://api.octo.ghe.com/",
		"http://127.0.0.1:8080/api/v3":       "http://127.0.0.1:8080/api/v3/",
		"http://127.0.0.1:8080/github-api/":  "http://127.0.0.1:8080/github-api/",
		" https://ghe.example.com/api/v3/  ": "https://ghe.example.com/api/v3/",
	} {
		u, err := resolveBaseURL(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if u.String() != want {
			t.Errorf("%q -> %q, want %q", in, u, want)
		}
	}
}

func TestAuthenticatedLogin(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	login, err := c.AuthenticatedLogin(ctx)
	if err != nil || login != "ddlbot-user" {
		t.Fatalf("login = %q, %v", login, err)
	}
	if _, err := c.AuthenticatedLogin(ctx); err != nil {
		t.Fatal(err)
	}
	if calls := f.takeCalls(); len(calls) != 1 || calls[0].String() != "GET /user" || calls[0].Auth != "Bearer "+testToken {
		t.Fatalf("calls = %v (cached after the first)", calls)
	}

	f.login = "" // GITHUB_TOKEN cannot read /user
	c2, _ := f.client(t)
	if login, err := c2.AuthenticatedLogin(ctx); err != nil || login != ActionsBotLogin {
		t.Fatalf("GITHUB_TOKEN login = %q, %v", login, err)
	}

	bad, rec := f.client(t, func(c *Config) { c.Token = "ghp_wrongTOKENsecret" })
	_, err = bad.AuthenticatedLogin(ctx)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "ghp_wrongTOKENsecret") || strings.Contains(rec.log.String(), "ghp_wrongTOKENsecret") {
		t.Fatalf("the token leaked: %v", err)
	}
}

func TestAppAuth(t *testing.T) {
	f := newFake(t)
	key, pemKey := testKey(t)
	f.appKey, f.appID, f.appSlug, f.instToken = &key.PublicKey, 4242, "ddlbot-test", testInstallToken
	f.pulls[7] = map[string]any{"number": 7, "state": "open"}
	var logBuf syncbuf.Buffer
	rec := &recorder{}
	c, err := New(ctx, Config{AppID: 4242, InstallationID: 99, PrivateKey: pemKey, BaseURL: f.baseURL(),
		Sleep: rec.sleep, Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.PullRequest(ctx, "o", "r", 7); err != nil {
			t.Fatal(err)
		}
	}
	login, err := c.AuthenticatedLogin(ctx)
	if err != nil || login != "ddlbot-test[bot]" {
		t.Fatalf("app login = %q, %v", login, err)
	}
	calls := f.takeCalls()
	var got []string
	for _, cl := range calls {
		got = append(got, cl.String())
	}
	want := []string{"POST /app/installations/99/access_tokens", "GET /repos/o/r/pulls/7", "GET /repos/o/r/pulls/7", "GET /app"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(calls[0].Auth, "Bearer ") || calls[1].Auth != "token "+testInstallToken || !strings.HasPrefix(calls[3].Auth, "Bearer ") {
		t.Fatalf("auth headers: jwt for the token and /app, the installation token for the API")
	}

	// The token endpoint refuses: a clear error, no secret in it.
	f2 := newFake(t)
	f2.appKey, f2.appID, f2.instToken, f2.tokenFails = &key.PublicKey, 4242, testInstallToken, true
	c2, err := New(ctx, Config{AppID: 4242, InstallationID: 99, PrivateKey: pemKey, BaseURL: f2.baseURL(), Sleep: rec.sleep,
		Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c2.PullRequest(ctx, "o", "r", 7)
	if err == nil || !strings.Contains(err.Error(), "installation") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, "error", err.Error())
	assertNoSecrets(t, "log", logBuf.String())
	if strings.Contains(err.Error(), "Bearer") {
		t.Fatalf("error carries the JWT: %v", err)
	}
}

func TestIsTransient(t *testing.T) {
	status := func(code int) error {
		return fmt.Errorf("create a comment: %w", &gh.ErrorResponse{Response: &http.Response{StatusCode: code}})
	}
	token := func(code int) error {
		return fmt.Errorf("list comments: %w", &ghinstallation.HTTPError{Message: "could not refresh installation id 9's token", Response: &http.Response{StatusCode: code}})
	}
	for _, tc := range []struct {
		err             error
		want, permanent bool
	}{
		{nil, false, false},
		{status(502), true, false},
		{status(500), true, false},
		{status(429), true, false},
		{status(409), false, false},
		{status(403), false, true},
		{status(404), false, false}, // a moment after a push, before GitHub's replicas agree
		{status(422), false, false},
		{status(401), false, true},
		{token(404), false, true}, // from the transport: no answer go-github knows
		{token(502), true, false},
		{&RateLimitError{Secondary: true}, true, false},
		{&gh.AbuseRateLimitError{Response: &http.Response{StatusCode: 403}}, true, false},
		{errors.New("dial tcp 127.0.0.1:1: connection refused"), true, false},
		{fmt.Errorf("read: %w", context.Canceled), false, false},
	} {
		if got := IsTransient(tc.err); got != tc.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
		if got := IsPermanent(tc.err); got != tc.permanent {
			t.Errorf("IsPermanent(%v) = %v, want %v", tc.err, got, tc.permanent)
		}
	}
}
