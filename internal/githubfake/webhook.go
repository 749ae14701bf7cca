package githubfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// WebhookDir is where the vendored webhook payloads live, relative to the
// repository root.
const WebhookDir = "testdata/github/webhooks"

// RepoRoot finds the repository root: the nearest directory at or above the
// working directory that holds go.mod. It fails t if there is none.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("githubfake: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("githubfake: no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// LoadWebhook returns the vendored payload testdata/github/webhooks/<name>.json,
// such as "pull_request.opened" or "issue_comment.created.org".
func LoadWebhook(t testing.TB, name string) []byte {
	t.Helper()
	p := filepath.Join(RepoRoot(t), filepath.FromSlash(WebhookDir), name+".json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("githubfake: load webhook %q: %v", name, err)
	}
	return data
}

// Delete, as a value in AdaptWebhook's edits, removes the key.
var Delete = deleteMarker{}

type deleteMarker struct{}

// AdaptWebhook returns payload with edits applied. Each key is a dotted path
// ("pull_request.head.sha", "comment.user.login", "pull_request.labels.0.name"
// for an array element); missing objects on the way are created, and null
// ones replaced by objects. Values are any JSON-encodable Go value (a
// map[string]any sets a whole object); Delete removes the key. Edits apply in
// order of their paths, so a parent is set before its children. Numbers in
// the payload keep their exact digits.
//
// The vendored issue_comment examples are on issues; to put one on a pull
// request, set "issue.pull_request":
//
//	AdaptWebhook(t, LoadWebhook(t, "issue_comment.created"), map[string]any{
//		"issue.number":       7,
//		"issue.pull_request": map[string]any{"url": s.URL() + "repos/o/r/pulls/7"},
//		"comment.body":       "/deploy",
//	})
func AdaptWebhook(t testing.TB, payload []byte, edits map[string]any) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("githubfake: AdaptWebhook: payload is not JSON: %v", err)
	}
	keys := make([]string, 0, len(edits))
	for k := range edits {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		di, dj := strings.Count(keys[i], "."), strings.Count(keys[j], ".")
		if di != dj {
			return di < dj
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		v, err := normalize(edits[k])
		if err != nil {
			t.Fatalf("githubfake: AdaptWebhook %q: %v", k, err)
		}
		if doc, err = setPath(doc, strings.Split(k, "."), v, k); err != nil {
			t.Fatalf("githubfake: AdaptWebhook: %v", err)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("githubfake: AdaptWebhook: %v", err)
	}
	return out
}

// normalize turns a Go value into decoded JSON (maps, slices, json.Number),
// keeping Delete.
func normalize(v any) (any, error) {
	if _, ok := v.(deleteMarker); ok {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}

type pathError struct{ path, msg string }

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func setPath(node any, segs []string, v any, full string) (any, error) {
	seg := segs[0]
	_, del := v.(deleteMarker)
	switch n := node.(type) {
	case []any:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i > len(n) || (i == len(n) && (len(segs) > 1 || del)) {
			return nil, &pathError{full, "index " + seg + " is not in an array of " + strconv.Itoa(len(n))}
		}
		if len(segs) == 1 {
			switch {
			case del:
				return append(n[:i:i], n[i+1:]...), nil
			case i == len(n):
				return append(n, v), nil
			}
			n[i] = v
			return n, nil
		}
		child, err := setPath(n[i], segs[1:], v, full)
		if err != nil {
			return nil, err
		}
		n[i] = child
		return n, nil
	case map[string]any:
		if len(segs) == 1 {
			if del {
				delete(n, seg)
			} else {
				n[seg] = v
			}
			return n, nil
		}
		child, ok := n[seg]
		if !ok || child == nil {
			if del {
				return n, nil
			}
			child = map[string]any{}
		}
		child, err := setPath(child, segs[1:], v, full)
		if err != nil {
			return nil, err
		}
		n[seg] = child
		return n, nil
	case nil:
		return setPath(map[string]any{}, segs, v, full)
	default:
		return nil, &pathError{full, "cannot go into " + seg + ": the value there is not an object"}
	}
}

// Deliver POSTs a webhook delivery to url as GitHub would: X-GitHub-Event,
// a fresh X-GitHub-Delivery, and X-Hub-Signature-256 over payload with
// secret. It returns the status the receiver answered with.
func (s *Server) Deliver(url string, secret []byte, event string, payload []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return 0, fmt.Errorf("githubfake: deliver %s: %w", event, err)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(payload)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/githubfake")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", randomHex(16))
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("githubfake: deliver %s: %w", event, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
