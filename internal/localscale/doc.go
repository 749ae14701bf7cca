// Package localscale is an in-process emulator of the PlanetScale API: the
// embedded default backend of ddlbot and the backend of its end-to-end tests.
//
// # API
//
// [Server.Handler] serves PlanetScale's paths under /v1 (a client's base URL is
// http://host:port/v1), with PlanetScale's methods, status codes, JSON field
// names (the types of internal/planetscale), list envelope and error bodies
// ({"code":"not_found","message":"Not Found"}). Requests authenticate with
// `Authorization: <id>:<token>` or `Authorization: Bearer <token>` ([Server.Token]).
// The header X-Localscale-Actor names who makes a request (default
// "localscale"): deploy requests, reviews and deployments record it, and
// approvals count only from someone other than a deploy request's author.
//
// # Branches and the MySQL endpoint
//
// A database comes from [Server.SeedDatabase] (a schema or migrations folder
// loaded into the production branch main, which has safe migrations on),
// [Server.EnsureDatabase] or the create-database endpoint. Branches hold
// their schema in memory as a schemadiff schema and remember the schema they
// were cut from (their base). [Server.MySQLBackend] is the backend of the
// mysqlsrv listener ([Server.ListenMySQL]): a password's username and
// plain_text open a session on its branch, which answers SHOW statements and
// applies DDL through the schemadiff builder; DDL on a branch with safe
// migrations fails with ERROR 1105 (HY000): direct DDL is disabled.
//
// # Deploy requests
//
// Checks run CheckDelay after a deploy request is opened (and again whenever
// its branch or its target changes). The diff is three-way: the branch's
// changes since its base are applied onto the target as it is now; a change
// the target already has is skipped, any other failure is a conflict
// (deployment_state error, deploy_check_errors naming the table). PlanetScale's
// lint rules of internal/lint run over the result (lint_errors). A deploy goes
// queued → submitting → in_progress (one operation per table, run one after the
// other, with progress and ETA) → pending_cutover when gated →
// in_progress_cutover → complete_pending_revert (the target's schema changes
// here) → complete after RevertWindow or skip-revert; revert restores the
// previous schema (in_progress_revert → complete_revert, the deploy request
// closes); cancel gives in_progress_cancel → complete_cancel. One deployment
// holds a database's deploy slot at a time; the rest wait in order
// (preceding_deployments). A deployment whose changes no longer apply when it
// starts ends in complete_error and holds the slot until complete-deploy or
// close.
//
// # Backups
//
// POST /branches/{branch}/backups starts a backup: pending for
// [Config.BackupStartDelay], running for [Config.BackupDuration], then
// success, or failed when armed with [Server.FailBackups]; with a retention
// it disappears when it expires. List, get and delete work by id.
// [Config.DeniedAccess] and [Server.DenyAccess] answer 403 to the calls that
// need a service token access (read_backups, write_backups, delete_backups),
// as PlanetScale does for a token created without it.
//
// [Server.Slowdown] scripts an Insights anomaly on a branch: listed by
// GET /branches/{branch}/insights/anomalies (active until it ends) and
// announced with the branch.anomaly webhook.
//
// # Time
//
// Every transition is a function of [Config.Clock]: state is advanced lazily
// on each request, and a timer on the clock wakes the server at the next
// deadline so transitions and webhooks happen without requests. With a
// [FakeClock], [FakeClock.Advance] runs those wake-ups synchronously: when it
// returns, every transition due by then has happened and its webhooks are on
// their way. Timestamps are absolute, so a server restarted from
// [Config.StatePath] resumes every clock.
//
// # Webhooks and faults
//
// Webhooks receive `{"timestamp","event","organization","database","resource"}`
// signed with X-PlanetScale-Signature, one delivery at a time per webhook in
// event order, retried 3 times (1s, 2s, 4s on the server's clock). Delivery
// never blocks a request. [Faults] make the API fail on purpose (500, lost
// responses, 429 with Retry-After, latency), deterministically for a seed.
package localscale
