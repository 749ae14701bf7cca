package lint

import "testing"

func TestForeignKeyUnresolved(t *testing.T) {
	checkRule(t, "foreign-key-unresolved", []ruleCase{
		{name: "valid", allowFK: true, head: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));"},
		{name: "self reference is fine", head: "CREATE TABLE e (id int PRIMARY KEY, manager_id int,\n  CONSTRAINT e_mgr FOREIGN KEY (manager_id) REFERENCES e (id));"},
		{name: "nonexistent table", allowFK: true,
			head: "CREATE TABLE c (\n  id int PRIMARY KEY,\n  pid int,\n  FOREIGN KEY (pid) REFERENCES nowhere (id)\n);",
			want: []string{"4:32 references table `nowhere`, which does not exist"}},
		{name: "reported even when foreign keys are disallowed",
			head: "CREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES nowhere (id));",
			want: []string{"1:75 FOREIGN_KEYS_NONEXISTENT_TABLE"}},
		{name: "references a view", allowFK: true,
			head: "CREATE TABLE t (id int PRIMARY KEY);\nCREATE VIEW tv AS SELECT id FROM t;\nCREATE TABLE c (id int PRIMARY KEY, x int, FOREIGN KEY (x) REFERENCES tv (id));",
			want: []string{"3:71 `tv`, which is a view"}},
		{name: "every type mismatch is reported", allowFK: true,
			head: "CREATE TABLE p (id bigint unsigned PRIMARY KEY, code varchar(10), KEY (code));\n" +
				"CREATE TABLE q (id int PRIMARY KEY, name varchar(20) CHARACTER SET latin1, KEY (name));\n" +
				"CREATE TABLE c (id int PRIMARY KEY, pid int, pcode char(4), qname varchar(20),\n" +
				"  CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id),\n" +
				"  CONSTRAINT c_code FOREIGN KEY (pcode) REFERENCES p (code),\n" +
				"  CONSTRAINT c_q FOREIGN KEY (qname) REFERENCES q (name));\n" +
				"CREATE TABLE d (id int PRIMARY KEY, pid int unsigned, CONSTRAINT d_p FOREIGN KEY (pid) REFERENCES p (id));",
			want: []string{
				"4:47 foreign key `c_p` of table `c` joins column `pid` to `p`.`id`, whose type differs: int against bigint unsigned",
				"6:49 foreign key `c_q` of table `c` joins column `qname` to `q`.`name`, whose type differs: varchar(20) against varchar(20) CHARACTER SET latin1",
				"7:99 foreign key `d_p` of table `d` joins column `pid` to `p`.`id`, whose type differs: int unsigned against bigint unsigned"}},
		{name: "type mismatches beside another foreign key error", allowFK: true,
			head: "CREATE TABLE p (id bigint PRIMARY KEY);\n" +
				"CREATE TABLE c (id int PRIMARY KEY, pid int, x int,\n" +
				"  CONSTRAINT c_nope FOREIGN KEY (x) REFERENCES nowhere (id),\n" +
				"  CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id));",
			want: []string{
				"3:48 references table `nowhere`, which does not exist",
				"4:47 `c_p` of table `c` joins column `pid` to `p`.`id`, whose type differs: int against bigint"}},
		{name: "missing referenced column", allowFK: true,
			head: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int,\n  CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (nope));",
			want: []string{"3:51 column `p`.`nope`, which does not exist"}},
		{name: "column count mismatch", allowFK: true,
			head: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, x int, FOREIGN KEY (x, id) REFERENCES p (id));",
			want: []string{"2:75 lists 2 column(s) but references 1"}},
		{name: "parent dropped by the change", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));",
			head: "ALTER TABLE c ADD COLUMN n int;\n\nDROP TABLE p;",
			want: []string{"3:12 `p`, which does not exist"}},
		{name: "parent dropped, child untouched", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));",
			head: "-- p is gone\nDROP TABLE p;",
			want: []string{"2:12 FOREIGN_KEYS_NONEXISTENT_TABLE"}},
		{name: "renamed referenced column is followed, as MySQL does", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY, code int, KEY (code));\nCREATE TABLE c (id int PRIMARY KEY, pcode int, FOREIGN KEY (pcode) REFERENCES p (code));",
			head: "ALTER TABLE p\n  RENAME COLUMN code TO code2;"},
		{name: "referenced column dropped by the change", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY, code int, KEY (code));\nCREATE TABLE c (id int PRIMARY KEY, pcode int, FOREIGN KEY (pcode) REFERENCES p (code));",
			head: "ALTER TABLE p\n  DROP COLUMN code, ADD COLUMN code2 int, ADD KEY (code2);",
			want: []string{"2:15 `p`.`code`"}},
		{name: "index needed by a foreign key", allowFK: true,
			base: "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, KEY pid_idx (pid), FOREIGN KEY (pid) REFERENCES p (id));",
			head: "ALTER TABLE c\n  DROP KEY pid_idx;",
			want: []string{"2:12 index `pid_idx`"}},
		{name: "cycle", allowFK: true,
			head: "CREATE TABLE a (id int PRIMARY KEY, b_id int,\n  FOREIGN KEY (b_id) REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY, a_id int,\n  FOREIGN KEY (a_id) REFERENCES a (id));",
			want: []string{"2:33 `a` → `b` → `a`", "4:33 `b` → `a` → `b`"}},
		{name: "cycle closed by the change", allowFK: true,
			base: "CREATE TABLE a (id int PRIMARY KEY, b_id int);\nCREATE TABLE b (id int PRIMARY KEY, c_id int);\nCREATE TABLE c (id int PRIMARY KEY, a_id int, FOREIGN KEY (a_id) REFERENCES a (id));\nALTER TABLE b ADD FOREIGN KEY (c_id) REFERENCES c (id);",
			head: "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);",
			want: []string{"1:64 FOREIGN_KEYS_CIRCULAR_DEPENDENCY"}},
		{name: "untouched cycle not blamed", allowFK: true,
			base: "CREATE TABLE a (id int PRIMARY KEY, b_id int, FOREIGN KEY (b_id) REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY, a_id int, FOREIGN KEY (a_id) REFERENCES a (id));\nCREATE TABLE z (id int PRIMARY KEY);",
			head: "ALTER TABLE z ADD COLUMN n int;"},
	})
}
