package lint

import "testing"

func TestRedundantIndex(t *testing.T) {
	checkRule(t, "redundant-index", []ruleCase{
		{name: "distinct indexes", head: "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ka (a), KEY kb (b), KEY kba (b, a));",
			want: []string{"1:67 index `kb` (b) on `t` is redundant: its columns are a leftmost prefix of `kba` (b, a)"}},
		{name: "no redundancy", head: "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY kab (a, b), KEY kb (b));"},
		{name: "duplicate", head: "CREATE TABLE t (id int PRIMARY KEY, a int,\n  KEY k1 (a),\n  KEY k2 (a));", want: []string{"3:7 `k2` (a) on `t` is redundant: it duplicates `k1` (a)"}},
		{name: "prefix of primary key", head: "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b), KEY ka (a));", want: []string{"1:73 leftmost prefix of PRIMARY KEY (a, b)"}},
		{name: "unique key duplicating primary key", head: "CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id), UNIQUE KEY uid (id));", want: []string{"1:63 UNIQUE `uid` (id) on `t` is redundant: it duplicates PRIMARY KEY (id)"}},
		{name: "unique prefix is a stronger rule", head: "CREATE TABLE t (id int PRIMARY KEY, a int, b int, UNIQUE KEY ua (a), KEY kab (a, b));"},
		{name: "index duplicating a unique key", head: "CREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a), UNIQUE KEY ua (a));", want: []string{"1:48 `ka` (a) on `t` is redundant: it duplicates UNIQUE `ua` (a)"}},
		{name: "two equal unique keys", head: "CREATE TABLE t (id int PRIMARY KEY, a int, UNIQUE KEY u1 (a), UNIQUE KEY u2 (a));", want: []string{"1:74 UNIQUE `u2`"}},
		{name: "unnamed", head: "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY (a), KEY kab (a, b));", want: []string{"1:51 `a` (a)"}},
		{name: "prefix lengths differ", head: "CREATE TABLE t (id int PRIMARY KEY, s varchar(100), KEY k1 (s(10)), KEY k2 (s, id));"},
		{name: "fulltext is another kind", head: "CREATE TABLE t (id int PRIMARY KEY, s varchar(100), FULLTEXT KEY f (s), KEY ks (s));"},
		{name: "existing redundancy not blamed", base: "CREATE TABLE t (id int PRIMARY KEY, a int, KEY k1 (a), KEY k2 (a));", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "added index makes an old one redundant", base: "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ka (a));", head: "ALTER TABLE t ADD INDEX kab (a, b);", want: []string{"1:25 index `kab` (a, b) on `t` makes the existing index `ka` (a) redundant (its columns are a leftmost prefix of the new one): drop `ka`"}},
		{name: "added redundant index", base: "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY kab (a, b));", head: "ALTER TABLE t ADD INDEX ka (a);", want: []string{"1:25 `ka`"}},
	})
}
