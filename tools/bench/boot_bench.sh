#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Boot benchmark, run inside the SVM test machine (make bench): the same
# stock kernel and busybox initramfs (/share/vmlinuz, /share/guest.cpio.gz,
# whose /init prints a marker and powers off), booted with thinrun on
# thinvisor and with QEMU on the machine's own KVM, one after the other
# (the two never hold SVM at once).  Both guests get the same command
# line: the one thinrun puts before its user's (userspace/linux.c:
# tsc_early_khz=, tsc=reliable, reboot=acpi, panic=-1, pci=off), with the
# TSC frequency the machine's kernel found, given to both.  For each, over
# ROUNDS boots (5 unless told), the median of:
#   wall   seconds from the launcher's start to its exit (/proc/uptime);
#   init   the guest's own uptime when its /init ran (guest-init.sh prints
#          it): the guest's boot, without the launcher's start and end;
#   exits  VM exits of the whole boot, counted by perf on the hypervisor's
#          own exit tracepoint (thinvisor:tv_exit, kvm:kvm_exit).
# Prints
#   bench boot_wall thinvisor=<s> kvm=<s> ratio=<thinvisor/kvm>
#   bench boot_guest_init thinvisor=<s> kvm=<s> ratio=<thinvisor/kvm>
#   bench boot_exits thinvisor=<count> kvm=<count> ratio=<thinvisor/kvm>
#   bench boot_failed thinvisor=<n> kvm=<n>   (boots tried again, below)
#   bench boot_rss thinrun_over_guest_kib=<n> thinrun_peak_kib=<n> guest_kib=<n> qemu_peak_kib=<n> devices=disk,rng,net,vsock
# from one more boot of each, outside perf: thinrun's own peak RSS less
# the guest memory it pins (thinrun --stats), with every device thinrun
# has attached and in use (the aim: under 1024 KiB), and QEMU's peak RSS as
# busybox time saw it (with the guest pages its guest touched, since QEMU
# does not pin them, and with no device; so not comparable line for line).
# and exits non-zero when three boots of one side do not end with the marker.
rounds=${1:-5}
. /bin/bench_lib.sh
[ -n "$bench_khz" ] || { echo "boot_bench: no TSC frequency in the kernel log"; exit 1; }
echo "# boot_bench: both guests get: $cmdline" >&2
marker="thinvisor-guest: init ok, cpus=1 "

uptime_cs() { # centiseconds since boot
	awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime
}

# One boot under perf: prints "<seconds> <exits> <guest's uptime at init>", or "fail" and the
# launcher's last lines on stderr.
boot_once() { # event command...
	event=$1
	shift
	t0=$(uptime_cs)
	out=$(perf stat -a -x, -e "$event" -o /tmp/boot.stat -- timeout -k 10 300 "$@" </dev/null 2>&1)
	rc=$?
	t1=$(uptime_cs)
	if [ $rc -ne 0 ] || ! echo "$out" | grep -q "$marker"; then
		echo "$out" | tail -n 15 | sed 's/^/# /' >&2
		echo "# boot_bench: $1 ended with status $rc" >&2
		echo fail
		return
	fi
	exits=$(awk -F, -v e="$event" '$3 == e { print $1 }' /tmp/boot.stat)
	up=$(echo "$out" | tr -d '\r' | sed -n 's/^thinvisor-guest: .*, up \([0-9.]*\) s$/\1/p' | tail -n 1)
	if [ -z "$up" ]; then
		echo "# boot_bench: $1: the guest did not say its uptime" >&2
		echo fail
		return
	fi
	echo "$t0 $t1 ${exits:-0} $up" | awk '{ printf "%.2f %d %.2f\n", ($2 - $1) / 100, $3, $4 }'
}

# The median of the rounds' boots: "<seconds> <exits> <failed boots> <init s>", or
# "fail".  A failed boot is counted and tried again, twice at most in all:
# KVM nested in the emulator has reset a guest halfway through its boot.
median_boot() { # event command...
	: >/tmp/boots
	i=0
	failed=0
	while [ $i -lt "$rounds" ]; do
		r=$(boot_once "$@")
		if [ "$r" = fail ]; then
			failed=$((failed + 1))
			[ $failed -gt 2 ] && { echo fail; return; }
			continue
		fi
		echo "$r" >>/tmp/boots
		echo "# boot_bench: $1 round $((i + 1)): $r" >&2
		i=$((i + 1))
	done
	sort -n -k1 /tmp/boots | awk '{ w[NR] = $1 } END { printf "%s ", w[int((NR + 1) / 2)] }'
	sort -n -k2 /tmp/boots | awk -v f=$failed '{ e[NR] = $2 } END { printf "%s %s ", e[int((NR + 1) / 2)], f }'
	sort -n -k3 /tmp/boots | awk '{ u[NR] = $3 } END { print u[int((NR + 1) / 2)] }'
}

tv=$(median_boot thinvisor:tv_exit thinrun --kernel $kernel --initrd $initrd \
	--mem 256 --cpus 1 --cmdline "$cmdline")
# QEMU's leanest machine (qemu-microvm.sh).
kvm=$(median_boot kvm:kvm_exit qemu-microvm -append "$cmdline")
# One boot each for memory.  thinrun's with every device it has attached
# and driven by the guest's own drivers (guest-bench.sh tv.bench=devices):
# a 64 MiB disk, virtio-rng, virtio-net on vhost-net and the tap tvtap0,
# vsock on vhost-vsock.  "<launcher KiB> <peak KiB> <guest KiB>" from
# thinrun --stats; while the guest holds still at its end, what thinrun
# holds goes to the log (rss_breakdown).  Then QEMU's peak KiB (no
# devices).

# thinrun's every resident mapping but the guest's memory, each as
# "# boot_bench: rss NAME PERMS N KiB" (file-backed: the binary; anon:
# heap, stacks, rings), then their sum and the kernel's own counts
# (/proc/PID/status) at that moment, and how the kernel maps file pages
# in (fault-around, transparent huge pages): thinrun's text is mapped
# from the initramfs' page cache, fault_around_bytes at a time.
rss_breakdown() { # pid
	awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 ? $6 : "[anon]"; perms = $2 }
	     /^Rss:/ && $2 > 0 && $2 < 200000 {
		printf "# boot_bench: rss %s %s %d KiB\n", name, perms, $2
		sum += $2
	     }
	     END { printf "# boot_bench: rss sum of the above %d KiB\n", sum }' /proc/$1/smaps
	grep -E '^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem|Threads):' /proc/$1/status |
		tr -s ' \t' ' ' | sed 's/^/# boot_bench: rss status /'
	echo "# boot_bench: rss fault_around_bytes $(cat /sys/kernel/debug/fault_around_bytes 2>/dev/null)," \
		"thp $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
}

# The boot with every device: prints "<launcher KiB> <peak KiB> <guest
# KiB>", or nothing when it failed (why, on stderr).
rss_boot() {
	dd if=/dev/zero of=/tmp/rss.img bs=65536 count=1024 2>/dev/null
	net_servers_start >&2
	thinrun --stats --kernel $kernel --initrd $initrd --mem 256 --cpus 1 \
		--disk /tmp/rss.img --rng --net tap=tvtap0 --vsock 3 \
		--cmdline "$cmdline tv.bench=devices" </dev/null >/tmp/rss.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q 'bench devices ok' /tmp/rss.out && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.5
		i=$((i + 1))
	done
	rss_breakdown $pid >&2
	wait $pid
	st=$?
	net_servers_stop
	rm -f /tmp/rss.img
	tr -d '\r' </tmp/rss.out | grep -E 'thinvisor-guest: bench|FAILED|^thinrun: (peak|virtio)' |
		sed 's/^/# boot_bench: devices boot: /' >&2
	if [ $st -eq 0 ] && grep -q 'bench devices ok' /tmp/rss.out; then
		sed -n 's/^thinrun: peak RSS \([0-9]*\) KiB: guest memory \([0-9]*\) KiB, launcher \(-*[0-9]*\) KiB$/\3 \1 \2/p' /tmp/rss.out
	else
		echo "# boot_bench: the boot with every device ended with status $st" >&2
		tail -n 15 /tmp/rss.out | sed 's/^/# /' >&2
	fi
}

rss=
if net_setup; then
	rss=$(rss_boot)
	# tv.rssfaultaround=BYTES on the machine's command line: one more
	# boot, with the kernel's fault-around at BYTES, to tell the pages
	# thinrun touches from those mapped around them.  Only to the log:
	# the line is measured as the machine comes.
	fa=$(sed -n 's/.*tv\.rssfaultaround=\([0-9]*\).*/\1/p' /proc/cmdline)
	if [ -n "$fa" ] && old_fa=$(cat /sys/kernel/debug/fault_around_bytes); then
		echo "$fa" >/sys/kernel/debug/fault_around_bytes
		echo "# boot_bench: rss with fault_around_bytes $fa: $(rss_boot)" >&2
		echo "$old_fa" >/sys/kernel/debug/fault_around_bytes
	fi
else
	echo "# boot_bench: no tap or vhost in this machine" >&2
fi
busybox time -f %M -o /tmp/qemu.rss qemu-microvm -append "$cmdline" </dev/null >/dev/null 2>&1
qemu_rss=$(tail -n 1 /tmp/qemu.rss)
if [ "$tv" = fail ] || [ "$kvm" = fail ]; then
	echo "boot_bench: a boot failed (thinvisor: $tv, kvm: $kvm)"
	exit 1
fi
echo "$tv $kvm" | awk '{
	printf "bench boot_wall thinvisor=%.2f kvm=%.2f ratio=%.2f\n", $1, $5, $1 / $5
	printf "bench boot_guest_init thinvisor=%.2f kvm=%.2f ratio=%.2f\n", $4, $8, $4 / $8
	printf "bench boot_exits thinvisor=%d kvm=%d ratio=%.2f\n", $2, $6, $2 / $6
	printf "bench boot_failed thinvisor=%d kvm=%d\n", $3, $7
}'
if [ -z "$rss" ]; then
	echo "boot_bench: no peak RSS from thinrun --stats with every device"
	exit 1
fi
echo "$rss $qemu_rss" | awk '{
	printf "bench boot_rss thinrun_over_guest_kib=%d thinrun_peak_kib=%d guest_kib=%d qemu_peak_kib=%s devices=disk,rng,net,vsock\n",
		$1, $2, $3, $4
}'
