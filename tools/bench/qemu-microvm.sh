#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# QEMU on the test machine's KVM as the benchmarks' peer (make bench:
# boot_bench, blk_bench, net_bench; installed as /bin/qemu-microvm), one
# invocation for all: QEMU's leanest machine, microvm, no default
# devices, the ISA serial port for the console, ACPI for the power-off,
# virtio-mmio version 2 as thinrun's (QEMU's default is the legacy one),
# and the guest thinrun is given: 256 MiB, one vCPU, the machine's own
# kernel and the guest initramfs.  The devices and -append come as
# arguments.  An executable rather than a shell function, so that perf,
# timeout and time run it (it becomes QEMU: exec).
exec qemu-system-x86_64 -accel kvm -M microvm -cpu host -m 256 -smp 1 \
	-nodefaults -no-user-config -display none -serial stdio -no-reboot \
	-global virtio-mmio.force-legacy=false \
	-kernel /share/vmlinuz -initrd /share/guest.cpio.gz "$@"
