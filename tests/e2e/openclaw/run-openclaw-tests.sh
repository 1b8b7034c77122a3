#!/bin/bash
# Runs node --test files with the real OpenClaw's Node 24 (installed by
# install-openclaw.sh into CACHE_ROOT), inside a private network namespace with
# only loopback up, and with HOME in a temporary directory (OpenClaw and its
# client library keep state under HOME). Nothing but loopback is reachable.
#
#   run-openclaw-tests.sh CACHE_ROOT TEST_FILE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache_root=$1
shift
# The cached install (the fixture test made it); fails clearly when absent.
install_dir=$("$here/install-openclaw.sh" "$cache_root")
home=$(mktemp -d /tmp/ocd-openclaw-home-XXXXXX)
trap 'rm -rf "$home"' EXIT
export OPENCLAWD_OPENCLAW_DIR=$install_dir
export PATH="$install_dir/node/bin:$PATH"
export HOME=$home
unshare_args=(--net)
if [[ $(id -u) != 0 ]]; then unshare_args=(--user --map-root-user --net); fi
unshare "${unshare_args[@]}" bash -c 'ip link set lo up && exec node --test --test-concurrency=1 "$@"' _ "$@"
