package githubfake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AppCredentials are a GitHub App the fake knows, for App authentication
// (ghinstallation): the App signs a JWT with PrivateKeyPEM; POST
// /app/installations/{id}/access_tokens then issues installation tokens the
// fake accepts, writing as "<Slug>[bot]". InstallationID is the installation
// every repository belongs to unless Repo.Installation names another; a
// token reaches only its own installation's repositories.
type AppCredentials struct {
	ID             int64
	Slug           string
	InstallationID int64
	// PrivateKeyPEM is an RSA key in PKCS#1 PEM, as GitHub hands them out.
	PrivateKeyPEM []byte
	key           *rsa.PrivateKey
}

// App returns the fake's GitHub App, creating it (and its key) on first use.
func (s *Server) App() AppCredentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app == nil {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			s.t.Fatalf("githubfake: generate App key: %v", err)
		}
		s.app = &AppCredentials{
			ID:             appIDFor(s.appSlug),
			Slug:           s.appSlug,
			InstallationID: 45678901,
			PrivateKeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
			key:            key,
		}
	}
	a := *s.app
	a.key = nil
	return a
}

func appIDFor(slug string) int64 {
	if slug == "github-actions" {
		return 15368 // the real one
	}
	h := fnv.New32a()
	h.Write([]byte(slug))
	return int64(100000 + h.Sum32()%900000)
}

// authenticate reads the Authorization header: "token X" or "Bearer X".
// Installation access tokens are created with the App's JWT and nothing
// else; every other operation takes a token the fake knows.
func (s *Server) authenticate(rc *reqCtx) (*identity, response, bool) {
	auth := rc.r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(auth, " ")
	cred = strings.TrimSpace(cred)
	if auth == "" {
		return nil, errorResponse(http.StatusUnauthorized, "Requires authentication"), false
	}
	if !strings.EqualFold(scheme, "token") && !strings.EqualFold(scheme, "bearer") || cred == "" {
		return nil, errorResponse(http.StatusUnauthorized, "Bad credentials"), false
	}
	if rc.op.Template == "/app" || strings.HasPrefix(rc.op.Template, "/app/") {
		who, msg := s.verifyJWT(cred)
		if who == nil {
			return nil, errorResponse(http.StatusUnauthorized, msg), false
		}
		return who, response{}, true
	}
	who := s.tokens[cred]
	if who == nil {
		return nil, errorResponse(http.StatusUnauthorized, "Bad credentials"), false
	}
	return who, response{}, true
}

// verifyJWT checks an App JWT as GitHub does: RS256 signed by the App's key,
// iss the App id, not expired, exp at most ten minutes ahead.
func (s *Server) verifyJWT(tok string) (*identity, string) {
	const undecodable = "A JSON web token could not be decoded"
	if s.app == nil {
		return nil, undecodable
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, undecodable
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss any   `json:"iss"`
		Iat int64 `json:"iat"`
		Exp int64 `json:"exp"`
	}
	if decodeSegment(parts[0], &header) != nil || decodeSegment(parts[1], &claims) != nil {
		return nil, undecodable
	}
	if header.Alg != "RS256" {
		return nil, undecodable
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, undecodable
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.app.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, "A JSON web token could not be decoded"
	}
	if fmt.Sprint(claims.Iss) != strconv.FormatInt(s.app.ID, 10) {
		return nil, fmt.Sprintf("'Issuer' claim ('iss') must be an Integer or the App's client ID, got %v", claims.Iss)
	}
	now := time.Now().Unix()
	if claims.Exp == 0 || claims.Exp < now-30 {
		return nil, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	}
	if claims.Exp > now+600+30 {
		return nil, "'Expiration time' claim ('exp') is too far in the future"
	}
	if claims.Iat > now+60 {
		return nil, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	}
	return &identity{login: s.app.Slug + "[bot]", bot: true, appSlug: s.app.Slug, appID: s.app.ID, jwt: true}, ""
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// SignAppJWT makes a JWT for the fake's App, as ghinstallation would, for
// tests that call the installation token endpoint themselves.
func (s *Server) SignAppJWT() string {
	s.App()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().Unix()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": strconv.FormatInt(s.app.ID, 10), "iat": now - 30, "exp": now + 300})
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.app.key, crypto.SHA256, sum[:])
	if err != nil {
		s.t.Fatalf("githubfake: sign JWT: %v", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// installationOf is the App installation a repository belongs to.
func (s *Server) installationOf(rs *repoState) int64 {
	if rs.Installation != 0 {
		return rs.Installation
	}
	if s.app != nil {
		return s.app.InstallationID
	}
	return 0
}

// hasInstallation: id is the App's installation, or one a repository
// belongs to.
func (s *Server) hasInstallation(id int64) bool {
	if s.app == nil || id <= 0 {
		return false
	}
	if id == s.app.InstallationID {
		return true
	}
	for _, rs := range s.repos {
		if rs.Installation == id {
			return true
		}
	}
	return false
}

// CrossInstallationRefusals counts the calls refused (404) because an
// installation token touched a repository of another installation.
func (s *Server) CrossInstallationRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crossInstallation
}
