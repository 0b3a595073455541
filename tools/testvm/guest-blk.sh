#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Run by the guest's /init (guest-init.sh) when the command line has
# tv.blk=MODE: load the kernel's own virtio modules (virtio, virtio_ring,
# virtio_mmio, virtio_blk), which find thinrun's virtio-mmio disks through
# the ACPI DSDT, and check them.  What the host checks in turn (run-tests.sh
# test_virtio_blk*) is printed as "thinvisor-guest: blk ..." lines.
#   rw     vda writable, vdb read-only: the md5 of all of vda; 1 MiB of
#          random bytes written at 2 MiB with fsync (a FLUSH) and their
#          md5; 1 MiB at 5 MiB discarded (reads back zeros); a write to
#          vdb refused.
#   mq     vda on 2 vCPUs: two hardware queues, one per CPU, and reads
#          pinned to each CPU (each through its own queue) match.
#   kill9  1 MiB of random bytes written at 0 and flushed, its md5 said,
#          then wait for the host to kill thinrun.
#   idle, bench   make bench (tools/bench/blk_bench.sh): the driver only,
#          or blkbench on vda for tv.blksecs= seconds per test.
# Returns 0, or prints "blk FAILED" and returns 1.
bb=/bin/busybox
mode=$($bb sed -n 's/.*tv\.blk=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
fail() {
	echo "thinvisor-guest: blk FAILED, $*"
	exit 1
}
# virtio_ring first: virtio.ko takes virtio_break_device() from it.  The
# rng check may have loaded some already.
for m in virtio_ring virtio virtio_mmio virtio_blk; do
	[ -d /sys/module/$m ] || $bb insmod /lib/modules/$m.ko || fail "insmod $m"
done
$bb mkdir -p /dev /tmp
$bb mount -t devtmpfs dev /dev 2>/dev/null
# The disks appear once the driver has probed them.
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	$bb sleep 0.1
	i=$((i + 1))
done
[ -b /dev/vda ] || fail "no /dev/vda"

# N bytes of random data into /tmp/pat; its md5.
pattern() {
	$bb dd if=/dev/urandom of=/tmp/pat bs=65536 count=$(($1 / 65536)) 2>/dev/null ||
		fail "no random pattern"
	$bb md5sum </tmp/pat | $bb cut -d' ' -f1
}

# Write /tmp/pat to dev at byte offset off (a multiple of 64 KiB), then fsync.
write_pattern() { # dev off
	$bb dd if=/tmp/pat of="$1" bs=65536 seek=$(($2 / 65536)) conv=notrunc,fsync 2>/tmp/dd.err
}

case $mode in
rw)
	size=$($bb blockdev --getsize64 /dev/vda)
	sum=$($bb md5sum </dev/vda | $bb cut -d' ' -f1)
	echo "thinvisor-guest: blk read vda size $size md5 $sum"
	p=$(pattern 1048576)
	write_pattern /dev/vda 2097152 || fail "write to vda: $($bb cat /tmp/dd.err)"
	# Read back past the page cache: what the device holds now.
	$bb echo 3 >/proc/sys/vm/drop_caches
	back=$($bb dd if=/dev/vda bs=65536 skip=32 count=16 iflag=direct 2>/dev/null | $bb md5sum |
		$bb cut -d' ' -f1)
	[ "$back" = "$p" ] || fail "vda reads back $back after writing $p"
	echo "thinvisor-guest: blk wrote 1048576 at 2097152 md5 $p"
	# A discard of 1 MiB at 5 MiB (the image on the machine's tmpfs takes
	# PUNCH_HOLE): it must read back as zeros.
	dmax=$($bb cat /sys/block/vda/queue/discard_max_bytes)
	[ "$dmax" -gt 0 ] || fail "vda offers no discard (discard_max_bytes $dmax)"
	$bb blkdiscard -o 5242880 -l 1048576 /dev/vda 2>/tmp/bd.err ||
		fail "blkdiscard on vda: $($bb cat /tmp/bd.err)"
	back=$($bb dd if=/dev/vda bs=65536 skip=80 count=16 iflag=direct 2>/dev/null | $bb md5sum |
		$bb cut -d' ' -f1)
	zero=$($bb dd if=/dev/zero bs=65536 count=16 2>/dev/null | $bb md5sum | $bb cut -d' ' -f1)
	[ "$back" = "$zero" ] || fail "vda reads back $back after a discard, not zeros"
	echo "thinvisor-guest: blk discarded 1048576 at 5242880, discard_max_bytes $dmax"
	[ -b /dev/vdb ] || fail "no /dev/vdb"
	ro=$($bb cat /sys/block/vdb/ro)
	[ "$ro" = 1 ] || fail "vdb is not read-only (sysfs ro=$ro)"
	if write_pattern /dev/vdb 0; then
		fail "a write to the read-only vdb succeeded"
	fi
	echo "thinvisor-guest: blk ro refused, sysfs ro=$ro, dd: $($bb head -n 1 /tmp/dd.err)"
	;;
mq)
	queues=$($bb ls /sys/block/vda/mq | $bb wc -l)
	[ "$queues" = 2 ] || fail "vda has $queues hardware queues, expected 2"
	c0=$($bb cat /sys/block/vda/mq/0/cpu_list)
	c1=$($bb cat /sys/block/vda/mq/1/cpu_list)
	size=$($bb blockdev --getsize64 /dev/vda)
	half=$((size / 2 / 65536))
	# Each half read with O_DIRECT on one CPU: through that CPU's queue.
	$bb taskset 1 $bb dd if=/dev/vda bs=65536 count=$half iflag=direct 2>/dev/null >/tmp/h0 &
	$bb taskset 2 $bb dd if=/dev/vda bs=65536 skip=$half iflag=direct 2>/dev/null >/tmp/h1 &
	wait
	sum=$($bb cat /tmp/h0 /tmp/h1 | $bb md5sum | $bb cut -d' ' -f1)
	echo "thinvisor-guest: blk mq queues $queues cpus $c0/$c1 size $size md5 $sum"
	;;
idle)
	# The bench's baseline (tools/bench/blk_bench.sh): the driver, no I/O.
	echo "thinvisor-guest: blk idle, vda of $($bb blockdev --getsize64 /dev/vda) bytes"
	;;
bench)
	secs=$($bb sed -n 's/.*tv\.blksecs=\([0-9]*\).*/\1/p' /proc/cmdline)
	/bin/blkbench /dev/vda "${secs:-3}" || fail "blkbench"
	;;
kill9)
	p=$(pattern 1048576)
	write_pattern /dev/vda 0 || fail "write to vda: $($bb cat /tmp/dd.err)"
	echo "thinvisor-guest: blk flushed 1048576 at 0 md5 $p"
	# The host kills thinrun now; nothing more happens here.
	while :; do $bb sleep 1; done
	;;
*)
	fail "unknown tv.blk=$mode"
	;;
esac
exit 0
