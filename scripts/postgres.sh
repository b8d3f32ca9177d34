#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the tests (never the machine's
# own cluster): Debian's `postgresql` is installed when no server binaries are
# found, a data directory is made under /tmp (see dir=), the server listens
# on 127.0.0.1:${STAGECRAFT_PG_PORT:-5433} only and is stopped by its PID.
#
#   bash scripts/postgres.sh start   install if needed, initdb if needed, start
#   bash scripts/postgres.sh stop    stop the server this script started (by PID)
#   bash scripts/postgres.sh url     print the connection string
#   bash scripts/postgres.sh status  exit 0 when the server it started runs
#
# Connection: user postgres, password stagecraft ($STAGECRAFT_PG_PASSWORD when
# set; a test-only secret on a loopback-only server whose data is wiped by
# every `start`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${STAGECRAFT_PG_PORT:-5433}
# outside the checkout: the unprivileged postgres user must reach it, and a
# checkout may sit in a directory only its owner can enter (mktemp -d)
dir=${STAGECRAFT_PG_DIR:-/tmp/stagecraft-postgres-$(id -u)-$(printf '%s' "$root" | md5sum | cut -c1-8)}
data=$dir/data
pidfile=$dir/postgres.pid
password=${STAGECRAFT_PG_PASSWORD:-stagecraft}

log() { printf '[postgres] %s\n' "$*" >&2; }

bindir() {
  local d
  d=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/postgres" ] && echo "$d"
}

# Runs a command as the unprivileged `postgres` user when we are root
# (PostgreSQL refuses to run as root), as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_installed() {
  bindir >/dev/null && return 0
  log "installing Debian's postgresql (server binaries not found)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  # the package's own cluster (5432) is not used; ours runs from .artifacts
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
  bindir >/dev/null || {
    log "error: postgresql installed but no server binaries found"
    exit 1
  }
}

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

cmd_url() {
  echo "postgresql://postgres:$password@127.0.0.1:$port"
}

cmd_start() {
  if running; then
    log "already running (pid $(cat "$pidfile"), port $port)"
    return 0
  fi
  ensure_installed
  local bin
  bin=$(bindir)
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "error: port $port on 127.0.0.1 is in use (set STAGECRAFT_PG_PORT)"
    exit 1
  fi
  rm -rf "$data"
  mkdir -p "$dir"
  chmod 755 "$dir"
  # the postgres user needs to reach the data dir (the repo is root's)
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  echo "$password" >"$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=scram-sha-256 \
    --pwfile="$dir/pwfile" -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    tail -20 "$dir/initdb.log" >&2
    exit 1
  }
  rm -f "$dir/pwfile"
  # loopback only, throwaway data: no fsync; enough connections for two
  # backend replicas plus the load test's pools
  as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    start >/dev/null || {
    tail -20 "$dir/server.log" >&2
    exit 1
  }
  head -1 "$data/postmaster.pid" >"$pidfile"
  log "started (pid $(cat "$pidfile")) on 127.0.0.1:$port, data $data"
}

cmd_stop() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true # fast shutdown
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  fi
  rm -f "$pidfile"
  rm -rf "$data"
}

case "${1:-}" in
status) running ;;
start) cmd_start ;;
stop) cmd_stop ;;
url) cmd_url ;;
*)
  echo "usage: $0 start|stop|status|url" >&2
  exit 2
  ;;
esac
