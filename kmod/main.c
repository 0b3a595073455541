// SPDX-License-Identifier: GPL-2.0
/*
 * thinvisor: a thin type-2 hypervisor shim.
 *
 * Module load and unload, the vendor probe, /dev/thinvisor and its
 * system-wide ioctls.
 */
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>

#include "thinvisor.h"
#include "cpuid.h"
#include "offload.h"
#include "vendor.h"
#include "../uapi/linux/thinvisor.h"

const struct tv_vendor_ops *tv_ops;

static long tv_check_cap(unsigned long cap)
{
	switch (cap) {
	case TV_CAP_NR_SLOTS:
		return TV_MAX_SLOTS;
	case TV_CAP_NR_VCPUS:
		return TV_MAX_VCPUS;
	case TV_CAP_RUN_SIZE:
		return PAGE_SIZE;
	case TV_CAP_VENDOR:
		return tv_ops->uapi_vendor;
	case TV_CAP_MAX_CPUID:
		return TV_MAX_CPUID;
	case TV_CAP_MAX_MSRS:
		return TV_MAX_MSRS;
	case TV_CAP_XSAVE_SIZE:
		return sizeof(struct tv_xsave);
	case TV_CAP_MSR_EXIT_USER:
	case TV_CAP_READONLY_MEM:
		return 1;
	case TV_CAP_IOAPIC_PINS:
		return TV_IOAPIC_PINS;
	case TV_CAP_IOEVENTFD:
		return TV_MAX_IOEVENTFDS;
	case TV_CAP_IRQFD:
		return TV_MAX_IRQFDS;
	default:
		return 0;
	}
}

static long tv_dev_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	switch (ioctl) {
	case TV_GET_API_VERSION:
		return arg ? -EINVAL : TV_API_VERSION;
	case TV_CHECK_CAP:
		return tv_check_cap(arg);
	case TV_CREATE_VM:
		return tv_vm_create(arg);
	case TV_GET_SUPPORTED_CPUID:
		return tv_get_supported_cpuid((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tv_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = tv_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", tv_ops->name);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t features_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return tv_ops->show_features(buf);
}
static DEVICE_ATTR_RO(features);

static struct attribute *tv_dev_attrs[] = {
	&dev_attr_vendor.attr,
	&dev_attr_features.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tv_dev);

static struct miscdevice tv_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "thinvisor",
	.fops = &tv_dev_fops,
	.groups = tv_dev_groups,
};

static int tv_vendor_init(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		return tv_svm_init(&tv_ops);
	case X86_VENDOR_INTEL:
	case X86_VENDOR_ZHAOXIN:
	case X86_VENDOR_CENTAUR:
		return tv_vmx_init(&tv_ops);
	default:
		pr_err(TV_NAME ": no SVM or VMX on this CPU vendor\n");
		return -ENODEV;
	}
}

static int __init tv_init(void)
{
	char *features;
	int busy, r;

	r = tv_vendor_init();
	if (r)
		return r;

	/* The host's XCR0, put back after each guest whose XCR0 differs. */
	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		tv_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	busy = tv_hw_busy_cpu();
	if (busy >= 0) {
		pr_err(TV_NAME ": %s is in use by another hypervisor (CPU %d); not loading\n",
		       tv_ops->name, busy);
		tv_hw_explain_busy();
		r = -EBUSY;
		goto out_vendor;
	}

	r = tv_hw_init();
	if (r)
		goto out_vendor;
	r = tv_irqfd_init();
	if (r)
		goto out_hw;
	r = misc_register(&tv_miscdev);
	if (r)
		goto out_irqfd;

	tv_debugfs_init();
	features = (char *)get_zeroed_page(GFP_KERNEL);
	if (features) {
		tv_ops->show_features(features);
		pr_info(TV_NAME ": loaded on %s: %s", tv_ops->name, features);
		free_page((unsigned long)features);
	}
	return 0;

out_irqfd:
	tv_irqfd_exit();
out_hw:
	tv_hw_exit();
out_vendor:
	tv_ops->exit();
	return r;
}

static void __exit tv_exit(void)
{
	misc_deregister(&tv_miscdev);
	tv_debugfs_exit();
	tv_irqfd_exit();
	tv_hw_exit();
	tv_ops->exit();
}

module_init(tv_init);
module_exit(tv_exit);
MODULE_DESCRIPTION("thinvisor: a thin type-2 hypervisor on SVM and VMX");
MODULE_AUTHOR("The thinvisor maintainers");
MODULE_LICENSE("GPL");
/* The release, from VERSION at the top of the tree (kmod/Kbuild). */
MODULE_VERSION(THINVISOR_VERSION);
