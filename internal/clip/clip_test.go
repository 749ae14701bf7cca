package clip

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		s     string
		n     int
		runes string
		bytes string
	}{
		{"hello", 10, "hello", "hello"},
		{"hello", 5, "hello", "hello"},
		{"hello", 3, "hel…", "hel…"},
		{"héllo", 2, "hé…", "h…"}, // é is two bytes: the byte cut backs off before it
		{"日本語", 1, "日…", "…"},
		{"", 0, "", ""},
		{"x", 0, "…", "…"},
	} {
		if got := Runes(tc.s, tc.n); got != tc.runes {
			t.Errorf("Runes(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.runes)
		}
		if got := Bytes(tc.s, tc.n); got != tc.bytes {
			t.Errorf("Bytes(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.bytes)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("héllo wörld", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n > 1<<20 || n < -1 {
			return
		}
		if r := Runes(s, n); utf8.ValidString(s) && !utf8.ValidString(r) {
			t.Fatalf("Runes split a rune: %q", r)
		}
		if b := Bytes(s, n); utf8.ValidString(s) && !utf8.ValidString(b) {
			t.Fatalf("Bytes split a rune: %q", b)
		}
	})
}
