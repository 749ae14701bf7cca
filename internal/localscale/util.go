package localscale

import (
	"context"
	"html"
	"sort"

	"github.com/ddlbot/ddlbot/schemadiff"
)

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func htmlEscape(s string) string { return html.EscapeString(s) }

// computeDiff diffs two schemas with the options deploy requests use.
func computeDiff(from, to *schemadiff.Schema) (*schemadiff.Diff, error) {
	return schemadiff.Compute(context.Background(), from, to, schemadiff.DiffOptions{})
}
