package lint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// SARIF output (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), shaped for
// GitHub code scanning: every rule is described in tool.driver.rules, every
// result has a repository-relative location under %SRCROOT% and a stable
// fingerprint.

const (
	sarifVersion   = "2.1.0"
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// sarifInformationURI is where the tool is documented.
	sarifInformationURI = "https://github.com/ddlbot/ddlbot"
	// sarifSrcRoot is the uriBaseId of repository-relative locations.
	sarifSrcRoot = "%SRCROOT%"
	// sarifFingerprintKey holds our own stable identity of a result. It is
	// deliberately not primaryLocationLineHash: GitHub's upload action computes
	// that one from the file's content and warns about any other value.
	sarifFingerprintKey = "ddlbot/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifMessage    `json:"shortDescription"`
	FullDescription      sarifMessage    `json:"fullDescription"`
	Help                 sarifHelp       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConfig struct {
	Enabled *bool  `json:"enabled,omitempty"`
	Level   string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
	// ProblemSeverity is what GitHub sorts non-security alerts by.
	ProblemSeverity string `json:"problem.severity,omitempty"`
	// PlanetScaleCode is the PlanetScale lint code the rule mirrors.
	PlanetScaleCode string `json:"planetscale.code,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	// EndColumn is exclusive in SARIF: the column after the last character.
	EndColumn int `json:"endColumn"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s Severity) string { return sarifSeverity(s, "note", "none") }

// sarifProblemSeverity maps a severity to the problem.severity property
// GitHub code scanning reads, which calls a notice a recommendation.
func sarifProblemSeverity(s Severity) string { return sarifSeverity(s, "recommendation", "") }

// sarifSeverity names an error and a warning as both SARIF properties do,
// and a notice and a disabled rule as the property asks.
func sarifSeverity(s Severity, notice, off string) string {
	switch s {
	case Error, Warning:
		return s.String()
	case Notice:
		return notice
	}
	return off
}

// writeSARIF renders findings as a SARIF log describing rules.
func writeSARIF(b *bytes.Buffer, findings []Finding, opts WriteOptions, rules []*Rule) error {
	driver := sarifDriver{
		Name:           "ddlbot",
		InformationURI: sarifInformationURI,
		Version:        opts.Version,
		Rules:          make([]sarifRule, 0, len(rules)),
	}
	index := map[string]int{}
	for i, r := range rules {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleFor(r))
	}
	run := sarifRun{
		Tool:       sarifTool{Driver: driver},
		Results:    make([]sarifResult, 0, len(findings)),
		ColumnKind: "unicodeCodePoints", // Finding columns count characters
	}
	seen := map[string]int{}
	relative := false
	for _, f := range findings {
		res := sarifResult{
			RuleID:  f.Rule,
			Level:   sarifLevel(f.Severity),
			Message: sarifMessage{Text: f.Message},
		}
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &i
		}
		if res.Message.Text == "" {
			res.Message.Text = f.Rule
		}
		if f.File == "" {
			// No artifact to point at (SQL given as text): keep the position
			// in the message. GitHub shows only results with a location, but
			// other consumers show these too.
			res.Message.Text = findingPosition(f) + ": " + res.Message.Text
		} else {
			loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifact(f.File),
				Region:           sarifRegionOf(f),
			}}
			if loc.PhysicalLocation.ArtifactLocation.URIBaseID != "" {
				relative = true
			}
			res.Locations = []sarifLocation{loc}
		}
		fp := sarifFingerprint(f)
		seen[fp]++
		res.PartialFingerprints = map[string]string{sarifFingerprintKey: fp + ":" + strconv.Itoa(seen[fp])}
		run.Results = append(run.Results, res)
	}
	if relative {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{
			sarifSrcRoot: {Description: &sarifMessage{Text: "The root of the repository."}},
		}
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleFor(r *Rule) sarifRule {
	cfg := sarifRuleConfig{Level: sarifLevel(r.Severity)}
	if r.Severity == Off {
		disabled := false
		cfg.Enabled = &disabled
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 sarifRuleName(r.ID),
		ShortDescription:     sarifMessage{Text: Truncate(r.Summary, 1023)},
		FullDescription:      sarifMessage{Text: Truncate(r.Why, 1023)},
		Help:                 sarifHelp{Text: r.Fix, Markdown: sarifHelpMarkdown(r)},
		DefaultConfiguration: cfg,
		Properties: sarifRuleProps{
			Tags:            []string{string(r.Category)},
			ProblemSeverity: sarifProblemSeverity(r.Severity),
			PlanetScaleCode: r.PlanetScaleCode,
		},
	}
}

// sarifRuleName turns a rule id into the PascalCase name SARIF favours:
// "no-unique-key" → "NoUniqueKey".
func sarifRuleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(part)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	if b.Len() == 0 {
		return id
	}
	return b.String()
}

// sarifHelpMarkdown is the rule's documentation as GitHub shows it beside an alert.
func sarifHelpMarkdown(r *Rule) string {
	var b strings.Builder
	b.WriteString("**What it finds:** " + r.Summary + "\n\n")
	b.WriteString("**Why it matters:** " + r.Why + "\n\n")
	b.WriteString("**How to fix:** " + r.Fix + "\n\n")
	b.WriteString("Default severity: `" + r.Severity.String() + "`. Category: `" + string(r.Category) + "`.")
	if r.PlanetScaleCode != "" {
		b.WriteString(" Mirrors PlanetScale's `" + r.PlanetScaleCode + "` check.")
	}
	b.WriteString("\n\nTo accept a finding, put `-- ddlbot:ignore " + r.ID + " -- reason` on the line above the statement.")
	return b.String()
}

// sarifArtifact turns a finding's file into an artifact location: a
// repository-relative URI with forward slashes under %SRCROOT%, or a file:
// URI for an absolute path.
func sarifArtifact(file string) sarifArtifactLocation {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) || path.IsAbs(p) {
		if !strings.HasPrefix(p, "/") { // a Windows drive path
			p = "/" + p
		}
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	p = path.Clean(p)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: p}).String(), URIBaseID: sarifSrcRoot}
}

// sarifRegionOf converts a finding's inclusive end column to SARIF's
// exclusive one.
func sarifRegionOf(f Finding) sarifRegion {
	r := sarifRegion{StartLine: max(f.Line, 1), StartColumn: max(f.Column, 1), EndLine: f.EndLine, EndColumn: f.EndColumn + 1}
	if r.EndLine < r.StartLine || (r.EndLine == r.StartLine && r.EndColumn <= r.StartColumn) {
		r.EndLine, r.EndColumn = r.StartLine, r.StartColumn+1
	}
	return r
}

// sarifFingerprint is a stable identity of a finding that survives edits
// elsewhere in the file: its rule, file and message, not its line.
func sarifFingerprint(f Finding) string {
	h := sha256.Sum256([]byte(f.Rule + "\x00" + filepath.ToSlash(f.File) + "\x00" + f.Message))
	return hex.EncodeToString(h[:8])
}
