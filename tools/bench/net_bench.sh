#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Network and vsock benchmark, run inside the SVM test machine (make
# bench) after blk_bench: the same stock kernel and busybox initramfs,
# the guest at 10.0.2.15 on the machine's tap tvtap0 (10.0.2.1), vsock
# CID 3, and netbench (tools/bench/netbench.c) at both ends: the guest's
# client (guest-bench.sh, tv.bench=net) against the machine's servers
# (bench_lib.sh net_servers_start).  One boot each of
#   thinvisor  thinrun --net tap=tvtap0 --vsock 3 (vhost-net and
#              vhost-vsock, kicks and interrupts through the module);
#   kvm_vhost  QEMU on the machine's KVM (qemu-microvm.sh) with a
#              virtio-net-device on -netdev tap,vhost=on and a
#              vhost-vsock-device;
#   kvm_user   the same with vhost=off (QEMU's own network in its
#              userspace) and no vsock;
# in which the guest runs ROUNDS rounds (3 unless told) of SECONDS (3)
# of each test and reports the median:
#   udp rr      a 1-byte datagram to the machine's echo and back, one at
#               a time: transactions per second;
#   tcp stream  64 KiB writes to the machine's sink, until it has them
#               all: MB/s (10^6 bytes);
#   vsock rr    1 byte over a vsock stream to the machine's echo and back.
# Prints
#   bench net_rr_udp thinvisor=<t/s> kvm_vhost=<t/s> kvm_user=<t/s> ratio=<thinvisor/kvm_vhost>
#   bench net_stream_tcp thinvisor=<MB/s> kvm_vhost=<MB/s> kvm_user=<MB/s> ratio=<thinvisor/kvm_vhost>
#   bench vsock_rr thinvisor=<t/s> kvm=<t/s> ratio=<thinvisor/kvm>
# and exits non-zero when a side's boots fail (twice).
rounds=${1:-3}
secs=${2:-3}
. /bin/bench_lib.sh
[ -n "$bench_khz" ] || { echo "net_bench: no TSC frequency in the kernel log"; exit 1; }
net_setup || { echo "net_bench: no tap or vhost in this machine"; exit 1; }
net_servers_start
rm -f /tmp/net.hung
guest="$cmdline tv.bench=net tv.benchsecs=$secs tv.benchrounds=$rounds"

# One boot: "<udp rr> <tcp MB/s> <vsock rr>" (vsock 0 where not asked),
# or "fail".
boot_once() { # side
	side=$1
	case $1 in
	thinvisor)
		set -- thinrun --kernel $kernel --initrd $initrd --mem 256 --cpus 1 \
			--net tap=tvtap0 --vsock 3 --cmdline "$guest tv.benchvsock=1" ;;
	kvm_vhost)
		set -- qemu-microvm -netdev tap,id=n0,ifname=tvtap0,script=no,downscript=no,vhost=on \
			-device virtio-net-device,netdev=n0 -device vhost-vsock-device,guest-cid=3 \
			-append "$guest tv.benchvsock=1" ;;
	kvm_user)
		set -- qemu-microvm -netdev tap,id=n0,ifname=tvtap0,script=no,downscript=no,vhost=off \
			-device virtio-net-device,netdev=n0 -append "$guest" ;;
	esac
	run_bounded net_bench 400 /tmp/net.out "$@"
	rc=$?
	out=$(tr -d '\r' </tmp/net.out)
	[ $rc -eq 124 ] && : >/tmp/net.hung
	if [ $rc -ne 0 ] || ! echo "$out" | grep -q 'thinvisor-guest: init ok'; then
		echo "$out" | tail -n 15 | sed 's/^/# /' >&2
		echo "# net_bench: $side ended with status $rc" >&2
		echo fail
		return
	fi
	echo "$out" | grep 'thinvisor-guest: bench netbench' | sed "s/^thinvisor-guest: bench /# net_bench: $side: /" >&2
	fig() { # test
		v=$(echo "$out" | sed -n "s/.*bench netbench $1 .*median=\([0-9.]*\).*/\1/p")
		echo "${v:-0}"
	}
	echo "$(fig udp_rr) $(fig tcp_stream) $(fig vsock_rr)"
}

# A boot that failed is tried once more; one that hung (run_bounded's
# 124) is not: the next would most likely hang as long.
side() { # side
	for try in 1 2; do
		r=$(boot_once "$1")
		[ "$r" != fail ] || [ -f /tmp/net.hung ] && break
	done
	echo "$r"
}

tv=$(side thinvisor)
kv=$(side kvm_vhost)
ku=$(side kvm_user)
net_servers_stop
if [ "$tv" = fail ] || [ "$kv" = fail ] || [ "$ku" = fail ]; then
	echo "net_bench: boots failed (thinvisor: $tv, kvm_vhost: $kv, kvm_user: $ku)"
	exit 1
fi
echo "$tv $kv $ku" | awk '
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "none" }
{
	printf "bench net_rr_udp thinvisor=%d kvm_vhost=%d kvm_user=%d ratio=%s\n", $1, $4, $7, ratio($1, $4)
	printf "bench net_stream_tcp thinvisor=%.1f kvm_vhost=%.1f kvm_user=%.1f ratio=%s\n", $2, $5, $8, ratio($2, $5)
	printf "bench vsock_rr thinvisor=%d kvm=%d ratio=%s\n", $3, $6, ratio($3, $6)
}'
