// SPDX-License-Identifier: GPL-2.0
/* The VM file descriptor. */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>

#include "thinvisor.h"
#include "vendor.h"
#include "../uapi/linux/thinvisor.h"

static int tv_vm_release(struct inode *inode, struct file *filp)
{
	struct tv_vm *vm = filp->private_data;

	kfree(vm);
	tv_hw_put();
	return 0;
}

static long tv_vm_ioctl(struct file *filp, unsigned int ioctl,
			unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations tv_vm_fops = {
	.owner = THIS_MODULE,
	.release = tv_vm_release,
	.unlocked_ioctl = tv_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int tv_vm_create(unsigned long type)
{
	struct tv_vm *vm;
	int r;

	if (type)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;

	r = tv_hw_get();
	if (r) {
		pr_warn_ratelimited(TV_NAME ": cannot create a VM: %s is held by another hypervisor\n",
				    tv_ops->name);
		goto out_free;
	}

	r = anon_inode_getfd("thinvisor-vm", &tv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (r < 0)
		goto out_put;
	return r;

out_put:
	tv_hw_put();
out_free:
	kfree(vm);
	return r;
}
