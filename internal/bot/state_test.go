package bot

import (
	"strings"
	"testing"
)

func TestStateRoundTrip(t *testing.T) {
	st := PlanState{Database: "app", Branch: testBranch, DeployRequest: 3, HeadSHA: "abc"}
	body := "hello\n" + encodeState(st) + "\nbye"
	got, ok := decodeState(body)
	if !ok || got.Database != "app" || got.DeployRequest != 3 || got.Version != 1 {
		t.Fatalf("decode = %+v %v", got, ok)
	}
	evil := PlanState{Database: "x --> <script>", Branch: "b"}
	enc := encodeState(evil)
	if strings.Count(enc, "-->") != 1 {
		t.Fatalf("user text closes the comment early: %s", enc)
	}
	if got, ok := decodeState(enc); !ok || got.Database != evil.Database {
		t.Fatalf("hostile round trip = %+v %v", got, ok)
	}
	if _, ok := decodeState("no block"); ok {
		t.Fatal("found a block in plain text")
	}
	if m := Marker("a-->b"); strings.Count(m, "-->") != 1 {
		t.Fatalf("marker %q", m)
	}
}

func FuzzDecodeState(f *testing.F) {
	f.Add(encodeState(PlanState{Database: "app", DeployRequest: 1}))
	f.Add("<!-- ddlbot:state {\"v\":1,\"db\":1} -->")
	f.Fuzz(func(t *testing.T, body string) {
		_, _ = decodeState(body)
	})
}
