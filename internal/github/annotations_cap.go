package github

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxAnnotations caps the annotations of one check run. Every 50 beyond the
// first 50 cost one more write, and an Action's GITHUB_TOKEN has 1,000
// requests an hour per repository: 5,000 findings would take 100 writes
// (and GitHub shows only a few annotations inline anyway). 200 is 4 writes.
const MaxAnnotations = 200

// CapAnnotations keeps at most MaxAnnotations annotations, the most severe
// first (failures, then warnings, then notices; otherwise in their order).
// When it drops some, it returns the summary with a line saying how many,
// and text listing them (GitHub shows the text under the summary). The
// summary is cut to GitHub's limit here, as the check run will store it, so
// that callers comparing a stored summary with a new one compare alike.
func CapAnnotations(summary string, anns []Annotation) (string, string, []Annotation) {
	if len(anns) <= MaxAnnotations {
		return truncateMarkdown(summary, MaxCheckRunOutputLength, checkRunNote), "", anns
	}
	rank := func(a Annotation) int {
		switch level, _ := annotationLevel(a.Level); level {
		case LevelFailure:
			return 0
		case LevelWarning:
			return 1
		}
		return 2
	}
	sorted := slices.Clone(anns)
	slices.SortStableFunc(sorted, func(a, b Annotation) int { return rank(a) - rank(b) })
	kept, rest := sorted[:MaxAnnotations], sorted[MaxAnnotations:]
	// The line goes after the report, which is cut to leave it room.
	note := fmt.Sprintf("\n\n%d more findings are not annotated (a check run carries at most %d annotations): they are listed below.\n", len(rest), MaxAnnotations)
	summary = truncateMarkdown(strings.TrimRight(summary, "\n"), MaxCheckRunOutputLength-len(note), checkRunNote) + note
	var b strings.Builder
	for _, a := range rest {
		pos := a.Path + ":" + strconv.Itoa(max(a.StartLine, 1))
		if a.StartColumn > 0 {
			pos += ":" + strconv.Itoa(a.StartColumn)
		}
		level, _ := annotationLevel(a.Level)
		fmt.Fprintf(&b, "%s: %s [%s] %s\n", pos, level, a.Title, strings.Join(strings.Fields(a.Message), " "))
	}
	// A fenced block: file names and messages are the user's, and markdown
	// (mentions, links, HTML) stays inert in it.
	list := strings.TrimRight(b.String(), "\n")
	fence := "```"
	for strings.Contains(list, fence) {
		fence += "`"
	}
	return summary, fmt.Sprintf("#### Findings not annotated (%d)\n\n%s\n%s\n%s\n", len(rest), fence, list, fence), kept
}
