package lint

import "testing"

func TestTimestamp2038(t *testing.T) {
	checkRule(t, "timestamp-2038", []ruleCase{
		{name: "datetime", head: "CREATE TABLE t (id int PRIMARY KEY, created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP);"},
		{name: "timestamp", head: "CREATE TABLE t (id int PRIMARY KEY,\n  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);", want: []string{"2:3 column `t`.`created_at` is a TIMESTAMP: it cannot hold dates after 2038-01-19"}},
		{name: "existing column not blamed", base: "CREATE TABLE t (id int PRIMARY KEY, ts timestamp NULL);", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "added column", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN expires_at timestamp NULL;", want: []string{"1:26 `expires_at`"}},
	})
}
