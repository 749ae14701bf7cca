package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/githubfake"
)

// TestActionFileOverLimit: a .sql file over limits.max_file_size in a pull
// request is refused from the tree's listing, through the API and from the
// checkout alike: its content is never fetched, the check fails naming the
// file and the setting that raises the limit (the Action has no flags).
func TestActionFileOverLimit(t *testing.T) {
	cfg := actConfig + "limits:\n  max_file_size: 1KiB\n"
	dump := "-- a data dump\n" + strings.Repeat("INSERT INTO users (id) VALUES (1);\n", 80)
	wantRefused := func(t *testing.T, w *actWorld, r actResult) {
		t.Helper()
		if r.code != 1 || r.out[outDecision] != string(bot.DecisionFailed) {
			t.Fatalf("want a failed check: %s", r)
		}
		contains(t, "log", r.stdout+r.stderr, "db/schema/dump.sql: ", "more than the 1 KiB one file may have (max_file_size)",
			"raise the limit with limits.max_file_size in .ddlbot.yml")
		if strings.Contains(r.stdout+r.stderr, "--max-file-size") {
			t.Errorf("the Action's error names a flag it does not have:\n%s", r)
		}
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00%s", len(dump), dump)
		blob := hex.EncodeToString(h.Sum(nil))
		for _, c := range r.ghCalls {
			if strings.Contains(c.Path, blob) {
				t.Errorf("the refused file was fetched: %s %s", c.Method, c.Path)
			}
		}
	}

	t.Run("api", func(t *testing.T) {
		w := newActWorld(t)
		w.addPR(cfg, map[string]string{"db/schema/dump.sql": dump}, nil)
		wantRefused(t, w, w.run("opened (a dump)", "pull_request", w.prEvent("opened"), nil))
	})

	t.Run("checkout", func(t *testing.T) {
		w := newActWorld(t)
		gitRepo(t, w.ws, map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
		base := revParse(t, w.ws, "HEAD")
		write(t, w.ws, map[string]string{"db/schema/dump.sql": dump})
		git(t, w.ws, "add", "-A")
		git(t, w.ws, "commit", "-qm", "a dump")
		head := revParse(t, w.ws, "HEAD")
		// The fake serves the same commits: a refusal from the checkout
		// must not fall back to reading them through the API.
		w.commit(base, "", map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
		w.commit(head, base, map[string]string{"db/schema/dump.sql": dump})
		w.seed("app", base, "db/schema")
		w.gh.AddPullRequest(actOwner, actRepo, githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: head})
		r := w.run("opened (a dump, checked out)", "pull_request", w.prEvent("opened"), nil)
		wantRefused(t, w, r)
		for _, c := range r.ghCalls {
			if strings.Contains(c.Path, "/git/trees/") {
				t.Errorf("read through the API although the commit is checked out: %s %s", c.Method, c.Path)
			}
		}
	})
}
