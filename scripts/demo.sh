#!/usr/bin/env bash
# The demo: runs the real daemon with a demo config under demo-state/, drives it
# with the real CLI, and stops it. Needs a build (make build) and root.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/default/src/openclawd
state=$PWD/demo-state
rm -rf "$state"
mkdir -p "$state"

config=$state/openclawd.json
cat >"$config" <<JSON
{
  "_comment": "Demo config written by scripts/demo.sh",
  "version": 1,
  "state_dir": "$state/state",
  "log_dir": "$state/log",
  "control_socket": "$state/control.sock",
  "hypervisor": { "domain_type": "qemu" },
  "network": { "bridge": "ocddemo0", "address": "192.168.83.1/24" },
  "dns": { "enabled": false },
  "audit": { "enabled": false },
  "defender": { "enabled": false },
  "vms": []
}
JSON

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$bin" check-config --config "$config"
"$bin" daemon --config "$config" --log-stderr 2>"$state/daemon.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [[ -S $state/control.sock ]] && break
  sleep 0.1
done
step "$bin" version --config "$config"
step "$bin" status --config "$config"
step "$bin" start --config "$config"
step "$bin" status --json --config "$config"
echo
echo "stopping the daemon with SIGTERM"
kill -TERM $daemon
wait $daemon && echo "daemon exited cleanly (exit code 0)"
trap - EXIT
echo
echo "daemon log:"
cat "$state/daemon.log"
