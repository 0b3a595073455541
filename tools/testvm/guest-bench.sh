#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Run by the guest's /init (guest-init.sh) when the command line has
# tv.bench=MODE: the guest's side of make bench's network benchmarks
# (tools/bench/net_bench.sh, boot_bench.sh), with the machine at
# 10.0.2.1 (the tap tvtap0) running netbench serve on udp 7001, tcp 7002
# and vsock 7003.  The guest is 10.0.2.15.
#   net      netbench rr over UDP, a TCP stream, and (tv.benchvsock=1)
#            rr over vsock to CID 2: tv.benchsecs= seconds (5) a round,
#            tv.benchrounds= rounds (3); prints the client's lines.
#   devices  every device thinrun has (disk, rng, net, vsock) driven a
#            little by its own driver, for boot_bench's boot_rss: 4 MiB
#            read from vda, 16 KiB from /dev/hwrng, a second of each
#            netbench test.
# Prints "thinvisor-guest: bench ..." lines; returns 0, or 1 with a FAILED line.
bb=/bin/busybox
arg() { # name default
	v=$($bb sed -n "s/.*tv\\.$1=\\([0-9a-z]*\\).*/\\1/p" /proc/cmdline)
	echo "${v:-$2}"
}
mode=$(arg bench "")
fail() {
	echo "thinvisor-guest: bench FAILED, $*"
	exit 1
}
mods="virtio_ring virtio virtio_mmio failover net_failover virtio_net vsock"
mods="$mods vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport"
[ "$mode" = devices ] && mods="$mods virtio_blk virtio-rng"
# virtio_ring first: virtio.ko takes virtio_break_device() from it.
for m in $mods; do
	[ -d /sys/module/$(echo $m | $bb tr - _) ] || $bb insmod /lib/modules/$m.ko || fail "insmod $m"
done
$bb mkdir -p /dev /tmp
$bb mount -t devtmpfs dev /dev 2>/dev/null
if=
for d in /sys/class/net/*; do
	[ "$($bb cat "$d/type")" = 1 ] && [ "${d##*/}" != lo ] && if=${d##*/}
done
[ -n "$if" ] || fail "no Ethernet interface"
$bb ifconfig lo 127.0.0.1 up
$bb ifconfig "$if" 10.0.2.15 netmask 255.255.255.0 up || fail "ifconfig $if"
# The first answer: the machine's end is there and ARP is done.
$bb ping -c 1 -W 10 10.0.2.1 >/dev/null 2>&1 || fail "no answer from 10.0.2.1"

case $mode in
net)
	secs=$(arg benchsecs 5)
	rounds=$(arg benchrounds 3)
	r=$(/bin/netbench rr udp:10.0.2.1:7001 "$secs" "$rounds") || fail "udp rr"
	echo "thinvisor-guest: bench $r"
	r=$(/bin/netbench stream tcp:10.0.2.1:7002 "$secs" "$rounds") || fail "tcp stream"
	echo "thinvisor-guest: bench $r"
	if [ "$(arg benchvsock 0)" = 1 ]; then
		r=$(/bin/netbench rr vsock:2:7003 "$secs" "$rounds") || fail "vsock rr"
		echo "thinvisor-guest: bench $r"
	fi
	;;
devices)
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
		$bb sleep 0.1
		i=$((i + 1))
	done
	$bb dd if=/dev/vda of=/dev/null bs=65536 count=64 iflag=direct 2>/dev/null || fail "read vda"
	$bb head -c 16384 /dev/hwrng >/dev/null || fail "read /dev/hwrng"
	for t in "rr udp:10.0.2.1:7001" "stream tcp:10.0.2.1:7002" "rr vsock:2:7003"; do
		# shellcheck disable=SC2086 # the test and its address
		r=$(/bin/netbench $t 1 1) || fail "netbench $t"
		echo "thinvisor-guest: bench $r"
	done
	echo "thinvisor-guest: bench devices ok"
	# boot_bench reads the launcher's mappings meanwhile.
	$bb sleep 3
	;;
*)
	fail "unknown tv.bench=$mode"
	;;
esac
exit 0
