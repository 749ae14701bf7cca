#!/usr/bin/env bash
# The `ddlbot serve` soak (issue 10): pull requests opened and deployed
# through two replicas on one MariaDB store, about 10 % of GitHub's and
# PlanetScale's answers failing (5xx, 429), a fifth of the deliveries sent
# twice, one replica killed (SIGKILL) and started again midway. Loopback
# only; bounded by DDLBOT_SOAK_TIMEOUT. It prints PRs right / deploy requests
# deployed exactly once / jobs lost, and fails unless they are all / all / 0.
#
# Usage: scripts/soak.sh [PRS]     (default 200)
# Settings: DDLBOT_SOAK_TIMEOUT (default 10m), DDLBOT_SOAK_SEED (default 1),
#           DDLBOT_SOAK_LOGS (a folder for the replicas' logs).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DDLBOT_TEST_MYSQL_DSN:-}" ]; then
  dsn_line=$(bash .ci/mariadb.sh | tail -n 1)
  eval "$dsn_line"
fi
export DDLBOT_TEST_MYSQL_DSN DDLBOT_SOAK=1 DDLBOT_SOAK_PRS="${1:-200}"
go test ./cmd/ddlbot/ -run '^TestServeSoak$' -count=1 -v -timeout 30m 2>&1 |
  grep -E '^(--- |ok |FAIL|PASS)|serve_soak_e2e_test.go|^        ' | grep -v '^=== '
exit "${PIPESTATUS[0]}"
