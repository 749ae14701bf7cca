package lint

import "testing"

func TestZeroDate(t *testing.T) {
	checkRule(t, "zero-date", []ruleCase{
		{name: "real default", head: "CREATE TABLE t (id int PRIMARY KEY, d date DEFAULT '2000-01-01', c datetime DEFAULT CURRENT_TIMESTAMP);"},
		{name: "null default", head: "CREATE TABLE t (id int PRIMARY KEY, d datetime NULL);"},
		{name: "zero datetime", head: "CREATE TABLE t (id int PRIMARY KEY,\n  d datetime NOT NULL DEFAULT '0000-00-00 00:00:00');", want: []string{"2:3 column `t`.`d` (DATETIME) has DEFAULT '0000-00-00 00:00:00', a zero date"}},
		{name: "zero date", head: "CREATE TABLE t (id int PRIMARY KEY, d date DEFAULT '0000-00-00');", want: []string{"1:37 a zero date"}},
		{name: "zero timestamp as number", head: "CREATE TABLE t (id int PRIMARY KEY, d timestamp NOT NULL DEFAULT 0);", want: []string{"1:37 a zero date"}},
		{name: "zero day", head: "CREATE TABLE t (id int PRIMARY KEY, d date DEFAULT '2020-01-00');", want: []string{"1:37 zero month or day"}},
		{name: "not a date type", head: "CREATE TABLE t (id int PRIMARY KEY, d varchar(20) DEFAULT '0000-00-00');"},
		{name: "existing column not blamed", base: "CREATE TABLE t (id int PRIMARY KEY, d date DEFAULT '0000-00-00');", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "added column", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN d datetime NOT NULL DEFAULT '0000-00-00 00:00:00';", want: []string{"1:26 `t`.`d`"}},
	})
}

func TestZeroDateValues(t *testing.T) {
	checkRule(t, "zero-date", []ruleCase{
		{name: "zero month", head: "CREATE TABLE t (id int PRIMARY KEY, d date DEFAULT '2020-00-10');", want: []string{"1:37 zero month or day"}},
		{name: "fractional zero", head: "CREATE TABLE t (id int PRIMARY KEY, d datetime(6) DEFAULT '0000-00-00 00:00:00.000000');", want: []string{"1:37 a zero date"}},
	})
}
