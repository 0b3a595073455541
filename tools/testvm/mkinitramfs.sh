#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs both emulated machines boot: busybox, /init, the
# module, KVM's modules (the peer), the selftests and thinrun.
# Usage: mkinitramfs.sh OUT.cpio.gz KVER MODULE.ko BINDIR...
set -euo pipefail
out=$1 kver=$2 module=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,lib/modules,selftests,helpers,etc}
cp /bin/busybox "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp "$here/run-tests.sh" "$root/bin/run-tests"
chmod +x "$root/init" "$root/bin/run-tests"
cp "$module" "$root/lib/modules/thinvisor.ko"

# KVM, the peer the selftests and benchmarks compare with.  6.12 ships
# its modules xz-compressed, which busybox insmod cannot load: unpack them.
# TESTVM_KMODS: where they are for a kernel built here (the debug machine's).
kmods=${TESTVM_KMODS:-$("$here/kroot.sh" "$kver")/lib/modules/$kver/kernel}
for m in virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko \
	 arch/x86/kvm/kvm-intel.ko; do
	if [ -f "$kmods/$m" ]; then
		cp "$kmods/$m" "$root/lib/modules/"
	elif [ -f "$kmods/$m.xz" ]; then
		xz -dc "$kmods/$m.xz" >"$root/lib/modules/$(basename "$m")"
	fi
done

# The host side of thinrun's --net and --vsock: tun, vhost-net and
# vhost-vsock, loaded by run-tests.sh (test_virtio_net) after it has
# checked thinrun's errors without them.
for m in drivers/net/tun.ko drivers/net/tap.ko drivers/vhost/vhost_iotlb.ko \
	 drivers/vhost/vhost.ko drivers/vhost/vhost_net.ko net/vmw_vsock/vsock.ko \
	 net/vmw_vsock/vmw_vsock_virtio_transport_common.ko drivers/vhost/vhost_vsock.ko; do
	if [ -f "$kmods/$m" ]; then
		cp "$kmods/$m" "$root/lib/modules/"
	elif [ -f "$kmods/$m.xz" ]; then
		xz -dc "$kmods/$m.xz" >"$root/lib/modules/$(basename "$m")"
	fi
done

for d in "$@"; do
	case $d in
	*.selftests) cp "$d" "$root/etc/selftests" ;;
	*/selftests) find "$d" -maxdepth 1 -type f -exec cp {} "$root/selftests/" \; ;;
	*/helpers) find "$d" -maxdepth 1 -type f -exec cp {} "$root/helpers/" \; ;;
	*.bin | *.cpio.gz) mkdir -p "$root/share" && cp "$d" "$root/share/" ;;
	*/vmlinuz-generic) mkdir -p "$root/share" && cp -L "$d" "$root/share/vmlinuz-generic" ;;
	*/vmlinuz-*) mkdir -p "$root/share" && cp "$d" "$root/share/vmlinuz" ;;
	*) cp "$d" "$root/bin/" ;;
	esac
done

# perf, with the libraries it links, where asked (TESTVM_PERF=1): the SVM
# machine checks that perf records thinvisor's tracepoints.
if [ -n "${TESTVM_PERF:-}" ] && [ -x /usr/bin/perf ]; then
	for f in /usr/bin/perf $(ldd /usr/bin/perf | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
fi

# QEMU, with the libraries it links and the firmware of its microvm
# machine, where asked (TESTVM_QEMU=1): the boot benchmark's peer.
if [ -n "${TESTVM_QEMU:-}" ] && [ -x /usr/bin/qemu-system-x86_64 ]; then
	q=/usr/bin/qemu-system-x86_64
	for f in $q $(ldd $q | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }') \
		 /usr/share/qemu/qboot.rom /usr/share/qemu/bios-microvm.bin; do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
	cp "$here/../bench/boot_bench.sh" "$root/bin/boot_bench"
	cp "$here/../bench/blk_bench.sh" "$root/bin/blk_bench"
	cp "$here/../bench/net_bench.sh" "$root/bin/net_bench"
	cp "$here/../bench/bench_lib.sh" "$root/bin/bench_lib.sh"
	cp "$here/../bench/qemu-microvm.sh" "$root/bin/qemu-microvm"
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
