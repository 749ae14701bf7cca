package lint

import "testing"

const uniqueBase = "CREATE TABLE t (id int PRIMARY KEY, email varchar(100), a int, b int, KEY ka (a), UNIQUE KEY uab (a, b));"

func TestAddUniqueKey(t *testing.T) {
	checkRule(t, "add-unique-key", []ruleCase{
		{name: "plain index", base: uniqueBase, head: "ALTER TABLE t ADD INDEX ke (email);"},
		{name: "named", base: uniqueBase, head: "ALTER TABLE t\n  ADD UNIQUE KEY uq_email (email);", want: []string{"2:18 adds unique key `uq_email`"}},
		{name: "unnamed", base: uniqueBase, head: "ALTER TABLE t ADD COLUMN code int, ADD UNIQUE (code);", want: []string{"1:40 `code`"}},
		{name: "create unique index", base: uniqueBase, head: "CREATE UNIQUE INDEX ue ON t (email);", want: []string{"1:21 `ue`"}},
		{name: "index made unique", base: uniqueBase, head: "ALTER TABLE t DROP INDEX ka, ADD UNIQUE INDEX ka (a);", want: []string{"1:47 `ka`"}},
		{name: "unique key widened is still checked", base: uniqueBase, head: "ALTER TABLE t DROP INDEX uab, ADD UNIQUE KEY uab (a, b, email);", want: []string{"1:46 `uab`"}},
		{name: "unique key dropped", base: uniqueBase, head: "ALTER TABLE t DROP INDEX uab;"},
		{name: "new table", base: uniqueBase, head: "CREATE TABLE n (id int PRIMARY KEY, c int, UNIQUE KEY (c));"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY, a int);\nALTER TABLE t ADD UNIQUE KEY ua (a);"},
	})
}
