#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one emulated test machine and collect what it reports.
#   svm    QEMU TCG, -cpu EPYC,+svm,+npt       (AMD SVM + NPT)
#   svm57  QEMU TCG, -cpu max,+svm,+npt        (the same, host kernel with LA57)
#   vmx    Bochs, corei7_skylake_x             (Intel VMX + EPT)
#   nosvm  QEMU TCG, a CPU without SVM         (the load refusal)
#   demo   the SVM machine running thinrun
#   bench  the SVM machine running the benchmarks beside KVM
# Writes build/test/MODE.tap and build/test/MODE.serial; exits non-zero on
# any failure, and when the machine hangs, panics or runs no test.
set -uo pipefail
mode=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tools/testvm
out=$top/build/test
vmdir=$top/build/testvm
mkdir -p "$out" "$vmdir"
# No result of an earlier run may stand for this one, whatever fails below.
rm -f "$out/$mode.tap" "$out/$mode.tap.summary"

kver=$("$here/kver.sh")
[ -n "$kver" ] || { echo "testvm: no cloud kernel installed: run 'make deps'" >&2; exit 1; }
kernel=/boot/vmlinuz-$kver
module=$("$here/module-for.sh" "$kver") || exit 1

initrd=$vmdir/initramfs-$mode.cpio.gz
case $mode in svm | svm57) export TESTVM_PERF=1 ;; esac
[ "$mode" = bench ] && export TESTVM_PERF=1 TESTVM_QEMU=1
# The machine's own kernel and a busybox initramfs, as a guest for
# thinrun --kernel (/share/vmlinuz, /share/guest.cpio.gz); in Bochs not
# when its vCPUs are off (TESTVM_VMX_VCPUS=0), since the 15 MiB more of
# initramfs cost Bochs' BIOS time to load.
guest=
case $mode in
svm | svm57 | demo | bench) guest=yes ;;
vmx) [ "${TESTVM_VMX_VCPUS:-1}" != 0 ] && guest=yes ;;
esac
guest_files=
if [ -n "$guest" ]; then
	# One per machine: make test boots the machines side by side.
	"$here/mkguestinitrd.sh" "$vmdir/$mode/guest.cpio.gz" || exit 1
	guest_files="$kernel $vmdir/$mode/guest.cpio.gz"
fi
"$here/mkinitramfs.sh" "$initrd" "$kver" "$module" \
	"$top/build/selftests" "$top/build/selftests/helpers" "$top/build/thinrun" \
	"$top/build/bench/exit_bench" "$top/build/demo/hello.bin" "$top/build/demo/uart_irq.bin" $guest_files || exit 1

serial=$out/$mode.serial
rm -f "$serial"
cmdline="console=ttyS0 loglevel=1 panic=-1 tv.mode=$mode"
# TESTVM_TESTS=apic_test,run_test: run only these selftest binaries.
[ -n "${TESTVM_TESTS:-}" ] && cmdline="$cmdline tv.tests=$TESTVM_TESTS"
# TESTVM_REPEAT=N: run the selftest binaries N times over in each boot.
[ -n "${TESTVM_REPEAT:-}" ] && cmdline="$cmdline tv.repeat=$TESTVM_REPEAT"
# TESTVM_LOOP=N:boot or N:signal: only boot the Linux guest N times over,
# or only run the two signal tests N times over (run-tests.sh).
[ -n "${TESTVM_LOOP:-}" ] && cmdline="$cmdline tv.loop=$TESTVM_LOOP"
# TESTVM_CMDLINE: more of the machine's kernel command line (nokaslr;
# tv.full=N: the last N lines of a failed thinrun guest boot rather than 40).
[ -n "${TESTVM_CMDLINE:-}" ] && cmdline="$cmdline $TESTVM_CMDLINE"
start=$(date +%s)
case $mode in
svm | svm57 | demo | bench | nosvm)
	cpu=EPYC,+svm,+npt,+pdpe1gb
	[ "$mode" = nosvm ] && cpu=EPYC,-svm
	# QEMU's richest CPU offers LA57, and the machine's kernel (built
	# with X86_5LEVEL) then runs with 5-level paging, as on a Zen 4 or
	# Ice Lake server: never hide it with no5lvl here.
	[ "$mode" = svm57 ] && cpu=max,+svm,+npt,+pdpe1gb
	# One 1 GiB page for the test of 1 GiB NPT leaves.
	case $mode in svm | svm57) cmdline="$cmdline hugepagesz=1G hugepages=1" ;; esac
	timeout --foreground 1200 qemu-system-x86_64 -M q35 -cpu "$cpu" -smp 2 -m 4G \
		-accel tcg,thread=multi -kernel "$kernel" -initrd "$initrd" \
		-append "$cmdline" -display none -monitor none -serial "file:$serial" \
		-no-reboot </dev/null 2>"$out/$mode.qemu.log"
	status=$?
	;;
vmx)
	# Every selftest in one boot, bounded by TESTVM_BOCHS_TIMEOUT;
	# TESTVM_VMX_SHARDS=N spreads them over N boots instead.
	# TESTVM_VMX_VCPUS=0 loads the module with vmx_vcpus=0.
	shards=${TESTVM_VMX_SHARDS:-1}
	[ "${TESTVM_VMX_VCPUS:-1}" = 0 ] && cmdline="$cmdline tv.modparams=vmx_vcpus=0"
	[ -n "${TESTVM_TESTS:-}" ] && shards=1
	status=0
	for i in $(seq 0 $((shards - 1))); do
		part=$serial.$i
		rm -f "$part"
		"$here/bochs.sh" "$kernel" "$initrd" "$cmdline tv.shard=$i/$shards" "$part" \
			"$vmdir/bochs-$mode-$i" || status=$?
		cat "$part" >>"$serial" 2>/dev/null
		echo "testvm: vmx boot $((i + 1)) of $shards done"
	done
	;;
*)
	echo "testvm: unknown mode $mode" >&2
	exit 2
	;;
esac
echo "testvm: $mode machine ran $(($(date +%s) - start)) s (exit status $status)"

if [ "$mode" = bench ]; then
	tr -d '\r' <"$serial" | grep -E '^(bench |# microseconds|exit_bench:|# exit_bench|boot_bench:|# boot_bench)'
	grep -q '^@@BENCH-STATUS 0' "$serial"
	exit
fi
if [ "$mode" = demo ]; then
	tr -d '\r' <"$serial" | sed -n '/^@@TESTVM-BEGIN/,/^@@TESTVM-END/p' | grep -v '^@@'
	grep -q '^@@DEMO-STATUS 0' "$serial"
	exit
fi
"$here/collect.sh" "$mode" "$serial" "$out/$mode.tap"
