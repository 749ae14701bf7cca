// Package githubfake is a GitHub REST API stand-in for end-to-end tests: an
// httptest server with in-memory state (repositories, pull requests, files,
// comments, reactions, check runs, permissions, reviews, teams) that answers
// with GitHub's JSON shapes and enforces GitHub's rules.
//
// Every request is recorded (Calls, Count) and checked against GitHub's
// official OpenAPI description, the subset of it ddlbot uses vendored in
// testdata/github/openapi-subset.json (scripts/vendor-github-testdata.sh).
// A request whose method and path are not an operation of the subset, whose
// parameters are missing or mistyped, or whose JSON body does not validate
// against the operation's request body schema fails the test through
// t.Errorf. The fake then answers as GitHub would: 404 for an unknown path,
// 422 "Invalid request" for a body the schema rejects. Its own successful
// responses are checked against the response schemas as well (a mismatch is
// reported as a bug of the fake).
//
// Typical use:
//
//	gh := githubfake.New(t)
//	gh.AddRepoWith(githubfake.Repo{Owner: "acme", Name: "shop", Org: true})
//	gh.AddPullRequest("acme", "shop", githubfake.PR{Number: 7, HeadSHA: head, BaseSHA: base, Author: "alice"})
//	gh.SetFiles("acme", "shop", base, map[string]string{".ddlbot.yml": cfg, "schema/users.sql": v1})
//	gh.SetFiles("acme", "shop", head, map[string]string{".ddlbot.yml": cfg, "schema/users.sql": v2})
//	event := gh.PullRequestEvent(t, "opened", "acme", "shop", 7, nil) // a real payload, adapted
//	// run ddlbot with GITHUB_API_URL=gh.URL(), GITHUB_TOKEN=gh.Token() and the event
//	runs := gh.CheckRuns("acme", "shop")
//	comments := gh.Comments("acme", "shop", 7)
//	t.Log(gh.CountsString()) // requests per operation
//
// The changed files of a pull request derive from the files at its base and
// head SHAs unless SetChangedFiles sets them. A comment command is
// AddComment followed by CommentEvent; LoadWebhook and AdaptWebhook give
// direct access to the vendored payloads.
//
// Authentication: Token acts like an Actions GITHUB_TOKEN (an installation
// token of the github-actions app), ReadOnlyToken like the one a pull request
// from a fork gets, AddUserToken adds a personal access token, and App gives
// a GitHub App key whose JWT the installation token endpoint accepts. Any
// other credential gets 401.
//
// Faults: FailNext and Fail answer chosen requests with an error status
// (5xx, primary or secondary rate limits with their headers) instead of
// serving them; SetFlaky fails a fraction of all requests at random (seeded).
package githubfake
