package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// A create-password response lost after the server made the password: the
// client deletes the password of that name (its secret is gone) and asks
// again, so it gets a usable password and leaves none behind.
func TestCreatePasswordLostResponse(t *testing.T) {
	var (
		mu     sync.Mutex
		live   = map[string]string{} // id → name
		nextID int
	)
	lose := 1 // responses to lose
	var h *harness
	h = newHarness(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		defer mu.Unlock()
		const base = "/v1/organizations/o/databases/d/branches/b/passwords"
		switch {
		case r.Method == http.MethodPost && r.URL.Path == base:
			var body CreatePasswordRequest
			_ = json.Unmarshal(h.requests()[n].Body, &body) // the harness has read r.Body
			nextID++
			id := fmt.Sprintf("pw%d", nextID)
			live[id] = body.Name
			if lose > 0 {
				lose--
				reply(w, 502, `{}`)
				return
			}
			reply(w, 201, fmt.Sprintf(`{"id":%q,"name":%q,"plain_text":"pscale_pw_secret","username":"u","access_host_url":"127.0.0.1:3306"}`, id, body.Name))
		case r.Method == http.MethodGet && r.URL.Path == base:
			var items []string
			for id, name := range live {
				items = append(items, fmt.Sprintf(`{"id":%q,"name":%q}`, id, name))
			}
			reply(w, 200, `{"current_page":1,"next_page":null,"data":[`+strings.Join(items, ",")+`]}`)
		case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, base+"/"):
			delete(live, strings.TrimPrefix(r.URL.Path, base+"/"))
			w.WriteHeader(204)
		default:
			reply(w, 404, `{"code":"not_found"}`)
		}
	}, nil)
	ctx := context.Background()
	pw, err := h.c.CreatePassword(ctx, "o", "d", "b", CreatePasswordRequest{Name: "ddlbot-apply-1-abc", Role: RoleAdmin})
	if err != nil || pw.PlainText == "" {
		t.Fatalf("CreatePassword = %+v, %v", pw, err)
	}
	mu.Lock()
	if len(live) != 1 || live[pw.ID] != "ddlbot-apply-1-abc" {
		t.Errorf("passwords left on the branch: %v (want only %s)", live, pw.ID)
	}
	mu.Unlock()
	var seq []string
	for _, r := range h.requests() {
		seq = append(seq, r.Method)
	}
	if got := strings.Join(seq, " "); got != "POST GET DELETE POST" {
		t.Errorf("requests %s", got)
	}
	if strings.Contains(h.logs.String(), "pscale_pw_secret") {
		t.Error("the password reached the logs")
	}

	// Another call's password of another name is left alone; an unnamed
	// request is never repeated.
	mu.Lock()
	lose = 1
	mu.Unlock()
	if _, err := h.c.CreatePassword(ctx, "o", "d", "b", CreatePasswordRequest{Role: RoleAdmin}); err == nil {
		t.Fatal("an unnamed create after a lost response succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if _, ok := live[pw.ID]; !ok || len(live) != 2 {
		t.Errorf("passwords %v", live)
	}
}
