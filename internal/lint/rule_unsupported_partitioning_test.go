package lint

import "testing"

func TestUnsupportedPartitioning(t *testing.T) {
	checkRule(t, "unsupported-partitioning", []ruleCase{
		{name: "none", head: "CREATE TABLE t (id int PRIMARY KEY);"},
		{name: "range hash key", head: "CREATE TABLE r (id int, d date, PRIMARY KEY (id, d)) PARTITION BY RANGE COLUMNS (d) (PARTITION p0 VALUES LESS THAN ('2027-01-01'));\n" +
			"CREATE TABLE h (id int PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 4;\n" +
			"CREATE TABLE lh (id int PRIMARY KEY) PARTITION BY LINEAR HASH (id) PARTITIONS 4;\n" +
			"CREATE TABLE k (id int PRIMARY KEY) PARTITION BY LINEAR KEY (id) PARTITIONS 2;"},
		{name: "list", head: "CREATE TABLE t (id int PRIMARY KEY, region int)\nPARTITION BY LIST (id) (PARTITION us VALUES IN (1, 2));",
			want: []string{"2:14 table `t` is partitioned BY LIST"}},
		{name: "list columns", head: "CREATE TABLE t (id int PRIMARY KEY) PARTITION BY LIST COLUMNS (id) (PARTITION p VALUES IN (1));",
			want: []string{"1:50 BY LIST"}},
		{name: "subpartitions", head: "CREATE TABLE t (id int, d date, PRIMARY KEY (id, d))\nPARTITION BY RANGE (year(d))\nSUBPARTITION BY HASH (id) SUBPARTITIONS 2\n(PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);",
			want: []string{"3:1 subpartitions"}},
		{name: "partition engine", head: "CREATE TABLE t (id int PRIMARY KEY) PARTITION BY RANGE (id)\n(PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB,\n PARTITION p1 VALUES LESS THAN MAXVALUE ENGINE = MyISAM);",
			want: []string{"3:50 partition `p1` of table `t` uses the MyISAM storage engine"}},
		{name: "partitioned by alter", base: "CREATE TABLE t (id int PRIMARY KEY);",
			head: "ALTER TABLE t\n  PARTITION BY LIST (id) (PARTITION p0 VALUES IN (1, 2));",
			want: []string{"2:16 LIST"}},
		{name: "untouched table not blamed", base: "CREATE TABLE t (id int PRIMARY KEY) PARTITION BY LIST (id) (PARTITION p VALUES IN (1));\nCREATE TABLE u (id int PRIMARY KEY);",
			head: "ALTER TABLE u ADD COLUMN n int;"},
	})
}
