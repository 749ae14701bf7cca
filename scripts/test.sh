#!/usr/bin/env bash
# Runs every test on a fresh machine: starts (installing if needed) the MariaDB
# server the fidelity tests use, then `go test ./...`.
# Usage: scripts/test.sh [go test flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DDLBOT_TEST_MYSQL_DSN:-}" ]; then
  # The script's last line is `export DDLBOT_TEST_MYSQL_DSN=...`.
  dsn_line=$(bash .ci/mariadb.sh | tail -n 1)
  eval "$dsn_line"
fi
export DDLBOT_TEST_MYSQL_DSN
echo "fidelity tests use ${DDLBOT_TEST_MYSQL_DSN%%@*}@... (password hidden)" | sed 's/:[^:@]*@/:***@/'
go test -count=1 "$@" ./...
