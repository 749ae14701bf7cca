// Package planetscale is a typed client for the PlanetScale API (branches,
// passwords, deploy requests, webhooks) and the code that applies DDL to a
// branch over the MySQL protocol. It reads like go-github: one Client, a
// method per call, every method (ctx, args...) (T, error), typed errors that
// keep the HTTP status and PlanetScale's code.
//
// # Retries
//
// GET, DELETE and PATCH requests are retried on 429, 5xx and network errors
// with exponential backoff and equal jitter (500 ms doubling, capped at 30 s,
// Config.MaxRetries times); a Retry-After header wins over the backoff.
// POSTs are retried on 429 only. When a POST fails in a way that leaves open
// whether it took effect (a 5xx or a network error), the client asks the
// server before repeating it: CreateBranch looks the branch up,
// CreateDeployRequest lists the open deploy requests of the branch, and the
// deploy request state changes re-read the deploy request, and
// CreatePassword (with a name) deletes the passwords of that name, whose
// secret it never got, before asking again. CreateReview, CreateWebhook and
// CreateDatabase are never repeated after such a failure.
//
// # Secrets
//
// Tokens live only in the Authorization header. They never appear in
// errors or log records, and Config and Client print without them.
// Branch passwords created by ApplyDDL are deleted when it returns.
package planetscale
