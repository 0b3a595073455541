#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn what a test machine printed on its serial console into one TAP
# stream, and say whether the run passed.
# Usage: collect.sh MODE SERIAL.log OUT.tap
#
# Green means what it says: besides a "not ok", each of these fails the run:
#  - a SKIP not listed for this machine in tools/testvm/skips/ (skip-lists.rst
#    of Documentation/testing.rst): skips/MODE, or else skips/VENDOR, VENDOR
#    being the prefix of MODE (svm57 -> svm); TESTVM_SKIPS_EXTRA names more
#    lists (the VMX machine with vmx_vcpus=0);
#  - a test a selftest binary declares (its "1..N" plan, a RUN line) that
#    reports nothing, and a binary that prints no plan;
#  - a boot that does not report run-tests' status (@@TESTVM-STATUS), or
#    reports a failure that no line above shows;
#  - fewer boots than TESTVM_BOOTS (a VMX shard that printed nothing);
#  - TESTVM_HOST_FAIL: what the host saw go wrong with the emulator.
# Besides MODE.tap and MODE.tap.summary, writes MODE.tap.hv: how many tests
# that passed ran the hypervisor (a selftest, or a guest run by run-tests).
set -uo pipefail
mode=$1 serial=$2 tap=$3
here=$(cd "$(dirname "$0")" && pwd)

vendor=none
case $mode in svm*) vendor=svm ;; vmx*) vendor=vmx ;; esac
skips=$here/skips/$mode
[ -f "$skips" ] || skips=$here/skips/$vendor
# Every list that applies, as "PATTERN<TAB>REASON" lines.
allowed=$(for f in "$skips" ${TESTVM_SKIPS_EXTRA:-}; do
	[ -f "$f" ] && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
		-e 's/^[[:space:]]*\([^[:space:]]*\)[[:space:]]*/\1\t/' "$f"
done)

if [ ! -s "$serial" ]; then
	echo "testvm: $mode: the machine printed nothing" >&2
	printf 'TAP version 13\nnot ok 1 %s: machine_boot # no serial output\n1..1\n' "$mode" >"$tap"
	echo "0 passed, 1 failed, 0 skipped, 0 todo" >"$tap.summary"
	echo "selftests 0 guests 0" >"$tap.hv"
	exit 1
fi

tr -d '\r' <"$serial" | awk -v mode="$mode" -v allowed="$allowed" \
	-v skipfile="tools/testvm/skips/${skips##*/}" -v boots="${TESTVM_BOOTS:-0}" \
	-v hostfail="${TESTVM_HOST_FAIL:-}" -v hvfile="$tap.hv" '
function glob2re(g) {
	gsub(/[][\\.^$+?(){}|]/, "\\\\&", g)
	gsub(/\*/, ".*", g)
	return "^" g "$"
}
# A SKIP passes only when a list names it; key is "BIN:TEST" or a
# run-tests.sh test name.
function skip_allowed(key,  i) {
	for (i = 1; i <= nallow; i++)
		if (key ~ allow_re[i])
			return 1
	return 0
}
function emit(ok, name, rest, key) {
	n++
	if (match(name rest, /# *[Ss][Kk][Ii][Pp]/) && !skip_allowed(key)) {
		whole = name rest
		name = substr(whole, 1, RSTART - 1)
		sub(/ +$/, "", name)
		rest = substr(whole, RSTART + RLENGTH)
		sub(/^ +/, "", rest)
		ok = "not ok"
		rest = " # a SKIP that " skipfile " does not list: " rest
	}
	printf "%s %d %s%s\n", ok, n, name, rest
	if ((name rest) ~ /# *[Ss][Kk][Ii][Pp]/) skipped++
	else if (ok == "not ok" && (name rest) ~ /# *TODO/) todo++
	else if (ok == "ok") {
		passed++
		if (key in hv_names) hv_guests++
		else if (key ~ /:/ && key !~ /^unit:/) hv_selftests++
	} else {
		failed++
		boot_failed++
	}
}
# A RUN line with no result after it: the test vanished.
function close_run() {
	if (run_name != "" && !run_done)
		emit("not ok", mode ": " bin ": " run_name, " # declared, but reported nothing", bin ":" run_name)
	run_name = ""
}
function end_boot(why) {
	if (!have_status)
		emit("not ok", mode ": run_tests_status", " # " why, "")
	else if (status != 0 && !boot_failed)
		emit("not ok", mode ": run_tests_status", " # run-tests ended with status " status, "")
	in_boot = 0
}
BEGIN {
	print "TAP version 13"
	nallow = split(allowed, lines, "\n")
	for (i = 1; i <= nallow; i++) {
		split(lines[i], f, "\t")
		allow_re[i] = glob2re(f[1])
	}
}
/^@@TESTVM-BEGIN/ {
	if (in_boot) {
		emit("not ok", mode ": machine_end", " # a boot hung or panicked before its end", "")
		in_boot = 0
	}
	begun++; in_boot = 1; have_status = 0; boot_failed = 0
	print "# " $0; next
}
/^@@TESTVM-STATUS / { have_status = 1; status = $2; next }
/^@@TESTVM-END/ { end_boot("run-tests reported no status"); next }
/^@@HV / { hv_names[$2] = 1; next }
/^@@TAP / {
	sub(/^@@TAP /, "")
	if (sub(/^not ok /, "")) ok = "not ok"; else { sub(/^ok /, ""); ok = "ok" }
	name = $1; $1 = ""
	emit(ok, mode ": " name, $0 == "" ? "" : $0, name)
	next
}
/^@@BIN / { bin = $2; bin_seen = 0; bin_failed = 0; plan = -1; run_name = ""; next }
/^@@RC / {
	close_run()
	if ($3 != 0 && !bin_failed)
		emit("not ok", mode ": " bin, " # exited with status " $3, "")
	else if (plan < 0)
		emit("not ok", mode ": " bin, " # printed no plan (1..N): its tests are unknown", "")
	else if (plan == 0)
		emit("not ok", mode ": " bin, " # declares no test", "")
	else if (bin_seen < plan)
		emit("not ok", mode ": " bin, " # " bin_seen " of " plan " results", "")
	bin = ""
	next
}
bin != "" && /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; next }
# The 6.1 harness names a test on its RUN line, but not on the result line
# of a test that skipped by exiting: take the name and reason from there.
bin != "" && /^#  RUN  / { close_run(); run_name = $3; run_done = 0; skip_msg = ""; print "# " $0; next }
bin != "" && /^# SKIP: / { skip_msg = substr($0, 9); print "# " $0; next }
bin != "" && /^(not )?ok [0-9]+ / {
	ok = ($1 == "not") ? "not ok" : "ok"
	line = $0
	sub(/^(not )?ok [0-9]+ /, "", line)
	key = bin ":" line
	sub(/ .*/, "", key)
	if (line ~ /^# SKIP/ && run_name != "") {
		if (line ~ /unknown$/ && skip_msg != "")
			line = "# SKIP " skip_msg
		line = run_name " " line
		key = bin ":" run_name
	}
	if (mode == "unit") key = "unit:" key
	run_done = 1
	bin_seen++
	if (ok == "not ok") bin_failed = 1
	emit(ok, mode ": " bin ": " line, "", key)
	next
}
/^#/ || bin != "" { print "# " $0; next }
END {
	if (!begun) emit("not ok", mode ": machine_boot", " # /init never ran", "")
	else if (in_boot) emit("not ok", mode ": machine_end", " # the machine hung or panicked before the end", "")
	if (bin != "") { close_run(); emit("not ok", mode ": " bin, " # never finished", "") }
	if (boots > begun)
		emit("not ok", mode ": machine_boot", " # " boots - begun " of " boots " boots printed nothing", "")
	if (hostfail != "") emit("not ok", mode ": machine_exit", " # " hostfail, "")
	if (n == 0) emit("not ok", mode ": tests_ran", " # no test ran", "")
	printf "1..%d\n", n
	printf "%d passed, %d failed, %d skipped, %d todo\n", passed, failed, skipped, todo > "/dev/stderr"
	printf "selftests %d guests %d\n", hv_selftests, hv_guests > hvfile
}' >"$tap" 2>"$tap.summary"

summary=$(cat "$tap.summary")
grep -E '^not ok' "$tap" | sed "s/^/testvm: /"
echo "testvm: $mode: $summary"
case $summary in
*" 0 failed"*) exit 0 ;;
*) exit 1 ;;
esac
