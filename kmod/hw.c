// SPDX-License-Identifier: GPL-2.0
/*
 * Turning SVM/VMX on and off.  Like KVM, thinvisor holds the hardware only
 * while at least one of its VMs exists, so that it and KVM can take turns on
 * one host.  Whoever comes second finds EFER.SVME or CR4.VMXE already set
 * and backs off with -EBUSY, leaving the holder undisturbed.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>

#include "thinvisor.h"
#include "vendor.h"

static DEFINE_MUTEX(tv_hw_lock);
static unsigned int tv_hw_users;
static DEFINE_PER_CPU(bool, tv_cpu_enabled);
static atomic_t tv_hw_failed;
static int tv_cpuhp_state;

static int tv_cpu_enable(void)
{
	int r;

	if (this_cpu_read(tv_cpu_enabled))
		return 0;
	if (tv_ops->cpu_in_use())
		return -EBUSY;
	r = tv_ops->cpu_enable();
	if (!r)
		this_cpu_write(tv_cpu_enabled, true);
	return r;
}

static void tv_cpu_disable(void)
{
	if (!this_cpu_read(tv_cpu_enabled))
		return;
	tv_ops->cpu_disable();
	this_cpu_write(tv_cpu_enabled, false);
}

static void tv_cpu_enable_ipi(void *unused)
{
	int r = tv_cpu_enable();

	if (r) {
		atomic_set(&tv_hw_failed, r);
		/*
		 * Another hypervisor holding SVM/VMX is for the caller to
		 * resolve (EBUSY), not an error of the module: a notice.  Any
		 * other failure the backend has reported as an error.
		 */
		if (r == -EBUSY)
			pr_notice_ratelimited(TV_NAME ": CPU %d: %s is in use by another hypervisor\n",
					      smp_processor_id(), tv_ops->name);
	}
}

static void tv_cpu_disable_ipi(void *unused)
{
	tv_cpu_disable();
}

/*
 * What to do when SVM/VMX is already held.  Since Linux 6.12 KVM holds it
 * from the moment kvm-amd/kvm-intel load (kvm.enable_virt_at_load, on by
 * default), not only while a KVM VM exists, so merely having KVM loaded is
 * enough to keep thinvisor out: say how to take turns again.  A notice,
 * as the busy line it follows at VM creation: the caller's to resolve.
 */
void tv_hw_explain_busy(void)
{
	const char *kvm = boot_cpu_has(X86_FEATURE_SVM) ? "kvm-amd" : "kvm-intel";

	pr_notice_ratelimited(TV_NAME ": if that is KVM: since Linux 6.12 %s holds %s from the moment it is loaded; unload %s, or load kvm with enable_virt_at_load=0 (kvm.enable_virt_at_load=0 on the kernel command line) so that KVM holds it only while it runs a VM\n",
			      kvm, tv_ops->name, kvm);
}

/* Called for the first VM: SVM/VMX on, on every online CPU, or on none. */
int tv_hw_get(void)
{
	int r = 0;

	cpus_read_lock();
	mutex_lock(&tv_hw_lock);
	if (tv_hw_users++ == 0) {
		atomic_set(&tv_hw_failed, 0);
		on_each_cpu(tv_cpu_enable_ipi, NULL, 1);
		r = atomic_read(&tv_hw_failed);
		if (r) {
			on_each_cpu(tv_cpu_disable_ipi, NULL, 1);
			tv_hw_users = 0;
			if (r == -EBUSY)
				tv_hw_explain_busy();
		}
	}
	mutex_unlock(&tv_hw_lock);
	cpus_read_unlock();
	return r;
}

/* Called when a VM goes: the last one turns SVM/VMX off everywhere. */
void tv_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&tv_hw_lock);
	if (!WARN_ON(!tv_hw_users) && --tv_hw_users == 0)
		on_each_cpu(tv_cpu_disable_ipi, NULL, 1);
	mutex_unlock(&tv_hw_lock);
	cpus_read_unlock();
}

static void tv_cpu_in_use_ipi(void *busy_cpu)
{
	if (tv_ops->cpu_in_use())
		atomic_cmpxchg(busy_cpu, -1, smp_processor_id());
}

/* The first online CPU where another hypervisor holds SVM/VMX, or -1. */
int tv_hw_busy_cpu(void)
{
	atomic_t busy = ATOMIC_INIT(-1);

	on_each_cpu(tv_cpu_in_use_ipi, &busy, 1);
	return atomic_read(&busy);
}

/* CPU hotplug: a CPU that comes online while VMs exist joins in. */
static int tv_cpu_online(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&tv_hw_lock);
	if (tv_hw_users) {
		local_irq_disable();
		r = tv_cpu_enable();
		local_irq_enable();
	}
	mutex_unlock(&tv_hw_lock);
	return r;
}

static int tv_cpu_offline(unsigned int cpu)
{
	mutex_lock(&tv_hw_lock);
	if (tv_hw_users) {
		local_irq_disable();
		tv_cpu_disable();
		local_irq_enable();
	}
	mutex_unlock(&tv_hw_lock);
	return 0;
}

/*
 * Suspend to RAM or disk with VMs alive: the CPU loses VMX operation (or
 * EFER.SVME and VM_HSAVE_PA) and comes back without them, while the
 * module would believe them on.  Called by suspend.c with one CPU left
 * online, interrupts off and every task frozen (a vCPU thread leaves RUN
 * for the freezer's signal): tv_hw_users cannot change and needs no lock.
 * The other CPUs went through tv_cpu_offline() and come back through
 * tv_cpu_online().
 */
int tv_hw_suspend(void)
{
	if (tv_hw_users)
		tv_cpu_disable();
	return 0;
}

void tv_hw_resume(void)
{
	int r;

	if (!tv_hw_users)
		return;
	r = tv_cpu_enable();
	if (r)
		pr_err(TV_NAME ": CPU %d: %s not back on after resume (%d): VMs cannot run\n",
		       smp_processor_id(), tv_ops->name, r);
}

int tv_hw_init(void)
{
	int r;

	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "thinvisor:online",
				      tv_cpu_online, tv_cpu_offline);
	if (r < 0)
		return r;
	tv_cpuhp_state = r;
	return 0;
}

void tv_hw_exit(void)
{
	cpuhp_remove_state_nocalls(tv_cpuhp_state);
}
