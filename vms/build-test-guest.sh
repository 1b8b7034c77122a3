#!/usr/bin/env bash
# Builds the small test guest used by the vm tests and the demo:
#   OUT/vmlinuz     the kernel of Debian's linux-image-*-cloud-amd64
#   OUT/initrd.img  a busybox-static initramfs with the virtio, virtiofs and
#                   virtio_net modules and an init (vms/test-guest-init.sh)
# Usage: vms/build-test-guest.sh OUT_DIR
# The result is cached: when OUT_DIR already holds both files built from the
# same init script and kernel package, nothing is done (one build per CI run).
set -euo pipefail

out=${1:?usage: $0 OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
if [[ -z $kernel_pkg ]]; then
  echo "build-test-guest: no linux-image-cloud-amd64 in apt's lists; run apt-get update" >&2
  exit 1
fi
stamp="$kernel_pkg $(sha256sum "$here/test-guest-init.sh" "$0" | sha256sum | cut -c1-16)"
if [[ -f $out/vmlinuz && -f $out/initrd.img && "$(cat "$out/stamp" 2>/dev/null)" == "$stamp" ]]; then
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ocd-test-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$kernel_pkg" >/dev/null)
dpkg -x "$work"/"$kernel_pkg"_*.deb "$work/kernel"
version=${kernel_pkg#linux-image-}
moddir="$work/kernel/lib/modules/$version/kernel"

root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,lib/modules}
cp /bin/busybox "$root/bin/busybox"
# Load order matters: each module after the ones it needs. Modules built into
# this kernel are simply absent from the package.
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
  failover net_failover virtio_net virtio_blk virtio_console fuse virtiofs)
: >"$root/lib/modules/order"
for module in "${modules[@]}"; do
  found=$(find "$moddir" -name "$module.ko*" | head -n1)
  [[ -n $found ]] || continue
  case $found in
    *.ko.xz) xz -dc "$found" >"$root/lib/modules/$module.ko" ;;
    *.ko.zst) zstd -qdc "$found" >"$root/lib/modules/$module.ko" ;;
    *) cp "$found" "$root/lib/modules/$module.ko" ;;
  esac
  echo "$module" >>"$root/lib/modules/order"
done
install -m 0755 "$here/test-guest-init.sh" "$root/init"

cp "$work/kernel/boot/vmlinuz-$version" "$out/vmlinuz.tmp"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out/initrd.img.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
echo "$stamp" >"$out/stamp"
echo "build-test-guest: $out/vmlinuz and $out/initrd.img ($kernel_pkg)"
