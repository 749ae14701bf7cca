#!/usr/bin/env bash
# Regenerates testdata/github/: the GitHub data the end-to-end tests and
# internal/githubfake use.
#
#   testdata/github/openapi-subset.json   the operations ddlbot calls, taken from
#                                         GitHub's official REST description as
#                                         published in @octokit/openapi
#                                         (generated/api.github.com.deref.json:
#                                         every $ref already resolved), with
#                                         descriptions and examples removed
#   testdata/github/webhooks/*.json       real webhook payloads from
#                                         @octokit/webhooks-examples, unchanged,
#                                         named <event>.<action>[.variant].json
#   testdata/github/README.md             where each file came from
#
# Usage: scripts/vendor-github-testdata.sh
#   OPENAPI_VERSION and WEBHOOKS_VERSION (environment) pick the npm package
#   versions; the defaults below are the ones vendored, so running the script
#   again rewrites the same bytes. Needs bash, npm, node and tar.
set -euo pipefail

OPENAPI_VERSION="${OPENAPI_VERSION:-23.0.2}"
WEBHOOKS_VERSION="${WEBHOOKS_VERSION:-7.6.1}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/testdata/github"

for tool in npm node tar; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fetching @octokit/openapi@$OPENAPI_VERSION and @octokit/webhooks-examples@$WEBHOOKS_VERSION with npm pack" >&2
(cd "$tmp" && npm pack --silent "@octokit/openapi@$OPENAPI_VERSION" "@octokit/webhooks-examples@$WEBHOOKS_VERSION" >/dev/null)
mkdir -p "$tmp/openapi" "$tmp/webhooks"
tar -xzf "$tmp"/octokit-openapi-*.tgz -C "$tmp/openapi"
tar -xzf "$tmp"/octokit-webhooks-examples-*.tgz -C "$tmp/webhooks"

mkdir -p "$dest/webhooks"
out="$tmp/out"
mkdir -p "$out/webhooks"

node - "$tmp" "$out" <<'EOF'
"use strict";
const fs = require("fs");
const path = require("path");
const [tmp, out] = process.argv.slice(2);

// ---------------------------------------------------------------- OpenAPI
const oaPkg = JSON.parse(fs.readFileSync(path.join(tmp, "openapi/package/package.json"), "utf8"));
const specFile = "generated/api.github.com.deref.json";
const spec = JSON.parse(fs.readFileSync(path.join(tmp, "openapi/package", specFile), "utf8"));

// The operations ddlbot calls: [method, path template].
const ops = [
  ["get", "/repos/{owner}/{repo}"],
  ["get", "/repos/{owner}/{repo}/pulls"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"],
  ["get", "/repos/{owner}/{repo}/contents/{path}"],
  ["get", "/repos/{owner}/{repo}/git/trees/{tree_sha}"],
  ["get", "/repos/{owner}/{repo}/git/blobs/{file_sha}"],
  ["get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["get", "/repos/{owner}/{repo}/issues/comments/{comment_id}"],
  ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"],
  ["post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"],
  ["post", "/repos/{owner}/{repo}/check-runs"],
  ["get", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["get", "/repos/{owner}/{repo}/commits/{ref}/check-runs"],
  ["get", "/repos/{owner}/{repo}/collaborators/{username}/permission"],
  ["get", "/repos/{owner}/{repo}/branches/{branch}/protection/required_pull_request_reviews"],
  ["get", "/repos/{owner}/{repo}/rules/branches/{branch}"],
  ["get", "/orgs/{org}/teams/{team_slug}/memberships/{username}"],
  ["get", "/user"],
  ["get", "/app"],
  ["post", "/app/installations/{installation_id}/access_tokens"],
  ["get", "/rate_limit"],
];

// Keywords dropped to keep the subset small. They are dropped only where they
// are keywords: never as names inside a map (a schema's "properties", the
// "paths", a "responses", "content" or "headers" map), where "description"
// may well be a property name.
const drop = new Set(["description", "example", "examples", "x-github", "x-octokit", "tags"]);
const maps = new Set(["properties", "patternProperties", "paths", "responses", "content", "headers"]);
function strip(v, isMap) {
  if (Array.isArray(v)) return v.map((e) => strip(e, false));
  if (v === null || typeof v !== "object") return v;
  const o = {};
  for (const k of Object.keys(v)) {
    if (!isMap && drop.has(k)) continue;
    o[k] = strip(v[k], !isMap && maps.has(k));
  }
  return o;
}

const paths = {};
for (const [method, p] of ops) {
  const item = spec.paths[p];
  if (!item || !item[method]) throw new Error(`${method.toUpperCase()} ${p} is not in ${specFile}`);
  paths[p] = paths[p] || {};
  if (item.parameters) paths[p].parameters = strip(item.parameters, false);
  paths[p][method] = strip(item[method], false);
}
const subset = {
  openapi: spec.openapi,
  info: {
    title: "GitHub REST API: the operations ddlbot uses",
    version: spec.info.version,
    "x-source": `npm package @octokit/openapi@${oaPkg.version}, ${specFile}`,
    "x-generated-by": "scripts/vendor-github-testdata.sh (descriptions and examples removed)",
  },
  servers: spec.servers,
  paths,
};
const text = JSON.stringify(subset, null, 1);
if (text.includes('"$ref"')) throw new Error("the subset still holds a $ref");
fs.writeFileSync(path.join(out, "openapi-subset.json"), text + "\n");

// ---------------------------------------------------------------- webhooks
const whPkg = JSON.parse(fs.readFileSync(path.join(tmp, "webhooks/package/package.json"), "utf8"));
const events = JSON.parse(fs.readFileSync(path.join(tmp, "webhooks/package/api.github.com/index.json"), "utf8"));
const examplesOf = (name) => {
  const e = events.find((e) => e.name === name);
  if (!e) throw new Error(`no ${name} event in @octokit/webhooks-examples`);
  return e.examples;
};

// Variants: the first example without an organization (a repository owned by
// a user, as most Actions runs see it), and ".org" the first with an
// organization (preferring one that also names an App installation).
const isFork = (x) => !!(x.pull_request && x.pull_request.head && x.pull_request.head.repo && x.pull_request.base &&
  x.pull_request.base.repo && x.pull_request.head.repo.full_name !== x.pull_request.base.repo.full_name);
const variants = [
  ["", (x) => !x.organization],
  ["org", (x) => !!x.organization && !!x.installation],
  ["org", (x) => !!x.organization],
];
const wanted = [
  ["pull_request", ["opened", "synchronize", "closed", "reopened", "ready_for_review"]],
  ["issue_comment", ["created", "edited", "deleted"]],
];
const written = [];
const notes = [];
for (const [event, actions] of wanted) {
  const examples = examplesOf(event);
  for (const action of actions) {
    const done = new Set();
    for (const [variant, pred] of variants) {
      if (done.has(variant)) continue;
      const i = examples.findIndex((x) => x.action === action && pred(x));
      if (i < 0) continue;
      done.add(variant);
      const name = [event, action, variant].filter(Boolean).join(".") + ".json";
      fs.writeFileSync(path.join(out, "webhooks", name), JSON.stringify(examples[i], null, 2) + "\n");
      written.push({ name, event, action, index: i });
    }
    if (done.size === 0) throw new Error(`no ${event}.${action} example`);
  }
}
// Events without an action (workflow_dispatch: `ddlbot action` refreshes the
// deployments in progress): the first example, as <event>.json.
for (const event of ["workflow_dispatch"]) {
  const examples = examplesOf(event);
  if (examples.length === 0) throw new Error(`no ${event} example`);
  const name = `${event}.json`;
  fs.writeFileSync(path.join(out, "webhooks", name), JSON.stringify(examples[0], null, 2) + "\n");
  written.push({ name, event, action: "", index: 0 });
}
// A pull request from a fork, if any example has one.
const prs = examplesOf("pull_request");
const fi = prs.findIndex(isFork);
if (fi >= 0) {
  const name = `pull_request.${prs[fi].action}.fork.json`;
  fs.writeFileSync(path.join(out, "webhooks", name), JSON.stringify(prs[fi], null, 2) + "\n");
  written.push({ name, event: "pull_request", action: prs[fi].action, index: fi });
} else {
  notes.push("No pull_request example comes from a fork (head.repo equals base.repo in all of them): " +
    "adapt one with githubfake.AdaptWebhook (pull_request.head.repo.full_name, pull_request.head.repo.fork, ...).");
}
if (!prs.some((x) => x.action === "closed" && x.pull_request.merged)) {
  notes.push("No pull_request.closed example is merged: set pull_request.merged (true) and pull_request.merged_at " +
    "with githubfake.AdaptWebhook for the merged case.");
}
const comments = examplesOf("issue_comment");
if (!comments.some((x) => x.issue && x.issue.pull_request)) {
  notes.push("No issue_comment example is on a pull request (none has issue.pull_request): set issue.pull_request " +
    "(an object with url, html_url, diff_url, patch_url) with githubfake.AdaptWebhook.");
}

// ---------------------------------------------------------------- README
const lines = [
  "# GitHub test data",
  "",
  "Generated by `scripts/vendor-github-testdata.sh`; do not edit by hand, run the script again.",
  "",
  `- \`openapi-subset.json\`: from the npm package \`@octokit/openapi@${oaPkg.version}\` (GitHub's official REST`,
  `  description), \`${specFile}\`: only the ${ops.length} operations ddlbot calls, every \`$ref\` resolved,`,
  "  descriptions and examples removed. `internal/githubfake` checks every request against it.",
  `- \`webhooks/\`: real payloads from the npm package \`@octokit/webhooks-examples@${whPkg.version}\``,
  "  (`api.github.com/index.json`), unchanged. `<event>.<action>.json` is a repository owned by a user,",
  "  `<event>.<action>.org.json` one owned by an organization (with an App installation where an example has one).",
  "",
  "| file | event | action | example index |",
  "|---|---|---|---|",
  ...written.map((w) => `| webhooks/${w.name} | ${w.event} | ${w.action} | ${w.index} |`),
  "",
];
if (notes.length) {
  lines.push("Gaps in the examples:", "", ...notes.map((n) => `- ${n}`), "");
}
fs.writeFileSync(path.join(out, "README.md"), lines.join("\n"));
fs.writeFileSync(path.join(out, "versions.txt"),
  `@octokit/openapi@${oaPkg.version}\n@octokit/webhooks-examples@${whPkg.version}\n` + notes.map((n) => `note: ${n}\n`).join(""));
EOF

# Replace the vendored files with the new ones (stale payloads removed).
rm -f "$dest"/webhooks/*.json
cp "$out"/webhooks/*.json "$dest/webhooks/"
cp "$out/openapi-subset.json" "$out/README.md" "$dest/"

echo "wrote (from $(head -2 "$out/versions.txt" | paste -sd' ' -)):"
(cd "$root" && for f in testdata/github/openapi-subset.json testdata/github/README.md testdata/github/webhooks/*.json; do
  printf '  %-60s %8d bytes\n' "$f" "$(wc -c <"$f")"
done)
grep '^note: ' "$out/versions.txt" | sed 's/^note: /note: /' || true
