package schemadiff

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Issue 16 item 2: a stored program sent without DELIMITER is one statement,
// reported once, and never changes the schema.
func TestStoredProgramKeepsTables(t *testing.T) {
	e := testEnv(t)
	s, err := e.LoadSQL("m.sql", "CREATE TABLE t (a int); CREATE PROCEDURE p() BEGIN DECLARE x INT; DROP TABLE t; END;")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), ","); got != "t" {
		t.Fatalf("names = %q, want t", got)
	}
	if len(s.Problems) != 1 || s.Problems[0].Kind != ProblemUnsupported || s.Problems[0].Origin.String() != "m.sql:1:25" ||
		!strings.HasPrefix(s.Problems[0].Message, "CREATE PROCEDURE is not supported by PlanetScale") {
		t.Fatalf("problems = %v", s.Problems)
	}
}

// The helpdesk fixture: 23 golang-migrate files with triggers, procedures,
// functions and an event, none with DELIMITER. Every stored program is one
// unsupported statement at its first line; nothing else is a problem.
func TestStoredProgramsInMigrations(t *testing.T) {
	e := testEnv(t)
	dir := "testdata/migrations/golang-migrate/helpdesk"
	s, format, err := e.LoadMigrations(os.DirFS(dir), ".", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if format != FormatGolangMigrate {
		t.Fatalf("format %s", format)
	}
	var got []string
	for _, p := range s.Problems {
		if p.Kind != ProblemUnsupported {
			t.Errorf("unexpected problem: %s", p)
			continue
		}
		got = append(got, fmt.Sprintf("%s %s", p.Origin, strings.SplitN(p.Message, " is ", 2)[0]))
	}
	want := []string{
		"000004_ticket_events.up.sql:12:1 CREATE TRIGGER",
		"000006_comment_counter.up.sql:1:1 CREATE TRIGGER",
		"000006_comment_counter.up.sql:3:1 CREATE TRIGGER",
		"000007_business_hours_function.up.sql:1:1 CREATE FUNCTION",
		"000009_assign_procedure.up.sql:2:1 CREATE PROCEDURE",
		"000011_due_trigger.up.sql:1:1 CREATE TRIGGER",
		"000013_normalise_email.up.sql:1:1 CREATE FUNCTION",
		"000013_normalise_email.up.sql:4:1 CREATE TRIGGER",
		"000015_sla_breach_procedure.up.sql:1:1 CREATE PROCEDURE",
		"000017_close_stale_event.up.sql:1:1 CREATE EVENT",
		"000019_merge_procedure.up.sql:1:1 CREATE PROCEDURE",
		"000020_agent_stats.up.sql:9:1 CREATE TRIGGER",
		"000021_drop_comment_counter.up.sql:2:1 DROP TRIGGER",
		"000021_drop_comment_counter.up.sql:3:1 DROP TRIGGER",
		"000022_priority_label_function.up.sql:1:1 CREATE FUNCTION",
		"000023_webhooks.up.sql:9:1 DROP PROCEDURE",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tables := "accounts,agents,tickets,ticket_events,comments,tags,ticket_tags,customers,sla_policies,attachments,agent_daily_stats,saved_views,webhooks"
	if got := strings.Join(s.Names(), ","); got != tables {
		t.Errorf("tables = %s\nwant     %s", got, tables)
	}
	if tk := s.Table("tickets"); tk == nil || !strings.Contains(tk.Create().CanonicalStatementString(), "`title` varchar(250)") ||
		strings.Contains(tk.Create().CanonicalStatementString(), "comment_count") {
		t.Errorf("tickets did not get every ALTER of the folder")
	}
}

// BenchmarkSplitRoutines splits a file of 2,000 stored programs (each with
// nested blocks, handlers and CASE expressions): the split is linear.
func BenchmarkSplitRoutines(b *testing.B) {
	var sb strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&sb, `CREATE PROCEDURE p%d(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  l: LOOP
    SET i = i + IF(n > 0, 1, 2);
    IF i > n THEN LEAVE l; ELSEIF i = 3 THEN SET i = CASE WHEN n < 0 THEN 0 ELSE i END; END IF;
  END LOOP l;
  WHILE i > 0 DO SET i = i - 1; END WHILE;
  SELECT 'END;', REPEAT('x', 2) /* END; */;
END;
CREATE TABLE t%d (id int PRIMARY KEY);
`, i, i)
	}
	src := NewSource("r.sql", sb.String())
	b.SetBytes(int64(len(src.Text)))
	b.ResetTimer()
	for range b.N {
		if n := len(src.Split()); n != 4000 {
			b.Fatalf("%d statements, want 4000", n)
		}
	}
}
