#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel and initramfs in Bochs (Intel VMX + EPT + unrestricted
# guest), the serial console going to a file.  Bochs has no -kernel: the
# kernel, initramfs and a syslinux.cfg go on a flat FAT16 disk image.
# Usage: bochs.sh KERNEL INITRD CMDLINE SERIAL WORKDIR
set -uo pipefail
kernel=$1 initrd=$2 cmdline=$3 serial=$4 work=$5
timeout_s=${TESTVM_BOCHS_TIMEOUT:-2400}
# TESTVM_BOCHS_MODEL: Bochs' CPU model (a VMX CPU without EPT for the
# refusal); TESTVM_BOCHS_CPUS: how many (all emulated in one host thread).
model=${TESTVM_BOCHS_MODEL:-corei7_skylake_x}
cpus=${TESTVM_BOCHS_CPUS:-1}
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
cpu: model=$model, count=$cpus, ips=100000000, reset_on_triple_fault=0
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

# TESTVM_BOCHS_DEBUG=1: when the serial log stops growing for
# TESTVM_BOCHS_STALL seconds (default 120), or at the timeout, break into
# Bochs' debugger and write the CPU's state to WORKDIR/debug.txt.
#
# Otherwise a machine whose console says nothing for TESTVM_BOCHS_QUIET
# seconds (default 900; the longest silent stretch seen, a Linux guest's
# boot inside the machine, is a few minutes) is taken as hung and stopped
# then, status 125, rather than at the timeout: a hang costs minutes, not
# the whole lane.  0 turns this off.
serial_size() {
	stat -c %s "$serial" 2>/dev/null || echo 0
}

if [ -z "${TESTVM_BOCHS_DEBUG:-}" ]; then
	quiet_s=${TESTVM_BOCHS_QUIET:-900}
	# Bochs exits 1 even after a clean poweroff: the serial log is the verdict.
	timeout --foreground "$timeout_s" bochs-bin -q -f "$work/bochsrc" -rc "$work/rc.txt" \
		</dev/null >"$work/bochs.out" 2>&1 &
	pid=$!
	last_size=-1
	last_change=$(date +%s)
	while kill -0 $pid 2>/dev/null; do
		sleep 5
		size=$(serial_size)
		if [ "$size" != "$last_size" ]; then
			last_size=$size
			last_change=$(date +%s)
		elif [ "$quiet_s" -gt 0 ] && [ $(($(date +%s) - last_change)) -ge "$quiet_s" ]; then
			echo "testvm: Bochs' console said nothing for $quiet_s s: stopped as hung" >&2
			kill $pid
			wait $pid 2>/dev/null
			exit 125
		fi
	done
	wait $pid
	status=$?
	[ $status -eq 124 ] && echo "testvm: Bochs timed out after $timeout_s s" >&2
	exit $status
fi

stall_s=${TESTVM_BOCHS_STALL:-120}
fifo=$work/debugger.fifo
mkfifo "$fifo"
exec 3<>"$fifo"
bochs-bin -q -f "$work/bochsrc" -rc "$work/rc.txt" <&3 >"$work/bochs.out" 2>&1 &
pid=$!
start=$(date +%s)
last_size=-1
last_change=$start
while kill -0 $pid 2>/dev/null; do
	sleep 5
	now=$(date +%s)
	size=$(serial_size)
	if [ "$size" != "$last_size" ]; then
		last_size=$size
		last_change=$now
	fi
	[ $((now - last_change)) -ge "$stall_s" ] && break
	[ $((now - start)) -ge "$timeout_s" ] && break
done
if ! kill -0 $pid 2>/dev/null; then
	wait $pid
	exit $?
fi
status=124
{
	echo "testvm: Bochs stalled or timed out, breaking into its debugger" >&2
	before=$(wc -l <"$work/bochs.out")
	kill -INT $pid
	sleep 3
	# show "cpu0" is the CPU's whole state as Bochs keeps it: the local
	# APIC (IRR, ISR, timer), the cached VMCS controls, pending_event and
	# event_mask.
	dump=(r sreg creg dreg "info flags" "info tss" "print-stack 16"
	      "u /16" s s s s s s s s r 'show "cpu0"' "info device ioapic"
	      "info device pic")
	# TESTVM_BOCHS_DEBUG_CMDS: more debugger commands, separated by ';'.
	IFS=';' read -ra more <<<"${TESTVM_BOCHS_DEBUG_CMDS:-}"
	for c in "${dump[@]}" "${more[@]}"; do
		echo "$c" >&3
		sleep 1
	done
	# Leave the chance to add commands by hand: echo CMD >FIFO.
	sleep "${TESTVM_BOCHS_DEBUG_HOLD:-5}"
	echo q >&3
	sleep 5
	kill $pid 2>/dev/null
}
wait $pid 2>/dev/null
exec 3>&-
tail -n +$((before + 1)) "$work/bochs.out" >"$work/debug.txt"
echo "testvm: CPU state in $work/debug.txt" >&2
exit $status
