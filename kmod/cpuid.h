/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINVISOR_CPUID_H
#define THINVISOR_CPUID_H

#include <linux/types.h>

#define TV_CPUID_HYPERVISOR	0x40000000

struct tv_vcpu;
struct tv_cpuid;

/* TV_GET_SUPPORTED_CPUID */
int tv_get_supported_cpuid(struct tv_cpuid __user *argp);

/* out: EAX, EBX, ECX, EDX */
void tv_cpuid_lookup(struct tv_vcpu *vcpu, u32 fn, u32 index, u32 out[4]);

#endif
