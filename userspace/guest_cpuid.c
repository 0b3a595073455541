// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID table thinrun gives a Linux guest.  A leaf missing from the
 * table reads as zeros, and a kernel that sees no long mode in CPUID
 * stops in verify_cpu, so the guest gets the host's leaves, less what
 * thinvisor does not virtualize: VMX/SVM, MONITOR/MWAIT, the PMU
 * (leaf 0xa), thermal and power management (leaf 6), SGX, and MTRRs (the
 * module has no MTRR MSRs: a kernel that sees the CPUID bit reads
 * MTRRcap, takes a #GP and prints a call trace for it).
 *
 * OSXSAVE (leaf 1 ECX bit 27) is the host's, 1: right for a guest that
 * turns CR4.OSXSAVE on, as Linux does, and wrong for one that does not
 * (Linux with noxsave: its user space then runs XGETBV and takes #UD).
 * The bit has to follow the guest's CR4, which only the module, which
 * answers CPUID, can do.  A first
 * policy, to be revisited with the x2APIC work (the module adds the
 * hypervisor bit and the APIC IDs itself).
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdlib.h>

#include "guest_cpuid.h"

#define L1_ECX_MONITOR	(1U << 3)
#define L1_ECX_VMX	(1U << 5)
#define L1_ECX_SMX	(1U << 6)
#define L1_EDX_MTRR	(1U << 12)	/* the same bit in 0x80000001 EDX on AMD */
#define L7_EBX_SGX	(1U << 2)
#define L7_ECX_SGX_LC	(1U << 30)
#define X1_ECX_SVM	(1U << 2)

/* Leaves whose ECX picks a subleaf. */
static int indexed(uint32_t fn)
{
	switch (fn) {
	case 4: case 7: case 0xb: case 0xd: case 0xf: case 0x10: case 0x14:
	case 0x17: case 0x18: case 0x1d: case 0x1e: case 0x1f: case 0x8000001d:
		return 1;
	default:
		return 0;
	}
}

static void filter(struct tv_cpuid_entry *e)
{
	switch (e->function) {
	case 1:
		e->ecx &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_SMX);
		e->edx &= ~L1_EDX_MTRR;
		break;
	case 5: case 6: case 0xa: case 0x12: case 0x8000000a:
		e->eax = e->ebx = e->ecx = e->edx = 0;
		break;
	case 7:
		if (e->index == 0) {
			e->ebx &= ~L7_EBX_SGX;
			e->ecx &= ~L7_ECX_SGX_LC;
		}
		break;
	case 0x80000001:
		e->ecx &= ~X1_ECX_SVM;
		e->edx &= ~L1_EDX_MTRR;
		break;
	}
}

static unsigned int add_range(struct tv_cpuid *c, unsigned int max, uint32_t first, uint32_t last)
{
	uint32_t fn, idx, a, b, cx, d;

	for (fn = first; fn <= last && c->nent < max; fn++) {
		for (idx = 0; idx < (indexed(fn) ? 64U : 1U) && c->nent < max; idx++) {
			struct tv_cpuid_entry *e = &c->entries[c->nent];

			__cpuid_count(fn, idx, a, b, cx, d);
			/* Subleaves past the last one read as zeros anyway. */
			if (idx && !(a | b | cx | d))
				continue;
			*e = (struct tv_cpuid_entry){ .function = fn, .index = idx,
				.flags = indexed(fn) ? TV_CPUID_FLAG_INDEXED : 0,
				.eax = a, .ebx = b, .ecx = cx, .edx = d };
			filter(e);
			c->nent++;
		}
	}
	return c->nent;
}

struct tv_cpuid *cpuid_guest_table(unsigned int max)
{
	struct tv_cpuid *c = calloc(1, sizeof(*c) + max * sizeof(c->entries[0]));
	uint32_t basic, ext, b, cx, d;

	if (!c)
		return NULL;
	__cpuid(0, basic, b, cx, d);
	__cpuid(0x80000000, ext, b, cx, d);
	/* The hypervisor range 0x40000000 is the module's own. */
	add_range(c, max, 0, basic < 0x1f ? basic : 0x1f);
	add_range(c, max, 0x80000000, ext < 0x80000021 ? ext : 0x80000021);
	return c;
}
