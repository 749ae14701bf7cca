#!/usr/bin/env bash
# Runs every test on a fresh machine: installs unzip when missing, starts
# (installing if needed) the MariaDB server the fidelity tests use, then
# `go test ./...`.
# Usage: scripts/test.sh [go test flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

# The install tests unpack a .zip as the action does on Windows runners.
bash .ci/packages.sh unzip || echo "WARNING: unzip could not be installed: TestReleaseAndActionInstall will fail" >&2

if [ -z "${DDLBOT_TEST_MYSQL_DSN:-}" ]; then
  # The script's last line is `export DDLBOT_TEST_MYSQL_DSN=...`.
  if dsn_line=$(bash .ci/mariadb.sh | tail -n 1) && [ -n "$dsn_line" ]; then
    eval "$dsn_line"
  else
    echo "WARNING: no MariaDB server could be started: the tests that need one (fidelity, DDL over MySQL) will say they are skipped" >&2
  fi
fi
if [ -n "${DDLBOT_TEST_MYSQL_DSN:-}" ]; then
  export DDLBOT_TEST_MYSQL_DSN
  echo "fidelity tests use ${DDLBOT_TEST_MYSQL_DSN%%@*}@... (password hidden)" | sed 's/:[^:@]*@/:***@/'
fi
go test -count=1 "$@" ./...
