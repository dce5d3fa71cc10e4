#!/usr/bin/env bash
# Starts (once per machine boot) the throwaway PostgreSQL server the tests
# use and prints its admin connection string. Debian's PostgreSQL package;
# the cluster lives in $BOXOFFICE_PG_DIR (default /tmp/boxoffice-pg) and
# listens on 127.0.0.1:$BOXOFFICE_PG_PORT (default 55432) only.
#
# It is a test server: fsync is off (its data is thrown away). The load
# test (`make load`) starts its own durable one with BOXOFFICE_PG_DURABLE=1.
set -euo pipefail
dir=${BOXOFFICE_PG_DIR:-/tmp/boxoffice-pg}
port=${BOXOFFICE_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
    echo "error: PostgreSQL is not installed (apt-get install postgresql; make deps does)" >&2
    exit 1
fi
url="postgres://postgres@127.0.0.1:$port/postgres"
# initdb and the server refuse to run as root: as root, run them as postgres.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

exec 9>"${dir%/}.lock"
flock 9
if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    echo "$url"
    exit 0
fi
if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --no-sync >/dev/null
fi
durability="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
[ "${BOXOFFICE_PG_DURABLE:-0}" = 1 ] && durability=""
as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 $durability" \
    start >/dev/null 2>&1 9>&- </dev/null
echo "$url"
