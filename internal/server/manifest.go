package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Manifest is the GitHub App manifest of ddlbot: the permissions and events
// it needs, for "Create a GitHub App from a manifest". base is where the
// server is reached (https://ddlbot.example.com); its webhook is
// base/webhooks/github.
func Manifest(name, base string) ([]byte, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("the server's address %q is not an http(s) URL such as https://ddlbot.example.com", base)
	}
	base = strings.TrimRight(u.String(), "/")
	m := map[string]any{
		"name":            name,
		"url":             base,
		"description":     "Lints, plans and deploys MySQL schema changes from pull requests to PlanetScale.",
		"public":          false,
		"hook_attributes": map[string]any{"url": base + "/webhooks/github", "active": true},
		"default_permissions": map[string]string{
			"contents":      "read",  // the schema at the base and head commits
			"pull_requests": "write", // the pull request, its files and reviews
			"issues":        "write", // the sticky comment, reactions and replies
			"checks":        "write", // one check run per database
			"metadata":      "read",
		},
		// check_run: "Re-run" on ddlbot's check run plans again. GitHub
		// sends installation events to every App without a subscription: a
		// deleted or suspended installation's token is dropped.
		"default_events": []string{"pull_request", "issue_comment", "check_run"},
	}
	return json.MarshalIndent(m, "", "  ")
}
