package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/github"
)

// A change with hundreds of findings gets at most github.MaxAnnotations
// annotations (a few check-run writes, not one per 50 findings), and the
// check run says how many more there are and lists them; a second delivery
// writes nothing new.
func TestActionAnnotationsCapped(t *testing.T) {
	const n = 450
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "CREATE TABLE events_%03d (payload json);\n", i)
	}
	w := newActWorld(t)
	_, bad := w.standardAt("many", map[string]string{"db/schema/events.sql": b.String()})
	r := w.run("opened (450 lint errors)", "pull_request", w.prEvent("opened"), nil)
	wantOutputs(t, r, map[string]any{outDecision: bot.DecisionFailed, outLintErrors: fmt.Sprint(n)})
	cr := w.checkRun(bad, "ddlbot/app")
	if cr == nil {
		t.Fatal("no check run")
	}
	if len(cr.Annotations) != github.MaxAnnotations {
		t.Errorf("%d annotations, want %d", len(cr.Annotations), github.MaxAnnotations)
	}
	// One create in progress, then the completion with 50 annotations and 3
	// updates of 50: not the 9 writes 450 annotations would take.
	if cr.Requests > 1+github.MaxAnnotations/github.MaxAnnotationsPerRequest {
		t.Errorf("%d check-run writes", cr.Requests)
	}
	contains(t, "check run summary", cr.Summary, fmt.Sprintf("%d more findings are not annotated", n-github.MaxAnnotations))
	contains(t, "check run text", cr.Text, "db/schema/events.sql:450:1: failure [no-unique-key]", "Findings not annotated (250)")
	for _, a := range cr.Annotations {
		if a.StartLine > github.MaxAnnotations {
			t.Fatalf("annotation at line %d: the first findings are the annotated ones", a.StartLine)
		}
	}
	writes := r.ghWriteCalls
	r = w.run("opened (again)", "pull_request", w.prEvent("opened"), nil)
	if again := w.checkRun(bad, "ddlbot/app"); again.ID != cr.ID || again.Requests != cr.Requests || len(again.Annotations) != github.MaxAnnotations {
		t.Errorf("a second delivery rewrote the check run: %d → %d requests, %d annotations (first run: %d writes)", cr.Requests, again.Requests, len(again.Annotations), writes)
	}
	wantNoViolations(t, w)
}
