// Package suggest finds the word a user most likely meant: the "did you
// mean" of configuration keys, flags, rule ids and PR commands.
package suggest

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate nearest to s by edit distance when it is
// near enough to be a plausible typo, or else the one candidate s
// abbreviates. The threshold grows with the length of s so that "shema"
// suggests "schema" but "x" suggests nothing.
func Closest(s string, candidates []string) (string, bool) {
	limit := 1 + utf8.RuneCountInString(s)/4
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := Distance(s, c, limit); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best, true
	}
	return uniquePrefix(s, candidates)
}

// Distance is the Levenshtein distance between a and b over runes. It
// gives up early, returning limit+1, once the distance must exceed limit, so a
// pasted paragraph as a key costs no more than a short one.
func Distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// uniquePrefix returns the one candidate that s abbreviates ("warn" for
// "warning"), which edit distance alone finds too far.
func uniquePrefix(s string, candidates []string) (string, bool) {
	if len(s) < 3 {
		return "", false
	}
	found := ""
	for _, c := range candidates {
		if strings.HasPrefix(c, s) {
			if found != "" {
				return "", false
			}
			found = c
		}
	}
	return found, found != ""
}
