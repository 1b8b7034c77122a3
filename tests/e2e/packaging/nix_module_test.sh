#!/usr/bin/env bash
# Evaluates the NixOS modules (packaging/nix) for real with nixpkgs' module
# system: lib.evalModules from the checkout NIXPKGS_LIB points at (the public
# repository nix-community/nixpkgs.lib, or a nixpkgs checkout; nothing of it
# is in this repository), the NixOS options they set declared by nix/shim.nix.
# The package is this build installed into a temporary prefix, so the modules
# read the real installed files; the rendered config is then checked by the
# installed `openclawd check-config`. Exit 77 (skipped) without NIXPKGS_LIB or nix.
set -euo pipefail
build=$1
source=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v nix-instantiate >/dev/null 2>&1; then
  echo "skipped: nix-instantiate not found (apt-get install nix-bin)"
  exit 77
fi
if [[ -z ${NIXPKGS_LIB:-} ]]; then
  echo "skipped: NIXPKGS_LIB is not set; point it at a checkout of github.com/nix-community/nixpkgs.lib (or of nixpkgs) to evaluate the modules"
  exit 77
fi
if [[ -f $NIXPKGS_LIB/lib/modules.nix ]]; then
  lib_dir=$NIXPKGS_LIB/lib
elif [[ -f $NIXPKGS_LIB/modules.nix ]]; then
  lib_dir=$NIXPKGS_LIB
else
  echo "FAIL: NIXPKGS_LIB=$NIXPKGS_LIB holds neither lib/modules.nix nor modules.nix"
  exit 1
fi

tmp=$(mktemp -d /tmp/ocd-nix-module-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/openclawd
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; exit 1; }
fake=$tmp/fake
mkdir -p "$fake/kernel" "$fake/initrd" "$fake/virtiofsd/bin"
: >"$fake/kernel/bzImage"
: >"$fake/initrd/initrd"

export NIX_CONFIG="build-users-group ="
nix-instantiate --eval --strict --json "$here/nix/eval-module.nix" \
  --arg nixpkgsLib "$lib_dir" --argstr openclawd "$prefix" --argstr fakeDir "$fake" \
  --arg source "$source" >"$tmp/result.json"
"${OPENCLAWD_PYTHON:-/usr/bin/python3}" - "$tmp/result.json" "$tmp/openclawd.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
for name in result["checks"]:
    print("ok:", name)
print(len(result["checks"]), "checks passed")
json.dump(result["config"], open(sys.argv[2], "w"), indent=2)
PY
echo "evaluated with lib from $lib_dir ($(cd "$lib_dir/.." && git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'))"

# The rendered config must be one the real binary accepts.
"$prefix/bin/openclawd" check-config --quiet --config "$tmp/openclawd.json"
echo "ok: the installed openclawd check-config accepts the module's rendered config"
