package localscale

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/localscale/mysqlsrv"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// deployViaBranch makes a branch, changes it and opens a deploy request.
func (h *harness) deployable(branchName string, extra map[string]any, stmts ...string) ps.DeployRequest {
	h.t.Helper()
	h.branch(branchName)
	h.mustDDL(branchName, stmts...)
	dr := h.openDR(branchName, extra)
	if dr.DeploymentState != ps.StateReady {
		h.t.Fatalf("deploy request #%d: %s (%v %v)", dr.Number, dr.DeploymentState, dr.Deployment.LintErrors, dr.Deployment.DeployCheckErrors)
	}
	return dr
}

// behindProduction cuts branch name from main and changes it with stmts;
// then production moves on: branch other's change (otherStmts) is deployed
// to main by deploy request #1.
func (h *harness) behindProduction(name string, stmts []string, other string, otherStmts ...string) {
	h.t.Helper()
	h.branch(name)
	h.mustDDL(name, stmts...)
	h.deployable(other, nil, otherStmts...)
	h.action(1, "deploy", nil)
	h.clock.Advance(time.Minute)
}

func TestThreeWayDiff(t *testing.T) {
	h := newHarness(t)
	// Production gains a table after the branch was cut.
	h.behindProduction("add-col", []string{"ALTER TABLE users ADD COLUMN nick varchar(50)"},
		"add-table", "CREATE TABLE tags (id bigint NOT NULL, name varchar(50), PRIMARY KEY (id))")
	h.action(1, "skip-revert", nil)
	if _, ok := h.schema("main")["tags"]; !ok {
		t.Fatal("tags not deployed")
	}
	dr := h.openDR("add-col", nil)
	if dr.DeploymentState != ps.StateReady {
		t.Fatalf("state %s: %v", dr.DeploymentState, dr.Deployment.DeployCheckErrors)
	}
	ops := dr.Deployment.DeployOperations
	if len(ops) != 1 || ops[0].TableName != "users" || ops[0].OperationName != "ALTER" ||
		!strings.Contains(ops[0].DDLStatement, "ADD COLUMN `nick`") || ops[0].CanDropData {
		t.Fatalf("operations %+v", ops)
	}
	var diff struct{ Data []ps.SchemaTable }
	h.must("GET", dbPath+"/deploy-requests/2/diff", nil, 200, &diff)
	if len(diff.Data) != 1 || diff.Data[0].Name != "users" || !strings.Contains(diff.Data[0].Raw, "+\t`nick` varchar(50)") {
		t.Fatalf("diff %+v", diff.Data)
	}
	// Deploying it keeps the table production gained.
	h.action(2, "deploy", nil)
	h.clock.Advance(time.Minute)
	if st := h.state(2); st != ps.StateCompletePendingRevert {
		t.Fatalf("state %s", st)
	}
	main := h.schema("main")
	if _, ok := main["tags"]; !ok || !strings.Contains(main["users"], "`nick`") {
		t.Errorf("main after both deploys: %v", main)
	}
}

func TestThreeWayConflict(t *testing.T) {
	h := newHarness(t)
	h.behindProduction("b1", []string{"ALTER TABLE users ADD COLUMN nick varchar(50)"},
		"b2", "ALTER TABLE users ADD COLUMN nick varchar(20)")
	dr := h.openDR("b1", nil)
	if dr.DeploymentState != ps.StateError || dr.Deployment.DeployCheckErrors == nil {
		t.Fatalf("state %s", dr.DeploymentState)
	}
	msg := *dr.Deployment.DeployCheckErrors
	if !strings.Contains(msg, "`users`") || !strings.Contains(msg, "nick") {
		t.Errorf("conflict message %q", msg)
	}
	h.wantError("POST", dbPath+"/deploy-requests/2/deploy", nil, 422, "unprocessable")
}

func TestConflictAtDeployTime(t *testing.T) {
	h := newHarness(t)
	h.deployable("first", nil, "ALTER TABLE posts ADD COLUMN body text")
	h.deployable("second", nil, "ALTER TABLE posts ADD COLUMN body mediumtext")
	h.action(1, "deploy", nil)
	h.action(2, "deploy", nil)
	h.clock.Advance(2 * time.Minute)
	dr := h.dr(2)
	if dr.DeploymentState != ps.StateCompleteError || dr.Deployment.DeployCheckErrors == nil || !strings.Contains(*dr.Deployment.DeployCheckErrors, "`posts`") {
		t.Fatalf("second: %s %v", dr.DeploymentState, dr.Deployment.DeployCheckErrors)
	}
	// An errored deployment blocks the queue until completed.
	h.deployable("third", nil, "CREATE TABLE x (id int NOT NULL PRIMARY KEY)")
	h.action(3, "deploy", nil)
	h.clock.Advance(time.Minute)
	if st := h.state(3); st != ps.StateQueued {
		t.Fatalf("third behind an errored deploy: %s", st)
	}
	h.action(2, "complete-deploy", nil)
	h.clock.Advance(time.Minute)
	if st := h.state(3); st != ps.StateCompletePendingRevert {
		t.Fatalf("third after complete-deploy: %s", st)
	}
}

func TestLintErrors(t *testing.T) {
	h := newHarness(t)
	h.branch("nopk")
	h.mustDDL("nopk", "CREATE TABLE logs (msg varchar(100))")
	dr := h.openDR("nopk", nil)
	if dr.DeploymentState != ps.StateError || dr.Deployment.Deployable {
		t.Fatalf("state %s", dr.DeploymentState)
	}
	le := dr.Deployment.LintErrors
	if len(le) != 1 || le[0].LintError != "NO_UNIQUE_KEY" || le[0].TableName != "logs" || le[0].ErrorDescription == "" || le[0].DocsURL == "" || le[0].Keyspace != "app" {
		t.Fatalf("lint errors %+v", le)
	}
	h.wantError("POST", dbPath+"/deploy-requests/1/deploy", nil, 422, "unprocessable")
	// Fixing the branch re-runs the checks.
	h.mustDDL("nopk", "ALTER TABLE logs ADD COLUMN id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY")
	if st := h.state(1); st != ps.StatePending {
		t.Fatalf("after a branch change: %s", st)
	}
	h.clock.Advance(time.Second)
	if dr := h.dr(1); dr.DeploymentState != ps.StateReady || len(dr.Deployment.LintErrors) != 0 {
		t.Fatalf("after the fix: %s %+v", dr.DeploymentState, dr.Deployment.LintErrors)
	}
}

func TestForeignKeysDisallowed(t *testing.T) {
	h := newHarness(t)
	h.branch("fk")
	h.mustDDL("fk", "ALTER TABLE posts ADD CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id)")
	dr := h.openDR("fk", nil)
	if dr.DeploymentState != ps.StateError || len(dr.Deployment.LintErrors) == 0 || dr.Deployment.LintErrors[0].LintError != "FOREIGN_KEYS_DISALLOWED" {
		t.Fatalf("state %s %+v", dr.DeploymentState, dr.Deployment.LintErrors)
	}
}

func TestLifecycle(t *testing.T) {
	h := newHarness(t)
	dr := h.deployable("feat", nil,
		"ALTER TABLE users ADD COLUMN nick varchar(50)",
		"ALTER TABLE posts DROP COLUMN title",
		"CREATE TABLE tags (id bigint NOT NULL PRIMARY KEY)")
	if !dr.Deployment.Deployable || len(dr.Deployment.DeployOperations) != 3 {
		t.Fatalf("ready: %+v", dr.Deployment)
	}
	byTable := map[string]ps.DeployOperation{}
	for _, o := range dr.Deployment.DeployOperations {
		byTable[o.TableName] = o
		if o.State != ps.OperationPending {
			t.Errorf("%s before deploy: %s", o.TableName, o.State)
		}
	}
	if !byTable["posts"].CanDropData || byTable["users"].CanDropData || byTable["tags"].OperationName != "CREATE" {
		t.Errorf("operations %+v", byTable)
	}
	dr = h.action(1, "deploy", nil)
	if dr.DeploymentState != ps.StateQueued || dr.Deployment.QueuedAt == nil {
		t.Fatalf("after deploy: %s", dr.DeploymentState)
	}
	h.clock.Advance(time.Second)
	if st := h.state(1); st != ps.StateSubmitting {
		t.Fatalf("after 1s: %s", st)
	}
	h.clock.Advance(time.Second)
	dr = h.dr(1)
	if dr.DeploymentState != ps.StateInProgress || dr.Deployment.StartedAt == nil {
		t.Fatalf("after 2s: %s", dr.DeploymentState)
	}
	// Operations run one after the other: 20s for each ALTER, 5s for the CREATE.
	h.clock.Advance(10 * time.Second)
	ops := h.dr(1).Deployment.DeployOperations
	if ops[0].State != ps.OperationInProgress || ops[0].ProgressPercentage != 50 || ops[0].ETASeconds != 10 {
		t.Errorf("first op at 10s: %+v", ops[0])
	}
	if ops[1].State != ps.OperationQueued || ops[1].ProgressPercentage != 0 {
		t.Errorf("second op at 10s: %+v", ops[1])
	}
	var opList ps.List[ps.DeployOperation]
	h.must("GET", dbPath+"/deploy-requests/1/operations", nil, 200, &opList)
	if len(opList.Data) != 3 || opList.Data[0].ProgressPercentage != 50 {
		t.Errorf("operations endpoint %+v", opList.Data)
	}
	h.clock.Advance(15 * time.Second)
	ops = h.dr(1).Deployment.DeployOperations
	if ops[0].State != ps.OperationComplete || ops[1].State != ps.OperationInProgress || ops[1].ProgressPercentage != 25 {
		t.Errorf("at 25s: %+v / %+v", ops[0], ops[1])
	}
	var dep ps.Deployment
	h.must("GET", dbPath+"/deploy-requests/1/deployment", nil, 200, &dep)
	if dep.State != ps.StateInProgress || len(dep.DeployOperationSummaries) != 3 || dep.DeployOperationSummaries[1].ProgressPercentage != 25 {
		t.Errorf("deployment %+v", dep)
	}
	h.clock.Advance(20 * time.Second) // 45s: all done (20+20+5), cutover starts
	if st := h.state(1); st != ps.StateInProgressCutover {
		t.Fatalf("at 45s: %s", st)
	}
	if _, ok := h.schema("main")["tags"]; ok {
		t.Fatal("production changed before cutover")
	}
	h.clock.Advance(2 * time.Second)
	dr = h.dr(1)
	if dr.DeploymentState != ps.StateCompletePendingRevert || dr.State != "open" || dr.DeployedAt == nil {
		t.Fatalf("after cutover: %s %s", dr.DeploymentState, dr.State)
	}
	rr := dr.Deployment.DeploymentRevertRequest
	if rr == nil || rr.WaitingPeriodEndAt == nil || !rr.WaitingPeriodEndAt.Equal(dr.DeployedAt.Add(30*time.Minute)) {
		t.Fatalf("revert request %+v", rr)
	}
	main := h.schema("main")
	if _, ok := main["tags"]; !ok || strings.Contains(main["posts"], "title") || !strings.Contains(main["users"], "nick") {
		t.Fatalf("production after cutover: %v", main)
	}
	h.clock.Advance(30 * time.Minute)
	dr = h.dr(1)
	if dr.DeploymentState != ps.StateComplete || dr.Deployment.FinishedAt == nil || dr.State != "open" {
		t.Fatalf("after the window: %s %s", dr.DeploymentState, dr.State)
	}
	h.wantError("POST", dbPath+"/deploy-requests/1/revert", nil, 422, "unprocessable")
	// The branch is kept (auto_delete_branch was off).
	h.must("GET", dbPath+"/branches/feat", nil, 200, nil)
}

func TestSpeed(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Speed = 10 })
	h.deployable("feat", nil, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.action(1, "deploy", nil)
	h.clock.Advance(200*time.Millisecond + time.Second) // submit 0.2s, then half of the 2s ALTER
	ops := h.dr(1).Deployment.DeployOperations
	if ops[0].State != ps.OperationInProgress || ops[0].ProgressPercentage != 50 {
		t.Fatalf("at speed 10: %+v", ops[0])
	}
	h.clock.Advance(2 * time.Second)
	if st := h.state(1); st != ps.StateCompletePendingRevert {
		t.Fatalf("state %s", st)
	}
}

func TestGatedDeploy(t *testing.T) {
	h := newHarness(t)
	h.deployable("gated", map[string]any{"auto_cutover": false}, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.wantError("POST", dbPath+"/deploy-requests/1/deploy", map[string]any{"instant_ddl": true}, 422, "unprocessable")
	h.action(1, "deploy", nil)
	h.wantError("POST", dbPath+"/deploy-requests/1/apply-deploy", nil, 422, "unprocessable")
	h.clock.Advance(time.Hour)
	dr := h.dr(1)
	if dr.DeploymentState != ps.StatePendingCutover || dr.Deployment.ReadyToCutoverAt == nil {
		t.Fatalf("gated: %s", dr.DeploymentState)
	}
	if strings.Contains(h.schema("main")["users"], "nick") {
		t.Fatal("production changed before apply-deploy")
	}
	dr = h.action(1, "apply-deploy", nil, "X-Localscale-Actor", "bob")
	if dr.DeploymentState != ps.StateInProgressCutover || dr.Deployment.CutoverActor == nil || dr.Deployment.CutoverActor.DisplayName != "bob" {
		t.Fatalf("after apply-deploy: %s", dr.DeploymentState)
	}
	h.clock.Advance(2 * time.Second)
	if st := h.state(1); st != ps.StateCompletePendingRevert {
		t.Fatalf("after cutover: %s", st)
	}
	if !strings.Contains(h.schema("main")["users"], "nick") {
		t.Fatal("not applied")
	}
}

func TestRevert(t *testing.T) {
	h := newHarness(t)
	before := h.schema("main")
	h.deployable("feat", nil, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.action(1, "deploy", nil)
	h.clock.Advance(time.Minute)
	h.clock.Advance(10 * time.Minute)
	dr := h.action(1, "revert", nil)
	if dr.DeploymentState != ps.StateInProgressRevert {
		t.Fatalf("revert: %s", dr.DeploymentState)
	}
	h.clock.Advance(2 * time.Second)
	dr = h.dr(1)
	if dr.DeploymentState != ps.StateCompleteRevert || dr.State != "closed" || dr.ClosedAt == nil {
		t.Fatalf("after revert: %s %s", dr.DeploymentState, dr.State)
	}
	after := h.schema("main")
	if after["users"] != before["users"] {
		t.Errorf("users not restored:\n%s", after["users"])
	}
	// After the window it is too late.
	h.deployable("feat2", nil, "ALTER TABLE users ADD COLUMN nick2 varchar(50)")
	h.action(2, "deploy", nil)
	h.clock.Advance(31 * time.Minute)
	h.wantError("POST", dbPath+"/deploy-requests/2/revert", nil, 422, "unprocessable")
}

func TestSkipRevertAndAutoDelete(t *testing.T) {
	h := newHarness(t)
	h.deployable("feat", map[string]any{"auto_delete_branch": true}, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.action(1, "deploy", nil)
	h.clock.Advance(time.Minute)
	if st := h.state(1); st != ps.StateCompletePendingRevert {
		t.Fatalf("state %s", st)
	}
	h.must("GET", dbPath+"/branches/feat", nil, 200, nil)
	dr := h.action(1, "skip-revert", nil)
	if dr.DeploymentState != ps.StateComplete || !dr.BranchDeleted || dr.State != "open" {
		t.Fatalf("after skip-revert: %s deleted=%v", dr.DeploymentState, dr.BranchDeleted)
	}
	h.wantError("GET", dbPath+"/branches/feat", nil, 404, "not_found")
	h.wantError("POST", dbPath+"/deploy-requests/1/skip-revert", nil, 422, "unprocessable")
	var closed ps.DeployRequest
	h.must("PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "closed"}, 200, &closed)
	if closed.State != "closed" {
		t.Errorf("close after deploy: %s", closed.State)
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t)
	h.deployable("feat", nil, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	h.action(1, "deploy", nil)
	h.clock.Advance(7 * time.Second) // 5s into the ALTER
	h.wantError("PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "closed"}, 422, "unprocessable")
	dr := h.action(1, "cancel", nil)
	if dr.DeploymentState != ps.StateInProgressCancel {
		t.Fatalf("cancel: %s", dr.DeploymentState)
	}
	h.clock.Advance(2 * time.Second)
	dr = h.dr(1)
	if dr.DeploymentState != ps.StateCompleteCancel || dr.Deployment.DeployOperations[0].State != ps.OperationCancelled {
		t.Fatalf("after cancel: %s %+v", dr.DeploymentState, dr.Deployment.DeployOperations)
	}
	if strings.Contains(h.schema("main")["users"], "nick") {
		t.Fatal("cancelled change reached production")
	}
	// A cancelled deploy request can be deployed again.
	h.action(1, "deploy", nil)
	h.clock.Advance(time.Minute)
	if st := h.state(1); st != ps.StateCompletePendingRevert {
		t.Fatalf("redeploy: %s", st)
	}
	// Cancel while queued.
	h.deployable("a", nil, "CREATE TABLE a (id int NOT NULL PRIMARY KEY)")
	h.deployable("b", map[string]any{"auto_cutover": false}, "CREATE TABLE b (id int NOT NULL PRIMARY KEY)")
	h.action(3, "deploy", nil)
	h.clock.Advance(time.Minute)
	h.action(2, "deploy", nil)
	if st := h.state(2); st != ps.StateQueued {
		t.Fatalf("behind a gated deploy: %s", st)
	}
	h.action(2, "cancel", nil)
	h.clock.Advance(2 * time.Second)
	if st := h.state(2); st != ps.StateCompleteCancel {
		t.Fatalf("queued cancel: %s", st)
	}
}

func TestQueue(t *testing.T) {
	h := newHarness(t)
	h.deployable("one", nil, "ALTER TABLE users ADD COLUMN a int")
	h.deployable("two", nil, "ALTER TABLE posts ADD COLUMN b int")
	h.deployable("three", nil, "CREATE TABLE c (id int NOT NULL PRIMARY KEY)")
	h.action(1, "deploy", nil)
	h.action(2, "deploy", nil)
	dr3 := h.action(3, "deploy", nil)
	pre := dr3.Deployment.PrecedingDeployments
	if len(pre) != 2 {
		t.Fatalf("preceding %+v", pre)
	}
	h.clock.Advance(5 * time.Second)
	dr2 := h.dr(2)
	if dr2.DeploymentState != ps.StateQueued || len(dr2.Deployment.PrecedingDeployments) != 1 ||
		dr2.Deployment.PrecedingDeployments[0]["deploy_request_number"].(float64) != 1 {
		t.Fatalf("second while first runs: %s %+v", dr2.DeploymentState, dr2.Deployment.PrecedingDeployments)
	}
	// First: 2s submit + 20s, 2s cutover = done at 24s; second starts then.
	h.clock.Advance(20 * time.Second)
	if st := h.state(2); st != ps.StateSubmitting {
		t.Fatalf("second at 25s: %s", st)
	}
	if h.state(1) != ps.StateCompletePendingRevert || len(h.dr(3).Deployment.PrecedingDeployments) != 1 {
		t.Fatalf("queue at 25s")
	}
	h.clock.Advance(time.Minute)
	if h.state(2) != ps.StateCompletePendingRevert || h.state(3) != ps.StateCompletePendingRevert {
		t.Fatalf("not all deployed: %s %s", h.state(2), h.state(3))
	}
	main := h.schema("main")
	if _, ok := main["c"]; !ok || !strings.Contains(main["users"], "`a`") || !strings.Contains(main["posts"], "`b`") {
		t.Errorf("production %v", main)
	}
}

func TestApprovalRequired(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.RequireApproval = true })
	h.deployable("feat", nil, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	msg := h.wantError("POST", dbPath+"/deploy-requests/1/deploy", nil, 422, "unprocessable")
	if !strings.Contains(msg, "approved") {
		t.Errorf("message %q", msg)
	}
	// The author's own approval does not count.
	h.must("POST", dbPath+"/deploy-requests/1/reviews", map[string]any{"state": "approved"}, 201, nil)
	h.wantError("POST", dbPath+"/deploy-requests/1/deploy", nil, 422, "unprocessable")
	h.must("POST", dbPath+"/deploy-requests/1/reviews", map[string]any{"state": "commented", "body": "hmm"}, 201, nil, "X-Localscale-Actor", "carol")
	h.wantError("POST", dbPath+"/deploy-requests/1/deploy", nil, 422, "unprocessable")
	h.must("POST", dbPath+"/deploy-requests/1/reviews", map[string]any{"state": "approved"}, 201, nil, "X-Localscale-Actor", "carol")
	// A schema change dismisses the approval.
	h.mustDDL("feat", "ALTER TABLE users ADD COLUMN nick2 varchar(50)")
	h.clock.Advance(time.Second)
	if dr := h.dr(1); dr.Approved || dr.DeploymentState != ps.StateReady {
		t.Fatalf("after a push: approved=%v %s", dr.Approved, dr.DeploymentState)
	}
	h.wantError("POST", dbPath+"/deploy-requests/1/deploy", nil, 422, "unprocessable")
	h.must("POST", dbPath+"/deploy-requests/1/reviews", map[string]any{"state": "approved"}, 201, nil, "X-Localscale-Actor", "carol")
	if dr := h.action(1, "deploy", nil); dr.DeploymentState != ps.StateQueued {
		t.Fatalf("deploy after approval: %s", dr.DeploymentState)
	}
}

func TestInstantDeploy(t *testing.T) {
	h := newHarness(t)
	dr := h.deployable("inst", nil, "ALTER TABLE users ADD COLUMN nick varchar(50)")
	if !dr.Deployment.InstantDDLEligible {
		t.Fatal("ADD COLUMN should be instant-eligible")
	}
	dr = h.action(1, "deploy", map[string]any{"instant_ddl": true})
	if !dr.Deployment.InstantDDL {
		t.Fatal("instant_ddl not recorded")
	}
	h.clock.Advance(5 * time.Second)
	dr = h.dr(1)
	if dr.DeploymentState != ps.StateComplete || dr.Deployment.DeploymentRevertRequest != nil {
		t.Fatalf("instant: %s", dr.DeploymentState)
	}
	if !strings.Contains(h.schema("main")["users"], "nick") {
		t.Fatal("not applied")
	}
	h.wantError("POST", dbPath+"/deploy-requests/1/revert", nil, 422, "unprocessable")
	h.wantError("POST", dbPath+"/deploy-requests/1/skip-revert", nil, 422, "unprocessable")
	// Not eligible: a change that copies the table.
	dr = h.deployable("slow", nil, "ALTER TABLE posts MODIFY COLUMN title varchar(100) NOT NULL")
	if dr.Deployment.InstantDDLEligible {
		t.Fatal("narrowing a column is not instant")
	}
	h.wantError("POST", dbPath+"/deploy-requests/2/deploy", map[string]any{"instant_ddl": true}, 422, "unprocessable")
}

func TestDirectDDLDisabledOnProduction(t *testing.T) {
	h := newHarness(t)
	err := h.ddl("main", "ALTER TABLE users ADD COLUMN x int")
	var se *mysqlsrv.SQLError
	if !errors.As(err, &se) || se.Num != 1105 || se.Message != "direct DDL is disabled" {
		t.Fatalf("got %v", err)
	}
}

func TestExecDDLErrors(t *testing.T) {
	h := newHarness(t)
	h.branch("dev")
	for _, tc := range []struct {
		sql string
		num uint16
	}{
		{"ALTER TABLE nope ADD COLUMN x int", 1146},
		{"DROP TABLE nope", 1051},
		{"CREATE TABLE users (id int)", 1050},
		{"ALTER TABLE users ADD COLUMN email int", 1060},
		{"ALTER TABLE users DROP COLUMN nope", 1091},
		{"ALTER TABLE users DROP INDEX nope", 1091},
		{"ALTER TABLE users ADD KEY email (email)", 1061},
		{"ALTER TABLE users ADD COLUMN", 1064},
		{"CREATE DATABASE other", 1235},
	} {
		err := h.ddl("dev", tc.sql)
		var se *mysqlsrv.SQLError
		if !errors.As(err, &se) || se.Num != tc.num {
			t.Errorf("%s: got %v, want error %d", tc.sql, err, tc.num)
		}
	}
	// Nothing of that reached the schema.
	if got := h.schema("dev"); len(got) != 2 {
		t.Errorf("schema after errors: %v", got)
	}
	// A reader password cannot run DDL.
	var p ps.Password
	h.must("POST", dbPath+"/branches/dev/passwords", map[string]any{"role": "reader"}, 201, &p)
	sess, err := h.s.MySQLBackend().Authenticate(t.Context(), p.Username, func(pw string) bool { return pw == p.PlainText })
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.ExecDDL(t.Context(), "CREATE TABLE z (id int NOT NULL PRIMARY KEY)"); err == nil {
		t.Error("reader ran DDL")
	}
	// Wrong password, expired password, deleted password.
	if _, err := h.s.MySQLBackend().Authenticate(t.Context(), p.Username, func(string) bool { return false }); err == nil {
		t.Error("wrong password accepted")
	}
	h.must("POST", dbPath+"/branches/dev/passwords", map[string]any{"ttl": 10}, 201, &p)
	h.clock.Advance(11 * time.Second)
	if _, err := h.s.MySQLBackend().Authenticate(t.Context(), p.Username, func(pw string) bool { return pw == p.PlainText }); err == nil {
		t.Error("expired password accepted")
	}
}

func TestBranchFromBranchKeepsBase(t *testing.T) {
	h := newHarness(t)
	h.branch("dev")
	h.mustDDL("dev", "CREATE TABLE a (id int NOT NULL PRIMARY KEY)")
	var b ps.Branch
	h.must("POST", dbPath+"/branches", map[string]any{"name": "child", "parent_branch": "dev"}, 201, &b)
	h.clock.Advance(2 * time.Second)
	if _, ok := h.schema("child")["a"]; !ok {
		t.Fatal("child did not copy its parent's schema")
	}
	var diff struct{ Data []ps.SchemaTable }
	h.must("GET", dbPath+"/branches/dev/diff", nil, 200, &diff)
	if len(diff.Data) != 1 || diff.Data[0].Name != "a" {
		t.Errorf("branch diff %+v", diff.Data)
	}
}

func TestThreeWaySameChangeOnBothSides(t *testing.T) {
	h := newHarness(t)
	// Production gets nick (identically) and another column of the same table.
	h.behindProduction("late", []string{"ALTER TABLE users ADD COLUMN nick varchar(50)", "ALTER TABLE users ADD COLUMN bio text"},
		"early", "ALTER TABLE users ADD COLUMN nick varchar(50)", "ALTER TABLE users ADD COLUMN age int")
	dr := h.openDR("late", nil)
	if dr.DeploymentState != ps.StateReady {
		t.Fatalf("state %s: %v", dr.DeploymentState, dr.Deployment.DeployCheckErrors)
	}
	ops := dr.Deployment.DeployOperations
	if len(ops) != 1 || !strings.Contains(ops[0].DDLStatement, "`bio`") || strings.Contains(ops[0].DDLStatement, "`nick`") || strings.Contains(ops[0].DDLStatement, "`age`") {
		t.Fatalf("operations %+v", ops)
	}
}
