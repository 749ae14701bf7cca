package bot

import "testing"

func TestNewestVersion(t *testing.T) {
	for _, tt := range []struct {
		changed []string
		want    string
	}{
		{nil, ""},
		{[]string{"db/migrations/000002_nick.up.sql", "db/migrations/000002_nick.down.sql"}, "2"},
		{[]string{"db/m/00009_a.sql", "db/m/00010_b.sql"}, "10"},
		{[]string{"db/m/V3__x.sql", "db/m/V12__y.sql"}, "12"},
		{[]string{"db/m/20240102000000_a.sql", "db/m/20231231000000_b.sql"}, "20240102000000"},
		{[]string{"db/m/README.md", "db/m/0000_init.sql"}, "0"},
	} {
		if got := newestVersion(tt.changed); got != tt.want {
			t.Errorf("newestVersion(%q) = %q, want %q", tt.changed, got, tt.want)
		}
	}
}
