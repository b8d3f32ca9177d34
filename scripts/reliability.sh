#!/usr/bin/env bash
# The reliability suite (`yarn test:reliability`; scripts/test.sh runs it as
# one of its steps): faults, PostgreSQL, load. It brings up what it needs and
# stops, by PID, what it started:
#   - a throwaway PostgreSQL on 127.0.0.1:5433 (scripts/postgres.sh), reused
#     when scripts/test.sh already started it;
#   - a control plane of its own (dev/cluster/cluster.sh with its own ports and
#     state under .artifacts/reliability/), because the fault tests stop and
#     restart its kube-apiserver: the shared dev/cluster instance is never
#     touched.
# Then it runs the *.reliability.test.ts suites one file at a time and prints
# the faults injected, operations attempted, lost (= 0) and converge times.
#
#   bash scripts/reliability.sh [OUT_DIR]   (default .artifacts/reliability)
# Writes OUT_DIR/reliability.json (Jest report, counted by summarize.mjs) and
# OUT_DIR/reliability-results.jsonl (one line per scenario).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
source scripts/toolchain.sh >/dev/null
export CI=true

out=${1:-$root/.artifacts/reliability}
mkdir -p "$out"
work=$root/.artifacts/reliability-cluster
results=$out/reliability-results.jsonl
: >"$results"

export STAGECRAFT_CLUSTER_STATE=$work/state
export STAGECRAFT_CLUSTER_LOGS=$work/logs
export STAGECRAFT_APISERVER_PORT=${STAGECRAFT_REL_APISERVER_PORT:-16443}
export STAGECRAFT_ETCD_PORT=${STAGECRAFT_REL_ETCD_PORT:-12379}
export STAGECRAFT_ETCD_PEER_PORT=${STAGECRAFT_REL_ETCD_PEER_PORT:-12380}
export STAGECRAFT_KCM_PORT=${STAGECRAFT_REL_KCM_PORT:-20257}
export STAGECRAFT_SCHEDULER_PORT=${STAGECRAFT_REL_SCHEDULER_PORT:-20259}
export STAGECRAFT_KWOK_PORT=${STAGECRAFT_REL_KWOK_PORT:-20247}

started_pg=0
started_cluster=0
cleanup() {
  if [ "$started_cluster" = 1 ]; then
    bash dev/cluster/cluster.sh down >>"$out/reliability-cluster.log" 2>&1
  fi
  if [ "$started_pg" = 1 ]; then bash scripts/postgres.sh stop; fi
}
trap cleanup EXIT

fail_run() { # writes a Jest-shaped report with one failure, so the summary counts it
  echo "reliability: $1" >&2
  printf '{"numPassedTests":0,"numFailedTests":1,"numRuntimeErrorTestSuites":0,"message":"%s"}\n' "$1" >"$out/reliability.json"
  exit 1
}

if ! bash scripts/postgres.sh status; then
  bash scripts/postgres.sh start || fail_run "PostgreSQL did not start"
  started_pg=1
fi
BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=$(bash scripts/postgres.sh url)
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
export STAGECRAFT_REQUIRE_POSTGRES=1

echo "reliability: starting a control plane of its own on :$STAGECRAFT_APISERVER_PORT"
if bash dev/cluster/cluster.sh status >/dev/null 2>&1; then
  echo "reliability: reusing the running reliability control plane"
elif bash dev/cluster/cluster.sh up >"$out/reliability-cluster.log" 2>&1; then
  started_cluster=1
else
  started_cluster=1
  tail -20 "$out/reliability-cluster.log"
  fail_run "the reliability control plane did not start"
fi

export STAGECRAFT_RELIABILITY_RESULTS=$results STAGECRAFT_RELIABILITY=1
# one file at a time (2 cores, one control plane); --forceExit as for the
# integration suites (informer sockets outlive the test backends)
yarn backstage-cli repo test --runInBand --forceExit --json \
  --outputFile="$out/reliability.json" \
  --testPathPatterns '\.reliability\.test\.' 2>&1 |
  tee "$out/reliability.log" | grep -E '^(PASS|FAIL)|✓|✕|●.*›|^reliability:' || true

node - "$results" <<'EOF'
const fs = require('node:fs');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
let faults = 0, attempted = 0, lost = 0, completed = 0, failed = 0;
const converge = [];
console.log('\nreliability results');
for (const r of lines) {
  faults += r.faults; attempted += r.attempted; lost += r.lost;
  completed += r.completed; failed += r.failed;
  if (typeof r.convergeMs === 'number') converge.push(r.convergeMs);
  console.log(`  ${r.scenario}: faults ${r.faults}, attempted ${r.attempted}, completed ${r.completed}, reported failed ${r.failed}, lost ${r.lost}` +
    (typeof r.convergeMs === 'number' ? `, converged in ${(r.convergeMs / 1000).toFixed(2)} s` : '') +
    (r.notes ? ` (${r.notes})` : ''));
}
console.log(`faults injected: ${faults}`);
console.log(`operations attempted: ${attempted} (completed ${completed}, reported failed ${failed})`);
console.log(`lost = ${lost}`);
console.log(`converge time: ${converge.length ? `max ${(Math.max(...converge) / 1000).toFixed(2)} s over ${converge.length} measurements` : 'not measured'}`);
EOF
