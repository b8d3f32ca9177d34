# shellcheck shell=bash
# Flux's source-controller and kustomize-controller as optional components of
# the local control plane (issue 24: GitOps delivery). Sourced by cluster.sh;
# everything here is inert unless STAGECRAFT_FLUX=1, so the default
# build/up/status is unchanged. `down` always stops them (by PID file).
#
#   STAGECRAFT_FLUX=1 bash dev/cluster/cluster.sh up
#
# Both run on the host against the local apiserver, each as a user of its own
# (client certificate, RBAC from the pinned release's config/rbac/role.yaml), no
# leader election, metrics off, health probes and source-controller's artifact
# server on loopback:
#   STAGECRAFT_FLUX_PORT [kwok's + 5: 10252]  artifact server (HTTP); the two
#   health endpoints are the next two ports (/readyz).
# kustomize-controller runs with --default-service-account=flux-applier: a
# Kustomization is applied as the ServiceAccount it names (or flux-applier in
# its own namespace), never with the controller's own rights, which are only
# read-its-sources plus `impersonate` on ServiceAccounts (Flux's multi-tenancy
# lockdown). A namespace that Flux applies into therefore needs that
# ServiceAccount and a RoleBinding of what it may apply (flux-smoke.sh does it).

flux_components=(source-controller kustomize-controller)
flux_port=${STAGECRAFT_FLUX_PORT:-$((kwok_port + 5))}
flux_source_health_port=$((flux_port + 1))
flux_kustomize_health_port=$((flux_port + 2))
flux_source_bin=$cache/bin/flux-source-controller-$FLUX_SOURCE_CONTROLLER_VERSION
flux_kustomize_bin=$cache/bin/flux-kustomize-controller-$FLUX_KUSTOMIZE_CONTROLLER_VERSION
flux_crds=$cache/crds/flux-$FLUX_SOURCE_CONTROLLER_VERSION-$FLUX_KUSTOMIZE_CONTROLLER_VERSION
flux_rbac=$flux_crds/rbac
flux_storage=$state/flux/artifacts
# the ServiceAccount kustomize-controller impersonates by default
flux_applier=flux-applier

flux_enabled() { [[ ${STAGECRAFT_FLUX:-} == 1 ]]; }

flux_binary_of() {
  case "$1" in
    source-controller) echo "$flux_source_bin/source-controller" ;;
    kustomize-controller) echo "$flux_kustomize_bin/kustomize-controller" ;;
    *) return 1 ;;
  esac
}

# Module dir of a pinned build module's main dependency (module cache).
flux_module_dir() { # build-dir module
  (cd "$here/build/$1" && "$go" mod download -json "$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
}

flux_build() {
  go_build "$here/build/flux-source-controller" "$flux_source_bin" "" \
    source-controller github.com/fluxcd/source-controller
  go_build "$here/build/flux-kustomize-controller" "$flux_kustomize_bin" "" \
    kustomize-controller github.com/fluxcd/kustomize-controller
  # CRDs and the controllers' ClusterRoles from the same modules
  local sc kc
  sc=$(flux_module_dir flux-source-controller github.com/fluxcd/source-controller)
  kc=$(flux_module_dir flux-kustomize-controller github.com/fluxcd/kustomize-controller)
  [[ -d "$sc/config/crd/bases" && -d "$kc/config/crd/bases" ]] || die "Flux module dirs not found"
  rm -rf "$flux_crds.tmp" && mkdir -p "$flux_crds.tmp/rbac"
  install -m 0644 "$sc"/config/crd/bases/*.yaml "$kc"/config/crd/bases/*.yaml "$flux_crds.tmp/"
  install -m 0644 "$sc/config/rbac/role.yaml" "$flux_crds.tmp/rbac/source-controller.yaml"
  install -m 0644 "$kc/config/rbac/role.yaml" "$flux_crds.tmp/rbac/kustomize-controller.yaml"
  rm -rf "$flux_crds" && mv "$flux_crds.tmp" "$flux_crds"
}

flux_built() {
  is_built "$flux_source_bin" source-controller && is_built "$flux_kustomize_bin" kustomize-controller &&
    [[ -f "$flux_crds/source.toolkit.fluxcd.io_gitrepositories.yaml" &&
      -f "$flux_crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml" &&
      -f "$flux_rbac/kustomize-controller.yaml" ]]
}

# A client certificate per controller (CN = its user; added to an existing
# PKI) and its kubeconfig. Certificates rather than static tokens: the
# apiserver reads its token file only at start, and Flux may be added to a
# control plane that is already up.
flux_identities() {
  local user
  for user in flux-source-controller flux-kustomize-controller; do
    [[ -f "$pki/$user.crt" ]] || issue "$user" "$user" ca client
    kubeconfig_file "$state/$user.kubeconfig" "$user" <<CERT
    client-certificate-data: $(base64 -w0 <"$pki/$user.crt")
    client-key-data: $(base64 -w0 <"$pki/$user.key")
CERT
  done
}

# The upstream ClusterRole (kubebuilder's manager-role) renamed and bound to
# the controller's user.
flux_role_yaml() { # component
  local role=stagecraft-flux-$1
  sed "s/^  name: manager-role$/  name: $role/" "$flux_rbac/$1.yaml"
  cat <<BIND
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: $role
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: $role
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: flux-$1
BIND
}

flux_rbac_yaml() {
  flux_role_yaml source-controller
  echo ---
  flux_role_yaml kustomize-controller
  cat <<'RBAC'
---
# kustomize-controller applies as the Kustomization's ServiceAccount
# (impersonation), so its own identity needs no write rights on what it applies.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: stagecraft-flux-impersonate-serviceaccounts
rules:
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [impersonate]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: stagecraft-flux-impersonate-serviceaccounts
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: stagecraft-flux-impersonate-serviceaccounts
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: flux-kustomize-controller
RBAC
}

flux_ports() { echo "$flux_port $flux_source_health_port $flux_kustomize_health_port"; }

flux_healthy() { # health-port
  curl -fsS --max-time 2 "http://127.0.0.1:$1/readyz" >/dev/null 2>&1
}

# CRDs, RBAC, then whichever controller is not running yet (idempotent: also
# adds Flux to a control plane that is already up).
flux_up() {
  flux_built || { find_go; flux_build; }
  flux_identities
  kubectl_admin apply --server-side --field-manager=stagecraft-dev-cluster -f "$flux_crds" >/dev/null
  wait_for kube-apiserver 30 "Flux CRDs to be established" kubectl_admin wait --for=condition=Established \
    crd/gitrepositories.source.toolkit.fluxcd.io crd/kustomizations.kustomize.toolkit.fluxcd.io --timeout=2s
  flux_rbac_yaml | kubectl_admin apply -f - >/dev/null
  mkdir -p "$flux_storage"
  local common=(--metrics-addr=0 --watch-all-namespaces=true)
  if ! is_running source-controller; then
    port_open "$flux_port" && die "port $flux_port on 127.0.0.1 is already in use (STAGECRAFT_FLUX_PORT)"
    # artifacts are served to kustomize-controller (and anyone on loopback)
    # at the advertised address, which is what GitRepository status URLs name
    KUBECONFIG=$state/flux-source-controller.kubeconfig RUNTIME_NAMESPACE=flux-system \
      start source-controller "${common[@]}" \
      --storage-path="$flux_storage" --storage-addr="127.0.0.1:$flux_port" \
      --storage-adv-addr="127.0.0.1:$flux_port" \
      --health-addr="127.0.0.1:$flux_source_health_port"
  fi
  if ! is_running kustomize-controller; then
    KUBECONFIG=$state/flux-kustomize-controller.kubeconfig RUNTIME_NAMESPACE=flux-system \
      start kustomize-controller "${common[@]}" \
      --default-service-account="$flux_applier" \
      --health-addr="127.0.0.1:$flux_kustomize_health_port"
  fi
  wait_for source-controller 60 "source-controller /readyz" flux_healthy "$flux_source_health_port"
  wait_for kustomize-controller 60 "kustomize-controller /readyz" flux_healthy "$flux_kustomize_health_port"
  log "Flux up: source-controller $FLUX_SOURCE_CONTROLLER_VERSION (artifacts http://127.0.0.1:$flux_port)," \
    "kustomize-controller $FLUX_KUSTOMIZE_CONTROLLER_VERSION (applies as ServiceAccount $flux_applier)"
}
