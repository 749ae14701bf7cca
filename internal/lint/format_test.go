package lint

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/golden"
	"github.com/ddlbot/ddlbot/schemadiff"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// update rewrites golden files (go test ./internal/lint/ -run Golden -update)
// and the README's rule reference (-run RuleReference -update).
var update = flag.Bool("update", false, "rewrite golden files and the README's rule reference")

// goldenSources are the files the golden findings point into: tabs, unicode
// (accents, CJK, emoji) before the finding columns.
var goldenSources = map[string]*schemadiff.Source{
	"schema/users.sql": schemadiff.NewSource("schema/users.sql", "CREATE TABLE users (\n"+
		"\tid bigint NOT NULL,\n"+
		"\tprice FLOAT NOT NULL,\n"+
		"  note varchar(20) COMMENT 'café ☕ 名前', score DOUBLE\n"+
		")\n"+
		"ENGINE=InnoDB;\n"+
		"ALTER TABLE users DROP COLUMN legacy;\n"),
	"migrations/0002_orders.sql": schemadiff.NewSource("migrations/0002_orders.sql", "CREATE TABLE orders (id int)\n"),
}

func goldenLookup(file string) *schemadiff.Source { return goldenSources[file] }

// goldenSpan finds the n-th (0-based) occurrence of needle in a golden file
// and returns its span as a finding position.
func goldenSpan(t testing.TB, file, needle string, n int) schemadiff.Origin {
	t.Helper()
	src := goldenSources[file]
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(src.Text[off+1:], needle)
		if j < 0 {
			t.Fatalf("%q not found in %s", needle, file)
		}
		off += 1 + j
	}
	return src.Span(off, off+len(needle))
}

func findingAt(o schemadiff.Origin, rule string, sev Severity, msg string) Finding {
	return Finding{File: o.File, Line: o.Line, Column: o.Column, EndLine: o.EndLine, EndColumn: o.EndColumn, Rule: rule, Severity: sev, Message: msg}
}

// goldenFindings covers each severity, a multi-line finding, a finding
// without a file, a file the source lookup does not know, tabs and unicode
// before the column.
func goldenFindings(t testing.TB) []Finding {
	users := "schema/users.sql"
	stmt := goldenSpan(t, users, "CREATE TABLE users (\n\tid bigint NOT NULL,\n\tprice FLOAT NOT NULL,\n  note varchar(20) COMMENT 'café ☕ 名前', score DOUBLE\n)\nENGINE=InnoDB", 0)
	return []Finding{
		findingAt(stmt, "no-unique-key", Error, "table `users` has no PRIMARY KEY and no UNIQUE key over NOT NULL columns"),
		findingAt(goldenSpan(t, users, "price", 0), "float-column", Warning, "column `users`.`price` is FLOAT, which stores approximate values"),
		findingAt(goldenSpan(t, users, "score", 0), "float-column", Warning, "column `users`.`score` is DOUBLE, which stores approximate values"),
		findingAt(goldenSpan(t, users, "DROP COLUMN legacy", 0), "drop-column", Notice, "ALTER TABLE drops column `users`.`legacy`: 100% of its data is lost"),
		{File: "migrations/0002_orders.sql", Line: 1, Column: 1, EndLine: 1, EndColumn: 28, Rule: "no-unique-key", Severity: Error, Message: "table `orders` has no PRIMARY KEY"},
		{Line: 3, Column: 7, EndLine: 3, EndColumn: 9, Rule: "syntax-error", Severity: Error, Message: "syntax error at position 9 near `TABL`"},
	}
}

// goldenRules stand for Rules() in the golden SARIF and rule reference, so
// that adding a rule does not change them.
func goldenRules() []*Rule {
	noop := func(*Pass) {}
	return []*Rule{
		{ID: "syntax-error", Category: CategoryFile, Severity: Error, Summary: "A statement that does not parse.", Why: "Nothing after it runs.", Fix: "Correct the SQL at the position shown.", Check: noop},
		{ID: "no-unique-key", Category: CategoryPlanetScale, Severity: Error, PlanetScaleCode: "NO_UNIQUE_KEY", Summary: "A table without a PRIMARY KEY | UNIQUE key.", Why: "Online schema changes copy rows by such a key;\nPlanetScale rejects the deploy request.", Fix: "Add a PRIMARY KEY, for example `id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY`.", Check: noop},
		{ID: "drop-column", Category: CategorySafety, Severity: Notice, Summary: "A change that drops a column.", Why: "The column's data is gone once the deploy request is deployed, and code that still reads it fails.", Fix: "Stop reading and writing the column first, deploy that, then drop it.", Check: noop},
		{ID: "float-column", Category: CategoryStyle, Severity: Warning, Summary: "A FLOAT or DOUBLE column.", Why: "Floating-point columns store approximations.", Fix: "Use DECIMAL(p,s) for exact values.", Check: noop},
		{ID: "table-comment", Category: CategoryStyle, Severity: Off, Summary: "A table without a comment.", Why: "Comments document the schema where it lives.", Fix: "Add COMMENT 'what the table holds'.", Check: noop},
	}
}

// renderGolden renders the golden findings in a format.
func renderGolden(t *testing.T, format Format) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if format == FormatSARIF {
		err = writeSARIF(&b, goldenFindings(t), WriteOptions{Version: "1.2.3"}, goldenRules())
	} else {
		err = Write(&b, format, goldenFindings(t), goldenLookup)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkGolden compares got with testdata/golden/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got, *update, "go test ./internal/lint/ -run Golden -update")
}

func TestGolden(t *testing.T) {
	for _, c := range []struct {
		format Format
		file   string
	}{
		{FormatText, "findings.txt"},
		{FormatJSON, "findings.json"},
		{FormatSARIF, "findings.sarif"},
		{FormatGitHub, "findings.github"},
	} {
		t.Run(string(c.format), func(t *testing.T) { checkGolden(t, c.file, renderGolden(t, c.format)) })
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"text", "json", "sarif", "github", " SARIF "} {
		f, err := ParseFormat(s)
		if err != nil || string(f) != strings.ToLower(strings.TrimSpace(s)) {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	_, err := ParseFormat("xml")
	if err == nil {
		t.Fatal("ParseFormat(xml) succeeded")
	}
	for _, f := range Formats() {
		if !strings.Contains(err.Error(), string(f)) {
			t.Errorf("error %q does not list %s", err, f)
		}
	}
	if err := Write(&bytes.Buffer{}, Format("xml"), nil, nil); err == nil {
		t.Error("Write with an unknown format succeeded")
	}
}

// ---- text ----

func TestTextNoFindings(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, FormatText, nil, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != "no findings\n" {
		t.Errorf("got %q", b.String())
	}
}

func TestTextSummaryPlurals(t *testing.T) {
	fs := []Finding{{Severity: Error}, {Severity: Warning}, {Severity: Warning}, {Severity: Notice}}
	if got, want := textSummary(fs), "1 error, 2 warnings, 1 notice"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := textSummary(fs[:1]), "1 error, 0 warnings, 0 notices"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTextSnippet(t *testing.T) {
	src := schemadiff.NewSource("a.sql", "\t\tprice  FLOAT,\n名前 x, 🙂 y\r\nz\n")
	lookup := func(string) *schemadiff.Source { return src }
	for _, c := range []struct {
		name string
		f    Finding
		want string // the two snippet lines, without the indent
	}{
		{"tabs kept", Finding{Line: 1, Column: 10, EndLine: 1, EndColumn: 14}, "\t\tprice  FLOAT,\n\t\t       ^~~~~"},
		{"single column", Finding{Line: 1, Column: 3, EndLine: 1, EndColumn: 3}, "\t\tprice  FLOAT,\n\t\t^"},
		{"no end", Finding{Line: 1, Column: 3}, "\t\tprice  FLOAT,\n\t\t^"},
		{"wide characters", Finding{Line: 2, Column: 4, EndLine: 2, EndColumn: 4}, "名前 x, 🙂 y\n     ^"},
		{"wide span", Finding{Line: 2, Column: 1, EndLine: 2, EndColumn: 2}, "名前 x, 🙂 y\n^~~~"},
		{"emoji", Finding{Line: 2, Column: 9, EndLine: 2, EndColumn: 9}, "名前 x, 🙂 y\n           ^"},
		{"multi-line runs to end of line", Finding{Line: 2, Column: 4, EndLine: 3, EndColumn: 1}, "名前 x, 🙂 y\n     ^~~~~~~"},
		{"column past the end", Finding{Line: 3, Column: 3, EndLine: 3, EndColumn: 4}, "z\n  ^~"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			f.File, f.Rule, f.Severity, f.Message = "a.sql", "r", Error, "m"
			var b bytes.Buffer
			if err := Write(&b, FormatText, []Finding{f}, lookup); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(b.String(), "\n")
			if len(lines) < 3 {
				t.Fatalf("output %q", b.String())
			}
			got := strings.TrimPrefix(lines[1], snippetIndent) + "\n" + strings.TrimPrefix(lines[2], snippetIndent)
			if !strings.HasPrefix(lines[1], snippetIndent) || !strings.HasPrefix(lines[2], snippetIndent) {
				t.Errorf("snippet not indented: %q", b.String())
			}
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestTextWithoutSource(t *testing.T) {
	f := Finding{File: "x.sql", Line: 4, Column: 2, Rule: "r", Severity: Warning, Message: "first\nsecond"}
	for name, lookup := range map[string]SourceLookup{
		"nil lookup":        nil,
		"lookup nil":        func(string) *schemadiff.Source { return nil },
		"line out of range": func(string) *schemadiff.Source { return schemadiff.NewSource("x.sql", "one line") },
		"blank line":        func(string) *schemadiff.Source { return schemadiff.NewSource("x.sql", "\n\n\n  \t \n") },
	} {
		var b bytes.Buffer
		if err := Write(&b, FormatText, []Finding{f}, lookup); err != nil {
			t.Fatal(err)
		}
		if want := "x.sql:4:2: warning [r] first\n    second\n\n0 errors, 1 warning, 0 notices\n"; b.String() != want {
			t.Errorf("%s: got %q, want %q", name, b.String(), want)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, FormatText, []Finding{{Line: 1, Column: 5, Rule: "r", Severity: Notice, Message: "m"}}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "1:5: notice [r] m\n") {
		t.Errorf("finding without file: %q", b.String())
	}
}

// ---- json ----

func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, FormatJSON, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"findings\": [],\n  \"summary\": {\n    \"errors\": 0,\n    \"warnings\": 0,\n    \"notices\": 0\n  }\n}\n"
	if b.String() != want {
		t.Errorf("empty: got %q, want %q", b.String(), want)
	}
	b.Reset()
	fs := goldenFindings(t)
	if err := Write(&b, FormatJSON, fs, nil); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != len(fs) {
		t.Fatalf("%d findings, want %d", len(got.Findings), len(fs))
	}
	if got.Findings[1]["severity"] != "warning" || got.Findings[0]["rule"] != "no-unique-key" {
		t.Errorf("finding: %v", got.Findings[0])
	}
	if got.Summary["errors"] != 3 || got.Summary["warnings"] != 2 || got.Summary["notices"] != 1 {
		t.Errorf("summary: %v", got.Summary)
	}
	// The findings read back as they were.
	var back struct{ Findings []Finding }
	if err := json.Unmarshal(renderGolden(t, FormatJSON), &back); err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		if back.Findings[i] != fs[i] {
			t.Errorf("finding %d: got %+v, want %+v", i, back.Findings[i], fs[i])
		}
	}
}

// ---- github ----

func TestGitHubEscaping(t *testing.T) {
	fs := []Finding{
		{File: "dir,1/a::b:c%.sql", Line: 2, Column: 3, EndLine: 2, EndColumn: 5, Rule: "r,x:y", Severity: Error,
			Message: "line one\r\nline two, with: colons ::error file=evil.sql::pwned 100%"},
		{File: "b.sql", Line: 1, Column: 1, EndLine: 4, EndColumn: 2, Rule: "drop-column", Severity: Warning, Message: "spans\nlines"},
		{Line: 7, Column: 2, Rule: "syntax-error", Severity: Notice, Message: "no file"},
	}
	var b bytes.Buffer
	if err := Write(&b, FormatGitHub, fs, nil); err != nil {
		t.Fatal(err)
	}
	want := "::error file=dir%2C1/a%3A%3Ab%3Ac%25.sql,line=2,col=3,endLine=2,endColumn=5,title=r%2Cx%3Ay::line one%0D%0Aline two, with: colons ::error file=evil.sql::pwned 100%25\n" +
		"::warning file=b.sql,line=1,endLine=4,title=drop-column::spans%0Alines\n" +
		"::notice title=syntax-error::7:2: no file\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Each finding is exactly one command line, whatever it contains.
	if n := strings.Count(b.String(), "\n"); n != len(fs) {
		t.Errorf("%d lines for %d findings", n, len(fs))
	}
	// The properties part of each command holds no unescaped "::", ",", ":"
	// inside a value.
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		rest := strings.TrimPrefix(line, "::")
		props, _, ok := strings.Cut(rest, "::")
		if !ok {
			t.Fatalf("no message separator in %q", line)
		}
		_, props, _ = strings.Cut(props, " ")
		for _, kv := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.ContainsAny(v, ":,\r\n") || k == "" {
				t.Errorf("property %q in %q", kv, line)
			}
		}
	}
}

func TestGitHubEscapeFunctions(t *testing.T) {
	for in, want := range map[string]string{"a%b": "a%25b", "x\ry\nz": "x%0Dy%0Az", "a:b,c": "a:b,c", "%0A": "%250A"} {
		if got := githubEscapeData(in); got != want {
			t.Errorf("data %q: got %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"a:b,c": "a%3Ab%2Cc", "::": "%3A%3A", "%\n": "%25%0A"} {
		if got := githubEscapeProperty(in); got != want {
			t.Errorf("property %q: got %q, want %q", in, got, want)
		}
	}
}

// ---- sarif ----

// sarifSchema compiles the vendored official SARIF 2.1.0 schema
// (scripts/vendor-sarif-schema.sh), formats asserted.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatalf("%v (run scripts/vendor-sarif-schema.sh)", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := doc.(map[string]any)
	if m["$schema"] != "http://json-schema.org/draft-07/schema#" {
		t.Fatalf("vendored SARIF schema is %v, want draft-07", m["$schema"])
	}
	id, _ := m["$id"].(string)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSARIF(t *testing.T, s *jsonschema.Schema, name string, out []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not validate against the SARIF 2.1.0 schema: %v", name, err)
	}
}

// hostileFindings have odd files, messages and severities.
func hostileFindings() []Finding {
	return []Finding{
		{File: "dir with space/ü名.sql", Line: 1, Column: 1, EndLine: 1, EndColumn: 1, Rule: "syntax-error", Severity: Error, Message: "a\nb \"quoted\" <tag> & 100%"},
		{File: "./x/../schema/a:b.sql", Line: 2, Column: 4, EndLine: 1, EndColumn: 1, Rule: "unknown-rule", Severity: Off, Message: ""},
		{File: "/abs/path/c.sql", Line: 0, Column: 0, Rule: "float-column", Severity: Notice, Message: "m"},
		{File: "", Line: 3, Column: 1, Rule: "syntax-error", Severity: Warning, Message: "no file"},
	}
}

func TestSARIFSchemaValid(t *testing.T) {
	s := sarifSchema(t)
	validateSARIF(t, s, "golden", renderGolden(t, FormatSARIF))
	for name, fs := range map[string][]Finding{"empty": nil, "golden findings": goldenFindings(t), "hostile": hostileFindings()} {
		for _, version := range []string{"", "v0.1.0-dev"} {
			var b bytes.Buffer
			if err := WriteWith(&b, FormatSARIF, fs, nil, WriteOptions{Version: version}); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, s, name+" with the registered rules", b.Bytes())
		}
	}
}

func TestSARIFSchemaRejects(t *testing.T) {
	// The validator really validates: broken logs fail.
	s := sarifSchema(t)
	for name, doc := range map[string]string{
		"wrong version":       `{"version":"2.0.0","runs":[]}`,
		"result sans message": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}`,
		"bad level":           `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"level":"fatal","message":{"text":"m"}}]}]}`,
		"zero start line":     `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if s.Validate(v) == nil {
			t.Errorf("%s: validated", name)
		}
	}
}

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct {
						Level   string `json:"level"`
						Enabled *bool  `json:"enabled"`
					} `json:"defaultConfiguration"`
					Properties struct {
						Tags []string `json:"tags"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine, StartColumn, EndLine, EndColumn int
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, fs []Finding, opts WriteOptions) sarifDoc {
	t.Helper()
	var b bytes.Buffer
	if err := WriteWith(&b, FormatSARIF, fs, nil, opts); err != nil {
		t.Fatal(err)
	}
	var d sarifDoc
	if err := json.Unmarshal(b.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("%d runs", len(d.Runs))
	}
	return d
}

func TestSARIFForGitHub(t *testing.T) {
	d := decodeSARIF(t, goldenFindings(t), WriteOptions{Version: "1.4.0"})
	run := d.Runs[0]
	drv := run.Tool.Driver
	if d.Version != "2.1.0" || d.Schema == "" || drv.Name != "ddlbot" || drv.Version != "1.4.0" || drv.InformationURI != "https://github.com/ddlbot/ddlbot" {
		t.Errorf("log header: %+v %+v", d.Version, drv)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	// Every registered rule is described, as GitHub requires.
	rules := Rules()
	if len(drv.Rules) != len(rules) {
		t.Fatalf("%d rules, want %d", len(drv.Rules), len(rules))
	}
	for i, r := range rules {
		got := drv.Rules[i]
		if got.ID != r.ID || got.Name == "" || got.ShortDescription.Text != Truncate(r.Summary, 1023) || got.FullDescription.Text != Truncate(r.Why, 1023) ||
			got.Help.Text != r.Fix || !strings.Contains(got.Help.Markdown, r.Fix) ||
			got.DefaultConfiguration.Level != sarifLevel(r.Severity) ||
			len(got.Properties.Tags) != 1 || got.Properties.Tags[0] != string(r.Category) {
			t.Errorf("rule %d: %+v for %+v", i, got, r)
		}
	}
	if len(run.Results) != len(goldenFindings(t)) {
		t.Fatalf("%d results", len(run.Results))
	}
	seen := map[string]bool{}
	for i, f := range goldenFindings(t) {
		res := run.Results[i]
		msg := f.Message
		if f.File == "" {
			msg = findingPosition(f) + ": " + msg
		}
		if res.RuleID != f.Rule || res.Message.Text != msg || res.Level != sarifLevel(f.Severity) {
			t.Errorf("result %d: %+v", i, res)
		}
		if idx, ok := sarifTestRuleIndex(rules, f.Rule); ok {
			if res.RuleIndex == nil || *res.RuleIndex != idx {
				t.Errorf("result %d: ruleIndex %v, want %d", i, res.RuleIndex, idx)
			}
		} else if res.RuleIndex != nil {
			t.Errorf("result %d: ruleIndex %d for an unregistered rule", i, *res.RuleIndex)
		}
		fp := res.PartialFingerprints[sarifFingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		seen[fp] = true
		if f.File == "" {
			if len(res.Locations) != 0 {
				t.Errorf("result %d without a file has locations", i)
			}
			continue
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(res.Locations))
		}
		pl := res.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != f.File || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: artifact %+v", i, pl.ArtifactLocation)
		}
		r := pl.Region
		if r.StartLine != f.Line || r.StartColumn != f.Column || r.EndLine != f.EndLine || r.EndColumn != f.EndColumn+1 {
			t.Errorf("result %d: region %+v for %+v", i, r, f)
		}
	}
}

func sarifTestRuleIndex(rules []*Rule, id string) (int, bool) {
	for i, r := range rules {
		if r.ID == id {
			return i, true
		}
	}
	return 0, false
}

func TestSARIFFingerprintStable(t *testing.T) {
	f := Finding{File: "a.sql", Line: 3, Column: 1, Rule: "float-column", Severity: Warning, Message: "column `t`.`x` is FLOAT"}
	moved := f
	moved.Line, moved.Column = 40, 7
	a := decodeSARIF(t, []Finding{f}, WriteOptions{}).Runs[0].Results[0].PartialFingerprints
	b := decodeSARIF(t, []Finding{moved}, WriteOptions{Version: "2"}).Runs[0].Results[0].PartialFingerprints
	if a[sarifFingerprintKey] == "" || a[sarifFingerprintKey] != b[sarifFingerprintKey] {
		t.Errorf("fingerprint moved with the line: %v vs %v", a, b)
	}
	if _, ok := a["primaryLocationLineHash"]; ok {
		t.Error("primaryLocationLineHash is GitHub's to compute")
	}
	other := f
	other.Message = "column `t`.`y` is FLOAT"
	c := decodeSARIF(t, []Finding{other}, WriteOptions{}).Runs[0].Results[0].PartialFingerprints
	if c[sarifFingerprintKey] == a[sarifFingerprintKey] {
		t.Error("different findings share a fingerprint")
	}
	// The same finding twice in a file: distinct fingerprints, in order.
	twice := decodeSARIF(t, []Finding{f, moved}, WriteOptions{}).Runs[0].Results
	if twice[0].PartialFingerprints[sarifFingerprintKey] == twice[1].PartialFingerprints[sarifFingerprintKey] {
		t.Error("repeated finding shares a fingerprint")
	}
}

func TestSARIFArtifactURI(t *testing.T) {
	for in, want := range map[string]sarifArtifactLocation{
		"schema/users.sql":        {URI: "schema/users.sql", URIBaseID: "%SRCROOT%"},
		"./schema/../db/a b.sql":  {URI: "db/a%20b.sql", URIBaseID: "%SRCROOT%"},
		"a:b.sql":                 {URI: "./a:b.sql", URIBaseID: "%SRCROOT%"},
		"/home/runner/work/x.sql": {URI: "file:///home/runner/work/x.sql"},
		"db/名前#1.sql":             {URI: "db/%E5%90%8D%E5%89%8D%231.sql", URIBaseID: "%SRCROOT%"},
	} {
		if got := sarifArtifact(in); got.URI != want.URI || got.URIBaseID != want.URIBaseID {
			t.Errorf("%q: got %+v, want %+v", in, got, want)
		}
	}
}

func TestSARIFRegion(t *testing.T) {
	for _, c := range []struct {
		f    Finding
		want sarifRegion
	}{
		{Finding{Line: 2, Column: 3, EndLine: 2, EndColumn: 7}, sarifRegion{2, 3, 2, 8}},
		{Finding{Line: 2, Column: 3, EndLine: 5, EndColumn: 1}, sarifRegion{2, 3, 5, 2}},
		{Finding{Line: 2, Column: 3}, sarifRegion{2, 3, 2, 4}},
		{Finding{}, sarifRegion{1, 1, 1, 2}},
	} {
		if got := sarifRegionOf(c.f); got != c.want {
			t.Errorf("%+v: got %+v, want %+v", c.f, got, c.want)
		}
	}
}

func TestSARIFRuleName(t *testing.T) {
	for in, want := range map[string]string{"no-unique-key": "NoUniqueKey", "float-column": "FloatColumn", "x": "X", "--": "--"} {
		if got := sarifRuleName(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

type formatFailingWriter struct{}

func (formatFailingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteReportsWriterErrors(t *testing.T) {
	for _, f := range Formats() {
		if err := Write(formatFailingWriter{}, f, goldenFindings(t), nil); err == nil {
			t.Errorf("%s: no error from a failing writer", f)
		}
	}
	if err := WriteRuleReference(formatFailingWriter{}, true); err == nil {
		t.Error("rule reference: no error from a failing writer")
	}
}
