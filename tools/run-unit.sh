#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the unit tests (pure logic, no VM) and collect them like a test
# machine's output, into build/test/unit.tap.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/test
mkdir -p "$out"
log=$out/unit.serial
rm -f "$out/unit.tap" "$out/unit.tap.summary"
{
	echo "@@TESTVM-BEGIN mode=unit"
	status=0
	for t in "$@"; do
		echo "@@BIN ${t##*/}"
		timeout 120 "$t" 2>&1
		rc=$?
		echo "@@RC ${t##*/} $rc"
		[ $rc -eq 0 ] || status=1
	done
	echo "@@TESTVM-STATUS $status"
	echo "@@TESTVM-END"
} >"$log"
if [ $# -eq 0 ]; then
	echo "unit: no unit tests"
	printf 'TAP version 13\n1..0\n' >"$out/unit.tap"
	echo "0 passed, 0 failed, 0 skipped" >"$out/unit.tap.summary"
	exit 0
fi
"$top/tools/testvm/collect.sh" unit "$log" "$out/unit.tap"
