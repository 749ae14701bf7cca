package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionString(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-01-01T00:00:00Z"}}
	dirty := append(vcs[:2:2], debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	for _, c := range []struct {
		name, stamped, commit string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"release with vcs", "v1.2.3", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "v1.2.3 (0123456789ab)"},
		{"release with stamped commit", "v1.2.3", "fedcba9876543210", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "v1.2.3 (fedcba987654)"},
		{"Go's revision wins", "v1.2.3", "fedcba9876543210", &debug.BuildInfo{Settings: vcs}, "v1.2.3 (0123456789ab)"},
		{"release without vcs", "v1.2.3", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "v1.2.3"},
		{"release, no build info", "v1.2.3", "", nil, "v1.2.3"},
		{"go install at a version", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"source build, dirty", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "devel (0123456789ab, dirty)"},
		{"nothing known", "", "", nil, "devel"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := versionString(c.stamped, c.commit, c.info); got != c.want {
				t.Errorf("versionString(%q) = %q, want %q", c.stamped, got, c.want)
			}
		})
	}
}
