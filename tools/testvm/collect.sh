#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn what a test machine printed on its serial console into one TAP
# stream, and say whether the run passed.
# Usage: collect.sh MODE SERIAL.log OUT.tap
set -uo pipefail
mode=$1 serial=$2 tap=$3

if [ ! -s "$serial" ]; then
	echo "testvm: $mode: the machine printed nothing" >&2
	printf 'TAP version 13\nnot ok 1 %s: machine_boot # no serial output\n1..1\n' "$mode" >"$tap"
	exit 1
fi

tr -d '\r' <"$serial" | awk -v mode="$mode" '
function emit(ok, name, rest) {
	n++
	printf "%s %d %s%s\n", ok, n, name, rest
	if ((name rest) ~ /# *[Ss][Kk][Ii][Pp]/) skipped++
	else if (ok == "not ok" && (name rest) ~ /# *TODO/) todo++
	else if (ok == "ok") passed++
	else failed++
}
BEGIN { print "TAP version 13" }
/^@@TESTVM-BEGIN/ {
	if (in_boot) emit("not ok", mode ": machine_end", " # a boot hung or panicked before its end")
	begun++; in_boot = 1; print "# " $0; next
}
/^@@TESTVM-END/ { in_boot = 0; next }
/^@@TAP / {
	sub(/^@@TAP /, "")
	if (sub(/^not ok /, "")) ok = "not ok"; else { sub(/^ok /, ""); ok = "ok" }
	name = $1; $1 = ""
	emit(ok, mode ": " name, $0 == "" ? "" : $0)
	next
}
/^@@BIN / { bin = $2; bin_seen = 0; bin_failed = 0; plan = -1; next }
/^@@RC / {
	if ($3 != 0 && !bin_failed)
		emit("not ok", mode ": " bin, " # exited with status " $3)
	else if (plan >= 0 && bin_seen < plan)
		emit("not ok", mode ": " bin, " # " bin_seen " of " plan " results")
	bin = ""
	next
}
bin != "" && /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; next }
# The 6.1 harness names a test on its RUN line, but not on the result line
# of a test that skipped by exiting: take the name and reason from there.
bin != "" && /^#  RUN  / { run_name = $3; skip_msg = ""; print "# " $0; next }
bin != "" && /^# SKIP: / { skip_msg = substr($0, 9); print "# " $0; next }
bin != "" && /^(not )?ok [0-9]+ / {
	ok = ($1 == "not") ? "not ok" : "ok"
	line = $0
	sub(/^(not )?ok [0-9]+ /, "", line)
	if (line ~ /^# SKIP/ && run_name != "") {
		if (line ~ /unknown$/ && skip_msg != "")
			line = "# SKIP " skip_msg
		line = run_name " " line
	}
	bin_seen++
	if (ok == "not ok") bin_failed = 1
	emit(ok, mode ": " bin ": " line, "")
	next
}
/^#/ || bin != "" { print "# " $0; next }
END {
	if (!begun) emit("not ok", mode ": machine_boot", " # /init never ran")
	else if (in_boot) emit("not ok", mode ": machine_end", " # the machine hung or panicked before the end")
	if (bin != "") emit("not ok", mode ": " bin, " # never finished")
	if (n == 0) emit("not ok", mode ": tests_ran", " # no test ran")
	printf "1..%d\n", n
	printf "%d passed, %d failed, %d skipped, %d todo\n", passed, failed, skipped, todo > "/dev/stderr"
}' >"$tap" 2>"$tap.summary"

summary=$(cat "$tap.summary")
grep -E '^not ok' "$tap" | sed "s/^/testvm: /"
echo "testvm: $mode: $summary"
case $summary in
*" 0 failed"*) exit 0 ;;
*) exit 1 ;;
esac
