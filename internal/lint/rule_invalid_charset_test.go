package lint

import "testing"

func TestInvalidCharset(t *testing.T) {
	checkRule(t, "invalid-charset", []ruleCase{
		{name: "default", head: "CREATE TABLE t (id int PRIMARY KEY, n varchar(10));"},
		{name: "allowed charsets", head: "CREATE TABLE t (id int PRIMARY KEY,\n  a varchar(10) CHARACTER SET latin1,\n  b varchar(10) CHARSET ascii COLLATE ascii_bin,\n  c varchar(10) CHARACTER SET utf8,\n  d varchar(10) COLLATE utf8mb3_general_ci\n) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;"},
		{name: "binary column", head: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10) CHARACTER SET binary, b text COLLATE binary);"},
		{name: "table charset", head: "CREATE TABLE t (id int PRIMARY KEY)\n  DEFAULT CHARSET=utf16;", want: []string{"2:19 table `t` uses character set utf16"}},
		{name: "table collation", head: "CREATE TABLE t (id int PRIMARY KEY) COLLATE gb18030_chinese_ci;", want: []string{"1:45 character set gb18030 (from collation gb18030_chinese_ci)"}},
		{name: "table binary", head: "CREATE TABLE t (id int PRIMARY KEY) CHARSET binary;", want: []string{"1:45 character set binary"}},
		{name: "column charset", head: "CREATE TABLE t (\n  id int PRIMARY KEY,\n  name varchar(10) CHARACTER SET utf32\n);", want: []string{"3:34 column `t`.`name` uses character set utf32"}},
		{name: "column collation", head: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10) COLLATE ucs2_bin);", want: []string{"1:59 (from collation ucs2_bin)"}},
		{name: "table and column", head: "CREATE TABLE t (id int PRIMARY KEY, a varchar(10) CHARSET sjis) CHARSET utf16;", want: []string{"1:59 column `t`.`a`", "1:73 table `t`"}},
		{name: "added column", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN\n  a varchar(10) CHARACTER SET utf16le;", want: []string{"2:31 utf16le"}},
		{name: "convert", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t CONVERT TO CHARACTER SET utf16;", want: []string{"1:40 CONVERT TO CHARACTER SET utf16"}},
		{name: "convert allowed", base: "CREATE TABLE t (id int PRIMARY KEY);", head: "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;"},
		{name: "untouched table not blamed", base: "CREATE TABLE t (id int PRIMARY KEY) CHARSET utf16;\nCREATE TABLE u (id int PRIMARY KEY);", head: "ALTER TABLE u ADD COLUMN n int;"},
	})
}
