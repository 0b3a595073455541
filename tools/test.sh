#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make test`: the unit tests here, then the selftests in the emulated SVM
# machines (QEMU; svm57's kernel runs with 5-level paging), the no-SVM
# machine and the VMX machine (Bochs).  Bochs is
# slow and single-threaded, so it runs beside the QEMU machines.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/test
mkdir -p "$out"
cd "$top" || exit 1
machines="svm svm57 nosvm vmx"
[ -n "${TESTVM_MACHINES:-}" ] && machines=$TESTVM_MACHINES

status=0
make -s test-unit || status=1

pids=()
case " $machines " in
*" vmx "*)
	tools/testvm/run.sh vmx >"$out/vmx.run.log" 2>&1 &
	pids+=($!)
	;;
esac
for m in $machines; do
	[ "$m" = vmx ] && continue
	tools/testvm/run.sh "$m" || status=1
done
for p in "${pids[@]}"; do
	wait "$p" || status=1
	cat "$out/vmx.run.log"
done

echo
echo "== summary"
passed=0 failed=0 skipped=0 todo=0
for m in unit $machines; do
	s=$out/$m.tap.summary
	if [ ! -f "$s" ]; then
		echo "$m: no results"
		failed=$((failed + 1))
		continue
	fi
	read -r p _ f _ k _ t _ <"$s"
	echo "$m: $(cat "$s")   ($out/$m.tap)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
	todo=$((todo + ${t:-0}))
done
[ "$passed" -gt 0 ] || { echo "no test passed"; status=1; }
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped, $todo todo (known bugs, not ok # TODO)"
exit $status
