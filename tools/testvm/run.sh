#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one emulated test machine and collect what it reports.
#   svm    QEMU TCG, -cpu EPYC,+svm,+npt       (AMD SVM + NPT)
#   svm57  QEMU TCG, -cpu max,+svm,+npt        (the same, host kernel with LA57)
#   vmx    Bochs, corei7_skylake_x             (Intel VMX + EPT)
#   vmx2   the same with two CPUs, only the selftests that need two
#   nosvm  QEMU TCG, a CPU without SVM         (the load refusals:
#   nonpt  QEMU TCG, SVM without NPT            only the module's load,
#   noept  Bochs, core2_penryn_t9600: no EPT    no selftest)
#   demo   the SVM machine running thinrun
#   bench  the SVM machine running the benchmarks beside KVM
#   svm612 the SVM machine on Linux 6.12 (TESTVM_KERNEL=6.12 svm)
#   debug  the SVM machine on a debug build of Linux 6.1 (KASAN, lockdep,
#          DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN: debug-kernel.sh)
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
rm -f "$out/$name.tap" "$out/$name.tap.summary" "$out/$name.stalled"

kver=$("$here/kver.sh")
[ -n "$kver" ] || { echo "testvm: no ${TESTVM_KERNEL:-6.1} cloud kernel installed: run 'make deps'" >&2; exit 1; }
kernel=$("$here/kroot.sh" "$kver")/boot/vmlinuz-$kver
if [ "$mode" = debug ]; then
	# The debug machine (make test-debug): the SVM machine booting Linux
	# 6.1 built with KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak and
	# UBSAN (debug-kernel.sh, built once into build/debug-kernel), its own
	# KVM modules, and the module built against that tree.
	kdir=$("$here/debug-kernel.sh") || exit 1
	kver=$(cat "$kdir/include/config/kernel.release")
	kernel=$kdir/arch/x86/boot/bzImage
	"$top/tools/build-module.sh" "$kdir" "$top/build/kmod-debug" >&2 || exit 1
	module=$top/build/kmod-debug/kmod/thinvisor.ko
	export TESTVM_KMODS=$top/build/debug-kernel/mods/lib/modules/$kver/kernel
else
	# TESTVM_MODULE: another thinvisor.ko to load (an older build, to show a
	# new test failing on it).
	module=${TESTVM_MODULE:-$("$here/module-for.sh" "$kver")} || exit 1
fi

initrd=$vmdir/initramfs-$name.cpio.gz
# perf (12 MB more of initramfs) where the tracepoint test runs.
case $mode in svm | svm57 | vmx) export TESTVM_PERF=1 ;; esac
[ "$mode" = bench ] && export TESTVM_PERF=1 TESTVM_QEMU=1
# The machines that check a load refusal carry only the module.
refusal=
case $mode in nosvm | nonpt | noept) refusal=yes ;; esac
# The machine's own kernel and a busybox initramfs, as a guest for
# thinrun --kernel (/share/vmlinuz, /share/guest.cpio.gz); in Bochs not
# when its vCPUs are off (TESTVM_VMX_VCPUS=0), since the 15 MiB more of
# initramfs cost Bochs' BIOS time to load.
guest=
case $mode in
svm | svm57 | demo | bench | debug) guest=yes ;;
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
	guest_files="$("$here/kroot.sh" "$guest_kver")/boot/vmlinuz-$guest_kver $vmdir/$name/vmlinuz-generic"
	guest_files="$guest_files $vmdir/$name/guest.cpio.gz"
fi
# The machine's end of the --net and --vsock tests (sockpipe.c).
gcc -O2 -Wall -static -o "$vmdir/sockpipe" "$here/sockpipe.c" || exit 1
# The machine's end of make bench's network benchmark (netbench.c).
gcc -O2 -Wall -static -o "$vmdir/netbench" "$top/tools/bench/netbench.c" || exit 1
# The selftests the sources declare (and the fuzzing lanes, fuzz_ioctl and
# hostile_guest): one whose binary is missing fails.
ls "$top"/selftests/thinvisor/*_test.c "$top"/selftests/thinvisor/fuzz_ioctl.c \
	"$top"/selftests/thinvisor/hostile_guest.c |
	sed 's|.*/||; s|\.c$||' >"$vmdir/$name.selftests"
payload="$top/build/selftests $top/build/selftests/helpers $top/build/thinrun $top/build/bench/exit_bench"
payload="$payload $vmdir/sockpipe $vmdir/netbench"
# make bench-ab (tools/bench/exit_ab.sh): an older tree's module and
# exit_bench, as /bin/thinvisor_base.ko and /bin/exit_bench_base.
if [ "$mode" = bench ] && [ -n "${TESTVM_AB_MODULE:-}" ]; then
	cp "$TESTVM_AB_MODULE" "$vmdir/thinvisor_base.ko"
	cp "$TESTVM_AB_EXIT_BENCH" "$vmdir/exit_bench_base"
	payload="$payload $vmdir/thinvisor_base.ko $vmdir/exit_bench_base"
fi
payload="$payload $top/build/demo/hello.bin $top/build/demo/uart_irq.bin $top/build/thinstat"
payload="$payload $top/build/demo/exits.bin $guest_files"
[ -n "$refusal" ] && payload=
# shellcheck disable=SC2086 # the payload is a list of paths
"$here/mkinitramfs.sh" "$initrd" "$kver" "$module" "$vmdir/$name.selftests" $payload || exit 1

serial=$out/$name.serial
rm -f "$serial"
# log_buf_len: the whole run's kernel log stays in the ring (the debug
# kernel's checkers fill the default 128 KiB), for kernel_log_clean.
cmdline="console=ttyS0 loglevel=1 panic=-1 tv.mode=${mode/#debug/svm} slub_debug=FZPU init_on_free=1 log_buf_len=16M"
# TESTVM_TESTS=apic_test,run_test: run only these selftest binaries.
[ -n "${TESTVM_TESTS:-}" ] && cmdline="$cmdline tv.tests=$TESTVM_TESTS"
# TESTVM_REPEAT=N: run the selftest binaries N times over in each boot.
[ -n "${TESTVM_REPEAT:-}" ] && cmdline="$cmdline tv.repeat=$TESTVM_REPEAT"
# TESTVM_LOOP=N:boot or N:signal: only boot the Linux guest N times over,
# or only run the two signal tests N times over (run-tests.sh).
[ -n "${TESTVM_LOOP:-}" ] && cmdline="$cmdline tv.loop=$TESTVM_LOOP"
# TESTVM_GUESTS=core: one thinrun guest of each kind, not every variant
# (make test's VMX lane: tools/test.sh).
[ -n "${TESTVM_GUESTS:-}" ] && cmdline="$cmdline tv.guests=$TESTVM_GUESTS"
# TESTVM_CMDLINE: more of the machine's kernel command line (nokaslr;
# tv.full=N: the last N lines of a failed thinrun guest boot rather than 40).
[ -n "${TESTVM_CMDLINE:-}" ] && cmdline="$cmdline $TESTVM_CMDLINE"
start=$(date +%s)
case $mode in
svm | svm57 | demo | bench | nosvm | nonpt | debug)
	cpu=EPYC,+svm,+npt,+pdpe1gb
	[ "$mode" = nosvm ] && cpu=EPYC,-svm
	[ "$mode" = nonpt ] && cpu=EPYC,+svm,-npt
	# QEMU's richest CPU offers LA57, and the machine's kernel (built
	# with X86_5LEVEL) then runs with 5-level paging, as on a Zen 4 or
	# Ice Lake server: never hide it with no5lvl here.
	[ "$mode" = svm57 ] && cpu=max,+svm,+npt,+pdpe1gb
	# One 1 GiB page for the test of 1 GiB NPT leaves.
	case $mode in svm | svm57 | debug) cmdline="$cmdline hugepagesz=1G hugepages=1" ;; esac
	# The bench boots Linux 20 times (5 rounds on each side, twice
	# nested for KVM): more than the tests' bound.
	limit=1200
	[ "$mode" = bench ] && limit=2400
	# KASAN, lockdep and kmemleak under TCG: several times slower.
	[ "$mode" = debug ] && limit=3000
	# TESTVM_MONITOR=PATH: QEMU's monitor on that Unix socket, to look
	# at a machine that stopped making progress (info registers -a, nmi).
	monitor=none
	[ -n "${TESTVM_MONITOR:-}" ] && monitor=unix:$TESTVM_MONITOR,server=on,wait=off
	timeout --foreground $limit qemu-system-x86_64 -M q35 -cpu "$cpu" -smp 2 -m 4G \
		-accel tcg,thread=${TESTVM_TCG_THREAD:-multi} -kernel "$kernel" -initrd "$initrd" \
		-append "$cmdline" -display none -monitor "$monitor" -serial "file:$serial" \
		-no-reboot </dev/null 2>"$out/$name.qemu.log" &
	qemu_pid=$!
	# TESTVM_STALL=SECS: stop the machine once its userspace has printed
	# no line on the console for SECS seconds (the kernel's own lines,
	# "[ time] ...", do not count), and say so in build/test/MODE.stalled.
	# KVM nested in QEMU's TCG has stopped the machine's clock: no
	# timer, no watchdog, no bound inside the machine ends anything then
	# (testing.rst, "Benchmarks"; make bench-ab boots again past it).
	watch_pid=
	if [ -n "${TESTVM_STALL:-}" ]; then
		(
			lines=-1 quiet=0
			while kill -0 $qemu_pid 2>/dev/null; do
				sleep 5
				n=$(grep -a -c -v '^\[' "$serial" 2>/dev/null)
				if [ "$n" != "$lines" ]; then
					lines=$n quiet=0
				elif [ $((quiet += 5)) -ge "$TESTVM_STALL" ]; then
					echo "testvm: $name machine: no console line from its userspace in $TESTVM_STALL s: stopped" |
						tee "$out/$name.stalled" >&2
					kill $qemu_pid
					break
				fi
			done
		) &
		watch_pid=$!
	fi
	wait $qemu_pid
	status=$?
	[ -n "$watch_pid" ] && kill $watch_pid 2>/dev/null
	# QEMU ends with 0 at the guest's poweroff -f, and at the SIGTERM of
	# a stalled machine; 124 is the timeout.
	if [ -f "$out/$name.stalled" ]; then
		status=124
		export TESTVM_HOST_FAIL="the machine stopped making progress ($(cat "$out/$name.stalled"))"
	elif [ $status -ne 0 ]; then
		export TESTVM_HOST_FAIL="QEMU exited with status $status"
	fi
	;;
vmx | vmx2 | noept)
	# vmx2: the same machine with two CPUs (Bochs emulates both in one
	# host thread, at half the speed each), running only the selftests
	# that need two (TESTVM_VMX2_TESTS) and none of the thinrun guests
	# (tv.selftests_only): thread migration and the VMCLEAR by IPI that
	# follows it, signals, kicks and IPIs (events_test) across CPUs, a
	# CPU going offline under live VMs, the vCPU lifetime race.
	vmx2_tests=run_test,hotplug_test,vcpu_lifetime_test,events_test
	if [ "$mode" = vmx2 ]; then
		export TESTVM_BOCHS_CPUS=2
		cmdline="$cmdline tv.selftests_only"
		cmdline="$cmdline tv.tests=${TESTVM_TESTS:-${TESTVM_VMX2_TESTS:-$vmx2_tests}}"
	fi
	# noept: a 64-bit Intel CPU with VMX but neither EPT nor unrestricted
	# guest (Core 2 "Penryn": Bochs' model has no secondary EPT control).
	[ "$mode" = noept ] && export TESTVM_BOCHS_MODEL=core2_penryn_t9600
	# Every selftest in one boot, bounded by TESTVM_BOCHS_TIMEOUT;
	# TESTVM_VMX_SHARDS=N spreads them over N boots instead.
	# TESTVM_VMX_VCPUS=0 loads the module with vmx_vcpus=0.
	shards=${TESTVM_VMX_SHARDS:-1}
	# Bochs 2.7 loses interrupt exits at times: the VMX-preemption timer
	# bounds each stay in the guest there (off by default, as on hardware).
	modparams=vmx_preemption_timer=1
	[ "${TESTVM_VMX_VCPUS:-1}" = 0 ] && modparams="$modparams,vmx_vcpus=0"
	cmdline="$cmdline tv.modparams=$modparams"
	[ -n "${TESTVM_TESTS:-}" ] || [ "$mode" != vmx ] && shards=1
	# The whole VMX suite in one boot: a bound against a hang, not a
	# speed target (testing.rst, "What each lane costs").
	if [ "$mode" = vmx ] && [ -z "${TESTVM_TESTS:-}" ] && [ "$shards" = 1 ]; then
		export TESTVM_BOCHS_TIMEOUT=${TESTVM_BOCHS_TIMEOUT:-3600}
	fi
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
	tr -d '\r' <"$serial" | grep -E '^(bench[ :]|# microseconds|(# )?[a-z]+_bench[: ])'
	grep -q '^@@BENCH-STATUS 0' "$serial"
	exit
fi
if [ "$mode" = demo ]; then
	tr -d '\r' <"$serial" | sed -n '/^@@TESTVM-BEGIN/,/^@@TESTVM-END/p' | grep -v '^@@'
	grep -q '^@@DEMO-STATUS 0' "$serial"
	exit
fi
"$here/collect.sh" "$name" "$serial" "$out/$name.tap"
