#!/usr/bin/env bash
# .ci/packages.sh CMD...: install the Debian packages of the same names when
# a command is missing (apt-get; the package index is refreshed only when
# the first try fails). release.sh needs zip, the install tests unzip.
set -euo pipefail
missing=()
for cmd in "$@"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
[ ${#missing[@]} -eq 0 ] && exit 0
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
