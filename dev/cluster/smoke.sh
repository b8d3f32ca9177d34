#!/usr/bin/env bash
# End-to-end check of a running local cluster (start it with `cluster.sh up`):
#   - the fake node is Ready
#   - a 3-replica Deployment becomes available (controller-manager, scheduler
#     and kwok all at work)
#   - deleting its namespace removes it (namespace controller, GC)
#   - the viewer can read but gets 403 Forbidden on create
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

namespace_gone() {
  "${admin[@]}" delete namespace "$ns" --wait=false >/dev/null &&
    "${admin[@]}" wait --for=delete "namespace/$ns" --timeout=60s >/dev/null
}

check "fake node Ready" node_ready
check "deployment with 3 replicas available" deploy
check "3 pods Running" pods_on_fake_node
check "viewer can read" viewer_reads
check "viewer create is Forbidden" viewer_forbidden
check "namespace deleted" namespace_gone

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
