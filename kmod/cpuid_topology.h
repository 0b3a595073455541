/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUID topology of a VM (Documentation/cpuid.rst, "Topology"):
 * ncpus vCPUs as one socket of ncpus cores, one thread each, the APIC ID
 * of each the vCPU's index, as thinrun's MADT and the module's local APIC
 * say.  Pure logic, built into the module (its supported table describes
 * a one-vCPU VM), into thinrun (which describes its --cpus) and into the
 * unit test.
 */
#ifndef THINVISOR_CPUID_TOPOLOGY_H
#define THINVISOR_CPUID_TOPOLOGY_H

#include "pure.h"

/* Subleaves of 0xB and 0x1F: the thread level, the core level, the end. */
#define TV_TOPOLOGY_SUBLEAVES	3

/* Leaves described whole by the topology, not taken from the host (0xB, 0x1F). */
bool tv_cpuid_topology_leaf(u32 fn);

/*
 * Rewrite the VM-wide topology fields of one leaf (r: EAX, EBX, ECX, EDX)
 * for ncpus vCPUs; amd: the AMD (and Hygon) fields, 0x80000008 ECX and
 * CMP_LEGACY.  The per-vCPU fields (the initial and x2APIC IDs) are
 * left 0: the module fills them in at each CPUID exit (cpuid.c).
 */
void tv_cpuid_topology(u32 fn, u32 index, bool amd, u32 ncpus, u32 r[4]);

#endif
