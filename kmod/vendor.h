/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table each vendor backend (svm/, vmx/) fills.  Shared code calls a
 * vendor only through tv_ops, and never sees a VMCB or a VMCS.
 */
#ifndef THINVISOR_VENDOR_H
#define THINVISOR_VENDOR_H

#include <linux/types.h>

struct tv_vm;
struct tv_vcpu;
struct tv_sregs;

struct tv_vendor_ops {
	const char *name;		/* "svm" or "vmx" */
	u32 uapi_vendor;		/* TV_VENDOR_* */

	/*
	 * Per host CPU, with interrupts off: is SVM/VMX already on (held by
	 * another hypervisor); take it; give it back.
	 */
	bool (*cpu_in_use)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	/* sysfs "features": one line of the features found at load. */
	int (*show_features)(char *buf);
	void (*exit)(void);

	/*
	 * The second-stage table format (NPT or EPT): a non-leaf entry, and
	 * a leaf at level 1 (4 KiB), 2 (2 MiB) or 3 (1 GiB).  max_level is
	 * the largest leaf the CPU supports.  mmu_levels is the depth of
	 * the table the CPU walks (4 or 5), set at load: the NPT has the
	 * host's own paging depth, the EPT the one its EPTP names.
	 */
	u64 (*mmu_table_entry)(u64 pa);
	u64 (*mmu_leaf_entry)(u64 pa, int level, bool writable);
	int mmu_max_level;
	int mmu_levels;
	/*
	 * The guest's linear-address width: 57 where it can turn on 5-level
	 * paging (SVM on a CPU with LA57: CR4 is the guest's), else 48.
	 * MSRs that hold addresses (TV_SET_MSRS) must be canonical in it.
	 */
	u8 guest_va_bits;
	/* The guest's XSETBV may run without an exit (see tv_xcr0_exit()). */
	bool xsetbv_may_not_exit;

	int (*vcpu_create)(struct tv_vcpu *vcpu);
	void (*vcpu_free)(struct tv_vcpu *vcpu);

	/*
	 * Optional: make the vCPU current on this CPU before the RUN loop's
	 * critical section, with preemption off and interrupts on (VMX:
	 * VMPTRLD, after a VMCLEAR by IPI on the CPU it last ran on).
	 */
	void (*vcpu_load)(struct tv_vcpu *vcpu);
	/*
	 * Enter the guest with interrupts and preemption off, after
	 * vcpu_load on the same CPU; come back with vcpu->exit
	 * decoded and vcpu->regs, rip, rflags and cr4 up to date.  Events pending
	 * in vcpu->events are injected on the way in.
	 */
	void (*run)(struct tv_vcpu *vcpu);

	void (*get_sregs)(struct tv_vcpu *vcpu, struct tv_sregs *sregs);
	int (*set_sregs)(struct tv_vcpu *vcpu, const struct tv_sregs *sregs);
	/* MSRs kept in the VMCB/VMCS: -ENOENT for one it does not hold. */
	int (*get_msr)(struct tv_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct tv_vcpu *vcpu, u32 index, u64 data);
	/*
	 * Store a guest's write of CR0 or CR4 that passed the CPU's #GP
	 * checks (cr_exit.c), with what a native write changes with it;
	 * nonzero to refuse it (#GP).  Only for backends that intercept
	 * such writes (TV_X_CR_WRITE).
	 */
	int (*set_cr)(struct tv_vcpu *vcpu, int cr, u64 val);
	/* The guest's current privilege level, 0-3, as of the last exit. */
	int (*get_cpl)(struct tv_vcpu *vcpu);
	/* The interrupt shadow (after STI or MOV SS), for TV_GET/SET_EVENTS. */
	bool (*get_interrupt_shadow)(struct tv_vcpu *vcpu);
	void (*set_interrupt_shadow)(struct tv_vcpu *vcpu, bool shadow);
};

extern const struct tv_vendor_ops *tv_ops;

static inline bool tv_canonical(u64 v)
{
	unsigned int shift = 64 - tv_ops->guest_va_bits;

	return (u64)(((s64)v << shift) >> shift) == v;
}

int tv_svm_init(const struct tv_vendor_ops **ops);
int tv_vmx_init(const struct tv_vendor_ops **ops);

#endif
