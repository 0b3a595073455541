#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The initramfs of the guest that thinrun boots inside the test machines:
# Debian's static busybox, its md5 and tools/testvm/guest-init.sh as /init.
# Usage: mkguestinitrd.sh OUT.cpio.gz
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,proc,sys}
cp /bin/busybox "$root/bin/busybox"
md5sum </bin/busybox | cut -d' ' -f1 >"$root/bin/busybox.md5"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"

# For tv.rng: the virtio modules of the kernel the guest boots (the
# machines' own, kver.sh) and the check that loads them (guest-virtio.sh).
kmods=/lib/modules/$("$here/kver.sh")/kernel
mkdir -p "$root/lib/modules"
for m in drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
	 drivers/virtio/virtio_mmio.ko drivers/char/hw_random/virtio-rng.ko; do
	cp "$kmods/$m" "$root/lib/modules/"
done
cp "$here/guest-virtio.sh" "$root/bin/guest-virtio.sh"
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out.tmp"
mv "$out.tmp" "$out"
