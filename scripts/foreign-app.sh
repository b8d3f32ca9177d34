#!/usr/bin/env bash
# The foreign-app test (issue 19, item 6): Stagecraft installed into fresh apps
# from @backstage/create-app the way a platform team would, from the packed
# tarballs (standing in for the registry), wired with the README lines.
#
#   bash scripts/foreign-app.sh            # both apps: new frontend system, then --legacy
#   FOREIGN_APP_FLAVORS=new bash scripts/foreign-app.sh
#   FOREIGN_APP_KEEP=1 …   keeps the apps in the work folder (removed otherwise)
#   FOREIGN_APP_PROD=0 …   skips the production run (6.); FOREIGN_APP_PROD_CACHE=0
#                          runs `yarn build:backend` even when its output is cached
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
# 6. the new-system app the way production runs Backstage (create-app's
#    Dockerfile, on the app's own install instead of its production-only
#    `yarn workspaces focus`): `yarn build:backend` (which also bundles
#    packages/app), the backend's dist/ of bundle.tar.gz unpacked in the app, then
#    `NODE_ENV=production node packages/backend --config app-config.yaml
#    --config app-config.production.yaml` (plus the README's Stagecraft config
#    and the test's port/catalog) on a throwaway PostgreSQL (scripts/postgres.sh,
#    port 14433), the built frontend served by the backend's app-backend on
#    17117. Checks: a wrong Stagecraft value refuses the start naming the key
#    (and `backstage-cli config:check` refuses it against the packages' schemas),
#    Stagecraft's migrations ran on PostgreSQL, index.html and a hashed JS asset
#    from the backend port, health, catalog, the browser check.
#    The build output is cached by the hash of its inputs (the tarballs, the
#    app's sources, yarn.lock) in ~/.cache/stagecraft/foreign-app/prod-build.
#    Backstage's backend does not validate backend plugins' config schemas at
#    start: only app-backend validates the config against the schema bundled
#    into the app build (packages/app's dependency tree, which has no
#    backend plugin), so the refusal at start is Stagecraft's own config check.
# Prints one line per check ("ok: NAME" / "FAILED: NAME") and "N passed, N failed";
# scripts/test.sh runs it at its end and counts each "foreign-app pass|fail: NAME".
# Timings here (2 cores): warm run 6.5-8.5 min (pack ~40 s, yarn install ~2 min
# per app, the rest ~1 min per app); the first run also makes the create-app
# output (~1 min per app) and fills the Yarn cache. The production run adds
# ~50 s when its build is cached (the refused start ~20 s, config:check ~5 s,
# start ~8 s, browser ~10 s) and ~2 min when `yarn build:backend` runs (50-70 s).
# December 2026 with two other jobs on the machine: 17.2 min with the build
# (installs 300 + 190 s), warm second run 20 min: 697 s in checks (prod 49 s),
# then up to 8 min removing the two apps' node_modules (now renamed away and
# removed in the background).
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
# the production run: the backend (serving the built app), the start with a
# wrong Stagecraft value, and its own PostgreSQL
prod_port=17117
wrong_port=17118
export STAGECRAFT_PG_PORT=${FOREIGN_APP_PG_PORT:-14433}
export STAGECRAFT_PG_DIR=${FOREIGN_APP_PG_DIR:-/tmp/sc-foreign/postgres}
# not a word of Stagecraft's names: the backend redacts config secrets in its
# logs, and the messages checked here name stagecraft.* keys
export STAGECRAFT_PG_PASSWORD=foreign-app-pg
api=http://localhost:$backend_port # what health/catalog/guest_token ask
# a control plane of its own, never the one of `make start` / scripts/test.sh;
# its ports below 32768, outside Linux's ephemeral range (a client socket's
# local port once took 42380 from etcd: "bind: address already in use")
export STAGECRAFT_APISERVER_PORT=${FOREIGN_APP_APISERVER_PORT:-14443}
export STAGECRAFT_ETCD_PORT=14379 STAGECRAFT_ETCD_PEER_PORT=14380 STAGECRAFT_KCM_PORT=14257
export STAGECRAFT_SCHEDULER_PORT=14259 STAGECRAFT_KWOK_PORT=14247 STAGECRAFT_METRICS_SERVER_PORT=14251
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
started_pg=0
cleanup() {
  stop_group "$work/app.pid"
  stop_group "$work/prod.pid"
  stop_group "$work/wrong.pid"
  if [ "$started_pg" = 1 ]; then bash scripts/postgres.sh stop >/dev/null 2>&1; fi
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
  curl -sf -H 'X-Requested-With: XMLHttpRequest' "$api/api/auth/guest/refresh?env=development" |
    node -e 'try{console.log(JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token)}catch{}'
}
health() {
  local body
  body=$(curl -sf "$api/api/stagecraft/health") || return 1
  echo "$body"
  node -e 'const h=JSON.parse(process.argv[1]); process.exit(h.status==="ok"?0:1)' "$body"
}
catalog_has_fixture() {
  local deadline=$((SECONDS + 240)) token n
  while ((SECONDS < deadline)); do
    token=$(guest_token)
    if [ -n "$token" ]; then
      n=$(curl -sf -H "Authorization: Bearer $token" \
        "$api/api/catalog/entities/by-refs" -H 'Content-Type: application/json' \
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

# --- 6. production: the new-system app as create-app's Dockerfile runs it ----
# the files of the app the build reads (with the work folder's path, which
# yarn.lock and the root resolutions name, taken out), the tarballs and Node
prod_build_key() {
  (
    cd "$app" || exit 1
    node --version
    sha256sum "$work"/tgz/*.tgz | awk '{ print $1 }'
    local f
    for f in package.json yarn.lock backstage.json app-config.yaml app-config.local.yaml \
      $(find packages \( -name node_modules -o -name dist -o -name dist-types \) -prune -o -type f -print | LC_ALL=C sort); do
      [ -f "$f" ] || continue
      echo "== $f"
      sed "s#$work#@WORK@#g" "$f"
    done
  ) | sha256sum | cut -c1-16
}
prod_build() { # yarn build:backend (it bundles packages/app too), or its cached output; then the Dockerfile's `tar xzf bundle.tar.gz`
  local key dir=$cache/prod-build s=$SECONDS
  key=$(prod_build_key) || return 1
  if [ "${FOREIGN_APP_PROD_CACHE:-1}" != 0 ] && [ -f "$dir/$key.tar" ]; then
    rm -rf "$app/packages/app/dist" "$app/packages/backend/dist"
    tar -xf "$dir/$key.tar" -C "$app" || return 1
    echo "build: cached output of yarn build:backend for the same inputs (key $key; FOREIGN_APP_PROD_CACHE=0 rebuilds)"
  else
    (cd "$app" && yarn build:backend) || return 1
    echo "build: yarn build:backend $((SECONDS - s)) s (key $key)"
    mkdir -p "$dir" && rm -f "$dir"/*.tar
    tar -cf "$dir/$key.tar.part" -C "$app" packages/app/dist packages/backend/dist && mv "$dir/$key.tar.part" "$dir/$key.tar"
  fi
  local f
  for f in packages/backend/dist/bundle.tar.gz packages/backend/dist/skeleton.tar.gz packages/app/dist/index.html packages/app/dist/.config-schema.json; do
    [ -f "$app/$f" ] || { echo "no $f"; return 1; }
  done
  # the backend's dist/ (the rest is the app as built: packages/app/dist, and
  # the workspaces' package.json files, which in the bundle are the packed
  # ones without packages/app's dependencies)
  tar -xzf "$app/packages/backend/dist/bundle.tar.gz" -C "$app" packages/backend/dist || return 1
  [ -f "$app/packages/backend/dist/index.cjs.js" ] || { echo "bundle.tar.gz has no packages/backend/dist/index.cjs.js"; return 1; }
  echo "build: bundle.tar.gz $(du -k "$app/packages/backend/dist/bundle.tar.gz" | cut -f1) KiB (its packages/backend/dist unpacked into the app); packages/app/dist $(du -sk "$app/packages/app/dist" | cut -f1) KiB"
}

urls_yaml() { # port: app.baseUrl is backend.baseUrl (app-backend serves the app); a loopback listener
  printf 'app:\n  baseUrl: http://localhost:%s\nbackend:\n  baseUrl: http://localhost:%s\n  listen: 127.0.0.1:%s\n' "$1" "$1" "$1"
}
write_prod_config() { # the production run's port, guest sign-in and the test's catalog
  {
    echo "# written by scripts/foreign-app.sh: the production run's port and catalog"
    urls_yaml "$prod_port"
    cat <<EOF
auth:
  providers:
    guest:
      # NODE_ENV=production: create-app's guest sign-in needs this (the test's
      # server listens on loopback only)
      dangerouslyAllowOutsideDevelopment: true
catalog:
  locations:
    - type: file
      target: $app/catalog.yaml
      rules:
        - allow: [Group, User, System, Component, Environment]
EOF
  } >"$app/app-config.foreign-prod.yaml"
  # a wrong Stagecraft value (the tier of an environment type); its own port
  {
    echo "# written by scripts/foreign-app.sh: a wrong Stagecraft value the start must refuse"
    urls_yaml "$wrong_port"
    printf 'stagecraft:\n  environmentTypes:\n    - name: development\n      tier: prod\n'
  } >"$app/app-config.wrong.yaml"
}
# app-config.production.yaml's database (scripts/postgres.sh's server)
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$STAGECRAFT_PG_PORT POSTGRES_USER=postgres POSTGRES_PASSWORD=$STAGECRAFT_PG_PASSWORD
prod_configs=(--config app-config.yaml --config app-config.production.yaml --config app-config.stagecraft.yaml --config app-config.foreign-prod.yaml)
port_taken() { ss -ltnH | awk '{ print $4 }' | grep -qE ":$1\$"; }
run_prod() { # name port extra-args...: the Dockerfile's CMD in the app's folder, in a process group of its own
  local name=$1 port=$2
  shift 2
  if port_taken "$port"; then echo "port $port is taken"; return 1; fi
  (
    cd "$app" || exit 1
    NODE_ENV=production setsid node packages/backend "${prod_configs[@]}" "$@" >"$logs/$name-backend.log" 2>&1 &
    echo $! >"$work/$name.pid"
  )
}
prod_start() {
  run_prod prod "$prod_port" || return 1
  if ! wait_http "http://localhost:$prod_port/api/stagecraft/health" 300; then
    tail -30 "$logs/prod-backend.log"
    return 1
  fi
  grep -E 'Loading config from|Serving static app content' "$logs/prod-backend.log" | sed 's/^/log: /' | cut -c1-300
}
refuses_wrong_config() { # the start with stagecraft.environmentTypes[0].tier: prod fails, naming the key
  # Backstage's BackendStartupError (backend-app-api) names the plugin and its
  # error; the process then stays up answering 503 (create-app's index.ts does
  # not handle the rejected backend.start(), whose unhandledRejection handler
  # only logs it), so the test stops it
  local key='stagecraft.environmentTypes[0].tier' log=$logs/wrong-backend.log deadline=$((SECONDS + 240)) code
  run_prod wrong "$wrong_port" --config app-config.wrong.yaml || return 1
  while ((SECONDS < deadline)); do
    grep -q 'Backend startup failed' "$log" 2>/dev/null && break
    kill -0 "$(cat "$work/wrong.pid")" 2>/dev/null || break
    sleep 2
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$wrong_port/api/stagecraft/health")
  stop_group "$work/wrong.pid"
  node -e '
    for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      try { const j = JSON.parse(l); if (j.name === "BackendStartupError") console.log(j.message.replace(/\s+/g, " ")); } catch {}
    }' "$log" | head -1 | cut -c1-300
  echo "GET /api/stagecraft/health on the refused backend: $code"
  grep 'BackendStartupError' "$log" | grep -qF "$key" && [ "$code" != 200 ]
}
config_check() { # Backstage's schema validation of the packages' config schemas (config.d.ts in the tarball)
  local out
  (cd "$app" && yarn backstage-cli config:check --strict "${prod_configs[@]}") || { echo "config:check refused the production configs"; return 1; }
  echo "config:check --strict: the production configs pass"
  if out=$(cd "$app" && yarn backstage-cli config:check --strict "${prod_configs[@]}" --config app-config.wrong.yaml 2>&1); then
    echo "$out"
    echo "config:check --strict accepted stagecraft.environmentTypes[0].tier: prod"
    return 1
  fi
  echo "$out" | grep -i 'tier' | head -3
  echo "$out" | grep -q '/stagecraft/environmentTypes/0/tier'
}
prod_migrations() { # Stagecraft's knex migrations (the tarball's migrations/) ran on PostgreSQL
  local psql files ran tables missing=0 m
  psql=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql
  q() { PGPASSWORD=$POSTGRES_PASSWORD "$psql" -h 127.0.0.1 -p "$STAGECRAFT_PG_PORT" -U postgres -d "$1" -Atc "$2"; }
  echo "databases: $(q postgres "select string_agg(datname, ' ' order by datname) from pg_database where datname like 'backstage_plugin_%'")"
  files=$(ls "$app/node_modules/@stagecraft/backstage-plugin-stagecraft-backend/migrations")
  ran=$(q backstage_plugin_stagecraft 'select name from stagecraft_knex_migrations order by id') || return 1
  for m in $files; do
    grep -qx "$m" <<<"$ran" || { echo "not run: $m"; missing=1; }
  done
  echo "migrations run: $(wc -l <<<"$ran") of $(wc -w <<<"$files") in the package's migrations/"
  # every table the migrations create exists
  tables=$(q backstage_plugin_stagecraft "select tablename from pg_tables where schemaname = 'public'")
  local want t
  want=$(cd "$app/node_modules/@stagecraft/backstage-plugin-stagecraft-backend/migrations" &&
    grep -ohE "createTable\('[a-z_]+'" ./*.js | sed "s/.*('//; s/'//" | sort -u)
  for t in $want; do
    grep -qx "$t" <<<"$tables" || { echo "missing table: $t"; missing=1; }
  done
  echo "tables on PostgreSQL (database backstage_plugin_stagecraft): $(echo $want)"
  [ "$missing" = 0 ] && [ -n "$files" ] && [ -n "$want" ]
}
prod_static() { # index.html and a hashed JS asset of the build from the backend port
  local index js code
  index=$(curl -sf "http://localhost:$prod_port/") || { echo "GET / failed"; return 1; }
  grep -q '<div id="root">' <<<"$index" || { echo "GET /: not the app's index.html"; return 1; }
  echo "GET /: 200, index.html ($(wc -c <<<"$index") bytes)"
  js=$(grep -oE '/static/[A-Za-z0-9_.-]+\.[0-9a-f]{8,}\.js' <<<"$index" | head -1)
  [ -n "$js" ] || { echo "index.html names no hashed /static/*.js"; return 1; }
  code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://localhost:$prod_port$js")
  echo "GET $js: $code"
  [ "${code%% *}" = 200 ] || return 1
  [ -f "$app/packages/app/dist$js" ] || { echo "$js is not a file of packages/app/dist"; return 1; }
  # a deep link is the app's index.html too (app-backend's fallback)
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$prod_port/catalog/default/component/storefront/deployments")
  echo "GET /catalog/default/component/storefront/deployments: $code"
  [ "$code" = 200 ]
}
bundle_schema() { # which packages' config schemas app-backend validates against (the app bundle's)
  node -e '
    const s = require(process.argv[1]);
    const schemas = s.schemas || [];
    const names = schemas.map(x => x.packageName);
    const sc = schemas.filter(x => JSON.stringify(x.value).includes("\"stagecraft\""));
    console.log(`app bundle config schema: ${schemas.length} packages; with a stagecraft key: ${sc.map(x => x.packageName).join(", ") || "none"}`);
  ' "$app/packages/app/dist/.config-schema.json"
}

if [[ " $flavors " == *" new "* ]] && passed new-install && passed cluster && [ "${FOREIGN_APP_PROD:-1}" != 0 ]; then
  echo "--- new frontend system app, production build on PostgreSQL"
  app=$work/new
  api=http://localhost:$prod_port
  check new-prod-build prod_build
  grep '^build: ' "$logs/new-prod-build.log" | sed 's/^/  /'
  if passed new-prod-build; then
    bundle_schema | sed 's/^/  /'
    write_prod_config
    started_pg=1
    check postgres bash scripts/postgres.sh start
  fi
  if passed postgres; then
    check new-prod-refuses-wrong-config refuses_wrong_config
    sed 's/^/  /' "$logs/new-prod-refuses-wrong-config.log"
    check new-prod-config-check config_check
    grep -E '^config:check|tier' "$logs/new-prod-config-check.log" | sed 's/^/  /'
    check new-prod-start prod_start
  fi
  if passed new-prod-start; then
    check new-prod-migrations prod_migrations
    sed 's/^/  /' "$logs/new-prod-migrations.log"
    check new-prod-static prod_static
    sed 's/^/  /' "$logs/new-prod-static.log"
    check new-prod-health health
    sed 's/^/  /' "$logs/new-prod-health.log"
    check new-prod-catalog catalog_has_fixture
    check new-prod-browser node scripts/foreign-app/browser.mjs "http://localhost:$prod_port" new-prod "$work/shots"
    grep '^browser ' "$logs/new-prod-browser.log" | sed 's/^/  /'
  fi
  stop_group "$work/prod.pid"
  bash scripts/postgres.sh stop >/dev/null 2>&1
  started_pg=0
fi

cleanup
trap - EXIT
# the apps' node_modules are ~2 GB each; logs and screenshots stay. Removing
# them took up to 8 min on a loaded disk, so they are renamed out of the way
# (instant) and removed by a detached rm that needs no stopping: nothing
# listens, and a later run starts with fresh folders whatever it left
if [ "${FOREIGN_APP_KEEP:-0}" != 1 ]; then
  trash=$(mktemp -d /tmp/sc-foreign-app-trash.XXXXXX)
  mv "$work/new" "$work/legacy" "$trash"/ 2>/dev/null || true
  setsid nice rm -rf "$trash" </dev/null >/dev/null 2>&1 &
fi
echo
echo "foreign-app: $((SECONDS - t0)) s; logs in $logs"
while read -r r name; do
  echo "foreign-app $r: $name"
done <"$results"
echo "$(grep -c '^pass ' "$results") passed, $(grep -c '^fail ' "$results") failed"
! grep -q '^fail ' "$results"
