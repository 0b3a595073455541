#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make test`: the unit tests here, then the selftests in the emulated SVM
# machines (QEMU; svm57's kernel runs with 5-level paging), the machines
# that check the load refusals (nosvm, nonpt: QEMU; noept: Bochs), the VMX
# machine (Bochs; its selftests and one thinrun guest of each kind) and
# its short two-CPU boot (vmx2).  The VMX machine is the longest lane: it
# runs beside all the others, which run one after the other
# (Documentation/testing.rst, "What each lane costs").
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/test
mkdir -p "$out"
cd "$top" || exit 1
machines="svm svm57 svm612 nosvm nonpt noept vmx2 vmx"
[ -n "${TESTVM_MACHINES:-}" ] && machines=$TESTVM_MACHINES

status=0
make -s test-unit || status=1

# The VMX machine (vmx, vmx612) in the background, the others in turn.
# It runs every selftest but only one thinrun guest of each kind
# (TESTVM_GUESTS=core): all of them there take about 30 minutes more
# (make test-vmx runs them all; testing.rst).
long() { case $1 in vmx | vmx612) return 0 ;; esac; return 1; }
declare -A pids=()
for m in $machines; do
	long "$m" || continue
	TESTVM_GUESTS=${TESTVM_GUESTS-core} tools/testvm/run.sh "$m" >"$out/$m.run.log" 2>&1 &
	pids[$m]=$!
done
for m in $machines; do
	long "$m" && continue
	tools/testvm/run.sh "$m" || status=1
done
for m in "${!pids[@]}"; do
	wait "${pids[$m]}" || status=1
	cat "$out/$m.run.log"
done

echo
echo "== summary"
# Per machine: its results, and how many of the tests that passed ran the
# hypervisor on its vendor (the vendor is the prefix of its name: svm57 is
# an SVM machine), selftests and guest runs apart; the unit tests and the
# launcher's argument checks are not among them.  A machine of a vendor
# where none did fails.
passed=0 failed=0 skipped=0 todo=0
declare -A hv_vendor=()
for m in unit $machines; do
	s=$out/$m.tap.summary
	if [ ! -f "$s" ]; then
		echo "$m: no results"
		failed=$((failed + 1))
		continue
	fi
	read -r p _ f _ k _ t _ <"$s"
	hv=
	vendor=
	case $m in svm*) vendor=svm ;; vmx*) vendor=vmx ;; esac
	if [ -n "$vendor" ]; then
		read -r _ hs _ hg <"$out/$m.tap.hv" 2>/dev/null || hs=0 hg=0
		hv="; ran the hypervisor ($vendor): $((hs + hg)) ($hs selftests, $hg guest runs)"
		hv_vendor[$vendor]=$((${hv_vendor[$vendor]:-0} + hs + hg))
		if [ $((hs + hg)) -eq 0 ]; then
			echo "$m: no test ran the hypervisor"
			failed=$((failed + 1))
		fi
	fi
	echo "$m: $(cat "$s")$hv   ($out/$m.tap)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
	todo=$((todo + ${t:-0}))
done
# What failed, by name, last: CI shows only the end of this output.  A
# machine that hung names the last test it finished.
for m in unit $machines; do
	t=$out/$m.tap
	[ -f "$t" ] || continue
	bad=$(grep '^not ok' "$t" | grep -v '# *TODO' |
		sed 's/^not ok [0-9]* [^:]*: //; s/ *#.*//' | tr '\n' ' ')
	[ -n "$bad" ] || continue
	echo "failed in $m: $bad"
	case $bad in *machine_end*)
		last=$(grep -a '^@@TAP ' "$out/$m.serial" 2>/dev/null | tail -n 1 | tr -d '\r')
		echo "  $m stopped after: ${last#@@TAP }" ;;
	esac
done
[ "$passed" -gt 0 ] || { echo "no test passed"; status=1; }
[ "$failed" -eq 0 ] || status=1
for v in "${!hv_vendor[@]}"; do
	echo "tests that ran the hypervisor on $v: ${hv_vendor[$v]}"
done
echo "$passed passed, $failed failed, $skipped skipped (each listed in tools/testvm/skips/), $todo todo (known bugs, not ok # TODO)"
exit $status
