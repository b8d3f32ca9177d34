#!/usr/bin/env bash
# An exec credential plugin (client.authentication.k8s.io/v1, what
# `aws eks get-token`, gke-gcloud-auth-plugin and kubelogin are) for the local
# control plane: asks the TokenRequest API for a token of the ServiceAccount
# stagecraft-system/stagecraft and prints it as an ExecCredential with its
# expiry, so the client caches it until then and runs this again.
#
#   exec-credential.sh [--duration 10m] [--bound-secret NAME]
#
# --bound-secret binds the token to a Secret of stagecraft-system: deleting
# the Secret revokes the token. STAGECRAFT_CLUSTER_STATE picks the cluster
# (the kubeconfig of `cluster.sh up` sets it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
duration=10m
bound=()
while (($#)); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --bound-secret) bound=(--bound-object-kind Secret --bound-object-name "$2"); shift 2 ;;
    *) echo "exec-credential.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
token=$(bash "$here/cluster.sh" kubectl create token stagecraft -n stagecraft-system \
  --duration "$duration" "${bound[@]}")
# the expiry is the token's own `exp` claim (base64url JSON, padded here)
payload=$(cut -d. -f2 <<<"$token" | tr '_-' '/+')
while ((${#payload} % 4)); do payload+='='; done
exp=$(base64 -d <<<"$payload" 2>/dev/null | grep -o '"exp":[0-9]*' | cut -d: -f2)
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\n' \
  "$token" "$(date -u -d "@$exp" +%Y-%m-%dT%H:%M:%SZ)"
