/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest CPU model: which CPUID bits of the host a guest may see
 * (Documentation/cpuid.rst).  Pure logic, built into the module (for
 * TV_GET_SUPPORTED_CPUID) and into the unit test and the guest-side MSR
 * check, which run it against other CPUs' CPUID.
 */
#ifndef THINVISOR_CPUID_POLICY_H
#define THINVISOR_CPUID_POLICY_H

#include "pure.h"
#include "../uapi/linux/thinvisor.h"

/*
 * The speculation controls the module backs on this host
 * (kmod/mitigations.c), each where the host kernel has the MSR.
 */
#define TV_CPUID_SPEC_CTRL	0x1	/* SPEC_CTRL, switched at every entry and exit */
#define TV_CPUID_SPEC_IBPB	0x2	/* PRED_CMD */
#define TV_CPUID_SPEC_FLUSH_L1D	0x4	/* FLUSH_CMD */
#define TV_CPUID_SPEC_ARCH_CAPS	0x8	/* ARCH_CAPABILITIES, the host's filtered */

/* What the module backs on this host, beyond the CPUID it reads. */
struct tv_cpuid_host {
	u32 vendor;	/* TV_VENDOR_* */
	u64 xcr0;	/* XCR0 bits the host has on: 0 without XSAVE */
	u32 spec;	/* TV_CPUID_SPEC_* */
	bool pkru;	/* PKRU switched around the guest: the host has OSPKE */
};

/* The host's CPUID: out EAX, EBX, ECX, EDX. */
typedef void (*tv_cpuid_raw_fn)(void *ctx, u32 fn, u32 index, u32 out[4]);

/* Leaves whose ECX picks a subleaf. */
bool tv_cpuid_indexed(u32 fn);

/*
 * The supported table: every leaf the host has, masked to the allow-list.
 * Returns the number of entries written, or -E2BIG when max is too small
 * (*needed then says how many there are).
 */
int tv_cpuid_supported(const struct tv_cpuid_host *host, tv_cpuid_raw_fn raw,
		       void *ctx, struct tv_cpuid_entry *out, u32 max,
		       u32 *needed);

/*
 * Whether TV_SET_CPUID may take the entry e, given the supported table
 * (n entries): 0, or -EINVAL for a leaf the policy does not offer, or a
 * feature bit the supported table lacks.  Values (family, counts, sizes,
 * the topology) may be anything.
 */
int tv_cpuid_check(const struct tv_cpuid_entry *e,
		   const struct tv_cpuid_entry *supported, u32 n);

/* A CPUID bit and an MSR a kernel that sees the bit may touch. */
struct tv_cpuid_msr_dep {
	u32 function;
	u32 index;
	u8 reg;		/* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
	u8 bit;
	u32 msr;
	const char *name;
};

extern const struct tv_cpuid_msr_dep tv_cpuid_msr_deps[];
extern const unsigned int tv_cpuid_nr_msr_deps;

/* An MSR the module answers (as a guest's RDMSR, and in TV_GET_MSRS). */
bool tv_msr_backed(u32 msr);
/*
 * Of those, the ones answered only where the host has them, i.e. only
 * when the guest's CPUID offers them: elsewhere they take #GP.
 */
bool tv_msr_needs_cpuid(u32 msr);
/* Commands, not state: a read takes #GP on the CPU too (PRED_CMD, FLUSH_CMD). */
bool tv_msr_write_only(u32 msr);

#endif
