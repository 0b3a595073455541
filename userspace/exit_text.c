// SPDX-License-Identifier: GPL-2.0
/*
 * Exit descriptions for the user (exit_text.h).  Pure: it reads only
 * the tv_run page, so the unit tests can hand it any page.
 */
#include <stdio.h>

#include "exit_text.h"

const char *internal_suberror_name(unsigned int suberror)
{
	switch (suberror) {
	case TV_INTERNAL_EMULATION:
		return "an instruction the module cannot decode or emulate";
	case TV_INTERNAL_BAD_GUEST:
		return "guest memory the module could not read";
	case TV_INTERNAL_HW:
		return "the CPU refused the module's VMCS write";
	case TV_INTERNAL_DELIVERY:
		return "delivering an event touched an address with no RAM";
	default:
		return "unknown";
	}
}

/* snprintf() at buf + len that never writes past size and keeps the sum. */
static size_t append(char *buf, size_t size, size_t len, const char *fmt,
		     unsigned long long v)
{
	int w = snprintf(buf + (len < size ? len : size), len < size ? size - len : 0, fmt, v);

	return len + (w > 0 ? w : 0);
}

int internal_error_text(const struct tv_run *run, char *buf, size_t size)
{
	unsigned int sub = run->internal.suberror;
	unsigned int n = run->internal.ninsn, i;
	size_t len;

	len = append(buf, size, 0, "internal error %llu", sub);
	len += snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
			" (%s)", internal_suberror_name(sub));
	/* Unreadable guest memory: the module gives the address when it has one. */
	if (sub == TV_INTERNAL_EMULATION || sub == TV_INTERNAL_DELIVERY ||
	    (sub == TV_INTERNAL_BAD_GUEST && run->internal.gpa))
		len = append(buf, size, len, " at gpa 0x%llx", run->internal.gpa);
	if (sub != TV_INTERNAL_EMULATION)
		return len;
	/* ninsn is the module's word; never read past the array. */
	if (n > sizeof(run->internal.insn))
		n = sizeof(run->internal.insn);
	if (n)
		len = append(buf, size, len, ", instruction bytes", 0);
	for (i = 0; i < n; i++)
		len = append(buf, size, len, " %02llx", run->internal.insn[i]);
	return len;
}
