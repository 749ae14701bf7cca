package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"name", "schema", "migrations", "production_branch", "format"}
	severities := []string{"error", "warning", "notice", "off"}
	tests := []struct {
		in         string
		candidates []string
		want       string
	}{
		{"shema", keys, "schema"},
		{"Schema", keys, "schema"},
		{"production-branch", keys, "production_branch"},
		{"productionBranch", keys, "production_branch"},
		{"migration", keys, "migrations"},
		{"fromat", keys, "format"},
		{"x", keys, ""},
		{"completely-unrelated", keys, ""},
		// An abbreviation too far by edit distance is still recognised...
		{"warn", severities, "warning"},
		// ...but only when it abbreviates one candidate, and is not too short.
		{"no", severities, ""},
		{"pro", []string{"production", "profile"}, ""},
	}
	for _, tt := range tests {
		got, ok := Closest(tt.in, tt.candidates)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Closest(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestDistanceGivesUpPastLimit(t *testing.T) {
	if d := Distance("kitten", "sitting", 5); d != 3 {
		t.Errorf("Distance(kitten, sitting) = %d, want 3", d)
	}
	long := string(make([]byte, 10000))
	if d := Distance(long, "x", 2); d != 3 {
		t.Errorf("Distance(long, x, 2) = %d, want limit+1 = 3", d)
	}
}
