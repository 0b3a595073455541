#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one emulated test machine and collect what it reports.
#   svm    QEMU TCG, -cpu EPYC,+svm,+npt       (AMD SVM + NPT)
#   svm57  QEMU TCG, -cpu max,+svm,+npt        (the same, host kernel with LA57)
#   vmx    Bochs, corei7_skylake_x             (Intel VMX + EPT)
#   nosvm  QEMU TCG, a CPU without SVM         (the load refusal)
#   demo   the SVM machine running thinrun
#   bench  the SVM machine running the benchmarks beside KVM
#   svm612 the SVM machine on Linux 6.12 (TESTVM_KERNEL=6.12 svm)
# Writes build/test/MODE.tap and build/test/MODE.serial; exits non-zero on
# any failure, and when the machine hangs, panics or runs no test.
set -uo pipefail
# svm612 (any MODE612): the same machine booting Linux 6.12; any machine
# boots the kernel series TESTVM_KERNEL names (kver.sh).
name=$1
mode=${name%612}
[ "$mode" != "$name" ] && export TESTVM_KERNEL=6.12
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tools/testvm
out=$top/build/test
vmdir=$top/build/testvm
mkdir -p "$out" "$vmdir"
# No result of an earlier run may stand for this one, whatever fails below.
rm -f "$out/$name.tap" "$out/$name.tap.summary"

kver=$("$here/kver.sh")
[ -n "$kver" ] || { echo "testvm: no ${TESTVM_KERNEL:-6.1} cloud kernel installed: run 'make deps'" >&2; exit 1; }
kernel=/boot/vmlinuz-$kver
module=$("$here/module-for.sh" "$kver") || exit 1

initrd=$vmdir/initramfs-$name.cpio.gz
# perf (12 MB more of initramfs) where the tracepoint test runs.
case $mode in svm | svm57 | vmx) export TESTVM_PERF=1 ;; esac
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
	# The guest kernel: Linux 6.1 (TESTVM_GUEST_KERNEL=6.12: 6.12) whatever
	# the machine boots, so that svm612 tests the module on 6.12 with the
	# guest the other machines boot.
	series=${TESTVM_GUEST_KERNEL:-6.1}
	guest_kver=$(TESTVM_KERNEL=$series "$here/kver.sh")
	[ -n "$guest_kver" ] || { echo "testvm: no guest kernel: run 'make deps'" >&2; exit 1; }
	# Debian's generic flavour too (linux-image-amd64: CONFIG_X86_MCE=y,
	# xz-compressed), the kernel a Debian install runs, as
	# /share/vmlinuz-generic for linux_boot_generic_*.
	gkver=$(ls /boot/vmlinuz-"$series".*-amd64 2>/dev/null | grep -v -- '-cloud-amd64$' |
		sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
	[ -n "$gkver" ] || { echo "testvm: no generic $series kernel installed: run 'make deps'" >&2; exit 1; }
	mkdir -p "$vmdir/$name"
	ln -sf "/boot/vmlinuz-$gkver" "$vmdir/$name/vmlinuz-generic"
	# One per machine: make test boots the machines side by side.
	"$here/mkguestinitrd.sh" "$vmdir/$name/guest.cpio.gz" "$guest_kver" "$gkver" || exit 1
	guest_files="/boot/vmlinuz-$guest_kver $vmdir/$name/vmlinuz-generic $vmdir/$name/guest.cpio.gz"
fi
# The selftests the sources declare: one whose binary is missing fails.
# The machine's end of the --net and --vsock tests (sockpipe.c).
gcc -O2 -Wall -static -o "$vmdir/sockpipe" "$here/sockpipe.c" || exit 1
ls "$top"/selftests/thinvisor/*_test.c | sed 's|.*/||; s|\.c$||' >"$vmdir/$name.selftests"
"$here/mkinitramfs.sh" "$initrd" "$kver" "$module" "$vmdir/$name.selftests" \
	"$top/build/selftests" "$top/build/selftests/helpers" "$top/build/thinrun" \
	"$top/build/bench/exit_bench" "$vmdir/sockpipe" "$top/build/demo/hello.bin" "$top/build/demo/uart_irq.bin" $guest_files || exit 1

serial=$out/$name.serial
rm -f "$serial"
cmdline="console=ttyS0 loglevel=1 panic=-1 tv.mode=$mode slub_debug=FZPU init_on_free=1"
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
	# The bench boots Linux 20 times (5 rounds on each side, twice
	# nested for KVM): more than the tests' bound.
	limit=1200
	[ "$mode" = bench ] && limit=2400
	timeout --foreground $limit qemu-system-x86_64 -M q35 -cpu "$cpu" -smp 2 -m 4G \
		-accel tcg,thread=multi -kernel "$kernel" -initrd "$initrd" \
		-append "$cmdline" -display none -monitor none -serial "file:$serial" \
		-no-reboot </dev/null 2>"$out/$name.qemu.log"
	status=$?
	# QEMU ends with 0 at the guest's poweroff -f; 124 is the timeout.
	[ $status -eq 0 ] || export TESTVM_HOST_FAIL="QEMU exited with status $status"
	;;
vmx)
	# Every selftest in one boot, bounded by TESTVM_BOCHS_TIMEOUT;
	# TESTVM_VMX_SHARDS=N spreads them over N boots instead.
	# TESTVM_VMX_VCPUS=0 loads the module with vmx_vcpus=0.
	shards=${TESTVM_VMX_SHARDS:-1}
	# Bochs 2.7 loses interrupt exits at times: the VMX-preemption timer
	# bounds each stay in the guest there (off by default, as on hardware).
	modparams=vmx_preemption_timer=1
	[ "${TESTVM_VMX_VCPUS:-1}" = 0 ] && modparams="$modparams,vmx_vcpus=0"
	cmdline="$cmdline tv.modparams=$modparams"
	[ -n "${TESTVM_TESTS:-}" ] && shards=1
	# Only the machine asked for no vCPUs may SKIP what needs them.
	[ "${TESTVM_VMX_VCPUS:-1}" = 0 ] && export TESTVM_SKIPS_EXTRA=$here/skips/vmx-vcpus-off
	# Each boot must print; collect.sh counts them.
	export TESTVM_BOOTS=$shards
	status=0
	host_fail=
	for i in $(seq 0 $((shards - 1))); do
		part=$serial.$i
		rm -f "$part"
		"$here/bochs.sh" "$kernel" "$initrd" "$cmdline tv.shard=$i/$shards" "$part" \
			"$vmdir/bochs-$name-$i"
		s=$?
		# Bochs exits 1 even after a clean poweroff -f (test-machines.md):
		# 0 or 1 is a clean end only with the end marker on the console;
		# anything else (124: the timeout) is not.
		if [ $s -gt 1 ] || ! grep -q '^@@TESTVM-END' "$part" 2>/dev/null; then
			host_fail="$host_fail boot $((i + 1)): Bochs status $s$(grep -q '^@@TESTVM-END' \
				"$part" 2>/dev/null || echo ', no end marker');"
			status=$s
		fi
		cat "$part" >>"$serial" 2>/dev/null
		echo "testvm: $mode boot $((i + 1)) of $shards done (Bochs status $s)"
	done
	[ -n "$host_fail" ] && export TESTVM_HOST_FAIL="${host_fail# }"
	;;
*)
	echo "testvm: unknown mode $mode" >&2
	exit 2
	;;
esac
echo "testvm: $name machine ran ($kver) $(($(date +%s) - start)) s (exit status $status)"

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
"$here/collect.sh" "$name" "$serial" "$out/$name.tap"
