// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID table thinrun gives a Linux guest: exactly what the module
 * reports it backs on this host (TV_GET_SUPPORTED_CPUID), never the
 * host's own CPUID.  The module's allow-list (kmod/cpuid_policy.c,
 * Documentation/cpuid.rst) already takes out everything nothing backs:
 * VMX/SVM, MONITOR/MWAIT, the PMU, MCE/MCA, MTRRs, the speculation
 * controls, ...; a leaf missing from it reads as zeros.  The module
 * itself fills in what follows the vCPU: its APIC IDs and OSXSAVE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "guest_cpuid.h"

struct tv_cpuid *cpuid_guest_table(int dev, unsigned int max)
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
	return c;
}
