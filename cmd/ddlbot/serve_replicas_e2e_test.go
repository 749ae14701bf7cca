package main

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/githubfake"
	"github.com/ddlbot/ddlbot/internal/localscale"
	"github.com/ddlbot/ddlbot/internal/mysqltest"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// replicaRepo is one repository (with its own PlanetScale database) and
// its pull request #7, which adds a column.
type replicaRepo struct {
	w    *actWorld
	db   string // the PlanetScale database
	head string
}

// replicaRepos makes n repositories of actOwner on w's GitHub and
// PlanetScale, each with a pull request adding a column to its own database.
func replicaRepos(w *actWorld, n int) []*replicaRepo {
	var out []*replicaRepo
	for i := range n {
		r := &replicaRepo{w: w.sibling(fmt.Sprintf("shop%d", i)), db: fmt.Sprintf("app%d", i)}
		cfg := strings.Replace(actConfig, "database: app", "database: "+r.db, 1)
		base := r.w.commit(sha(r.db+"base"), "", map[string]string{".ddlbot.yml": cfg, "db/schema/users.sql": actUsers})
		r.head = r.w.commit(sha(r.db+"head"), base, map[string]string{"db/schema/users.sql": actUsersWith("  nick varchar(40) DEFAULT NULL,\n")})
		r.w.seed(r.db, base, "db/schema")
		w.gh.AddPullRequest(actOwner, r.w.repoName(), githubfake.PR{Number: actPR, BaseSHA: base, HeadSHA: r.head, Author: "alice"})
		w.gh.SetPermission(actOwner, r.w.repoName(), "alice", "write")
		out = append(out, r)
	}
	return out
}

// jobsTable reads the MySQL store the replicas share.
type jobsTable struct {
	t  *testing.T
	db *sql.DB
}

// owner is the lease owner of the running job of a delivery ("" if none).
func (j jobsTable) owner(delivery string) string {
	j.t.Helper()
	var owner, state string
	err := j.db.QueryRow(`SELECT lease_owner, state FROM jobs WHERE delivery = ?`, delivery).Scan(&owner, &state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ""
	case err != nil:
		j.t.Fatal(err)
	case state != "running":
		return ""
	}
	return owner
}

func (j jobsTable) attempts(delivery string) int {
	j.t.Helper()
	var n int
	if err := j.db.QueryRow(`SELECT attempts FROM jobs WHERE delivery = ?`, delivery).Scan(&n); err != nil {
		j.t.Fatal(err)
	}
	return n
}

func (j jobsTable) failed() []string {
	j.t.Helper()
	rows, err := j.db.Query(`SELECT delivery, error FROM jobs WHERE state = 'failed'`)
	if err != nil {
		j.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d, e string
		if err := rows.Scan(&d, &e); err != nil {
			j.t.Fatal(err)
		}
		out = append(out, d+": "+e)
	}
	return out
}

// TestServeReplicas: two `ddlbot serve` processes on one MariaDB store,
// deliveries spread over both; the replica running a /deploy is killed
// (SIGKILL) in the middle of its deployment. The other replica takes the
// job over once its lease ends: every pull request ends with its plan, a
// reply and a check run saying the deployment completed, and each deploy
// request was deployed exactly once.
func TestServeReplicas(t *testing.T) {
	dsn := mysqltest.Database(t, "ddlbot_serve_")
	store := mysqltest.StoreURL(dsn)
	db, err := sql.Open("mysql", dsn.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jobs := jobsTable{t: t, db: db}
	// A deployment's ALTER takes 4 s: long enough to kill a replica in it.
	w := newCmdWorld(t, func(c *localscale.Config) { c.Speed = 2; c.OperationDuration = 8 * time.Second })
	repos := replicaRepos(w, 3)
	secret := []byte("whsec_" + randHex(t, 12))
	opts := serveOptions{store: store, secret: secret, args: []string{"--lease", "2s", "--workers", "3"}}
	replicas := []*serveProc{startServeWith(t, w, opts), startServeWith(t, w, opts)}
	owns := func(p *serveProc, owner string) bool {
		return strings.Contains(owner, fmt.Sprintf("-%d/", p.cmd.Process.Pid))
	}

	for i, r := range repos {
		p := replicas[i%2]
		if code := p.deliver("pull_request", "opened-"+r.db, r.w.prEvent("opened"), p.sign); code != http.StatusAccepted {
			t.Fatalf("delivery to replica %d: %d", i%2, code)
		}
	}
	for _, r := range repos {
		waitFor(t, "the plan of "+r.db, func() bool {
			cr := r.w.checkRun(r.head, "ddlbot/app")
			return cr != nil && cr.Status == "completed" && cr.Title == "Deploy request #1 is ready"
		}, replicas[0])
	}
	// /deploy on every pull request, spread over both replicas.
	deploys := map[string]string{} // database → delivery
	for i, r := range repos {
		p := replicas[(i+1)%2]
		id := w.gh.AddComment(actOwner, r.w.repoName(), actPR, "alice", "/deploy")
		deploys[r.db] = "deploy-" + r.db
		if code := p.deliver("issue_comment", deploys[r.db], w.gh.CommentEvent(t, "created", actOwner, r.w.repoName(), id, nil), p.sign); code != http.StatusAccepted {
			t.Fatalf("/deploy delivery: %d", code)
		}
	}
	// The first repository's deployment is in its table copy, its job on a
	// replica: that replica dies.
	first := repos[0]
	var victim, survivor *serveProc
	waitFor(t, "the first deployment to be in progress", func() bool {
		dr, err := w.ps.GetDeployRequest(t.Context(), actOwner, first.db, 1)
		if err != nil || dr.DeploymentState != ps.StateInProgress {
			return false
		}
		owner := jobs.owner(deploys[first.db])
		for i, p := range replicas {
			if owns(p, owner) {
				victim, survivor = p, replicas[1-i]
				return true
			}
		}
		return false
	}, replicas[0])
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.cmd.Wait()
	killed := time.Now()
	t.Logf("killed replica pid %d while %s's deploy request #1 was in progress; its /deploy job was the replica's", victim.cmd.Process.Pid, first.db)

	for _, r := range repos {
		waitFor(t, "the deployment of "+r.db+" to complete, in its reply", func() bool {
			return strings.Contains(r.w.lastReply("alice"), "complete pending revert")
		}, survivor)
		r.w.wantCheckRun(r.head, "app", "success", "Deploy request #1: complete pending revert")
		if sticky := r.w.sticky("app"); !strings.Contains(sticky, "Deploy request [#1](") {
			t.Errorf("%s: the sticky comment lost its deploy request:\n%s", r.db, sticky)
		}
		if dr := w.deployRequest(r.db, 1); dr.DeploymentState != ps.StateCompletePendingRevert {
			t.Errorf("%s: deploy request #1 is %s", r.db, dr.DeploymentState)
		}
		if !w.productionHas(r.db, "users", "nick") {
			t.Errorf("%s: production lacks the column", r.db)
		}
	}
	t.Logf("every deployment complete %s after the kill", time.Since(killed).Round(time.Millisecond))
	if n := w.psCount.deployCalls(); n != len(repos) {
		t.Errorf("%d deploy calls for %d deploy requests, want one each", n, len(repos))
	}
	if n := jobs.attempts(deploys[first.db]); n != 2 {
		t.Errorf("the killed /deploy ran %d times, want twice (once per replica)", n)
	}
	if f := jobs.failed(); len(f) > 0 {
		t.Errorf("failed jobs:\n%s", strings.Join(f, "\n"))
	}
	if err := survivor.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := survivor.cmd.Wait(); err != nil {
		t.Fatalf("the surviving replica after SIGTERM: %v\n%s", err, survivor.stderr.String())
	}
	wantNoViolations(t, w)
}
