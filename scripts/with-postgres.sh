#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL 15 + PostGIS 3 cluster on a private Unix socket,
# and stops and removes the cluster afterwards, also when the command fails or is interrupted.
# The command sees GEOCTL_TEST_PG=postgresql:///geoctl_test?host=SOCKDIR&user=postgres.
# When PostgreSQL/PostGIS is not installed (and `make deps-test` could not install it), the
# command runs without GEOCTL_TEST_PG and the PostgreSQL tests say loudly that they skip.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  echo "*** PostgreSQL 15 with PostGIS 3 is not installed: the PostgreSQL store tests will SKIP ***" >&2
  exec "$@"
fi
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then RUN_AS=(runuser -u postgres --); fi
# In /tmp, not $TMPDIR: the server runs as user postgres, which must reach the folder (a
# private TMPDIR is not open to it), and a socket path must stay under 108 bytes.
DIR=$(mktemp -d /tmp/geoctl-pg.XXXXXX)
chmod 755 "$DIR"
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
stop() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM
"${RUN_AS[@]}" "$PGBIN/initdb" -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D "$DIR/data" >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
# fsync off: a test cluster that is thrown away needs no durability, and tests run faster.
# GEOCTL_PG_DURABLE=1 (the benchmarks) keeps PostgreSQL's defaults.
FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ -n "${GEOCTL_PG_DURABLE:-}" ] && FAST=""
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-k $DIR -c listen_addresses='' $FAST -c max_connections=60" start >/dev/null \
  || { cat "$DIR/server.log" >&2; exit 1; }
"$PGBIN/createdb" -h "$DIR" -U postgres geoctl_test
"$PGBIN/psql" -h "$DIR" -U postgres -d geoctl_test -qc "CREATE EXTENSION postgis" >/dev/null
export GEOCTL_TEST_PG="postgresql:///geoctl_test?host=$DIR&user=postgres"
export GEOCTL_TEST_PG_SOCKET="$DIR"
"$@"
