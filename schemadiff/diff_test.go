package schemadiff

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/ddlbot/ddlbot/internal/golden"
)

func diffSQL(t *testing.T, version, from, to string, opts DiffOptions) *Diff {
	t.Helper()
	e, err := NewEnv(version)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.LoadSQL("from.sql", from)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.LoadSQL("to.sql", to)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Compute(context.Background(), a, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDiffAnalysis(t *testing.T) {
	const users = "CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT, email varchar(255) NOT NULL, nick varchar(40), st enum('a','b','c'), PRIMARY KEY (id));"
	tests := []struct {
		name    string
		version string
		from    string
		to      string
		renames bool
		// want is one line per change: "kind entity instant=bool risk,risk"
		want []string
	}{
		{name: "same", from: users, to: users},
		{name: "create", from: "", to: "CREATE TABLE t (id int PRIMARY KEY);", want: []string{"create_table t instant=true"}},
		{name: "drop", from: "CREATE TABLE t (id int PRIMARY KEY);", to: "", want: []string{"drop_table t instant=true drops-table"}},
		{name: "add nullable column is instant", from: users, to: strings.Replace(users, "PRIMARY KEY", "age int, PRIMARY KEY", 1),
			want: []string{"alter_table users instant=true"}},
		{name: "add column is not instant on 5.7", version: "5.7", from: users, to: strings.Replace(users, "PRIMARY KEY", "age int, PRIMARY KEY", 1),
			want: []string{"alter_table users instant=false"}},
		{name: "not null without default", from: users, to: strings.Replace(users, "PRIMARY KEY", "age int NOT NULL, PRIMARY KEY", 1),
			want: []string{"alter_table users instant=true not-null-without-default"}},
		{name: "drop column", from: users, to: strings.Replace(users, "nick varchar(40), ", "", 1),
			want: []string{"alter_table users instant=true drops-column"}},
		{name: "narrow", from: users, to: strings.Replace(users, "varchar(255)", "varchar(100)", 1),
			want: []string{"alter_table users instant=false narrows-column"}},
		{name: "widen is safe", from: users, to: strings.Replace(users, "varchar(255)", "varchar(300)", 1),
			want: []string{"alter_table users instant=false"}},
		{name: "int to bigint is safe", from: "CREATE TABLE t (id int PRIMARY KEY, n int);", to: "CREATE TABLE t (id int PRIMARY KEY, n bigint);",
			want: []string{"alter_table t instant=false"}},
		{name: "bigint to int narrows", from: "CREATE TABLE t (id int PRIMARY KEY, n bigint);", to: "CREATE TABLE t (id int PRIMARY KEY, n int);",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "varchar to text is safe", from: "CREATE TABLE t (id int PRIMARY KEY, a varchar(100));", to: "CREATE TABLE t (id int PRIMARY KEY, a text);",
			want: []string{"alter_table t instant=false"}},
		{name: "varchar to mediumtext and json", from: "CREATE TABLE t (id int PRIMARY KEY, a varchar(100), b varchar(10));", to: "CREATE TABLE t (id int PRIMARY KEY, a mediumtext, b json);",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "utf8mb3 to utf8mb4 is safe but copies", from: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10) CHARACTER SET utf8mb3) CHARSET utf8mb4;", to: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10)) CHARSET utf8mb4;",
			want: []string{"alter_table t instant=false"}},
		{name: "utf8mb4 to latin1 narrows", from: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10)) CHARSET utf8mb4;", to: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10) CHARACTER SET latin1) CHARSET utf8mb4;",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "int to short varchar narrows", from: "CREATE TABLE t (id int PRIMARY KEY, n int);", to: "CREATE TABLE t (id int PRIMARY KEY, n varchar(5));",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "fractional seconds cut", from: "CREATE TABLE t (id int PRIMARY KEY, d datetime(6));", to: "CREATE TABLE t (id int PRIMARY KEY, d datetime);",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "decimal scale cut", from: "CREATE TABLE t (id int PRIMARY KEY, p decimal(10,2));", to: "CREATE TABLE t (id int PRIMARY KEY, p decimal(10,1));",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "signed to unsigned narrows", from: "CREATE TABLE t (id int PRIMARY KEY, n int);", to: "CREATE TABLE t (id int PRIMARY KEY, n int unsigned);",
			want: []string{"alter_table t instant=false narrows-column"}},
		{name: "timestamp to datetime is safe", from: "CREATE TABLE t (id int PRIMARY KEY, d timestamp NULL);", to: "CREATE TABLE t (id int PRIMARY KEY, d datetime NULL);",
			want: []string{"alter_table t instant=false"}},
		{name: "nullable to not null", from: users, to: strings.Replace(users, "nick varchar(40)", "nick varchar(40) NOT NULL", 1),
			want: []string{"alter_table users instant=false nullable-to-not-null"}},
		{name: "enum append is safe", from: users, to: strings.Replace(users, "'c')", "'c','d')", 1),
			want: []string{"alter_table users instant=true"}},
		{name: "enum removal", from: users, to: strings.Replace(users, "'b',", "", 1),
			want: []string{"alter_table users instant=false enum-change"}},
		{name: "enum reorder", from: users, to: strings.Replace(users, "'a','b','c'", "'b','a','c'", 1),
			want: []string{"alter_table users instant=false enum-change"}},
		{name: "unique key", from: users, to: strings.Replace(users, "PRIMARY KEY (id)", "PRIMARY KEY (id), UNIQUE KEY uk (email)", 1),
			want: []string{"alter_table users instant=false adds-unique-key"}},
		{name: "primary key change", from: users, to: strings.Replace(users, "PRIMARY KEY (id)", "PRIMARY KEY (id, email)", 1),
			want: []string{"alter_table users instant=false primary-key-change"}},
		{name: "no shared unique key", from: "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a));", to: "CREATE TABLE t (b int NOT NULL, PRIMARY KEY (b));",
			want: []string{"alter_table t instant=false drops-column primary-key-change no-shared-unique-key"}},
		{name: "foreign keys", from: "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, pid int, KEY (pid));",
			to:   "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, pid int, KEY (pid), CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id));",
			want: []string{"alter_table c instant=false adds-foreign-key"}},
		{name: "rename off: drop and add", from: users, to: strings.Replace(users, "nick varchar(40)", "nickname varchar(40)", 1),
			want: []string{"alter_table users instant=true drops-column"}},
		{name: "rename on", renames: true, from: users, to: strings.Replace(users, "nick varchar(40)", "nickname varchar(40)", 1),
			want: []string{"alter_table users instant=false renames-column"}},
		{name: "table rename on", renames: true, from: "CREATE TABLE a (id int PRIMARY KEY, x int);", to: "CREATE TABLE b (id int PRIMARY KEY, x int);",
			want: []string{"rename_table a instant=true renames-table"}},
		{name: "view", from: "CREATE TABLE t (id int PRIMARY KEY); CREATE VIEW v AS SELECT id FROM t;", to: "CREATE TABLE t (id int PRIMARY KEY); CREATE VIEW v AS SELECT id, id + 1 AS n FROM t;",
			want: []string{"alter_view v instant=true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diffSQL(t, tt.version, tt.from, tt.to, DiffOptions{DetectRenames: tt.renames})
			var got []string
			for _, c := range d.Changes {
				var codes []string
				for _, r := range c.Risks {
					codes = append(codes, string(r.Code))
				}
				line := string(c.Kind) + " " + c.Entity + " instant=" + map[bool]string{true: "true", false: "false"}[c.Instant]
				if len(codes) > 0 {
					line += " " + strings.Join(codes, " ")
				}
				got = append(got, line)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestDiffRenameIsNotAChange(t *testing.T) {
	d := diffSQL(t, "", "CREATE TABLE t (id int PRIMARY KEY, a int);", "CREATE TABLE t (id int PRIMARY KEY, b int);", DiffOptions{DetectRenames: true})
	if len(d.Changes) != 1 || len(d.Changes[0].Summary.ColumnsChanged) != 0 || len(d.Changes[0].Summary.ColumnsRenamed) != 1 {
		t.Fatalf("summary = %+v", d.Changes[0].Summary)
	}
}

func TestDiffOrderAndDropsData(t *testing.T) {
	d := diffSQL(t, "", "CREATE TABLE p (id int PRIMARY KEY);",
		"CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id)); CREATE VIEW v AS SELECT id FROM c;", DiffOptions{})
	if got := strings.Join(d.Statements(), "\n"); !strings.HasPrefix(got, "CREATE TABLE `c`") || !strings.Contains(got, "CREATE VIEW `v`") {
		t.Fatalf("order:\n%s", got)
	}
	if d.DropsData() {
		t.Fatal("creating drops no data")
	}
}

func TestRenderGolden(t *testing.T) {
	from := "CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT, email varchar(255) NOT NULL, nick varchar(40), PRIMARY KEY (id));\nCREATE TABLE old_logs (id int PRIMARY KEY);"
	to := "CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT, email varchar(100) NOT NULL, last_login datetime, PRIMARY KEY (id), UNIQUE KEY uk_email (email));\nCREATE TABLE `we|ird``name` (id int PRIMARY KEY, note varchar(10) COMMENT '<b>@here</b> [x](http://e.vil)');"
	d := diffSQL(t, "", from, to, DiffOptions{})
	for _, f := range []RenderFormat{RenderSQL, RenderDiff, RenderMarkdown, RenderJSON} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := d.Render(&buf, f); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", "diff."+string(f)), buf.Bytes())
		})
	}
	var buf bytes.Buffer
	empty := diffSQL(t, "", from, from, DiffOptions{})
	if err := empty.RenderMarkdown(&buf); err != nil || buf.String() != "No schema changes.\n" {
		t.Fatalf("empty markdown = %q, %v", buf.String(), err)
	}
	if _, err := ParseRenderFormat("yaml"); err == nil {
		t.Fatal("yaml accepted")
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	goldenfile.Check(t, path, got, *update, "go test ./schemadiff/ -run Golden -update")
}

func TestMarkdownEscape(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":               `a\|b`,
		"<script>":          "&lt;script&gt;",
		"@team":             "@\u200bteam",
		"[x](http://e.vil)": `\[x\]\(http:` + "\u200b" + `//e.vil\)`,
		"line\nbreak":       "line break",
		"`code`":            "\\`code\\`",
	} {
		if got := MarkdownEscape(in); got != want {
			t.Errorf("MarkdownEscape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MarkdownCode("a`b"); got != "``a`b``" {
		t.Errorf("MarkdownCode = %q", got)
	}
	if got := CodeFence("sql", "x ``` y"); !strings.HasPrefix(got, "````sql\n") {
		t.Errorf("CodeFence = %q", got)
	}
}

func TestMarkdownInline(t *testing.T) {
	for in, want := range map[string]string{
		"drops column `nick` of `users`":    "drops column `nick` of `users`",
		"key `uk_email` on `users` (email)": "key `uk_email` on `users` \\(email\\)",
		"table `we``ird`":                   "table ``we`ird``",
		"table `@team`":                     "table `@team`",
		"table `a|b`":                       "table `a\\|b`",
		"unmatched `quote":                  "unmatched \\`quote",
		"empty `` here":                     "empty \\`\\` here",
		"`<script>` and <b>":                "`<script>` and &lt;b&gt;",
	} {
		if got := MarkdownInline(in); got != want {
			t.Errorf("MarkdownInline(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzMarkdownInline: lint and risk messages carry names from the pull
// request; whatever they hold, the markdown stays on one line and text
// without backticks is escaped exactly as MarkdownEscape does.
func FuzzMarkdownInline(f *testing.F) {
	for _, s := range []string{"drops `a` of `b`", "`a``b`", "`", "``", "x `y", "`\n`", "`@x` @y <z>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MarkdownInline(s)
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("MarkdownInline(%q) = %q spans lines", s, got)
		}
		if !strings.Contains(s, "`") && got != MarkdownEscape(s) {
			t.Fatalf("MarkdownInline(%q) = %q, MarkdownEscape gives %q", s, got, MarkdownEscape(s))
		}
	})
}

func TestEnumChanges(t *testing.T) {
	removed, moved := EnumChanges([]string{"'a'", "'b'", "'c'"}, []string{"'c'", "'a'"})
	if len(removed) != 1 || removed[0] != "'b'" || len(moved) != 2 || moved[0] != "'a'" || moved[1] != "'c'" {
		t.Errorf("removed %v, moved %v", removed, moved)
	}
	if removed, moved := EnumChanges([]string{"a"}, []string{"a", "b"}); len(removed)+len(moved) != 0 {
		t.Errorf("appending: removed %v, moved %v", removed, moved)
	}
}

func TestDiffWithout(t *testing.T) {
	d := &Diff{MySQLVersion: "8.0", Changes: []*Change{{Entity: "a"}, {Entity: "b"}, {Entity: "c"}}}
	if got := d.Without(func(*Change) bool { return false }); got != d {
		t.Errorf("dropping nothing: got a copy %+v, want d itself", got)
	}
	got := d.Without(func(c *Change) bool { return c.Entity == "b" })
	if got.MySQLVersion != "8.0" || len(got.Changes) != 2 || got.Changes[0].Entity != "a" || got.Changes[1].Entity != "c" {
		t.Errorf("dropping b: %+v", got)
	}
	if len(d.Changes) != 3 || d.Changes[1].Entity != "b" {
		t.Errorf("d changed: %+v", d.Changes)
	}
	if (*Diff)(nil).Without(func(*Change) bool { return true }) != nil {
		t.Error("a nil diff gave a diff")
	}
}
