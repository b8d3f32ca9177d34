# shellcheck shell=bash
# The check runner of the smoke scripts (smoke.sh, flux-smoke.sh): one
# "ok"/"FAIL" line per check with its time, and a summary.
passed=0 failed=0
check() { # description command...
  local what=$1; shift
  local start=$SECONDS
  if "$@"; then
    echo "ok   $what ($((SECONDS - start))s)"; passed=$((passed + 1))
  else
    echo "FAIL $what ($((SECONDS - start))s)"; failed=$((failed + 1))
  fi
}
# "N passed, N failed"; fails if any check did
summary() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
