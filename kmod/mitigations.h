/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Speculative-execution hygiene around the world switch, as the running
 * host kernel decided it (its X86_FEATURE_* and mitigation state), and the
 * guest's own speculation-control MSRs (SPEC_CTRL, PRED_CMD, FLUSH_CMD,
 * ARCH_CAPABILITIES).  What runs in the world switch itself is in
 * world_switch.S; Documentation/security.rst says what is done where.
 */
#ifndef THINVISOR_MITIGATIONS_H
#define THINVISOR_MITIGATIONS_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct tv_vcpu;
struct tv_vm;

/* Guest writes to PRED_CMD/FLUSH_CMD, done at the next entry (vcpu->spec_pending). */
#define TV_SPEC_PENDING_IBPB		BIT(0)
#define TV_SPEC_PENDING_FLUSH_L1D	BIT(1)

int tv_mitigations_init(void);
void tv_mitigations_exit(void);

/* The TV_CPUID_SPEC_* controls this host lets the module back. */
u32 tv_spec_cpuid_caps(void);

/* 0, -EINVAL (#GP), or -ENOENT for an MSR that is not a speculation control. */
int tv_spec_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data);
int tv_spec_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data);

/* A new VM: its predictor domain, for the IBPB between VMs. */
void tv_spec_vm_init(struct tv_vm *vm);

/*
 * In the entry's critical section (interrupts off, the CPU fixed): the
 * IBPB when another VM ran here last, and what the guest asked for.
 */
void __tv_mitigations_enter(struct tv_vcpu *vcpu);
DECLARE_STATIC_KEY_FALSE(tv_spec_enter_key);

static __always_inline void tv_mitigations_enter(struct tv_vcpu *vcpu)
{
	if (static_branch_unlikely(&tv_spec_enter_key))
		__tv_mitigations_enter(vcpu);
}

/* VMX, last thing before the entry: the L1D flush L1TF needs. */
void __tv_l1d_flush(void);
DECLARE_STATIC_KEY_FALSE(tv_l1d_flush_key);

static __always_inline void tv_l1d_flush(void)
{
	if (static_branch_unlikely(&tv_l1d_flush_key))
		__tv_l1d_flush();
}

/* "mitigations=a,b,..." for the sysfs features line. */
int tv_mitigations_show(char *buf, int at);

#endif
