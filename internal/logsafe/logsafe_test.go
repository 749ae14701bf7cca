package logsafe

import (
	"strings"
	"testing"
	"unicode"
)

// isCommand reports whether the Actions runner would take line for a
// workflow command: "::" after leading white space, or "##[" anywhere.
func isCommand(line string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") || strings.Contains(line, "##[")
}

// runnerLines splits text the way the runner reads a step's output.
func runnerLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

func TestLineAndText(t *testing.T) {
	for _, tc := range []struct{ in, line, text string }{
		{"plain", "plain", "plain"},
		{"::error::owned", zwsp + "::error::owned", zwsp + "::error::owned"},
		{"    ::add-mask::x", "    " + zwsp + "::add-mask::x", "    " + zwsp + "::add-mask::x"},
		{"\u00a0\t::warning::x", "\u00a0\t" + zwsp + "::warning::x", "\u00a0\t" + zwsp + "::warning::x"},
		{"done reason=a##[set-output name=x]y", "done reason=a##" + zwsp + "[set-output name=x]y", "done reason=a##" + zwsp + "[set-output name=x]y"},
		{"a::b", "a::b", "a::b"},
		{"x\n::error::y", "x ::error::y", "x\n" + zwsp + "::error::y"},
		{"x\r::error::y", "x ::error::y", "x ::error::y"},
		{"x\r\n  ::stop-commands::t\r\n", "x   ::stop-commands::t ", "x\n  " + zwsp + "::stop-commands::t\n"},
	} {
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if got := Text(tc.in); got != tc.text {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.text)
		}
	}
}

// Whatever the input, no line of the output is a workflow command.
func FuzzText(f *testing.F) {
	for _, s := range []string{"::error::x", " ##[add-mask]y", "a\r::b", "###[[", "\u2003::x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Text(s), Line(s)} {
			for _, l := range runnerLines(out) {
				if isCommand(l) {
					t.Fatalf("%q gives the command line %q", s, l)
				}
			}
		}
		if strings.ContainsAny(Line(s), "\r\n") {
			t.Fatalf("Line(%q) is several lines", s)
		}
	})
}
