#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The initramfs of the guest that thinrun boots inside the test machines:
# Debian's static busybox, its md5, tools/testvm/guest-init.sh as /init,
# msrcheck (tools/testvm/guest-msrcheck.c) and, for each guest kernel
# release given, its msr.ko (/lib/modules/RELEASE/msr.ko), which msrcheck
# reads the MSRs through; by default the running kernel's, where it has one.
# Usage: mkguestinitrd.sh OUT.cpio.gz [RELEASE...]
set -euo pipefail
out=$1
shift
if [ $# -eq 0 ] && [ -f "/lib/modules/$(uname -r)/kernel/arch/x86/kernel/msr.ko" ]; then
	set -- "$(uname -r)"
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,proc,sys}
cp /bin/busybox "$root/bin/busybox"
md5sum </bin/busybox | cut -d' ' -f1 >"$root/bin/busybox.md5"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
gcc -O2 -Wall -static -I"$top/kmod" -I"$top/selftests/unit" -o "$root/bin/msrcheck" \
	"$here/guest-msrcheck.c" "$top/kmod/cpuid_policy.c" "$top/kmod/cpuid_topology.c"
for kver in "$@"; do
	ko=$("$here/kroot.sh" "$kver")/lib/modules/$kver/kernel/arch/x86/kernel/msr.ko
	[ -f "$ko" ] || { echo "mkguestinitrd: no $ko" >&2; exit 1; }
	mkdir -p "$root/lib/modules/$kver"
	cp "$ko" "$root/lib/modules/$kver/msr.ko"
done

# For tv.rng: the virtio modules of the first release given (the kernel
# the rng test boots), where it has them as plain modules, and the check
# that loads them (guest-virtio.sh).
mkdir -p "$root/lib/modules"
if [ $# -gt 0 ]; then
	for m in drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
		 drivers/virtio/virtio_mmio.ko drivers/char/hw_random/virtio-rng.ko; do
		ko=$("$here/kroot.sh" "$1")/lib/modules/$1/kernel/$m
		[ -f "$ko" ] && cp "$ko" "$root/lib/modules/"
	done
fi
cp "$here/guest-virtio.sh" "$root/bin/guest-virtio.sh"
# For tv.blk: virtio_blk of the same release (a module in Debian's cloud
# and generic kernels alike), and its checks (guest-blk.sh).
if [ $# -gt 0 ]; then
	ko=/lib/modules/$1/kernel/drivers/block/virtio_blk.ko
	[ -f "$ko" ] && cp "$ko" "$root/lib/modules/"
fi
cp "$here/guest-blk.sh" "$root/bin/guest-blk.sh"
gcc -O2 -Wall -static -o "$root/bin/blkbench" "$top/tools/bench/guest-blkbench.c"

# For tv.net: the same kernel's network and vsock modules, the check that
# loads them (guest-net.sh) and its socket tool (sockpipe.c).
if [ $# -gt 0 ]; then
	for m in net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko \
		 net/vmw_vsock/vsock.ko net/vmw_vsock/vmw_vsock_virtio_transport_common.ko \
		 net/vmw_vsock/vmw_vsock_virtio_transport.ko; do
		ko=/lib/modules/$1/kernel/$m
		[ -f "$ko" ] && cp "$ko" "$root/lib/modules/"
	done
fi
cp "$here/guest-net.sh" "$root/bin/guest-net.sh"
gcc -O2 -Wall -static -o "$root/bin/sockpipe" "$here/sockpipe.c"
# For tv.bench: make bench's network side (guest-bench.sh) and its tool.
cp "$here/guest-bench.sh" "$root/bin/guest-bench.sh"
gcc -O2 -Wall -static -o "$root/bin/netbench" "$top/tools/bench/netbench.c"
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out.tmp"
mv "$out.tmp" "$out"
