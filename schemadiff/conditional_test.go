package schemadiff

import (
	"strings"
	"testing"
)

// Issue 16 item 3: conditional DDL is evaluated against the schema being built.
//
// Each case is a testdata/conditional/*.txtar: its comment names the case,
// m.sql holds the statements run after base (so they start at line 2), want
// the columns and keys of t afterwards as "col,col|key,key", and problems
// (optional) every problem, one a line, as "line:col kind message-prefix".
func TestConditionalDDL(t *testing.T) {
	const base = "CREATE TABLE t (id int PRIMARY KEY, a int, KEY idx_a (a));\n"
	type testCase struct {
		name, sql, want string
		problems        []string
	}
	var tests []testCase
	for _, a := range ReadTestArchives(t, "conditional") {
		tc := testCase{name: strings.TrimSpace(string(a.Comment))}
		for _, f := range a.Files {
			switch f.Name {
			case "m.sql":
				tc.sql = strings.TrimSuffix(string(f.Data), "\n") // txtar adds the last newline
			case "want":
				tc.want = strings.TrimSpace(string(f.Data))
			case "problems":
				tc.problems = strings.Split(strings.TrimSpace(string(f.Data)), "\n")
			default:
				t.Fatalf("%s: unexpected file %q (want m.sql, want, problems)", a.Path, f.Name)
			}
		}
		if tc.name == "" || tc.sql == "" || tc.want == "" {
			t.Fatalf("%s: want a comment naming the case, m.sql and want", a.Path)
		}
		tests = append(tests, tc)
	}
	e := testEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := e.LoadSQL("m.sql", base+tt.sql)
			var got []string
			for _, p := range s.Problems {
				got = append(got, p.Origin.String()[len("m.sql:"):]+" "+string(p.Kind)+" "+p.Message)
			}
			if len(got) != len(tt.problems) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.problems, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.problems[i]) {
					t.Errorf("problem %d:\n%s\nwant prefix\n%s", i, got[i], tt.problems[i])
				}
			}
			tbl := s.Table("t")
			if tbl == nil {
				t.Fatalf("no table t; have %v", s.Names())
			}
			var cols, keys []string
			for _, c := range tbl.TableSpec.Columns {
				cols = append(cols, c.Name.String())
			}
			for _, k := range tbl.TableSpec.Indexes {
				name := k.Info.Name.String()
				if name == "" {
					name = "PRIMARY"
				}
				keys = append(keys, name)
			}
			if g := strings.Join(cols, ",") + "|" + strings.Join(keys, ","); g != tt.want {
				t.Errorf("t = %s, want %s", g, tt.want)
			}
			for _, st := range s.Statements {
				if st.Kind == KindNonSchema && (st.What == "PREPARE" || st.What == "EXECUTE" || st.What == "DEALLOCATE") {
					t.Errorf("%s left as a non-schema statement", st.What)
				}
			}
		})
	}
}
