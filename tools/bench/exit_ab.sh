#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The exit benchmarks of this tree beside those of an older revision, in
# one boot of the bench machine: each tree's module and its own
# exit_bench take turns (head, base, head, base, ...), so that both see
# the same emulated CPU and the same load on the build machine, and the
# medians over the rounds are compared (Documentation/testing.rst,
# "Benchmarks").  Single runs on emulated hardware differ by tens of
# percent; only the alternation makes a 10% question answerable.
# Usage: exit_ab.sh REV [ROUNDS]     (make bench-ab BASE=REV [ROUNDS=N])
set -euo pipefail
rev=${1:?usage: exit_ab.sh REV [ROUNDS]}
rounds=${2:-4}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
sha=$(git rev-parse --verify "$rev^{commit}")
kver=$(tools/testvm/kver.sh)
kdir=$(tools/testvm/kroot.sh "$kver")/usr/src/linux-headers-$kver
src=$top/build/ab/$sha
if [ ! -f "$src/.built" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	git archive "$sha" | tar -x -C "$src"
	# The base's own module, built by the base's own script.
	"$src/tools/build-module.sh" "$kdir" "$src/out" >&2
	# Its exit_bench, with the statistics reader where the base has one.
	extra=
	[ -f "$src/userspace/thinstat/statsfile.c" ] && extra=$src/userspace/thinstat/statsfile.c
	# shellcheck disable=SC2086 # extra is empty or one path
	gcc -O2 -Wall -D_GNU_SOURCE -I"$src/uapi" -I"$src/userspace" -static \
		-o "$src/exit_bench" "$src/tools/bench/exit_bench.c" $extra -lpthread
	touch "$src/.built"
fi
export TESTVM_AB_MODULE=$src/out/kmod/thinvisor.ko TESTVM_AB_EXIT_BENCH=$src/exit_bench
# KVM nested in QEMU's TCG now and then stops the machine's clock in a
# round (testing.rst, "Benchmarks"): nothing inside the machine can
# bound that, so run.sh stops a machine whose userspace has printed
# nothing for EXIT_AB_STALL seconds (90), and the machine boots again
# from the round after the stuck one (each boot loses at most one of the
# 2 x ROUNDS runs of exit_bench, which bounds the boots).  The
# rounds lost are named; the medians are over the rounds that finished.
serial=$top/build/test/bench-ab.serial
: >"$serial"
cmdline="${TESTVM_CMDLINE:-} tv.bench=ab tv.benchrounds=$rounds"
from=1:head boots=0 lost=
start=$(date +%s)
while [ -n "$from" ] && [ $boots -lt $((2 * rounds)) ]; do
	boots=$((boots + 1))
	TESTVM_STALL=${EXIT_AB_STALL:-90} TESTVM_CMDLINE="$cmdline tv.abfrom=$from" \
		tools/testvm/run.sh bench || true
	cat build/test/bench.serial >>"$serial"
	if [ ! -f build/test/bench.stalled ]; then
		from=
		break
	fi
	# The round it stopped in, and the one after it.
	at=$(tr -d '\r' <build/test/bench.serial | sed -n 's/^AB round \([0-9]*\): \(head\|base\)$/\1:\2/p' | tail -n 1)
	if [ -z "$at" ]; then
		echo "exit_ab: the machine stopped before its first round"
		break
	fi
	lost="$lost $at"
	echo "exit_ab: the machine stopped making progress in round ${at%:*} of ${at#*:}: that round is lost"
	from=
	case $at in
	*:head) from=${at%:*}:base ;;
	*) if [ "${at%:*}" -lt "$rounds" ]; then from=$((${at%:*} + 1)):head; fi ;;
	esac
done
[ -z "$from" ] || echo "exit_ab: $boots boots used: the rounds from $from on did not run"
# Rounds the machine skipped itself (an exit_bench that failed or passed
# its bound, tv.benchbound=).
tr -d '\r' <"$serial" | grep -a '^exit_ab: ' || true
echo "exit_ab: head $(git rev-parse --short HEAD) against base ${sha:0:7}, $rounds rounds each, alternating;" \
	"$boots boot(s), $(($(date +%s) - start)) s${lost:+; rounds lost (stuck machine):$lost}"
# Medians over the rounds, per line: thinvisor's microseconds, and
# thinvisor over KVM (KVM in the same round: the load of that moment).
awk '
{ sub(/\r$/, "") }
/^AB round [0-9]+: (head|base)/ { who = $4; next }
/^bench exit_(cpuid|pio|mmio_kernel|floor) / && who != "" {
	split($3, t, "=")
	k = $2
	n[k, who]++
	us[k, who, n[k, who]] = t[2]
	if ($4 ~ /^kvm=/) { split($4, v, "="); r[k, who, n[k, who]] = t[2] / v[2] }
	names[k] = 1
}
function median(arr, k, who, cnt,    i, j, x, a) {
	for (i = 1; i <= cnt; i++) a[i] = arr[k, who, i]
	for (i = 2; i <= cnt; i++) {
		x = a[i]
		for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
		a[j + 1] = x
	}
	return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
}
END {
	if (length(names) == 0) { print "bench exit_ab: no round finished"; exit 1 }
	for (k in names) {
		h = n[k, "head"]; b = n[k, "base"]
		if (!h || !b) { printf "bench %s_ab missing rounds (head %d, base %d)\n", k, h, b; bad = 1; continue }
		mh = median(us, k, "head", h); mb = median(us, k, "base", b)
		printf "bench %s_ab head=%.2f base=%.2f head_over_base=%.3f", k, mh, mb, mh / mb
		if ((k, "head", 1) in r)
			printf " kvm_ratio_head=%.3f kvm_ratio_base=%.3f", median(r, k, "head", h), median(r, k, "base", b)
		printf " rounds=%d/%d\n", h, b
	}
	exit bad
}' "$serial"
