#!/usr/bin/env bash
# Runs the whole ctest suite of a configured build (default preset).
# Integration and e2e tests need root; they start the real services they use
# (libvirtd, unbound, sshd, ...) in namespaces they create, and stop them.
set -euo pipefail
preset=${1:-default}
cd "$(dirname "$0")/.."
scripts/check-format.sh
ctest --preset "$preset" --output-on-failure "${@:2}"
