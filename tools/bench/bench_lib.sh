# SPDX-License-Identifier: GPL-2.0
# What the benchmarks run inside the SVM test machine (make bench) share,
# sourced by boot_bench, blk_bench and net_bench (installed beside them as
# /bin/bench_lib.sh): the guest, its command line, the machine's network
# end, and the median of rounds.  QEMU's invocation as the KVM peer is
# /bin/qemu-microvm (qemu-microvm.sh).

kernel=/share/vmlinuz
initrd=/share/guest.cpio.gz
# The machine's TSC in kHz, as its kernel calibrated it.
bench_khz=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]*\) MHz.*/\1\2/p' | tail -n 1)
[ -n "$bench_khz" ] ||
	bench_khz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9]*\)\.\([0-9]*\) MHz processor.*/\1\2/p' | tail -n 1)
# Both launchers' guests get the line thinrun puts before its user's
# (userspace/linux.c), with this TSC frequency: thinrun puts its own
# measure first, so this tsc_early_khz=, later, is the one the guest takes.
# tv.nomsrcheck: the guest's /init checks thinvisor's MSRs (msrcheck), which
# KVM's guest fails; neither side does it here.
cmdline="tsc_early_khz=$bench_khz tsc=reliable reboot=acpi panic=-1 pci=off console=ttyS0 tv.cpus=1"
cmdline="$cmdline tv.nomsrcheck"

# The median of column COLUMN of FILE (one round a line).
median() { # column file
	sort -n -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

# The machine's end of the guests' network and vsock (as run-tests.sh's
# net tests set it up): tun, vhost-net, vhost-vsock, and the tap tvtap0
# at 10.0.2.1/24, persistent, which thinrun and QEMU open in turn.
net_setup() {
	for m in tun tap vhost_iotlb vhost vhost_net vsock vmw_vsock_virtio_transport_common \
		 vhost_vsock; do
		grep -q "^$m " /proc/modules || insmod "/lib/modules/$m.ko" || return 1
	done
	[ -d /sys/class/net/tvtap0 ] || sockpipe mktap tvtap0 || return 1
	ip addr add 10.0.2.1/24 dev tvtap0 2>/dev/null
	ip link set tvtap0 up
}

# netbench serve (tools/bench/netbench.c) on the machine's end, for the
# guest's tv.bench= (guest-bench.sh): UDP echo on 7001, a TCP sink on
# 7002, vsock echo on 7003.
net_servers_start() {
	netbench serve udp:10.0.2.1:7001 &
	net_servers="$!"
	netbench serve tcp:10.0.2.1:7002 &
	net_servers="$net_servers $!"
	netbench serve vsock:-1:7003 &
	net_servers="$net_servers $!"
}

net_servers_stop() {
	for p in $net_servers; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	net_servers=
}

# Run a launcher with its output in OUT, for SECONDS at most: KVM nested
# in the emulator has hung a guest in a way timeout(1) did not end.  At
# the bound, the state and kernel stack of every process under it go to
# stderr ("# NAME: stuck ..."), then SIGKILL; status 124.  Else the
# command's status.
run_bounded() { # name seconds out command...
	rb_name=$1 rb_secs=$2 rb_out=$3
	shift 3
	"$@" </dev/null >"$rb_out" 2>&1 &
	rb_pid=$!
	rb_end=$(($(date +%s) + rb_secs))
	while kill -0 $rb_pid 2>/dev/null; do
		if [ "$(date +%s)" -ge $rb_end ]; then
			echo "# $rb_name: $1 still running after $rb_secs s; its last lines:" >&2
			tr -d '\r' <"$rb_out" | tail -n 20 | sed 's/^/#   /' >&2
			for p in $(descendants $rb_pid) $rb_pid; do
				echo "# $rb_name: stuck $p $(cat /proc/$p/comm 2>/dev/null)" \
					"state $(awk '{ print $3 }' /proc/$p/stat 2>/dev/null)" \
					"wchan $(cat /proc/$p/wchan 2>/dev/null)" >&2
				for t in /proc/$p/task/*; do
					sed "s|^|#   ${t##*/proc/}: |" $t/stack 2>/dev/null | head -n 12 >&2
				done
			done
			for p in $rb_pid $(descendants $rb_pid); do kill -9 $p 2>/dev/null; done
			sleep 5
			kill -0 $rb_pid 2>/dev/null && echo "# $rb_name: $1 survived SIGKILL" >&2
			return 124
		fi
		sleep 1
	done
	wait $rb_pid
}

descendants() { # pid
	for c in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$1" '$4 == p { print $1 }'); do
		echo "$c"
		descendants "$c"
	done
}
