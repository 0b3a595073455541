#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside an emulated test machine.  Prints, for the host to collect:
#   @@TAP ok|not ok NAME [# reason]      a test done by this script
#   @@BIN NAME ... @@RC NAME STATUS      a selftest binary's own TAP output
# The machine's name starts with its vendor (svm57: an SVM machine);
# what differs between machines of one vendor comes as tv.* flags or
# from the name ($machine).
machine=$1
mode=${1%%[0-9]*}
expect_vendor=$mode
only=$(sed -n 's/.*tv\.tests=\([^ ]*\).*/\1/p' /proc/cmdline)
# tv.shard=I/N: only every Nth selftest binary, from the Ith (0-based).
# tv.modparams=a=1,b=2: parameters for thinvisor.ko.
modparams=$(sed -n 's/.*tv\.modparams=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
shard=$(sed -n 's/.*tv\.shard=\([0-9]*\/[0-9]*\).*/\1/p' /proc/cmdline)
# vCPUs are off only when the machine asked for it (vmx_vcpus=0): only then
# may TV_CREATE_VCPU's EOPNOTSUPP be a SKIP, here and in the selftests.
vcpus_off=
case " $modparams " in *" vmx_vcpus=0 "*) vcpus_off=yes ;; esac
[ -n "$vcpus_off" ] && export TV_VCPUS_OFF=1
# tv.repeat=N: run the selected selftest binaries N times over, in one boot.
repeat=$(sed -n 's/.*tv\.repeat=\([0-9]*\).*/\1/p' /proc/cmdline)
# tv.loop=N:boot only boots the Linux guest N times (1 and 2 vCPUs in
# turn), tv.loop=N:signal only runs the signal tests N times (in both
# machines), to count a rare failure; tv.loop=N:net only the --net and
# --vsock tests; tv.loop=N:blk only the virtio-blk tests;
# tv.loop=N:generic boots the generic kernel with 2 vCPUs N times;
# nothing else runs.
loop=$(sed -n 's/.*tv\.loop=\([0-9]*:[a-z]*\).*/\1/p' /proc/cmdline)
# tv.selftests_only: only the module checks and the selftest binaries, none
# of the thinrun guests (vmx2: what needs two CPUs, in a short boot).
selftests_only=
grep -qw 'tv\.selftests_only' /proc/cmdline && selftests_only=yes
# tv.guests=core: of the thinrun guests, one of each kind (the machine's
# own kernel, Linux on 1 and 2 vCPUs, the generic kernel, virtio-rng,
# virtio-net with vsock, a signal), not every variant: make test's VMX
# lane, whose Linux boots take about 90 s each (testing.rst).
guests=$(sed -n 's/.*tv\.guests=\([a-z]*\).*/\1/p' /proc/cmdline)

# Tests that fail for a known, open bug: their failure is reported as TAP
# "not ok ... # TODO" (counted apart, not as a pass), with the bug, as
# "mode:test-name-pattern) echo 'the bug' ;;".  None today.
known_bug() {
	case $mode:$1 in
	none) ;;
	esac
}

# Whether anything failed: run-tests' status (init.sh passes it on).
failures=0

tap() { # ok|fail|skip NAME [reason]
	[ "$1" = ok ] || [ "$1" = skip ] || failures=1
	case $1 in
	ok) echo "@@TAP ok $2" ;;
	skip) echo "@@TAP ok $2 # SKIP $3" ;;
	*)
		bug=$(known_bug "$2")
		if [ -n "$bug" ]; then
			echo "@@TAP not ok $2 # TODO known bug: $bug; $3"
		else
			echo "@@TAP not ok $2 # $3"
		fi ;;
	esac
}

# A test that ran a guest in the hypervisor: the summary counts these per
# vendor (beside the selftests), apart from the launcher's argument checks.
hvtap() {
	echo "@@HV $2"
	tap "$@"
}


kvm_vendor_ko() {
	if grep -q AuthenticAMD /proc/cpuinfo; then echo kvm-amd; else echo kvm-intel; fi
}

# KVM as the peer: since 6.12 it holds SVM/VMX from load unless loaded
# with enable_virt_at_load=0, a parameter older kvm.ko does not know.
load_kvm() {
	insmod /lib/modules/irqbypass.ko 2>/dev/null
	insmod /lib/modules/kvm.ko 2>/dev/null
	if [ -f /sys/module/kvm/parameters/enable_virt_at_load ]; then
		rmmod kvm
		insmod /lib/modules/kvm.ko enable_virt_at_load=0
	fi
	insmod /lib/modules/$(kvm_vendor_ko).ko
}

# Where KVM holds SVM/VMX from load (6.12+, its default), the module must
# refuse to load and say how to take turns with KVM.
test_refused_while_kvm_loaded() {
	insmod /lib/modules/irqbypass.ko 2>/dev/null
	insmod /lib/modules/kvm.ko 2>/dev/null
	if [ ! -f /sys/module/kvm/parameters/enable_virt_at_load ]; then
		rmmod kvm 2>/dev/null
		tap skip module_refused_while_kvm_loaded "this KVM holds $mode only while it runs a VM"
		return
	fi
	insmod /lib/modules/$(kvm_vendor_ko).ko
	out=$(insmod /lib/modules/thinvisor.ko 2>&1)
	rc=$?
	[ $rc -eq 0 ] && rmmod thinvisor
	rmmod "$(kvm_vendor_ko | tr - _)" kvm
	if [ $rc -eq 0 ]; then
		tap fail module_refused_while_kvm_loaded "insmod succeeded while KVM was loaded"
	elif dmesg | grep -q "unload $(kvm_vendor_ko), or load kvm with enable_virt_at_load=0"; then
		tap ok module_refused_while_kvm_loaded
	else
		tap fail module_refused_while_kvm_loaded "no advice in the refusal: $out"
	fi
}

# The module must refuse to load where SVM/VMX is held by another
# hypervisor: a live KVM VM in another process is one.
test_refused_while_kvm_holds() {
	if [ ! -e /dev/kvm ]; then
		tap skip module_refused_while_kvm_holds "no /dev/kvm in this machine"
		return
	fi
	/helpers/kvm_hold >/tmp/hold.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q held /tmp/hold.out && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! grep -q held /tmp/hold.out; then
		tap fail module_refused_while_kvm_holds "kvm_hold did not start: $(cat /tmp/hold.out)"
		kill $pid 2>/dev/null
		return
	fi
	out=$(insmod /lib/modules/thinvisor.ko 2>&1)
	rc=$?
	kill $pid
	wait $pid 2>/dev/null
	if [ $rc -eq 0 ]; then
		rmmod thinvisor
		tap fail module_refused_while_kvm_holds "insmod succeeded while KVM held $expect_vendor"
	elif echo "$out" | grep -q 'busy' &&
	     dmesg | grep -q "thinvisor: $expect_vendor is in use by another hypervisor"; then
		tap ok module_refused_while_kvm_holds
	else
		tap fail module_refused_while_kvm_holds "wrong refusal: $out"
	fi
}

test_load() {
	out=$(insmod /lib/modules/thinvisor.ko $modparams 2>&1)
	if [ $? -ne 0 ]; then
		tap fail module_load "insmod: $out"
		return 1
	fi
	vendor=$(cat /sys/class/misc/thinvisor/vendor)
	features=$(cat /sys/class/misc/thinvisor/features)
	echo "# vendor=$vendor features=$features"
	dmesg | grep 'thinvisor: loaded' | sed 's/^/# /'
	# The TSC rate this kernel took (Bochs' CPUID claims one its TSC
	# does not run at): every time in the machine follows from it.
	dmesg | grep -i -m 3 'tsc.*MHz' | sed 's/^/# /'
	# Where the module lies, for symbolizing a hung machine's RIP.
	echo "# thinvisor .text at $(cat /sys/module/thinvisor/sections/.text 2>/dev/null)"
	if [ "$vendor" != "$expect_vendor" ]; then
		tap fail module_load "vendor '$vendor', expected '$expect_vendor'"
	elif [ ! -c /dev/thinvisor ]; then
		tap fail module_load "no /dev/thinvisor"
	else
		tap ok module_load
	fi
}

# The speculation mitigations the module applies around the world switch
# (the features line's mitigations=, kmod/mitigations.c) are those this
# machine's own kernel asked for, as its vulnerabilities files say, and
# none it did not: each name is patched in by the very feature bit the
# line reads, so this shows which paths every guest run below takes.
test_mitigations() {
	v=/sys/devices/system/cpu/vulnerabilities
	for f in $v/*; do echo "# host $(basename "$f"): $(cat "$f")"; done
	echo "# host speculation flags: $(grep -m 1 '^flags' /proc/cpuinfo | tr ' ' '\n' |
		grep -E '^(ibrs|ibpb|stibp|ssbd|md_clear|flush_l1d|arch_capabilities|virt_ssbd|amd_ssbd|amd_stibp|ibrs_enhanced|v_spec_ctrl)$' | tr '\n' ' ')"
	dmesg | grep -E 'RETBleed: WARNING|Speculative Return Stack Overflow: WARNING' |
		sed 's/^/# host kernel: /'
	mit=$(sed -n 's/.*mitigations=\([^ ]*\).*/\1/p' /sys/class/misc/thinvisor/features)
	echo "# module mitigations=$mit"
	bad=
	has() { case ",$mit," in *",$1,"*) return 0 ;; esac; return 1; }
	want() { # name why: the host asks for it
		has "$1" || bad="$bad missing $1 ($2);"
	}
	unwanted() { # name why
		has "$1" && bad="$bad $1 without $2;"
	}
	if grep -q Retpolines $v/spectre_v2; then want rsb_fill "Retpolines"
	else unwanted rsb_fill "Retpolines"; fi
	case $expect_vendor in
	svm)
		if grep -q 'untrained return thunk' $v/retbleed; then
			want untrain_ret "the untrained return thunk"
		else
			unwanted untrain_ret "the untrained return thunk"
		fi ;;
	vmx)
		if grep -q 'KVM: SW loop' $v/spectre_v2; then want bhb_clear "KVM: SW loop"
		else unwanted bhb_clear "KVM: SW loop"; fi
		# Not the other way: TAA, MMIO stale data or RFDS may ask for
		# the VERW without MDS.
		if grep -q 'Clear CPU buffers' $v/mds; then want verw "MDS: Clear CPU buffers"; fi
		if grep -q 'PTE Inversion' $v/l1tf; then
			has l1d_flush || has l1d_flush_sw || bad="$bad no L1D flush (L1TF);"
			# Every entry with l1tf=full, only when due otherwise.
			if grep -q 'l1tf=full' /proc/cmdline; then unwanted l1d_flush_cond "l1tf=flush"
			else want l1d_flush_cond "l1tf=flush, the default"; fi
		fi ;;
	esac
	if grep -qw ibpb /proc/cpuinfo; then :; else unwanted ibpb_vm_switch "IBPB"; fi
	if [ -n "$bad" ]; then
		tap fail module_mitigations_follow_host "$bad"
	else
		tap ok module_mitigations_follow_host
	fi
}

# Every feature the backend needs must be reported.
test_features() {
	case $expect_vendor in
	svm) need="npt" ;;
	vmx) need="ept unrestricted_guest vpid" ;;
	esac
	# The path the machine asked for (run.sh) must be the one it takes.
	case " $modparams " in
	*" vmx_preemption_timer=1 "*) need="$need preemption_timer" ;;
	esac
	for f in $need; do
		if ! grep -qw "$f" /sys/class/misc/thinvisor/features; then
			tap fail module_reports_features "'$f' missing"
			return
		fi
	done
	tap ok module_reports_features
	# thinrun --version: its release and the loaded module's API version.
	out=$(thinrun --version 2>&1)
	if echo "$out" | grep -q '^thinrun [0-9][0-9.]* (thinvisor API version [0-9]*)$' &&
	   echo "$out" | grep -q '^thinvisor.ko: API version [0-9]*$'; then
		tap ok thinrun_version
	else
		tap fail thinrun_version "$(echo "$out" | tr '\n' ' ')"
	fi
}

run_selftests() {
	r=1
	while :; do
		run_selftests_once
		[ "$r" -ge "${repeat:-1}" ] && break
		r=$((r + 1))
		echo "# repeat $r of $repeat"
	done
}

# Every selftest the sources declare (/etc/selftests, from run.sh) and
# every binary here: one that is missing or not executable fails.
run_selftests_once() {
	i=0
	for name in $( (cat /etc/selftests; ls /selftests) 2>/dev/null | sort -u); do
		t=/selftests/$name
		i=$((i + 1))
		if [ -n "$shard" ] && [ $(((i - 1) % ${shard#*/})) -ne "${shard%/*}" ]; then
			continue
		fi
		# tv.tests=a,b on the kernel command line runs only those.
		case ",${only:-$name}," in *",$name,"*) ;; *) continue ;; esac
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			tap fail "$name" "no executable /selftests/$name in this machine"
			continue
		fi
		echo "@@BIN $name"
		timeout 600 "$t" 2>&1
		rc=$?
		echo "@@RC $name $rc"
		[ $rc -eq 0 ] || failures=1
	done
	# A name in tv.tests= that is no selftest here.
	for name in $(echo "$only" | tr , ' '); do
		[ -x "/selftests/$name" ] || grep -qx "$name" /etc/selftests 2>/dev/null ||
			tap fail "$name" "tv.tests= names no selftest of this machine"
	done
}

# thinrun: the demo guest runs, and bad input gets a clear error.
test_thinrun() {
	out=$(thinrun --raw /share/hello.bin 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	# EOPNOTSUPP: musl's text (thinrun's C library), or glibc's.
	if [ -n "$vcpus_off" ] && echo "$out" | grep -q 'TV_CREATE_VCPU: \(Operation n\|N\)ot supported'; then
		tap skip thinrun_raw_demo "this backend's vCPUs are off (vmx_vcpus=0)"
	elif [ $rc -eq 0 ] && echo "$out" | grep -q 'Hello from a thinvisor guest' &&
	   echo "$out" | grep -q 'says: thinvisor'; then
		hvtap ok thinrun_raw_demo
	else
		tap fail thinrun_raw_demo "status $rc"
	fi
	test_thinrun_uart_irq
	check_thinrun() { # name expected-status expected-text args...
		name=$1 want=$2 text=$3
		shift 3
		out=$(thinrun "$@" 2>&1)
		rc=$?
		if [ $rc -eq "$want" ] && echo "$out" | grep -q "$text"; then
			tap ok "$name"
		else
			tap fail "$name" "status $rc: $out"
		fi
	}
	check_thinrun thinrun_no_arguments 2 usage
	check_thinrun thinrun_missing_file 1 'No such file' --raw /nonexistent
	check_thinrun thinrun_empty_image 1 'a raw image is' --raw /dev/null
	check_thinrun thinrun_mem_zero 2 'give 1 to 4096' --raw /share/hello.bin --mem 0
	check_thinrun thinrun_mem_too_large 2 'give 1 to 4096' --raw /share/hello.bin --mem 99999
	check_thinrun thinrun_mem_not_a_number 2 'give 1 to 4096' --raw /share/hello.bin --mem lots
	check_thinrun thinrun_linux_options_with_raw 2 'go with --kernel' --raw /share/hello.bin --cpus 2
	check_thinrun thinrun_rng_with_raw 2 'go with --kernel' --raw /share/hello.bin --rng
	check_thinrun thinrun_disk_with_raw 2 'go with --kernel' --raw /share/hello.bin \
		--disk /share/hello.bin
	check_thinrun thinrun_kernel_missing 1 'No such file' --kernel /nonexistent
	check_thinrun thinrun_kernel_not_a_kernel 1 'not a Linux kernel' --kernel /share/hello.bin
	check_thinrun thinrun_kernel_not_a_file 1 'not a regular file' --kernel /
	check_thinrun thinrun_kernel_cpus_not_a_number 2 'give a number of vCPUs' \
		--kernel /share/hello.bin --cpus two
	check_thinrun thinrun_kernel_mem_too_large 2 'give 1 to' --kernel /share/hello.bin \
		--mem 99999999
	test_thinrun_kernel
	test_linux_boot linux_boot_1cpu 1
	# svm57 offers the guest LA57 too: its kernel turns 5-level paging on.
	if [ "$machine" = svm57 ]; then
		if echo "$out" | grep -q 'thinvisor-guest: paging 5-level'; then
			tap ok linux_guest_runs_5level
		else
			tap fail linux_guest_runs_5level "$(echo "$out" | grep 'thinvisor-guest: paging')"
		fi
	fi
	test_linux_boot linux_boot_2cpu 2
	[ "$machine" = svm57 ] && test_guest_pku "$out"
	if [ "$guests" = core ]; then
		echo "# tv.guests=core: one guest of each kind (make test-$machine runs them all)"
		test_linux_boot linux_boot_generic_2cpu 2 2 "" /share/vmlinuz-generic
		test_virtio_rng
		test_net_bad_options
		test_virtio_net
		test_thinrun_signal TERM 143
		return
	fi
	test_linux_boot linux_boot_generic_1cpu 1 1 "" /share/vmlinuz-generic
	test_linux_boot linux_boot_generic_2cpu 2 2 "" /share/vmlinuz-generic
	# The guest's reboot is status 5: /init reboots when it counts
	# other than tv.cpus= asks for.  Linux resets through the ACPI reset
	# register, or with reboot=k through the keyboard controller.
	test_linux_boot linux_reboot_is_status_5 1 2
	test_linux_boot linux_kbd_reset_is_status_5 1 2 reboot=k
	test_virtio_rng
	test_virtio_blk
	test_net_bad_options
	test_virtio_net
	test_virtio_net _vhost_off ,vhost=off
	test_readme_net_ping
	test_thinrun_signal TERM 143
	test_thinrun_signal INT 130
}

# A signal stops every vCPU thread and ends thinrun with 128 + the signal.
# The guest never ends by itself: its initrd is no cpio, so it panics,
# and panic=0 keeps it spinning there, vCPU 1 halted by the panic.  The
# signal goes once the panic is on the console, not after a time: the VMX
# machine's clock runs far slower than the host's (Bochs' TSC counts
# instructions while its CPUID says 3.5 GHz, Documentation/testing.rst),
# so a fixed time there was ten minutes and more.
test_thinrun_signal() { # signal status
	name=thinrun_sig$(echo "$1" | tr A-Z a-z)_stops_all_vcpus
	if [ -n "$vcpus_off" ]; then
		tap skip "$name" "this backend's vCPUs are off (vmx_vcpus=0)"
		return
	fi
	if [ ! -f /share/vmlinuz ]; then
		tap skip "$name" "no guest kernel in this machine"
		return
	fi
	# The timeout only catches a thinrun that does not stop.
	# nokaslr: a vCPU's RIP in thinrun's report is then the symbol's own.
	boot_trace_start
	timeout -s KILL 300 thinrun --kernel /share/vmlinuz --initrd /share/hello.bin \
		--cpus 2 --cmdline "console=ttyS0 panic=0 nokaslr" </dev/null >/tmp/sig.out 2>&1 &
	pid=$!
	i=0
	# Not past thinrun's end: one that dies early fails now, not in 300 s.
	while ! grep -q 'Kernel panic' /tmp/sig.out && kill -0 $pid 2>/dev/null &&
	      [ $i -lt 3000 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $pid 2>/dev/null || echo "# thinrun ended before the signal"
	kill -"$1" $pid 2>/dev/null
	wait $pid
	rc=$?
	if [ $rc -eq "$2" ] && grep -q 'Kernel panic' /tmp/sig.out &&
	   grep -q 'stopping the guest' /tmp/sig.out; then
		boot_trace_stop 0
		hvtap ok "$name"
	else
		tail -n 20 /tmp/sig.out | sed 's/^/# /'
		boot_trace_stop 2
		guest_symbols "$(cat /tmp/sig.out)"
		tap fail "$name" "status $rc"
	fi
}

# COM1's interrupt, end to end: a guest (userspace/demo/uart_irq.S) that
# only halts and does its I/O in its handler of IRQ 4 (IOAPIC pin 4, edge,
# to its x2APIC) sees the THR-empty interrupt and echoes stdin.
test_thinrun_uart_irq() {
	name=thinrun_uart_interrupts
	if [ -n "$vcpus_off" ]; then
		tap skip "$name" "this backend's vCPUs are off (vmx_vcpus=0)"
		return
	fi
	out=$(printf 'hi\n' | timeout -s KILL 60 thinrun --raw /share/uart_irq.bin 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	if [ $rc -eq 0 ] && echo "$out" | grep -q '^uart_irq: THRE interrupt' &&
	   echo "$out" | grep -q '^hi' && echo "$out" | grep -q '^uart_irq: done'; then
		hvtap ok "$name"
	else
		tap fail "$name" "status $rc"
	fi
}

# Name the guest functions where a stopped guest's vCPUs were ("thinrun:
# vCPU N was at RIP X"): the guest is this machine's own kernel, so this
# machine's kallsyms, moved by the two KASLR offsets, has its symbols.
# Only the low 32 bits of the addresses are used (awk has doubles).
guest_symbols() { # thinrun-output
	goff=$(echo "$1" | sed -n 's/.*Kernel Offset: \(0x[0-9a-f]*\) from.*/\1/p' | tail -n 1)
	echo "$1" | sed -n 's/^thinrun: vCPU \([0-9]*\) was at RIP \(0x[0-9a-f]*\).*/\1 \2/p' |
	while read -r cpu rip; do
		awk -v rip="$rip" -v goff="${goff:-0}" '
		function h(s,  n, i) {
			s = tolower(s); sub(/^0x/, "", s)
			if (length(s) > 8) s = substr(s, length(s) - 7)
			n = 0
			for (i = 1; i <= length(s); i++)
				n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n
		}
		{ a[NR] = h($1); name[NR] = $3 }
		$3 == "_text" { l1off = h($1) - h("81000000") }
		END {
			m = 4294967296
			want = ((h(rip) - h(goff) + l1off) % m + m) % m
			best = -1
			for (i = 1; i <= NR; i++)
				if (a[i] <= want && (best < 0 || a[i] > a[best]))
					best = i
			if (best > 0)
				printf "# vCPU %s: %s+0x%x\n", cpu, name[best], want - a[best]
		}' cpu="$cpu" /proc/kallsyms
	done
}

# Every Linux boot records the module's entries and exits (tv_entry and
# tv_exit, Documentation/tracing.rst) in the kernel's trace buffer, and
# one that fails prints each vCPU's last ones: a rare failure, which CI
# sees once, then says what the module put into the guest last.
tracing=/sys/kernel/tracing
boot_trace_start() {
	[ -d $tracing/events/thinvisor ] || return 0
	echo 0 >$tracing/tracing_on
	echo 2048 >$tracing/buffer_size_kb
	echo >$tracing/trace
	echo 1 >$tracing/events/thinvisor/tv_entry/enable
	echo 1 >$tracing/events/thinvisor/tv_exit/enable
	echo 1 >$tracing/tracing_on
}

boot_trace_stop() { # vCPUs-to-print (0: none)
	[ -d $tracing/events/thinvisor ] || return 0
	echo 0 >$tracing/tracing_on
	echo 0 >$tracing/events/thinvisor/tv_entry/enable
	echo 0 >$tracing/events/thinvisor/tv_exit/enable
	v=0
	while [ "$v" -lt "$1" ]; do
		echo "# the module's last entries and exits of vCPU $v:"
		grep -E "tv_(entry|exit): vcpu $v " $tracing/trace | tail -n 24 |
			sed -E 's/^ *[^ ]+ +\[[0-9]+\] [^ ]+ +/# trace: /'
		v=$((v + 1))
	done
	echo >$tracing/trace
}

# thinrun boots the machine's own kernel (or Debian's generic one) with a
# busybox initramfs whose /init (guest-init.sh) checks the guest's MSRs
# against its CPUID (msrcheck), that it sees the CPUs asked for, prints a
# marker and powers off: thinrun's status must be 0, the marker there,
# and the guest's own kernel log clean (guest_log_problems).
test_linux_boot() { # name cpus [cpus-to-expect [more cmdline [kernel]]]
	name=$1 cpus=$2 expect=${3:-$2} more=${4:-} kernel=${5:-/share/vmlinuz}
	TV_FULL=$(sed -n 's/.*tv\.full=\([0-9]*\).*/\1/p' /proc/cmdline)
	if [ -n "$vcpus_off" ]; then
		tap skip "$name" "this backend's vCPUs are off (vmx_vcpus=0)"
		return
	fi
	if [ ! -f "$kernel" ] || [ ! -f /share/guest.cpio.gz ]; then
		tap skip "$name" "no guest kernel $kernel in this machine"
		return
	fi
	# The generic kernel is xz-compressed: in Bochs its decompression
	# alone takes minutes (Documentation/testing.rst).
	limit=150
	[ "$kernel" = /share/vmlinuz ] || limit=900
	start=$(date +%s)
	boot_trace_start
	out=$(timeout $limit thinrun --kernel "$kernel" --initrd /share/guest.cpio.gz \
		--mem 256 --cpus "$cpus" --cmdline "console=ttyS0 tv.cpus=$expect $more" </dev/null 2>&1)
	rc=$?
	echo "# $name: thinrun status $rc after $(($(date +%s) - start)) s"
	if [ "$expect" = "$cpus" ]; then
		want_rc=0 marker="thinvisor-guest: init ok, cpus=$cpus "
	else
		want_rc=5 marker="thinvisor-guest: init FAILED, cpus=$cpus "
	fi
	bad=$(guest_log_problems "$out")
	# msrcheck must have run: its summary line says how many MSRs it read.
	if [ $rc -eq $want_rc ] && echo "$out" | grep -q "$marker" && [ -z "$bad" ] &&
	   echo "$out" | grep -q 'thinvisor-guest: msrcheck: [0-9]* cpus'; then
		boot_trace_stop 0
		echo "$out" | grep -E 'smpboot|thinvisor-guest' | sed 's/^/# /'
		hvtap ok "$name"
		[ "$expect" = "$cpus" ] && test_guest_topology "$name" "$cpus" "$out"
	else
		echo "$out" | tail -n ${TV_FULL:-40} | sed 's/^/# /'
		boot_trace_stop "$cpus"
		guest_symbols "$out"
		echo "$out" | grep 'thinvisor-guest: msrcheck' | sed 's/^/# /'
		[ -n "$bad" ] && echo "$bad" | head -n 40 | sed 's/^/# guest log: /'
		tap fail "$name" "status $rc, $(echo "$out" | grep -c "$marker") marker line, $(echo "$bad" | grep -c .) bad guest log lines"
	fi
}

# svm57 offers the guest PKU (QEMU's -cpu max has it, the host kernel
# OSPKE): the guest's kernel turns protection keys on (cpuid.rst, leaf 7).
test_guest_pku() { # thinrun-output
	if echo "$1" | grep -q 'thinvisor-guest: protection keys on'; then
		tap ok linux_guest_uses_pku
	else
		tap fail linux_guest_uses_pku "no ospke in the guest's /proc/cpuinfo"
	fi
}

# NAME_topology: the guest sees the VM's topology, not the host's
# (Documentation/cpuid.rst, "Topology"): its CPUS vCPUs as one package of
# CPUS cores, a thread each, vCPU i's APIC ID and core ID both i, in
# /proc/cpuinfo and in sysfs, as guest-init.sh prints them; and its log
# has no complaint about the topology.
test_guest_topology() { # name cpus thinrun-output
	got=$(echo "$3" | grep -E 'thinvisor-guest: (cpuinfo|topology) ' | sed 's/\r$//')
	want=
	last=$(($2 - 1))
	cores=0
	[ "$last" -gt 0 ] && cores=0-$last
	for i in $(seq 0 "$last"); do
		want="$want
thinvisor-guest: cpuinfo cpu$i apicid $i core_id $i siblings $2 cpu_cores $2"
	done
	for i in $(seq 0 "$last"); do
		want="$want
thinvisor-guest: topology cpu$i package 0 core $i threads $i cores $cores"
	done
	want=${want#?}
	bad=$(echo "$3" | grep -E 'APIC id mismatch|not on the same node|[Tt]opology.*(mismatch|broken|bogus)')
	if [ "$got" = "$want" ] && [ -z "$bad" ]; then
		hvtap ok "${1}_topology"
	else
		echo "$got" | sed 's/^/# got: /'
		echo "$want" | sed 's/^/# want: /'
		[ -n "$bad" ] && echo "$bad" | sed 's/^/# guest log: /'
		tap fail "${1}_topology" "the guest's topology is not the VM's"
	fi
}

# The lines of a guest's console (its kernel log: no loglevel= or quiet
# on its command line) that no clean boot prints.  The command line
# itself (panic=-1) and thinrun's own lines are not the guest's log.
# Two warnings may pass, each only where this machine's own kernel
# printed the very same line about itself: a statement about the CPU
# (its model lacks the control the mitigation needs), as true of the
# guest, which runs on it and sees what it has (Documentation/cpuid.rst):
# "RETBleed: WARNING: ..." (an affected Intel model without IBRS: the VMX
# machine's Skylake-X) and "Speculative Return Stack Overflow: WARNING:
# ..." (an affected AMD family without IBPB: the SVM machine's EPYC).
guest_log_allowed() {
	: >$allow
	for line in 'RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks' \
		'Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html'; do
		# The debug machine's own kernel (the one with kmemleak), built
		# from allnoconfig, has no SRSO mitigation to warn about; its
		# CPU is svm's, whose kernel warns (no microcode), and so does
		# the guest's.
		if dmesg | grep -qF "$line" ||
		   { [ -e /sys/kernel/debug/kmemleak ] && [ "${line#Speculative}" != "$line" ]; }; then
			echo "$line" >>$allow
		fi
	done
}

guest_log_problems() { # thinrun-output
	echo "$1" | grep -v -e '^thinrun:' -e '[Cc]ommand line:' |
		if [ -s $allow ]; then grep -v -F -f $allow; else cat; fi |
		grep -E 'WARNING:|Call Trace|unchecked MSR access|MSR access error|BUG:|Oops|panic'
}

# thinrun --rng: the guest loads its kernel's virtio modules, which find
# the virtio-mmio device in the DSDT, and reads /dev/hwrng
# (guest-virtio.sh); then powers off as after test_linux_boot.  The
# guest's log must hold no warning and no virtio error.
test_virtio_rng() {
	name=virtio_rng_reads
	if [ -n "$vcpus_off" ]; then
		tap skip $name "this backend's vCPUs are off (vmx_vcpus=0)"
		return
	fi
	if [ ! -f /share/vmlinuz ] || [ ! -f /share/guest.cpio.gz ]; then
		tap skip $name "no guest kernel in this machine"
		return
	fi
	start=$(date +%s)
	out=$(timeout 150 thinrun --kernel /share/vmlinuz --initrd /share/guest.cpio.gz \
		--mem 256 --rng --stats --cmdline "console=ttyS0 tv.cpus=1 tv.rng" </dev/null 2>&1)
	rc=$?
	echo "# $name: thinrun status $rc after $(($(date +%s) - start)) s"
	bad=$(guest_log_problems "$out"; echo "$out" | grep -E 'virtio.*(fail|error)')
	# The guest read 2 x 16 KiB in requests of at most 64 bytes (the
	# driver's buffer): at least 512 of them,
	# and not one access to QueueNotify/InterruptStatus/InterruptACK may
	# have reached thinrun (the module serves them: design.rst).
	stats=$(echo "$out" | sed -n 's/^thinrun: virtio-rng: \([0-9]*\) requests, \([0-9]*\) exits.*/\1 \2/p')
	[ -n "$stats" ] && [ "${stats% *}" -ge 512 ] && [ "${stats#* }" -eq 0 ] ||
		bad="${bad:+$bad
}requests and exits to thinrun: '${stats:-none reported}'"
	if [ $rc -eq 0 ] && echo "$out" | grep -q 'thinvisor-guest: rng ok' && [ -z "$bad" ]; then
		echo "$out" | grep 'thinrun: virtio-rng:' | sed 's/^/# /'
		# The exits of one whole Linux boot, by kind (thinrun --stats).
		echo "$out" | grep -E '^thinrun: +[a-z_:]+ +[0-9]+ ' | sed 's/^/# /'
		echo "$out" | grep -E 'virtio|thinvisor-guest' | sed 's/^/# /'
		tap ok $name
	else
		echo "$out" | tail -n ${TV_FULL:-40} | sed 's/^/# /'
		tap fail $name "status $rc${bad:+, guest log: $(echo "$bad" | head -n 1)}"
	fi
}

# virtio-blk (thinrun --disk, guest-blk.sh): three guest boots.
#  1. A writable disk and a read-only one: the guest's md5 of all of the
#     first is the host's (virtio_blk_read); 1 MiB it writes and flushes
#     is in the file after thinrun ends (virtio_blk_write); the second
#     refuses writes and its file is unchanged (virtio_blk_ro); thinrun
#     --stats counts its requests and no exit to thinrun on their
#     registers: the module served them (virtio_blk_no_exits_to_thinrun).
#  2. 2 vCPUs: a queue per vCPU, each used (virtio_blk_mq_2cpu).
#  3. The guest writes, flushes and says so; thinrun gets SIGKILL right
#     then, and the file holds all of it (virtio_blk_kill9_keeps_flushed).
#     While that guest runs, a second thinrun may not take its disk
#     (virtio_blk_locked_for_second_launcher).
# Bad --disk arguments are errors before any guest runs.  Every guest log
# must be clean: no warning, no I/O error, no virtio error.
blk_boot() { # cmdline-tag cpus thinrun-args...
	tag=$1 cpus=$2
	shift 2
	timeout 300 thinrun --kernel /share/vmlinuz --initrd /share/guest.cpio.gz --mem 256 \
		--cpus "$cpus" "$@" --cmdline "console=ttyS0 tv.cpus=$cpus tv.blk=$tag" </dev/null 2>&1
}

blk_log_problems() { # thinrun-output
	guest_log_problems "$1"
	echo "$1" | grep -E 'virtio.*(fail|error)|I/O error|blk_update_request|Buffer I/O|blk FAILED'
}

# Bytes [off, off + len) of a file (64 KiB multiples), as an md5.
blk_md5_at() { # file off len
	dd if="$1" bs=65536 skip=$(($2 / 65536)) count=$(($3 / 65536)) 2>/dev/null |
		md5sum | cut -d' ' -f1
}

test_virtio_blk() {
	names="virtio_blk_read virtio_blk_write virtio_blk_discard virtio_blk_ro virtio_blk_mq_2cpu"
	names="$names virtio_blk_kill9_keeps_flushed virtio_blk_locked_for_second_launcher"
	names="$names virtio_blk_no_exits_to_thinrun"
	check_thinrun thinrun_disk_missing 1 'No such file' --kernel /share/vmlinuz \
		--disk /nonexistent.img
	check_thinrun thinrun_disk_bad_option 2 'the one option is' --kernel /share/vmlinuz \
		--disk /share/hello.bin,rw
	why=
	[ -n "$vcpus_off" ] && why="this backend's vCPUs are off (vmx_vcpus=0)"
	[ -f /share/vmlinuz ] && [ -f /share/guest.cpio.gz ] || why="no guest kernel in this machine"
	if [ -n "$why" ]; then
		for n in $names; do
			tap skip "$n" "$why"
		done
		return
	fi
	# The first sector zero (no partition table by chance), then random.
	dd if=/dev/zero of=/tmp/vda.img bs=65536 count=1 2>/dev/null
	dd if=/dev/urandom bs=65536 count=127 2>/dev/null >>/tmp/vda.img
	dd if=/dev/urandom of=/tmp/vdb.img bs=65536 count=16 2>/dev/null
	want=$(md5sum </tmp/vda.img | cut -d' ' -f1)
	rosum=$(md5sum </tmp/vdb.img | cut -d' ' -f1)
	# What lies around the 1 MiB the guest writes at 2 MiB must stay.
	# and around the 1 MiB it discards at 5 MiB.
	around=$( (blk_md5_at /tmp/vda.img 0 2097152; blk_md5_at /tmp/vda.img 3145728 2097152
		   blk_md5_at /tmp/vda.img 6291456 2097152) | md5sum)
	blocks=$(stat -c %b /tmp/vda.img)
	start=$(date +%s)
	out=$(blk_boot rw 1 --stats --disk /tmp/vda.img --disk /tmp/vdb.img,ro)
	rc=$?
	echo "# virtio_blk rw: thinrun status $rc after $(($(date +%s) - start)) s"
	bad=$(blk_log_problems "$out")
	echo "$out" | grep -E 'virtio_blk|vd[ab]|thinvisor-guest: blk' | sed 's/^/# /'
	[ -n "$bad" ] && echo "$bad" | head -n 20 | sed 's/^/# guest log: /'
	if [ $rc -ne 0 ] || [ -n "$bad" ]; then
		echo "$out" | tail -n ${TV_FULL:-40} | sed 's/^/# /'
	fi
	ok=$([ $rc -eq 0 ] && [ -z "$bad" ] && echo yes)
	got=$(echo "$out" | sed -n 's/.*thinvisor-guest: blk read vda size \([0-9]*\) md5 \([0-9a-f]*\).*/\1 \2/p')
	if [ -n "$ok" ] && [ "$got" = "$(stat -c %s /tmp/vda.img) $want" ]; then
		hvtap ok virtio_blk_read
	else
		tap fail virtio_blk_read "status $rc, guest read '$got', host has $want"
	fi
	p=$(echo "$out" | sed -n 's/.*thinvisor-guest: blk wrote 1048576 at 2097152 md5 \([0-9a-f]*\).*/\1/p')
	back=$(blk_md5_at /tmp/vda.img 2097152 1048576)
	now=$( (blk_md5_at /tmp/vda.img 0 2097152; blk_md5_at /tmp/vda.img 3145728 2097152
		blk_md5_at /tmp/vda.img 6291456 2097152) | md5sum)
	if [ -n "$ok" ] && [ -n "$p" ] && [ "$back" = "$p" ] && [ "$now" = "$around" ]; then
		hvtap ok virtio_blk_write
	else
		tap fail virtio_blk_write "status $rc, guest wrote md5 '$p', the file holds $back there; the rest $([ "$now" = "$around" ] && echo unchanged || echo changed)"
	fi
	# The discard punched a hole: zeros there, and 1 MiB fewer blocks in
	# the file (zeros written instead would keep them).
	zeros=$(head -c 1048576 /dev/zero | md5sum | cut -d' ' -f1)
	hole=$(blk_md5_at /tmp/vda.img 5242880 1048576)
	freed=$((blocks - $(stat -c %b /tmp/vda.img)))
	if [ -n "$ok" ] && echo "$out" | grep -q 'thinvisor-guest: blk discarded 1048576 at 5242880' &&
	   [ "$hole" = "$zeros" ] && [ "$freed" -ge 2048 ]; then
		hvtap ok virtio_blk_discard
	else
		tap fail virtio_blk_discard "status $rc, the file holds $hole there (zeros: $zeros), $freed blocks freed"
	fi
	if [ -n "$ok" ] && echo "$out" | grep -q 'thinvisor-guest: blk ro refused' &&
	   [ "$(md5sum </tmp/vdb.img | cut -d' ' -f1)" = "$rosum" ]; then
		hvtap ok virtio_blk_ro
	else
		tap fail virtio_blk_ro "status $rc, $(echo "$out" | grep -c 'blk ro refused') refusal line"
	fi

	# The module took every kick and interrupt register access (--stats).
	# 9 MiB moved in requests of at most 254 pages (SEG_MAX): 10 or more.
	reqs=$(echo "$out" | sed -n 's/^thinrun: virtio-blk thinrun-disk0: \([0-9]*\) requests, \([0-9]*\) exits.*/\1 \2/p')
	echo "# virtio_blk rw: requests and exits to thinrun on their registers: $reqs"
	if [ -n "$ok" ] && [ "${reqs#* }" = 0 ] && [ "${reqs% *}" -ge 10 ] 2>/dev/null; then
		hvtap ok virtio_blk_no_exits_to_thinrun
	else
		tap fail virtio_blk_no_exits_to_thinrun "status $rc, '$reqs' (requests, exits)"
	fi

	test_virtio_blk_mq
	test_virtio_blk_kill9
	rm -f /tmp/vda.img /tmp/vdb.img
}

test_virtio_blk_mq() {
	want=$(md5sum </tmp/vda.img | cut -d' ' -f1)
	start=$(date +%s)
	out=$(blk_boot mq 2 --disk /tmp/vda.img)
	rc=$?
	echo "# virtio_blk mq: thinrun status $rc after $(($(date +%s) - start)) s"
	bad=$(blk_log_problems "$out")
	line=$(echo "$out" | grep 'thinvisor-guest: blk mq')
	echo "# $line"
	if [ $rc -eq 0 ] && [ -z "$bad" ] &&
	   echo "$line" | grep -q "queues 2 cpus 0/1 size $(stat -c %s /tmp/vda.img) md5 $want"; then
		hvtap ok virtio_blk_mq_2cpu
	else
		echo "$out" | tail -n ${TV_FULL:-40} | sed 's/^/# /'
		[ -n "$bad" ] && echo "$bad" | head -n 20 | sed 's/^/# guest log: /'
		tap fail virtio_blk_mq_2cpu "status $rc, host md5 $want"
	fi
}

test_virtio_blk_kill9() {
	# thinrun itself in the background ($! is its pid), killed at the
	# guest's word, or after 300 s at the latest.
	thinrun --kernel /share/vmlinuz --initrd /share/guest.cpio.gz --mem 256 --disk /tmp/vda.img \
		--cmdline "console=ttyS0 tv.cpus=1 tv.blk=kill9" </dev/null >/tmp/kill9.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q 'thinvisor-guest: blk \(flushed\|FAILED\)' /tmp/kill9.out && [ $i -lt 3000 ] &&
	      kill -0 $pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	tpid=
	kill -0 $pid 2>/dev/null && tpid=$pid
	# Meanwhile, the disk is this thinrun's: a second one must not start on it.
	second=$(thinrun --kernel /share/vmlinuz --disk /tmp/vda.img 2>&1 </dev/null)
	src=$?
	kill -9 $pid 2>/dev/null
	wait $pid
	p=$(sed -n 's/.*thinvisor-guest: blk flushed 1048576 at 0 md5 \([0-9a-f]*\).*/\1/p' /tmp/kill9.out)
	back=$(blk_md5_at /tmp/vda.img 0 1048576)
	bad=$(blk_log_problems "$(cat /tmp/kill9.out)")
	if [ -n "$tpid" ] && [ -n "$p" ] && [ "$back" = "$p" ] && [ -z "$bad" ]; then
		hvtap ok virtio_blk_kill9_keeps_flushed
	else
		tail -n ${TV_FULL:-40} /tmp/kill9.out | sed 's/^/# /'
		tap fail virtio_blk_kill9_keeps_flushed "thinrun ${tpid:-not found}, guest flushed md5 '$p', the file holds $back"
	fi
	if [ $src -eq 1 ] && echo "$second" | grep -q 'locked: another process uses this disk'; then
		tap ok virtio_blk_locked_for_second_launcher
	else
		tap fail virtio_blk_locked_for_second_launcher "status $src: $second"
	fi
}

# ---- --net and --vsock: virtio-net on vhost-net and a tap, virtio-vsock on
# vhost-vsock (userspace/virtio/net.c, vsock.c).  The machine's side:
# tun, vhost-net and vhost-vsock (loaded here, after the errors thinrun
# gives without them), the tap tvtap0 at 10.0.2.1/24, and sockpipe
# (tools/testvm/sockpipe.c) at the machine's end of each connection.

net_insmod() { # module...
	for m in "$@"; do
		grep -q "^$m " /proc/modules || insmod "/lib/modules/$m.ko" || return 1
	done
}

# Every bad option and host setup gets its own error and status before
# any guest runs: one TAP line, each case on a comment line.
test_net_bad_options() {
	name=net_bad_options
	net_failed=
	k="--kernel /share/vmlinuz --initrd /share/guest.cpio.gz --mem 256"
	net_case() { # what expected-status expected-text thinrun-args...
		what=$1 want=$2 text=$3
		shift 3
		out=$(timeout 60 "$@" </dev/null 2>&1)
		rc=$?
		if [ $rc -eq "$want" ] && echo "$out" | grep -q -- "$text"; then
			echo "# $name: $what: ok, status $rc: $(echo "$out" | head -n 1)"
		else
			echo "# $name: $what: FAILED, status $rc (want $want, '$text'): $out"
			net_failed="$net_failed $what;"
		fi
	}
	if [ ! -f /share/vmlinuz ] || [ ! -f /share/guest.cpio.gz ]; then
		tap skip $name "no guest kernel in this machine"
		return
	fi
	# Before the modules: the one to load is named.
	net_case "no tun module" 1 'load the tun module' thinrun --net tap=lo $k
	net_case "no vhost_vsock module" 1 'load the vhost_vsock module' thinrun --vsock 3 $k
	# The debug machine's kernel has no network modules (skips/debug).
	if [ ! -f /lib/modules/tun.ko ] && [ ! -d /sys/module/tun ]; then
		tap skip $name "no tun module in this machine"
		return
	fi
	net_insmod tun tap || { tap fail $name "insmod tun"; return; }
	[ -d /sys/class/net/tvtap0 ] || sockpipe mktap tvtap0 || { tap fail $name "mktap"; return; }
	net_case "no vhost_net module" 1 'load the vhost_net module' thinrun --net tap=tvtap0 $k
	net_insmod vhost_iotlb vhost vhost_net vsock vmw_vsock_virtio_transport_common vhost_vsock ||
		{ tap fail $name "insmod vhost"; return; }
	net_case "no such tap" 1 'no such network interface' thinrun --net tap=tvnone0 $k
	net_case "not a tap" 1 'not a (single-queue) tap' thinrun --net tap=lo $k
	net_case "no tap=" 2 'no tap=IFNAME' thinrun --net mac=02:00:00:00:00:01 $k
	net_case "no tap name" 2 'give an interface name' thinrun --net tap= $k
	net_case "tap name too long" 2 'give an interface name' thinrun --net tap=abcdefghijklmnop $k
	net_case "MAC malformed" 2 'give six hex bytes' thinrun --net tap=tvtap0,mac=02:00:00:00:00 $k
	net_case "MAC not hex" 2 'give six hex bytes' thinrun --net tap=tvtap0,mac=02:00:00:00:00:0g $k
	net_case "MAC multicast" 2 'a multicast address' thinrun --net tap=tvtap0,mac=01:00:5e:00:00:01 $k
	net_case "MAC zero" 2 'the all-zero address' thinrun --net tap=tvtap0,mac=00:00:00:00:00:00 $k
	net_case "unknown key" 2 "'speed=10'" thinrun --net tap=tvtap0,speed=10 $k
	net_case "two --net" 2 'one network device at most' thinrun --net tap=tvtap0 --net tap=tvtap0 $k
	net_case "--net with --raw" 2 'go with --kernel' thinrun --raw /share/hello.bin --net tap=tvtap0
	net_case "CID 2 (the host's)" 2 "give the guest's context ID" thinrun --vsock 2 $k
	net_case "CID not a number" 2 "give the guest's context ID" thinrun --vsock three $k
	net_case "CID too large" 2 "give the guest's context ID" thinrun --vsock 4294967295 $k
	# A tap of another user: its owner or CAP_NET_ADMIN may use it.  The
	# initramfs' root directory comes as mktemp made it (0700): let
	# uid 1000 reach /bin/thinrun and /share; and /dev/net/tun is 0666 as
	# udev makes it on a Debian host (devtmpfs gives 0600).
	chmod 755 /
	chmod 666 /dev/net/tun
	[ -d /sys/class/net/tvtap9 ] || sockpipe mktap tvtap9 1234 || { tap fail $name "mktap tvtap9"; return; }
	net_case "tap of another user" 1 'CAP_NET_ADMIN' sockpipe asuser 1000 thinrun --net tap=tvtap9 $k
	# A CID another VM holds.
	sockpipe holdcid 7 >/tmp/holdcid &
	holder=$!
	for i in $(seq 1 50); do grep -q holding /tmp/holdcid && break; sleep 0.1; done
	net_case "CID in use" 1 'in use by another VM' thinrun --vsock 7 $k
	kill $holder
	wait $holder 2>/dev/null
	if [ -z "$net_failed" ]; then
		tap ok $name
	else
		tap fail $name "${net_failed% ;}"
	fi
}

# Run a benchmark bounded by SECS seconds, as NAME.  Past the bound it
# says where the program is stuck before killing it: each thread's state,
# kernel stack and wait channel, its open files (/dev/kvm and KVM's
# anon inodes, or /dev/thinvisor and the module's: which hypervisor),
# and the kernel log's end after a backtrace of every CPU (sysrq l; a
# soft lockup's own backtrace is in the log too, though loglevel=1 keeps
# it off the console).  Returns the program's status, 137 when it was
# killed, 125 when even SIGKILL did not end it within 30 s.
bounded() { # SECS NAME COMMAND...
	b_secs=$1 b_name=$2
	shift 2
	"$@" &
	b_pid=$!
	b_t=0
	while kill -0 $b_pid 2>/dev/null && [ $b_t -lt "$b_secs" ]; do
		sleep 1
		b_t=$((b_t + 1))
	done
	if kill -0 $b_pid 2>/dev/null; then
		echo "bench: $b_name still running after $b_secs s: stuck; where:"
		for t in "/proc/$b_pid/task/"*; do
			echo "bench: thread ${t##*/}: $(cut -d' ' -f3 "$t/stat") wchan=$(cat "$t/wchan")"
			sed 's/^/bench:   /' "$t/stack" 2>/dev/null
		done
		for f in "/proc/$b_pid/fd/"*; do
			echo "bench: fd ${f##*/} -> $(readlink "$f")"
		done
		echo l >/proc/sysrq-trigger
		sleep 2
		dmesg | tail -n 120 | sed 's/^/bench: log: /'
		kill -KILL $b_pid
		b_t=0
		while kill -0 $b_pid 2>/dev/null && [ $b_t -lt 30 ]; do
			sleep 1
			b_t=$((b_t + 1))
		done
		if kill -0 $b_pid 2>/dev/null; then
			echo "bench: $b_name did not end 30 s after SIGKILL"
			return 125
		fi
	fi
	wait $b_pid
}

# make bench-ab (tools/bench/exit_ab.sh): this tree's module and
# exit_bench, then the base's (/bin/thinvisor_base.ko, exit_bench_base),
# in turn for tv.benchrounds= rounds; the host takes the medians.  A
# round that fails or passes tv.benchbound= seconds (180) is reported
# ("exit_ab: ... round skipped") and the next one runs.  tv.abfrom=I:WHO
# starts at round I of WHO (head or base): exit_ab.sh boots the machine
# again past a round that stopped the machine (testing.rst, "Benchmarks").
bench_ab() {
	n=$(sed -n 's/.*tv\.benchrounds=\([0-9]*\).*/\1/p' /proc/cmdline)
	bound=$(sed -n 's/.*tv\.benchbound=\([0-9]*\).*/\1/p' /proc/cmdline)
	from=$(sed -n 's/.*tv\.abfrom=\([0-9]*:[a-z]*\).*/\1/p' /proc/cmdline)
	from=${from:-1:head}
	for i in $(seq "${from%:*}" "${n:-4}"); do
		for who in head base; do
			[ "$i:$who" = "$from" ] && from=
			[ -z "$from" ] || continue
			ko=/lib/modules/thinvisor.ko eb=exit_bench
			[ $who = base ] && ko=/bin/thinvisor_base.ko eb=exit_bench_base
			echo "AB round $i: $who"
			insmod $ko || return 1
			bounded "${bound:-180}" "$who's exit_bench" $eb
			s=$?
			[ $s -eq 0 ] || echo "exit_ab: $who's exit_bench ended with status $s: round $i of $who skipped"
			# A program that could not be killed still holds a hypervisor.
			[ $s -ne 125 ] || return 1
			rmmod thinvisor || return 1
		done
	done
}

# The README's networked guest, as a user other than root runs it: the
# tap is that user's, /dev/vhost-net given to them, no --vsock, and the
# guest only pings (tv.net=ping).
test_readme_net_ping() {
	if [ ! -f /share/vmlinuz ] || [ ! -f /share/guest.cpio.gz ] || [ ! -c /dev/vhost-net ]; then
		tap skip readme_net_ping "no guest kernel or no vhost-net in this machine"
		return
	fi
	chmod 755 /
	chmod 666 /dev/net/tun
	sockpipe mktap tvreadme 1000 || { tap fail readme_net_ping "mktap tvreadme"; return; }
	ip addr add 10.0.2.1/24 dev tvreadme
	ip link set tvreadme up
	# tvtap0 holds 10.0.2.1/24 too: the route must go to this tap.
	ip link set tvtap0 down 2>/dev/null
	# udev's group for /dev/thinvisor, and the README's chown of vhost-net.
	chown 1000 /dev/thinvisor /dev/vhost-net
	out=$(timeout 200 sockpipe asuser 1000 thinrun --kernel /share/vmlinuz \
		--initrd /share/guest.cpio.gz --net tap=tvreadme \
		--cmdline "console=ttyS0 tv.cpus=1 tv.net=ping" </dev/null 2>&1)
	rc=$?
	chown 0 /dev/thinvisor /dev/vhost-net
	ip link del tvreadme
	ip link set tvtap0 up 2>/dev/null
	bad=$(guest_log_problems "$out")
	if [ $rc -eq 0 ] && [ -z "$bad" ] && echo "$out" | grep -q 'thinvisor-guest: net ping ok' &&
	   echo "$out" | grep -q 'thinvisor-guest: init ok'; then
		echo "$out" | grep 'thinvisor-guest: net' | sed 's/^/# /'
		hvtap ok readme_net_ping
	else
		echo "$out" | tail -n 30 | sed 's/^/# /'
		tap fail readme_net_ping "status $rc${bad:+, $(echo "$bad" | head -n 1)}"
	fi
}

# The guest (guest-net.sh) pings the machine, sends it a file and receives
# one, checked by md5 on both sides, and echoes over vsock both ways;
# its kernel log stays clean, and the devices' register accesses that
# reached thinrun stay those of the setup, whatever the packets.  Run
# with vhost-net, then with vhost=off (TAP names ending _vhost_off).
test_virtio_net() { # [TAP-name-suffix [more --net]]
	sfx=${1:-} more=${2:-}
	if [ ! -f /share/vmlinuz ] || [ ! -f /share/guest.cpio.gz ] || [ ! -d /sys/class/net/tvtap0 ]; then
		for t in virtio_net_ping virtio_net_transfer virtio_vsock_echo virtio_net_no_exit_per_packet; do
			tap skip $t$sfx "no guest kernel or no tap in this machine"
		done
		return
	fi
	ip addr add 10.0.2.1/24 dev tvtap0 2>/dev/null
	ip link set tvtap0 up
	size=1048576
	head -c $size /dev/urandom >/tmp/to_guest
	echo "host to guest over vsock" >/tmp/vsock_msg
	rm -f /tmp/from_guest /tmp/vsock_back
	sockpipe -t 200 listen tcp:10.0.2.1:5001 recv >/tmp/from_guest 2>/tmp/sp1.err &
	p1=$!
	sockpipe -t 200 listen tcp:10.0.2.1:5002 send /tmp/to_guest >/dev/null 2>/tmp/sp2.err &
	p2=$!
	sockpipe -t 200 listen vsock:-1:6001 echo 2>/tmp/sp3.err &
	p3=$!
	sockpipe -t 200 connect vsock:3:6002 send /tmp/vsock_msg >/tmp/vsock_back 2>/tmp/sp4.err &
	p4=$!
	start=$(date +%s)
	out=$(timeout 200 thinrun --kernel /share/vmlinuz --initrd /share/guest.cpio.gz \
		--mem 256 --stats --net tap=tvtap0$more --vsock 3 \
		--cmdline "console=ttyS0 tv.cpus=1 tv.net" </dev/null 2>&1)
	rc=$?
	echo "# virtio_net$sfx: thinrun status $rc after $(($(date +%s) - start)) s"
	for p in $p1 $p2 $p3 $p4; do kill $p 2>/dev/null; wait $p 2>/dev/null; done
	cat /tmp/sp[1-4].err 2>/dev/null | sed 's/^/# sockpipe: /'
	echo "$out" | grep -E 'virtio|thinvisor-guest|thinrun: ' | sed 's/^/# /'
	bad=$(guest_log_problems "$out"; echo "$out" | grep -E 'virtio.*(fail|error)|net FAILED')
	[ -n "$bad" ] && echo "$bad" | head -n 20 | sed 's/^/# guest log: /'
	ok=yes
	[ $rc -eq 0 ] && [ -z "$bad" ] || ok=
	[ -z "$ok" ] && echo "$out" | tail -n ${TV_FULL:-40} | sed 's/^/# /'
	if [ -n "$ok" ] && echo "$out" | grep -q 'thinvisor-guest: net ping ok'; then
		hvtap ok virtio_net_ping$sfx
	else
		tap fail virtio_net_ping$sfx "status $rc${bad:+, $(echo "$bad" | head -n 1)}"
	fi
	up=$(md5sum </tmp/from_guest | cut -d' ' -f1)
	down=$(md5sum </tmp/to_guest | cut -d' ' -f1)
	if [ -n "$ok" ] && echo "$out" | grep -q "thinvisor-guest: net sent $size bytes md5 $up" &&
	   echo "$out" | grep -q "thinvisor-guest: net received $size bytes md5 $down"; then
		hvtap ok virtio_net_transfer$sfx
	else
		tap fail virtio_net_transfer$sfx "machine got $(wc -c </tmp/from_guest) bytes md5 $up, sent md5 $down"
	fi
	if [ -n "$ok" ] && echo "$out" | grep -q 'thinvisor-guest: vsock echo from the host ok' &&
	   cmp -s /tmp/vsock_msg /tmp/vsock_back; then
		hvtap ok virtio_vsock_echo$sfx
	else
		tap fail virtio_vsock_echo$sfx "echo back from the guest: '$(cat /tmp/vsock_back)'"
	fi
	# Kicks and interrupts never reach thinrun: none of the net device's
	# register accesses there is to QueueNotify, InterruptStatus or
	# InterruptACK, and all of them (the driver's setup) are far fewer than
	# the packets (each ping is a kick and an interrupt each way at least).
	acc=$(echo "$out" | sed -n 's/.*virtio-net: \([0-9]*\) register accesses in thinrun.*/\1/p')
	req=$(echo "$out" | sed -n 's/.*virtio-net: .*, \([0-9]*\) to QueueNotify.*/\1/p')
	pk=$(echo "$out" | sed -n 's/.*net ok, packets rx \([0-9]*\) tx \([0-9]*\),.*/\1 \2/p')
	packets=
	[ -n "$pk" ] && packets=$((${pk% *} + ${pk#* }))
	echo "# virtio_net$sfx: ${acc:-?} register accesses in thinrun (${req:-?} per-request) for ${packets:-?} packets"
	if [ -n "$ok" ] && [ -n "$acc" ] && [ "${packets:-0}" -ge 200 ] && [ "$acc" -lt 200 ] &&
	   [ "$req" = 0 ]; then
		hvtap ok virtio_net_no_exit_per_packet$sfx
	else
		tap fail virtio_net_no_exit_per_packet$sfx "${acc:-?} accesses (${req:-?} per-request) for ${packets:-?} packets"
	fi
}

# thinrun --kernel with the machine's own kernel as the guest (the SVM
# machine only).  With no root file system the guest boots up to mounting
# root, panics there, and with panic=-1 resets through the FADT's reset
# register: thinrun's exit status 5.  reboot=acpi: a hardware-reduced
# FADT otherwise makes Linux try EFI and then the BIOS reset vector.
test_thinrun_kernel() {
	k=/share/vmlinuz
	if [ ! -f $k ]; then
		for t in mem_too_small zero_cpus too_many_cpus initrd_missing cmdline_too_long \
			 boots_to_root_mount; do
			tap skip "thinrun_kernel_$t" "no guest kernel in this machine"
		done
		return
	fi
	check_thinrun thinrun_kernel_mem_too_small 2 'too small' --kernel $k --mem 32
	check_thinrun thinrun_kernel_zero_cpus 2 'give a number of vCPUs' --kernel $k --cpus 0
	check_thinrun thinrun_kernel_too_many_cpus 2 'at most 64 vCPUs' --kernel $k --cpus 65
	check_thinrun thinrun_kernel_initrd_missing 1 'No such file' --kernel $k --initrd /nonexistent
	check_thinrun thinrun_kernel_cmdline_too_long 2 'command line is 3000 bytes' --kernel $k \
		--cmdline "$(printf '%3000s' '' | tr ' ' x)"
	out=$(timeout 300 thinrun --kernel $k --mem 256 --initrd /share/hello.bin </dev/null \
		--cmdline "console=ttyS0 earlyprintk=serial,ttyS0 tsc_early_khz=2000000 panic=-1" 2>&1)
	rc=$?
	echo "$out" | tail -n 40 | sed 's/^/# /'
	missing=
	for want in 'BIOS-e820: \[mem 0x0000000000100000-0x000000000fffffff\] usable' \
		    'RAMDISK: \[mem 0x0ffff000-0x0fffffff\]' \
		    'ACPI: RSDP 0x00000000000E0000' 'ACPI: FACP' \
		    'ACPI: Using ACPI (MADT) for SMP' 'Switched APIC routing to flat' \
		    'ACPI: Interpreter enabled' 'Unable to mount root fs' \
		    'the guest asked for a reset'; do
		echo "$out" | grep -q "$want" || missing="$missing [$want]"
	done
	if [ $rc -eq 5 ] && [ -z "$missing" ]; then
		hvtap ok thinrun_kernel_boots_to_root_mount
	else
		tap fail thinrun_kernel_boots_to_root_mount "status $rc, missing$missing"
	fi
}

# perf record -e 'thinvisor:*' sees every exit of a guest, with its reason.
test_perf() {
	if ! command -v perf >/dev/null; then
		tap skip perf_records_thinvisor_events "no perf in this machine"
		return
	fi
	perf record -q -e 'thinvisor:*' -o /tmp/perf.data -- \
		thinrun --raw /share/hello.bin >/dev/null 2>/tmp/perf.err
	perf script -i /tmp/perf.data -F pid,time,event,trace >/tmp/perf.txt 2>>/tmp/perf.err
	ios=$(grep -c 'tv_exit:.*reason io' /tmp/perf.txt)
	cpuids=$(grep -c 'tv_exit:.*reason cpuid' /tmp/perf.txt)
	entries=$(grep -c 'tv_entry:' /tmp/perf.txt)
	outs=$(grep -c 'tv_io:.*out port 0x3f8' /tmp/perf.txt)
	thinstat report -i /tmp/perf.data | sed 's/^/# /'
	# The demo guest prints 63 characters, one OUT each, and does one CPUID.
	if [ "$outs" -eq 63 ] && [ "$cpuids" -eq 1 ] && [ "$ios" -ge 64 ] &&
	   [ "$entries" -ge "$ios" ]; then
		hvtap ok perf_records_thinvisor_events
	else
		sed 's/^/# /' /tmp/perf.err
		tap fail perf_records_thinvisor_events "outs=$outs cpuids=$cpuids ios=$ios entries=$entries"
	fi
}

# The value of one exit row of thinstat's JSON (one VM): total of "cpuid".
json_total() {
	grep -o "\"exit\": \"$2\", \"total\": [0-9]*" "$1" | head -n 1 | sed 's/.*: //'
}

# thinstat sees a running VM's exits exactly: userspace/demo/exits.S makes
# 1000 CPUID exits, 100 OUTs to userspace and one HLT, then sleeps halted.
test_thinstat() {
	: >/tmp/exits.out
	thinrun --raw /share/exits.bin >/tmp/exits.out 2>&1 &
	pid=$!
	i=0
	while [ "$(tr -cd . </tmp/exits.out | wc -c)" -lt 100 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# The recipes of Documentation/tracing.rst, with a short interval:
	# the VMX machine's kernel clock runs 35 times slow (testing.rst).
	thinstat --once --json --delay 0.1 >/tmp/thinstat.json 2>&1
	thinstat --once --delay 0.1 >/tmp/thinstat.txt 2>&1
	kill -TERM $pid
	wait $pid
	sed 's/^/# /' /tmp/thinstat.txt
	j=/tmp/thinstat.json
	got="vms=$(grep -o '"vm": "[0-9-]*"' $j | wc -l) pid=$(grep -c "\"pid\": $pid," $j)"
	got="$got cpuid=$(json_total $j cpuid) io=$(json_total $j io)"
	got="$got user:io=$(json_total $j user:io) hlt=$(json_total $j hlt)"
	got="$got npf=$(json_total $j npf) halt_wakeups=$(grep -o '"halt_wakeups": [0-9]*' $j | sed 's/.*: //')"
	got="$got counting=$(grep -o '"counting": [a-z]*' $j | sed 's/.*: //')"
	want="vms=1 pid=1 cpuid=1000 io=100 user:io=100 hlt=1 npf=0 halt_wakeups=0 counting=true"
	if [ "$got" = "$want" ] && grep -q '"p50_ns": [1-9]' $j &&
	   grep -Eq '^  cpuid +1000 ' /tmp/thinstat.txt; then
		hvtap ok thinstat_json
	else
		sed 's/^/# /' $j
		tap fail thinstat_json "got $got; want $want"
	fi

	# thinrun --stats: the same table at the end (hello.bin: 63 characters
	# and the exit port, one CPUID).
	out=$(thinrun --stats --raw /share/hello.bin 2>&1)
	echo "$out" | grep '^thinrun:' | sed 's/^/# /'
	if echo "$out" | grep -Eq '^thinrun: +cpuid +1 ' &&
	   echo "$out" | grep -Eq '^thinrun: +user:io +64 ' &&
	   echo "$out" | grep -q '^thinrun: peak RSS'; then
		hvtap ok thinrun_stats_table
	else
		tap fail thinrun_stats_table "no cpuid 1 / user:io 64 / peak RSS line"
	fi
}

# The perf recipes of Documentation/tracing.rst, each as written there.
test_tracing_recipes() {
	bad=
	if ! command -v perf >/dev/null; then
		tap skip tracing_recipes "no perf in this machine"
		return
	fi
	cd /tmp || return
	# thinstat record / report
	thinstat record -- thinrun --raw /share/hello.bin >/dev/null 2>/tmp/rec.err
	thinstat report >/tmp/report.txt 2>>/tmp/rec.err
	sed 's/^/# report: /' /tmp/report.txt
	grep -Eq '^cpuid +1 ' /tmp/report.txt || bad="$bad [thinstat report: cpuid 1]"
	n=$(awk '$1 == "io" { print $2 }' /tmp/report.txt)
	[ "${n:-0}" -ge 63 ] || bad="$bad [thinstat report: io $n < 63]"
	thinstat report --json >/tmp/report.json 2>>/tmp/rec.err
	grep -q '"reason": "cpuid", "exits": 1,' /tmp/report.json || bad="$bad [report --json]"
	# perf record + perf script
	perf record -q -e 'thinvisor:*' -- thinrun --raw /share/hello.bin >/dev/null 2>>/tmp/rec.err
	n=$(perf script 2>>/tmp/rec.err | grep -c 'tv_io:.*out port 0x3f8')
	[ "$n" -eq 63 ] || bad="$bad [perf script: $n OUTs, not 63]"
	# perf trace: the raw fields, kind 3 is cpuid (enum tv_exit_kind)
	perf trace -e 'thinvisor:tv_exit' -- thinrun --raw /share/hello.bin >/dev/null 2>/tmp/trace.txt
	n=$(grep -c 'tv_exit(kind: 3,' /tmp/trace.txt)
	[ "$n" -eq 1 ] || bad="$bad [perf trace: $n cpuid exits, not 1]"
	cd / || return
	if [ -z "$bad" ]; then
		hvtap ok tracing_recipes
	else
		sed 's/^/# /' /tmp/rec.err
		head -n 5 /tmp/trace.txt | sed 's/^/# perf trace: /'
		tap fail tracing_recipes "$bad"
	fi
}

test_unload() {
	out=$(rmmod thinvisor 2>&1)
	if [ $? -eq 0 ] && [ ! -e /dev/thinvisor ]; then
		tap ok module_unload
	else
		tap fail module_unload "rmmod: $out"
	fi
}

# What the emulated CPU itself makes the kernel say while booting (Bochs'
# xstate sizes give a WARNING in fpu__init_system_xstate) is shown, but only
# what comes after boot_lines counts against thinvisor.
boot_lines=$(dmesg | wc -l)
# The warnings this machine's kernel gave about its own CPU at boot may be
# the guest's too (guest_log_problems): read now, before a busy kernel (the
# debug machine's) pushes them out of the ring.
allow=/tmp/guest-log-allowed
guest_log_allowed
# The module's own errors and warnings count from here, moved on past the
# refusals the tests provoke on purpose (mark_module_log).
mod_lines=$(dmesg -r | wc -l)
mark_module_log() {
	mod_lines=$(dmesg -r | wc -l)
}

test_kernel_log() {
	bad='BUG:|WARNING: CPU|Oops|general protection|list_del corruption|Call Trace'
	bad="$bad|UBSAN|KASAN|refcount_t: |soft lockup|hung_task|rcu.*stall|double fault"
	bad="$bad|segfault|Kernel panic|kernel BUG"
	dmesg | head -n "$boot_lines" | grep -E "$bad" | sed 's/^/# at boot, not counted: /'
	dmesg | tail -n +$((boot_lines + 1)) | grep -E "$bad" >/tmp/bad.log
	# Any line of the module at printk level 0 to 4 (emerg to warning):
	# "VMWRITE ... failed", "VMXON failed", "unexpected ... exit", ...
	dmesg -r | tail -n +$((mod_lines + 1)) |
		sed -n -E 's/^<([0-4])>(\[[^]]*\] *)?(thinvisor:.*)/level \1: \3/p' >>/tmp/bad.log
	if [ -s /tmp/bad.log ]; then
		sed 's/^/# dmesg: /' /tmp/bad.log
		# What each report says after its first line (the stack of an RCU
		# stall, a KASAN or lockdep report), for finding where it came from.
		dmesg | tail -n +$((boot_lines + 1)) | grep -E -A 30 "$bad" | head -n 300 |
			sed 's/^/# dmesg context: /'
		tap fail kernel_log_clean "see the dmesg lines above"
	else
		tap ok kernel_log_clean
	fi
}

# The debug machine's kernel has kmemleak (make test-debug): what was
# allocated after the module loaded and is referenced by nothing once it
# is gone again is a leak.  What the kernel lost before is cleared first.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_clear() {
	[ -w $kmemleak ] && echo clear >$kmemleak
}

test_kmemleak() {
	[ -w $kmemleak ] || return 0
	# An object is reported once unreferenced for 5 s, over two scans.
	echo scan >$kmemleak
	sleep 6
	echo scan >$kmemleak
	cat $kmemleak >/tmp/leaks
	if [ -s /tmp/leaks ]; then
		head -n 100 /tmp/leaks | sed 's/^/# kmemleak: /'
		tap fail kmemleak_clean "$(grep -c '^unreferenced object' /tmp/leaks) unreferenced objects"
	else
		tap ok kmemleak_clean
	fi
}

# svm57: the machine's own kernel must run with 5-level paging, or the
# machine tests nothing svm does not.  Such a kernel keeps la57 in
# /proc/cpuinfo (it clears the flag when it runs 4-level) and puts vmalloc
# above the 48-bit canonical range (0xff..., not 0xffff8... and up);
# vmallocinfo shows root the real addresses only with kptr_restrict=1.
test_host_5level() {
	grep -m 1 'address sizes' /proc/cpuinfo | sed 's/^/# /'
	restrict=$(cat /proc/sys/kernel/kptr_restrict)
	echo 1 >/proc/sys/kernel/kptr_restrict
	vmalloc=$(awk 'NR == 1 { print $1 }' /proc/vmallocinfo)
	echo "$restrict" >/proc/sys/kernel/kptr_restrict
	la57=$(grep -m 1 -ow la57 /proc/cpuinfo)
	echo "# la57 flag: ${la57:-none}; first vmalloc area: $vmalloc"
	case $vmalloc in
	0xffff[89a-f]*) tap fail host_runs_5level "vmalloc at $vmalloc: 4-level paging" ;;
	0xff*) if [ -n "$la57" ]; then tap ok host_runs_5level
	       else tap fail host_runs_5level "no la57 in /proc/cpuinfo"; fi ;;
	*) tap fail host_runs_5level "no vmalloc address in /proc/vmallocinfo" ;;
	esac
}

# A CPU the module cannot run on: insmod must fail with ENODEV and the
# module's line saying why.
test_refused_cpu() { # name expected-kernel-log-line
	out=$(insmod /lib/modules/thinvisor.ko 2>&1)
	if [ $? -eq 0 ]; then
		rmmod thinvisor
		tap fail "$1" "insmod succeeded"
	elif echo "$out" | grep -q 'No such device' && dmesg | grep -qF "thinvisor: $2"; then
		tap ok "$1"
	else
		tap fail "$1" "wrong refusal: $out; $(dmesg | grep thinvisor: | tail -n 1)"
	fi
}

case $expect_vendor in
nosvm | nonpt | noept)
	case $expect_vendor in
	nosvm) test_refused_cpu module_refused_without_virt "this AMD CPU has no SVM" ;;
	nonpt) test_refused_cpu module_refused_without_npt \
		"SVM without nested paging (NPT) is not supported" ;;
	noept) test_refused_cpu module_refused_without_ept \
		"VMX without EPT and unrestricted guest is not supported" ;;
	esac
	mark_module_log
	test_kernel_log
	;;
svm | vmx)
	test_refused_while_kvm_loaded
	[ "$machine" = svm57 ] && test_host_5level
	load_kvm
	test_refused_while_kvm_holds
	mark_module_log
	if [ -n "$loop" ]; then
		test_load && for i in $(seq 1 "${loop%:*}"); do
			case ${loop#*:} in
			boot) test_linux_boot "linux_loop_$i" $((1 + i % 2)) ;;
			blk) test_virtio_blk ;;
			generic) test_linux_boot "linux_loop_generic_$i" 2 2 "" \
				/share/vmlinuz-generic ;;
			signal)
				test_thinrun_signal TERM 143
				test_thinrun_signal INT 130 ;;
			net)
				test_net_bad_options
				test_virtio_net
				test_virtio_net _vhost_off ,vhost=off
				test_readme_net_ping ;;
			esac
		done
		test_kernel_log
		exit $failures
	fi
	kmemleak_clear
	test_load && {
		test_features
		test_mitigations
		if [ -z "$selftests_only" ]; then
			test_thinrun
			test_perf
			test_thinstat
			test_tracing_recipes
		fi
		run_selftests
		test_unload
	}
	test_kmemleak
	test_kernel_log
	;;
bench)
	load_kvm
	if grep -q 'tv\.bench=ab' /proc/cmdline; then
		bench_ab
		echo "@@BENCH-STATUS $?"
		exit $failures
	fi
	# tv.bench=exit,boot,blk,net (TESTVM_CMDLINE): only those, in that
	# order; all by default.  Each bounded, so that one that hangs (KVM
	# nested in TCG has) still lets the others report.
	# tv.benchrounds=N: N rounds (boots, or rounds in one boot) each
	# rather than each benchmark's own number, for a quicker look.
	benches=$(sed -n 's/.*tv\.bench=\([a-z,]*\).*/\1/p' /proc/cmdline | tr , ' ')
	rounds=$(sed -n 's/.*tv\.benchrounds=\([0-9]*\).*/\1/p' /proc/cmdline)
	# tv.benchonly=thinvisor|kvm: exit_bench measures one hypervisor
	# alone (with kvm, thinvisor is not even loaded); tv.benchrounds=N:
	# exit_bench N times over, each bounded by tv.benchbound= seconds (400).
	exit_only=$(sed -n 's/.*tv\.benchonly=\([a-z]*\).*/\1/p' /proc/cmdline)
	bound=$(sed -n 's/.*tv\.benchbound=\([0-9]*\).*/\1/p' /proc/cmdline)
	{ [ "$exit_only" = kvm ] || insmod /lib/modules/thinvisor.ko; } && {
		bad=
		for b in ${benches:-exit boot blk net}; do
			case $b in
			exit)
				exit_status=0
				for i in $(seq 1 "${rounds:-1}"); do
					echo "bench: exit_bench run $i of ${rounds:-1}"
					# shellcheck disable=SC2086 # one word or none
					bounded "${bound:-400}" exit_bench exit_bench 5000 $exit_only ||
						{ exit_status=$?; break; }
				done
				[ $exit_status -eq 0 ] ;;
			boot) timeout -s KILL 1800 boot_bench $rounds ;;
			blk) timeout -s KILL 1200 blk_bench $rounds ;;
			net) timeout -s KILL 1500 net_bench $rounds ;;
			*) echo "bench: no benchmark '$b'"; false ;;
			esac
			s=$?
			[ $s -eq 0 ] || { echo "${b}_bench: ended with status $s"; bad=yes; }
		done
		[ -z "$bad" ]
	}
	echo "@@BENCH-STATUS $?"
	;;
demo)
	# The stock kernel of this machine and a busybox /init that counts
	# its CPUs and powers off (tools/testvm/guest-init.sh).
	set -- --kernel /share/vmlinuz --initrd /share/guest.cpio.gz --cpus 2 \
		--cmdline "console=ttyS0 quiet tv.cpus=2"
	insmod /lib/modules/thinvisor.ko && thinrun --info &&
		echo "\$ thinrun $*" && thinrun "$@" </dev/null
	echo "@@DEMO-STATUS $?"
	;;
*)
	tap fail run_tests_mode "unknown mode $mode"
	;;
esac
exit $failures
