package github

import (
	"fmt"
	"strings"
	"testing"
)

func TestCapAnnotations(t *testing.T) {
	t.Run("under the cap", func(t *testing.T) {
		anns := []Annotation{{Path: "a.sql", StartLine: 1, Level: LevelNotice}}
		s, text, got := CapAnnotations("summary", anns)
		if s != "summary" || text != "" || len(got) != 1 {
			t.Fatalf("%q %q %v", s, text, got)
		}
	})
	t.Run("over the cap", func(t *testing.T) {
		// Notices first in the input: the failures must still be annotated.
		var anns []Annotation
		for i := range 5000 {
			level := LevelNotice
			switch {
			case i >= 4900:
				level = "error"
			case i >= 4800:
				level = LevelWarning
			}
			anns = append(anns, Annotation{Path: "db/schema/a.sql", StartLine: i + 1, StartColumn: 3, Level: level, Title: "rule",
				Message: fmt.Sprintf("finding %d ```\n@someone", i)})
		}
		s, text, got := CapAnnotations("report\n", anns)
		if len(got) != MaxAnnotations {
			t.Fatalf("%d annotations", len(got))
		}
		for i, a := range got {
			want := "error"
			if i >= 100 {
				want = LevelWarning
			}
			if a.Level != want {
				t.Fatalf("annotation %d is %s, want %s (failures, then warnings)", i, a.Level, want)
			}
		}
		if got[0].StartLine != 4901 || got[100].StartLine != 4801 {
			t.Errorf("order within a level not kept: %d, %d", got[0].StartLine, got[100].StartLine)
		}
		if !strings.HasPrefix(s, "report\n\n4800 more findings are not annotated") {
			t.Errorf("summary %q", s)
		}
		if !strings.Contains(text, "db/schema/a.sql:1:3: notice [rule] finding 0 ``` @someone\n") || !strings.Contains(text, "\n````\n") {
			t.Errorf("text does not list the rest in a fence longer than their backticks:\n%.300s", text)
		}
	})
	t.Run("long summary", func(t *testing.T) {
		long := strings.Repeat("x", 2*MaxCheckRunOutputLength)
		anns := make([]Annotation, MaxAnnotations+1)
		for i := range anns {
			anns[i] = Annotation{Path: "a.sql", StartLine: 1}
		}
		s, _, _ := CapAnnotations(long, anns)
		if len(s) > MaxCheckRunOutputLength || !strings.HasSuffix(s, "1 more findings are not annotated (a check run carries at most 200 annotations): they are listed below.\n") {
			t.Errorf("summary of %d bytes ends %q", len(s), s[max(0, len(s)-120):])
		}
		if s2, _, _ := CapAnnotations(long, anns[:1]); len(s2) > MaxCheckRunOutputLength {
			t.Errorf("summary of %d bytes", len(s2))
		}
	})
}
