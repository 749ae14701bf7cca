// Package clip shortens text for messages, logs and stored errors without
// splitting a character.
package clip

import "unicode/utf8"

// Runes keeps at most n runes of s, marking a cut with "…".
func Runes(s string, n int) string {
	if n < 0 {
		n = 0
	}
	i, count := 0, 0
	for i < len(s) {
		if count == n {
			return s[:i] + "…"
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s
}

// Bytes keeps at most n bytes of s, cut on a rune boundary, marking a cut
// with "…" (which the n bytes do not include).
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
