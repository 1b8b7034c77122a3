#!/bin/bash
# Runs the OpenClaw plugin's node tests against the real daemon, inside a
# private network namespace (the daemon makes its bridge and nftables there;
# the defender API is on that namespace's 127.0.0.1).
set -euo pipefail
plugin_dir=$1
unshare_args=(--net)
if [[ $(id -u) != 0 ]]; then unshare_args=(--user --map-root-user --net); fi
exec unshare "${unshare_args[@]}" bash -c 'ip link set lo up && cd "$1" && exec node --test test/' _ "$plugin_dir"
