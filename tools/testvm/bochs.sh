#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel and initramfs in Bochs (Intel VMX + EPT + unrestricted
# guest), the serial console going to a file.  Bochs has no -kernel: the
# kernel, initramfs and a syslinux.cfg go on a flat FAT16 disk image.
# Usage: bochs.sh KERNEL INITRD CMDLINE SERIAL WORKDIR
set -uo pipefail
kernel=$1 initrd=$2 cmdline=$3 serial=$4 work=$5
timeout_s=${TESTVM_BOCHS_TIMEOUT:-600}
rm -rf "$work"
mkdir -p "$work"

# Bochs works out the disk geometry itself when the size is a multiple of
# 16 heads * 63 sectors * 512 bytes.
unit=516096
need=$(($(stat -c %s "$kernel") + $(stat -c %s "$initrd") + 4 * 1024 * 1024))
size=$(((need + unit - 1) / unit * unit))
img=$work/disk.img
truncate -s "$size" "$img"
mkfs.vfat -F 16 -n TESTVM "$img" >/dev/null
cat >"$work/syslinux.cfg" <<CFG
DEFAULT testvm
PROMPT 0
TIMEOUT 0
LABEL testvm
  KERNEL vmlinuz
  INITRD initrd
  APPEND $cmdline
CFG
mcopy -i "$img" "$kernel" ::vmlinuz
mcopy -i "$img" "$initrd" ::initrd
mcopy -i "$img" "$work/syslinux.cfg" ::syslinux.cfg
syslinux --install "$img"

cat >"$work/bochsrc" <<RC
memory: guest=1024, host=1024
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=corei7_skylake_x, count=1, ips=100000000, reset_on_triple_fault=0
ata0-master: type=disk, path="$img", mode=flat
boot: disk
com1: enabled=1, mode=file, dev="$serial"
display_library: rfb, options="timeout=0"
sound: driver=dummy
speaker: enabled=0
clock: sync=none
panic: action=fatal
log: $work/bochs.log
RC
echo c >"$work/rc.txt"

# Bochs exits 1 even after a clean poweroff: the serial log is the verdict.
timeout --foreground "$timeout_s" bochs-bin -q -f "$work/bochsrc" -rc "$work/rc.txt" \
	</dev/null >"$work/bochs.out" 2>&1
status=$?
[ $status -eq 124 ] && echo "testvm: Bochs timed out after $timeout_s s" >&2
exit $status
