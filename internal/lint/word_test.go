package lint

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// wordRegexpMatches is the definition wordMatches must agree with.
func wordRegexpMatches(text, needle string, limit int) [][2]int {
	var out [][2]int
	for _, m := range regexp.MustCompile(wordPattern(needle)).FindAllStringSubmatchIndex(text, limit) {
		out = append(out, [2]int{m[4], m[5]})
	}
	return out
}

func sameSpans(a, b [][2]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWordMatches(t *testing.T) {
	for _, tc := range []struct {
		text, needle string
		want         [][2]int
	}{
		{"CREATE TABLE t (id int, `name` varchar(10))", "name", [][2]int{{24, 30}}},
		{"ALTER TABLE users ADD COLUMN users int", "USERS", [][2]int{{12, 17}, {29, 34}}},
		{"col col", "col", [][2]int{{0, 3}}}, // the separator belongs to the first match
		{"`a``b`", "a", [][2]int{{0, 3}}},    // the second quote is the separator
		{"x `a`b", "a", [][2]int{{2, 4}}},
		{"a_b a", "a", [][2]int{{4, 5}}},
		{"$a a$", "a", nil},
	} {
		got, ok := wordMatches(tc.text, tc.needle, 2)
		if !ok || !sameSpans(got, tc.want) {
			t.Errorf("wordMatches(%q, %q) = %v, %v; want %v", tc.text, tc.needle, got, ok, tc.want)
		}
		if re := wordRegexpMatches(tc.text, tc.needle, 2); !sameSpans(re, tc.want) {
			t.Errorf("the regexp gives %v for %q in %q; the table is wrong", re, tc.needle, tc.text)
		}
	}
	for _, tc := range []struct{ text, needle string }{{"café a", "a"}, {"a", "a-b"}, {"a", ""}} {
		if _, ok := wordMatches(tc.text, tc.needle, 2); ok {
			t.Errorf("wordMatches(%q, %q) took the fast path", tc.text, tc.needle)
		}
	}
}

// TestWordMatchesAgreesWithRegexp compares the two on random text over an
// alphabet of word characters, quotes and separators.
func TestWordMatchesAgreesWithRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAbB_$1` ,(\n"
	needles := []string{"a", "A", "ab", "aa", "b_a", "a$", "1", "aba"}
	for i := 0; i < 20000; i++ {
		b := make([]byte, r.IntN(14))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		text, needle := string(b), needles[r.IntN(len(needles))]
		for _, limit := range []int{1, 2, len(text) + 1} {
			got, ok := wordMatches(text, needle, limit)
			want := wordRegexpMatches(text, needle, limit)
			if !ok || !sameSpans(got, want) {
				t.Fatalf("wordMatches(%q, %q, %d) = %v, %v; the regexp gives %v", text, needle, limit, got, ok, want)
			}
		}
	}
}

func FuzzWordMatches(f *testing.F) {
	f.Add("CREATE TABLE `t` (`t` int, tt int)", "t")
	f.Add("a``a` a", "a")
	f.Fuzz(func(t *testing.T, text, needle string) {
		got, ok := wordMatches(text, needle, 2)
		if !ok {
			return
		}
		if want := wordRegexpMatches(text, needle, 2); !sameSpans(got, want) {
			t.Fatalf("wordMatches(%q, %q) = %v; the regexp gives %v", text, needle, got, want)
		}
	})
}
