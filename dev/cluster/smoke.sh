#!/usr/bin/env bash
# End-to-end check of a running local cluster (start it with `cluster.sh up`):
#   - the fake node is Ready
#   - a 3-replica Deployment becomes available (controller-manager, scheduler
#     and kwok all at work)
#   - deleting its namespace removes it (namespace controller, GC)
#   - the viewer can read but gets 403 Forbidden on create
#   - pod logs through the apiserver (kwok's Logs object): logs, --previous, -f
# Prints "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"
state=${STAGECRAFT_CLUSTER_STATE:-$here/state}
kubectl=${STAGECRAFT_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stagecraft/cluster}/bin/k8s-$KUBERNETES_VERSION/kubectl
admin=("$kubectl" --kubeconfig "$state/admin.kubeconfig")
viewer=("$kubectl" --kubeconfig "$state/viewer.kubeconfig")
ns=stagecraft-smoke-$$

# shellcheck source-path=SCRIPTDIR source=checks.sh
source "$here/checks.sh"

node_ready() { "${admin[@]}" wait --for=condition=Ready node -l type=kwok --timeout=30s >/dev/null; }

deploy() {
  "${admin[@]}" create namespace "$ns" >/dev/null &&
    "${admin[@]}" -n "$ns" create deployment smoke --image=busybox --replicas=3 -- sleep 3600 >/dev/null &&
    "${admin[@]}" -n "$ns" wait --for=jsonpath='{.status.availableReplicas}'=3 deployment/smoke --timeout=60s >/dev/null
}

pods_on_fake_node() {
  local n
  n=$("${admin[@]}" -n "$ns" get pods --field-selector=status.phase=Running -o name | wc -l)
  [[ "$n" -eq 3 ]]
}

viewer_reads() { "${viewer[@]}" -n "$ns" get deployment smoke >/dev/null; }

viewer_forbidden() {
  local out
  # -v=6 logs each request with its HTTP status ("... 403 Forbidden in N ms").
  if out=$("${viewer[@]}" -v=6 -n "$ns" create configmap smoke --from-literal=a=b 2>&1); then
    echo "  viewer create unexpectedly succeeded"; return 1
  fi
  grep -q '403 Forbidden' <<<"$out" || { echo "  unexpected error: $out"; return 1; }
}

# kwok serves a pod's logs from files named by a Logs object (CRI format)
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
cri() { printf '%s stdout F %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$1"; }
until_grep() { # file pattern: waits up to 10 s for the pattern in the file
  local i; for ((i = 0; i < 100; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "  no '$2' in: $(cat "$1" 2>/dev/null)"; return 1
}
pod_logs() {
  local pod
  pod=$("${admin[@]}" -n "$ns" get pods -o jsonpath='{.items[0].metadata.name}') || return 1
  cri "first line" >"$logdir/now.log" && cri "earlier container" >"$logdir/previous.log"
  "${admin[@]}" apply -f - >/dev/null <<LOGS || return 1
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Logs
metadata: {name: $pod, namespace: $ns}
spec:
  logs:
  - logsFile: $logdir/now.log
    previousLogsFile: $logdir/previous.log
    follow: true
LOGS
  local i out
  for ((i = 0; i < 50; i++)); do
    out=$("${admin[@]}" -n "$ns" logs "$pod" 2>&1) && [[ "$out" == "first line" ]] && break
    sleep 0.2
  done
  [[ "$out" == "first line" ]] || { echo "  logs: $out"; return 1; }
  out=$("${admin[@]}" -n "$ns" logs --previous "$pod" 2>&1)
  [[ "$out" == "earlier container" ]] || { echo "  logs --previous: $out"; return 1; }
  "${admin[@]}" -n "$ns" logs -f --tail=1 "$pod" >"$logdir/follow.out" 2>&1 &
  local follower=$!
  until_grep "$logdir/follow.out" "first line" && cri "appended line" >>"$logdir/now.log" &&
    until_grep "$logdir/follow.out" "appended line"
  local rc=$?
  kill "$follower" 2>/dev/null; wait "$follower" 2>/dev/null || true
  return "$rc"
}

namespace_gone() {
  "${admin[@]}" delete namespace "$ns" --wait=false >/dev/null &&
    "${admin[@]}" wait --for=delete "namespace/$ns" --timeout=60s >/dev/null
}

check "fake node Ready" node_ready
check "deployment with 3 replicas available" deploy
check "3 pods Running" pods_on_fake_node
check "viewer can read" viewer_reads
check "viewer create is Forbidden" viewer_forbidden
check "pod logs through the apiserver: logs, --previous, -f" pod_logs
check "namespace deleted" namespace_gone

summary
