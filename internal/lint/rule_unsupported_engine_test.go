package lint

import "testing"

func TestUnsupportedEngine(t *testing.T) {
	checkRule(t, "unsupported-engine", []ruleCase{
		{name: "default", head: "CREATE TABLE t (id int PRIMARY KEY);"},
		{name: "innodb", head: "CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB;\nCREATE TABLE u (id int PRIMARY KEY) engine innodb;"},
		{name: "myisam", head: "CREATE TABLE t (id int PRIMARY KEY)\n  ENGINE=MyISAM;", want: []string{"2:10 table `t` uses the MyISAM storage engine"}},
		{name: "memory", head: "CREATE TABLE t (id int PRIMARY KEY) ENGINE = MEMORY;", want: []string{"1:46 only InnoDB"}},
		{name: "changed by alter", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ENGINE=ARCHIVE;", want: []string{"1:22 ARCHIVE"}},
		{name: "back to innodb", base: "CREATE TABLE t (id int PRIMARY KEY) ENGINE=MyISAM;", head: "ALTER TABLE t ENGINE=InnoDB;"},
		{name: "untouched table not blamed", base: "CREATE TABLE t (id int PRIMARY KEY) ENGINE=MyISAM;\nCREATE TABLE u (id int PRIMARY KEY);", head: "ALTER TABLE u ADD COLUMN n int;"},
	})
}
