package config

import (
	"strconv"
	"unicode/utf8"
)

// quote quotes user text for a message, shortened so that a stray paste
// cannot bury the other problems.
func quote(s string) string {
	const maxRunes = 60
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes]) + "..."
	}
	return strconv.Quote(s)
}
