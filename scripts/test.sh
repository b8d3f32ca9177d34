#!/usr/bin/env bash
# README's test command (`make test`): type check, lint, unit tests, the
# integration suite against the local Kubernetes control plane, and the browser
# test against a running Backstage. Everything it starts it stops by PID.
# Ends with one line "N passed, N failed" computed from the real results.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/toolchain.sh
source scripts/lib.sh
export CI=true # Jest: no watch mode

out=$root/.artifacts/test
rm -rf "$out"
mkdir -p "$out"
checks=$out/checks.txt
: >"$checks"

step() { printf '\n=== %s\n' "$*"; }
check() { # name command...: a check that passes or fails as a whole
  local name=$1
  shift
  if "$@" >"$out/$name.log" 2>&1; then
    echo "pass $name" >>"$checks"
    echo "ok: $name"
  else
    echo "fail $name" >>"$checks"
    echo "FAILED: $name (last lines of $out/$name.log)"
    tail -40 "$out/$name.log"
  fi
}
jest_run() { # name pattern-args...: a Jest run whose tests are counted one by one
  local name=$1
  shift
  yarn backstage-cli repo test --json --outputFile="$out/$name.json" "$@" 2>&1 |
    tee "$out/$name.log" | grep -E '^(PASS|FAIL)|✕|●.*›' || true
}

cleanup() {
  stop_group "$out/backstage.pid"
  stop_group "$out/cluster-build.pid"
  if [ "${STAGECRAFT_STARTED_GIT:-0}" = 1 ]; then bash dev/git/git-server.sh stop >/dev/null 2>&1; fi
  if [ "${started_cluster:-0}" = 1 ]; then bash dev/cluster/cluster.sh down >/dev/null 2>&1; fi
  if [ "${started_pg:-0}" = 1 ]; then bash scripts/postgres.sh stop >/dev/null 2>&1; fi
}
trap cleanup EXIT

step "install"
if ! yarn install --immutable >"$out/install.log" 2>&1; then
  tail -40 "$out/install.log"
  echo "0 passed, 1 failed"
  exit 1
fi

# The control plane's binaries (on a cold machine ~25 min of Go module
# downloads and compiling, Flux included) build in the background, niced,
# while the type check, lint and unit tests run: those are mostly one core
# busy, so the two overlap instead of adding up. The control-plane step
# waits for it; a warm cache makes it a no-op of a second.
setsid nice -n 10 env STAGECRAFT_FLUX=1 bash dev/cluster/cluster.sh build >"$out/cluster-build.log" 2>&1 &
echo $! >"$out/cluster-build.pid"

step "type check and lint"
check typecheck yarn tsc
check lint yarn backstage-cli repo lint
# the API report of each plugin package (report.api.md) is up to date: a
# change to a public API shows in review (`yarn api-reports` rewrites them)
check api-reports yarn api-reports:check

# a throwaway PostgreSQL on loopback (installed when absent): the store,
# migration and audit tests run on it as well as on SQLite, and so does the
# reliability suite
step "PostgreSQL (loopback, throwaway)"
started_pg=0
if bash scripts/postgres.sh start >"$out/postgres.log" 2>&1; then
  started_pg=1
  BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=$(bash scripts/postgres.sh url)
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  export STAGECRAFT_REQUIRE_POSTGRES=1
  echo "ok: PostgreSQL on 127.0.0.1:${STAGECRAFT_PG_PORT:-5433}"
else
  echo "fail postgres-start" >>"$checks"
  tail -20 "$out/postgres.log"
fi

# Debian's Chromium for the browser test installs in the background as well
# (a no-op when present; on a new machine a download of a few minutes)
ensure_chromium >"$out/chromium-install.log" 2>&1 &
chromium_pid=$!

step "unit tests"
jest_run unit --testPathIgnorePatterns '\.(integration|e2e|reliability|bench)\.test\.'

step "local Kubernetes control plane"
started_cluster=0
cluster_started_at=$SECONDS
if ! wait "$(cat "$out/cluster-build.pid")"; then
  # `up` below builds again and reports the failure in its own log
  echo "the background build of the control plane failed (last lines of $out/cluster-build.log):"
  tail -20 "$out/cluster-build.log"
fi
rm -f "$out/cluster-build.pid"
echo "control plane binaries ready $((SECONDS - cluster_started_at)) s after the unit tests"
if bash dev/cluster/cluster.sh status >/dev/null 2>&1; then
  echo "reusing the running control plane"
elif STAGECRAFT_FLUX=1 bash dev/cluster/cluster.sh up >"$out/cluster-up.log" 2>&1; then
  started_cluster=1
  echo "control plane up in $((SECONDS - cluster_started_at)) s"
else
  echo "fail control-plane-up" >>"$checks"
  tail -40 "$out/cluster-up.log"
fi

# one file at a time: the suites share one cluster (and 2 cores). --forceExit:
# informer sockets of the test backends outlive them (see the note on issue 5)
step "integration tests (real control plane)"
# the loopback Git server GitOps delivery commits to (Flux fetches from it)
git_env >"$out/git-server.log" 2>&1 || { echo "fail git-server-start" >>"$checks"; tail -20 "$out/git-server.log"; }
if bash dev/cluster/cluster.sh status >/dev/null 2>&1; then
  STAGECRAFT_CLUSTER_STATE=$root/dev/cluster/state jest_run integration --runInBand --forceExit --testPathPatterns '\.integration\.test\.'
  # the security suite's counts (inputs tried, refused, cluster changes)
  [ -f "$out/security-summary.txt" ] && cat "$out/security-summary.txt"
else
  echo "fail integration-tests-not-run" >>"$checks"
fi

# faults, PostgreSQL and load on a control plane of its own (its API server
# is stopped and restarted); prints faults injected, operations attempted,
# lost and converge times (scripts/reliability.sh, also `yarn test:reliability`)
step "reliability suite (faults, PostgreSQL, load)"
bash scripts/reliability.sh "$out" 2>&1 | tee "$out/reliability-summary.log" | grep -vE '^\s*$' || true

step "browser test (Chromium against the running app)"
if wait "$chromium_pid" || ensure_chromium; then
  cluster_env >/dev/null
  setsid yarn start >"$out/backstage.log" 2>&1 &
  echo $! >"$out/backstage.pid"
  if wait_http http://localhost:7007/api/stagecraft/health 300 && wait_http http://localhost:3000 300 &&
    wait_catalog_environments 300; then
    # the living demo of `make start` (scripts/demo-seed.mjs), then the
    # README's walk-through against it, then the browser tests
    check demo-seed node scripts/demo-seed.mjs --strict --timeout 300
    node scripts/readme-walkthrough.mjs README.md "$checks" >"$out/readme-walkthrough.log" 2>&1 ||
      { echo "FAILED: README walk-through (last lines of $out/readme-walkthrough.log)"; tail -30 "$out/readme-walkthrough.log"; }
    grep '^walkthrough: ' "$out/readme-walkthrough.log" || true
    # one suite at a time: the suites share the living demo's environments
    # and components, and two of them changing one row at once made either
    # see the other's state (a rollback target, a disabled button enabled)
    jest_run e2e --testPathPatterns '\.e2e\.test\.' --runInBand
  else
    echo "fail backstage-start" >>"$checks"
    tail -40 "$out/backstage.log"
  fi
  stop_group "$out/backstage.pid"
else
  echo "fail chromium-install" >>"$checks"
fi

# Stagecraft from its packed tarballs in fresh @backstage/create-app apps (new
# frontend system and --legacy), wired with the READMEs' install snippets, on a
# control plane and ports of its own; one check per step (scripts/foreign-app.sh;
# the create-app output and its Yarn cache stay in ~/.cache/stagecraft/foreign-app)
step "foreign apps (create-app + packed tarballs + README snippets)"
bash scripts/foreign-app.sh >"$out/foreign-app.log" 2>&1
grep -E '^(ok|FAILED): |^  browser |^foreign-app: [0-9]+ s' "$out/foreign-app.log" || true
sed -n 's/^foreign-app \(pass\|fail\): \(.*\)$/\1 foreign-app-\2/p' "$out/foreign-app.log" >>"$checks"
grep -qE '^foreign-app (pass|fail): ' "$out/foreign-app.log" || echo "fail foreign-app" >>"$checks"

cleanup
trap - EXIT
step "summary"
[ -f "$out/security-summary.txt" ] && cat "$out/security-summary.txt"
reports=("$out/unit.json")
[ -f "$out/integration.json" ] && reports+=("$out/integration.json")
[ -f "$out/e2e.json" ] && reports+=("$out/e2e.json")
reports+=("$out/reliability.json") # missing = counted as a failure
[ -f "$out/reliability-summary.log" ] && sed -n '/^reliability results/,$p' "$out/reliability-summary.log"
node scripts/summarize.mjs "$checks" "${reports[@]}"
