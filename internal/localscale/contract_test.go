package localscale

import (
	"testing"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/pscontract"
)

// TestContract checks localscale's responses against PlanetScale's published
// response schemas, through every deployment state they can carry.
func TestContract(t *testing.T) {
	h := newHarness(t)
	check := func(op, method, path string, body any) []byte {
		t.Helper()
		status, data := h.call(method, path, body)
		pscontract.CheckResponse(t, op, status, data)
		return data
	}
	check("create_database", "POST", "/organizations/acme/databases", map[string]any{"name": "other", "cluster_size": "PS_10"})
	check("create_branch", "POST", dbPath+"/branches", map[string]any{"name": "feat", "parent_branch": "main"})
	check("create_branch", "POST", dbPath+"/branches", map[string]any{"name": "feat", "parent_branch": "main"}) // 422
	h.clock.Advance(2 * time.Second)
	check("create_password", "POST", dbPath+"/branches/feat/passwords", map[string]any{"role": "admin", "ttl": 3600})
	check("create_backup", "POST", dbPath+"/branches/main/backups", map[string]any{"name": "before", "retention_unit": "week", "retention_value": 1})
	check("create_backup", "POST", dbPath+"/branches/main/backups", map[string]any{"retention_value": 1}) // 422
	check("create_webhook", "POST", dbPath+"/webhooks", map[string]any{"url": "http://127.0.0.1:1/", "enabled": false, "events": []string{"deploy_request.opened"}})
	h.mustDDL("feat", "ALTER TABLE users ADD COLUMN nick varchar(50)", "ALTER TABLE posts DROP COLUMN title")
	check("create_deploy_request", "POST", dbPath+"/deploy-requests", map[string]any{"branch": "feat", "into_branch": "main", "auto_cutover": false})
	h.clock.Advance(time.Second)
	var dr ps.DeployRequest
	h.must("POST", dbPath+"/deploy-requests/1/deploy", nil, 200, &dr)
	h.clock.Advance(10 * time.Second)
	check("cancel_deploy_request", "POST", dbPath+"/deploy-requests/1/cancel", nil)
	h.clock.Advance(5 * time.Second)
	h.must("POST", dbPath+"/deploy-requests/1/deploy", nil, 200, nil)
	h.clock.Advance(time.Minute)
	check("complete_gated_deploy_request", "POST", dbPath+"/deploy-requests/1/apply-deploy", nil)
	h.clock.Advance(5 * time.Second)
	check("complete_revert", "POST", dbPath+"/deploy-requests/1/revert", nil)
	h.clock.Advance(5 * time.Second)
	check("close_deploy_request", "PATCH", dbPath+"/deploy-requests/1", map[string]any{"state": "closed"})

	// Lint errors, deploy check errors and an errored deployment.
	h.branch("nopk")
	h.mustDDL("nopk", "CREATE TABLE logs (msg varchar(10))")
	check("create_deploy_request", "POST", dbPath+"/deploy-requests", map[string]any{"branch": "nopk", "into_branch": "main"})
	h.clock.Advance(time.Second)
	check("close_deploy_request", "PATCH", dbPath+"/deploy-requests/2", map[string]any{"state": "closed"})
	check("complete_errored_deploy", "POST", dbPath+"/deploy-requests/2/complete-deploy", nil) // 422
	check("create_deploy_request", "POST", dbPath+"/deploy-requests", map[string]any{})        // 422
}
