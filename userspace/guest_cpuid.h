/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_GUEST_CPUID_H
#define THINRUN_GUEST_CPUID_H

#include <linux/thinvisor.h>

/*
 * The CPUID table of a Linux guest: what the module backs on this host,
 * from TV_GET_SUPPORTED_CPUID on dev (/dev/thinvisor; see guest_cpuid.c),
 * with the topology of ncpus vCPUs.  Returns a malloc'ed table of at most
 * max entries, or NULL.
 */
struct tv_cpuid *cpuid_guest_table(int dev, unsigned int max, unsigned int ncpus);

/* Rewrite c's topology leaves for ncpus vCPUs (one socket, a core each). */
void cpuid_set_topology(struct tv_cpuid *c, unsigned int ncpus);

#endif
