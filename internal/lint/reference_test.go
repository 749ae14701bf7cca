package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const readmePath = "../../README.md"

// TestRuleReference keeps the README's rule reference in step with Rules().
// With -update it rewrites the section in place.
func TestRuleReference(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	want, err := ReplaceRuleReference(readme)
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	if want == readme {
		return
	}
	if *update {
		info, err := os.Stat(readmePath)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(readmePath, []byte(want), info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the rule reference in README.md is out of date: run `go test ./internal/lint/ -run RuleReference -update`")
}

// TestRuleReferenceReplace checks ReplaceRuleReference on a README of its own.
func TestRuleReferenceReplace(t *testing.T) {
	var md bytes.Buffer
	if err := WriteRuleReference(&md, true); err != nil {
		t.Fatal(err)
	}
	readme := "# ddlbot\n\nIntro.\n\n## Rules\n\n" + RuleReferenceStart + "\nstale text | that goes\n" + RuleReferenceEnd + "\n\n## License\n\nMIT\n"
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReplaceRuleReference(string(data))
	if err != nil {
		t.Fatal(err)
	}
	want := "# ddlbot\n\nIntro.\n\n## Rules\n\n" + RuleReferenceStart + "\n" + md.String() + RuleReferenceEnd + "\n\n## License\n\nMIT\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	again, err := ReplaceRuleReference(got)
	if err != nil || again != got {
		t.Errorf("not idempotent: %v\n%s", err, again)
	}
	// An empty section fills in too.
	empty := RuleReferenceStart + RuleReferenceEnd
	if got, err := ReplaceRuleReference(empty); err != nil || got != RuleReferenceStart+"\n"+md.String()+RuleReferenceEnd {
		t.Errorf("empty section: %v\n%s", err, got)
	}
	for name, bad := range map[string]string{
		"no markers":    "# ddlbot\n",
		"no end":        RuleReferenceStart + "\n",
		"no start":      RuleReferenceEnd + "\n",
		"end first":     RuleReferenceEnd + "\n" + RuleReferenceStart + "\n",
		"two sections":  RuleReferenceStart + RuleReferenceEnd + RuleReferenceStart + RuleReferenceEnd,
		"start doubled": RuleReferenceStart + RuleReferenceStart + RuleReferenceEnd,
	} {
		if _, err := ReplaceRuleReference(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestRuleReferenceGolden pins the layout of both forms on a fixed rule set.
func TestRuleReferenceGolden(t *testing.T) {
	for _, c := range []struct {
		markdown bool
		file     string
	}{{false, "rules.txt"}, {true, "rules.md"}} {
		var b bytes.Buffer
		if err := writeRuleReference(&b, c.markdown, goldenRules()); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, c.file, b.Bytes())
	}
}

// TestRuleReferenceCoversRules checks that every registered rule appears, with
// its documentation, under its category, in both forms.
func TestRuleReferenceCoversRules(t *testing.T) {
	var text, md bytes.Buffer
	if err := WriteRuleReference(&text, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteRuleReference(&md, true); err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.Contains(text.String(), "  "+r.ID+" ") {
			t.Errorf("text reference lacks %s", r.ID)
		}
		for _, s := range []string{r.Summary, r.Why, r.Fix} {
			if !strings.Contains(strings.Join(strings.Fields(text.String()), " "), strings.Join(strings.Fields(s), " ")) {
				t.Errorf("text reference lacks %q", s)
			}
		}
		row := "| `" + r.ID + "` | " + r.Severity.String() + " | "
		if !strings.Contains(md.String(), row) {
			t.Errorf("markdown reference lacks the row of %s", r.ID)
		}
		section := md.String()[strings.Index(md.String(), "### "+referenceCategoryOf(r.Category).Title):]
		if next := strings.Index(section[4:], "\n### "); next >= 0 {
			section = section[:next+4]
		}
		if !strings.Contains(section, row) {
			t.Errorf("%s is not under its category %s", r.ID, r.Category)
		}
	}
}

func TestMarkdownCell(t *testing.T) {
	for in, want := range map[string]string{
		"a | b":         `a \| b`,
		"one\ntwo\r\nx": "one<br>two<br>x",
		"  `code`  ":    "`code`",
		"old\rmac":      "old<br>mac",
		"`a|b` in code": "`a\\|b` in code",
	} {
		if got := markdownCell(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestReferenceWrapped(t *testing.T) {
	var b bytes.Buffer
	long := strings.Repeat("word ", 40)
	referenceWrapped(&b, "      why: ", long)
	for i, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if len(line) > referenceWidth {
			t.Errorf("line %d is %d long", i, len(line))
		}
		if i > 0 && !strings.HasPrefix(line, strings.Repeat(" ", len("      why: "))+"word") {
			t.Errorf("line %d not indented: %q", i, line)
		}
	}
	if strings.Join(strings.Fields(b.String()), " ") != "why: "+strings.TrimSpace(long) {
		t.Errorf("words lost: %q", b.String())
	}
}
