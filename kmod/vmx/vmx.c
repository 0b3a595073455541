// SPDX-License-Identifier: GPL-2.0
/* thinvisor on Intel VMX: probing, and VMXON/VMXOFF per host CPU. */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "../thinvisor.h"
#include "../vendor.h"
#include "../../uapi/linux/thinvisor.h"

/* What the capability MSRs said at load. */
static struct {
	u32 revision_id;
	u32 procbased2;		/* allowed-1 secondary controls */
	u64 ept_vpid_cap;
	bool true_ctls;
} vmx_caps;

/* Each CPU's VMXON region. */
static DEFINE_PER_CPU(struct page *, vmx_vmxon_region);

static bool vmx_cpu_in_use(void)
{
	return __read_cr4() & X86_CR4_VMXE;
}

static int vmx_cpu_enable(void)
{
	struct page *region = this_cpu_read(vmx_vmxon_region);
	u64 pa = page_to_phys(region);

	*(u32 *)page_address(region) = vmx_caps.revision_id;
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
	return 0;
}

static void vmx_cpu_disable(void)
{
	asm volatile("vmxoff" : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
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
	{ SECONDARY_EXEC_XSAVES, "xsaves" },
	{ SECONDARY_EXEC_TSC_SCALING, "tsc_scaling" },
};

static int vmx_show_features(char *buf)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(vmx_secondary); i++)
		if (vmx_caps.procbased2 & vmx_secondary[i].bit)
			n += sysfs_emit_at(buf, n, "%s ", vmx_secondary[i].name);
	if (vmx_caps.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT)
		n += sysfs_emit_at(buf, n, "ept_2m ");
	if (vmx_caps.ept_vpid_cap & VMX_EPT_1GB_PAGE_BIT)
		n += sysfs_emit_at(buf, n, "ept_1g ");
	if (vmx_caps.true_ctls)
		n += sysfs_emit_at(buf, n, "true_ctls ");
	n += sysfs_emit_at(buf, n, "revision=%u\n", vmx_caps.revision_id);
	return n;
}

static void vmx_free_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		__free_page(per_cpu(vmx_vmxon_region, cpu));
		per_cpu(vmx_vmxon_region, cpu) = NULL;
	}
}

static void vmx_exit(void)
{
	vmx_free_regions();
}

/* EPT entries: read, write and execute bits, write-back memory. */
#define EPT_RWX		0x7ULL
#define EPT_READ_EXEC	0x5ULL
#define EPT_MT_WB	(6ULL << 3)
#define EPT_LARGE	BIT_ULL(7)

static u64 vmx_mmu_table_entry(u64 pa)
{
	return pa | EPT_RWX;
}

static u64 vmx_mmu_leaf_entry(u64 pa, int level, bool writable)
{
	return pa | (writable ? EPT_RWX : EPT_READ_EXEC) | EPT_MT_WB |
	       (level > 1 ? EPT_LARGE : 0);
}

static int vmx_vm_init(struct tv_vm *vm)
{
	return 0;
}

static void vmx_vm_destroy(struct tv_vm *vm)
{
}

/* The VMX vCPU (VMCS, VM entry, exits) is not written yet. */
static int vmx_vcpu_create(struct tv_vcpu *vcpu)
{
	return -EOPNOTSUPP;
}

static void vmx_vcpu_free(struct tv_vcpu *vcpu)
{
}

static struct tv_vendor_ops vmx_ops = {
	.name = "vmx",
	.uapi_vendor = TV_VENDOR_INTEL_VMX,
	.cpu_in_use = vmx_cpu_in_use,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.show_features = vmx_show_features,
	.exit = vmx_exit,
	.mmu_table_entry = vmx_mmu_table_entry,
	.mmu_leaf_entry = vmx_mmu_leaf_entry,
	.mmu_max_level = 2,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
};

int tv_vmx_init(const struct tv_vendor_ops **ops)
{
	u64 basic, feat, ctls;
	int cpu;

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

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmx_caps.revision_id = basic & 0x7fffffff;
	vmx_caps.true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	/* The allowed-1 settings are the high 32 bits of each MSR. */
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS, ctls);
	if ((ctls >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
		rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, ctls);
		vmx_caps.procbased2 = ctls >> 32;
	}
	if (vmx_caps.procbased2 & (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID))
		rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, vmx_caps.ept_vpid_cap);

	if (!(vmx_caps.procbased2 & SECONDARY_EXEC_ENABLE_EPT) ||
	    !(vmx_caps.procbased2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err(TV_NAME ": VMX without EPT and unrestricted guest is not supported\n");
		return -ENODEV;
	}

	for_each_possible_cpu(cpu) {
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p) {
			vmx_free_regions();
			return -ENOMEM;
		}
		per_cpu(vmx_vmxon_region, cpu) = p;
	}
	if (vmx_caps.ept_vpid_cap & VMX_EPT_1GB_PAGE_BIT)
		vmx_ops.mmu_max_level = 3;
	*ops = &vmx_ops;
	return 0;
}
