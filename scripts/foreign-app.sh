#!/usr/bin/env bash
# The foreign-app test (issue 19, item 6): Stagecraft installed into fresh apps
# from @backstage/create-app the way a platform team would, from the packed
# tarballs (standing in for the registry), wired with the README lines.
#
#   bash scripts/foreign-app.sh            # both apps: new frontend system, then --legacy
#   FOREIGN_APP_FLAVORS=new bash scripts/foreign-app.sh
#   FOREIGN_APP_KEEP=1 …   keeps the apps in the work folder (removed otherwise)
#
# 1. `yarn tsc`, `backstage-cli repo build`, `yarn pack` of every plugins/* workspace
#    (prepack/postpack run) into <work>/tgz; checks each tarball's contents.
# 2. a create-app app per flavor (`--legacy` for the legacy frontend system),
#    cached in ~/.cache/stagecraft/foreign-app (with its Yarn cache); its
#    @backstage/* ranges are moved to the newest release the registry serves
#    (`yarn up '@backstage/*'`: create-app 0.9.2, the newest create-app, makes
#    a Backstage 1.55 app) unless FOREIGN_APP_ALIGN=0. Each run copies it to a
#    temporary folder outside the repository (<work>, /tmp/sc-foreign-app.*).
# 3. scripts/foreign-app/apply.mjs applies the <!-- install:NAME --> snippets of
#    plugins/*/README.md mechanically (root resolutions → tarballs, so the
#    @stagecraft/* deps between the packages resolve to them too).
# 4. `yarn install`, `yarn tsc`, one version per shared @backstage/* package.
# 5. starts the app (`yarn start`, backend on 17017, frontend on 13013) with
#    the README's config example against a control plane of its own
#    (dev/cluster/cluster.sh on the 4xxxx ports below), checks
#    /api/stagecraft/health, and a browser check (scripts/foreign-app/browser.mjs):
#    a component's Deployments tab, an Environment page, the Environments page,
#    no page errors. Stops what it started by PID.
# Prints one line per check ("ok: NAME" / "FAILED: NAME") and "N passed, N failed";
# scripts/test.sh runs it at its end and counts each "foreign-app pass|fail: NAME".
# Timings here (2 cores): warm run 6.5-8.5 min (pack ~40 s, yarn install ~2 min
# per app, the rest ~1 min per app); the first run also makes the create-app
# output (~1 min per app) and fills the Yarn cache.
# Not done yet (issue 19, item 6): the production run (`yarn build:backend`,
# `node packages/backend --config … app-config.production.yaml` on PostgreSQL).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/toolchain.sh
source scripts/lib.sh

flavors=${FOREIGN_APP_FLAVORS:-new legacy}
create_app=${FOREIGN_APP_CREATE_APP:-0.9.2}
cache=${FOREIGN_APP_CACHE:-$HOME/.cache/stagecraft/foreign-app}
work=${FOREIGN_APP_WORK:-$(mktemp -d /tmp/sc-foreign-app.XXXXXX)}
backend_port=17017
app_port=13013
# a control plane of its own, never the one of `make start` / scripts/test.sh
export STAGECRAFT_APISERVER_PORT=${FOREIGN_APP_APISERVER_PORT:-46443}
export STAGECRAFT_ETCD_PORT=42379 STAGECRAFT_ETCD_PEER_PORT=42380 STAGECRAFT_KCM_PORT=40257
export STAGECRAFT_SCHEDULER_PORT=40259 STAGECRAFT_KWOK_PORT=40247 STAGECRAFT_METRICS_SERVER_PORT=40251
export STAGECRAFT_CLUSTER_STATE=${FOREIGN_APP_CLUSTER_STATE:-/tmp/sc-foreign/state}
export STAGECRAFT_CLUSTER_LOGS=${FOREIGN_APP_CLUSTER_LOGS:-/tmp/sc-foreign/logs}
# the apps' Yarn: its cache next to the create-app output; never immutable
# (the app's lockfile is the one this test makes; CI=true would make it so)
export YARN_CACHE_FOLDER=$cache/yarn-cache YARN_ENABLE_GLOBAL_CACHE=0 YARN_ENABLE_TELEMETRY=0
export YARN_ENABLE_IMMUTABLE_INSTALLS=0 YARN_ENABLE_PROGRESS_BARS=0

mkdir -p "$work/logs" "$cache"
logs=$work/logs
results=$work/results.txt
: >"$results"
t0=$SECONDS
echo "foreign-app: work folder $work, cache $cache"

check() { # name command...: one check, logged to $logs/NAME.log
  local name=$1 s=$SECONDS
  shift
  if "$@" >"$logs/$name.log" 2>&1; then
    echo "pass $name" >>"$results"
    echo "ok: $name ($((SECONDS - s)) s)"
  else
    echo "fail $name" >>"$results"
    echo "FAILED: $name ($((SECONDS - s)) s; last lines of $logs/$name.log)"
    tail -25 "$logs/$name.log" | sed 's/^/    /'
  fi
}
in_app() { (cd "$1" && shift && "$@"); }
passed() { grep -qx "pass $1" "$results"; }

started_cluster=0
cleanup() {
  stop_group "$work/app.pid"
  if [ "$started_cluster" = 1 ]; then bash dev/cluster/cluster.sh down >/dev/null 2>&1; fi
}
trap cleanup EXIT

# --- 1. build and pack -------------------------------------------------------
pack_all() {
  # the declarations for the build (the repository's type errors are
  # scripts/test.sh's typecheck; tsc emits the declarations anyway)
  yarn tsc || echo "foreign-app: yarn tsc reported errors in the repository (see above); packing anyway"
  yarn backstage-cli repo build || return 1
  rm -rf "$work/tgz" && mkdir -p "$work/tgz"
  local p
  for p in plugins/*/; do
    [ -f "$p/package.json" ] || continue
    (cd "$p" && yarn pack -o "$work/tgz/%s-%v.tgz") || return 1
  done
  ls -l "$work/tgz"
}
tarball_contents() { # each tarball has dist/ and README.md; the config schema where it reads config; templates
  local f n=0 list
  for f in "$work"/tgz/*.tgz; do
    list=$(tar -tzf "$f")
    echo "$(basename "$f"): $(echo "$list" | wc -l) files"
    grep -q '^package/dist/' <<<"$list" || { echo "  no dist/"; return 1; }
    grep -q '^package/README.md$' <<<"$list" || { echo "  no README.md"; return 1; }
    case $f in
    *stagecraft-backend-*) # the packed package.json's configSchema names a file of the tarball
      local schema
      schema=$(tar -xzOf "$f" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).configSchema || ""')
      [ -n "$schema" ] && grep -qx "package/$schema" <<<"$list" || { echo "  configSchema '$schema' not in the tarball"; return 1; }
      echo "  configSchema: $schema" ;;
    *scaffolder-backend-module-*) grep -q '^package/templates/.*template.yaml$' <<<"$list" || { echo "  no templates/"; return 1; } ;;
    esac
    n=$((n + 1))
  done
  [ "$n" = 6 ] || { echo "expected 6 tarballs, got $n"; return 1; }
}
check pack pack_all
passed pack && check tarball-contents tarball_contents

# --- 2. the create-app apps (cached) -----------------------------------------
template() { # flavor: prints the cached create-app output, made when absent
  local flavor=$1 dir=$cache/create-app-$create_app-$1${FOREIGN_APP_ALIGN:+-align$FOREIGN_APP_ALIGN}
  if [ ! -f "$dir/.foreign-app-ready" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    local legacy=()
    [ "$flavor" = legacy ] && legacy=(--legacy)
    (BACKSTAGE_APP_NAME=foreign npx -y "@backstage/create-app@$create_app" "${legacy[@]}" --skip-install --path "$dir") >&2 || return 1
    # the registry workarounds of this machine (shared/TOOLCHAIN.md): the same
    # platform-package pins as the repository's root package.json
    (cd "$dir" && node -e '
      const fs = require("fs");
      const pins = require(process.argv[1]).resolutions || {};
      const p = JSON.parse(fs.readFileSync("package.json"));
      for (const k of ["@swc/core", "rollup", "unrs-resolver", "@yarnpkg/core"]) if (pins[k]) p.resolutions[k] = pins[k];
      fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");
    ' "$root/package.json") || return 1
    if [ "${FOREIGN_APP_ALIGN:-1}" != 0 ]; then
      (cd "$dir" && yarn up --mode=update-lockfile '@backstage/*') >&2 || return 1
    else
      (cd "$dir" && yarn install --mode=update-lockfile) >&2 || return 1
    fi
    rm -rf "$dir/node_modules" "$dir"/packages/*/node_modules
    (cd "$dir" && git add -A >/dev/null 2>&1 && git -c user.email=t@t -c user.name=t commit -qm aligned >/dev/null 2>&1) || true
    touch "$dir/.foreign-app-ready"
  fi
  echo "$dir"
}

one_version() { # the shared @backstage/* packages: one version each, or no copy added by Stagecraft
  local bad=0 p versions
  echo "create-app's backstage.json: $(node -p 'require("./backstage.json").version') (ranges moved by yarn up unless FOREIGN_APP_ALIGN=0); repository's backstage.json: $(node -p "require('$root/backstage.json').version")"
  for p in backend-plugin-api backend-defaults plugin-catalog-node plugin-permission-node plugin-permission-common \
    plugin-scaffolder-node plugin-events-node plugin-kubernetes-node plugin-kubernetes-backend catalog-model config errors \
    core-plugin-api frontend-plugin-api core-components plugin-catalog-react; do
    versions=$(yarn info -AR --json "@backstage/$p" 2>/dev/null |
      node -e 'const l=require("fs").readFileSync(0,"utf8").trim().split("\n").filter(Boolean).map(JSON.parse);console.log([...new Set(l.map(x=>x.value.replace(/.*@npm:/,"")))].join(" "))')
    echo "@backstage/$p: ${versions:-(not installed)}"
    if [ "$(wc -w <<<"$versions")" -gt 1 ]; then
      # fails when a copy comes only through @stagecraft/* (scripts/foreign-app/why.mjs)
      yarn why "@backstage/$p" | node "$root/scripts/foreign-app/why.mjs" "@backstage/$p" || bad=1
    fi
  done
  return $bad
}

templates_present() { # install:templates' targets exist in the installed scaffolder module
  node -e '
    const fs = require("fs"), path = require("path");
    const t = fs.readFileSync(process.argv[1], "utf8");
    const block = /<!-- install:templates -->[\s\S]*?```\w*\n([\s\S]*?)```/.exec(t)[1];
    const targets = [...block.matchAll(/target: (\S+)/g)].map(m => m[1]);
    let bad = 0;
    for (const target of targets) {
      const f = path.resolve("packages/backend", target);
      const ok = fs.existsSync(f);
      console.log(`${ok ? "ok" : "missing"} ${target}`);
      bad += ok ? 0 : 1;
    }
    process.exit(targets.length && !bad ? 0 : 1);
  ' "$root/plugins/scaffolder-backend-module-stagecraft/README.md"
}

cluster_for_app() { # the test's own control plane; exports STAGECRAFT_CLUSTER_URL/CA_FILE/TOKEN
  if ! bash dev/cluster/cluster.sh status >/dev/null 2>&1; then
    bash dev/cluster/cluster.sh up || return 1
    started_cluster=1
  fi
  export STAGECRAFT_CLUSTER_URL="https://127.0.0.1:$STAGECRAFT_APISERVER_PORT"
  export STAGECRAFT_CLUSTER_CA_FILE="$STAGECRAFT_CLUSTER_STATE/pki/ca.crt"
  STAGECRAFT_CLUSTER_TOKEN=$(awk -F, '$2 == "stagecraft" { print $1; exit }' "$STAGECRAFT_CLUSTER_STATE/pki/tokens.csv")
  export STAGECRAFT_CLUSTER_TOKEN
  bash dev/cluster/cluster.sh status
}

write_test_config() { # app: the test's ports and its own catalog (not Stagecraft's lines)
  cp scripts/foreign-app/catalog.yaml scripts/foreign-app/storefront.score.yaml "$1/"
  cat >"$1/app-config.foreign.yaml" <<EOF
# written by scripts/foreign-app.sh: ports of the test and its catalog
app:
  baseUrl: http://localhost:$app_port
backend:
  baseUrl: http://localhost:$backend_port
  listen:
    port: $backend_port
  cors:
    origin: http://localhost:$app_port
catalog:
  locations:
    - type: file
      target: $1/catalog.yaml
      rules:
        - allow: [Group, User, System, Component, Environment]
EOF
}

guest_token() {
  curl -sf -H 'X-Requested-With: XMLHttpRequest' "http://localhost:$backend_port/api/auth/guest/refresh?env=development" |
    node -e 'try{console.log(JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token)}catch{}'
}
health() {
  local body
  body=$(curl -sf "http://localhost:$backend_port/api/stagecraft/health") || return 1
  echo "$body"
  node -e 'const h=JSON.parse(process.argv[1]); process.exit(h.status==="ok"?0:1)' "$body"
}
catalog_has_fixture() {
  local deadline=$((SECONDS + 240)) token n
  while ((SECONDS < deadline)); do
    token=$(guest_token)
    if [ -n "$token" ]; then
      n=$(curl -sf -H "Authorization: Bearer $token" \
        "http://localhost:$backend_port/api/catalog/entities/by-refs" -H 'Content-Type: application/json' \
        -d '{"entityRefs":["component:default/storefront","environment:default/shop-dev"]}' |
        node -e 'try{console.log(JSON.parse(require("fs").readFileSync(0)).items.filter(Boolean).length)}catch{console.log(0)}')
      echo "catalog: $n of 2 fixture entities"
      [ "${n:-0}" = 2 ] && return 0
    fi
    sleep 3
  done
  return 1
}
ports_taken() { ss -ltnH | awk '{ print $4 }' | grep -E ":($backend_port|$app_port)\$"; }
start_app() { # app
  local app=$1 configs=() i
  # a port still taken would make this run check someone else's app
  for i in $(seq 1 30); do ports_taken >/dev/null || break; sleep 1; done
  if ports_taken; then echo "ports $backend_port/$app_port are taken"; return 1; fi
  for c in app-config.yaml app-config.local.yaml app-config.stagecraft.yaml app-config.foreign.yaml; do
    [ -f "$app/$c" ] && configs+=(--config "$app/$c")
  done
  # setsid: its own process group, stopped as a whole by stop_group (the PID
  # in app.pid is setsid's, which becomes the group's leader)
  (
    cd "$app" || exit 1
    setsid yarn start "${configs[@]}" >"$logs/$flavor-start.log" 2>&1 &
    echo $! >"$work/app.pid"
  )

  wait_http "http://localhost:$backend_port/api/stagecraft/health" 300 && wait_http "http://localhost:$app_port" 300
}

# --- 2-5 per flavor ----------------------------------------------------------
if passed pack; then
  check cluster cluster_for_app
fi
for flavor in $flavors; do
  passed pack || break
  echo "--- $flavor frontend system app"
  s=$SECONDS
  tpl=$(template "$flavor" 2>"$logs/$flavor-create-app.log") || {
    echo "fail $flavor-create-app" >>"$results"
    echo "FAILED: $flavor-create-app"
    tail -25 "$logs/$flavor-create-app.log"
    continue
  }
  echo "ok: $flavor-create-app ($((SECONDS - s)) s, $tpl)"
  echo "pass $flavor-create-app" >>"$results"
  app=$work/$flavor
  rm -rf "$app" && cp -a "$tpl" "$app" && rm -f "$app/.foreign-app-ready"
  check "$flavor-wire" node scripts/foreign-app/apply.mjs "$flavor" "$app" "$work/tgz" "$root"
  passed "$flavor-wire" && grep '^applied: ' "$logs/$flavor-wire.log" | sed 's/^/  /'
  passed "$flavor-wire" || continue
  write_test_config "$app"
  check "$flavor-install" in_app "$app" yarn install
  passed "$flavor-install" || continue
  check "$flavor-tsc" in_app "$app" yarn tsc
  check "$flavor-one-version" in_app "$app" one_version
  sed 's/^/  /' "$logs/$flavor-one-version.log" | grep -v '^    ' || true
  check "$flavor-templates" in_app "$app" templates_present
  passed cluster || continue
  check "$flavor-start" start_app "$app"
  if passed "$flavor-start"; then
    check "$flavor-health" health
    sed 's/^/  /' "$logs/$flavor-health.log"
    check "$flavor-catalog" catalog_has_fixture
    check "$flavor-browser" node scripts/foreign-app/browser.mjs "http://localhost:$app_port" "$flavor" "$work/shots"
    grep '^browser ' "$logs/$flavor-browser.log" | sed 's/^/  /'
  else
    tail -30 "$logs/$flavor-start.log" | sed 's/^/    /'
  fi
  stop_group "$work/app.pid"
done

cleanup
trap - EXIT
# the apps' node_modules are ~2 GB each; logs and screenshots stay
[ "${FOREIGN_APP_KEEP:-0}" = 1 ] || rm -rf "$work/new" "$work/legacy"
echo
echo "foreign-app: $((SECONDS - t0)) s; logs in $logs"
while read -r r name; do
  echo "foreign-app $r: $name"
done <"$results"
echo "$(grep -c '^pass ' "$results") passed, $(grep -c '^fail ' "$results") failed"
! grep -q '^fail ' "$results"
