package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/githubfake"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// plan delivers a pull_request event of action (signed, a new delivery),
// which the server must accept, and waits until head's check run completes.
func (p *serveProc) plan(w *actWorld, action, head string) {
	p.t.Helper()
	if code := p.deliver("pull_request", "", w.prEvent(action), p.sign); code != http.StatusAccepted {
		p.t.Fatalf("%s: %d", action, code)
	}
	waitFor(p.t, "the plan of "+head, func() bool {
		cr := w.checkRun(head, "ddlbot/app")
		return cr != nil && cr.Status == "completed"
	}, p)
}

// TestServePushAndClose: through `ddlbot serve`, a push re-plans the same
// branch and deploy request (one sticky comment), and closing the pull
// request closes the deploy request and deletes the branch.
func TestServePushAndClose(t *testing.T) {
	w := newCmdWorld(t)
	base, head := w.addPR(actConfig, nil, nil)
	p := startServe(t, w)
	p.plan(w, "opened", head)

	head2 := w.pushAge(base)
	p.plan(w, "synchronize", head2)
	sticky := w.sticky("app") // exactly one
	if !strings.Contains(sticky, "Deploy request [#1](") || !strings.Contains(sticky, "ADD COLUMN `age` int") {
		t.Fatalf("after the push:\n%s", sticky)
	}
	drs, err := w.ps.ListDeployRequests(context.Background(), actOwner, "app", ps.ListDeployRequestsOptions{})
	if err != nil || len(drs) != 1 {
		t.Fatalf("deploy requests %+v %v: want the one, re-planned", drs, err)
	}
	branch := drs[0].Branch

	w.gh.UpdatePullRequest(actOwner, w.repoName(), actPR, func(pr *githubfake.PR) { pr.State = "closed" })
	if code := p.deliver("pull_request", "", w.prEvent("closed"), p.sign); code != http.StatusAccepted {
		t.Fatalf("closed: %d", code)
	}
	waitFor(t, "the branch's deletion", func() bool {
		_, err := w.ps.GetBranch(context.Background(), actOwner, "app", branch)
		return ps.IsNotFound(err)
	}, p)
	dr, err := w.ps.GetDeployRequest(context.Background(), actOwner, "app", drs[0].Number)
	if err != nil || dr.State != ps.DeployRequestClosed {
		t.Fatalf("deploy request after the close: %+v %v", dr, err)
	}
	waitFor(t, "the jobs to rest", p.atRest, p)
	if got := p.metric(`ddlbot_jobs_total{result="done"}`); got != "3" {
		t.Errorf("%s jobs done, want 3", got)
	}
	wantNoViolations(t, w)
}
