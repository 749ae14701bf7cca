package schemadiff

import (
	"strings"
	"testing"
)

// Issue 16 item 3: conditional DDL is evaluated against the schema being built.
func TestConditionalDDL(t *testing.T) {
	const base = "CREATE TABLE t (id int PRIMARY KEY, a int, KEY idx_a (a));\n"
	tests := []struct {
		name string
		sql  string
		// want is the columns and keys of t after the statements, as "col,col|key,key".
		want string
		// problems lists every problem as "line:col kind message-prefix".
		problems []string
	}{
		{name: "add column when missing (the issue's repro)",
			sql:  "SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema=DATABASE() AND table_name='t' AND column_name='c') = 0, 'ALTER TABLE t ADD COLUMN c int', 'SELECT 1');\nPREPARE st FROM @s;\nEXECUTE st;\nDEALLOCATE PREPARE st;",
			want: "id,a,c|PRIMARY,idx_a"},
		{name: "skip when the column exists",
			sql:  "SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema=DATABASE() AND table_name='t' AND column_name='a') = 0, 'ALTER TABLE t ADD COLUMN a int', 'SELECT 1');\nPREPARE st FROM @s;\nEXECUTE st;\nDEALLOCATE PREPARE st;",
			want: "id,a|PRIMARY,idx_a"},
		{name: "twice: the second run sees the first",
			sql:  strings.Repeat("SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema=DATABASE() AND table_name='t' AND column_name='c') > 0, 'SELECT ''exists''', 'ALTER TABLE t ADD COLUMN c int');\nPREPARE st FROM @s; EXECUTE st; DEALLOCATE PREPARE st;\n", 2),
			want: "id,a,c|PRIMARY,idx_a"},
		{name: "count in a variable, := and SELECT INTO",
			sql:  "SET @exist := (SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 't' AND index_name = 'idx_id_a');\nSELECT COUNT(*) INTO @has_col FROM information_schema.columns WHERE table_name = 't' AND column_name = 'b';\nSET @q := IF(@exist > 0, 'SELECT 1', 'CREATE INDEX idx_id_a ON t (id, a)');\nPREPARE st FROM @q; EXECUTE st;\nSET @q = IF(@has_col = 0, 'ALTER TABLE t ADD b int', 'DO 0'); PREPARE st FROM @q; EXECUTE st;",
			want: "id,a,b|PRIMARY,idx_a,idx_id_a"},
		{name: "IF(EXISTS ...) with CONCAT and variables (a common idempotent form)",
			sql:  "SET @tablename = 't';\nSET @columnname = 'note';\nSET @dbname = DATABASE();\nSET @preparedStatement = (SELECT IF(EXISTS(SELECT * FROM INFORMATION_SCHEMA.COLUMNS WHERE (table_name = @tablename) AND (table_schema = @dbname) AND (column_name = @columnname)), 'SELECT 1', CONCAT('ALTER TABLE ', @tablename, ' ADD ', @columnname, ' varchar(20);')));\nPREPARE alterIfNotExists FROM @preparedStatement;\nEXECUTE alterIfNotExists;\nDEALLOCATE PREPARE alterIfNotExists;",
			want: "id,a,note|PRIMARY,idx_a"},
		{name: "table existence and IF(COUNT) in the select",
			sql:  "SET @s = (SELECT IF(COUNT(*) = 0, 'CREATE TABLE t (x int)', 'ALTER TABLE t DROP COLUMN a') FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 't');\nPREPARE st FROM @s; EXECUTE st;",
			want: "id|PRIMARY"},
		{name: "CASE and a literal PREPARE",
			sql:  "PREPARE st FROM 'ALTER TABLE t ADD COLUMN lit int'; EXECUTE st;\nSET @s = CASE WHEN (SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_name='t' AND constraint_type='PRIMARY KEY') = 1 THEN 'ALTER TABLE t ADD UNIQUE KEY uq_a (a)' ELSE 'SELECT 1' END; PREPARE st FROM @s; EXECUTE st;",
			want: "id,a,lit|PRIMARY,idx_a,uq_a"},
		{name: "LIKE and IN",
			sql:  "SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_name LIKE 't' AND column_name IN ('x', 'A')) > 0, 'ALTER TABLE t ADD COLUMN has_a int', 'SELECT 1'); PREPARE st FROM @s; EXECUTE st;\nSET @s = IF(EXISTS(SELECT 1 FROM information_schema.tables WHERE table_name NOT LIKE 't%'), 'ALTER TABLE t ADD COLUMN other int', 'SELECT 1'); PREPARE st FROM @s; EXECUTE st;",
			want: "id,a,has_a|PRIMARY,idx_a"},
		{name: "a data change stays a warning",
			sql:      "SET @s = 'INSERT INTO t VALUES (1, 2)'; PREPARE st FROM @s; EXECUTE st;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:11 non-schema INSERT is not a schema statement"}},
		{name: "the executed statement's error points into the literal",
			sql:      "SET @s = IF(1 = 1, 'ALTER TABLE t DROP COLUMN nope', 'SELECT 1');\nPREPARE st FROM @s; EXECUTE st;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:21 apply ALTER TABLE t: column \"nope\" does not exist"}},
		{name: "a form not understood is a blocking error at the SET",
			sql:      "SET @s = IF((SELECT COUNT(*) FROM information_schema.key_column_usage WHERE table_name='t') = 0, 'ALTER TABLE t ADD COLUMN c int', 'SELECT 1');\nPREPARE st FROM @s;\nEXECUTE st;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:1 apply the statement EXECUTE st runs (at line 4) is built by SQL in a form ddlbot does not support: information_schema.key_column_usage"}},
		{name: "a server variable is not understood",
			sql:      "SET @s = IF(@@version LIKE '8%', 'ALTER TABLE t ADD c int', 'SELECT 1'); PREPARE st FROM @s; EXECUTE st;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:1 apply the statement EXECUTE st runs (at line 2) is built by SQL in a form ddlbot does not support"}},
		{name: "EXECUTE without PREPARE",
			sql:      "EXECUTE nothing;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:1 apply EXECUTE nothing: no statement nothing was prepared"}},
		{name: "PREPARE of an unset variable",
			sql:      "PREPARE st FROM @never; EXECUTE st;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:1 apply the statement EXECUTE st runs (at line 2) is built by SQL in a form ddlbot does not support: PREPARE st FROM @never: the value is NULL"}},
		{name: "a prepared EXECUTE is refused, not followed",
			sql:      "PREPARE st FROM 'EXECUTE st'; EXECUTE st;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:31 apply EXECUTE runs EXECUTE, which MySQL cannot run as a prepared statement"}},
		{name: "CALL of a procedure that changes the schema blocks",
			sql:  "DROP PROCEDURE IF EXISTS add_c;\nCREATE PROCEDURE add_c() BEGIN IF NOT EXISTS (SELECT * FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c') THEN ALTER TABLE t ADD c int; END IF; END;\nCALL add_c();\nDROP PROCEDURE add_c;\nCREATE PROCEDURE noop() SELECT 1;\nCALL noop;\nCALL `add_c`;",
			want: "id,a|PRIMARY,idx_a",
			problems: []string{"2:1 unsupported DROP PROCEDURE", "3:1 unsupported CREATE PROCEDURE", "4:1 unsupported CALL",
				"4:1 apply CALL add_c runs a stored procedure (created at m.sql:3:1) whose body changes the schema (ALTER TABLE): ddlbot does not run stored procedures",
				"5:1 unsupported DROP PROCEDURE", "6:1 unsupported CREATE PROCEDURE", "7:1 unsupported CALL", "8:1 unsupported CALL"}},
		{name: "session variables nobody prepares stay warnings",
			sql:      "SET @OLD_FOREIGN_KEY_CHECKS = @@FOREIGN_KEY_CHECKS;\nSET @x = 1;",
			want:     "id,a|PRIMARY,idx_a",
			problems: []string{"2:1 non-schema SET is not a schema statement", "3:1 non-schema SET is not a schema statement"}},
	}
	e := testEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := e.LoadSQL("m.sql", base+tt.sql)
			var got []string
			for _, p := range s.Problems {
				got = append(got, p.Origin.String()[len("m.sql:"):]+" "+string(p.Kind)+" "+p.Message)
			}
			if len(got) != len(tt.problems) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.problems, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.problems[i]) {
					t.Errorf("problem %d:\n%s\nwant prefix\n%s", i, got[i], tt.problems[i])
				}
			}
			tbl := s.Table("t")
			if tbl == nil {
				t.Fatalf("no table t; have %v", s.Names())
			}
			var cols, keys []string
			for _, c := range tbl.TableSpec.Columns {
				cols = append(cols, c.Name.String())
			}
			for _, k := range tbl.TableSpec.Indexes {
				name := k.Info.Name.String()
				if name == "" {
					name = "PRIMARY"
				}
				keys = append(keys, name)
			}
			if g := strings.Join(cols, ",") + "|" + strings.Join(keys, ","); g != tt.want {
				t.Errorf("t = %s, want %s", g, tt.want)
			}
			for _, st := range s.Statements {
				if st.Kind == KindNonSchema && (st.What == "PREPARE" || st.What == "EXECUTE" || st.What == "DEALLOCATE") {
					t.Errorf("%s left as a non-schema statement", st.What)
				}
			}
		})
	}
}
