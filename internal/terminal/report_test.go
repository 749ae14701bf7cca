package terminal

import (
	"strings"
	"testing"
)

func TestTextReport(t *testing.T) {
	md := "<!-- ddlbot:plan db=app -->\n<!-- ddlbot:state {\"v\":1} -->\n\n### ddlbot · `app`\n\n" +
		"Deploy request [#3](https://x/3): **ready** · branch `b` · lint: 1 error(s)\n\n" +
		"> [!CAUTION]\n> create branch \\`b\\`: 500\n\n" +
		"#### Changes\n\n| Table | Change | Risk |\n|---|---|---|\n| `users` | add column a\\|b | none |\n| `t` | drop table | drops table |\n\n" +
		"**Risks**\n\n- 🛑 drops table \\`t\\`\n\n" +
		"<details><summary>DDL</summary>\n\n```sql\nDROP TABLE `t`;\n```\n\n</details>\n\n" +
		"<details><summary>Diff</summary>\n\n```diff\n-CREATE TABLE t\n```\n\n</details>\n\n" +
		"**Next step:** comment `/deploy` to deploy.\n\n<sub>ddlbot 1.2</sub>\n"
	want := "ddlbot · app\n\n" +
		"Deploy request #3 (https://x/3): ready · branch b · lint: 1 error(s)\n\n" +
		"Caution: create branch `b`: 500\n\n" +
		"Changes\n\n  Table  Change          Risk\n  users  add column a|b  none\n  t      drop table      drops table\n\n" +
		"Risks\n\n  - 🛑 drops table `t`\n\n" +
		"DDL:\n\n    DROP TABLE `t`;\n\n" +
		"Next step: ddlbot deploy\n\nddlbot 1.2\n"
	if got := TextReport(md, TextOptions{Next: "ddlbot deploy", SkipDetails: []string{"Diff"}}); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Without a terminal next step, the pull request's hint goes.
	if got := TextReport(md, TextOptions{}); strings.Contains(got, "Next step") || strings.Contains(got, "-CREATE TABLE t") == false {
		t.Errorf("hint kept, or the Diff section dropped without being asked:\n%s", got)
	}
}

func TestTextReportWords(t *testing.T) {
	md := "> [!NOTE]\n> the head of this pull request fails lint\n\n**Next step:** fix the findings and push.\n"
	got := TextReport(md, TextOptions{Words: []string{"the head of this pull request", "the working tree", "and push.", "and run \\`ddlbot plan\\` again."}})
	want := "Note: the working tree fails lint\n\nNext step: fix the findings and run `ddlbot plan` again.\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
