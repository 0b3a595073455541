/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control-register, EFER and code-segment combinations TV_SET_SREGS
 * refuses (pure logic: kmod/sregs_check.c, unit-tested in
 * selftests/unit/sregs_check_test.c).
 */
#ifndef THINVISOR_SREGS_CHECK_H
#define THINVISOR_SREGS_CHECK_H

#include "pure.h"

/* What of struct tv_sregs the check reads. */
struct tv_sregs_check {
	u64 cr0, cr3, cr4, efer;
	u16 cs_attrib;		/* the uAPI's VMX access-rights layout */
};

/* What the host lets a guest have. */
struct tv_sregs_limits {
	u64 cr4_ok;		/* CR4 bits the CPU has and the module backs */
	u8 phys_bits;		/* the CPU's MAXPHYADDR: CR3 has no bit above */
};

/* NULL when the state may be loaded, otherwise the rule it breaks. */
const char *tv_sregs_refused(const struct tv_sregs_check *s, const struct tv_sregs_limits *lim);

#ifdef __KERNEL__
struct tv_sregs;
/* The check with this host's limits (sregs.c): 0 or -EINVAL. */
int tv_sregs_check(const struct tv_sregs *s);
/* The CR4 bits a guest may have on this host (sregs.c). */
u64 tv_cr4_ok(void);
#endif

#endif
