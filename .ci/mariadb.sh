#!/usr/bin/env bash
# .ci/mariadb.sh: start a MariaDB server for ddlbot's fidelity tests.
#
# Installs mariadb-server when it is missing (Debian/Ubuntu, apt-get), starts
# the server as a background daemon without systemd (mariadbd-safe), waits
# until it answers, and makes sure the test database and user exist:
#
#   database ddlbot_fidelity
#   user     ddlbot@127.0.0.1 and ddlbot@localhost, password "ddlbot",
#            all privileges on the databases matching `ddlbot\_%`
#
# It is idempotent: when the server already answers it only (re)creates the
# database, the user and the grants.
#
# Progress goes to stderr; stdout gets exactly one line, the DSN to export, so
#
#   eval "$(.ci/mariadb.sh)"                                    # a shell
#   .ci/mariadb.sh | sed 's/^export //' >> "$GITHUB_ENV"          # GitHub Actions
#   go test ./schemadiff/ -run Fidelity -v
#
# Run it as root (or as a user that can sudo). Settings, all optional:
#   DDLBOT_MARIADB_DATADIR  data directory       (default /var/lib/mysql)
#   DDLBOT_MARIADB_SOCKET   unix socket          (default /run/mysqld/mysqld.sock)
#   DDLBOT_MARIADB_PORT     TCP port on 127.0.0.1 (default 3306)
#   DDLBOT_MARIADB_WAIT     seconds to wait for the server to answer (default 60)
set -euo pipefail

DATADIR=${DDLBOT_MARIADB_DATADIR:-/var/lib/mysql}
SOCKET=${DDLBOT_MARIADB_SOCKET:-/run/mysqld/mysqld.sock}
PORT=${DDLBOT_MARIADB_PORT:-3306}
WAIT=${DDLBOT_MARIADB_WAIT:-60}
LOG=${DATADIR%/}/ddlbot-mariadb.err
PIDFILE=${DATADIR%/}/ddlbot-mariadb.pid

log() { printf '%s\n' "mariadb.sh: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "run as root (or install sudo): installing and starting a server needs it"
	SUDO=(sudo -n)
fi
as_root() { "${SUDO[@]}" "$@"; }

# 1. Install the server when it is missing.
server_bin() { command -v mariadbd 2>/dev/null || command -v mysqld 2>/dev/null || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; } || true; }
if [ -z "$(server_bin)" ] || ! command -v mariadb-admin >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || die "mariadb-server is not installed and apt-get is not available: install it yourself"
	log "installing mariadb-server"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mariadb-server mariadb-client >&2
fi
export PATH="$PATH:/usr/sbin:/usr/bin"
[ -n "$(server_bin)" ] || die "no mariadbd binary after installing mariadb-server"

# admin runs a client command as MariaDB's root over the unix socket (the
# root account authenticates the operating system's root through unix_socket).
admin() { as_root mariadb-admin --no-defaults --socket="$SOCKET" --user=root "$@"; }
sql() { as_root mariadb --no-defaults --socket="$SOCKET" --user=root --batch --skip-column-names -e "$1"; }
alive_socket() { admin --connect-timeout=2 ping >/dev/null 2>&1; }
alive_tcp() { mariadb-admin --no-defaults --protocol=tcp --host=127.0.0.1 --port="$PORT" --connect-timeout=2 ping >/dev/null 2>&1; }

# 2. Start the server unless one already answers.
if alive_socket; then
	log "a server already answers on $SOCKET"
elif alive_tcp; then
	# Some other server owns the port (one we did not start, or with another
	# socket): we cannot administer it, but it may already have our user.
	if mariadb-admin --no-defaults --protocol=tcp --host=127.0.0.1 --port="$PORT" --user=ddlbot --password=ddlbot ping >/dev/null 2>&1 &&
		mariadb --no-defaults --protocol=tcp --host=127.0.0.1 --port="$PORT" --user=ddlbot --password=ddlbot -e 'CREATE DATABASE IF NOT EXISTS ddlbot_fidelity' >/dev/null 2>&1; then
		log "a server already answers on 127.0.0.1:$PORT and accepts the ddlbot user"
		echo "export DDLBOT_TEST_MYSQL_DSN='ddlbot:ddlbot@tcp(127.0.0.1:${PORT})/'"
		exit 0
	fi
	die "another server answers on 127.0.0.1:$PORT but not on $SOCKET, and it has no ddlbot user: stop it or set DDLBOT_MARIADB_PORT / DDLBOT_MARIADB_SOCKET"
else
	as_root mkdir -p "$DATADIR" "$(dirname "$SOCKET")"
	as_root chown mysql:mysql "$DATADIR" "$(dirname "$SOCKET")" 2>/dev/null || true
	if [ ! -d "$DATADIR/mysql" ]; then
		log "initialising $DATADIR"
		as_root mariadb-install-db --no-defaults --user=mysql --datadir="$DATADIR" \
			--auth-root-authentication-method=socket --skip-test-db >&2 ||
			die "mariadb-install-db failed"
	fi
	# A server killed hard (as a session's processes are when it stops) leaves
	# its pid file, and maybe a zombie behind it; mariadbd-safe then refuses to
	# start ("A mysqld process already exists"). Nothing answers here, so
	# whatever the pid file names is not a usable server: clear it.
	if as_root test -f "$PIDFILE"; then
		oldpid=$(as_root cat "$PIDFILE" 2>/dev/null || true)
		oldstate=$(ps -o stat= -p "${oldpid:-0}" 2>/dev/null | tr -d ' ' || true)
		case "$oldstate" in
		"" | Z*)
			log "removing the stale pid file $PIDFILE (pid ${oldpid:-?} is gone)"
			as_root rm -f "$PIDFILE" "$SOCKET" "$SOCKET.lock"
			;;
		*)
			log "pid ${oldpid} from $PIDFILE is alive but does not answer; stopping it"
			as_root kill "$oldpid" 2>/dev/null || true
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				ps -p "$oldpid" >/dev/null 2>&1 || break
				sleep 1
			done
			as_root kill -9 "$oldpid" 2>/dev/null || true
			as_root rm -f "$PIDFILE" "$SOCKET" "$SOCKET.lock"
			;;
		esac
	fi
	log "starting mariadbd (datadir $DATADIR, socket $SOCKET, 127.0.0.1:$PORT, log $LOG)"
	# --no-defaults: the server's configuration is this command line, whatever
	# /etc/mysql says. utf8mb4 is what MySQL 8 and PlanetScale default to.
	# setsid -f: the daemon gets its own session and this script does not wait
	# for it (nor keeps a pipe open for a caller's "$(...)").
	as_root setsid -f mariadbd-safe --no-defaults --user=mysql --datadir="$DATADIR" \
		--socket="$SOCKET" --port="$PORT" --bind-address=127.0.0.1 --skip-name-resolve \
		--pid-file="$PIDFILE" --log-error="$LOG" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		</dev/null >/dev/null 2>&1
	deadline=$((SECONDS + WAIT))
	until alive_socket; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			log "the server did not answer within ${WAIT}s; its log ($LOG):"
			as_root tail -n 60 "$LOG" >&2 2>/dev/null || log "(no log)"
			exit 1
		fi
		sleep 1
	done
	log "server up after $((SECONDS + WAIT - deadline))s"
fi

# 3. The database, the user and the grants (all idempotent).
sql "
CREATE DATABASE IF NOT EXISTS ddlbot_fidelity CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'ddlbot'@'127.0.0.1' IDENTIFIED BY 'ddlbot';
CREATE USER IF NOT EXISTS 'ddlbot'@'localhost' IDENTIFIED BY 'ddlbot';
ALTER USER 'ddlbot'@'127.0.0.1' IDENTIFIED BY 'ddlbot';
ALTER USER 'ddlbot'@'localhost' IDENTIFIED BY 'ddlbot';
GRANT ALL PRIVILEGES ON \`ddlbot\\_%\`.* TO 'ddlbot'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`ddlbot\\_%\`.* TO 'ddlbot'@'localhost';
" || die "could not create the ddlbot database and user"

# Check what the tests will do: log in over TCP as ddlbot.
mariadb --no-defaults --protocol=tcp --host=127.0.0.1 --port="$PORT" --user=ddlbot --password=ddlbot \
	-e 'SELECT 1 FROM DUAL' ddlbot_fidelity >/dev/null ||
	die "the ddlbot user cannot log in over 127.0.0.1:$PORT"
log "ready: $(sql 'SELECT VERSION()')"
echo "export DDLBOT_TEST_MYSQL_DSN='ddlbot:ddlbot@tcp(127.0.0.1:${PORT})/'"
