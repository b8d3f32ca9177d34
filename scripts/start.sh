#!/usr/bin/env bash
# README's start command (`make start`): toolchain, install, a cluster, then
# Backstage (app on :3000, backend on :7007, SQLite in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
source scripts/lib.sh

yarn install --immutable
cluster_env
git_env || echo "stagecraft: the loopback Git server did not start; the GitOps demo environment will not be created" >&2
demo_pid=
cleanup() {
  [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null
  if [ "${STAGECRAFT_STARTED_GIT:-0}" = 1 ]; then bash dev/git/git-server.sh stop >&2; fi
  # stop the control plane we started when Backstage stops
  if [ "$STAGECRAFT_STARTED_CLUSTER" = 1 ]; then bash dev/cluster/cluster.sh down >&2; fi
}
trap cleanup EXIT
# the living demo (README): seeded through Stagecraft's API once the backend
# answers; it never holds Backstage up, and gives up quietly without a cluster
if [ "${STAGECRAFT_DEMO:-1}" != 0 ]; then
  node scripts/demo-seed.mjs --timeout 900 >&2 &
  demo_pid=$!
fi
echo "stagecraft: starting Backstage — app http://localhost:3000, backend http://localhost:7007" >&2
yarn start
