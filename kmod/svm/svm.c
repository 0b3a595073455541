// SPDX-License-Identifier: GPL-2.0
/* thinvisor on AMD SVM: probing, and SVM on and off per host CPU. */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/svm.h>

#include "../thinvisor.h"
#include "../vendor.h"
#include "../../uapi/linux/thinvisor.h"

/* Each CPU's host save area: VMRUN stores host state there (VM_HSAVE_PA). */
static DEFINE_PER_CPU(struct page *, svm_hsave);

static bool svm_cpu_in_use(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	return efer & EFER_SVME;
}

static int svm_cpu_enable(void)
{
	struct page *hsave = this_cpu_read(svm_hsave);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(hsave));
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

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

static int svm_show_features(char *buf)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(svm_features); i++)
		if (boot_cpu_has(svm_features[i].feature))
			n += sysfs_emit_at(buf, n, "%s ", svm_features[i].name);
	n += sysfs_emit_at(buf, n, "asids=%u\n", cpuid_ebx(SVM_CPUID_FUNC));
	return n;
}

static void svm_free_hsave(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		__free_page(per_cpu(svm_hsave, cpu));
		per_cpu(svm_hsave, cpu) = NULL;
	}
}

static void svm_exit(void)
{
	svm_free_hsave();
}

static const struct tv_vendor_ops svm_ops = {
	.name = "svm",
	.uapi_vendor = TV_VENDOR_AMD_SVM,
	.cpu_in_use = svm_cpu_in_use,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.show_features = svm_show_features,
	.exit = svm_exit,
};

int tv_svm_init(const struct tv_vendor_ops **ops)
{
	u64 vm_cr;
	int cpu;

	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err(TV_NAME ": this AMD CPU has no SVM\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & (1 << SVM_VM_CR_SVM_DISABLE)) {
		pr_err(TV_NAME ": SVM is disabled by firmware (VM_CR.SVMDIS)\n");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err(TV_NAME ": SVM without nested paging (NPT) is not supported\n");
		return -ENODEV;
	}

	for_each_possible_cpu(cpu) {
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p) {
			svm_free_hsave();
			return -ENOMEM;
		}
		per_cpu(svm_hsave, cpu) = p;
	}
	*ops = &svm_ops;
	return 0;
}
