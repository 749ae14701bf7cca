package bot

import (
	"context"
	"fmt"
	"testing"

	"github.com/ddlbot/ddlbot/internal/testgen"
)

// BenchmarkHandlePullRequest measures one pull_request event end to end on a
// 200-table schema: lint, diff, branch converge over MySQL, deploy request,
// checks, report. Waits cost nothing (fake clock), so what is measured is the
// engine's own work plus the in-process emulator answering it.
func BenchmarkHandlePullRequest(b *testing.B) {
	schema := testgen.GenerateSchema(200, 1)
	t := &testing.T{}
	w := newWorld(t, "databases:\n  - name: app\n    organization: acme\n    schema: db/schema\n", map[string]string{"db/schema/schema.sql": schema})
	w.t = t
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
