// Package redact removes text shaped like a credential from messages that
// are about to be published (pull request comments, check runs). PlanetScale
// and MySQL errors can echo connection strings, passwords and tokens; the
// sticky comment is public to everyone who can read the pull request.
package redact

import (
	"regexp"
	"strings"
	"unicode"
)

// Mask replaces what was redacted.
const Mask = "[REDACTED]"

type rule struct {
	re   *regexp.Regexp
	repl string // ${1} keeps the label in front of the secret
	// may reports whether s (lower: s as (?i) folds it) can hold a match
	// at all: a cheap test that spares the regular expression the text of
	// a whole comment, which almost never holds a secret. It must never
	// say no where the expression matches (TestQuickTestsAgree, the fuzz
	// target).
	may func(s, lower string) bool
}

// rules are ordered: specific token formats first, then labelled values.
var rules = []rule{
	// PlanetScale service tokens, OAuth tokens and branch passwords.
	{regexp.MustCompile(`pscale_(?:tkn|pw|oauth|otkn|api)_[A-Za-z0-9_\-.]+`), Mask,
		func(s, _ string) bool { return strings.Contains(s, "pscale_") }},
	// GitHub tokens (classic prefixes and fine-grained).
	{regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`), Mask,
		func(s, _ string) bool { return containsAny(s, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_") }},
	// JSON web tokens.
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`), Mask,
		func(s, _ string) bool { return strings.Contains(s, "eyJ") }},
	// Authorization header values.
	{regexp.MustCompile(`(?i)\b((?:authorization|proxy-authorization)\s*[:=]\s*(?:bearer|basic|token)?\s*)[^\s"',;]+`), "${1}" + Mask,
		func(_, lower string) bool { return strings.Contains(lower, "authorization") }},
	{regexp.MustCompile(`(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9_\-.~+/=:]{8,}`), "${1}" + Mask,
		func(_, lower string) bool { return schemeValue(lower, "bearer") || schemeValue(lower, "basic") }},
	// user:password@ in URLs and MySQL DSNs (user:pass@tcp(host)/db).
	{regexp.MustCompile(`((?:[a-z][a-z0-9+.\-]*://)?[A-Za-z0-9_.\-%]+:)[^\s@/:'"]+@`), "${1}" + Mask + "@",
		func(s, _ string) bool { return userinfo(s) }},
	// label=value and label: value for password- and token-like labels.
	{regexp.MustCompile(`(?i)\b((?:[a-z_\-]*(?:password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|credential)s?)["']?\s*[:=]\s*["']?)[^\s"',;&)]+`), "${1}" + Mask,
		func(_, lower string) bool {
			for _, w := range labels {
				if labelled(lower, w) {
					return true
				}
			}
			return false
		}},
}

// Secrets returns s with every credential-shaped substring replaced by Mask.
func Secrets(s string) string {
	lower := fold(s)
	for _, r := range rules {
		if r.may(s, lower) {
			s = r.re.ReplaceAllString(s, r.repl)
			lower = fold(s)
		}
	}
	return s
}

// fold is s in lower case as (?i) sees it: besides the usual lower case,
// ſ (U+017F) folds onto s (the Kelvin sign already lowers to k): the only
// other letters that fold onto ASCII ones.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 'ſ' {
			return 's'
		}
		return unicode.ToLower(r)
	}, s)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// labels are the label rule's words, as its expression spells them.
var labels = []string{"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key",
	"accesskey", "access_key", "access-key", "credential"}

// space is what \s matches.
const space = " \t\n\f\r"

// labelled reports whether lower has word followed by what the label rule
// needs after it: an optional s and quote, spaces, then ':' or '='.
func labelled(lower, word string) bool {
	for rest := lower; ; {
		i := strings.Index(rest, word)
		if i < 0 {
			return false
		}
		rest = rest[i+len(word):]
		t := strings.TrimPrefix(rest, "s")
		if t != "" && (t[0] == '"' || t[0] == '\'') {
			t = t[1:]
		}
		t = strings.TrimLeft(t, space)
		if t != "" && (t[0] == ':' || t[0] == '=') {
			return true
		}
	}
}

// schemeValue reports whether lower has scheme, then white space, then at
// least 8 characters of a credential (the bearer/basic rule's need).
func schemeValue(lower, scheme string) bool {
	for rest := lower; ; {
		i := strings.Index(rest, scheme)
		if i < 0 {
			return false
		}
		rest = rest[i+len(scheme):]
		t := strings.TrimLeft(rest, space)
		if len(t) == len(rest) {
			continue
		}
		n := 0
		for n < len(t) && (isAlnum(t[n]) || strings.IndexByte("_-.~+/=:", t[n]) >= 0) {
			n++
		}
		if n >= 8 {
			return true
		}
	}
}

// userinfo reports whether s has an '@' preceded, within one run of the
// characters a password may hold, by a ':' that follows a user name
// character: what the user:password@ rule needs to match.
func userinfo(s string) bool {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		j := i - 1
		for j >= 0 && strings.IndexByte(space+"@/:'\"", s[j]) < 0 {
			j--
		}
		if j > 0 && j < i-1 && s[j] == ':' && (isAlnum(s[j-1]) || strings.IndexByte("_.-%", s[j-1]) >= 0) {
			return true
		}
		next := strings.IndexByte(s[i+1:], '@')
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
