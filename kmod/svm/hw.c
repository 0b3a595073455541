// SPDX-License-Identifier: GPL-2.0
/*
 * thinvisor on AMD SVM: probing, SVM on and off per host CPU, and what all
 * VMs share (the I/O and MSR permission maps).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/pgtable_types.h>
#include <asm/processor.h>
#include <asm/svm.h>

#include "../thinvisor.h"
#include "../vendor.h"
#include "../mitigations.h"
#include "svm.h"

DEFINE_PER_CPU(struct svm_cpu, svm_cpu);
u32 svm_max_asid;
u64 svm_iopm_pa, svm_msrpm_pa;
bool svm_has_nrips;
bool svm_has_decode_assists;

#define SVM_IOPM_ORDER	2	/* 12 KiB, all ports intercepted */
#define SVM_MSRPM_ORDER	1	/* 8 KiB */
static struct page *svm_iopm, *svm_msrpm;

bool svm_cpu_in_use(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	return efer & EFER_SVME;
}

int svm_cpu_enable(void)
{
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sc->hsave));
	/* Another hypervisor may have left TLB entries: flush at first use. */
	sc->asid_generation++;
	sc->next_asid = svm_max_asid + 1;
	svm_host_msrs_cpu_enable();
	return 0;
}

void svm_cpu_disable(void)
{
	u64 efer;

	svm_host_msrs_cpu_disable();
	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static const struct {
	int feature;
	const char *name;
} svm_features[] = {
	{ X86_FEATURE_NPT, "npt" },
	{ X86_FEATURE_NRIPS, "nrip_save" },
	{ X86_FEATURE_DECODEASSISTS, "decode_assists" },
	{ X86_FEATURE_FLUSHBYASID, "flush_by_asid" },
	{ X86_FEATURE_VMCBCLEAN, "vmcb_clean" },
	{ X86_FEATURE_LBRV, "lbrv" },
	{ X86_FEATURE_PAUSEFILTER, "pause_filter" },
	{ X86_FEATURE_TSCRATEMSR, "tsc_scale" },
	{ X86_FEATURE_AVIC, "avic" },
	{ X86_FEATURE_V_VMSAVE_VMLOAD, "v_vmsave_vmload" },
	{ X86_FEATURE_VGIF, "vgif" },
};

int svm_show_features(char *buf)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(svm_features); i++)
		if (boot_cpu_has(svm_features[i].feature))
			n += sysfs_emit_at(buf, n, "%s ", svm_features[i].name);
	n += tv_mitigations_show(buf, n);
	n += sysfs_emit_at(buf, n, "npt_levels=%d asids=%u\n",
			   svm_ops.mmu_levels, svm_max_asid + 1);
	return n;
}

/* Two bits per MSR (read, write) in three 2 KiB ranges. */
static void svm_msrpm_allow(u8 *msrpm, u32 msr, bool read, bool write)
{
	u32 base, bit;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 0x800, msr -= 0xc0000000;
	else
		base = 0x1000, msr -= 0xc0010000;
	bit = msr * 2;
	if (read)
		msrpm[base + bit / 8] &= ~BIT(bit % 8);
	if (write)
		msrpm[base + bit / 8] &= ~BIT(bit % 8 + 1);
}

static int svm_maps_setup(void)
{
	static const u32 passthrough[] = {
		/* In the VMCB: VMLOAD and VMSAVE switch them on every entry. */
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,
		MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	u8 *msrpm;
	int i;

	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm)
		return -ENOMEM;
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	msrpm = page_address(svm_msrpm);
	memset(msrpm, 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++)
		svm_msrpm_allow(msrpm, passthrough[i], true, true);
	/*
	 * RDMSR of the TSC is caught too: QEMU's nested SVM answers 0 to a
	 * passed-through one, and guests read the TSC with RDTSC anyway.
	 */
	svm_iopm_pa = page_to_phys(svm_iopm);
	svm_msrpm_pa = page_to_phys(svm_msrpm);
	return 0;
}

void svm_hw_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);

		if (sc->hsave)
			__free_page(sc->hsave);
		if (sc->host_area)
			__free_page(sc->host_area);
		sc->hsave = NULL;
		sc->host_area = NULL;
	}
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	svm_iopm = NULL;
	svm_msrpm = NULL;
}

int svm_hw_setup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);
		int node = cpu_to_node(cpu);

		sc->hsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		sc->host_area = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		if (!sc->hsave || !sc->host_area) {
			svm_hw_teardown();
			return -ENOMEM;
		}
		sc->host_area_pa = page_to_phys(sc->host_area);
	}
	if (svm_maps_setup()) {
		svm_hw_teardown();
		return -ENOMEM;
	}
	return 0;
}

int tv_svm_init(const struct tv_vendor_ops **ops)
{
	u64 vm_cr;
	int r;

	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err(TV_NAME ": this AMD CPU has no SVM\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		pr_err(TV_NAME ": SVM is disabled by firmware (VM_CR.SVMDIS)\n");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err(TV_NAME ": SVM without nested paging (NPT) is not supported\n");
		return -ENODEV;
	}
	svm_max_asid = cpuid_ebx(SVM_CPUID_FUNC) - 1;
	svm_has_nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	svm_has_decode_assists = boot_cpu_has(X86_FEATURE_DECODEASSISTS);

	r = svm_hw_setup();
	if (r)
		return r;
	/* 1 GiB leaves in the NPT need the host's 1 GiB pages. */
	svm_ops.mmu_max_level = boot_cpu_has(X86_FEATURE_GBPAGES) ? 3 : 2;
	/*
	 * The CPU walks the NPT in the host's paging mode at VMRUN: five
	 * levels while the host kernel runs with CR4.LA57.  That mode is
	 * fixed from boot on.
	 */
	svm_ops.mmu_levels = pgtable_l5_enabled() ? 5 : 4;
	/* The CPU's, not the host kernel's: no5lvl leaves the guest LA57. */
	svm_ops.guest_va_bits = (cpuid_ecx(7) & BIT(X86_FEATURE_LA57 & 31)) ? 57 : 48;
	/*
	 * Under another hypervisor the XSETBV intercept may not be honoured:
	 * QEMU's emulated SVM runs the guest's XSETBV without an exit.
	 */
	svm_ops.xsetbv_may_not_exit = boot_cpu_has(X86_FEATURE_HYPERVISOR);
	svm_host_msrs_init();
	*ops = &svm_ops;
	return 0;
}
