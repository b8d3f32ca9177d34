# shellcheck shell=bash
# Sourced by scripts/readme-walkthrough.mjs: the README's commands run with
# this curl, which fails on any answer outside 2xx unless the line announced
# it (WALK_EXPECT, from a trailing "# expect NNN"), and reads a live stream
# (curl -N) for a few seconds.
set -uo pipefail
# (the README's blocks run under set -e: every failure here is a return code)
curl() {
  local body code rc stream=0 arg
  for arg in "$@"; do [ "$arg" = -N ] && stream=1; done
  body=$(mktemp)
  if [ "$stream" = 1 ]; then
    rc=0
    code=$(command curl -sS --max-time 4 -o "$body" -w '%{http_code}' "$@" 2>/dev/null) || rc=$?
    [ "$rc" = 28 ] && rc=0 # a live stream ends by our time limit
  else
    rc=0
    code=$(command curl -sS --max-time 120 -o "$body" -w '%{http_code}' "$@") || rc=$?
  fi
  cat "$body"
  echo
  rm -f "$body"
  if [ "$rc" != 0 ]; then
    echo "walkthrough: curl failed ($rc): $*" >&2
    return "$rc"
  fi
  if [ -n "${WALK_EXPECT:-}" ]; then
    [ "$code" = "$WALK_EXPECT" ] && return 0
    echo "walkthrough: expected HTTP $WALK_EXPECT, got $code: $*" >&2
    return 22
  fi
  case "$code" in 2??) return 0 ;; esac
  echo "walkthrough: HTTP $code (not announced with '# expect $code'): $*" >&2
  return 22
}
__block() { printf '\n__WALKTHROUGH_BLOCK__ %s\n' "$1"; }
__done() { printf '\n__WALKTHROUGH_DONE__ %s\n' "$1"; }
