package config

import (
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// The package comment (doc.go) is the reference for .ddlbot.yml. The README's
// table of keys is generated from it, so that the two cannot drift apart,
// and a test checks that it documents exactly the keys the decoder accepts.

//go:embed doc.go
var docSource string

// Key is one documented key of the file.
type Key struct {
	// Path names the key as it is written: databases[].name, lint.fail_on.
	Path string
	// Default is what the documentation gives after "Default:", or "".
	Default string
	// Doc is the key's documentation, on one line.
	Doc string
}

var (
	reDocSection = regexp.MustCompile(`^# (databases|lint|deploy|limits)\b`)
	reDocBullet  = regexp.MustCompile(`^  - ([a-z_]+): (.*)$`)
	reDocDefault = regexp.MustCompile(`Default: (.*?)\.(?:\s|$)`)
)

// Reference returns the keys doc.go documents, in its order.
func Reference() []Key {
	var out []Key
	section := ""
	var cur *Key
	flush := func() {
		if cur != nil {
			cur.Doc = strings.TrimSpace(cur.Doc)
			if m := reDocDefault.FindStringSubmatch(cur.Doc); m != nil {
				// The value, without the sentence that explains it.
				def, _, _ := strings.Cut(m[1], ", ")
				cur.Default = strings.TrimSpace(def)
				if !strings.Contains(m[1], ", ") {
					// The table has a column for it.
					cur.Doc = strings.TrimSpace(strings.Replace(cur.Doc, m[0], "", 1))
				}
			}
			out = append(out, *cur)
			cur = nil
		}
	}
	for _, l := range strings.Split(docSource, "\n") {
		if !strings.HasPrefix(l, "//") {
			continue
		}
		l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), " ")
		if m := reDocSection.FindStringSubmatch(l); m != nil {
			flush()
			section = m[1]
			continue
		}
		if strings.HasPrefix(l, "# ") {
			flush()
			section = ""
			continue
		}
		if section == "" {
			continue
		}
		if m := reDocBullet.FindStringSubmatch(l); m != nil {
			flush()
			p := section + "." + m[1]
			if section == "databases" {
				p = "databases[]." + m[1]
			}
			cur = &Key{Path: p, Doc: m[2]}
			continue
		}
		if cur != nil && strings.HasPrefix(l, "    ") {
			cur.Doc += " " + strings.TrimSpace(l)
			continue
		}
		flush()
	}
	flush()
	return out
}

// DecodedKeys lists the keys the decoder accepts, as Reference names them.
func DecodedKeys() []string {
	var out []string
	for _, k := range databaseKeys {
		out = append(out, "databases[]."+k)
	}
	for _, k := range lintKeys {
		out = append(out, "lint."+k)
	}
	for _, k := range deployKeys {
		out = append(out, "deploy."+k)
	}
	for _, k := range limitsKeys {
		out = append(out, "limits."+k)
	}
	return out
}

// Markers around the generated table in the README.
const (
	ReferenceStart = "<!-- config-reference:start (generated from internal/config/doc.go by `go test ./internal/config -run Reference -update`) -->"
	ReferenceEnd   = "<!-- config-reference:end -->"
)

// WriteReference writes the keys as a markdown table.
func WriteReference(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| Key | Default | Meaning |\n|---|---|---|\n")
	for _, k := range Reference() {
		def := k.Default
		if def == "" {
			def = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.Path, cell(def), cell(k.Doc))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a table cell; code spans (the docs' own backticks)
// stay code.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// ReplaceReference returns readme with the text between the markers
// replaced by the current table.
func ReplaceReference(readme string) (string, error) {
	i := strings.Index(readme, ReferenceStart)
	j := strings.Index(readme, ReferenceEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("the markers %q and %q are missing or out of order", ReferenceStart, ReferenceEnd)
	}
	var b strings.Builder
	if err := WriteReference(&b); err != nil {
		return "", err
	}
	return readme[:i+len(ReferenceStart)] + "\n" + b.String() + readme[j:], nil
}
