// Package redact removes text shaped like a credential from messages that
// are about to be published (pull request comments, check runs). PlanetScale
// and MySQL errors can echo connection strings, passwords and tokens; the
// sticky comment is public to everyone who can read the pull request.
package redact

import "regexp"

// Mask replaces what was redacted.
const Mask = "[REDACTED]"

type rule struct {
	re   *regexp.Regexp
	repl string // ${1} keeps the label in front of the secret
}

// rules are ordered: specific token formats first, then labelled values.
var rules = []rule{
	// PlanetScale service tokens, OAuth tokens and branch passwords.
	{regexp.MustCompile(`pscale_(?:tkn|pw|oauth|otkn|api)_[A-Za-z0-9_\-.]+`), Mask},
	// GitHub tokens (classic prefixes and fine-grained).
	{regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`), Mask},
	// JSON web tokens.
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`), Mask},
	// Authorization header values.
	{regexp.MustCompile(`(?i)\b((?:authorization|proxy-authorization)\s*[:=]\s*(?:bearer|basic|token)?\s*)[^\s"',;]+`), "${1}" + Mask},
	{regexp.MustCompile(`(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9_\-.~+/=:]{8,}`), "${1}" + Mask},
	// user:password@ in URLs and MySQL DSNs (user:pass@tcp(host)/db).
	{regexp.MustCompile(`((?:[a-z][a-z0-9+.\-]*://)?[A-Za-z0-9_.\-%]+:)[^\s@/:'"]+@`), "${1}" + Mask + "@"},
	// label=value and label: value for password- and token-like labels.
	{regexp.MustCompile(`(?i)\b((?:[a-z_\-]*(?:password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|credential)s?)["']?\s*[:=]\s*["']?)[^\s"',;&)]+`), "${1}" + Mask},
}

// Secrets returns s with every credential-shaped substring replaced by Mask.
func Secrets(s string) string {
	for _, r := range rules {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return s
}
