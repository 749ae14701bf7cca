// Package config reads .ddlbot.yml, the file at the root of a repository that
// tells ddlbot which PlanetScale databases the repository's schema belongs to,
// how to lint it and who may deploy it.
//
// This comment is the reference for the file. Every key is optional unless
// marked required. A key written with no value (`key:` or `key: null`) counts
// as absent, so its default applies. Keys are case-sensitive. Unknown keys,
// duplicate keys, values of the wrong type and values outside the allowed set
// are errors, reported all at once, each as file:line:column.
//
// Without a .ddlbot.yml ddlbot uses the defaults below and knows no
// databases. An empty file, or one holding only comments, is the same as no
// file. A file that has content must list at least one database.
//
// # Example
//
//	databases:
//	  - name: app
//	    organization: acme
//	    schema: db/schema
//	  - name: billing
//	    organization: acme
//	    database: billing-prod
//	    production_branch: production
//	    migrations: billing/migrations
//	    migration_format: golang-migrate
//	    mysql_version: "8.4"
//	lint:
//	  rules:
//	    drop-column: error
//	    no-unique-key: warning
//	  fail_on: warning
//	deploy:
//	  min_permission: maintain
//	  allowed_teams: [dba]
//	  required_approvals: 1
//	  gated: true
//
// # databases (required, a list with at least one entry)
//
// Each entry is one PlanetScale database and the folder that holds its
// desired schema.
//
//   - name: how the database is called in messages and in
//     `/deploy --db NAME`. Default: the value of database. At least one of
//     name and database is required. Names must be unique within the file and
//     contain no whitespace or "/".
//   - organization: the PlanetScale organization. Default: empty, which is
//     fine when ddlbot only lints; deploying needs it.
//   - database: the PlanetScale database name. Default: the value of name.
//     Two entries may not name the same organization and database.
//   - production_branch: the PlanetScale branch deploy requests target.
//     Default: main.
//   - schema: a folder of CREATE TABLE / CREATE VIEW files, the declarative
//     style: the desired schema is what the files say.
//   - migrations: a folder of migration files: the desired schema is all the
//     up-migrations applied in order.
//   - migration_format: how to read the migrations folder; only allowed with
//     migrations. One of auto, plain (numbered .sql files), golang-migrate
//     (*.up.sql), goose (-- +goose Up), dbmate (-- migrate:up), flyway
//     (V<n>__name.sql). Default: auto, which detects the format from the
//     files.
//   - mysql_version: the MySQL version whose syntax and behaviour to assume.
//     One of 5.7, 8.0, 8.0.N, 8.4, 8.4.N (5.7.N is accepted too); a number
//     (8.0) or a string ("8.0.40"). Default: 8.0.40.
//   - allow_foreign_keys: true when the database has foreign key support
//     enabled on PlanetScale, so foreign key constraints are not flagged.
//     Default: false.
//   - ignore_tables: tables the repository does not manage, as names or
//     patterns (* and ? wildcards, [a-z] ranges): left out of diffs and lint,
//     and never dropped by a deploy. Migration tools' tracking tables
//     (schema_migrations, goose_db_version, flyway_schema_history) are kept
//     without being listed, unless the repository defines them.
//
// Exactly one of schema and migrations is required. Folders are relative to
// the configuration file's own folder ("." is that folder; for the usual
// .ddlbot.yml at the repository root, the root), use forward slashes, must not
// be absolute and may use ".." only to stay inside the repository (a file at
// .github/ddlbot.yml writes ../db/migrations). They are cleaned, so
// "./db/schema/" and "db/schema" are the same folder.
//
// # lint
//
//   - rules: a mapping from lint rule id to severity, one of error, warning,
//     notice, off (off disables the rule). Rules not listed keep their
//     default severity. Unknown rule ids are errors.
//   - fail_on: the lowest severity that fails the check: error or warning.
//     Default: error.
//
// # deploy
//
// These settings govern the /deploy comment command and the commands that
// follow it.
//
//   - min_permission: the lowest repository permission a commenter needs:
//     read, triage, write, maintain or admin. Default: write.
//   - allowed_teams: a list of GitHub team slugs; when not empty, the
//     commenter must also belong to one of them. Default: empty (no team
//     restriction).
//   - allow_forks: whether pull requests from forks may be deployed; fork
//     pull requests are otherwise only linted. Default: false.
//   - required_approvals: how many approving reviews on the pull request's
//     current head commit a deploy needs; a whole number, 0 or more.
//     Default: 0.
//   - gated: deploy with a gated cutover, which waits for /cutover.
//     Default: false.
//   - instant: ask for an instant deployment where PlanetScale allows one.
//     Default: false.
//   - base_branches: git branches (names, or patterns with * and ? such as
//     release/*) whose pull requests may deploy besides the repository's
//     default branch. Pull requests into any other branch are linted and
//     planned, but /deploy refuses them. Default: empty (the default branch
//     only).
//   - accept_drift: deploy although production differs from the base branch
//     (an undeployed merged change, a change made outside ddlbot): the
//     deploy request then ships those differences too. Without it the check
//     run is action_required while production differs, and /deploy needs
//     --accept-drift. Default: false.
//   - drop_unknown_tables: let a deploy drop tables that production holds
//     and the repository never had (neither the base nor the head defines
//     them, and ignore_tables does not list them). Without it such a deploy
//     is refused unless /deploy --drop-unknown-tables. Default: false.
//   - on_merge: deploy the pull request's deploy request when the pull
//     request is merged, through the same checks as /deploy (the merge
//     counts as the approvals only when the base branch's protection
//     requires at least required_approvals reviews). Without it, merging a
//     pull request whose change is not deployed leaves its deploy request
//     open, to deploy later, and says so on the pull request. Default: false.
//   - backup: whether /deploy (and ddlbot deploy) backs the production
//     branch up first: auto (when the deploy can drop data: a dropped table
//     or column or a narrowed column, by ddlbot's analysis or PlanetScale's
//     can_drop_data), always, or never. The backup is named after the pull
//     request and deploy request, and the deploy waits until it succeeds; a
//     failed backup stops the deploy, unless /deploy --skip-backup by an
//     admin. The service token needs the write_backups and read_backups
//     accesses. Default: auto.
//   - backup_retention: how long such a backup is kept: a number from 1 to
//     1000 and a unit, h (hours), d (days), w (weeks), mo (months) or y
//     (years), such as 12h or 2w. Default: 7d.
//
// # limits
//
// What loading one database's schema may read, at the base and at the head.
// Parsing holds about fifty times the SQL's size in memory, so a schema past
// a limit is refused, naming the file or folder and the limit, before any
// of it is parsed (from a local folder, before it is read; a .sql file over
// max_file_size in a commit, a pull request's included, before it is
// fetched; a folder read through GitHub's API over max_files or
// max_total_size, from its listing). Sizes are
// bytes, or a number with KB, MB, GB (powers of 1000) or KiB, MiB, GiB
// (powers of 1024), such as 64MiB. `ddlbot lint`
// takes --max-file-size, --max-files and --max-total-size over these;
// `ddlbot diff`, which reads no configuration, takes the flags alone.
//
//   - max_file_size: the most one .sql file may hold. Default: 32MiB.
//   - max_files: the most .sql files the schema or migrations folder may
//     have (a schema folder's subfolders count). Default: 10000.
//   - max_total_size: the most all of them may hold together.
//     Default: 64MiB.
//
// The configuration that governs a pull request is always the one on the
// repository's default branch: neither the pull request's own nor its base
// branch's (a branch the author may have pushed) decides who may deploy.
//
// # Sharing settings between databases
//
// Standard YAML anchors, aliases and merge keys work. Top-level keys that
// start with "x-" are ignored, so they can hold shared settings:
//
//	x-acme: &acme
//	  organization: acme
//	  mysql_version: "8.4"
//	databases:
//	  - <<: *acme
//	    name: app
//	    schema: db/schema
//	  - <<: *acme
//	    name: billing
//	    migrations: billing/migrations
package config
