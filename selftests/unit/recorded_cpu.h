/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A CPU for the CPUID unit tests: this machine's, read with the cpuid
 * instruction, or one of the leaf sets recorded in selftests/unit/cpuid/
 * (each file names its source).  cpu_raw() has the shape of the module's
 * raw-CPUID callback (cpuid_policy.h), so a test hands it to the policy.
 */
#ifndef RECORDED_CPU_H
#define RECORDED_CPU_H

#include "cpuid_policy.h"

#define MAX_LEAVES	512

struct leaf {
	u32 fn, index;
	bool has_index;
	u32 r[4];
};

struct cpu {
	const char *name;
	bool live;		/* this machine's CPU, read with cpuid */
	struct leaf leaves[MAX_LEAVES];
	unsigned int n;
	u64 xcr0;
};

/* Not <cpuid.h>: -Ikmod makes that the module's own cpuid.h. */
void cpuid_insn(u32 fn, u32 index, u32 out[4]);

/* The leaf (fn, index) of the CPU ctx points at; zeros if it has none. */
void cpu_raw(void *ctx, u32 fn, u32 index, u32 out[4]);

/*
 * Load a recorded dump of CPUID_DATA_DIR ("CPUID 0000000D: EAX-EBX-ECX-EDX
 * [SL 01]" lines, '#' comments, "# XCR0 x" if recorded): 0, or -1 when the
 * file is missing or holds no leaf.
 */
int cpu_load(struct cpu *c, const char *file);

/* This machine's CPU, with its XCR0. */
void cpu_live(struct cpu *c);

#endif
