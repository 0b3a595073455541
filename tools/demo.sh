#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a stock Linux kernel with thinrun, with a busybox /init
# that counts its CPUs and powers off (tools/testvm/guest-init.sh).
# On a host with VMX or SVM of its own (and root), directly: the running
# kernel's own bzImage is the guest.  Anywhere else inside the emulated
# SVM machine (tools/testvm/run.sh demo), with that machine's kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" != 0 ] || ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
	echo "demo: no VMX/SVM here (or not root): booting the emulated SVM machine"
	exec "$top/tools/testvm/run.sh" demo
fi
kernel=/boot/vmlinuz-$(uname -r)
[ -r "$kernel" ] || { echo "demo: no readable $kernel to boot as the guest" >&2; exit 1; }
[ -e /dev/thinvisor ] || insmod "$top/kmod/thinvisor.ko"
"$top/tools/testvm/mkguestinitrd.sh" "$top/build/guest.cpio.gz"
set -- --kernel "$kernel" --initrd "$top/build/guest.cpio.gz" --cpus 2 \
	--cmdline "console=ttyS0 quiet tv.cpus=2"
echo "\$ thinrun $*"
exec "$top/build/thinrun" "$@"
