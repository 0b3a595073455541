#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the guest that thinrun boots inside a test machine
# (linux_boot_*): count the CPUs the kernel brought up, say whether that
# is the number tv.cpus= asked for, and end the machine: power off when
# it is, reset (thinrun's status 5) when not.
# First, the guest's own copy of busybox must read back as it was packed
# (/bin/busybox.md5): a check of the guest memory's integrity.  Then
# msrcheck reads, on every CPU, each MSR the guest's CPUID implies (none
# may take #GP) and those of hidden features (each must): through the
# msr driver of this kernel, /lib/modules/RELEASE/msr.ko.
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
sum=$(/bin/busybox md5sum /bin/busybox | /bin/busybox cut -d' ' -f1)
if [ "$sum" != "$(/bin/busybox cat /bin/busybox.md5)" ]; then
	echo "thinvisor-guest: init FAILED, /bin/busybox reads back as md5 $sum"
	/bin/busybox reboot -f
fi
release=$(/bin/busybox uname -r)
ko=/lib/modules/$release/msr.ko
[ -f "$ko" ] && /bin/busybox insmod "$ko"
if /bin/busybox grep -q 'tv\.nomsrcheck' /proc/cmdline; then
	# make bench: the same guest under KVM, whose MSRs are not thinvisor's to check.
	echo "thinvisor-guest: msrcheck skipped, tv.nomsrcheck"
elif [ ! -e /dev/cpu/0/msr ] && [ ! -f "$ko" ]; then
	# A kernel this initramfs carries no msr.ko for (make demo elsewhere).
	echo "thinvisor-guest: msrcheck skipped, no msr driver for $release"
elif ! /bin/msrcheck; then
	echo "thinvisor-guest: init FAILED, msrcheck on $release"
	/bin/busybox reboot -f
fi
# tv.rng: the virtio-rng check (guest-virtio.sh), then the usual one.
if /bin/busybox grep -q 'tv\.rng' /proc/cmdline && ! /bin/busybox sh /bin/guest-virtio.sh; then
	/bin/busybox reboot -f
fi
# tv.blk=MODE: the virtio-blk checks (guest-blk.sh).
if /bin/busybox grep -q 'tv\.blk=' /proc/cmdline && ! /bin/busybox sh /bin/guest-blk.sh; then
	/bin/busybox reboot -f
fi
# tv.net: the network and vsock check (guest-net.sh), then the usual one.
if /bin/busybox grep -q 'tv\.net' /proc/cmdline && ! /bin/busybox sh /bin/guest-net.sh; then
	/bin/busybox reboot -f
fi
# tv.bench=MODE: make bench's network side (guest-bench.sh).
if /bin/busybox grep -q 'tv\.bench=' /proc/cmdline && ! /bin/busybox sh /bin/guest-bench.sh; then
	/bin/busybox reboot -f
fi
# Protection keys: the kernel keeps ospke in its flags once it turned CR4.PKE on.
if /bin/busybox grep -qw ospke /proc/cpuinfo; then
	echo "thinvisor-guest: protection keys on"
fi
# The topology Linux made of the CPUID and the MADT, for run-tests.sh's
# guest_topology_problems: /proc/cpuinfo's and sysfs' view of each CPU.
/bin/busybox awk -F': ' '/^processor/ { p = $2 } /^apicid/ { a = $2 }
	/^core id/ { k = $2 } /^siblings/ { s = $2 } /^cpu cores/ { c = $2 }
	/^$/ { print "thinvisor-guest: cpuinfo cpu" p " apicid " a " core_id " k " siblings " s " cpu_cores " c }' /proc/cpuinfo
for t in /sys/devices/system/cpu/cpu[0-9]*/topology; do
	n=${t%/topology}
	echo "thinvisor-guest: topology cpu${n##*/cpu} package $(/bin/busybox cat $t/physical_package_id)" \
		"core $(/bin/busybox cat $t/core_id) threads $(/bin/busybox cat $t/thread_siblings_list)" \
		"cores $(/bin/busybox cat $t/core_siblings_list)"
done
want=$(/bin/busybox sed -n 's/.*tv\.cpus=\([0-9]*\).*/\1/p' /proc/cmdline)
seen=$(/bin/busybox grep -c '^processor' /proc/cpuinfo)
online=$(/bin/busybox cat /sys/devices/system/cpu/online)
echo "thinvisor-guest: $(/bin/busybox uname -sr), up $(/bin/busybox cut -d' ' -f1 /proc/uptime) s"
# The kernel keeps la57 in its flags only while it runs with 5-level paging.
if /bin/busybox grep -qw la57 /proc/cpuinfo; then
	echo "thinvisor-guest: paging 5-level"
else
	echo "thinvisor-guest: paging 4-level"
fi
if [ -n "$want" ] && [ "$seen" = "$want" ]; then
	echo "thinvisor-guest: init ok, cpus=$seen online=$online"
	/bin/busybox poweroff -f
fi
echo "thinvisor-guest: init FAILED, cpus=$seen online=$online, expected ${want:-?}"
/bin/busybox reboot -f
