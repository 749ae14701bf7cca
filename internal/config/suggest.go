package config

import (
	"strconv"
	"unicode/utf8"
)

// closest returns the candidate nearest to s by edit distance, when it is
// near enough to be a plausible typo. The threshold grows with the length of
// s so that "shema" suggests "schema" but "x" suggests nothing.
func closest(s string, candidates []string) (string, bool) {
	limit := 1 + utf8.RuneCountInString(s)/4
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := editDistance(s, c, limit); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, best != ""
}

// editDistance is the Levenshtein distance between a and b over runes. It
// gives up early, returning limit+1, once the distance must exceed limit, so a
// pasted paragraph as a key costs no more than a short one.
func editDistance(a, b string, limit int) int {
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

// quote quotes user text for a message, shortened so that a stray paste
// cannot bury the other problems.
func quote(s string) string {
	const maxRunes = 60
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes]) + "..."
	}
	return strconv.Quote(s)
}
