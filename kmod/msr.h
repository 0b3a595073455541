/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINVISOR_MSR_H
#define THINVISOR_MSR_H

#include <linux/types.h>

struct tv_vcpu;

/* 0, -ENOENT for an MSR the module does not own, -EINVAL for a bad value. */
int tv_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data);
int tv_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data);
/* The MSRs kept here, at their reset values. */
void tv_msr_reset(struct tv_vcpu *vcpu);

#endif
