// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID topology of a VM: one socket of ncpus cores, one thread per
 * core, APIC ID = vCPU index.  The host's own topology (its SMT, its core
 * count, its APIC ID layout) describes CPUs the guest does not have and
 * would make Linux group the vCPUs into the host's packages and threads.
 * Each leaf says the same thing: the core ID is the APIC ID, the package
 * spans the next power of two of APIC IDs, the last-level cache is shared
 * by every vCPU and the others by one.
 */
#include "cpuid_topology.h"

#define EAX	0
#define EBX	1
#define ECX	2
#define EDX	3

/* Leaf 0xB/0x1F ECX[15:8]: the level's type. */
#define TOPO_LEVEL_INVALID	0
#define TOPO_LEVEL_SMT		1
#define TOPO_LEVEL_CORE		2

/* The bits an APIC ID needs for n IDs: the core (and package) shift. */
static u32 order(u32 n)
{
	u32 s = 0;

	while (s < 31 && (1U << s) < n)
		s++;
	return s;
}

/* Put v into bits [hi:lo] of *x. */
static void field(u32 *x, int hi, int lo, u32 v)
{
	u32 mask = (hi == 31 ? ~0U : (1U << (hi + 1)) - 1) & ~((1U << lo) - 1);

	*x = (*x & ~mask) | ((v << lo) & mask);
}

bool tv_cpuid_topology_leaf(u32 fn)
{
	return fn == 0xb || fn == 0x1f;
}

void tv_cpuid_topology(u32 fn, u32 index, bool amd, u32 ncpus, u32 r[4])
{
	u32 span, level;

	if (!ncpus)
		ncpus = 1;
	span = 1U << order(ncpus);	/* APIC IDs one package spans */

	switch (fn) {
	case 0x1:
		/* Logical processors the package addresses; HTT: more than one. */
		field(&r[EBX], 23, 16, span > 255 ? 255 : span);
		field(&r[EBX], 31, 24, 0);	/* the initial APIC ID: per vCPU */
		field(&r[EDX], 28, 28, ncpus > 1);
		break;
	case 0x4:
		if (!(r[EAX] & 0x1f))	/* no cache here (AMD: no leaf 4) */
			break;
		/* Cores in the package, and the vCPUs that share this cache. */
		level = (r[EAX] >> 5) & 7;
		field(&r[EAX], 31, 26, (span > 64 ? 64 : span) - 1);
		field(&r[EAX], 25, 14, level >= 3 ? span - 1 : 0);
		break;
	case 0xb:
	case 0x1f:
		r[EDX] = 0;		/* the x2APIC ID: per vCPU */
		if (index == 0) {	/* threads: one per core */
			r[EAX] = 0;
			r[EBX] = 1;
			r[ECX] = TOPO_LEVEL_SMT << 8;
		} else if (index == 1) { /* cores: every vCPU */
			r[EAX] = order(ncpus);
			r[EBX] = ncpus;
			r[ECX] = TOPO_LEVEL_CORE << 8 | 1;
		} else {
			r[EAX] = 0;
			r[EBX] = 0;
			r[ECX] = TOPO_LEVEL_INVALID << 8 | (index & 0xff);
		}
		break;
	case 0x80000001:
		/* AMD: CMP_LEGACY, "the cores are the logical processors". */
		if (amd)
			field(&r[ECX], 1, 1, ncpus > 1);
		break;
	case 0x80000008:
		/* AMD: cores - 1, and the APIC ID bits of the core ID. */
		if (amd) {
			field(&r[ECX], 7, 0, ncpus - 1);
			field(&r[ECX], 15, 12, order(ncpus));
		}
		break;
	}
}
