#!/usr/bin/env bash
# `nix-instantiate --parse` on every .nix file of the source tree (Debian's
# nix-bin, installed by scripts/install-deps.sh). Exit 77 (skipped) without it.
set -euo pipefail
source=$1
if ! command -v nix-instantiate >/dev/null 2>&1; then
  echo "skipped: nix-instantiate not found (apt-get install nix-bin, or scripts/install-deps.sh test)"
  exit 77
fi
mapfile -t files < <(cd "$source" && find . -name '*.nix' -not -path './build/*' -not -path './.git/*' | sort)
[[ ${#files[@]} -gt 0 ]] || { echo "FAIL: no .nix files under $source"; exit 1; }
failed=0
for file in "${files[@]}"; do
  if nix-instantiate --option build-users-group '' --parse "$source/$file" >/dev/null 2>"${TMPDIR:-/tmp}/nix-parse.$$"; then
    echo "ok: $file"
  else
    echo "FAIL: $file: $(cat "${TMPDIR:-/tmp}/nix-parse.$$")"
    failed=1
  fi
done
rm -f "${TMPDIR:-/tmp}/nix-parse.$$"
echo "${#files[@]} files parsed"
exit $failed
