package redact

import (
	"strings"
	"testing"
)

func TestSecrets(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"dial failed for pscale_pw_AbC123xyz_-.9", "dial failed for " + Mask},
		{"token pscale_tkn_ZZZZ9999 rejected", "token " + Mask + " rejected"},
		{"Authorization: Bearer abcdefgh12345678", "Authorization: Bearer " + Mask},
		{"authorization=abcdefgh12345678", "authorization=" + Mask},
		{"sent bearer abcdefgh12345678 upstream", "sent bearer " + Mask + " upstream"},
		{"Error 1045: access denied; dsn app:s3cr3t!@tcp(aws.connect.psdb.cloud)/app", "Error 1045: access denied; dsn app:" + Mask + "@tcp(aws.connect.psdb.cloud)/app"},
		{"mysql://root:hunter2@db:3306/x", "mysql://root:" + Mask + "@db:3306/x"},
		{"password=hunter2 user=app", "password=" + Mask + " user=app"},
		{`{"plain_text": 1, "password": "hunter2"}`, `{"plain_text": 1, "password": "` + Mask + `"}`},
		{"api_key: abc123, next", "api_key: " + Mask + ", next"},
		{"uses ghp_0123456789abcdefghijABCDEFGHIJ", "uses " + Mask},
		{"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "jwt " + Mask},
		// Ordinary errors and schema text are left alone.
		{"table `users` column `password` varchar(255) NOT NULL", "table `users` column `password` varchar(255) NOT NULL"},
		{"deploy request 12 is not deployable: lint errors", "deploy request 12 is not deployable: lint errors"},
		{"ALTER TABLE t ADD COLUMN x int; at 10:30 UTC", "ALTER TABLE t ADD COLUMN x int; at 10:30 UTC"},
	}
	for _, tt := range tests {
		if got := Secrets(tt.in); got != tt.want {
			t.Errorf("Secrets(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSecrets(f *testing.F) {
	f.Add("password=hunter2 pscale_pw_abc app:x@tcp(h)/d")
	f.Fuzz(func(t *testing.T, s string) {
		out := Secrets(s)
		if strings.Contains(out, "pscale_pw_") && !strings.Contains(s, Mask) {
			// Every pscale_pw_ followed by a token character is masked.
			if i := strings.Index(out, "pscale_pw_"); i+10 < len(out) && isTokenByte(out[i+10]) {
				t.Fatalf("left a password: %q", out)
			}
		}
		if Secrets(out) != out {
			t.Fatalf("not idempotent: %q -> %q", out, Secrets(out))
		}
		if want := everyRule(s); out != want {
			t.Fatalf("the quick tests skipped a rule that matches: %q -> %q, every rule gives %q", s, out, want)
		}
	})
}

// everyRule is Secrets without the quick tests.
func everyRule(s string) string {
	for _, r := range rules {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return s
}

// TestQuickTestsAgree: on texts built from the pieces every rule matches
// (and near misses), Secrets gives what running every rule gives.
func TestQuickTestsAgree(t *testing.T) {
	pieces := []string{"pscale_pw_", "pscale_tkn_x1", "ghp_", "github_pat_", "0123456789abcdefghijABCD", "eyJ", "abcdefgh12", ".",
		"Authorization", "AUTHORIZATION", ": ", "=", "Bearer ", "basic ", "bearer", "user", ":", "pa:ss", "@", "@alice", "tcp(h)/d",
		"mysql://", "Password", "PWD", "secret", "api-key", "access_key", "Credentials", "token", " ", "\t", "\n", "\v", "'", "\"", "/", "%",
		"ſecret", "paſſword", "Kelvin", "toKen", "é", "·", "`users`", "varchar(255)"}
	seed := uint64(1)
	next := func(n int) int { seed = seed*6364136223846793005 + 1442695040888963407; return int(seed>>33) % n }
	for range 20000 {
		var b strings.Builder
		for range 1 + next(8) {
			b.WriteString(pieces[next(len(pieces))])
		}
		s := b.String()
		if got, want := Secrets(s), everyRule(s); got != want {
			t.Fatalf("Secrets(%q) = %q, every rule gives %q", s, got, want)
		}
	}
}

func isTokenByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
