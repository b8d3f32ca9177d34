#!/usr/bin/env bash
# README's start command (`make start`): toolchain, install, a cluster, then
# Backstage (app on :3000, backend on :7007, SQLite in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
source scripts/lib.sh

yarn install --immutable
cluster_env
if [ "$STAGECRAFT_STARTED_CLUSTER" = 1 ]; then
  # stop the control plane we started when Backstage stops
  trap 'bash dev/cluster/cluster.sh down >&2' EXIT
fi
echo "stagecraft: starting Backstage — app http://localhost:3000, backend http://localhost:7007" >&2
yarn start
