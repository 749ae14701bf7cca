package pscontract

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/planetscale"
)

// This file checks the JSON that internal/planetscale's types produce
// against PlanetScale's published response schemas: a fully populated value
// of each type is marshalled and validated under ResponseOptions, the policy
// CheckResponse applies to localscale's responses.

var (
	when  = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	later = when.Add(30 * time.Minute)
	actor = planetscale.Actor{ID: "usr_1", DisplayName: "Ada Lovelace", AvatarURL: "https://avatars.example/ada.png"}
	aws   = planetscale.Region{ID: "reg_1", Provider: "AWS", Enabled: true, PublicIPAddresses: []string{"3.3.3.3"},
		DisplayName: "AWS us-east-1", Location: "Ashburn, Virginia", Slug: "us-east", CurrentDefault: true}
)

func ptr[T any](v T) *T { return &v }

func fullDeployRequest() planetscale.DeployRequest {
	op := planetscale.DeployOperation{
		ID: "dop_1", State: planetscale.OperationInProgress, KeyspaceName: "app", TableName: "users",
		OperationName: "ALTER", ETASeconds: 12.5, ProgressPercentage: 42.5,
		DeployErrorDocsURL: ptr("https://planetscale.com/docs/errors"),
		DDLStatement:       "ALTER TABLE `users` ADD COLUMN `email` varchar(255)", SyntaxHighlightedDDL: "<span>ALTER</span>",
		CreatedAt: when, UpdatedAt: later, ThrottledAt: &when, CanDropData: true, TableLocked: true,
		TableRecentlyUsed: true, TableRecentlyUsedAt: &when, RemovedForeignKeyNames: []string{"fk_users_org"},
		DeployErrors: ptr("none"),
	}
	summary := planetscale.DeployOperationSummary{
		ID: "dos_1", CreatedAt: when, DeployErrors: ptr("none"), DDLStatement: op.DDLStatement, ETASeconds: 30,
		KeyspaceName: "app", OperationName: "ALTER", ProgressPercentage: 42.5, State: "in_progress",
		SyntaxHighlightedDDL: op.SyntaxHighlightedDDL, TableName: "users", TableRecentlyUsedAt: &when, ThrottledAt: &when,
		RemovedForeignKeyNames: []string{"fk_users_org"}, ShardCount: 2, ShardNames: []string{"-80", "80-"},
		CanDropData: true, TableRecentlyUsed: true, Sharded: true,
		Operations: []planetscale.ShardOperation{{ID: "sop_1", Shard: "-80", State: "in_progress", ProgressPercentage: 42.5, ETASeconds: 30}},
	}
	dep := &planetscale.Deployment{
		Type: "Deployment", ID: "dep_1", State: planetscale.StateCompletePendingRevert, AutoCutover: true,
		AutoDeleteBranch: true, IntoBranch: "main", DeployRequestNumber: 7, Deployable: true,
		PrecedingDeployments:     []map[string]any{{"id": "dep_0"}},
		DeployOperations:         []planetscale.DeployOperation{op},
		DeployOperationSummaries: []planetscale.DeployOperationSummary{summary},
		LintErrors: []planetscale.LintError{{
			LintError: "INVALID_CHARSET", SubjectType: "table", Keyspace: "app", TableName: "users", ColumnName: "name",
			ErrorDescription: "charset utf16 is not supported", DocsURL: "https://planetscale.com/docs/lint",
			CharsetName: "utf16", EngineName: "MyISAM", EnumValue: "x",
		}},
		SequentialDiffDependencies: []map[string]any{{"table": "users"}},
		LookupVindexOperations:     []map[string]any{{"name": "lookup"}},
		ThrottlerConfigurations:    []map[string]any{{"ratio": 0.5}},
		DeploymentRevertRequest:    &planetscale.RevertRequest{ID: "rev_1", State: "pending", WaitingPeriodEndAt: &later, CreatedAt: when},
		Actor:                      &actor, CutoverActor: &actor, CancelledActor: &actor, CutoverExpiring: true,
		DeployCheckErrors: ptr("none"), TableLocked: true, LockedTableName: ptr("users"), InstantDDL: true,
		InstantDDLEligible: true, CreatedAt: when, UpdatedAt: later, QueuedAt: &when, SubmittedAt: &when,
		StartedAt: &when, ReadyToCutoverAt: &when, CutoverAt: &when, FinishedAt: &later, SchemaLastUpdatedAt: &when,
	}
	return planetscale.DeployRequest{
		Type: "DeployRequest", ID: "dr_1", Number: 7, Actor: actor, ClosedBy: &actor, Branch: "ddlbot-pr-7",
		BranchID: "br_7", BranchDeleted: true, BranchDeletedBy: &actor, BranchDeletedAt: &later, IntoBranch: "main",
		IntoBranchSharded: true, IntoBranchShardCount: 2, Approved: true, State: planetscale.DeployRequestOpen,
		DeploymentState: planetscale.StateCompletePendingRevert, Deployment: dep, NumComments: 3,
		HTMLURL: "https://app.planetscale.com/acme/shop/deploy-requests/7", Notes: "PR #7", HTMLBody: "<p>PR #7</p>",
		CreatedAt: when, UpdatedAt: later, ClosedAt: &later, DeployedAt: &later,
	}
}

func fullBranch() planetscale.Branch {
	return planetscale.Branch{
		Type: "Branch", ID: "br_7", Name: "ddlbot-pr-7", ParentBranch: "main", Production: true, SafeMigrations: true,
		Sharded: true, ShardCount: 2, Ready: true, SchemaReady: true, State: planetscale.BranchReady, Kind: "mysql",
		HTMLURL: "https://app.planetscale.com/acme/shop/ddlbot-pr-7", URL: "https://api.planetscale.com/v1/organizations/acme/databases/shop/branches/ddlbot-pr-7",
		MySQLAddress: "aws.connect.psdb.cloud", MySQLEdgeAddress: "aws.connect.psdb.cloud", Region: aws, Actor: actor,
		CreatedAt: when, UpdatedAt: later, DeletedAt: &later, SchemaLastUpdatedAt: &when,
		RestoreChecklistCompletedAt: &when,
		// What the API sends: the five fields of restored_from_branch.
		RestoredFromBranch: &planetscale.BranchRef{ID: "br_0", Name: "main", CreatedAt: when, UpdatedAt: when, DeletedAt: &later},
		DirectVTGate:       true, VTGateSize: "PS_10", VTGateCount: 2, ClusterName: "PS_10", ClusterIOPS: ptr(3000),
		Metal: true, StaleSchema: true, PrivateEdgeConnectivity: true, HasReplicas: true, HasReadOnlyReplicas: true,
	}
}

func fullPassword() planetscale.Password {
	return planetscale.Password{
		Type: "Password", ID: "pw_1", Name: "ddlbot", Role: planetscale.RoleAdmin, CIDRs: []string{"10.0.0.0/8"},
		Username: "u1", PlainText: "pscale_pw_x", AccessHostURL: "aws.connect.psdb.cloud",
		AccessHostRegionalURL: "us-east.connect.psdb.cloud", AccessHostRegionalURLs: []string{"us-east-2.connect.psdb.cloud"},
		DirectVTGate: true, DirectVTGateAddresses: []string{"vtgate-a.example"}, TTLSeconds: ptr(3600), Expired: true,
		Replica: true, Renewable: true, Region: aws, Actor: actor,
		DatabaseBranch: planetscale.PasswordBranch{ID: "br_7", Name: "ddlbot-pr-7", Production: true,
			MySQLEdgeAddress: "aws.connect.psdb.cloud", PrivateEdgeConnectivity: true},
		CreatedAt: when, DeletedAt: &later, ExpiresAt: &later, LastUsedAt: &when,
	}
}

func fullWebhook() planetscale.Webhook {
	return planetscale.Webhook{
		ID: "wh_1", URL: "https://ddlbot.example/planetscale", Secret: "whsec", Enabled: true,
		Events:         []string{planetscale.EventDeployRequestOpened, planetscale.EventBranchReady, planetscale.EventWebhookTest},
		LastSentResult: ptr("200 OK"), LastSentSuccess: ptr(true), LastSentAt: &when, CreatedAt: when, UpdatedAt: later,
	}
}

func fullDatabase() planetscale.Database {
	return planetscale.Database{
		Type: "Database", ID: "db_1", Name: "shop", URL: "https://api.planetscale.com/v1/organizations/acme/databases/shop",
		BranchesURL: "https://api.planetscale.com/v1/organizations/acme/databases/shop/branches", BranchesCount: 3,
		DevelopmentBranchesCount: 2, ProductionBranchesCount: 1, HTMLURL: "https://app.planetscale.com/acme/shop",
		State: "ready", Ready: true, Sharded: true, Region: aws, DefaultBranch: "main", RequireApprovalForDeploy: true,
		AllowDataBranching: true, ForeignKeysEnabled: true, AutomaticMigrations: true, Plan: "scaler_pro", Kind: "mysql",
		CreatedAt: when, UpdatedAt: later, SchemaLastUpdatedAt: &when,
		OpenSchemaRecommendationsCount: 1, IssuesCount: 2, MultipleAdminsRequiredForDeletion: true,
		AtBackupRestoreBranchesLimit: true, AtDevelopmentBranchUsageLimit: true,
		DataImport: &planetscale.DataImport{State: "ready", ImportCheckErrors: "none", StartedAt: "2025-03-14T15:09:26Z", FinishedAt: "2025-03-14T15:39:26Z",
			DataSource: planetscale.DataImportSource{Hostname: "db.example", Port: 3306, Database: "shop"}},
		DefaultBranchShardCount: 2, DefaultBranchReadOnlyRegionsCount: 1, DefaultBranchTableCount: 12,
		Resizing: true, ResizeQueued: true, RestrictBranchRegion: true, InsightsRawQueries: true, InsightsEnabled: true,
		ProductionBranchWebConsole: true, MigrationTableName: "schema_migrations", MigrationFramework: "rails",
	}
}

func fullBackup() planetscale.Backup {
	ref := planetscale.BranchRef{ID: "br_0", Name: "main", CreatedAt: when, UpdatedAt: later, DeletedAt: &later}
	return planetscale.Backup{
		Type: "Backup", ID: "bk_1", Name: "ddlbot-shop-pr-7-dr-3", State: planetscale.BackupSuccess, Size: 2048,
		EstimatedStorageCost: 0.25, CreatedAt: when, UpdatedAt: later, StartedAt: &when, ExpiresAt: &later,
		CompletedAt: &later, DeletedAt: &later, PVCSize: 4096, Protected: true, Required: true,
		RestoredBranches: []planetscale.BranchRef{ref}, Actor: &actor,
		BackupPolicy: &planetscale.BackupPolicy{ID: "bp_1", Name: "daily", Target: "production", RetentionValue: 7, RetentionUnit: "day",
			FrequencyValue: 12, FrequencyUnit: "hour", ScheduleTime: "03:00", ScheduleDay: 1, ScheduleWeek: 2, CreatedAt: when,
			UpdatedAt: later, LastRanAt: &when, NextRunAt: &later, Required: true},
		SchemaSnapshot: &planetscale.SchemaSnapshot{ID: "ss_1", Name: "snapshot", CreatedAt: when, UpdatedAt: later, LintedAt: &later,
			URL: "https://app.planetscale.com/acme/shop/main/schema"},
		DatabaseBranch: ref,
	}
}

func TestTypesMatchPublishedSchemas(t *testing.T) {
	dr := fullDeployRequest()
	tests := []struct {
		op     string
		status int
		value  any
	}{
		{"create_deploy_request", 201, dr},
		{"cancel_deploy_request", 200, dr},
		{"close_deploy_request", 200, dr},
		{"complete_gated_deploy_request", 200, dr},
		{"complete_revert", 200, dr},
		{"complete_errored_deploy", 200, dr},
		{"create_branch", 201, fullBranch()},
		{"create_password", 201, fullPassword()},
		{"create_webhook", 201, fullWebhook()},
		{"create_database", 201, fullDatabase()},
		{"create_backup", 201, fullBackup()},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			for _, z := range unpopulated(tt.value) {
				t.Errorf("%T.%s is not populated: give it a value (a fractional one for floats) so the contract covers it", tt.value, z)
			}
			body, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Response(tt.op, tt.status)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ValidateWith(s, body, ResponseOptions()) {
				t.Errorf("%T vs %s %d: %s", tt.value, tt.op, tt.status, p)
			}
		})
	}
}

// unpopulated lists the exported fields of v, recursively, that hold zero
// values (false booleans aside) or integral floats, which would let a
// missing property or an integer-for-number mix-up go unnoticed. Types
// already visited on the path are not entered again.
func unpopulated(v any) []string {
	var out []string
	var walk func(rv reflect.Value, path string, seen []reflect.Type)
	walk = func(rv reflect.Value, path string, seen []reflect.Type) {
		switch rv.Kind() {
		case reflect.Pointer:
			if rv.IsNil() {
				out = append(out, path)
				return
			}
			if !slices.Contains(seen, rv.Elem().Type()) {
				walk(rv.Elem(), path, seen)
			}
		case reflect.Struct:
			if rv.Type() == reflect.TypeFor[time.Time]() {
				if rv.Interface().(time.Time).IsZero() {
					out = append(out, path)
				}
				return
			}
			seen = append(seen, rv.Type())
			for i := 0; i < rv.NumField(); i++ {
				f := rv.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				name := f.Name
				if path != "" {
					name = path + "." + f.Name
				}
				walk(rv.Field(i), name, seen)
			}
		case reflect.Slice, reflect.Map:
			if rv.Len() == 0 {
				out = append(out, path)
				return
			}
			if rv.Kind() == reflect.Slice {
				walk(rv.Index(0), path+"[0]", seen)
			}
		case reflect.Float32, reflect.Float64:
			if f := rv.Float(); f == math.Trunc(f) {
				out = append(out, path+" (integral)")
			}
		case reflect.Bool, reflect.Interface:
		default:
			if rv.IsZero() {
				out = append(out, path)
			}
		}
	}
	walk(reflect.ValueOf(v), "", nil)
	return out
}

// The checker reports what a contract test must catch, on a real body.
func TestTypesNegative(t *testing.T) {
	body, err := json.Marshal(fullDeployRequest())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "number")
	dep := m["deployment"].(map[string]any)
	delete(dep, "deploy_operations")
	op := dep["deploy_operation_summaries"].([]any)[0].(map[string]any)
	op["eta_seconds"] = 2.5
	m["approved"] = "yes"
	m["state"] = "merged"
	m["merged_by"] = "x"
	bad, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Response("create_deploy_request", 201)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ValidateWith(s, bad, ResponseOptions()) {
		got = append(got, fmt.Sprintf("%s %s", p.Kind, p))
	}
	want := []string{
		"missing $.number: missing required property",
		`wrong_type $.approved: got string "yes", want boolean`,
		"missing $.deployment.deploy_operations: missing required property",
		"wrong_type $.deployment.deploy_operation_summaries[0].eta_seconds: got number 2.5, want integer",
		"unknown $.merged_by: unknown property (the schema has additionalProperties: false)",
		`not_in_enum $.state: "merged" is not one of [open closed]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}

	// And CheckResponse fails a test on it, listing each one.
	r := run(t, func(tb testing.TB) { CheckResponse(tb, "create_deploy_request", 201, bad) })
	checkRecorded(t, r, []string{"(6 problems)", "$.number: missing", "$.deployment.deploy_operations: missing",
		"$.approved: got string", "eta_seconds: got number 2.5, want integer", "$.merged_by: unknown", `$.state: "merged"`}, false)
}
