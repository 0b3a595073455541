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

#include "thinvisor.h"

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

/*
 * VMX, last thing before the entry: the L1D flush L1TF needs.  As the
 * host kernel decided (l1tf=): at every entry with l1tf=full, otherwise
 * (its default, l1tf=flush) only when host data may have come into the
 * L1D since the last one: an interrupt or softirq on this CPU, another
 * task on it, a return from userspace, or an exit whose handling reads
 * more than the guest's own registers (tv_l1d_exit_is_light()).  As KVM
 * does; tv_l1d_flush_cond_key is the conditional case.
 */
void __tv_l1d_flush(struct tv_vcpu *vcpu);
DECLARE_STATIC_KEY_FALSE(tv_l1d_flush_key);

static __always_inline void tv_l1d_flush(struct tv_vcpu *vcpu)
{
	if (static_branch_unlikely(&tv_l1d_flush_key))
		__tv_l1d_flush(vcpu);
}

/*
 * The exits handled on the guest's registers alone, or by a device model
 * that touches no guest or host data beyond its own state: after them
 * the L1D holds nothing new of the host's.  The others (a nested page
 * fault pins pages and may decode the instruction, string I/O walks the
 * guest's tables, an NMI runs the host's handler, ...) ask for a flush.
 */
static inline bool tv_l1d_exit_is_light(const struct tv_exit_info *exit)
{
	switch (exit->kind) {
	case TV_X_CPUID:
	case TV_X_HLT:
	case TV_X_RDMSR:
	case TV_X_WRMSR:
	case TV_X_XSETBV:
	case TV_X_RDTSCP:
	case TV_X_RDPMC:
	case TV_X_WBINVD:
		return true;
	case TV_X_IO:
		return !exit->io.string;
	default:
		return false;
	}
}

/* After each exit, before it is handled. */
static __always_inline void tv_l1d_note_exit(struct tv_vcpu *vcpu)
{
	if (static_branch_unlikely(&tv_l1d_flush_key) && !tv_l1d_exit_is_light(&vcpu->exit))
		vcpu->l1d_flush_due = true;
}

/* "mitigations=a,b,..." for the sysfs features line. */
int tv_mitigations_show(char *buf, int at);

#endif
