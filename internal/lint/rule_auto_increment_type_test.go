package lint

import "testing"

func TestAutoIncrementType(t *testing.T) {
	checkRule(t, "auto-increment-type", []ruleCase{
		{name: "bigint unsigned", head: "CREATE TABLE t (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);"},
		{name: "no auto increment", head: "CREATE TABLE t (id int NOT NULL PRIMARY KEY);"},
		{name: "int", head: "CREATE TABLE t (\n  id int NOT NULL AUTO_INCREMENT PRIMARY KEY);", want: []string{"2:3 AUTO_INCREMENT column `t`.`id` is INT: inserts fail once ids reach 2,147,483,647"}},
		{name: "int unsigned", head: "CREATE TABLE t (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);", want: []string{"1:17 INT UNSIGNED: inserts fail once ids reach 4,294,967,295"}},
		{name: "smallint", head: "CREATE TABLE t (id smallint NOT NULL AUTO_INCREMENT PRIMARY KEY);", want: []string{"1:17 32,767"}},
		{name: "signed bigint", head: "CREATE TABLE t (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY);", want: []string{"1:17 signed BIGINT"}},
		{name: "existing column not blamed", base: "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);", head: "ALTER TABLE t ADD COLUMN b int;"},
		{name: "changed to another int", base: "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);", head: "ALTER TABLE t MODIFY id int unsigned NOT NULL AUTO_INCREMENT;", want: []string{"1:22 INT UNSIGNED"}},
		// The later ALTER names `id`, but the parent's: the column is where CREATE TABLE defines it.
		{name: "referenced column of another table", allowFK: true, head: "CREATE TABLE d (id bigint unsigned PRIMARY KEY);\nCREATE TABLE c (\n  id int NOT NULL AUTO_INCREMENT PRIMARY KEY, head_id bigint unsigned);\nALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (head_id) REFERENCES d (id);", want: []string{"3:3 AUTO_INCREMENT column `c`.`id` is INT"}},
		{name: "widened", base: "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);", head: "ALTER TABLE t MODIFY id bigint unsigned NOT NULL AUTO_INCREMENT;"},
	})
}
