#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests.
#
# Sourced by test.sh:   source packaging/postgres-test-server.sh && start_test_postgres
# It installs Debian's `postgresql` package when missing (as root), creates a private
# cluster in a temporary directory, reachable only through a unix socket inside that
# directory (no TCP port, so no clash with a server already running on the machine),
# creates the database `station_test`, exports
#   STATION_TEST_POSTGRES_URL=postgresql+psycopg://postgres@/station_test?host=<dir>
# and installs an EXIT trap that stops the server and removes the directory, whether
# the tests pass, fail or are interrupted.
#
# Environment:
#   STATION_TEST_POSTGRES_URL  already set: that server is used, nothing is started.
#   STATION_TEST_POSTGRES=skip run the storage tests on SQLite only.
#
# Run directly (`bash packaging/postgres-test-server.sh`) to start a server, print its
# URL and keep it until Enter is pressed, e.g. to run pytest against it by hand.

_pg_say() { printf '[station-app postgres] %s\n' "$*" >&2; }

_pg_bindir() {
    # Debian keeps the server programs out of PATH, one directory per major version.
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null \
        | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

_pg_install() {
    # Returns non-zero (after saying why) when the server programs cannot be had.
    if ! command -v apt-get >/dev/null 2>&1; then
        _pg_say "PostgreSQL server programs (initdb, pg_ctl) not found and this is not a"
        _pg_say "Debian/Ubuntu system: install the PostgreSQL server to run the PostgreSQL tests."
        return 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        _pg_say "PostgreSQL server not installed and not running as root; to run the storage"
        _pg_say "tests on PostgreSQL too, install it as root:  apt-get install postgresql"
        return 1
    fi
    # As root an install failure stops the test command (like setup-env.sh does) rather
    # than quietly dropping the PostgreSQL runs; `exit` because `if` callers disable set -e.
    _pg_say "installing system package: postgresql"
    apt-get update -qq || { _pg_say "apt-get update failed"; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
        >/dev/null || { _pg_say "apt-get install postgresql failed"; exit 1; }
}

_pg_stop() {
    local dir="${STATION_PG_DIR:-}"
    [ -n "$dir" ] || return 0
    STATION_PG_DIR=""
    if [ -f "$dir/data/postmaster.pid" ]; then
        # immediate: nothing in a throwaway cluster is worth a checkpoint
        _pg_as_owner "$dir" "$STATION_PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop \
            >/dev/null 2>&1 || _pg_say "could not stop the server in $dir (see $dir/server.log)"
    fi
    rm -rf "$dir"
}

_pg_as_owner() {
    # Run a server program as the cluster's owner: PostgreSQL refuses to run as root.
    local dir="$1"; shift
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$dir" && runuser -u "$STATION_PG_USER" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

start_test_postgres() {
    if [ -n "${STATION_TEST_POSTGRES_URL:-}" ]; then
        _pg_say "using the PostgreSQL server given in STATION_TEST_POSTGRES_URL"
        return 0
    fi
    if [ "${STATION_TEST_POSTGRES:-}" = skip ]; then
        _pg_say "NOTE: STATION_TEST_POSTGRES=skip: storage tests run on SQLite only"
        return 0
    fi
    local started_ms
    started_ms=$(date +%s%3N)
    STATION_PG_BIN=$(_pg_bindir)
    if [ -z "$STATION_PG_BIN" ]; then
        if ! _pg_install; then
            _pg_say "NOTE: storage tests run on SQLite only; their PostgreSQL runs are SKIPPED"
            return 0
        fi
        STATION_PG_BIN=$(_pg_bindir)
        [ -n "$STATION_PG_BIN" ] || { _pg_say "postgresql installed but initdb not found"; return 1; }
    fi

    STATION_PG_USER=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        if id postgres >/dev/null 2>&1; then STATION_PG_USER=postgres; else STATION_PG_USER=nobody; fi
    fi
    # Short path: a unix socket path must stay under ~100 bytes.
    STATION_PG_DIR=$(mktemp -d /tmp/station-pg.XXXXXX)
    trap _pg_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    [ "$(id -u)" -ne 0 ] || chown "$STATION_PG_USER" "$STATION_PG_DIR"
    chmod 700 "$STATION_PG_DIR"

    local dir="$STATION_PG_DIR" log="$STATION_PG_DIR/server.log"
    if ! _pg_as_owner "$dir" "$STATION_PG_BIN/initdb" -D "$dir/data" -U postgres \
        --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
        _pg_say "initdb failed:"; tail -n 20 "$dir/initdb.log" >&2
        return 1
    fi
    # listen_addresses='': no TCP at all; the socket lives in the private 0700 directory.
    # fsync etc. off: the cluster is deleted afterwards, durability buys nothing.
    local opts="-c listen_addresses='' -c unix_socket_directories='$dir' -c port=5432"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # A session time zone far from UTC, so a timestamp that loses its zone shows up.
    opts+=" -c max_connections=50 -c timezone=Asia/Seoul"
    if ! _pg_as_owner "$dir" "$STATION_PG_BIN/pg_ctl" -D "$dir/data" -l "$log" -o "$opts" \
        -w -t 60 start >/dev/null 2>&1; then
        _pg_say "the PostgreSQL test server did not start:"; tail -n 20 "$log" >&2
        return 1
    fi
    if ! _pg_as_owner "$dir" "$STATION_PG_BIN/psql" -h "$dir" -p 5432 -U postgres -d postgres \
        -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE station_test" >>"$log" 2>&1; then
        _pg_say "cannot create the test database:"; tail -n 20 "$log" >&2
        return 1
    fi
    export STATION_TEST_POSTGRES_URL="postgresql+psycopg://postgres@/station_test?host=$dir&port=5432"
    _pg_say "throwaway PostgreSQL $("$STATION_PG_BIN/postgres" -V | awk '{print $3}') in $dir" \
        "(started in $(( $(date +%s%3N) - started_ms )) ms; removed on exit)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    start_test_postgres
    echo "STATION_TEST_POSTGRES_URL=${STATION_TEST_POSTGRES_URL:-}"
    read -r -p "press Enter to stop the server " _ || true
fi
