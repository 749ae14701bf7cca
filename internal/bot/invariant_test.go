package bot

import (
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

func TestDeployTargetMismatches(t *testing.T) {
	pr := github.PullRequest{Number: 7, HeadSHA: "head1", HTMLURL: "https://github.com/o/r/pull/7"}
	target := deployTarget{repo: testRepo, pr: pr, db: config.Database{Name: "app", ProductionBranch: "main"},
		state: PlanState{Database: "app", Branch: testBranch, DeployRequest: 3, HeadSHA: "head1"}}
	good := ps.DeployRequest{Number: 3, Branch: testBranch, IntoBranch: "main", State: ps.DeployRequestOpen, Notes: drNotes(pr)}
	tests := []struct {
		name string
		edit func(*ps.DeployRequest, *deployTarget)
		want string // "" for no mismatch
	}{
		{"the planned deploy request", func(*ps.DeployRequest, *deployTarget) {}, ""},
		{"no notes (opened by hand or by an old ddlbot)", func(d *ps.DeployRequest, _ *deployTarget) { d.Notes = "" }, ""},
		{"legacy branch named by the state", func(d *ps.DeployRequest, t *deployTarget) {
			d.Branch, t.state.Branch = LegacyBranchName(7), LegacyBranchName(7)
		}, ""},
		{"another number", func(d *ps.DeployRequest, _ *deployTarget) { d.Number = 4 }, "is not the planned #3"},
		{"another repository's branch", func(d *ps.DeployRequest, _ *deployTarget) { d.Branch = BranchName(Repo{"o", "admin"}, 7) }, "which is not a branch of o/r#7"},
		{"another generation than planned", func(d *ps.DeployRequest, _ *deployTarget) { d.Branch = branchGeneration(testRepo, 7, 2) }, "not the planned"},
		{"into another branch", func(d *ps.DeployRequest, _ *deployTarget) { d.IntoBranch = "staging" }, "goes into `staging`, not the production branch `main`"},
		{"opened for another pull request", func(d *ps.DeployRequest, _ *deployTarget) {
			d.Notes = "Opened by ddlbot for https://github.com/o/admin/pull/7"
		}, "was opened for another pull request"},
		{"closed", func(d *ps.DeployRequest, _ *deployTarget) { d.State = ps.DeployRequestClosed }, "is closed"},
		{"state for another database", func(_ *ps.DeployRequest, t *deployTarget) { t.state.Database = "billing" }, "the plan is for database `billing`"},
		{"stale head", func(_ *ps.DeployRequest, t *deployTarget) { t.pr.HeadSHA = "head2" }, "the plan is for `head1`, not the head `head2`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dr, tg := good, target
			tt.edit(&dr, &tg)
			got := strings.Join(tg.mismatches(&dr), "; ")
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Fatalf("mismatches = %q, want %q", got, tt.want)
			}
		})
	}
}
