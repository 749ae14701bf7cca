package schemadiff

import (
	"strings"
	"testing"
	"testing/fstest"
)

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func TestReadMigrations(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		format Format
		want   Format
		order  []string // versions in apply order
		stmts  []string // first word of each statement, in order, across files
		err    string   // when set, ReadMigrations fails with an error containing it
	}{
		{
			name:  "plain numbered, natural order",
			files: map[string]string{"m/10_c.sql": "SELECT 10;", "m/2_b.sql": "SELECT 2;", "m/1_a.sql": "SELECT 1;"},
			want:  FormatPlain, order: []string{"1", "2", "10"}, stmts: []string{"SELECT 1", "SELECT 2", "SELECT 10"},
		},
		{
			name:  "golang-migrate ignores down",
			files: map[string]string{"m/000002_b.up.sql": "SELECT 2;", "m/000002_b.down.sql": "SELECT -2;", "m/000001_a.up.sql": "SELECT 1;", "m/000001_a.down.sql": "SELECT -1;"},
			want:  FormatGolangMigrate, order: []string{"000001", "000002"}, stmts: []string{"SELECT 1", "SELECT 2"},
		},
		{
			name: "goose sections and blocks",
			files: map[string]string{"m/20240101000000_a.sql": "-- +goose Up\nSELECT 1;\n-- +goose StatementBegin\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;\n-- +goose StatementEnd\nSELECT 3;\n-- +goose Down\nSELECT -1;\n",
				"m/20240102000000_b.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 4;\n"},
			want: FormatGoose, order: []string{"20240101000000", "20240102000000"},
			stmts: []string{"SELECT 1", "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "SELECT 3", "SELECT 4"},
		},
		{
			name:  "dbmate",
			files: map[string]string{"m/20230101_a.sql": "-- migrate:up\nSELECT 1;\nSELECT 2;\n\n-- migrate:down\nSELECT -1;\n"},
			want:  FormatDbmate, order: []string{"20230101"}, stmts: []string{"SELECT 1", "SELECT 2"},
		},
		{
			name:  "flyway version order, undo and repeatable skipped",
			files: map[string]string{"m/V1.10__c.sql": "SELECT 110;", "m/V1.9__b.sql": "SELECT 19;", "m/V1__a.sql": "SELECT 1;", "m/U1.9__b.sql": "SELECT -19;", "m/R__views.sql": "SELECT 0;"},
			want:  FormatFlyway, order: []string{"1", "1.9", "1.10"}, stmts: []string{"SELECT 1", "SELECT 19", "SELECT 110"},
		},
		{
			name:   "explicit format overrides detection",
			files:  map[string]string{"m/1_a.up.sql": "SELECT 1;"},
			format: FormatPlain, want: FormatPlain, order: []string{"1"}, stmts: []string{"SELECT 1"},
		},
		{name: "missing folder", files: map[string]string{"x/1.sql": ""}, err: `read migrations folder "m"`},
		{name: "goose without up", files: map[string]string{"m/1_a.sql": "SELECT 1;"}, format: FormatGoose, err: `m/1_a.sql:1:1: no "-- +goose Up" annotation`},
		{name: "goose unterminated block", files: map[string]string{"m/1_a.sql": "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n"}, format: FormatGoose, err: "StatementBegin without StatementEnd"},
		{name: "dbmate without up", files: map[string]string{"m/1_a.sql": "SELECT 1;"}, format: FormatDbmate, err: `no "-- migrate:up" marker`},
		{name: "duplicate version", files: map[string]string{"m/1_a.up.sql": "", "m/01_b.up.sql": ""}, format: FormatGolangMigrate, err: "duplicate migration version"},
		{name: "bad flyway name", files: map[string]string{"m/V1__a.sql": "", "m/init.sql": ""}, format: FormatFlyway, err: "not a Flyway file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, got, err := ReadMigrations(mapFS(tt.files), "m", tt.format)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("format %s, want %s", got, tt.want)
			}
			var order, stmts []string
			for _, f := range files {
				order = append(order, f.Version)
				for _, c := range f.Chunks {
					stmts = append(stmts, c.SQL)
				}
			}
			if strings.Join(order, ",") != strings.Join(tt.order, ",") {
				t.Errorf("order %v, want %v", order, tt.order)
			}
			if strings.Join(stmts, "|") != strings.Join(tt.stmts, "|") {
				t.Errorf("statements %q, want %q", stmts, tt.stmts)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if f, err := ParseFormat(""); err != nil || f != FormatAuto {
		t.Errorf("empty = %q, %v", f, err)
	}
	if _, err := ParseFormat("liquibase"); err == nil || !strings.Contains(err.Error(), "golang-migrate") {
		t.Errorf("unknown format error = %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"1", "2", -1}, {"1.9", "1.10", -1}, {"1_10", "1.9", 1}, {"001", "1", 0}, {"1", "1.1", -1}, {"20240101000000", "20240101000001", -1}} {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
