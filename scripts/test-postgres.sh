#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (CI and developers).
#
#   scripts/test-postgres.sh start [DIR]   install PostgreSQL if missing, start a server in DIR
#                                          (default /tmp/rahnuma-test-pg), print its URL
#   scripts/test-postgres.sh url   [DIR]   print the URL of the server running in DIR
#   scripts/test-postgres.sh stop  [DIR]   stop it and delete DIR
#
# Then: RAHNUMA_TEST_DATABASE_URL=$(scripts/test-postgres.sh url) make test
#
# The server listens on 127.0.0.1 only, on a free port, with trust authentication (no password):
# it holds nothing but test databases and is deleted by `stop`. Durability is switched off
# (fsync=off) because the data is thrown away. PostgreSQL refuses to run as root, so as root
# (CI) the server runs as the `postgres` user that Debian's package creates.
# Measured (benchmarks/results/postgres.md): start 2-3 s, stop 0.2 s; on a fresh Debian 12
# (debootstrap minbase + python3, as root) installing and starting took 19 s.
set -euo pipefail

cmd=${1:-}
dir=${2:-/tmp/rahnuma-test-pg}

log() { echo "test-postgres: $*" >&2; }

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_bindir() {
    # Debian keeps the server programs out of PATH, one folder per major version: take the newest.
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

install_postgres() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL is not installed; install it (Debian/Ubuntu: sudo apt-get install postgresql)"
        return 1
    fi
    log "installing PostgreSQL from Debian's packages (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null  # errors still show
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Only ever delete a folder this script made: missing, empty, or holding a test server.
ours() {
    [ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || [ -f "$dir/data/PG_VERSION" ] || [ -f "$dir/initdb.log" ] || {
        log "$dir is not a test server's folder: refusing to delete it (choose a new folder)"
        return 1
    }
}

url_of() {
    [ -f "$dir/port" ] || { log "no server in $dir (run: $0 start $dir)"; return 1; }
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
}

start() {
    local bindir port
    if [ -f "$dir/port" ] && as_server_user "$(find_bindir)/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
        log "already running in $dir"
        url_of
        return 0
    fi
    bindir=$(find_bindir) || { install_postgres && bindir=$(find_bindir); } || {
        log "no initdb found after installing"
        return 1
    }
    ours || return 1
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_server_user test -w "$dir" || {
        log "the postgres user cannot write to $dir (a parent folder is private?): choose one under /tmp"
        return 1
    }
    as_server_user "$bindir/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    # Trust only the loopback address and the private socket folder (mode 700): nothing else.
    printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 trust" |
        as_server_user tee "$dir/data/pg_hba.conf" >/dev/null
    for attempt in 1 2 3; do  # another program may take the free port before the server does
        port=$(free_port)
        if as_server_user "$bindir/pg_ctl" start --pgdata="$dir/data" --log="$dir/server.log" \
            --wait --timeout=60 --silent -o "-c listen_addresses=127.0.0.1 -c port=$port \
            -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=200"; then
            break
        fi
        if [ "$attempt" -eq 3 ]; then
            cat "$dir/server.log" >&2
            return 1
        fi
    done
    echo "$port" >"$dir/port"
    log "PostgreSQL $("$bindir/postgres" --version | awk "{print \$3}") running in $dir on 127.0.0.1:$port"
    url_of
}

stop() {
    local bindir
    ours || return 1
    if [ -d "$dir/data" ] && bindir=$(find_bindir); then
        as_server_user "$bindir/pg_ctl" stop --pgdata="$dir/data" --mode=fast --wait --silent || true
    fi
    rm -rf "$dir"
    log "stopped and removed $dir"
}

case "$cmd" in
    start) start ;;
    url) url_of ;;
    stop) stop ;;
    *) echo "usage: $0 start|url|stop [DIR]" >&2; exit 2 ;;
esac
