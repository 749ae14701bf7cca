package bot

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/internal/testgen"
)

// BenchmarkHandlePullRequest measures one pull_request event end to end on a
// 200-table schema: lint, diff, branch converge over MySQL, deploy request,
// checks, report. Waits cost nothing (fake clock), so what is measured is the
// engine's own work plus the in-process emulator answering it.
func BenchmarkHandlePullRequest(b *testing.B) {
	schema := testgen.GenerateSchema(200, 1)
	w := newWorld(b, "databases:\n  - name: app\n    organization: acme\n    schema: db/schema\n", map[string]string{"db/schema/schema.sql": schema})
	w.seed("app", "db/schema")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// Each event is a new push that adds one more column to one table.
		w.push(fmt.Sprintf("head%d", i), map[string]string{"db/schema/zz_extra.sql": fmt.Sprintf("CREATE TABLE extra_%d (id bigint NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));\n", i)})
		b.StartTimer()
		out, err := w.engine.HandlePullRequest(ctx, PullRequestEvent{Action: "synchronize", Repo: Repo{"o", "r"}, Number: 7})
		if err != nil || out.Decision != DecisionPlanned {
			b.Fatalf("%v %+v", err, out)
		}
	}
}

// BenchmarkEngineWork is the engine's own work for one pull_request event on
// a 200-table database, without any network: load the base and head
// schemas (a migrations folder whose head adds 20 tables' changes), lint,
// diff and render the sticky comment and the annotations. The target is
// 50 ms per event (issue 12):
//
//	go test ./internal/bot/ -run='^$' -bench=EngineWork -benchtime=20x
func BenchmarkEngineWork(b *testing.B) {
	const tables = 200
	base := fstest.MapFS{"db/migrations/0001_schema.sql": {Data: []byte(testgen.GenerateSchema(tables, 1))}}
	head := maps.Clone(base)
	for _, f := range testgen.GenerateMigrations(tables, tables/10, 1) {
		head["db/migrations/"+f.Name] = &fstest.MapFile{Data: []byte(f.SQL)}
	}
	cfg, err := config.Parse(".ddlbot.yml", []byte("databases:\n  - name: app\n    organization: acme\n    migrations: db/migrations\n"), config.Options{KnownRule: lint.KnownRule})
	if err != nil {
		b.Fatal(err)
	}
	db := cfg.Databases[0]
	sev, err := check.SeveritiesOf(cfg)
	if err != nil {
		b.Fatal(err)
	}
	pr := github.PullRequest{Number: 7, HeadSHA: "0123456789abcdef0123456789abcdef01234567", BaseSHA: "89abcdef0123456789abcdef0123456789abcdef"}
	ctx := context.Background()
	var body string
	var findings, changes int
	b.ReportAllocs()
	for b.Loop() {
		res, err := check.Run(ctx, check.TargetFor(db), base, head, check.Options{Severities: sev, Limits: cfg.Limits})
		if err != nil {
			b.Fatal(err)
		}
		rep := &report{db: db, pr: pr, res: res, failOn: check.FailOnOf(cfg), version: "bench", cfg: cfg.Deploy, severities: sev,
			state: PlanState{Database: db.Name, Branch: BranchName(Repo{"o", "r"}, pr.Number), HeadSHA: pr.HeadSHA}}
		body = rep.render()
		_ = annotations(res.Findings)
		findings, changes = len(res.Findings), len(res.Diff.Changes)
	}
	if findings == 0 || changes == 0 || !strings.Contains(body, "ddlbot") {
		b.Fatalf("nothing linted or planned: %d findings, %d changes\n%.500s", findings, changes, body)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/event")
	b.ReportMetric(float64(changes), "changes")
	b.ReportMetric(float64(findings), "findings")
}
