#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# Exit latency per exit reason, from thinvisor's tracepoints:
#
#   perf record -e 'thinvisor:tv_entry,thinvisor:tv_exit' -- thinrun ...
#   perf script -F pid,time,event,trace | awk -f tools/exit-latency.awk
#
# For each vCPU, the time from a tv_exit to the next tv_entry is what that
# exit cost the host: in the kernel for exits it handles itself, and the
# round trip through userspace for the others.  Times are microseconds.

function field(name,   i) {
	for (i = 1; i <= NF; i++)
		if ($i == name)
			return $(i + 1)
	return ""
}

{
	ev = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /tv_(entry|exit):$/) {
			ev = ($i ~ /tv_exit:$/) ? "exit" : "entry"
			t = $(i - 1)
			sub(/:$/, "", t)
			break
		}
	}
	if (ev == "")
		next
	key = $1 "/" field("vcpu")
	if (ev == "exit") {
		pending[key] = field("reason")
		since[key] = t
	} else if (key in pending) {
		r = pending[key]
		d = (t - since[key]) * 1e6
		n[r]++
		sum[r] += d
		if (d > max[r])
			max[r] = d
		total++
		delete pending[key]
	}
}

END {
	if (!total) {
		print "no tv_exit followed by tv_entry in the input" > "/dev/stderr"
		exit 1
	}
	printf "%-16s %10s %12s %12s\n", "reason", "exits", "mean_us", "max_us"
	for (r in n)
		printf "%-16s %10d %12.2f %12.2f\n", r, n[r], sum[r] / n[r], max[r]
}
