package schemadiff_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/schemadiff"
)

// planFixture is one testdata/plans/<case>.txtar: two declarative versions
// of a schema, v1/ and v2/, in one file system.
type planFixture struct {
	name string
	fsys fstest.MapFS
}

// readPlanFixtures reads every testdata/plans/*.txtar. In an archive a file
// under v1/ or v2/ belongs to that version only, and a file under both/ to
// each version under its own name, so a table the plan leaves alone is
// written once; the archive's comment says what the case is about.
func readPlanFixtures(t *testing.T) []planFixture {
	t.Helper()
	var out []planFixture
	for _, a := range schemadiff.ReadTestArchives(t, "plans") {
		p := a.Path
		fsys := fstest.MapFS{}
		add := func(name string, data []byte) {
			if _, dup := fsys[name]; dup {
				t.Fatalf("%s: %s is given twice (under both/ and under its version?)", p, name)
			}
			fsys[name] = &fstest.MapFile{Data: data}
		}
		for _, f := range a.Files {
			switch dir, rest, _ := strings.Cut(f.Name, "/"); {
			case rest != "" && (dir == "v1" || dir == "v2"):
				add(f.Name, f.Data)
			case rest != "" && dir == "both":
				add("v1/"+rest, f.Data)
				add("v2/"+rest, f.Data)
			default:
				t.Fatalf("%s: file %q: want v1/<name>, v2/<name> or both/<name>", p, f.Name)
			}
		}
		out = append(out, planFixture{a.Name, fsys})
	}
	return out
}
