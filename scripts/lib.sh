# shellcheck shell=bash
# Helpers shared by scripts/start.sh and scripts/test.sh.

# wait_http URL SECONDS: waits until URL answers 2xx.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$url"; do
    ((SECONDS < deadline)) || return 1
    sleep 2
  done
}

# stop_group PIDFILE: TERM the process group started with setsid, KILL after 20 s.
stop_group() {
  local pidfile=$1 pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# ensure_chromium: Debian's Chromium for the browser test (root on CI machines).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "stagecraft: installing Debian's chromium for the browser test" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  # waits for the package lock should another install (PostgreSQL) hold it
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
}

# cluster_env: picks the cluster Backstage talks to and exports STAGECRAFT_CLUSTER_*.
# Uses $KUBECONFIG when it is set and reachable with a token user; otherwise the
# local control plane of dev/cluster (brought up here when it is not running).
# Sets STAGECRAFT_STARTED_CLUSTER=1 when this call started the local cluster.
cluster_env() {
  STAGECRAFT_STARTED_CLUSTER=0
  if [ -n "${KUBECONFIG:-}" ]; then
    local exports
    if exports=$(node scripts/kubeconfig-env.mjs "$KUBECONFIG"); then
      eval "$exports"
      echo "stagecraft: using the cluster of KUBECONFIG ($STAGECRAFT_CLUSTER_URL)" >&2
      return 0
    fi
    echo "stagecraft: KUBECONFIG is set but not usable (see above); using the local control plane" >&2
  fi
  if ! bash dev/cluster/cluster.sh status >/dev/null 2>&1; then
    local rc=0
    # with Flux's source- and kustomize-controller: the demo's GitOps
    # environment type (STAGECRAFT_FLUX=0 leaves them out)
    STAGECRAFT_FLUX=${STAGECRAFT_FLUX:-1} bash dev/cluster/cluster.sh up >&2 || rc=$?
    if [ "$rc" = 3 ]; then
      echo "stagecraft: Go is not installed, so the local Kubernetes control plane cannot be built." >&2
      echo "stagecraft: Backstage starts anyway; /api/stagecraft/health will report the cluster unreachable." >&2
      return 0
    elif [ "$rc" != 0 ]; then
      echo "stagecraft: the local control plane did not start (logs in dev/cluster/logs)" >&2
      return "$rc"
    fi
    STAGECRAFT_STARTED_CLUSTER=1
  fi
  export STAGECRAFT_CLUSTER_URL="https://127.0.0.1:${STAGECRAFT_APISERVER_PORT:-6443}"
  export STAGECRAFT_CLUSTER_CA_FILE="$PWD/dev/cluster/state/pki/ca.crt"
  STAGECRAFT_CLUSTER_TOKEN=$(awk -F, '$2 == "stagecraft" { print $1; exit }' dev/cluster/state/pki/tokens.csv)
  export STAGECRAFT_CLUSTER_TOKEN
}

# git_env: the loopback Git server of the GitOps demo and tests
# (dev/git/git-server.sh), started when it is not running, with the demo's
# repository; exports STAGECRAFT_GIT_USER/PASSWORD (app-config.yaml's
# integrations.gitea). Sets STAGECRAFT_STARTED_GIT=1 when this call started it.
git_env() {
  STAGECRAFT_STARTED_GIT=0
  if ! bash dev/git/git-server.sh status >/dev/null 2>&1; then
    bash dev/git/git-server.sh start >&2 || return 1
    STAGECRAFT_STARTED_GIT=1
  fi
  bash dev/git/git-server.sh create stagecraft-demo >/dev/null
  read -r STAGECRAFT_GIT_USER STAGECRAFT_GIT_PASSWORD < <(bash dev/git/git-server.sh credentials)
  export STAGECRAFT_GIT_USER STAGECRAFT_GIT_PASSWORD
}

# wait_catalog_environments SECONDS: waits until the catalog has ingested the
# example Environments (a guest token; the catalog API needs one).
wait_catalog_environments() {
  local deadline=$((SECONDS + $1)) token count
  while ((SECONDS < deadline)); do
    token=$(curl -sf -H 'X-Requested-With: XMLHttpRequest' \
      'http://localhost:7007/api/auth/guest/refresh?env=development' |
      node -e 'try{console.log(JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token)}catch{}')
    if [ -n "$token" ]; then
      count=$(curl -sf -H "Authorization: Bearer $token" \
        'http://localhost:7007/api/catalog/entities?filter=kind=environment&fields=metadata.name' |
        node -e 'try{console.log(JSON.parse(require("fs").readFileSync(0)).length)}catch{console.log(0)}')
      [ "${count:-0}" -ge 3 ] && return 0
    fi
    sleep 2
  done
  return 1
}
