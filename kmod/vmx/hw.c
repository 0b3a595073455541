// SPDX-License-Identifier: GPL-2.0
/*
 * thinvisor on Intel VMX: probing the capability MSRs, choosing the
 * controls, VMXON and VMXOFF per host CPU, and what all VMs share (the I/O
 * and MSR bitmaps, VPIDs).
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "../compat.h"
#include "../thinvisor.h"
#include "../vendor.h"
#include "../mitigations.h"
#include "vmcs.h"
#include "vmx.h"

struct vmx_config vmx_cfg;
DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);
u64 vmx_io_bitmap_a_pa, vmx_io_bitmap_b_pa, vmx_msr_bitmap_pa;
static struct page *vmx_io_bitmaps, *vmx_msr_bitmap;

static DEFINE_SPINLOCK(vmx_vpid_lock);
static unsigned long *vmx_vpid_bitmap;

void vmx_vmcs_error(unsigned long field, bool write)
{
	struct vmx_vcpu *vx;
	unsigned long err = 0;

	/* Unchecked: this is the error path of the checked accessors. */
	asm volatile("vmread %[f], %[v]" : [v] "=r" (err)
		     : [f] "r" ((unsigned long)VM_INSTRUCTION_ERROR) : "cc");
	pr_err_ratelimited(TV_NAME ": VMX: %s of VMCS field 0x%lx failed (error %lu)\n",
			   write ? "VMWRITE" : "VMREAD", field, err);
	/*
	 * The VMCS is not what the code thinks: its vCPU stops at its next
	 * entry (vmx_run()) rather than run on with it.
	 */
	vx = __this_cpu_read(vmx_cpu.current_vx);
	if (vx)
		vx->vmcs_failed = true;
}

bool vmx_cpu_in_use(void)
{
	return __read_cr4() & X86_CR4_VMXE;
}

int vmx_cpu_enable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	u64 pa = page_to_phys(vc->vmxon_region);

	*(u32 *)page_address(vc->vmxon_region) = vmx_cfg.revision_id;
	INIT_LIST_HEAD(&vc->loaded);
	vc->current_vmcs = NULL;
	vc->current_vx = NULL;
	if (vmx_cfg.has_rdtscp)
		rdmsrl_safe(MSR_TSC_AUX, &vc->host_tsc_aux);
	cr4_set_bits(X86_CR4_VMXE);
	/* A fault (#UD, #GP) resumes at 2 and VMfail leaves CF or ZF set. */
	asm goto("1: vmxon %[pa]\n\t"
		 "ja %l[done]\n\t"
		 "2:\n\t"
		 _ASM_EXTABLE(1b, 2b)
		 : : [pa] "m" (pa) : "cc", "memory" : done);
	cr4_clear_bits(X86_CR4_VMXE);
	pr_err_ratelimited(TV_NAME ": VMXON failed on CPU %d\n", smp_processor_id());
	return -EIO;
done:
	/* Another hypervisor may have left stale EPT and VPID translations. */
	if (vmx_cfg.ept_vpid_cap & VMX_EPT_EXTENT_GLOBAL_BIT)
		vmx_invept(0);
	return 0;
}

/* VMCLEAR every VMCS still active here (a CPU going offline), then VMXOFF. */
void vmx_cpu_disable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	struct vmx_vcpu *vx, *tmp;

	list_for_each_entry_safe(vx, tmp, &vc->loaded, loaded_link)
		vmx_vmcs_clear_local(vx);
	asm volatile("vmxoff" : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
}

/* Runs on the CPU where the VMCS is active, with interrupts off. */
void vmx_vmcs_clear_local(struct vmx_vcpu *vx)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (vx->cpu != smp_processor_id())
		return;
	vmcs_clear(vx->vmcs_pa);
	if (vc->current_vmcs == vx->vmcs) {
		vc->current_vmcs = NULL;
		vc->current_vx = NULL;
	}
	list_del(&vx->loaded_link);
	vx->launched = false;
	/* The list is updated before another CPU may take the VMCS. */
	smp_wmb();
	WRITE_ONCE(vx->cpu, -1);
}

void vmx_invept(u64 eptp)
{
	struct { u64 eptp, reserved; } desc = { eptp, 0 };
	unsigned long type = eptp && vmx_cfg.invept_single ?
			     VMX_EPT_EXTENT_CONTEXT : VMX_EPT_EXTENT_GLOBAL;

	asm volatile("invept %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
}

void vmx_invvpid(u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	unsigned long type = vmx_cfg.invvpid_single ?
			     VMX_VPID_EXTENT_SINGLE_CONTEXT : VMX_VPID_EXTENT_ALL_CONTEXT;

	asm volatile("invvpid %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
}

/* 0 when VPIDs are not in use or all are taken: then every entry flushes. */
u16 vmx_vpid_alloc(void)
{
	unsigned long vpid;

	if (!vmx_cfg.vpid)
		return 0;
	spin_lock(&vmx_vpid_lock);
	vpid = find_first_zero_bit(vmx_vpid_bitmap, VMX_NR_VPIDS);
	if (vpid < VMX_NR_VPIDS)
		__set_bit(vpid, vmx_vpid_bitmap);
	else
		vpid = 0;
	spin_unlock(&vmx_vpid_lock);
	return vpid;
}

void vmx_vpid_free(u16 vpid)
{
	if (!vpid)
		return;
	spin_lock(&vmx_vpid_lock);
	__clear_bit(vpid, vmx_vpid_bitmap);
	spin_unlock(&vmx_vpid_lock);
}

static const struct {
	u32 bit;
	const char *name;
} vmx_secondary[] = {
	{ SECONDARY_EXEC_ENABLE_EPT, "ept" },
	{ SECONDARY_EXEC_ENABLE_VPID, "vpid" },
	{ SECONDARY_EXEC_UNRESTRICTED_GUEST, "unrestricted_guest" },
	{ SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE, "virtual_x2apic" },
	{ SECONDARY_EXEC_APIC_REGISTER_VIRT, "apic_register_virt" },
	{ SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY, "virtual_intr_delivery" },
	{ SECONDARY_EXEC_ENABLE_RDTSCP, "rdtscp" },
	{ SECONDARY_EXEC_ENABLE_XSAVES, "xsaves" },
	{ SECONDARY_EXEC_TSC_SCALING, "tsc_scaling" },
};

int vmx_show_features(char *buf)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(vmx_secondary); i++)
		if (vmx_cfg.procbased2_allowed & vmx_secondary[i].bit)
			n += sysfs_emit_at(buf, n, "%s ", vmx_secondary[i].name);
	if (vmx_cfg.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT)
		n += sysfs_emit_at(buf, n, "ept_2m ");
	if (vmx_cfg.ept_vpid_cap & VMX_EPT_1GB_PAGE_BIT)
		n += sysfs_emit_at(buf, n, "ept_1g ");
	if (vmx_cfg.true_ctls)
		n += sysfs_emit_at(buf, n, "true_ctls ");
	if (vmx_cfg.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		n += sysfs_emit_at(buf, n, "preemption_timer ");
	n += tv_mitigations_show(buf, n);
	n += sysfs_emit_at(buf, n, "revision=%u\n", vmx_cfg.revision_id);
	return n;
}

/*
 * One control word from its capability MSR: the low half says which bits
 * must be 1, the high half which may be 1.  What is required and not
 * allowed, or forced on and not handled, refuses the load.
 */
static int vmx_adjust(const char *what, u32 msr, u32 required, u32 optional,
		      u32 forbidden, u32 *out)
{
	u32 must, may, ctl;
	u64 v;

	rdmsrl(msr, v);
	must = v;
	may = v >> 32;
	ctl = ((required | optional) & may) | must;
	if (required & ~ctl) {
		pr_err(TV_NAME ": VMX %s controls 0x%x are missing\n", what,
		       required & ~ctl);
		return -ENODEV;
	}
	if (ctl & forbidden) {
		pr_err(TV_NAME ": VMX %s controls 0x%x cannot be turned off\n",
		       what, ctl & forbidden);
		return -ENODEV;
	}
	*out = ctl;
	return 0;
}

/*
 * The VMX-preemption timer bounds every stay in the guest to about one
 * host tick.  An external interrupt is meant to end the guest at once
 * (external-interrupt exiting), but Bochs 2.7 at times keeps a pending
 * interrupt masked while the guest runs with RFLAGS.IF clear
 * (Documentation/testing.rst); the timer's exit lets the host take it.
 * Only there is it needed: it is off unless asked for
 * (vmx_preemption_timer=1, which the VMX test machine sets), so that on
 * real hardware external-interrupt exits and kicks end a guest's stay,
 * as on SVM.  Each VM entry reloads the value from the VMCS, since the
 * exit never saves it: one VMWRITE at setup is enough.
 */
static bool vmx_preemption_timer;
module_param(vmx_preemption_timer, bool, 0444);
MODULE_PARM_DESC(vmx_preemption_timer,
		 "Intel VMX: bound each guest stay by the preemption timer (for Bochs; default 0)");

static void vmx_setup_preemption_timer(void)
{
	u64 misc, ticks;

	if (!(vmx_cfg.pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		return;
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	/* tsc_khz may still be 0 this early; then assume 1 GHz. */
	ticks = (u64)(tsc_khz ? tsc_khz : 1000000) * 1000 / HZ;
	ticks >>= misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
	vmx_cfg.preemption_timer = clamp_val(ticks, 1, U32_MAX);
}

static int vmx_setup_controls(void)
{
	bool t = vmx_cfg.true_ctls;
	u32 dynamic_proc = CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING;
	u32 dynamic_entry = VM_ENTRY_IA32E_MODE;
	int r;

	r = vmx_adjust("pin-based",
		       t ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
		       PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
		       PIN_BASED_VIRTUAL_NMIS,
		       vmx_preemption_timer ? PIN_BASED_VMX_PREEMPTION_TIMER : 0,
		       PIN_BASED_POSTED_INTR, &vmx_cfg.pin);
	if (r)
		return r;
	r = vmx_adjust("processor-based",
		       t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
		       CPU_BASED_HLT_EXITING | CPU_BASED_CR8_LOAD_EXITING |
		       CPU_BASED_CR8_STORE_EXITING | CPU_BASED_USE_IO_BITMAPS |
		       CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_MONITOR_EXITING |
		       CPU_BASED_MWAIT_EXITING | CPU_BASED_MOV_DR_EXITING |
		       CPU_BASED_RDPMC_EXITING |
		       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS | dynamic_proc, 0,
		       CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING |
		       CPU_BASED_INVLPG_EXITING |
		       CPU_BASED_RDTSC_EXITING |
		       CPU_BASED_TPR_SHADOW | CPU_BASED_MONITOR_TRAP_FLAG |
		       CPU_BASED_PAUSE_EXITING, &vmx_cfg.proc);
	if (r)
		return r;
	vmx_cfg.proc &= ~dynamic_proc;
	r = vmx_adjust("secondary", MSR_IA32_VMX_PROCBASED_CTLS2,
		       SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST,
		       SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_ENABLE_RDTSCP |
		       SECONDARY_EXEC_ENABLE_INVPCID | SECONDARY_EXEC_WBINVD_EXITING,
		       SECONDARY_EXEC_ENABLE_XSAVES | SECONDARY_EXEC_DESC |
		       SECONDARY_EXEC_PAUSE_LOOP_EXITING | SECONDARY_EXEC_RDRAND_EXITING |
		       SECONDARY_EXEC_RDSEED_EXITING | SECONDARY_EXEC_ENABLE_PML,
		       &vmx_cfg.proc2);
	if (r)
		return r;
	r = vmx_adjust("VM-exit",
		       t ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
		       VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
		       VM_EXIT_LOAD_IA32_EFER | VM_EXIT_LOAD_IA32_PAT |
		       VM_EXIT_SAVE_DEBUG_CONTROLS, 0,
		       VM_EXIT_ACK_INTR_ON_EXIT, &vmx_cfg.exit);
	if (r)
		return r;
	r = vmx_adjust("VM-entry",
		       t ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
		       VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT |
		       VM_ENTRY_LOAD_DEBUG_CONTROLS | dynamic_entry,
		       0, VM_ENTRY_SMM | VM_ENTRY_DEACT_DUAL_MONITOR, &vmx_cfg.entry);
	if (r)
		return r;
	vmx_cfg.entry &= ~dynamic_entry;

	/* EPT: 4 levels, write-back, INVEPT of some extent. */
	if (!(vmx_cfg.ept_vpid_cap & VMX_EPT_PAGE_WALK_4_BIT) ||
	    !(vmx_cfg.ept_vpid_cap & VMX_EPTP_WB_BIT) ||
	    !(vmx_cfg.ept_vpid_cap & VMX_EPT_INVEPT_BIT) ||
	    !(vmx_cfg.ept_vpid_cap & (VMX_EPT_EXTENT_CONTEXT_BIT |
				      VMX_EPT_EXTENT_GLOBAL_BIT))) {
		pr_err(TV_NAME ": VMX EPT without 4 levels, write-back or INVEPT is not supported\n");
		return -ENODEV;
	}
	vmx_cfg.invept_single = vmx_cfg.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT;

	/* VPIDs only with INVVPID to flush them; without, every entry flushes. */
	vmx_cfg.vpid = (vmx_cfg.proc2 & SECONDARY_EXEC_ENABLE_VPID) &&
		       (vmx_cfg.ept_vpid_cap & VMX_VPID_INVVPID_BIT) &&
		       (vmx_cfg.ept_vpid_cap & (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT |
						VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT));
	if (!vmx_cfg.vpid)
		vmx_cfg.proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmx_cfg.invvpid_single = vmx_cfg.ept_vpid_cap & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT;
	vmx_setup_preemption_timer();
	return 0;
}

/* One bit per MSR (1: exit) for reads of 0-0x1fff, of 0xc0000000-..., then writes. */
static void vmx_msr_allow(u8 *bitmap, u32 msr, bool read, bool write)
{
	u32 base = 0;

	if (msr >= 0xc0000000) {
		base = 1024;
		msr -= 0xc0000000;
	}
	if (read)
		__clear_bit(msr, (unsigned long *)(bitmap + base));
	if (write)
		__clear_bit(msr, (unsigned long *)(bitmap + 2048 + base));
}

static int vmx_bitmaps_setup(void)
{
	/* In the VMCS, switched by every entry and exit. */
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
		/* Switched by vmx_run() around every entry. */
		MSR_KERNEL_GS_BASE,
	};
	u8 *msr;
	int i;

	vmx_io_bitmaps = alloc_pages(GFP_KERNEL, 1);
	vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	vmx_vpid_bitmap = bitmap_zalloc(VMX_NR_VPIDS, GFP_KERNEL);
	if (!vmx_io_bitmaps || !vmx_msr_bitmap || !vmx_vpid_bitmap)
		return -ENOMEM;
	/* Every port exits; VPID 0 is the host's. */
	memset(page_address(vmx_io_bitmaps), 0xff, 2 * PAGE_SIZE);
	__set_bit(0, vmx_vpid_bitmap);
	msr = page_address(vmx_msr_bitmap);
	memset(msr, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++)
		vmx_msr_allow(msr, passthrough[i], true, true);
	/* The TSC passes through for reading; a write would move the host's. */
	vmx_msr_allow(msr, MSR_IA32_TSC, true, false);
	vmx_io_bitmap_a_pa = page_to_phys(vmx_io_bitmaps);
	vmx_io_bitmap_b_pa = vmx_io_bitmap_a_pa + PAGE_SIZE;
	vmx_msr_bitmap_pa = page_to_phys(vmx_msr_bitmap);
	return 0;
}

void vmx_hw_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu, cpu);

		if (vc->vmxon_region)
			__free_page(vc->vmxon_region);
		vc->vmxon_region = NULL;
	}
	if (vmx_io_bitmaps)
		__free_pages(vmx_io_bitmaps, 1);
	if (vmx_msr_bitmap)
		__free_page(vmx_msr_bitmap);
	bitmap_free(vmx_vpid_bitmap);
	vmx_io_bitmaps = NULL;
	vmx_msr_bitmap = NULL;
	vmx_vpid_bitmap = NULL;
}

int vmx_hw_setup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p) {
			vmx_hw_teardown();
			return -ENOMEM;
		}
		per_cpu(vmx_cpu, cpu).vmxon_region = p;
		INIT_LIST_HEAD(&per_cpu(vmx_cpu, cpu).loaded);
	}
	if (vmx_bitmaps_setup()) {
		vmx_hw_teardown();
		return -ENOMEM;
	}
	return 0;
}

static void vmx_read_host_msrs(void)
{
	u64 v;

	rdmsrl(MSR_EFER, vmx_cfg.host_efer);
	rdmsrl(MSR_IA32_CR_PAT, vmx_cfg.host_pat);
	rdmsrl(MSR_IA32_SYSENTER_CS, vmx_cfg.host_sysenter_cs);
	rdmsrl(MSR_IA32_SYSENTER_EIP, vmx_cfg.host_sysenter_eip);
	rdmsrl(MSR_STAR, vmx_cfg.host_star);
	rdmsrl(MSR_LSTAR, vmx_cfg.host_lstar);
	rdmsrl(MSR_CSTAR, vmx_cfg.host_cstar);
	rdmsrl(MSR_SYSCALL_MASK, vmx_cfg.host_sfmask);
	vmx_cfg.has_rdtscp = boot_cpu_has(X86_FEATURE_RDTSCP) ||
			     boot_cpu_has(X86_FEATURE_RDPID);
	/* Emulated CPUs (Bochs) may lack it: then no entry reads it. */
	vmx_cfg.has_debugctl = !rdmsrl_safe(MSR_IA32_DEBUGCTLMSR, &v);
}

int tv_vmx_init(const struct tv_vendor_ops **ops)
{
	u64 basic, feat, ctls;
	int r;

	/* The kernel clears X86_FEATURE_VMX when firmware locked VMX off. */
	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31))) {
		pr_err(TV_NAME ": this Intel CPU has no VMX\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err(TV_NAME ": VMX is disabled by firmware (IA32_FEATURE_CONTROL)\n");
		return -ENODEV;
	}

	/* A host NMI that ends a guest is handed to the IDT's NMI entry. */
	if (tv_host_uses_fred()) {
		pr_err(TV_NAME ": VMX on a host that runs FRED is not supported\n");
		return -ENODEV;
	}

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmx_cfg.revision_id = basic & 0x7fffffff;
	vmx_cfg.true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	vmx_cfg.inout_info = basic & VMX_BASIC_INOUT;
	/* The allowed-1 settings are the high 32 bits of each MSR. */
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS, ctls);
	if ((ctls >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
		rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, ctls);
		vmx_cfg.procbased2_allowed = ctls >> 32;
	}
	if (vmx_cfg.procbased2_allowed & (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID))
		rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, vmx_cfg.ept_vpid_cap);

	if (!(vmx_cfg.procbased2_allowed & SECONDARY_EXEC_ENABLE_EPT) ||
	    !(vmx_cfg.procbased2_allowed & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err(TV_NAME ": VMX without EPT and unrestricted guest is not supported\n");
		return -ENODEV;
	}
	r = vmx_setup_controls();
	if (r)
		return r;
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmx_cfg.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmx_cfg.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmx_cfg.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmx_cfg.cr4_fixed1);
	vmx_read_host_msrs();

	r = vmx_hw_setup();
	if (r)
		return r;
	if (!(vmx_cfg.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT))
		vmx_ops.mmu_max_level = 1;
	else if (vmx_cfg.ept_vpid_cap & VMX_EPT_1GB_PAGE_BIT)
		vmx_ops.mmu_max_level = 3;
	*ops = &vmx_ops;
	return 0;
}
