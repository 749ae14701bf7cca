#!/usr/bin/env bash
# Runs every test on a fresh machine: installs unzip when missing, starts
# (installing if needed) the MariaDB server the fidelity tests use, then
# `go test ./...`. It fails when no server can be started.
# Usage: scripts/test.sh [go test flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

# The install tests unpack a .zip as the action does on Windows runners.
bash .ci/packages.sh unzip || echo "WARNING: unzip could not be installed: TestReleaseAndActionInstall will fail" >&2

# The fidelity tests and the DDL tests over MySQL need a server: without one
# they would skip and the run would pass having checked none of it, so no
# server is a failure here. (`go test` by hand, without the variable, skips
# them; with it set, internal/mysqltest fails when the server does not answer.)
if [ -z "${DDLBOT_TEST_MYSQL_DSN:-}" ]; then
  # The script's last line is `export DDLBOT_TEST_MYSQL_DSN=...`.
  if dsn_line=$(bash .ci/mariadb.sh | tail -n 1) && [ -n "$dsn_line" ]; then
    eval "$dsn_line"
  fi
fi
if [ -z "${DDLBOT_TEST_MYSQL_DSN:-}" ]; then
  cat >&2 <<'MSG'
scripts/test.sh: error: no MariaDB server could be started (.ci/mariadb.sh failed; its messages are above).
The fidelity tests and the DDL tests over MySQL need one. Either
  - install the Debian/Ubuntu package mariadb-server (and mariadb-client), as root
    or with passwordless sudo, and run scripts/test.sh again: .ci/mariadb.sh starts it; or
  - start a MySQL-compatible server yourself and set
    DDLBOT_TEST_MYSQL_DSN='user:password@tcp(127.0.0.1:3306)/' (all privileges on ddlbot\_% databases).
MSG
  exit 1
fi
export DDLBOT_TEST_MYSQL_DSN
echo "fidelity tests use ${DDLBOT_TEST_MYSQL_DSN%%@*}@... (password hidden)" | sed 's/:[^:@]*@/:***@/'
go test -count=1 "$@" ./...
