package bot

import (
	"context"
	"strings"
	"testing"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// With Options.Announce, the reply about a deployment's end is made only by
// the job that claims it: another job following the same deployment (the
// server's follow-up beside a command's job) says nothing again.
func TestAnnounceOnce(t *testing.T) {
	d := newDeployWorld(t, "")
	var asked []string
	heldElsewhere := "o/r#7/app/1/" + ps.StateCompletePendingRevert
	d.engine.Options.Announce = func(_ context.Context, key string) (bool, error) {
		asked = append(asked, key)
		return key != heldElsewhere, nil
	}
	replies := len(d.gh.replies)
	if out := d.comment("dev", "/deploy"); out.ReasonCode != ps.StateCompletePendingRevert {
		t.Fatalf("deploy: %+v", out)
	}
	if len(asked) != 1 || asked[0] != heldElsewhere {
		t.Fatalf("asked %q, want %q", asked, heldElsewhere)
	}
	for _, r := range d.gh.replies[replies:] {
		if strings.Contains(r, "is **") {
			t.Fatalf("replied about an end another job announced: %q", r)
		}
	}
	// The rest of the command's work is done as ever.
	if body := d.gh.comments[Marker("app")]; !strings.Contains(body, "Deployment of [#1]") {
		t.Fatalf("comment:\n%s", body)
	}
	if out := d.comment("dev", "/skip-revert"); out.ReasonCode != ps.StateComplete {
		t.Fatalf("skip-revert: %+v", out)
	}
	if r := d.gh.lastReply(); !strings.Contains(r, "is **") || len(asked) != 2 || asked[1] != "o/r#7/app/1/"+ps.StateComplete {
		t.Fatalf("the next end is this job's to announce: asked %q, reply %q", asked, r)
	}
}
