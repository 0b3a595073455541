#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Run by the guest's /init (guest-init.sh) when the command line has
# tv.net: thinrun gave the guest --net (a tap in the test machine at
# 10.0.2.1) and --vsock 3, with the machine listening as
# run-tests.sh's test_virtio_net describes.  Loads the kernel's own
# virtio_net and vsock modules, configures eth0 with busybox, and:
#   pings the machine (100 times, each answer awaited);
#   sends a file of random bytes to the machine (TCP 5001) and receives
#   one from it (TCP 5002), printing the md5 of each for the machine to
#   compare;
#   sends a message to the machine's vsock listener (CID 2, port 6001)
#   and checks its echo; then echoes what the machine sends to its own
#   listener (port 6002).
# With tv.net=ping only the ping runs (and no vsock is needed).
# Prints "thinvisor-guest: net ..." lines; returns 0, or 1 with a FAILED line.
bb=/bin/busybox
size=${1:-1048576}
fail() {
	echo "thinvisor-guest: net FAILED, $*"
	exit 1
}
# virtio_ring first: virtio.ko takes virtio_break_device() from it.
for m in virtio_ring virtio virtio_mmio failover net_failover virtio_net vsock \
	 vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport; do
	$bb insmod /lib/modules/$m.ko || fail "insmod $m"
done
$bb mkdir -p /dev /tmp
$bb mount -t devtmpfs dev /dev 2>/dev/null
if=
for d in /sys/class/net/*; do
	[ "$($bb cat "$d/type")" = 1 ] && [ "${d##*/}" != lo ] && if=${d##*/}
done
[ -n "$if" ] || fail "no Ethernet interface"
echo "thinvisor-guest: net $if mac $($bb cat /sys/class/net/$if/address)," \
	"virtio features $($bb cat /sys/class/net/$if/device/features)"
$bb ifconfig lo 127.0.0.1 up
$bb ifconfig "$if" 10.0.2.15 netmask 255.255.255.0 up || fail "ifconfig $if"
# Carrier: the device's STATUS says the link is up.
[ "$($bb cat /sys/class/net/$if/carrier)" = 1 ] || fail "$if has no carrier"
$bb ping -c 100 -A -W 10 10.0.2.1 >/tmp/ping 2>&1 || { $bb cat /tmp/ping; fail "ping 10.0.2.1"; }
echo "thinvisor-guest: net ping ok, $($bb tail -n 2 /tmp/ping | $bb head -n 1)"
# tv.net=ping (the README's networked guest): the ping is all; no peer
# listens for the transfers or vsock.
$bb grep -q 'tv\.net=ping' /proc/cmdline && exit 0

$bb head -c "$size" /dev/urandom >/tmp/up
/bin/sockpipe -t 120 connect tcp:10.0.2.1:5001 send /tmp/up >/dev/null || fail "send to 10.0.2.1:5001"
echo "thinvisor-guest: net sent $($bb wc -c </tmp/up) bytes md5 $($bb md5sum </tmp/up | $bb cut -d' ' -f1)"
/bin/sockpipe -t 120 connect tcp:10.0.2.1:5002 recv >/tmp/down || fail "receive from 10.0.2.1:5002"
echo "thinvisor-guest: net received $($bb wc -c </tmp/down) bytes md5 $($bb md5sum </tmp/down | $bb cut -d' ' -f1)"

echo "guest to host over vsock" >/tmp/msg
/bin/sockpipe -t 60 connect vsock:2:6001 send /tmp/msg >/tmp/echo || fail "vsock connect to 2:6001"
$bb cmp -s /tmp/msg /tmp/echo || fail "vsock echo from the host: '$($bb cat /tmp/echo)'"
echo "thinvisor-guest: vsock echo from the host ok"
echo "thinvisor-guest: vsock listening on 6002"
/bin/sockpipe -t 60 listen vsock:-1:6002 echo || fail "vsock echo for the host"
echo "thinvisor-guest: vsock echo for the host done"

s=/sys/class/net/$if/statistics
echo "thinvisor-guest: net ok, packets rx $($bb cat $s/rx_packets) tx $($bb cat $s/tx_packets)," \
	"errors rx $($bb cat $s/rx_errors) tx $($bb cat $s/tx_errors);" \
	"interrupts:$($bb grep virtio /proc/interrupts | $bb tr -s ' ' | $bb tr '\n' ';')"
