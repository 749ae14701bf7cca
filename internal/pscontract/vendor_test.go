package pscontract

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// When the shared reference folder is beside the repository (it is not in
// CI), the vendored excerpts must equal it byte for byte.
func TestVendoredExcerptsAreCurrent(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "reference", "planetscale-api")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("no reference folder at %s", ref)
	}
	for _, name := range Names() {
		vendored, err := excerpts.ReadFile(excerptDir + "/" + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		current, err := os.ReadFile(filepath.Join(ref, name+".txt"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(vendored, current) {
			t.Errorf("%s.txt differs from %s: run scripts/vendor-planetscale-openapi.sh", name, ref)
		}
	}
}
