package lint

import "regexp"

// Finding an identifier in a statement's text is what placing most findings
// comes down to. The definition is a regular expression (wordPattern); for
// ASCII text and a needle of identifier characters, wordMatches gives the
// same matches without running it, which was a fifth of a lint run.

// wordPattern matches needle as a whole word, optionally back-quoted; group
// 2 is the word (with its quotes).
func wordPattern(needle string) string {
	return "(?i)(^|[^A-Za-z0-9_$])(`?" + regexp.QuoteMeta(needle) + "`?)($|[^A-Za-z0-9_$])"
}

// isWordByte reports whether c is in [A-Za-z0-9_$].
func isWordByte(c byte) bool {
	return c == '_' || c == '$' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// lowerASCII lower-cases an ASCII letter.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// wordMatches returns the group 2 spans of the first (up to) limit
// non-overlapping matches of wordPattern(needle) in text, as
// regexp.FindAllStringSubmatchIndex would, and ok. ok is false when the fast
// path does not apply (text not ASCII, where case folding reaches beyond
// ASCII letters; a needle with other than identifier characters): then use
// the regular expression.
func wordMatches(text, needle string, limit int) (spans [][2]int, ok bool) {
	if needle == "" {
		return nil, false
	}
	for i := 0; i < len(needle); i++ {
		if !isWordByte(needle[i]) {
			return nil, false
		}
	}
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return nil, false
		}
	}
	m := len(needle)
	pos := 0 // where the next match may start: the end of the previous one
	for k := 0; k+m <= len(text) && len(spans) < limit; k++ {
		if !equalFoldAt(text, k, needle) {
			continue
		}
		// Where a match around this occurrence starts, and where its word does.
		var start, g2 int
		switch {
		case k == 0:
			start, g2 = 0, 0
		case isWordByte(text[k-1]):
			continue
		case text[k-1] == '`' && k-1 == 0:
			start, g2 = 0, 0 // ^ then the quote
		case text[k-1] == '`' && !isWordByte(text[k-2]) && k-2 >= pos:
			start, g2 = k-2, k-1 // a separator then the quote
		default:
			start, g2 = k-1, k // the separator (perhaps the quote) alone
		}
		if start < pos {
			continue
		}
		j := k + m
		var g2end, end int
		switch {
		case j == len(text):
			g2end, end = j, j
		case isWordByte(text[j]):
			continue
		case text[j] == '`' && j+1 == len(text):
			g2end, end = j+1, j+1
		case text[j] == '`' && !isWordByte(text[j+1]):
			g2end, end = j+1, j+2
		default:
			g2end, end = j, j+1
		}
		spans = append(spans, [2]int{g2, g2end})
		pos = end
		k = end - 1 // the next occurrence starts after this match
	}
	return spans, true
}

// equalFoldAt reports whether text[k:] starts with needle, ASCII
// case-insensitively.
func equalFoldAt(text string, k int, needle string) bool {
	for i := 0; i < len(needle); i++ {
		if lowerASCII(text[k+i]) != lowerASCII(needle[i]) {
			return false
		}
	}
	return true
}
