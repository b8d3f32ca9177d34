#!/usr/bin/env bash
# A Git server on loopback for tests (issue 24: GitOps delivery through Flux):
# Git's smart HTTP protocol (`git http-backend` behind git-http.mjs, a small
# Node server) with HTTP basic authentication. The password is generated at
# every `start` and written only to the state dir (mode 0600).
#
#   bash dev/git/git-server.sh start         start (new credentials), wait until it answers
#   bash dev/git/git-server.sh stop          stop by PID
#   bash dev/git/git-server.sh status        exit 0 iff running
#   bash dev/git/git-server.sh create NAME   a bare repository NAME.git (idempotent); prints its URL
#   bash dev/git/git-server.sh url [NAME]    the server's (or NAME's) URL, without credentials
#   bash dev/git/git-server.sh credentials   "user password" of the running server
#
# Environment (defaults in brackets):
#   STAGECRAFT_GIT_PORT [17418]   STAGECRAFT_GIT_STATE [dev/git/state]
#   STAGECRAFT_GIT_USER [stagecraft-test]
#   GIT_HTTP_BACKEND [$(git --exec-path)/git-http-backend]  NODE [node from PATH]
# State dir: repos/ (bare repositories), credentials, git-server.pid, git-server.log.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
state=${STAGECRAFT_GIT_STATE:-$here/state}
[[ "$state" == /* ]] || state=$PWD/$state
port=${STAGECRAFT_GIT_PORT:-17418}
user=${STAGECRAFT_GIT_USER:-stagecraft-test}
repos=$state/repos
pidfile=$state/git-server.pid
logfile=$state/git-server.log
node=${NODE:-$(command -v node || true)}
backend=${GIT_HTTP_BACKEND:-$(git --exec-path)/git-http-backend}

log() { printf '[git-server] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Running = the PID file's process is alive and is our server (guards against
# a reused PID).
is_running() {
  local pid; pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ -n "$pid" ]] && grep -qF "$here/git-http.mjs" "/proc/$pid/cmdline" 2>/dev/null
}

url() { echo "http://127.0.0.1:$(cat "$state/port" 2>/dev/null || echo "$port")/${1:+$1.git}"; }

cmd_start() {
  if is_running; then log "already running (pid $(cat "$pidfile")) at $(url)"; return 0; fi
  [[ -x "$node" ]] || die "node not found (source scripts/toolchain.sh, or set NODE)"
  [[ -x "$backend" ]] || die "git-http-backend not found at $backend (set GIT_HTTP_BACKEND)"
  port_open "$port" && die "port $port on 127.0.0.1 is already in use (STAGECRAFT_GIT_PORT)"
  mkdir -p "$repos"
  (umask 077 && echo "$user:$(openssl rand -hex 24)" >"$state/credentials")
  echo "$port" >"$state/port"
  rm -f "$pidfile"
  printf '\n==== %s starting\n' "$(date -u +%FT%TZ)" >>"$logfile"
  # shellcheck disable=SC2016  # $$/$0/$@ expand in the child shell
  GIT_PROJECT_ROOT=$repos GIT_SERVER_PORT=$port GIT_SERVER_CREDENTIALS=$state/credentials \
    GIT_HTTP_BACKEND=$backend setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" \
    "$node" "$here/git-http.mjs" </dev/null >>"$logfile" 2>&1 &
  local deadline=$((SECONDS + 15))
  until [[ -s "$pidfile" ]] && port_open "$port"; do
    if [[ -s "$pidfile" ]] && ! is_running; then tail -n 20 "$logfile" >&2; die "the server exited"; fi
    ((SECONDS < deadline)) || { cmd_stop; die "timed out waiting for port $port"; }
    sleep 0.1
  done
  log "started (pid $(cat "$pidfile")) at $(url); credentials in $state/credentials"
}

cmd_stop() {
  if is_running; then
    local pid; pid=$(cat "$pidfile")
    kill -TERM "$pid"
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "stopped (pid $pid)"
  fi
  rm -f "$pidfile" "$state/credentials"
}

cmd_create() {
  local name=${1:-}
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "usage: $0 create NAME (letters, digits, . _ -)"
  mkdir -p "$repos"
  [[ -d "$repos/$name.git" ]] || git init --quiet --bare --initial-branch=main "$repos/$name.git"
  url "$name"
}

cmd_credentials() {
  is_running || die "not running"
  tr ':' ' ' <"$state/credentials"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if is_running; then echo "running (pid $(cat "$pidfile")) at $(url)"; else echo stopped; exit 1; fi ;;
  create) cmd_create "${2:-}" ;;
  url) url "${2:-}" ;;
  credentials) cmd_credentials ;;
  *) echo "usage: $0 start|stop|status|create NAME|url [NAME]|credentials" >&2; exit 2 ;;
esac
