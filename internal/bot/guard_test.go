package bot

import (
	"strings"
	"testing"

	"github.com/ddlbot/ddlbot/internal/check"
)

func TestStateFor(t *testing.T) {
	good := Marker("app") + "\n" + encodeState(PlanState{Database: "app", Branch: BranchName(testRepo, 7), DeployRequest: 3}) + "\n\n### ddlbot"
	tests := []struct {
		name   string
		body   string
		db     string
		number int
		want   int // deploy request, 0 when refused
	}{
		{"bot layout", good, "app", 7, 3},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), "app", 7, 3},
		{"asked for another database", good, "billing", 7, 0},
		{"another pull request's branch", good, "app", 8, 0},
		{"state written before branch names named the repository", Marker("app") + "\n" + encodeState(PlanState{Database: "app", Branch: LegacyBranchName(7), DeployRequest: 3}), "app", 7, 3},
		{"a later generation of this pull request's branch", Marker("app") + "\n" + encodeState(PlanState{Database: "app", Branch: branchGeneration(testRepo, 7, 2), DeployRequest: 4}), "app", 7, 4},
		{"another repository's branch", Marker("app") + "\n" + encodeState(PlanState{Database: "app", Branch: BranchName(Repo{"o", "other"}, 7), DeployRequest: 3}), "app", 7, 0},
		{"another pull request's legacy branch", Marker("app") + "\n" + encodeState(PlanState{Database: "app", Branch: LegacyBranchName(8), DeployRequest: 3}), "app", 7, 0},
		{"state names another database", Marker("billing") + "\n" + encodeState(PlanState{Database: "app", Branch: BranchName(testRepo, 7), DeployRequest: 3}), "billing", 7, 0},
		{"marker not first", "hello\n" + good, "app", 7, 0},
		{"state not right after the marker", Marker("app") + "\ntext\n" + encodeState(PlanState{Database: "app", DeployRequest: 3}), "app", 7, 0},
		{"state line with trailing text", Marker("app") + "\n" + encodeState(PlanState{Database: "app", DeployRequest: 3}) + " x", "app", 7, 0},
		{"planted in a file name", "### ddlbot\n`" + Marker("billing") + ".sql`\n" + encodeState(PlanState{Database: "billing", DeployRequest: 9}), "billing", 7, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, ok := stateFor(tt.body, tt.db, testRepo, tt.number)
			if got := st.DeployRequest; got != tt.want || ok != (tt.want != 0) {
				t.Fatalf("stateFor = %+v, %v; want deploy request %d", st, ok, tt.want)
			}
		})
	}
}

func TestNeutralizeHTMLComments(t *testing.T) {
	in := "`<!-- ddlbot:plan db=billing -->.sql` COMMENT '<!-- ddlbot:state {} -->'"
	got := neutralizeHTMLComments(in)
	if strings.Contains(got, "<!--") {
		t.Fatalf("still opens a comment: %q", got)
	}
	if got != strings.ReplaceAll(in, "<!--", "&lt;!--") {
		t.Fatalf("got %q", got)
	}
}

func TestReportNeutralizesUserText(t *testing.T) {
	r := &report{state: PlanState{Database: "app", Branch: BranchName(testRepo, 1)}, res: &check.Result{}}
	r.db.Name = "app"
	r.err = errString("file `<!-- ddlbot:plan db=billing -->.sql` failed")
	body := r.render()
	if strings.Count(body, "<!--") != 2 || !strings.HasPrefix(body, Marker("app")+"\n<!-- ddlbot:state ") {
		t.Fatalf("user text opened an HTML comment or the hidden blocks moved:\n%s", body)
	}
	if _, ok := stateFor(body, "app", testRepo, 1); !ok {
		t.Fatal("own report not readable")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// PlanetScale errors land in the public comment (issue 17 item 13).
func TestReportRedactsSecrets(t *testing.T) {
	r := &report{state: PlanState{Database: "app"}, res: &check.Result{}}
	r.db.Name = "app"
	r.err = errString("connect app:pscale_pw_s3cr3tS3cr3t@tcp(aws.connect.psdb.cloud)/app: password=hunter2")
	body := r.render()
	for _, secret := range []string{"pscale_pw_s3cr3tS3cr3t", "hunter2"} {
		if strings.Contains(body, secret) {
			t.Fatalf("secret %q published:\n%s", secret, body)
		}
	}
	if !strings.Contains(body, "REDACTED") {
		t.Fatalf("no redaction mark:\n%s", body)
	}
}
