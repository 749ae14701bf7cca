package config

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's configuration reference")

// TestReferenceDocumentsEveryKey: doc.go documents exactly the keys the
// decoder accepts, each with its meaning.
func TestReferenceDocumentsEveryKey(t *testing.T) {
	var documented []string
	for _, k := range Reference() {
		documented = append(documented, k.Path)
		if len(k.Doc) < 10 {
			t.Errorf("%s: documentation %q is too short", k.Path, k.Doc)
		}
	}
	decoded := DecodedKeys()
	for _, k := range decoded {
		if !slices.Contains(documented, k) {
			t.Errorf("%s is accepted but not documented in doc.go (add a bullet `  - %s: ...` under its section)", k, k[strings.LastIndexAny(k, ".]")+1:])
		}
	}
	for _, k := range documented {
		if !slices.Contains(decoded, k) {
			t.Errorf("doc.go documents %s, which the decoder does not accept", k)
		}
	}
	want := map[string]string{"databases[].production_branch": DefaultProductionBranch, "databases[].mysql_version": DefaultMySQLVersion,
		"lint.fail_on": DefaultFailOn, "deploy.min_permission": DefaultMinPermission, "deploy.required_approvals": "0"}
	for _, k := range Reference() {
		if w, ok := want[k.Path]; ok && k.Default != w {
			t.Errorf("%s: doc.go gives the default %q, the code %q", k.Path, k.Default, w)
		}
	}
}

// TestReference keeps the README's configuration table in step with doc.go;
// -update rewrites it.
func TestReference(t *testing.T) {
	const readmePath = "../../README.md"
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReplaceReference(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if got == string(data) {
		return
	}
	if *update {
		if err := os.WriteFile(readmePath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("the configuration reference in README.md is out of date: run `go test ./internal/config -run Reference -update`")
}
