#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Run by the guest's /init (guest-init.sh) when the command line has
# tv.rng: load the cloud kernel's own virtio modules (virtio, virtio_ring,
# virtio_mmio, virtio-rng), which find thinrun's virtio-mmio device through
# the ACPI DSDT, and read /dev/hwrng.  Prints "thinvisor-guest: rng ok ..."
# and returns 0, or prints "rng FAILED" and returns 1.
bb=/bin/busybox
fail() {
	echo "thinvisor-guest: rng FAILED, $*"
	exit 1
}
# virtio_ring first: virtio.ko takes virtio_break_device() from it.
for m in virtio_ring virtio virtio_mmio virtio-rng; do
	$bb insmod /lib/modules/$m.ko || fail "insmod $m"
done
$bb mkdir -p /dev /tmp
$bb mount -t devtmpfs dev /dev 2>/dev/null
cur=$($bb cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
case $cur in
virtio_rng.*) ;;
*) fail "rng_current is '$cur'" ;;
esac
[ -c /dev/hwrng ] || fail "no /dev/hwrng"
# 16 KiB: 256 requests of the driver's 64-byte buffer.
$bb head -c 16384 /dev/hwrng >/tmp/rng1 || fail "read of /dev/hwrng"
$bb head -c 16384 /dev/hwrng >/tmp/rng2 || fail "second read of /dev/hwrng"
n=$($bb wc -c </tmp/rng1)
[ "$n" = 16384 ] || fail "read $n bytes of 16384"
# Random bytes: about 1 in 256 is zero (64 here); all-zero or repeated reads are not random.
nonzero=$($bb tr -d '\000' </tmp/rng1 | $bb wc -c)
[ "$nonzero" -gt 16000 ] || fail "only $nonzero of 16384 bytes nonzero"
s1=$($bb md5sum </tmp/rng1)
s2=$($bb md5sum </tmp/rng2)
[ "$s1" != "$s2" ] || fail "two reads gave the same bytes"
irqs=$($bb grep virtio /proc/interrupts | $bb tr -s ' ')
echo "thinvisor-guest: rng ok, $cur, read 2 x $n bytes; interrupts:$irqs"
