#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suites (a CTest fixture; see tests/CMakeLists.txt).
#   pgserver.sh start STATE_DIR   initdb in a fresh temporary folder, start on 127.0.0.1 at a free
#                                 port, write STATE_DIR/conninfo ("host=… port=… user=strata")
#   pgserver.sh stop STATE_DIR    stop it and remove its folder
# As root the server runs as the unprivileged user `postgres` (PostgreSQL refuses to run as root).
# The superuser `strata` is trusted on 127.0.0.1; every other role must give its password
# (scram-sha-256), which is how the tests check that passwords reach the server.
set -euo pipefail

action=${1:?usage: pgserver.sh start|stop STATE_DIR}
state=${2:?usage: pgserver.sh start|stop STATE_DIR}

bindir=""
for v in 17 16 15; do
  if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then bindir="/usr/lib/postgresql/$v/bin"; break; fi
done
if [ -z "$bindir" ]; then
  echo "pgserver: PostgreSQL server binaries not found (Debian package 'postgresql'; run scripts/setup.sh deps)" >&2
  exit 1
fi

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$state/datadir" ] || return 0
  local data
  data=$(cat "$state/datadir")
  if [ -d "$data" ]; then
    as_server_user "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$(dirname "$data")"
  fi
  rm -f "$state/datadir" "$state/conninfo"
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "pgserver: no free port found" >&2
  return 1
}

case "$action" in
  start)
    stop
    mkdir -p "$state"
    root=$(mktemp -d /tmp/strata-pgtest.XXXXXX)
    chmod 755 "$root"
    data="$root/data"
    mkdir "$data"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$root" "$data"; fi
    echo "$data" > "$state/datadir"
    as_server_user "$bindir/initdb" -D "$data" -U strata -A trust -E UTF8 --locale=C.UTF-8 \
      >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; exit 1; }
    cat > "$data/pg_hba.conf" <<HBA
local all strata trust
host  all strata 127.0.0.1/32 trust
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
HBA
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if as_server_user "$bindir/pg_ctl" -D "$data" -w -t 60 -l "$root/server.log" \
           -o "-c listen_addresses=127.0.0.1 -p $port -k $root -c fsync=off -c max_connections=200" \
           start >/dev/null; then
        echo "host=127.0.0.1 port=$port user=strata dbname=postgres" > "$state/conninfo"
        echo "pgserver: PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port ($data)"
        exit 0
      fi
      echo "pgserver: start on port $port failed (attempt $attempt)" >&2
    done
    cat "$root/server.log" >&2
    exit 1
    ;;
  stop) stop; echo "pgserver: stopped" ;;
  *) echo "usage: pgserver.sh start|stop STATE_DIR" >&2; exit 2 ;;
esac
