package pscontract

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// page wraps a flattened operation the way PlanetScale's docs pages do.
func page(yaml string) []byte {
	return []byte("# Source: https://planetscale.com/docs/api/reference/x.md # X > ### Authorization ## OpenAPI ````yaml post /x\n\n" +
		yaml + " components: securitySchemes: ApiKeyHeader: type: apiKey in: header name: Authorization ```` --- > To find navigation ---")
}

// op201 is a POST /things operation whose 201 body is schema.
func op201(schema string) []byte {
	return page("paths: /things: post: tags: - Things summary: Create a thing description: >- ### Authorization A token: any. operationId: create_thing responses: '201': description: Returns the thing headers: {} content: application/json: schema: " +
		schema + " '401': description: Unauthorized '500': description: Internal Server Error")
}

// op201Bare is op201 with the least around the schema: no tags, no
// description, no headers.
func op201Bare(schema string) []byte {
	return []byte("paths: /things: post: summary: Create a thing operationId: create_thing responses: '201': description: Returns the thing content: application/json: schema: " +
		schema + " '401': description: Unauthorized '500': description: Internal Server Error")
}

func TestParseSnippets(t *testing.T) {
	tests := []struct {
		name   string
		schema string // the 201 body schema, flattened
		want   string // Schema.String() of the parsed body
	}{{
		name:   "flat object",
		schema: "type: object properties: id: type: string description: The ID number: type: integer description: The number additionalProperties: false required: - id - number",
		want:   "{id:string! number:integer!|}",
	}, {
		name: "descriptions with colons, folding markers and keyword-like words",
		schema: "type: object properties: id: type: string description: >- The ID: unique; its type is string, items: none, required: yes. " +
			"note: type: string description: Options: PS_10, PS_20, ..., PS_2800 (e.g. 2023-01-01T00:00:00Z). enum values, type names " +
			"additionalProperties: false required: - id",
		want: "{id:string! note:string|}",
	}, {
		name:   "quoted description",
		schema: "type: object properties: a: type: string description: 'It''s: quoted, type: object' b: type: boolean description: \"say \\\"hi\\\": twice\" additionalProperties: false",
		want:   "{a:string b:boolean|}",
	}, {
		name: "properties named like keywords",
		schema: "type: object properties: type: type: string description: The resource type default: type: boolean description: Is this the default " +
			"description: type: string description: A description items: type: array items: type: string enum: type: string enum: - a - b " +
			"required: type: boolean format: type: string properties: type: object additionalProperties: true additionalProperties: false required: - type - default",
		want: "{type:string! default:boolean! description:string items:[string] enum:string(a|b) required:boolean format:string properties:{ *}|}",
	}, {
		name: "nested objects and arrays close where their own keywords end",
		schema: "type: object properties: actor: type: object properties: id: type: string description: The ID of the actor additionalProperties: false required: - id " +
			"ops: type: array items: type: object properties: state: type: string enum: - pending - done description: The state eta: type: number additionalProperties: false required: - state - eta " +
			"after: type: integer additionalProperties: false required: - actor - ops - after",
		want: "{actor:{id:string!|}! ops:[{state:string(pending|done)! eta:number!|}]! after:integer!|}",
	}, {
		name:   "items before type, and free-form objects",
		schema: "type: object properties: tags: items: type: string type: array description: Tags deps: items: type: object additionalProperties: true type: array description: Deps extra: type: object additionalProperties: true description: >- Anything labels: type: object additionalProperties: type: string additionalProperties: false",
		want:   "{tags:[string] deps:[{ *}] extra:{ *} labels:{ *:string}|}",
	}, {
		// Without indentation, "additionalProperties: false required: - a"
		// after a nested object could close either; the required list
		// names a, which only the outer object declares.
		name:   "a tail that only fits the enclosing object",
		schema: "type: object properties: a: type: object properties: x: type: string description: X additionalProperties: false required: - a",
		want:   "{a:{x:string}!|}",
	}, {
		name: "properties named like operation, parameter and response fields",
		schema: "type: object properties: headers: type: object additionalProperties: true example: type: string links: type: array items: type: string " +
			"summary: type: string name: type: string in: type: string content: type: string schema: type: string responses: type: integer " +
			"additionalProperties: false required: - headers - example",
		want: "{headers:{ *}! example:string! links:[string] summary:string name:string in:string content:string schema:string responses:integer|}",
	}, {
		name:   "flow lists, nullable, format",
		schema: "type: object properties: id: type: string format: uuid n: type: integer nullable: true minimum: 0 k: type: string enum: [x, 'y z'] required: [id, n]",
		want:   "{id:string! n:integer! k:string(x|y z)}",
	}}
	for _, tt := range tests {
		for _, wrap := range []func(string) []byte{op201, op201Bare} {
			t.Run(tt.name, func(t *testing.T) {
				op, err := Parse(wrap(tt.schema))
				if err != nil {
					t.Fatal(err)
				}
				if op.ID != "create_thing" || op.Method != "POST" || op.Path != "/things" || op.Summary != "Create a thing" {
					t.Errorf("operation = %q %q %q %q", op.ID, op.Method, op.Path, op.Summary)
				}
				if got := op.Statuses(); !slices.Equal(got, []int{201, 401, 500}) {
					t.Errorf("statuses = %v", got)
				}
				if op.Response(401).Schema != nil || op.Response(500).Description != "Internal Server Error" {
					t.Errorf("401/500 = %+v %+v", op.Response(401), op.Response(500))
				}
				s := op.Response(201).Schema
				if got := s.String(); got != tt.want {
					t.Errorf("schema\n got %s\nwant %s", got, tt.want)
				}
			})
		}
	}
}

func TestParseSnippetDetails(t *testing.T) {
	op, err := Parse(op201("type: object properties: id: type: string format: date-time description: >- When: it happened. n: type: integer nullable: true k: type: string enum: - x - 'y z' description: K"))
	if err != nil {
		t.Fatal(err)
	}
	s := op.Response(201).Schema
	if id := s.Property("id"); id.Format != "date-time" || id.Description != "When: it happened." {
		t.Errorf("id = %+v", id)
	}
	if !s.Property("n").Nullable {
		t.Error("n is not nullable")
	}
	if k := s.Property("k"); !slices.Equal(k.Enum, []string{"x", "y z"}) || k.Description != "K" {
		t.Errorf("k = %+v", k)
	}
	if got := op.Response(201).Description; got != "Returns the thing" {
		t.Errorf("201 description = %q", got)
	}

	op, err = Parse(op201("type: object properties: a: type: string description: 'It''s: quoted, type: object' b: type: boolean description: >- Options: PS_10, ..., PS_2800 (e.g. 2023-01-01T00:00:00Z). additionalProperties: false"))
	if err != nil {
		t.Fatal(err)
	}
	s = op.Response(201).Schema
	if got := s.Property("a").Description; got != "It's: quoted, type: object" {
		t.Errorf("a description = %q", got)
	}
	if got := s.Property("b").Description; got != "Options: PS_10, ..., PS_2800 (e.g. 2023-01-01T00:00:00Z)." {
		t.Errorf("b description = %q", got)
	}
}

func TestParseOperation(t *testing.T) {
	op, err := Parse(page("paths: /organizations/{organization}/things/{number}: patch: tags: - Things summary: Close a thing description: >- ### Authorization **Scopes** | Org | `write` | operationId: close_thing " +
		"parameters: - name: organization in: path required: true description: The name of the organization schema: type: string - name: number in: path required: true description: The number schema: type: integer - name: page in: query required: false schema: type: integer " +
		"requestBody: content: application/json: schema: type: object properties: state: type: string enum: - closed description: The new state additionalProperties: false required: - state " +
		"responses: '200': description: Returns the thing headers: {} content: application/json: schema: type: object properties: id: type: string additionalProperties: false '204': description: No content '404': description: Not Found"))
	if err != nil {
		t.Fatal(err)
	}
	if op.ID != "close_thing" || op.Method != "PATCH" || op.Path != "/organizations/{organization}/things/{number}" {
		t.Errorf("operation = %q %q %q", op.ID, op.Method, op.Path)
	}
	wantParams := []struct {
		name, in, typ string
		required      bool
	}{{"organization", "path", "string", true}, {"number", "path", "integer", true}, {"page", "query", "integer", false}}
	if len(op.Parameters) != len(wantParams) {
		t.Fatalf("parameters = %+v", op.Parameters)
	}
	for i, w := range wantParams {
		p := op.Parameters[i]
		if p.Name != w.name || p.In != w.in || p.Required != w.required || p.Schema.Type != w.typ {
			t.Errorf("parameter %d = %+v (schema %s), want %+v", i, p, p.Schema, w)
		}
	}
	if got := op.RequestBody.String(); got != "{state:string(closed)!|}" {
		t.Errorf("request body = %s", got)
	}
	if got := op.Statuses(); !slices.Equal(got, []int{200, 204, 404}) {
		t.Errorf("statuses = %v", got)
	}
	if got := op.Response(200).Schema.String(); got != "{id:string|}" {
		t.Errorf("200 = %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"no paths", "# Source: nothing here", "no OpenAPI paths"},
		{"no method", "paths: /x: operationId: x", "want an HTTP method"},
		{"no operationId", "paths: /x: post: summary: X responses: '200': description: OK", "has no operationId"},
		{"two operations", "paths: /x: post: operationId: a responses: '200': description: OK get: operationId: b responses: '200': description: OK", "more than one operation"},
		{"duplicate property", "paths: /x: post: operationId: a responses: '200': description: OK content: application/json: schema: type: object properties: a: type: string a: type: string", "declared twice"},
		{"duplicate status", "paths: /x: post: operationId: a responses: '200': description: OK '200': description: Again", "documented twice"},
		{"unknown keyword where a schema must be", "paths: /x: post: operationId: a responses: '200': description: OK content: application/json: schema: oneOf: - type: string", "unexpected token"},
		{"$ref is not resolved", "paths: /x: post: operationId: a responses: '200': description: OK content: application/json: schema: $ref: '#/components/schemas/X'", "unexpected token"},
		{"a tail that fits nothing", "paths: /x: post: operationId: a responses: '200': description: OK content: application/json: schema: type: object properties: a: type: object properties: x: type: string b: type: string additionalProperties: false required: - a - b", "unexpected token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := Parse([]byte(tt.page))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse = %v, %v; want an error containing %q", op, err, tt.want)
			}
		})
	}
}

// The excerpts vendored under testdata/openapi.
func TestParseExcerpts(t *testing.T) {
	drRequired := []string{"id", "number", "actor", "closed_by", "branch", "branch_id", "branch_deleted", "branch_deleted_by",
		"branch_deleted_at", "into_branch", "into_branch_sharded", "into_branch_shard_count", "approved", "state",
		"deployment_state", "deployment", "num_comments", "html_url", "notes", "html_body", "created_at", "updated_at",
		"closed_at", "deployed_at"}
	type lookup struct {
		path     []string // from the body schema; "[]" steps into items
		typ      string
		required []string // nil: not checked
		enumHas  string   // "": not checked
	}
	tests := []struct {
		op, method, pathSuffix string
		status                 int
		required               []string // the response body's top-level required keys
		requestRequired        []string // nil: no request body expected
		lookups                []lookup
	}{{
		op: "create_deploy_request", method: "POST", pathSuffix: "/databases/{database}/deploy-requests", status: 201,
		required: drRequired, requestRequired: []string{"branch", "into_branch"},
		lookups: []lookup{
			{path: []string{"number"}, typ: TypeInteger},
			{path: []string{"actor"}, typ: TypeObject, required: []string{"id", "display_name", "avatar_url"}},
			{path: []string{"deployment_state"}, typ: TypeString, enumHas: "complete_pending_revert"},
			{path: []string{"deployment"}, typ: TypeObject, required: []string{"id", "auto_cutover", "auto_delete_branch",
				"created_at", "cutover_at", "cutover_expiring", "deploy_check_errors", "finished_at", "queued_at",
				"ready_to_cutover_at", "started_at", "state", "submitted_at", "updated_at", "into_branch",
				"deploy_request_number", "deployable", "preceding_deployments", "deploy_operations",
				"deploy_operation_summaries", "lint_errors", "sequential_diff_dependencies", "lookup_vindex_operations",
				"throttler_configurations", "deployment_revert_request", "actor", "cutover_actor", "cancelled_actor",
				"schema_last_updated_at", "table_locked", "locked_table_name", "instant_ddl", "instant_ddl_eligible"}},
			{path: []string{"deployment", "deploy_operations"}, typ: TypeArray},
			{path: []string{"deployment", "deploy_operations", "[]"}, typ: TypeObject, required: []string{"id", "state",
				"keyspace_name", "table_name", "operation_name", "eta_seconds", "progress_percentage",
				"deploy_error_docs_url", "ddl_statement", "syntax_highlighted_ddl", "created_at", "updated_at",
				"throttled_at", "can_drop_data", "table_locked", "table_recently_used", "table_recently_used_at",
				"removed_foreign_key_names", "deploy_errors"}},
			{path: []string{"deployment", "deploy_operations", "[]", "eta_seconds"}, typ: TypeNumber},
			{path: []string{"deployment", "deploy_operations", "[]", "state"}, typ: TypeString, enumHas: "queued"},
			{path: []string{"deployment", "deploy_operations", "[]", "removed_foreign_key_names", "[]"}, typ: TypeString},
			{path: []string{"deployment", "deploy_operation_summaries", "[]", "eta_seconds"}, typ: TypeInteger},
			{path: []string{"deployment", "deploy_operation_summaries", "[]", "operations", "[]"}, typ: TypeObject,
				required: []string{"id", "shard", "state", "progress_percentage", "eta_seconds"}},
			{path: []string{"deployment", "lint_errors", "[]"}, typ: TypeObject},
			{path: []string{"deployment", "deployment_revert_request"}, typ: TypeObject},
			{path: []string{"deployment", "cancelled_actor"}, typ: TypeObject, required: []string{"id", "display_name", "avatar_url"}},
			{path: []string{"deployment", "instant_ddl_eligible"}, typ: TypeBoolean},
			{path: []string{"deployed_at"}, typ: TypeString},
		},
	}, {
		op: "cancel_deploy_request", method: "POST", pathSuffix: "/deploy-requests/{number}/cancel", status: 200, required: drRequired,
	}, {
		op: "close_deploy_request", method: "PATCH", pathSuffix: "/deploy-requests/{number}", status: 200, required: drRequired,
		requestRequired: []string{},
		lookups:         []lookup{{path: []string{"state"}, typ: TypeString, enumHas: "closed"}},
	}, {
		op: "complete_gated_deploy_request", method: "POST", pathSuffix: "/deploy-requests/{number}/apply-deploy", status: 200, required: drRequired,
	}, {
		op: "complete_revert", method: "POST", pathSuffix: "/deploy-requests/{number}/revert", status: 200, required: drRequired,
	}, {
		op: "complete_errored_deploy", method: "POST", pathSuffix: "/deploy-requests/{number}/complete-deploy", status: 200, required: drRequired,
	}, {
		op: "create_branch", method: "POST", pathSuffix: "/databases/{database}/branches", status: 201,
		required: []string{"id", "name", "created_at", "updated_at", "deleted_at", "restore_checklist_completed_at",
			"schema_last_updated_at", "kind", "mysql_address", "mysql_edge_address", "state", "direct_vtgate",
			"vtgate_size", "vtgate_count", "cluster_name", "cluster_iops", "ready", "schema_ready", "metal",
			"production", "safe_migrations", "sharded", "shard_count", "stale_schema", "actor", "restored_from_branch",
			"private_edge_connectivity", "has_replicas", "has_read_only_replicas", "html_url", "url", "region",
			"parent_branch"},
		requestRequired: []string{"name", "parent_branch"},
		lookups: []lookup{
			{path: []string{"state"}, typ: TypeString, enumHas: "ready"},
			{path: []string{"restored_from_branch"}, typ: TypeObject, required: []string{"id", "name", "created_at", "updated_at", "deleted_at"}},
			{path: []string{"region"}, typ: TypeObject, required: []string{"id", "provider", "enabled", "public_ip_addresses",
				"display_name", "location", "slug", "current_default"}},
			{path: []string{"region", "public_ip_addresses", "[]"}, typ: TypeString},
			{path: []string{"cluster_iops"}, typ: TypeInteger},
		},
	}, {
		op: "create_password", method: "POST", pathSuffix: "/branches/{branch}/passwords", status: 201,
		required: []string{"id", "name", "role", "cidrs", "created_at", "deleted_at", "expires_at", "last_used_at",
			"expired", "direct_vtgate", "direct_vtgate_addresses", "ttl_seconds", "access_host_url",
			"access_host_regional_url", "access_host_regional_urls", "actor", "region", "username", "plain_text",
			"replica", "renewable", "database_branch"},
		requestRequired: []string{},
		lookups: []lookup{
			{path: []string{"role"}, typ: TypeString, enumHas: "readwriter"},
			{path: []string{"ttl_seconds"}, typ: TypeInteger},
			{path: []string{"database_branch"}, typ: TypeObject, required: []string{"name", "id", "production", "mysql_edge_address", "private_edge_connectivity"}},
		},
	}, {
		op: "create_webhook", method: "POST", pathSuffix: "/databases/{database}/webhooks", status: 201,
		required: []string{"id", "url", "secret", "enabled", "last_sent_result", "last_sent_success", "last_sent_at",
			"created_at", "updated_at", "events"},
		requestRequired: []string{"url"},
		lookups: []lookup{
			{path: []string{"events", "[]"}, typ: TypeString, enumHas: "deploy_request.schema_applied"},
			{path: []string{"last_sent_success"}, typ: TypeBoolean},
		},
	}, {
		op: "create_database", method: "POST", pathSuffix: "/organizations/{organization}/databases", status: 201,
		required: []string{"id", "url", "branches_url", "branches_count", "open_schema_recommendations_count",
			"development_branches_count", "production_branches_count", "issues_count",
			"multiple_admins_required_for_deletion", "ready", "at_backup_restore_branches_limit",
			"at_development_branch_usage_limit", "data_import", "region", "html_url", "name", "state", "sharded",
			"default_branch_shard_count", "default_branch_read_only_regions_count", "default_branch_table_count",
			"default_branch", "require_approval_for_deploy", "resizing", "resize_queued", "allow_data_branching",
			"foreign_keys_enabled", "automatic_migrations", "restrict_branch_region", "insights_raw_queries", "plan",
			"insights_enabled", "production_branch_web_console", "migration_table_name", "migration_framework",
			"created_at", "updated_at", "schema_last_updated_at", "kind"},
		requestRequired: []string{"name", "cluster_size"},
		lookups: []lookup{
			{path: []string{"data_import", "data_source"}, typ: TypeObject, required: []string{"hostname", "port", "database"}},
			{path: []string{"data_import", "data_source", "port"}, typ: TypeInteger},
			{path: []string{"state"}, typ: TypeString, enumHas: "import_ready"},
		},
	}, {
		op: "create_backup", method: "POST", pathSuffix: "/branches/{branch}/backups", status: 201,
		required: []string{"id", "name", "state", "size", "estimated_storage_cost", "created_at", "updated_at", "started_at",
			"expires_at", "completed_at", "deleted_at", "pvc_size", "protected", "required", "restored_branches", "actor",
			"backup_policy", "schema_snapshot", "database_branch"},
		requestRequired: []string{},
		lookups: []lookup{
			{path: []string{"state"}, typ: TypeString, enumHas: "success"},
			{path: []string{"estimated_storage_cost"}, typ: TypeNumber},
			{path: []string{"size"}, typ: TypeInteger},
			{path: []string{"database_branch"}, typ: TypeObject, required: []string{"id", "name", "created_at", "updated_at", "deleted_at"}},
		},
	}}
	if got, want := len(tests), len(Names()); got != want {
		t.Errorf("%d operations tested, %d vendored (%v)", got, want, Names())
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			op, err := Load(tt.op)
			if err != nil {
				t.Fatal(err)
			}
			if op.ID != tt.op || op.Method != tt.method || !strings.HasSuffix(op.Path, tt.pathSuffix) {
				t.Errorf("operation = %s %s %s", op.ID, op.Method, op.Path)
			}
			// Every excerpt documents these error statuses without a body.
			for _, st := range []int{401, 403, 404, 500} {
				if r := op.Response(st); r == nil || r.Schema != nil {
					t.Errorf("status %d = %+v", st, r)
				}
			}
			s, err := Response(tt.op, tt.status)
			if err != nil {
				t.Fatal(err)
			}
			if s.Type != TypeObject || s.AdditionalProperties == nil || s.AdditionalProperties.Allowed {
				t.Errorf("body is not a closed object: %s", s)
			}
			if !slices.Equal(s.Required, tt.required) {
				t.Errorf("required\n got %v\nwant %v", s.Required, tt.required)
			}
			// The responses declare exactly the properties they require.
			if !slices.Equal(s.PropertyNames(), s.Required) && !sameSet(s.PropertyNames(), s.Required) {
				t.Errorf("declared %v, required %v", s.PropertyNames(), s.Required)
			}
			for _, l := range tt.lookups {
				n := s.Lookup(l.path...)
				if n == nil {
					t.Errorf("%v: not found", l.path)
					continue
				}
				if n.Type != l.typ {
					t.Errorf("%v: type %q, want %q", l.path, n.Type, l.typ)
				}
				if l.required != nil && !slices.Equal(n.Required, l.required) {
					t.Errorf("%v: required\n got %v\nwant %v", l.path, n.Required, l.required)
				}
				if l.enumHas != "" && !slices.Contains(n.Enum, l.enumHas) {
					t.Errorf("%v: enum %v lacks %q", l.path, n.Enum, l.enumHas)
				}
			}
			switch body := op.RequestBody; {
			case tt.requestRequired == nil && body != nil:
				t.Errorf("unexpected request body %s", body)
			case tt.requestRequired != nil && body == nil:
				t.Error("no request body")
			case body != nil:
				if !slices.Equal(body.Required, tt.requestRequired) && len(body.Required)+len(tt.requestRequired) > 0 {
					t.Errorf("request required = %v, want %v", body.Required, tt.requestRequired)
				}
				if body.AdditionalProperties == nil || body.AdditionalProperties.Allowed {
					t.Errorf("request body is not a closed object: %s", body)
				}
			}
		})
	}
}

// Every operation that returns a deploy request documents the same schema,
// so localscale can serve one type for all of them.
func TestDeployRequestSchemasAgree(t *testing.T) {
	want, err := Response("create_deploy_request", 201)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cancel_deploy_request", "close_deploy_request", "complete_gated_deploy_request", "complete_revert", "complete_errored_deploy"} {
		got, err := Response(name, 200)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s 200 differs from create_deploy_request 201:\n%s\n%s", name, got, want)
		}
	}
}

// Structural invariants over every vendored excerpt: each schema node has a
// type, objects require only what they declare, and every object that
// declares properties says whether it allows others.
func TestExcerptInvariants(t *testing.T) {
	var walk func(name, path string, s *Schema)
	walk = func(name, path string, s *Schema) {
		if s == nil {
			return
		}
		if s.Type == "" {
			t.Errorf("%s %s: no type", name, path)
		}
		for _, r := range s.Required {
			if !s.hasProperty(r) {
				t.Errorf("%s %s: requires undeclared %q", name, path, r)
			}
		}
		if len(s.Properties) > 0 && s.AdditionalProperties == nil {
			t.Errorf("%s %s: declares properties without additionalProperties", name, path)
		}
		for _, p := range s.Properties {
			walk(name, join(path, p.Name), p.Schema)
		}
		walk(name, path+"[]", s.Items)
	}
	for _, name := range Names() {
		op, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range op.Parameters {
			walk(name, "param "+p.Name, p.Schema)
		}
		walk(name, "request $", op.RequestBody)
		for _, r := range op.Responses {
			walk(name, "response $", r.Schema)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func FuzzParse(f *testing.F) {
	// Seeds stay small: the fuzzer minimizes every input that finds new
	// coverage, and minimizing a 15 KB excerpt stalls it for seconds.
	data, err := excerpts.ReadFile(excerptDir + "/create_webhook.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(string(op201("type: object properties: type: type: string default: type: boolean additionalProperties: false required: - type")))
	f.Add(string(op201("type: object properties: a: type: object properties: x: type: string description: 'q: ''x''' additionalProperties: false required: - a")))
	f.Add(string(op201("type: object properties: tags: items: type: string type: array enum: [a, b] labels: type: object additionalProperties: type: string")))
	f.Fuzz(func(t *testing.T, s string) {
		op, err := Parse([]byte(s))
		if err == nil && (op == nil || op.ID == "") {
			t.Fatalf("Parse = %v, nil", op)
		}
	})
}
