package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestRules runs the cases of testdata/rules/<rule id>.txtar for each rule
// (the format is in testdata/rules/README.md and parseRuleCases); every
// registered rule has such a file.
func TestRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "rules", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !slices.Contains(files, filepath.Join("testdata", "rules", r.ID+".txtar")) {
			t.Errorf("rule %s has no cases: add testdata/rules/%s.txtar", r.ID, r.ID)
		}
	}
	for _, file := range files {
		rule := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(rule, func(t *testing.T) {
			cases, err := readRuleCases(file)
			if err != nil {
				t.Fatal(err)
			}
			checkRule(t, file, rule, cases)
		})
	}
}

func readRuleCases(file string) ([]ruleCase, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return parseRuleCases(file, data)
}

// wantLine is a `want` line: "line:col", or "line:col message-substring".
var wantLine = regexp.MustCompile(`^[0-9]+:[0-9]+( \S.*)?$`)

// parseRuleCases reads a txtar archive of rule cases. Each case starts with a
// `-- case: <name> --` section, whose lines are options (`allow_fk: true`,
// `input: migration|declarative|detect-renames`), blank or `#` comments; then
// come its `-- base --` (optional), `-- head --` and `-- want --` (optional:
// none means no findings) sections. Blank lines ending a section only space
// the cases apart: they are not part of the SQL. Any other shape is an error
// naming the file and line.
func parseRuleCases(file string, data []byte) ([]ruleCase, error) {
	a := txtar.Parse(data)
	// txtar does not keep line numbers: count them (each section is its
	// marker line and then its data).
	line := 1 + strings.Count(string(a.Comment), "\n")
	var cases []ruleCase
	names := map[string]int{}
	seen := map[string]bool{}
	for _, f := range a.Files {
		at := line
		line += 1 + strings.Count(string(f.Data), "\n")
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", file, at, fmt.Sprintf(format, args...))
		}
		if name, ok := strings.CutPrefix(f.Name, "case:"); ok {
			name = strings.TrimSpace(name)
			if name == "" {
				return nil, fail("a case needs a name: -- case: <name> --")
			}
			if prev, dup := names[name]; dup {
				return nil, fail("case %q is already at line %d", name, prev)
			}
			names[name] = at
			c := ruleCase{name: name, line: at, input: inputMigration}
			for i, opt := range strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n") {
				opt = strings.TrimSpace(opt)
				if opt == "" || strings.HasPrefix(opt, "#") {
					continue
				}
				key, value, _ := strings.Cut(opt, ":")
				key, value = strings.TrimSpace(key), strings.TrimSpace(value)
				switch {
				case key == "allow_fk" && (value == "true" || value == "false"):
					c.allowFK = value == "true"
				case key == "input" && (value == inputMigration || value == inputDeclarative || value == inputDetectRenames):
					c.input = value
				default:
					return nil, fmt.Errorf("%s:%d: option %q of case %q is not allow_fk: true|false or input: %s|%s|%s",
						file, at+1+i, opt, name, inputMigration, inputDeclarative, inputDetectRenames)
				}
			}
			cases = append(cases, c)
			seen = map[string]bool{}
			continue
		}
		if len(cases) == 0 {
			return nil, fail("section %q comes before the first -- case: <name> --", f.Name)
		}
		c := &cases[len(cases)-1]
		if seen[f.Name] {
			return nil, fail("case %q has a second %q section", c.name, f.Name)
		}
		seen[f.Name] = true
		switch f.Name {
		case "base":
			c.base = strings.TrimRight(string(f.Data), "\n")
		case "head":
			c.head = strings.TrimRight(string(f.Data), "\n")
		case "want":
			data := strings.TrimRight(string(f.Data), "\n")
			if data == "" {
				break
			}
			for i, w := range strings.Split(data, "\n") {
				if !wantLine.MatchString(w) {
					return nil, fmt.Errorf("%s:%d: want line %q of case %q is not \"line:col\" or \"line:col message-substring\"", file, at+1+i, w, c.name)
				}
				c.want = append(c.want, w)
			}
		default:
			return nil, fail("section %q of case %q is not base, head or want", f.Name, c.name)
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no cases (each starts with -- case: <name> --)", file)
	}
	for _, c := range cases {
		switch {
		case c.head == "":
			return nil, fmt.Errorf("%s:%d: case %q has no head section (the SQL to lint)", file, c.line, c.name)
		case c.base == "" && c.input != inputMigration:
			return nil, fmt.Errorf("%s:%d: case %q: input %s needs a base section", file, c.line, c.name, c.input)
		}
	}
	return cases, nil
}

// TestParseRuleCases: a malformed rule file fails with its file and line.
func TestParseRuleCases(t *testing.T) {
	got, err := parseRuleCases("r.txtar", []byte("About r.\n-- case: one --\n# why\nallow_fk: true\ninput: declarative\n"+
		"-- base --\nCREATE TABLE t (id int);\n\n-- head --\nCREATE TABLE t (id int,\n  n int);\n-- want --\n2:3\n2:3 column `n`\n\n"+
		"-- case: two --\n-- head --\nDROP TABLE t;\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ruleCase{
		{name: "one", line: 2, input: inputDeclarative, allowFK: true, base: "CREATE TABLE t (id int);",
			head: "CREATE TABLE t (id int,\n  n int);", want: []string{"2:3", "2:3 column `n`"}},
		{name: "two", line: 16, input: inputMigration, head: "DROP TABLE t;"},
	}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Fatalf("got\n%#v\nwant\n%#v", got, want)
	}
	for _, c := range []struct{ name, data, err string }{
		{"empty", "just a comment\n", "r.txtar: no cases"},
		{"before a case", "-- head --\nx;\n", "r.txtar:1: section \"head\" comes before the first -- case: <name> --"},
		{"no name", "-- case: --\n-- head --\nx;\n", "r.txtar:1: a case needs a name"},
		{"same name", "-- case: a --\n-- head --\nx;\n-- case: a --\n-- head --\ny;\n", "r.txtar:4: case \"a\" is already at line 1"},
		{"unknown option", "-- case: a --\n\nallow_fks: true\n-- head --\nx;\n", "r.txtar:3: option \"allow_fks: true\" of case \"a\" is not"},
		{"unknown input", "-- case: a --\ninput: diff\n-- head --\nx;\n", "r.txtar:2: option \"input: diff\""},
		{"unknown section", "-- case: a --\n-- head --\nx;\n-- wnat --\n1:1\n", "r.txtar:4: section \"wnat\" of case \"a\" is not base, head or want"},
		{"second head", "-- case: a --\n-- head --\nx;\n-- head --\ny;\n", "r.txtar:4: case \"a\" has a second \"head\" section"},
		{"no head", "-- case: a --\n-- base --\nx;\n-- case: b --\n-- head --\ny;\n", "r.txtar:1: case \"a\" has no head section"},
		{"bad want", "-- case: a --\n-- head --\nx;\n-- want --\n1:1 ok\n1 oops\n", "r.txtar:6: want line \"1 oops\" of case \"a\" is not"},
		{"blank want", "-- case: a --\n-- head --\nx;\n-- want --\n1:1\n\n2:2\n", "r.txtar:6: want line \"\""},
		{"declarative without base", "-- case: a --\ninput: declarative\n-- head --\nx;\n", "r.txtar:1: case \"a\": input declarative needs a base section"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseRuleCases("r.txtar", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want one containing %q", err, c.err)
			}
		})
	}
}
