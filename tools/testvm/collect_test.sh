#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unit test of collect.sh, the judge of every test machine: hand-made
# consoles, each with one way a run can look green but is not, must fail;
# the clean ones must pass.  Prints TAP; run by `make test-unit`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/skips"
# collect.sh finds the lists beside itself: a copy of it, with its own.
cp "$here/collect.sh" "$work/collect.sh"
printf '# test\nrun_test:run.allowed  a reason\nperf_*  no perf\n' >"$work/skips/demo"
printf "*  vCPUs off\n" >"$work/skips/demo-extra"

n=0 failed=0
# expect pass|fail NAME CONSOLE [env...]
expect() {
	local want=$1 name=$2 console=$3 got
	shift 3
	n=$((n + 1))
	printf '%b' "$console" >"$work/serial"
	if env "$@" "$work/collect.sh" demo "$work/serial" "$work/out.tap" >"$work/log" 2>&1; then
		got=pass
	else
		got=fail
	fi
	if [ "$got" = "$want" ]; then
		echo "ok $n $name"
	else
		failed=1
		sed 's/^/# /' "$work/log" "$work/out.tap"
		echo "not ok $n $name # collect.sh said $got"
	fi
}

B='@@TESTVM-BEGIN mode=demo\n'
E='@@TESTVM-STATUS 0\n@@TESTVM-END\n'
OK='@@TAP ok module_load\n'
BIN='@@BIN run_test\n1..2\n#  RUN           run.a ...\nok 1 run.a\n#  RUN           run.allowed ...\nok 2 # SKIP only one CPU\n@@RC run_test 0\n'

echo "1..15"
expect pass clean_run "$B$OK$BIN$E"
expect fail unlisted_tap_skip "$B$OK@@TAP ok linux_boot_1cpu # SKIP no guest kernel\n$E"
expect pass listed_tap_skip_glob "$B$OK@@TAP ok perf_records_thinvisor_events # SKIP no perf\n$E"
expect fail unlisted_selftest_skip "$B$OK@@BIN exits_test\n1..1\n#  RUN           exits.msr ...\nok 1 # SKIP no TV_CAP_MSR_EXIT_USER\n@@RC exits_test 0\n$E"
expect fail declared_test_reports_nothing "$B$OK@@BIN run_test\n1..2\n#  RUN           run.a ...\nok 1 run.a\n#  RUN           run.b ...\n@@RC run_test 0\n$E"
expect fail binary_prints_no_plan "$B$OK@@BIN run_test\n@@RC run_test 0\n$E"
expect fail binary_declares_no_test "$B$OK@@BIN run_test\n1..0\n@@RC run_test 0\n$E"
expect fail no_run_tests_status "$B$OK@@TESTVM-END\n"
expect fail status_without_a_failure_line "$B$OK@@TESTVM-STATUS 1\n@@TESTVM-END\n"
expect fail no_end_marker "$B$OK"
expect fail a_shard_printed_nothing "$B$OK$E" TESTVM_BOOTS=2
expect fail emulator_status "$B$OK$E" "TESTVM_HOST_FAIL=QEMU exited with status 124"
expect fail nothing_printed ""
expect fail all_binaries_missing "$B@@TAP not ok run_test # no executable /selftests/run_test in this machine\n$E"
expect pass extra_list "$B$OK@@TAP ok x # SKIP vCPUs off\n$E" "TESTVM_SKIPS_EXTRA=$work/skips/demo-extra"
exit $failed
