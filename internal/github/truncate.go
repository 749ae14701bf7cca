package github

import (
	"strings"
	"unicode/utf8"
)

// GitHub's size limits, in characters. The cutting below counts UTF-8 bytes,
// which are never fewer than characters, so a cut text always fits.
const (
	// MaxCommentLength is the longest issue comment body GitHub accepts.
	MaxCommentLength = 65536
	// MaxCheckRunOutputLength is the longest check run output summary, and
	// separately text, GitHub accepts.
	MaxCheckRunOutputLength = 65535
)

const (
	truncatedNote = "\n\n_… cut to fit GitHub's size limit._\n"
	commentNote   = "\n\n> [!NOTE]\n> This comment was cut to fit GitHub's size limit: the full report is in the check run.\n"
	checkRunNote  = "\n\n_… cut to fit GitHub's size limit._\n"
)

// TruncateMarkdown returns s unchanged if it is at most maxLen bytes long, and
// otherwise a prefix of it cut safely, plus a note that it was cut, within maxLen
// bytes: on a line boundary where there is one in the second half of the
// budget (else on a character boundary), never inside an HTML comment,
// closing a ``` or ~~~ fence left open and every <details> left open.
func TruncateMarkdown(s string, maxLen int) string {
	return truncateMarkdown(s, maxLen, truncatedNote)
}

func truncateMarkdown(s string, maxLen int, note string) string {
	if len(s) <= maxLen {
		return s
	}
	if maxLen <= 0 {
		return ""
	}
	if len(note) > maxLen/4 {
		note = ""
	}
	limit := maxLen - len(note)
	for limit > 0 {
		cut := cutPoint(s, limit)
		st := scanMarkdown(s[:cut])
		for st.commentAt >= 0 { // never leave a hidden block open
			cut = st.commentAt
			st = scanMarkdown(s[:cut])
		}
		prefix := s[:cut]
		closers := st.closers(prefix)
		if len(prefix)+len(closers)+len(note) <= maxLen {
			return prefix + closers + note
		}
		limit = maxLen - len(note) - len(closers)
	}
	return s[:runeCut(s, maxLen)]
}

// cutPoint is the end of the longest prefix of s within limit bytes that
// ends a line, or, when no line ends in the second half of the budget, ends
// a character.
func cutPoint(s string, limit int) int {
	if limit >= len(s) {
		return len(s)
	}
	if i := strings.LastIndexByte(s[:limit], '\n'); i >= 0 && i+1 >= limit/2 {
		return i + 1
	}
	return runeCut(s, limit)
}

// runeCut is the largest n <= limit at which s[:n] ends on a rune boundary.
func runeCut(s string, limit int) int {
	if limit >= len(s) {
		return len(s)
	}
	n := limit
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

type mdState struct {
	fence     string // the open fence (e.g. "```" or "~~~~"), or ""
	details   int    // <details> opened and not closed, outside fences
	commentAt int    // start of the line where an unclosed <!-- opens, or -1
}

// scanMarkdown finds what s leaves open at its end.
func scanMarkdown(s string) mdState {
	st := mdState{commentAt: -1}
	inComment := false
	off := 0
	for off < len(s) {
		end := strings.IndexByte(s[off:], '\n')
		line := s[off:]
		next := len(s)
		if end >= 0 {
			line = s[off : off+end]
			next = off + end + 1
		}
		t := strings.TrimLeft(line, " \t")
		switch {
		case inComment:
			if j := strings.Index(line, "-->"); j >= 0 {
				inComment, st.commentAt = false, -1
				visible, open := stripComments(line[j+3:])
				st.details += countDetails(visible)
				if open {
					inComment, st.commentAt = true, off
				}
			}
		case st.fence != "":
			if isClosingFence(t, st.fence) {
				st.fence = ""
			}
		default:
			if f := openingFence(t); f != "" {
				st.fence = f
				break
			}
			visible, open := stripComments(line)
			st.details += countDetails(visible)
			if open {
				inComment, st.commentAt = true, off
			}
		}
		if st.details < 0 {
			st.details = 0
		}
		off = next
	}
	return st
}

// stripComments removes complete <!-- --> comments from a line and tells
// whether one is left open at its end.
func stripComments(line string) (string, bool) {
	var b strings.Builder
	for {
		i := strings.Index(line, "<!--")
		if i < 0 {
			b.WriteString(line)
			return b.String(), false
		}
		b.WriteString(line[:i])
		j := strings.Index(line[i+4:], "-->")
		if j < 0 {
			return b.String(), true
		}
		line = line[i+4+j+3:]
	}
}

func countDetails(s string) int {
	l := strings.ToLower(s)
	n := 0
	for i := 0; ; {
		j := strings.Index(l[i:], "<details")
		if j < 0 {
			break
		}
		k := i + j + len("<details")
		if k == len(l) || l[k] == '>' || l[k] == ' ' || l[k] == '\t' {
			n++
		}
		i = k
	}
	return n - strings.Count(l, "</details>")
}

// openingFence returns the fence a line opens (its run of ` or ~), or "".
func openingFence(t string) string {
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	c := t[0]
	n := 0
	for n < len(t) && t[n] == c {
		n++
	}
	if n < 3 || (c == '`' && strings.IndexByte(t[n:], '`') >= 0) {
		return ""
	}
	return t[:n]
}

func isClosingFence(t, fence string) bool {
	c := fence[0]
	n := 0
	for n < len(t) && t[n] == c {
		n++
	}
	return n >= len(fence) && strings.TrimSpace(t[n:]) == ""
}

// closers returns the text that closes what prefix leaves open.
func (st mdState) closers(prefix string) string {
	if st.fence == "" && st.details == 0 {
		return ""
	}
	var b strings.Builder
	if prefix != "" && !strings.HasSuffix(prefix, "\n") {
		b.WriteByte('\n')
	}
	if st.fence != "" {
		b.WriteString(st.fence)
		b.WriteByte('\n')
	}
	for range st.details {
		b.WriteString("\n</details>\n")
	}
	return b.String()
}
