// SPDX-License-Identifier: GPL-2.0
/*
 * Speculative-execution mitigations around the world switch, decided by
 * the host kernel (this module only follows its X86_FEATURE_* bits and
 * mitigation state: what the host does not ask for costs a patched-out
 * jump or a static branch), and the guest's speculation-control MSRs.
 *
 * In world_switch.S: the VERW before entry, the guest's SPEC_CTRL loaded
 * before entry and the host's put back before the first RET after the
 * exit, the return stack buffer refill, the Retbleed/SRSO untraining
 * (SVM) and the branch history clearing (VMX).  Here: the L1D flush
 * before a VMX entry (L1TF), the IBPB when a vCPU of another VM runs on a
 * CPU, and what the guest asks for through PRED_CMD and FLUSH_CMD.
 */
#include <linux/gfp.h>
#include <linux/hardirq.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>

#include "thinvisor.h"
#include "cpuid_policy.h"
#include "mitigations.h"
#include "vendor.h"

DEFINE_STATIC_KEY_FALSE(tv_spec_enter_key);
DEFINE_STATIC_KEY_FALSE(tv_l1d_flush_key);
static DEFINE_STATIC_KEY_FALSE(tv_l1d_flush_cond_key);

/*
 * The ARCH_CAPABILITIES bits a guest may see: statements about the
 * silicon ("not affected by ...", "VERW also clears ...") that hold for
 * the guest because it runs on it, and IBRS_ALL, which the guest's own
 * SPEC_CTRL backs.  Not the bits that announce MSRs the module does not
 * back (TSX_CTRL, FB_CLEAR_CTRL and GDS_CTRL: MCU_OPT_CTRL, XAPIC_DISABLE).
 */
#define TV_ARCH_CAP_PASSED \
	(ARCH_CAP_RDCL_NO | ARCH_CAP_IBRS_ALL | ARCH_CAP_RSBA | \
	 ARCH_CAP_SKIP_VMENTRY_L1DFLUSH | ARCH_CAP_SSB_NO | ARCH_CAP_MDS_NO | \
	 ARCH_CAP_PSCHANGE_MC_NO | ARCH_CAP_TAA_NO | ARCH_CAP_SBDR_SSDP_NO | \
	 ARCH_CAP_FBSDP_NO | ARCH_CAP_PSDP_NO | ARCH_CAP_FB_CLEAR | \
	 ARCH_CAP_RRSBA | ARCH_CAP_BHI_NO | ARCH_CAP_PBRSB_NO | \
	 ARCH_CAP_GDS_NO | ARCH_CAP_RFDS_NO | ARCH_CAP_RFDS_CLEAR | \
	 ARCH_CAP_ITS_NO)

/* Read by a guest thousands of times a second at most: set at load. */
static struct {
	u32 caps;		/* TV_CPUID_SPEC_* */
	u64 spec_ctrl_valid;	/* the SPEC_CTRL bits this CPU implements */
	u64 arch_caps;		/* the guest's ARCH_CAPABILITIES */
} tv_spec __ro_after_init;

/*
 * The software L1D flush where the CPU has no FLUSH_CMD: read 64 KiB
 * (twice the L1D of every L1TF-affected CPU: its replacement is not
 * exactly LRU), first a byte per page so that the TLB misses are done
 * before the cache is filled.
 */
#define TV_L1D_FLUSH_ORDER	4
static void *tv_l1d_flush_pages;

/* Which VM last ran on each CPU: an IBPB when another one comes. */
static DEFINE_PER_CPU(u64, tv_last_vm_spec_id);
static atomic64_t tv_next_vm_spec_id = ATOMIC64_INIT(0);

static bool tv_l1tf_flush_needed(u64 host_caps)
{
	if (!boot_cpu_has_bug(X86_BUG_L1TF) || l1tf_mitigation == L1TF_MITIGATION_OFF)
		return false;
	/* The CPU says a VMM need not flush (a nested CPU's, usually). */
	return !(host_caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
}

int tv_mitigations_init(void)
{
	u64 host_caps = 0, caps;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl(MSR_IA32_ARCH_CAPABILITIES, host_caps);

	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL)) {
		tv_spec.caps |= TV_CPUID_SPEC_CTRL;
		if (boot_cpu_has(X86_FEATURE_IBRS))
			tv_spec.spec_ctrl_valid |= SPEC_CTRL_IBRS;
		if (boot_cpu_has(X86_FEATURE_STIBP))
			tv_spec.spec_ctrl_valid |= SPEC_CTRL_STIBP;
		if (boot_cpu_has(X86_FEATURE_SPEC_CTRL_SSBD) ||
		    boot_cpu_has(X86_FEATURE_AMD_SSBD))
			tv_spec.spec_ctrl_valid |= SPEC_CTRL_SSBD;
	}
	if (boot_cpu_has(X86_FEATURE_IBPB))
		tv_spec.caps |= TV_CPUID_SPEC_IBPB;
	if (boot_cpu_has(X86_FEATURE_FLUSH_L1D))
		tv_spec.caps |= TV_CPUID_SPEC_FLUSH_L1D;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES)) {
		tv_spec.caps |= TV_CPUID_SPEC_ARCH_CAPS;
		caps = host_caps & TV_ARCH_CAP_PASSED;
		/* What the host kernel found out about the CPU holds too. */
		if (!boot_cpu_has_bug(X86_BUG_CPU_MELTDOWN))
			caps |= ARCH_CAP_RDCL_NO;
		if (!boot_cpu_has_bug(X86_BUG_SPEC_STORE_BYPASS))
			caps |= ARCH_CAP_SSB_NO;
		if (!boot_cpu_has_bug(X86_BUG_MDS))
			caps |= ARCH_CAP_MDS_NO;
		if (!boot_cpu_has_bug(X86_BUG_RFDS))
			caps |= ARCH_CAP_RFDS_NO;
		if (!boot_cpu_has_bug(X86_BUG_GDS))
			caps |= ARCH_CAP_GDS_NO;
		/*
		 * The guest cannot run VMX: a machine check on a page-size
		 * change under its own guests is not its concern (as KVM).
		 */
		caps |= ARCH_CAP_PSCHANGE_MC_NO;
		tv_spec.arch_caps = caps;
	}

	if (tv_ops->uapi_vendor == TV_VENDOR_INTEL_VMX &&
	    tv_l1tf_flush_needed(host_caps)) {
		if (!boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
			struct page *page = alloc_pages(GFP_KERNEL, TV_L1D_FLUSH_ORDER);
			int i;

			if (!page)
				return -ENOMEM;
			tv_l1d_flush_pages = page_address(page);
			/* Distinct contents: a host's KSM must not merge them. */
			for (i = 0; i < 1 << TV_L1D_FLUSH_ORDER; i++)
				memset(tv_l1d_flush_pages + i * PAGE_SIZE, i + 1, PAGE_SIZE);
		}
		/*
		 * l1tf=full: at every entry.  Otherwise only when due, which
		 * needs the host's interrupt entry to note each interrupt
		 * (irq_stat, only in kernels built with KVM_INTEL).
		 */
		if (IS_ENABLED(CONFIG_KVM_INTEL) && l1tf_mitigation != L1TF_MITIGATION_FULL &&
		    l1tf_mitigation != L1TF_MITIGATION_FULL_FORCE)
			static_branch_enable(&tv_l1d_flush_cond_key);
		static_branch_enable(&tv_l1d_flush_key);
		/* A guest need not flush for guests of its own: it has none. */
		tv_spec.arch_caps |= ARCH_CAP_SKIP_VMENTRY_L1DFLUSH;
	}

	if (boot_cpu_has(X86_FEATURE_IBPB) || boot_cpu_has(X86_FEATURE_FLUSH_L1D) ||
	    boot_cpu_has(X86_FEATURE_USE_IBPB))
		static_branch_enable(&tv_spec_enter_key);
	return 0;
}

void tv_mitigations_exit(void)
{
	static_branch_disable(&tv_spec_enter_key);
	static_branch_disable(&tv_l1d_flush_key);
	static_branch_disable(&tv_l1d_flush_cond_key);
	if (tv_l1d_flush_pages)
		free_pages((unsigned long)tv_l1d_flush_pages, TV_L1D_FLUSH_ORDER);
	tv_l1d_flush_pages = NULL;
}

u32 tv_spec_cpuid_caps(void)
{
	return tv_spec.caps;
}

void tv_spec_vm_init(struct tv_vm *vm)
{
	/* Never 0: a CPU that ran no VM yet holds 0. */
	vm->spec_id = atomic64_inc_return(&tv_next_vm_spec_id);
}

int tv_spec_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_SPEC_CTRL:
		if (!(tv_spec.caps & TV_CPUID_SPEC_CTRL))
			return -ENOENT;
		*data = vcpu->spec_ctrl;
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		if (!(tv_spec.caps & TV_CPUID_SPEC_ARCH_CAPS))
			return -ENOENT;
		*data = tv_spec.arch_caps;
		return 0;
	case MSR_IA32_PRED_CMD:
	case MSR_IA32_FLUSH_CMD:
		/* Write-only, as on the CPU: a read takes #GP. */
		return (tv_spec.caps & (TV_CPUID_SPEC_IBPB | TV_CPUID_SPEC_FLUSH_L1D)) ?
		       -EINVAL : -ENOENT;
	default:
		return -ENOENT;
	}
}

int tv_spec_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data)
{
	switch (index) {
	case MSR_IA32_SPEC_CTRL:
		if (!(tv_spec.caps & TV_CPUID_SPEC_CTRL))
			return -ENOENT;
		if (data & ~tv_spec.spec_ctrl_valid)
			return -EINVAL;
		/* Loaded at the next entry (world_switch.S). */
		vcpu->spec_ctrl = data;
		return 0;
	case MSR_IA32_PRED_CMD:
		if (!(tv_spec.caps & TV_CPUID_SPEC_IBPB))
			return -ENOENT;
		if (data & ~PRED_CMD_IBPB)
			return -EINVAL;
		/*
		 * The barrier belongs on the CPU the guest runs on: this exit
		 * is handled preemptible, so it is done at the next entry.
		 */
		if (data)
			vcpu->spec_pending |= TV_SPEC_PENDING_IBPB;
		return 0;
	case MSR_IA32_FLUSH_CMD:
		if (!(tv_spec.caps & TV_CPUID_SPEC_FLUSH_L1D))
			return -ENOENT;
		if (data & ~L1D_FLUSH)
			return -EINVAL;
		if (data)
			vcpu->spec_pending |= TV_SPEC_PENDING_FLUSH_L1D;
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		return (tv_spec.caps & TV_CPUID_SPEC_ARCH_CAPS) ? -EINVAL : -ENOENT;
	default:
		return -ENOENT;
	}
}

void __tv_mitigations_enter(struct tv_vcpu *vcpu)
{
	u64 *last = this_cpu_ptr(&tv_last_vm_spec_id);
	bool ibpb = vcpu->spec_pending & TV_SPEC_PENDING_IBPB;

	/* Another VM's predictions must not steer this one (as KVM). */
	if (*last != vcpu->vm->spec_id) {
		*last = vcpu->vm->spec_id;
		if (cpu_feature_enabled(X86_FEATURE_USE_IBPB))
			ibpb = true;
	}
	if (unlikely(ibpb) && boot_cpu_has(X86_FEATURE_IBPB))
		native_wrmsrl(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
	if (unlikely(vcpu->spec_pending & TV_SPEC_PENDING_FLUSH_L1D))
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	vcpu->spec_pending = 0;
}

/* Whether host data may have come into the L1D since the last entry. */
static bool tv_l1d_flush_due(struct tv_vcpu *vcpu)
{
	unsigned long switches = current->nvcsw + current->nivcsw;
	bool due = vcpu->l1d_flush_due || switches != vcpu->l1d_switches;

	vcpu->l1d_flush_due = false;
	vcpu->l1d_switches = switches;
#if IS_ENABLED(CONFIG_KVM_INTEL)
	/* Set by every interrupt entry on this CPU (softirqs run after one). */
	if (__this_cpu_read(irq_stat.kvm_cpu_l1tf_flush_l1d)) {
		__this_cpu_write(irq_stat.kvm_cpu_l1tf_flush_l1d, 0);
		due = true;
	}
#endif
	return due;
}

void __tv_l1d_flush(struct tv_vcpu *vcpu)
{
	int size = PAGE_SIZE << TV_L1D_FLUSH_ORDER;

	if (static_branch_likely(&tv_l1d_flush_cond_key) && !tv_l1d_flush_due(vcpu))
		return;
	tv_stats_count(vcpu->stats, TV_STAT_L1D_FLUSHES);

	if (static_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		return;
	}
	/* One byte a page: the TLB misses first, ... */
	asm volatile("xorl %%eax, %%eax\n"
		"1: movzbl (%[pages], %%rax), %%ecx\n\t"
		"addl $4096, %%eax\n\t"
		"cmpl %%eax, %[size]\n\t"
		"jne 1b\n\t"
		"xorl %%eax, %%eax\n\t"
		"cpuid\n\t"
		/* ... then every line, evicting whatever the L1D held. */
		"xorl %%eax, %%eax\n"
		"2: movzbl (%[pages], %%rax), %%ecx\n\t"
		"addl $64, %%eax\n\t"
		"cmpl %%eax, %[size]\n\t"
		"jne 2b\n\t"
		"lfence\n"
		: : [pages] "r" (tv_l1d_flush_pages), [size] "r" (size)
		: "eax", "ebx", "ecx", "edx", "memory");
}

/*
 * The mitigations this module applies on this host, by the very feature
 * bits that patch them in: what the machines' tests compare with the
 * host's /sys/devices/system/cpu/vulnerabilities.
 */
int tv_mitigations_show(char *buf, int at)
{
	static const struct {
		int feature;
		const char *name;
	} svm[] = {
		{ X86_FEATURE_CLEAR_CPU_BUF_VM, "verw" },
		{ X86_FEATURE_RETPOLINE, "rsb_fill" },
		{ X86_FEATURE_UNRET, "untrain_ret" },
		{ X86_FEATURE_SRSO, "srso" },
		{ X86_FEATURE_SRSO_ALIAS, "srso_alias" },
		{ X86_FEATURE_IBPB_ON_VMEXIT, "ibpb_on_exit" },
		{ X86_FEATURE_MSR_SPEC_CTRL, "spec_ctrl" },
		{ X86_FEATURE_V_SPEC_CTRL, "v_spec_ctrl" },
		{ X86_FEATURE_USE_IBPB, "ibpb_vm_switch" },
	}, vmx[] = {
		{ X86_FEATURE_CLEAR_CPU_BUF, "verw" },
		{ X86_FEATURE_CLEAR_CPU_BUF_VM, "verw_vm" },
		{ X86_FEATURE_RSB_VMEXIT, "rsb_fill" },
		{ X86_FEATURE_RSB_VMEXIT_LITE, "rsb_fill_lite" },
		{ X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT, "bhb_clear" },
		{ X86_FEATURE_MSR_SPEC_CTRL, "spec_ctrl" },
		{ X86_FEATURE_KERNEL_IBRS, "host_ibrs" },
		{ X86_FEATURE_USE_IBPB, "ibpb_vm_switch" },
	};
	bool is_svm = tv_ops->uapi_vendor == TV_VENDOR_AMD_SVM;
	unsigned int i, nr = is_svm ? ARRAY_SIZE(svm) : ARRAY_SIZE(vmx);
	int n = at, first = at;

	n += sysfs_emit_at(buf, n, "mitigations=");
	for (i = 0; i < nr; i++)
		if (boot_cpu_has(is_svm ? svm[i].feature : vmx[i].feature))
			n += sysfs_emit_at(buf, n, "%s,", is_svm ? svm[i].name : vmx[i].name);
	if (static_key_enabled(&tv_l1d_flush_key))
		n += sysfs_emit_at(buf, n, "%s,", boot_cpu_has(X86_FEATURE_FLUSH_L1D) ?
				   "l1d_flush" : "l1d_flush_sw");
	if (static_key_enabled(&tv_l1d_flush_cond_key))
		n += sysfs_emit_at(buf, n, "l1d_flush_cond,");
	/* The last comma goes, or "none" says that nothing applies. */
	if (buf[n - 1] == ',')
		buf[--n] = '\0';
	else
		n += sysfs_emit_at(buf, n, "none");
	n += sysfs_emit_at(buf, n, " ");
	return n - first;
}
