package githubfake

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
)

// snapshot is the files of a repository at one commit, with the git object
// ids git itself would compute for them.
type snapshot struct {
	files  map[string]string // path → content
	blobs  map[string]string // path → blob SHA
	trees  map[string]*tree  // directory ("" for the root) → tree
	byTree map[string]string // tree SHA → directory
}

type treeEntry struct {
	name string
	dir  bool
	sha  string
}

type tree struct {
	sha     string
	entries []treeEntry
}

func newSnapshot(files map[string]string) *snapshot {
	sn := &snapshot{
		files:  map[string]string{},
		blobs:  map[string]string{},
		trees:  map[string]*tree{},
		byTree: map[string]string{},
	}
	children := map[string]map[string]bool{"": {}} // dir → child names ("name/" for dirs)
	for p, content := range files {
		p = strings.Trim(path.Clean("/"+p), "/")
		sn.files[p] = content
		sn.blobs[p] = blobSHA(content)
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		for {
			if children[dir] == nil {
				children[dir] = map[string]bool{}
			}
			children[dir][name] = true
			if dir == "" {
				break
			}
			parent, base := path.Split(dir)
			dir, name = strings.TrimSuffix(parent, "/"), base+"/"
		}
	}
	var build func(dir string) string
	build = func(dir string) string {
		t := &tree{}
		for name := range children[dir] {
			full := joinPath(dir, strings.TrimSuffix(name, "/"))
			if strings.HasSuffix(name, "/") {
				t.entries = append(t.entries, treeEntry{name: strings.TrimSuffix(name, "/"), dir: true, sha: build(full)})
			} else {
				t.entries = append(t.entries, treeEntry{name: name, sha: sn.blobs[full]})
			}
		}
		// git sorts entries by name, a directory's name taken with a "/".
		sort.Slice(t.entries, func(i, j int) bool { return t.entries[i].sortKey() < t.entries[j].sortKey() })
		var b bytes.Buffer
		for _, e := range t.entries {
			mode := "100644"
			if e.dir {
				mode = "40000"
			}
			raw, _ := hex.DecodeString(e.sha)
			fmt.Fprintf(&b, "%s %s\x00", mode, e.name)
			b.Write(raw)
		}
		t.sha = gitHash("tree", b.Bytes())
		sn.trees[dir] = t
		sn.byTree[t.sha] = dir
		return t.sha
	}
	build("")
	return sn
}

func (e treeEntry) sortKey() string {
	if e.dir {
		return e.name + "/"
	}
	return e.name
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func gitHash(kind string, data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", kind, len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func blobSHA(content string) string { return gitHash("blob", []byte(content)) }

// fakeSHA makes a stable commit-like SHA from parts.
func fakeSHA(parts ...string) string {
	h := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

// lineDiff compares two texts line by line (longest common subsequence) and
// returns the lines added and deleted, and a unified patch of one hunk that
// shows the whole file.
func lineDiff(oldText, newText string) (added, deleted int, patch string) {
	a, b := splitLines(oldText), splitLines(newText)
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var body strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			body.WriteString(" " + a[i] + "\n")
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			body.WriteString("+" + b[j] + "\n")
			added++
			j++
		default:
			body.WriteString("-" + a[i] + "\n")
			deleted++
			i++
		}
	}
	start := func(count int) int {
		if count == 0 {
			return 0
		}
		return 1
	}
	header := fmt.Sprintf("@@ -%d,%d +%d,%d @@\n", start(n), n, start(m), m)
	return added, deleted, strings.TrimSuffix(header+body.String(), "\n")
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
