#!/usr/bin/env bash
# End-to-end check of Flux on the local control plane against the loopback Git
# server (issue 24). Start both first, with the same environment:
#   STAGECRAFT_FLUX=1 bash dev/cluster/cluster.sh up
#   bash dev/git/git-server.sh start
#   bash dev/cluster/flux-smoke.sh
# What it checks:
#   - a commit (ConfigMap + kustomization.yaml) pushed over smart HTTP with
#     basic auth is fetched by source-controller (GitRepository with the
#     credentials Secret) and applied by kustomize-controller (Kustomization
#     with targetNamespace and prune) as the namespace's ServiceAccount
#   - a pushed change is applied within the GitRepository's interval, and one
#     with a reconcile request at once; a file removed from Git is pruned
#   - it applies as the ServiceAccount (refused without its RoleBinding), and
#     its own identity cannot write what it applies
#   - a GitRepository without the credentials is refused
#   - deleting the Kustomization deletes what it applied
# Prints one line per check with its time, the push-to-applied latencies, and
# "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"
state=${STAGECRAFT_CLUSTER_STATE:-$here/state}
[[ "$state" == /* ]] || state=$PWD/$state
kubectl=${STAGECRAFT_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stagecraft/cluster}/bin/k8s-$KUBERNETES_VERSION/kubectl
admin=("$kubectl" --kubeconfig "$state/admin.kubeconfig")
git_server=(bash "$here/../git/git-server.sh")
ns=flux-smoke-$$
repo=flux-smoke-$$
applier=flux-applier # the ServiceAccount kustomize-controller impersonates
interval=5s # the GitRepository's: how often source-controller polls Git

work=$(mktemp -d)
cleanup() {
  "${admin[@]}" delete namespace "$ns" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source-path=SCRIPTDIR source=checks.sh
source "$here/checks.sh"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

read -r git_user git_password < <("${git_server[@]}" credentials) ||
  { echo "the Git server is not running: bash dev/git/git-server.sh start"; exit 1; }
url=$("${git_server[@]}" create "$repo")

# git with the credentials in its environment (not in a URL, the repository's
# config or the process list)
git_auth() {
  GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader \
    GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s:%s' "$git_user" "$git_password" | base64 -w0)" \
    git -C "$work/checkout" -c user.name=flux-smoke -c user.email=flux-smoke@stagecraft.local "$@"
}

# commit_and_push VERSION [extra]: apps/ holds ConfigMap "smoke" (data.version)
# and, with "extra", ConfigMap "extra"
commit_and_push() {
  mkdir -p "$work/checkout/apps"
  cat >"$work/checkout/apps/smoke.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: smoke
data:
  version: "$1"
YAML
  if [[ ${2:-} == extra ]]; then
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\n' >"$work/checkout/apps/extra.yaml"
    printf 'resources:\n- smoke.yaml\n- extra.yaml\n' >"$work/checkout/apps/kustomization.yaml"
  else
    rm -f "$work/checkout/apps/extra.yaml"
    printf 'resources:\n- smoke.yaml\n' >"$work/checkout/apps/kustomization.yaml"
  fi
  git_auth add -A && git_auth commit -q -m "smoke $1" && git_auth push -q origin main
}

wait_version() { # version
  "${admin[@]}" -n "$ns" wait --for=create configmap/smoke --timeout=90s >/dev/null &&
    "${admin[@]}" -n "$ns" wait --for=jsonpath='{.data.version}'="$1" configmap/smoke --timeout=90s >/dev/null
}

first_push() {
  git init -q -b main "$work/checkout" && git -C "$work/checkout" remote add origin "$url" &&
    commit_and_push v1 extra
}

# The namespace, the ServiceAccount kustomize-controller applies as (edit in
# this namespace only), the Git credentials, the GitRepository and the
# Kustomization.
flux_objects() {
  "${admin[@]}" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: $applier, namespace: $ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: flux-applier, namespace: $ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: ServiceAccount, name: $applier, namespace: $ns}
---
apiVersion: v1
kind: Secret
metadata: {name: git-credentials, namespace: $ns}
type: Opaque
stringData: {username: "$git_user", password: "$git_password"}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: smoke, namespace: $ns}
spec:
  interval: $interval
  url: $url
  ref: {branch: main}
  secretRef: {name: git-credentials}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: smoke, namespace: $ns}
spec:
  interval: 1m
  retryInterval: 5s
  timeout: 30s
  sourceRef: {kind: GitRepository, name: smoke}
  path: ./apps
  prune: true
  targetNamespace: $ns
  serviceAccountName: $applier
YAML
}

ready() { # kind
  "${admin[@]}" -n "$ns" wait --for=condition=Ready "$1/smoke" --timeout=90s >/dev/null || {
    "${admin[@]}" -n "$ns" get "$1/smoke" -o jsonpath='  {.status.conditions}{"\n"}'
    return 1
  }
}

applied_v1() {
  wait_version v1 && "${admin[@]}" -n "$ns" get configmap extra >/dev/null &&
    [[ "$("${admin[@]}" -n "$ns" get configmap smoke \
      -o jsonpath='{.metadata.labels.kustomize\.toolkit\.fluxcd\.io/name}')" == smoke ]]
}

# the Kustomization reports the commit it applied
applied_revision() {
  local head rev
  head=$(git -C "$work/checkout" rev-parse HEAD)
  "${admin[@]}" -n "$ns" wait --for=jsonpath='{.status.lastAppliedRevision}'="main@sha1:$head" \
    kustomization/smoke --timeout=60s >/dev/null || {
    rev=$("${admin[@]}" -n "$ns" get kustomization/smoke -o jsonpath='{.status.lastAppliedRevision}')
    echo "  lastAppliedRevision $rev, pushed $head"; return 1
  }
}

latencies=()
change_by_interval() {
  local t0; commit_and_push v2 extra && t0=$(now) && wait_version v2 &&
    latencies+=("push -> applied, by the ${interval} interval: $(since "$t0")s")
}

# a reconcile request (what `flux reconcile source git` does) instead of
# waiting for the interval; extra.yaml is gone from Git, so prune deletes it
change_by_request_and_prune() {
  local t0; commit_and_push v3 && t0=$(now) &&
    "${admin[@]}" -n "$ns" annotate --overwrite gitrepository/smoke \
      "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null &&
    wait_version v3 && latencies+=("push -> applied, on a reconcile request: $(since "$t0")s") &&
    "${admin[@]}" -n "$ns" wait --for=delete configmap/extra --timeout=60s >/dev/null
}

controller_cannot_write() {
  local answer
  answer=$("${admin[@]}" auth can-i create configmaps -n "$ns" --as=flux-kustomize-controller 2>/dev/null || true)
  [[ "$answer" == no ]] || { echo "  flux-kustomize-controller may create configmaps: $answer"; return 1; }
}

# the credentials are needed: without them the server answers 401 and Flux
# reports "authentication required"
no_credentials_refused() {
  "${admin[@]}" apply -f - >/dev/null <<YAML || return 1
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: no-credentials, namespace: $ns}
spec: {interval: 1m, url: "$url", ref: {branch: main}}
YAML
  not_ready_with gitrepository/no-credentials "authentication required" &&
    "${admin[@]}" -n "$ns" delete gitrepository/no-credentials >/dev/null
}

not_ready_with() { # object text: waits for Ready=False with text in its message
  local message
  "${admin[@]}" -n "$ns" wait --for=condition=Ready=False "$1" --timeout=60s >/dev/null &&
    message=$("${admin[@]}" -n "$ns" get "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}') &&
    { [[ "$message" == *"$2"* ]] || { echo "  $1: $message"; return 1; }; }
}

# kustomize-controller applies as the ServiceAccount: without its RoleBinding
# the next revision is refused in the ServiceAccount's name; restored, applied
applies_as_service_account() {
  "${admin[@]}" -n "$ns" delete rolebinding/flux-applier >/dev/null && commit_and_push v4 &&
    "${admin[@]}" -n "$ns" annotate --overwrite gitrepository/smoke \
      "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null &&
    not_ready_with kustomization/smoke "system:serviceaccount:$ns:$applier" &&
    "${admin[@]}" -n "$ns" create rolebinding flux-applier --clusterrole=edit \
      --serviceaccount="$ns:$applier" >/dev/null &&
    "${admin[@]}" -n "$ns" annotate --overwrite kustomization/smoke \
      "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null &&
    wait_version v4
}

delete_prunes() {
  "${admin[@]}" -n "$ns" delete kustomization/smoke --timeout=60s >/dev/null &&
    "${admin[@]}" -n "$ns" wait --for=delete configmap/smoke --timeout=60s >/dev/null
}

check "push v1 over smart HTTP with basic auth" first_push
check "GitRepository, Kustomization and credentials created" flux_objects
check "GitRepository Ready (fetched with the Secret's credentials)" ready gitrepository
check "Kustomization Ready" ready kustomization
check "ConfigMaps of v1 applied into the target namespace" applied_v1
check "lastAppliedRevision is the pushed commit" applied_revision
check "push v2: applied within the GitRepository interval" change_by_interval
check "push v3 + reconcile request: applied, removed file pruned" change_by_request_and_prune
check "kustomize-controller's own identity cannot create ConfigMaps" controller_cannot_write
check "applied as the ServiceAccount (refused without its RoleBinding, then applied)" applies_as_service_account
check "a GitRepository without the credentials is refused (authentication required)" no_credentials_refused
check "deleting the Kustomization deletes what it applied" delete_prunes

for l in "${latencies[@]}"; do echo "     $l"; done
summary
