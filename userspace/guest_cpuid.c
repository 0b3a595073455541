// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID table thinrun gives a Linux guest: exactly what the module
 * reports it backs on this host (TV_GET_SUPPORTED_CPUID), never the
 * host's own CPUID.  The module's allow-list (kmod/cpuid_policy.c,
 * Documentation/cpuid.rst) already takes out everything nothing backs:
 * VMX/SVM, MONITOR/MWAIT, the PMU, MCE/MCA, MTRRs, the speculation
 * controls, ...; a leaf missing from it reads as zeros.  That table
 * describes a VM of one vCPU; the topology leaves are rewritten here for
 * the VM's count (one socket of that many cores, one thread each, APIC
 * ID = vCPU index, as the MADT says: boot/acpi.c).  The module itself
 * fills in what follows the vCPU: its APIC IDs and OSXSAVE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_cpuid.h"
#include "../kmod/cpuid_topology.h"

/* Leaf 0's vendor: "AuthenticAMD" and "HygonGenuine" have AMD's topology leaves. */
static bool cpuid_vendor_amd(const struct tv_cpuid *c)
{
	unsigned int i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0)
			return c->entries[i].ebx == 0x68747541 ||	/* "Auth" */
			       c->entries[i].ebx == 0x6f677948;		/* "Hygo" */
	return false;
}

void cpuid_set_topology(struct tv_cpuid *c, unsigned int ncpus)
{
	bool amd = cpuid_vendor_amd(c);
	unsigned int i;

	for (i = 0; i < c->nent; i++) {
		struct tv_cpuid_entry *e = &c->entries[i];
		u32 r[4] = { e->eax, e->ebx, e->ecx, e->edx };

		tv_cpuid_topology(e->function, e->index, amd, ncpus, r);
		e->eax = r[0];
		e->ebx = r[1];
		e->ecx = r[2];
		e->edx = r[3];
	}
}

struct tv_cpuid *cpuid_guest_table(int dev, unsigned int max, unsigned int ncpus)
{
	struct tv_cpuid *c = calloc(1, sizeof(*c) + max * sizeof(c->entries[0]));

	if (!c)
		return NULL;
	c->nent = max;
	if (ioctl(dev, TV_GET_SUPPORTED_CPUID, c)) {
		perror("thinrun: TV_GET_SUPPORTED_CPUID");
		free(c);
		return NULL;
	}
	cpuid_set_topology(c, ncpus);
	return c;
}
