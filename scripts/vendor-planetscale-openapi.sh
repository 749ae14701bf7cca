#!/usr/bin/env bash
# Regenerates internal/pscontract/testdata/openapi/: the excerpts of
# PlanetScale's OpenAPI description (one docs page per operation, its YAML
# flattened onto one line) for the operations ddlbot uses. internal/pscontract
# embeds them and checks our client's types and localscale's responses
# against them, so CI never reads the shared reference folder.
#
# Usage: scripts/vendor-planetscale-openapi.sh [source-dir]
#   source-dir defaults to ../shared/reference/planetscale-api, relative to
#   the repository root. Every file is copied byte for byte; a missing file, or
#   one without its operationId, is an error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:-../shared/reference/planetscale-api}"
case "$src" in
/*) ;;
*) src="$root/$src" ;;
esac
dest="$root/internal/pscontract/testdata/openapi"

# The operations ddlbot calls, named as PlanetScale's operationIds.
ops=(
  create_branch
  create_password
  create_deploy_request
  cancel_deploy_request
  close_deploy_request
  complete_gated_deploy_request
  complete_revert
  complete_errored_deploy
  create_webhook
  create_database
  create_backup
)

[ -d "$src" ] || { echo "no such directory: $src" >&2; exit 1; }
src="$(cd "$src" && pwd)"
for op in "${ops[@]}"; do
  f="$src/$op.txt"
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
  grep -q "operationId: $op " "$f" || { echo "$f: operationId $op not found" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for op in "${ops[@]}"; do
  cp "$src/$op.txt" "$tmp/$op.txt"
done
mkdir -p "$dest"
rm -f "$dest"/*.txt
cp "$tmp"/*.txt "$dest/"
echo "wrote ${#ops[@]} excerpts to ${dest#"$root"/} from $src"
