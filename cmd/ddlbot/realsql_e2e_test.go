package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sarifRegion reads a SARIF result's file and start line and column, in the
// order ddlbot prints them.
var sarifRegion = regexp.MustCompile(`(?s)"uri": "([^"]+)".*?"startLine": (\d+),\s*"startColumn": (\d+)`)

// Issue 16 items 2, 3, 11 and issue 17 item 16, through the real binary: the
// SQL migration folders are written with (stored programs without DELIMITER,
// conditional DDL, column CHECKs, client commands, stray Unicode spaces).
func TestRealWorldSQL(t *testing.T) {
	dir := folder(t, map[string]string{
		"empty/.keep":     "",
		"routine/001.sql": "CREATE TABLE t (id int PRIMARY KEY); CREATE PROCEDURE p() BEGIN DECLARE x INT; DROP TABLE t; END;\n",
		"cond/001.sql": "CREATE TABLE t (id int PRIMARY KEY);\n" +
			"SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema=DATABASE() AND table_name='t' AND column_name='c') = 0,\n" +
			"  'ALTER TABLE t ADD COLUMN c int', 'SELECT 1');\nPREPARE st FROM @s;\nEXECUTE st;\nDEALLOCATE PREPARE st;\n",
		"condbad/001.sql": "CREATE TABLE t (id int PRIMARY KEY);\nSET @s = IF(@@version LIKE '8%', 'ALTER TABLE t ADD c int', 'SELECT 1');\nPREPARE st FROM @s;\nEXECUTE st;\n",
		"checks/001.sql":  "CREATE TABLE t (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0));\n",
		"source/001.sql":  "CREATE TABLE t (id int PRIMARY KEY);\nsource more.sql\nCREATE TABLE u (id int PRIMARY KEY);\n",
		"nbsp/001.sql":    "CREATE TABLE t (id int PRIMARY KEY);\u00a0\n",
	})
	helpdesk := filepath.Join(repoRoot(t), "schemadiff", "testdata", "migrations", "golang-migrate", "helpdesk")
	entries, err := os.ReadDir(helpdesk)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(helpdesk, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["helpdesk/"+e.Name()] = string(data)
	}
	write(t, dir, files)

	// A stored program never takes a table with it, and is one finding.
	r := ddlbot(t, dir, "diff", "empty", "routine", "--format", "sql")
	if r.code != 0 || !strings.Contains(r.stdout, "CREATE TABLE `t`") {
		t.Errorf("diff routine: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ddlbot(t, dir, "lint", "routine")
	if r.code != 1 || strings.Count(r.stdout, "[unsupported-statement]") != 1 || !strings.Contains(r.stdout, "routine/001.sql:1:38: error [unsupported-statement] CREATE PROCEDURE") ||
		strings.Contains(r.stdout, "syntax-error") {
		t.Errorf("lint routine: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// 23 golang-migrate files: one finding per stored program, no syntax errors, every table.
	r = ddlbot(t, dir, "lint", "helpdesk")
	if n := strings.Count(r.stdout, "[unsupported-statement]"); n != 16 || strings.Contains(r.stdout, "[syntax-error]") || strings.Contains(r.stdout, "[schema-error]") {
		t.Errorf("lint helpdesk: %d unsupported-statement findings, want 16 and no syntax or schema errors:\n%s", n, r.stdout)
	}
	r = ddlbot(t, dir, "diff", "empty", "helpdesk", "--format", "sql")
	if r.code != 0 || strings.Count(r.stdout, "CREATE TABLE") != 13 || !strings.Contains(r.stdout, "`title` varchar(250) NOT NULL") {
		t.Errorf("diff helpdesk: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The clinic corpus: every issue 16 item in one golang-migrate project.
	// Its foreign-key cycle is planned (tables first, the cycle's key after)
	// and reported, since PlanetScale refuses circular foreign keys; the two
	// stored programs are the only other errors.
	clinic := filepath.Join(repoRoot(t), "schemadiff", "testdata", "migrations", "golang-migrate", "clinic")
	r = ddlbot(t, dir, "lint", "--allow-foreign-keys", clinic)
	if r.code != 1 || strings.Count(r.stdout, "[unsupported-statement]") != 2 || strings.Count(r.stdout, "[foreign-key-unresolved]") != 2 ||
		strings.Count(r.stdout, "the foreign keys form a cycle") != 2 || strings.Contains(r.stdout, "[syntax-error]") ||
		strings.Contains(r.stdout, "[schema-error]") || !strings.Contains(r.stdout, "4 errors, 4 warnings") ||
		!strings.Contains(r.stdout, "000001_create_clinics.up.sql:5:3: warning [auto-increment-type]") {
		t.Errorf("lint clinic: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ddlbot(t, dir, "diff", "empty", clinic, "--format", "sql")
	if r.code != 0 || strings.Count(r.stdout, "CREATE TABLE") != 4 || strings.Count(r.stdout, "CREATE VIEW") != 2 ||
		!strings.HasSuffix(strings.TrimSpace(r.stdout), "ALTER TABLE `clinics` ADD CONSTRAINT `fk_clinic_head` FOREIGN KEY (`head_doctor_id`) REFERENCES `doctors` (`id`);") ||
		!strings.Contains(r.stdout, "`preferred_name` varchar(60)") || !strings.Contains(r.stdout, "KEY `idx_appt_patient` (`patient_id`, `starts_at`)") ||
		!strings.Contains(r.stdout, "`active` tinyint(1) NOT NULL DEFAULT '1'") {
		t.Errorf("diff clinic: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The ledger corpus (plain): a source line, reported and not followed,
	// and two foreign keys over columns of the wrong type in one ALTER TABLE,
	// each reported at its own constraint (the server names only the first).
	ledger := filepath.Join(repoRoot(t), "schemadiff", "testdata", "migrations", "plain", "ledger")
	r = ddlbot(t, ledger, "lint", "--allow-foreign-keys", "--format", "sarif", ".")
	if r.code != 1 || !strings.Contains(r.stdout, `"version": "2.1.0"`) {
		t.Errorf("lint ledger --format sarif: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var locs []string
	for _, m := range sarifRegion.FindAllStringSubmatch(r.stdout, -1) {
		locs = append(locs, m[1]+":"+m[2]+":"+m[3])
	}
	if want := "001_accounts.sql:8:1 002_invoice_keys.sql:4:73 002_invoice_keys.sql:5:69"; strings.Join(locs, " ") != want {
		t.Errorf("lint ledger: SARIF locations %q, want %q\n%s", locs, want, r.stdout)
	}
	r = ddlbot(t, ledger, "lint", "--allow-foreign-keys", ".")
	if r.code != 1 || !strings.Contains(r.stdout, "3 errors, 0 warnings") ||
		!strings.Contains(r.stdout, "001_accounts.sql:8:1: error [unsupported-statement] `source seed_accounts.sql` is a mysql client command") ||
		!strings.Contains(r.stdout, "002_invoice_keys.sql:4:73: error [foreign-key-unresolved] foreign key `fk_invoice_account` of table `invoices` joins column `account_id` to `accounts`.`id`, whose type differs: int against bigint unsigned") ||
		!strings.Contains(r.stdout, "002_invoice_keys.sql:5:69: error [foreign-key-unresolved] foreign key `fk_invoice_payer` of table `invoices` joins column `payer_id` to `accounts`.`id`, whose type differs: int against bigint unsigned") {
		t.Errorf("lint ledger: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Conditional DDL runs against the schema being built, and says nothing.
	r = ddlbot(t, dir, "diff", "empty", "cond", "--format", "sql")
	if r.code != 0 || !strings.Contains(r.stdout, "`c` int,") {
		t.Errorf("diff cond: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = ddlbot(t, dir, "lint", "cond"); r.code != 0 || strings.TrimSpace(r.stdout) != "no findings" {
		t.Errorf("lint cond: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A form ddlbot cannot evaluate blocks, naming the place.
	r = ddlbot(t, dir, "diff", "empty", "condbad", "--format", "sql")
	if r.code != 2 || !strings.Contains(r.stderr, "condbad/001.sql:2:1: the statement EXECUTE st runs (at line 4) is built by SQL in a form ddlbot does not support: the server variable @@version") {
		t.Errorf("diff condbad: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = ddlbot(t, dir, "lint", "condbad"); r.code != 1 || !strings.Contains(r.stdout, "condbad/001.sql:2:1: error [schema-error]") {
		t.Errorf("lint condbad: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A column CHECK is a table CHECK, as MySQL stores it.
	r = ddlbot(t, dir, "diff", "empty", "checks", "--format", "sql")
	if r.code != 0 || !strings.Contains(r.stdout, "CONSTRAINT `t_chk_1` CHECK (`qty` >= 0)") {
		t.Errorf("diff checks: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// source: one finding at its line; the statements after it still load.
	r = ddlbot(t, dir, "lint", "source")
	if r.code != 1 || !strings.Contains(r.stdout, "source/001.sql:2:1: error [unsupported-statement] `source more.sql` is a mysql client command: ddlbot does not follow it") ||
		strings.Contains(r.stdout, "syntax-error") {
		t.Errorf("lint source: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = ddlbot(t, dir, "diff", "empty", "source", "--format", "sql"); r.code != 0 || !strings.Contains(r.stdout, "CREATE TABLE `u`") {
		t.Errorf("diff source: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A trailing no-break space: an error by its code point, at its column.
	r = ddlbot(t, dir, "lint", "nbsp")
	if r.code != 1 || !strings.Contains(r.stdout, "nbsp/001.sql:1:37: error [syntax-error] unexpected character U+00A0 (no-break space)") || strings.ContainsAny(r.stdout, "Ââ") {
		t.Errorf("lint nbsp: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
