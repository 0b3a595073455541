#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the emulated test machines.  The mode comes from the kernel
# command line (tv.mode=svm|vmx|nosvm|demo|bench); everything the host needs
# comes back over the serial console between @@ markers.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t tmpfs tmp /tmp
ulimit -l unlimited

mode=unknown
for a in $(cat /proc/cmdline); do
	case $a in tv.mode=*) mode=${a#tv.mode=} ;; esac
done

echo "@@TESTVM-BEGIN mode=$mode cpus=$(grep -c ^processor /proc/cpuinfo)"
echo "# 1 GiB pages reserved: $(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 2>/dev/null || echo none)"
run-tests "$mode"
# run-tests' own verdict: collect.sh fails a boot without it, or with a
# failure that no test line shows (run-tests stopped early).
echo "@@TESTVM-STATUS $?"
echo "@@TESTVM-END"
# Let the UART drain: poweroff -f does not wait for the tty.
sleep 2
poweroff -f
