// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID, answered in the kernel from a table userspace sets once per VM.
 * The module adds only what it must own: the hypervisor bit and leaf, and
 * each vCPU's APIC ID.  TV_GET_SUPPORTED_CPUID tells userspace what it
 * may put in that table (cpuid_policy.c).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/types.h>
#include <asm/processor.h>

#include "thinvisor.h"
#include "mitigations.h"
#include "cpuid.h"
#include "cpuid_policy.h"
#include "vendor.h"

#define TV_CPUID_SIGNATURE_EBX	0x6e696874	/* "thin" */
#define TV_CPUID_SIGNATURE_ECX	0x6f736976	/* "viso" */
#define TV_CPUID_SIGNATURE_EDX	0x00000072	/* "r\0\0\0" */

static void tv_cpuid_host_raw(void *ctx, u32 fn, u32 index, u32 out[4])
{
	cpuid_count(fn, index, &out[0], &out[1], &out[2], &out[3]);
}

/* The supported table of this host (cpuid_policy.c), at most max entries. */
static int tv_cpuid_host_table(struct tv_cpuid_entry *entries, u32 max,
			       u32 *needed)
{
	struct tv_cpuid_host host = {
		.vendor = tv_ops->uapi_vendor,
		.xcr0 = tv_host_xcr0,
		.spec = tv_spec_cpuid_caps(),
		/* As vcpu.c switches PKRU: where the host kernel has OSPKE. */
		.pkru = cpu_feature_enabled(X86_FEATURE_OSPKE),
	};

	if (!host.pkru)
		host.xcr0 &= ~XFEATURE_MASK_PKRU;
	return tv_cpuid_supported(&host, tv_cpuid_host_raw, NULL, entries, max,
				  needed);
}

/*
 * Every entry within what the module backs here: a feature bit outside
 * the supported table, or a leaf the policy does not offer, is -EINVAL.
 */
static int tv_cpuid_check_table(const struct tv_cpuid_table *table)
{
	struct tv_cpuid_entry *sup;
	u32 i, needed;
	int n, r = 0;

	sup = kvcalloc(TV_MAX_CPUID, sizeof(*sup), GFP_KERNEL_ACCOUNT);
	if (!sup)
		return -ENOMEM;
	n = tv_cpuid_host_table(sup, TV_MAX_CPUID, &needed);
	if (n < 0)
		r = n;
	for (i = 0; !r && i < table->nent; i++)
		r = tv_cpuid_check(&table->entries[i], sup, n);
	kvfree(sup);
	return r;
}

int tv_set_cpuid(struct tv_vm *vm, struct tv_cpuid __user *argp)
{
	struct tv_cpuid_table *table, *old;
	struct tv_cpuid head;
	u32 i;
	int r;

	if (copy_from_user(&head, argp, sizeof(head)))
		return -EFAULT;
	if (head.reserved)
		return -EINVAL;
	if (head.nent > TV_MAX_CPUID)
		return -E2BIG;
	table = kzalloc(struct_size(table, entries, head.nent), GFP_KERNEL_ACCOUNT);
	if (!table)
		return -ENOMEM;
	table->nent = head.nent;
	if (copy_from_user(table->entries, argp->entries,
			   head.nent * sizeof(table->entries[0]))) {
		kfree(table);
		return -EFAULT;
	}
	for (i = 0; i < head.nent; i++) {
		struct tv_cpuid_entry *e = &table->entries[i];

		if (e->reserved[0] || e->reserved[1] || e->reserved[2] ||
		    (e->flags & ~TV_CPUID_FLAG_INDEXED)) {
			kfree(table);
			return -EINVAL;
		}
	}
	r = tv_cpuid_check_table(table);
	if (r) {
		kfree(table);
		return r;
	}

	mutex_lock(&vm->lock);
	old = rcu_dereference_protected(vm->cpuid, lockdep_is_held(&vm->lock));
	rcu_assign_pointer(vm->cpuid, table);
	mutex_unlock(&vm->lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

int tv_get_supported_cpuid(struct tv_cpuid __user *argp)
{
	struct tv_cpuid_entry *entries;
	struct tv_cpuid head;
	u32 max, needed;
	int n, r = 0;

	if (copy_from_user(&head, argp, sizeof(head)))
		return -EFAULT;
	if (head.reserved)
		return -EINVAL;
	/* A larger table than TV_SET_CPUID takes is never needed. */
	max = min_t(u32, head.nent, TV_MAX_CPUID);
	entries = kvcalloc(max ? max : 1, sizeof(*entries), GFP_KERNEL_ACCOUNT);
	if (!entries)
		return -ENOMEM;
	n = tv_cpuid_host_table(entries, max, &needed);
	/* Too small: say how many entries there are. */
	if (put_user(needed, &argp->nent))
		r = -EFAULT;
	else if (n < 0)
		r = n;
	else if (copy_to_user(argp->entries, entries, n * sizeof(*entries)))
		r = -EFAULT;
	kvfree(entries);
	return r;
}

void tv_cpuid_lookup(struct tv_vcpu *vcpu, u32 fn, u32 index, u32 out[4])
{
	struct tv_cpuid_table *table;
	u32 i;

	out[0] = 0;
	out[1] = 0;
	out[2] = 0;
	out[3] = 0;
	if (fn == TV_CPUID_HYPERVISOR) {
		out[0] = TV_CPUID_HYPERVISOR;
		out[1] = TV_CPUID_SIGNATURE_EBX;
		out[2] = TV_CPUID_SIGNATURE_ECX;
		out[3] = TV_CPUID_SIGNATURE_EDX;
		return;
	}

	rcu_read_lock();
	table = rcu_dereference(vcpu->vm->cpuid);
	for (i = 0; table && i < table->nent; i++) {
		struct tv_cpuid_entry *e = &table->entries[i];

		if (e->function != fn ||
		    ((e->flags & TV_CPUID_FLAG_INDEXED) && e->index != index))
			continue;
		out[0] = e->eax;
		out[1] = e->ebx;
		out[2] = e->ecx;
		out[3] = e->edx;
		break;
	}
	rcu_read_unlock();

	switch (fn) {
	case 1:
		/* The initial APIC ID, and "running under a hypervisor". */
		out[1] = (out[1] & 0x00ffffff) | (vcpu->id << 24);
		/* The module's APIC: x2APIC with the TSC-deadline timer. */
		out[2] |= BIT(31) | BIT(21) | BIT(24);
		out[3] |= BIT(9);
		/* OSXSAVE mirrors the guest's own CR4, not the launcher's table. */
		out[2] &= ~BIT(27);
		if (vcpu->cr4 & X86_CR4_OSXSAVE)
			out[2] |= BIT(27);
		/*
		 * Without XSAVE in the host kernel (Bochs' fails Linux's check)
		 * the module cannot switch XCR0: no XSAVE, and so no AVX.
		 */
		if (!tv_host_xcr0)
			out[2] &= ~(BIT(26) | BIT(28));
		break;
	case 0xd:
		if (!tv_host_xcr0)
			memset(out, 0, 4 * sizeof(*out));
		break;
	case 7:
		if (index != 0)
			break;
		/* No IA32_ARCH_CAPABILITIES: the module does not offer the MSR. */
		out[3] &= ~BIT(29);
		/* OSPKE mirrors the guest's own CR4.PKE, where it has PKU. */
		out[2] &= ~BIT(4);
		if ((out[2] & BIT(3)) && (vcpu->cr4 & X86_CR4_PKE))
			out[2] |= BIT(4);
		break;
	case 0xb:
	case 0x1f:
		/* The level asked for, even past the last one, and the x2APIC ID. */
		out[2] = (out[2] & ~0xffU) | (index & 0xff);
		out[3] = vcpu->id;
		break;
	}
}
