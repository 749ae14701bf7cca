#!/usr/bin/env bash
# Regenerates internal/lint/testdata/sarif-schema-2.1.0.json, the official
# OASIS SARIF 2.1.0 JSON schema (draft-07) that the SARIF output is validated
# against in internal/lint/format_test.go.
#
# The schema comes, byte for byte, from an npm package that ships it as a file:
# @datadog/datadog-ci-plugin-sarif (Apache-2.0), which validates uploads
# against it. npm fetches it from whatever registry npm is configured to use.
#
# Usage: scripts/vendor-sarif-schema.sh [npm-package-spec]
set -euo pipefail

pkg="${1:-@datadog/datadog-ci-plugin-sarif@5.1.0}"
inner="package/dist/json-schema/sarif-schema-2.1.0.json"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/internal/lint/testdata/sarif-schema-2.1.0.json"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

tarball="$(cd "$tmp" && npm pack --silent "$pkg" | tail -n 1)"
tar -xzf "$tmp/$tarball" -C "$tmp" "$inner"

# Refuse anything that is not the draft-07 SARIF 2.1.0 schema.
node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (s["$schema"] !== "http://json-schema.org/draft-07/schema#" || !/Version 2\.1\.0 JSON Schema/.test(s.title || "")) {
  console.error("unexpected schema: " + s["$schema"] + " / " + s.title);
  process.exit(1);
}' "$tmp/$inner"

mkdir -p "$(dirname "$dest")"
cp "$tmp/$inner" "$dest"
echo "wrote ${dest#"$root"/} from $pkg"
