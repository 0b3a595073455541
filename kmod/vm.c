// SPDX-License-Identifier: GPL-2.0
/*
 * The VM file descriptor: memory slots, the CPUID table, options, vCPU
 * creation.  The VM lives until its fd and every vCPU fd are closed, so a
 * vCPU thread still inside RUN keeps it alive; its vCPUs live exactly as
 * long as it does.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "thinvisor.h"
#include "offload.h"
#include "vendor.h"

static void tv_vm_destroy(struct tv_vm *vm)
{
	struct tv_cpuid_table *cpuid = rcu_dereference_protected(vm->cpuid, true);
	int i;

	/* Before the vCPUs: an irqfd's wake-up may still be raising one. */
	tv_irqfd_release(vm);
	tv_ioeventfd_release(vm);
	/* No fd is left: nothing can reach these vCPUs any more. */
	for (i = 0; i < TV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			tv_vcpu_free(vm->vcpus[i]);
	tv_mmu_free_slots(vm);
	tv_mmu_destroy(vm);
	kfree(cpuid);
	mmdrop(vm->mm);
	kfree(vm);
	atomic_dec(&tv_nr_vms);
	tv_hw_put();
}

void tv_vm_put(struct tv_vm *vm)
{
	if (refcount_dec_and_test(&vm->users))
		tv_vm_destroy(vm);
}

static int tv_vm_release(struct inode *inode, struct file *filp)
{
	tv_vm_put(filp->private_data);
	return 0;
}

static long tv_vm_set_memory_region(struct tv_vm *vm, void __user *argp)
{
	struct tv_memory_region r;
	long ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	/* Slots change only while no vCPU is inside RUN. */
	if (!down_write_trylock(&vm->run_lock))
		return -EBUSY;
	mutex_lock(&vm->lock);
	ret = tv_set_memory_region(vm, &r);
	mutex_unlock(&vm->lock);
	up_write(&vm->run_lock);
	return ret;
}

static long tv_vm_enable_cap(struct tv_vm *vm, void __user *argp)
{
	struct tv_enable_cap cap;
	int i;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(cap.reserved); i++)
		if (cap.reserved[i])
			return -EINVAL;
	if (cap.flags)
		return -EINVAL;
	switch (cap.cap) {
	case TV_CAP_MSR_EXIT_USER:
		if (cap.args[0] > 1 || cap.args[1] || cap.args[2] || cap.args[3])
			return -EINVAL;
		WRITE_ONCE(vm->msr_exit_user, cap.args[0]);
		return 0;
	default:
		return -EINVAL;
	}
}

static long tv_vm_ioctl(struct file *filp, unsigned int ioctl,
			unsigned long arg)
{
	struct tv_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case TV_SET_MEMORY_REGION:
		return tv_vm_set_memory_region(vm, argp);
	case TV_CREATE_VCPU:
		return tv_vcpu_create(vm, arg);
	case TV_SET_CPUID:
		return tv_set_cpuid(vm, argp);
	case TV_ENABLE_CAP:
		return tv_vm_enable_cap(vm, argp);
	case TV_IRQ_LINE:
		return tv_ioapic_set_line(vm, argp);
	case TV_IOEVENTFD:
		return tv_ioeventfd_ioctl(vm, argp);
	case TV_IRQFD:
		return tv_irqfd_ioctl(vm, argp);
	default:
		return -ENOTTY;
	}
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
	refcount_set(&vm->users, 1);
	mutex_init(&vm->lock);
	init_rwsem(&vm->run_lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	tv_ioapic_init(vm);
	INIT_LIST_HEAD(&vm->ioeventfds);
	INIT_LIST_HEAD(&vm->virtio_wins);
	INIT_LIST_HEAD(&vm->irqfds);
	spin_lock_init(&vm->irqfd_lock);

	r = tv_hw_get();
	if (r) {
		/* EBUSY is the caller's to resolve: a notice (hw.c). */
		if (r == -EBUSY)
			pr_notice_ratelimited(TV_NAME ": cannot create a VM: %s is held by another hypervisor\n",
					      tv_ops->name);
		else
			pr_err_ratelimited(TV_NAME ": cannot create a VM: turning %s on failed (%d)\n",
					   tv_ops->name, r);
		goto out_free;
	}
	r = tv_mmu_init(vm);
	if (r)
		goto out_mmu;

	atomic_inc(&tv_nr_vms);
	r = anon_inode_getfd("thinvisor-vm", &tv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (r < 0) {
		atomic_dec(&tv_nr_vms);
		goto out_mmu;
	}
	return r;

out_mmu:
	tv_mmu_destroy(vm);
	tv_hw_put();
out_free:
	mmdrop(vm->mm);
	kfree(vm);
	return r;
}
