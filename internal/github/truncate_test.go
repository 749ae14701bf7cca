package github

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkCut asserts the invariants of every cut: within max, valid UTF-8, a
// prefix of the input (before the closers), nothing left open.
func checkCut(t *testing.T, in string, maxLen int, out string) {
	t.Helper()
	if len(out) > maxLen {
		t.Fatalf("len %d > max %d", len(out), maxLen)
	}
	if !utf8.ValidString(out) && utf8.ValidString(in) {
		t.Fatalf("invalid UTF-8 at the cut: %q", out[max(0, len(out)-20):])
	}
	if len(in) <= maxLen {
		if out != in {
			t.Fatal("a text within max was changed")
		}
		return
	}
	if maxLen < 200 {
		return
	}
	if st := scanMarkdown(out); st.fence != "" || st.details != 0 || st.commentAt >= 0 {
		t.Fatalf("left open: %+v in\n%s", st, out[max(0, len(out)-200):])
	}
	if !strings.Contains(out, "cut to fit") {
		t.Fatal("no note")
	}
}

func TestTruncateMarkdownShort(t *testing.T) {
	s := "# hi\n```\nopen fence"
	if got := TruncateMarkdown(s, len(s)); got != s {
		t.Fatalf("got %q", got)
	}
}

func TestTruncateMarkdownClosesFenceAndDetails(t *testing.T) {
	var b strings.Builder
	b.WriteString("## Plan\n\n<details><summary>Diff</summary>\n\n```diff\n")
	for i := 0; b.Len() < 5000; i++ {
		b.WriteString("+ ALTER TABLE `users` ADD COLUMN `c` int;\n")
	}
	b.WriteString("```\n\n</details>\n\nnext step: /deploy\n")
	in := b.String()
	out := TruncateMarkdown(in, 1000)
	checkCut(t, in, 1000, out)
	body, _, _ := strings.Cut(out, "```\n\n</details>")
	if !strings.HasPrefix(in, body) || !strings.HasSuffix(body, ";\n") {
		t.Fatalf("cut not on a line boundary:\n%s", out)
	}
	if !strings.HasSuffix(out, "```\n\n</details>\n"+truncatedNote) {
		t.Fatalf("closers:\n%q", out[len(out)-80:])
	}
}

func TestTruncateMarkdownTildeAndLongFences(t *testing.T) {
	in := "~~~~sql\n```\nnot a close\n" + strings.Repeat("SELECT 1;\n", 300)
	out := TruncateMarkdown(in, 500)
	checkCut(t, in, 500, out)
	if !strings.Contains(out, "\n~~~~\n") {
		t.Fatalf("tilde fence not closed with its own length:\n%s", out)
	}
	in = "````md\n```sql\ninner\n```\n" + strings.Repeat("text\n", 300)
	out = TruncateMarkdown(in, 500)
	checkCut(t, in, 500, out)
	if !strings.Contains(out, "\n````\n") {
		t.Fatalf("4-backtick fence:\n%s", out)
	}
}

func TestTruncateMarkdownDetailsInsideFenceIgnored(t *testing.T) {
	in := "```html\n<details>\n```\n<details>\n<details open>\n</details>\n" + strings.Repeat("row\n", 500)
	out := TruncateMarkdown(in, 400)
	checkCut(t, in, 400, out)
	if n := strings.Count(out, "</details>"); n != 2 { // one from the text, one closer
		t.Fatalf("%d </details>:\n%s", n, out)
	}
}

func TestTruncateMarkdownMultibyte(t *testing.T) {
	in := strings.Repeat("é✓𝄞", 1000) // one long line: cut on a character boundary
	for max := 300; max < 320; max++ {
		out := TruncateMarkdown(in, max)
		checkCut(t, in, max, out)
		if !utf8.ValidString(out) {
			t.Fatalf("max %d: invalid UTF-8", max)
		}
	}
	for max := range 12 {
		out := TruncateMarkdown(in, max)
		if len(out) > max || !utf8.ValidString(out) {
			t.Fatalf("tiny max %d: %q", max, out)
		}
	}
}

func TestTruncateMarkdownNeverCutsInsideHTMLComment(t *testing.T) {
	in := "<!-- ddlbot:plan db=app -->\nvisible\n<!-- ddlbot:state\n" + strings.Repeat(`{"k":"v"}`+"\n", 200) + "-->\nafter\n"
	out := TruncateMarkdown(in, 800)
	checkCut(t, in, 800, out)
	if strings.Contains(out, "ddlbot:state") || !strings.HasPrefix(out, "<!-- ddlbot:plan db=app -->\nvisible\n") {
		t.Fatalf("out:\n%s", out)
	}
}

func TestTruncateMarkdownRandom(t *testing.T) {
	pieces := []string{"text line\n", "```sql\n", "```\n", "~~~\n", "<details>\n", "<summary>s</summary>\n", "</details>\n",
		"<!-- c -->\n", "<!--\n", "-->\n", "| a | b |\n", "ünï ✓ 𝄞\n", "`inline` code\n", strings.Repeat("x", 300) + "\n"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var b strings.Builder
		for range r.IntN(200) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		in := b.String()
		max := 200 + r.IntN(3000)
		checkCut(t, in, max, TruncateMarkdown(in, max))
	}
}

func FuzzTruncateMarkdown(f *testing.F) {
	f.Add("```\n<details>\n<!-- x\n", 250)
	f.Add(strings.Repeat("é✓\n", 200), 210)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<20 {
			return
		}
		out := TruncateMarkdown(s, max)
		if len(out) > max && len(s) > max {
			t.Fatalf("len %d > %d", len(out), max)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatal("invalid UTF-8")
		}
	})
}
