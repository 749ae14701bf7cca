// Package planetscale is a typed client for the PlanetScale API (branches,
// passwords, deploy requests, webhooks) and the code that applies DDL to a
// branch over the MySQL protocol. It reads like go-github: one Client, a
// method per call, every method (ctx, args...) (T, error), typed errors that
// keep the HTTP status and PlanetScale's code.
package planetscale
