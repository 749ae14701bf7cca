package bot

import (
	"regexp"
	"strings"
	"testing"
)

// PlanetScale's branch-name rule: lowercase alphanumerics and hyphens.
var validBranch = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestBranchName(t *testing.T) {
	tests := []struct {
		repo     Repo
		number   int
		wantSlug string
	}{
		{Repo{"acme", "shop"}, 7, "ddlbot-shop-"},
		{Repo{"acme", "Shop.IO_v2"}, 7, "ddlbot-shop-io-v2-"},
		{Repo{"acme", "--weird--"}, 1, "ddlbot-weird-"},
		{Repo{"acme", "ünïcödé"}, 1, "ddlbot-n-c-d-"},
		{Repo{"acme", "日本"}, 1, "ddlbot-repo-"},
		{Repo{"acme", "`<!-- x -->`; DROP TABLE users"}, 3, "ddlbot-x-drop-table-users-"},
		{Repo{"acme", strings.Repeat("a", 100)}, 123456, "ddlbot-" + strings.Repeat("a", slugMax) + "-"},
		{Repo{"acme", strings.Repeat("a", slugMax-1) + ".b"}, 2, "ddlbot-" + strings.Repeat("a", slugMax-1) + "-"},
	}
	for _, tt := range tests {
		got := BranchName(tt.repo, tt.number)
		if !validBranch.MatchString(got) || !strings.HasPrefix(got, tt.wantSlug) || len(got) > 7+slugMax+1+6+4+10+4 {
			t.Errorf("BranchName(%q, %d) = %q: want a valid name starting %q", tt.repo, tt.number, got, tt.wantSlug)
		}
		if gen := branchGeneration(tt.repo, tt.number, 3); !validBranch.MatchString(gen) {
			t.Errorf("generation 3 of %q: %q", tt.repo, gen)
		}
	}
	// Unique per repository, even where the names slug alike; GitHub's
	// names are case-insensitive, and so is the branch.
	names := map[string]Repo{}
	for _, r := range []Repo{{"acme", "shop"}, {"acme", "admin"}, {"other", "shop"}, {"acme", "shop.io"}, {"acme", "shop-io"}} {
		n := BranchName(r, 7)
		if prev, dup := names[n]; dup {
			t.Errorf("%s and %s share branch %s", prev, r, n)
		}
		names[n] = r
	}
	if BranchName(Repo{"Acme", "Shop"}, 7) != BranchName(Repo{"acme", "shop"}, 7) {
		t.Error("case changes the branch")
	}
}

func TestGenerationOf(t *testing.T) {
	shop, admin := Repo{"acme", "shop"}, Repo{"acme", "admin"}
	tests := []struct {
		branch string
		want   int // 0: not this pull request's
	}{
		{BranchName(shop, 7), 1},
		{LegacyBranchName(7), 1},
		{branchGeneration(shop, 7, 2), 2},
		{branchGeneration(shop, 7, 12), 12},
		{BranchName(shop, 7) + "-1", 0},
		{BranchName(shop, 7) + "-02", 0},
		{BranchName(shop, 7) + "-", 0},
		{BranchName(shop, 7) + "-2x", 0},
		{BranchName(shop, 70), 0},
		{BranchName(admin, 7), 0},
		{LegacyBranchName(8), 0},
		{"main", 0},
	}
	for _, tt := range tests {
		got, ok := generationOf(shop, 7, tt.branch)
		if got != tt.want || ok != (tt.want != 0) {
			t.Errorf("generationOf(%q) = %d, %v; want %d", tt.branch, got, ok, tt.want)
		}
	}
}
