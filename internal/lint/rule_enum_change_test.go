package lint

import "testing"

const enumBase = "CREATE TABLE t (id int PRIMARY KEY, status enum('new','paid','sent'), tags set('x','y'));"

func TestEnumChange(t *testing.T) {
	checkRule(t, "enum-change", []ruleCase{
		{name: "append", base: enumBase, head: "ALTER TABLE t MODIFY status enum('new','paid','sent','lost');"},
		{name: "remove", base: enumBase, head: "ALTER TABLE t\n  MODIFY status enum('new','sent');", want: []string{"2:10 changes ENUM column `t`.`status`: removes 'paid'"}},
		{name: "reorder", base: enumBase, head: "ALTER TABLE t MODIFY status enum('paid','new','sent');", want: []string{"1:22 moves 'new', 'paid' to another position"}},
		{name: "insert in the middle", base: enumBase, head: "ALTER TABLE t MODIFY status enum('new','held','paid','sent');", want: []string{"1:22 moves 'paid', 'sent'"}},
		{name: "set value removed", base: enumBase, head: "ALTER TABLE t MODIFY tags set('y');", want: []string{"1:22 changes SET column `t`.`tags`: removes 'x'"}},
		{name: "enum to varchar", base: enumBase, head: "ALTER TABLE t MODIFY status varchar(10);"},
		{name: "no base: no diff", head: "CREATE TABLE t (id int PRIMARY KEY, e enum('a','b'));\nALTER TABLE t MODIFY e enum('a');"},
	})
}
