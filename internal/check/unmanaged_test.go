package check

import (
	"testing"

	"github.com/ddlbot/ddlbot/schemadiff"
)

func TestUnmanaged(t *testing.T) {
	env, err := schemadiff.NewEnv("")
	if err != nil {
		t.Fatal(err)
	}
	head, err := env.LoadSQL("s.sql", "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE goose_db_version (id int PRIMARY KEY);")
	if err != nil {
		t.Fatal(err)
	}
	u := NewUnmanaged(Target{IgnoreTables: []string{"tmp_*", "Audit"}}, head)
	for _, tt := range []struct {
		table string
		want  bool
	}{
		{"schema_migrations", true},     // a tracking table the repository does not define
		{"flyway_schema_history", true}, // any format's
		{"goose_db_version", false},     // defined by the repository: managed
		{"users", false},
		{"tmp_import", true}, // pattern
		{"audit", true},      // names compare case-insensitively
		{"audits", false},
	} {
		if got := u.Contains(tt.table); got != tt.want {
			t.Errorf("Contains(%q) = %v, want %v", tt.table, got, tt.want)
		}
	}
	prod, err := env.LoadSQL("p.sql", "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE schema_migrations (version bigint PRIMARY KEY); CREATE TABLE tmp_x (id int PRIMARY KEY); CREATE TABLE old (id int PRIMARY KEY);")
	if err != nil {
		t.Fatal(err)
	}
	d, err := schemadiff.Compute(t.Context(), prod, head, schemadiff.DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range u.Filter(d).Changes {
		got = append(got, string(c.Kind)+" "+c.Entity)
	}
	if len(got) != 2 || got[0] != "create_table goose_db_version" && got[1] != "create_table goose_db_version" {
		t.Errorf("filtered diff: %q (want the create of goose_db_version and the drop of old only)", got)
	}
	for _, g := range got {
		if g == "drop_table schema_migrations" || g == "drop_table tmp_x" {
			t.Errorf("filtered diff drops an unmanaged table: %q", got)
		}
	}
	if TrackingTable(schemadiff.FormatGoose) != "goose_db_version" || TrackingTable(schemadiff.FormatPlain) != "" {
		t.Error("TrackingTable")
	}
}
