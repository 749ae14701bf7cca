package localscale

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url) // no token: pages are for browsers
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestPagesBehindLinks checks that every html_url localscale hands out opens
// a page of its own that describes the object, and escapes user text.
func TestPagesBehindLinks(t *testing.T) {
	h := newHarness(t)
	b := h.branch("dev")
	h.mustDDL("dev", "ALTER TABLE users ADD COLUMN note varchar(20) COMMENT '<script>x</script>'")
	dr := h.openDR("dev", map[string]any{"notes": "<b>notes</b>"})
	var db struct {
		HTMLURL string `json:"html_url"`
	}
	h.must("GET", dbPath, nil, 200, &db)
	for _, tc := range []struct{ url, want string }{
		{db.HTMLURL, "deploy request #1"},
		{b.HTMLURL, "branch dev"},
		{dr.HTMLURL, "deploy request #1"},
	} {
		if !strings.HasPrefix(tc.url, h.ts.URL+"/app/") {
			t.Errorf("html_url %q is not one of localscale's pages", tc.url)
			continue
		}
		code, body := get(t, tc.url)
		if code != 200 || !strings.Contains(body, tc.want) || !strings.Contains(body, "local emulator") {
			t.Errorf("GET %s: %d\n%s", tc.url, code, body)
		}
	}
	_, body := get(t, dr.HTMLURL)
	if !strings.Contains(body, "`note` varchar(20)") || strings.Contains(body, "<script>") || strings.Contains(body, "<b>notes") {
		t.Errorf("deploy request page: DDL missing or user text not escaped:\n%s", body)
	}
	if code, _ := get(t, h.ts.URL+"/app/acme/app/deploy-requests/99"); code != 404 {
		t.Errorf("unknown deploy request: %d, want 404", code)
	}
	// The API itself still wants its token.
	if code, _ := get(t, h.ts.URL+"/v1"+dbPath); code != 401 {
		t.Errorf("API without a token: %d, want 401", code)
	}
}

// TestNoPages checks that an in-process server gives no links at all
// rather than links to pages that end with the command.
func TestNoPages(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.NoPages = true })
	h.branch("dev")
	h.mustDDL("dev", "ALTER TABLE users ADD COLUMN note int")
	dr := h.openDR("dev", nil)
	if dr.HTMLURL != "" {
		t.Errorf("html_url = %q, want none", dr.HTMLURL)
	}
	if code, _ := get(t, h.ts.URL+"/app/acme/app/deploy-requests/1"); code == 200 {
		t.Errorf("a page is served with NoPages")
	}
}
