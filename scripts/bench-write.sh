#!/usr/bin/env bash
# `yarn bench:write`: the write path of Stagecraft (plugins/stagecraft-backend/
# src/write.bench.test.ts) on SQLite and on PostgreSQL, against a control plane
# of its own (other ports, state under .artifacts/bench-write/; the shared
# dev/cluster instance is never touched) with kube-controller-manager and kwok
# running, so rollouts really complete. Starts a throwaway PostgreSQL on
# loopback when none runs; stops, by PID, what it started. Prints the report
# (also written to .artifacts/bench/write-<date>.json).
#
#   yarn bench:write
#   BENCH_WRITE_DATABASES=sqlite BENCH_WRITE_LOAD_DEPLOYS=200 yarn bench:write
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
source scripts/toolchain.sh >/dev/null
export CI=true

work=$root/.artifacts/bench-write
mkdir -p "$work"
export STAGECRAFT_CLUSTER_STATE=$work/state
export STAGECRAFT_CLUSTER_LOGS=$work/logs
export STAGECRAFT_APISERVER_PORT=${STAGECRAFT_BW_APISERVER_PORT:-28443}
export STAGECRAFT_ETCD_PORT=${STAGECRAFT_BW_ETCD_PORT:-28379}
export STAGECRAFT_ETCD_PEER_PORT=${STAGECRAFT_BW_ETCD_PEER_PORT:-28380}
export STAGECRAFT_KCM_PORT=${STAGECRAFT_BW_KCM_PORT:-30257}
export STAGECRAFT_SCHEDULER_PORT=${STAGECRAFT_BW_SCHEDULER_PORT:-30259}
export STAGECRAFT_KWOK_PORT=${STAGECRAFT_BW_KWOK_PORT:-30247}
export STAGECRAFT_METRICS_SERVER_PORT=${STAGECRAFT_BW_METRICS_SERVER_PORT:-30250}

started_pg=0
started_cluster=0
cleanup() {
  if [ "$started_cluster" = 1 ]; then bash dev/cluster/cluster.sh down >>"$work/cluster.log" 2>&1; fi
  if [ "$started_pg" = 1 ]; then bash scripts/postgres.sh stop; fi
}
trap cleanup EXIT

case ${BENCH_WRITE_DATABASES:-sqlite,postgres} in
*postgres*)
  if ! bash scripts/postgres.sh status >/dev/null 2>&1; then
    bash scripts/postgres.sh start >"$work/postgres.log" 2>&1 || { tail -20 "$work/postgres.log"; exit 1; }
    started_pg=1
  fi
  BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=$(bash scripts/postgres.sh url)
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  ;;
esac

if ! bash dev/cluster/cluster.sh status >/dev/null 2>&1; then
  echo "bench:write: starting a control plane of its own on :$STAGECRAFT_APISERVER_PORT"
  bash dev/cluster/cluster.sh up >"$work/cluster.log" 2>&1 || { tail -20 "$work/cluster.log"; exit 1; }
  started_cluster=1
fi

STAGECRAFT_BENCH=1 yarn backstage-cli repo test --runInBand --forceExit \
  --testPathPatterns 'write\.bench\.test\.' 2>&1 | tee "$work/bench.log" |
  grep -E '^(PASS|FAIL)|✓|✕' || true
grep -A6 '●' "$work/bench.log" | grep -v '^\s*$' | head -60
sed -n '/^    BENCH write report/,/^$/p;/^BENCH write report/,/^$/p' "$work/bench.log" | head -200
