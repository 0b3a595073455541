#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# virtio-blk benchmark, run inside the SVM test machine (make bench) after
# boot_bench: the same stock kernel and busybox initramfs, one virtio-mmio
# disk backed by the same 64 MiB file on the machine's tmpfs, read by the
# guest's blkbench (tools/bench/guest-blkbench.c: 4 KiB random reads with
# O_DIRECT at queue depth 1 and 32, 128 KiB sequential reads, SECONDS each)
# under
#   thinrun --disk on thinvisor (io_uring, the module's doorbell and irqfd);
#   QEMU on the machine's KVM, -M microvm with a virtio-blk-device,
#   aio=io_uring and an iothread (the same transport, served in QEMU).
# Neither opens the file with O_DIRECT (tmpfs has none): both read
# through the page cache.  ROUNDS boots each (3 unless told); the medians
# of the guest's figures, and of the exits per I/O: the exits of a boot
# that benchmarks, less those of one that only loads the driver, over the
# reads blkbench did.  Exits are counted by perf on the hypervisor's exit
# tracepoint (thinvisor:tv_exit, kvm:kvm_exit); exits to userspace, on
# KVM kvm:kvm_userspace_exit, on thinvisor the launcher's ioctl returns
# (syscalls:sys_exit_ioctl: every return of TV_RUN, and the few other
# ioctls of a boot, which the idle boot's count takes away).
# Prints
#   bench blk_randread_qd1 thinvisor=<iops> kvm=<iops> ratio=<thinvisor/kvm>
#   bench blk_randread_qd32 thinvisor=<iops> kvm=<iops> ratio=<thinvisor/kvm>
#   bench blk_seqread thinvisor=<MB/s> kvm=<MB/s> ratio=<thinvisor/kvm>
#   bench blk_exits_per_io thinvisor=<n> kvm=<n>
#   bench blk_user_exits_per_io thinvisor=<n> kvm=<n>
# and exits non-zero when a side's boots fail.
rounds=${1:-3}
secs=${2:-3}
. /bin/bench_lib.sh
[ -n "$bench_khz" ] || { echo "blk_bench: no TSC frequency in the kernel log"; exit 1; }
img=/tmp/blkbench.img
rm -f /tmp/blk.hung
dd if=/dev/urandom of=$img bs=65536 count=1024 2>/dev/null || { echo "blk_bench: no image"; exit 1; }

# One boot under perf: "<exits> <user exits> <qd1> <qd32> <seq> <ios>" (the
# last four 0 for an idle boot), or "fail".
boot_once() { # side mode
	side=$1 mode=$2
	case $side in
	thinvisor)
		events=thinvisor:tv_exit,syscalls:sys_exit_ioctl
		set -- thinrun --kernel $kernel --initrd $initrd --mem 256 --cpus 1 --disk $img \
			--cmdline "$cmdline tv.blk=$mode tv.blksecs=$secs" ;;
	kvm)
		events=kvm:kvm_exit,kvm:kvm_userspace_exit
		set -- qemu-microvm -object iothread,id=io0 \
			-drive file=$img,if=none,id=d0,format=raw,aio=io_uring,cache=writeback \
			-device virtio-blk-device,drive=d0,iothread=io0 \
			-append "$cmdline tv.blk=$mode tv.blksecs=$secs" ;;
	esac
	run_bounded blk_bench 300 /tmp/blk.out perf stat -a -x, -e "$events" -o /tmp/blk.stat -- "$@"
	rc=$?
	out=$(tr -d '\r' </tmp/blk.out)
	[ $rc -eq 124 ] && : >/tmp/blk.hung
	if [ $rc -ne 0 ] || ! echo "$out" | grep -q 'thinvisor-guest: init ok' ||
	   { [ "$mode" = bench ] && ! echo "$out" | grep -q 'blkbench qd1'; }; then
		echo "$out" | tail -n 15 | sed 's/^/# /' >&2
		echo "# blk_bench: $side $mode ended with status $rc" >&2
		echo fail
		return
	fi
	exits=$(awk -F, '$3 ~ /_exit$/ && $3 !~ /userspace|ioctl/ { print $1 }' /tmp/blk.stat)
	user=$(awk -F, '$3 ~ /userspace_exit$|sys_exit_ioctl$/ { print $1 }' /tmp/blk.stat)
	line=$(echo "$out" | grep 'thinvisor-guest: blkbench qd1')
	echo "${exits:-0} ${user:-0} $(echo "${line:-qd1_iops=0 qd32_iops=0 seq_mbps=0 ios=0}" |
		sed 's/.*qd1_iops=\([0-9]*\) qd32_iops=\([0-9]*\) seq_mbps=\([0-9]*\) ios=\([0-9]*\).*/\1 \2 \3 \4/')"
}

# "<qd1> <qd32> <seq> <exits/io> <user exits/io>" of a side, or "fail".
side() { # side
	idle=$(boot_once "$1" idle)
	[ "$idle" = fail ] && { echo fail; return; }
	echo "# blk_bench: $1 idle boot: $idle" >&2
	: >/tmp/blk.rounds
	i=0
	failed=0
	while [ $i -lt "$rounds" ]; do
		r=$(boot_once "$1" bench)
		if [ "$r" = fail ]; then
			failed=$((failed + 1))
			# A boot that hung is not tried again: the next would most likely hang too.
			[ $failed -gt 2 ] || [ -f /tmp/blk.hung ] && { echo fail; return; }
			continue
		fi
		echo "# blk_bench: $1 round $((i + 1)): $r" >&2
		echo "$r $idle" | awk '{ printf "%s %s %s %.3f %.3f\n", $3, $4, $5,
			($1 - $7) / $6, ($2 - $8) / $6 }' >>/tmp/blk.rounds
		i=$((i + 1))
	done
	echo "$(median 1 /tmp/blk.rounds) $(median 2 /tmp/blk.rounds) $(median 3 /tmp/blk.rounds)" \
		"$(median 4 /tmp/blk.rounds) $(median 5 /tmp/blk.rounds)"
}

tv=$(side thinvisor)
kv=$(side kvm)
rm -f $img
if [ "$tv" = fail ] || [ "$kv" = fail ]; then
	echo "blk_bench: boots failed (thinvisor: $tv, kvm: $kv)"
	exit 1
fi
echo "$tv $kv" | awk '{
	printf "bench blk_randread_qd1 thinvisor=%d kvm=%d ratio=%.2f\n", $1, $6, $1 / $6
	printf "bench blk_randread_qd32 thinvisor=%d kvm=%d ratio=%.2f\n", $2, $7, $2 / $7
	printf "bench blk_seqread thinvisor=%d kvm=%d ratio=%.2f\n", $3, $8, $3 / $8
	printf "bench blk_exits_per_io thinvisor=%.2f kvm=%.2f\n", $4, $9
	printf "bench blk_user_exits_per_io thinvisor=%.2f kvm=%.2f\n", $5, $10
}'
