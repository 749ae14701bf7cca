package bot

import (
	"context"
	"strings"
	"testing"
)

// A .sql file over limits.max_file_size is refused, naming the setting
// that raises it (the configuration's: a pull request has no flags), when
// the load would read it; one the load never reads (a dump below a
// migrations folder) neither fails the plan nor is read.
func TestPullRequestFileOverLimit(t *testing.T) {
	dump := strings.Repeat("INSERT INTO users (id) VALUES (1);\n", 40)
	for _, c := range []struct {
		name, cfg, file string
		want            string
	}{
		{"in the schema folder", "databases:\n  - name: app\n    schema: db/schema\nlimits:\n  max_file_size: 1KiB\n", "db/schema/dump.sql",
			"db/schema/dump.sql: 1400 bytes, more than the 1 KiB one file may have"},
		{"below a migrations folder", "databases:\n  - name: app\n    migrations: db/schema\nlimits:\n  max_file_size: 1KiB\n", "db/schema/archive/dump.sql", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, c.cfg, map[string]string{"db/schema/001_users.sql": baseSchema})
			w.push("head1", map[string]string{c.file: dump, "db/schema/002_nick.sql": "ALTER TABLE users ADD COLUMN nick varchar(40) DEFAULT NULL;\n"})
			out, err := w.engine.HandlePullRequest(context.Background(), PullRequestEvent{Action: "synchronize", Repo: testRepo, Number: 7})
			if c.want == "" {
				if err != nil || out.Decision == DecisionFailed {
					t.Fatalf("a file the load never reads: %+v %v", out, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want the file refused, got %+v", out)
			}
			for _, want := range []string{c.want, "(max_file_size)", "raise the limit with limits.max_file_size in .ddlbot.yml"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "--max-file-size") {
				t.Errorf("error %q names a flag the engine's callers do not have", err)
			}
		})
	}
}
