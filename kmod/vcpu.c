// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU file descriptor: the RUN loop, the register ioctls, and the
 * shared run page (mmap offset 0).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/pkru.h>
#include <asm/processor-flags.h>

#include "thinvisor.h"
#include "mitigations.h"
#include "msr.h"
#include "sregs_check.h"
#include "vendor.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

u64 tv_host_xcr0;

/* INIT: the vCPU stops and waits for a SIPI (from any vCPU's thread). */
void tv_vcpu_init_signal(struct tv_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->sipi_vector, -1);
	WRITE_ONCE(vcpu->wait_sipi, true);
	tv_vcpu_kick(vcpu);
}

void tv_vcpu_sipi(struct tv_vcpu *vcpu, u8 vector)
{
	if (!READ_ONCE(vcpu->wait_sipi))
		return;		/* a SIPI outside wait-for-SIPI is dropped */
	WRITE_ONCE(vcpu->sipi_vector, vector);
	tv_vcpu_kick(vcpu);
}

/*
 * Sleep until a SIPI, then start as the CPU does: real mode at
 * vector * 0x1000, all else at its reset value.  1 to run, or -EINTR.
 */
static int tv_vcpu_wait_sipi(struct tv_vcpu *vcpu)
{
	struct tv_segment data = { .limit = 0xffff, .attrib = 0x93 };
	struct tv_sregs s = {
		.ds = data, .es = data, .fs = data, .gs = data, .ss = data,
		.tr = { .limit = 0xffff, .attrib = 0x8b },
		.ldt = { .limit = 0xffff, .attrib = 0x82 },
		.gdt = { .limit = 0xffff }, .idt = { .limit = 0xffff },
		.cr0 = X86_CR0_ET,
	};
	int vector;

	if (wait_event_interruptible(vcpu->wq, READ_ONCE(vcpu->sipi_vector) >= 0 ||
				     !READ_ONCE(vcpu->wait_sipi)))
		return -EINTR;
	vector = READ_ONCE(vcpu->sipi_vector);
	WRITE_ONCE(vcpu->wait_sipi, false);
	if (vector < 0)
		return 1;	/* userspace cleared wait_for_sipi itself */

	s.cs = (struct tv_segment){ .base = (u64)vector << 12, .selector = vector << 8,
				    .limit = 0xffff, .attrib = 0x9b };
	if (tv_ops->set_sregs(vcpu, &s))
		return -EIO;
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->rip = 0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->halted = false;
	vcpu->regs_set = true;
	vcpu->sregs_set = true;
	WRITE_ONCE(vcpu->sipi_vector, -1);
	return 1;
}

/*
 * A guest without CR4.OSXSAVE cannot see XCR0: it runs with the host's,
 * and two XSETBVs per exit are saved.  Returns whether the guest had
 * OSXSAVE, for tv_xcr0_exit().
 */
static bool tv_xcr0_enter(struct tv_vcpu *vcpu)
{
	bool osxsave = vcpu->cr4 & X86_CR4_OSXSAVE;

	if (osxsave && vcpu->xcr0 != tv_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	return osxsave;
}

/*
 * Give the host its XCR0 back.  Where the guest's XSETBV may run without
 * an exit (QEMU's nested SVM ignores the intercept), learn the guest's
 * XCR0 from the CPU first, with one XGETBV per exit; a guest that turned
 * OSXSAVE on during this entry is then taken to have the XCR0 it now
 * runs with, as it would after its first XSETBV (Linux sets XCR0 right
 * after OSXSAVE).  Elsewhere every XSETBV exits and nothing is read.
 */
static void tv_xcr0_exit(struct tv_vcpu *vcpu, bool osxsave_at_entry)
{
	u64 loaded, now;

	if (!tv_ops->xsetbv_may_not_exit) {
		if (osxsave_at_entry && vcpu->xcr0 != tv_host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, tv_host_xcr0);
		return;
	}
	if (!tv_host_xcr0)
		return;
	loaded = osxsave_at_entry ? vcpu->xcr0 : tv_host_xcr0;
	now = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (now != loaded || (!osxsave_at_entry && (vcpu->cr4 & X86_CR4_OSXSAVE)))
		vcpu->xcr0 = now;
	if (now != tv_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, tv_host_xcr0);
}

/*
 * PKRU is not in the FPU state that fpu_swap_kvm_fpstate() switches: it
 * is the thread's own (current->thread.pkru) and stays in the register.
 * On a host with PKU the guest runs with its own, whatever its CR4 says
 * at entry: it can turn CR4.PKE on without an exit and would then read
 * the host's.  The host's is put back at once after the exit, before
 * anything can use it, as KVM does.  With interrupts off; host_pkru is
 * what the register held at entry.
 */
static void tv_pkru_enter(struct tv_vcpu *vcpu, u32 host_pkru)
{
	if (vcpu->pkru != host_pkru)
		wrpkru(vcpu->pkru);
}

static void tv_pkru_exit(struct tv_vcpu *vcpu, u32 host_pkru)
{
	u32 now = rdpkru();

	vcpu->pkru = now;
	if (now != host_pkru)
		wrpkru(host_pkru);
}

/*
 * Enter the guest until an exit needs userspace.  The guest's FPU state
 * is loaded once for the whole loop, not on every exit.
 */
static int tv_vcpu_run(struct tv_vcpu *vcpu)
{
	struct tv_run *run = vcpu->run;
	bool xcr0_osxsave, pkru_switch;
	u32 host_pkru = 0;
	int r;

	if (!READ_ONCE(vcpu->wait_sipi) && (!vcpu->regs_set || !vcpu->sregs_set))
		return -EINVAL;

	down_read(&vcpu->vm->run_lock);
	r = fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	if (r)
		goto out_unlock;

	run->exit_reason = TV_EXIT_NONE;
	/* Userspace ran since the last entry: its data may be in the L1D. */
	vcpu->l1d_flush_due = true;
	WRITE_ONCE(vcpu->task, current);
	r = tv_complete_userspace_exit(vcpu);
	/*
	 * immediate_exit holds before any sleep too: a halted vCPU, or one
	 * waiting for a SIPI, stays so and RUN returns at once.  Only here
	 * can the vCPU be halted: an HLT exit sleeps in its own handler.
	 */
	if (r > 0 && vcpu->halted)
		r = READ_ONCE(run->immediate_exit) ? -EINTR : tv_vcpu_halt(vcpu);
	while (r > 0) {
		if (READ_ONCE(run->immediate_exit) || signal_pending(current)) {
			r = -EINTR;
			break;
		}
		if (unlikely(READ_ONCE(vcpu->wait_sipi))) {
			r = tv_vcpu_wait_sipi(vcpu);
			continue;
		}
		cond_resched();

		/*
		 * The vCPU is made current on this CPU before interrupts go
		 * off, and preemption keeps it here until the exit is taken.
		 */
		preempt_disable();
		if (tv_ops->vcpu_load)
			tv_ops->vcpu_load(vcpu);
		local_irq_disable();
		if (need_resched() || signal_pending(current)) {
			local_irq_enable();
			preempt_enable();
			continue;
		}
		/*
		 * With interrupts off: a softirq's kernel_fpu_begin() after
		 * this check would otherwise put its own registers in the guest.
		 */
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		xcr0_osxsave = tv_xcr0_enter(vcpu);
		pkru_switch = cpu_feature_enabled(X86_FEATURE_OSPKE);
		if (pkru_switch) {
			host_pkru = rdpkru();
			tv_pkru_enter(vcpu, host_pkru);
		}
		tv_lapic_offer(vcpu);
		tv_mitigations_enter(vcpu);
		trace_tv_entry(vcpu);
		tv_stats_entry(vcpu->stats);
		tv_ops->run(vcpu);
		tv_stats_exit(vcpu->stats, vcpu->exit.kind);
		tv_l1d_note_exit(vcpu);
		if (pkru_switch)
			tv_pkru_exit(vcpu, host_pkru);
		tv_lapic_injected(vcpu);
		tv_xcr0_exit(vcpu, xcr0_osxsave);
		/* Host interrupts that ended the guest are taken here. */
		local_irq_enable();
		preempt_enable();
		trace_tv_exit(vcpu->id, vcpu->rip, &vcpu->exit);

		r = tv_handle_exit(vcpu);
	}
	if (r == -EINTR)
		run->exit_reason = TV_EXIT_INTR;
	tv_stats_leave(vcpu->stats, run->exit_reason);

	WRITE_ONCE(vcpu->task, NULL);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
out_unlock:
	up_read(&vcpu->vm->run_lock);
	return r < 0 ? r : 0;
}

/*
 * Something is due for the vCPU (an interrupt, from any context): wake it
 * from HLT, or make it leave the guest if it is running on another CPU.
 * Task structs are freed after an RCU grace period.
 */
void tv_vcpu_kick(struct tv_vcpu *vcpu)
{
	struct task_struct *t;

	wake_up_interruptible(&vcpu->wq);
	rcu_read_lock();
	t = READ_ONCE(vcpu->task);
	if (t)
		kick_process(t);
	rcu_read_unlock();
}

static int tv_get_regs(struct tv_vcpu *vcpu, void __user *argp)
{
	struct tv_regs regs = {};

	regs.rax = vcpu->regs[TV_RAX];
	regs.rbx = vcpu->regs[TV_RBX];
	regs.rcx = vcpu->regs[TV_RCX];
	regs.rdx = vcpu->regs[TV_RDX];
	regs.rsi = vcpu->regs[TV_RSI];
	regs.rdi = vcpu->regs[TV_RDI];
	regs.rsp = vcpu->regs[TV_RSP];
	regs.rbp = vcpu->regs[TV_RBP];
	regs.r8 = vcpu->regs[TV_R8];
	regs.r9 = vcpu->regs[TV_R9];
	regs.r10 = vcpu->regs[TV_R10];
	regs.r11 = vcpu->regs[TV_R11];
	regs.r12 = vcpu->regs[TV_R12];
	regs.r13 = vcpu->regs[TV_R13];
	regs.r14 = vcpu->regs[TV_R14];
	regs.r15 = vcpu->regs[TV_R15];
	regs.rip = vcpu->rip;
	regs.rflags = vcpu->rflags;
	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static bool tv_all_zero(const u64 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int tv_set_regs(struct tv_vcpu *vcpu, void __user *argp)
{
	struct tv_regs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if (!tv_all_zero(regs.reserved, ARRAY_SIZE(regs.reserved)))
		return -EINVAL;
	vcpu->regs[TV_RAX] = regs.rax;
	vcpu->regs[TV_RBX] = regs.rbx;
	vcpu->regs[TV_RCX] = regs.rcx;
	vcpu->regs[TV_RDX] = regs.rdx;
	vcpu->regs[TV_RSI] = regs.rsi;
	vcpu->regs[TV_RDI] = regs.rdi;
	vcpu->regs[TV_RSP] = regs.rsp;
	vcpu->regs[TV_RBP] = regs.rbp;
	vcpu->regs[TV_R8] = regs.r8;
	vcpu->regs[TV_R9] = regs.r9;
	vcpu->regs[TV_R10] = regs.r10;
	vcpu->regs[TV_R11] = regs.r11;
	vcpu->regs[TV_R12] = regs.r12;
	vcpu->regs[TV_R13] = regs.r13;
	vcpu->regs[TV_R14] = regs.r14;
	vcpu->regs[TV_R15] = regs.r15;
	vcpu->rip = regs.rip;
	/* Bit 1 always reads as one; the hardware refuses it clear. */
	vcpu->rflags = regs.rflags | X86_EFLAGS_FIXED;
	vcpu->regs_set = true;
	return 0;
}

static int tv_get_sregs(struct tv_vcpu *vcpu, void __user *argp)
{
	struct tv_sregs sregs = {};

	tv_ops->get_sregs(vcpu, &sregs);
	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

static int tv_set_sregs(struct tv_vcpu *vcpu, void __user *argp)
{
	struct tv_sregs sregs;
	int r;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	if (!tv_all_zero(sregs.reserved, ARRAY_SIZE(sregs.reserved)) ||
	    memchr_inv(sregs.gdt.pad, 0, sizeof(sregs.gdt.pad)) ||
	    memchr_inv(sregs.idt.pad, 0, sizeof(sregs.idt.pad)))
		return -EINVAL;
	r = tv_sregs_check(&sregs);
	if (r)
		return r;
	r = tv_ops->set_sregs(vcpu, &sregs);
	if (!r)
		vcpu->sregs_set = true;
	return r;
}

/* GET/SET_MSRS: the number of entries done; it stops at the first failure. */
static int tv_msrs(struct tv_vcpu *vcpu, struct tv_msrs __user *argp, bool set)
{
	struct tv_msr_entry *e;
	struct tv_msrs head;
	u32 i;
	int r;

	if (copy_from_user(&head, argp, sizeof(head)))
		return -EFAULT;
	if (head.reserved)
		return -EINVAL;
	if (head.nmsrs > TV_MAX_MSRS)
		return -E2BIG;
	e = kmalloc_array(head.nmsrs, sizeof(*e), GFP_KERNEL);
	if (!e && head.nmsrs)
		return -ENOMEM;
	if (copy_from_user(e, argp->entries, head.nmsrs * sizeof(*e))) {
		r = -EFAULT;
		goto out;
	}
	for (i = 0; i < head.nmsrs; i++) {
		if (e[i].reserved) {
			r = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < head.nmsrs; i++) {
		if (set ? tv_msr_set(vcpu, e[i].index, e[i].data) :
			  tv_msr_get(vcpu, e[i].index, &e[i].data))
			break;
	}
	r = i;
	if (!set && copy_to_user(argp->entries, e, i * sizeof(*e)))
		r = -EFAULT;
out:
	kfree(e);
	return r;
}

/*
 * The XSAVE header (64 bytes at offset 512) after XSTATE_BV: XCOMP_BV and
 * the reserved bytes must be zero in the standard format.  The kernel
 * checks them only on a host that uses XSAVE itself, so check them here
 * for every host.
 */
static bool tv_xsave_header_ok(const struct tv_xsave *buf)
{
	const __u32 *hdr = &buf->region[512 / 4];
	int i;

	for (i = 2; i < 64 / 4; i++)
		if (hdr[i])
			return false;
	return true;
}

static int tv_xsave(struct tv_vcpu *vcpu, void __user *argp, bool set)
{
	struct tv_xsave *buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	int r = 0;

	if (!buf)
		return -ENOMEM;
	if (set) {
		if (copy_from_user(buf, argp, sizeof(*buf)))
			r = -EFAULT;
		else if (!tv_xsave_header_ok(buf))
			r = -EINVAL;
		else
			r = fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, buf,
							   vcpu->guest_fpu.fpstate->user_xfeatures,
							   &vcpu->pkru);
	} else {
		fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, buf, sizeof(*buf),
					       vcpu->guest_fpu.fpstate->user_xfeatures,
					       vcpu->pkru);
		if (copy_to_user(argp, buf, sizeof(*buf)))
			r = -EFAULT;
	}
	kfree(buf);
	return r;
}

static bool tv_event_ok(const struct tv_event *e, bool exception)
{
	if (e->pad[0] || e->pad[1] || e->pad[2] || e->reserved)
		return false;
	if (e->flags & ~(TV_EVENT_VALID | TV_EVENT_HAS_ERROR))
		return false;
	if (!exception && (e->flags & TV_EVENT_HAS_ERROR))
		return false;
	if (exception && (e->flags & TV_EVENT_VALID) && e->vector >= 32)
		return false;
	return true;
}

static int tv_events(struct tv_vcpu *vcpu, void __user *argp, bool set)
{
	struct tv_events ev;

	if (!set) {
		ev = vcpu->events;
		ev.interrupt_shadow = tv_ops->get_interrupt_shadow(vcpu);
		ev.wait_for_sipi = READ_ONCE(vcpu->wait_sipi);
		return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
	}
	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (!tv_all_zero(ev.reserved, ARRAY_SIZE(ev.reserved)) ||
	    memchr_inv(ev.pad, 0, sizeof(ev.pad)) || ev.nmi_pending > 1 ||
	    ev.interrupt_shadow > 1 || ev.wait_for_sipi > 1 ||
	    !tv_event_ok(&ev.exception, true) ||
	    !tv_event_ok(&ev.interrupt, false))
		return -EINVAL;
	tv_ops->set_interrupt_shadow(vcpu, ev.interrupt_shadow);
	WRITE_ONCE(vcpu->sipi_vector, -1);
	WRITE_ONCE(vcpu->wait_sipi, ev.wait_for_sipi);
	ev.interrupt_shadow = 0;
	ev.wait_for_sipi = 0;
	vcpu->events = ev;
	return 0;
}

static long tv_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	struct tv_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (ioctl) {
	case TV_RUN:
		r = arg ? -EINVAL : tv_vcpu_run(vcpu);
		break;
	case TV_GET_REGS:
		r = tv_get_regs(vcpu, argp);
		break;
	case TV_SET_REGS:
		r = tv_set_regs(vcpu, argp);
		break;
	case TV_GET_SREGS:
		r = tv_get_sregs(vcpu, argp);
		break;
	case TV_SET_SREGS:
		r = tv_set_sregs(vcpu, argp);
		break;
	case TV_GET_MSRS:
		r = tv_msrs(vcpu, argp, false);
		break;
	case TV_SET_MSRS:
		r = tv_msrs(vcpu, argp, true);
		break;
	case TV_GET_XSAVE:
		r = tv_xsave(vcpu, argp, false);
		break;
	case TV_SET_XSAVE:
		r = tv_xsave(vcpu, argp, true);
		break;
	case TV_GET_EVENTS:
		r = tv_events(vcpu, argp, false);
		break;
	case TV_SET_EVENTS:
		r = tv_events(vcpu, argp, true);
		break;
	default:
		r = -ENOTTY;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

static int tv_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct tv_vcpu *vcpu = filp->private_data;

	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, vcpu->run_page);
}

/* Only from tv_vm_destroy(), or for a vCPU that was never published. */
void tv_vcpu_free(struct tv_vcpu *vcpu)
{
	tv_lapic_destroy(vcpu);
	tv_ops->vcpu_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	__free_page(vcpu->run_page);
	tv_stats_vcpu_free(vcpu);
	kfree(vcpu);
	atomic_dec(&tv_nr_vcpus);
}

/*
 * Closing a vCPU fd drops only its VM reference, as KVM does: the vCPU
 * itself lives as long as the VM (tv_vm_destroy() frees it), so other
 * vCPUs' IPIs and the IOAPIC may read vm->vcpus[] and touch any vCPU in it
 * with no lock for as long as they hold the VM.
 */
static int tv_vcpu_release(struct inode *inode, struct file *filp)
{
	struct tv_vcpu *vcpu = filp->private_data;

	tv_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations tv_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = tv_vcpu_release,
	.unlocked_ioctl = tv_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = tv_vcpu_mmap,
	.llseek = noop_llseek,
};

int tv_vcpu_create(struct tv_vm *vm, unsigned long id)
{
	struct tv_vcpu *vcpu;
	int r;

	if (id >= TV_MAX_VCPUS)
		return -EINVAL;
	id = array_index_nospec(id, TV_MAX_VCPUS);

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	init_waitqueue_head(&vcpu->wq);
	vcpu->sipi_vector = -1;
	tv_lapic_init(vcpu);
	vcpu->rflags = X86_EFLAGS_FIXED;
	/* XCR0 at reset; none at all where the host has no XSAVE. */
	vcpu->xcr0 = tv_host_xcr0 ? XFEATURE_MASK_FP : 0;
	tv_msr_reset(vcpu);
	tv_dr_reset(&vcpu->dr);
	vcpu->run_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vcpu->run_page) {
		r = -ENOMEM;
		goto out_free;
	}
	vcpu->run = page_address(vcpu->run_page);
	r = tv_stats_vcpu_init(vcpu);
	if (r)
		goto out_page;
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu)) {
		r = -ENOMEM;
		goto out_page;
	}
	r = tv_ops->vcpu_create(vcpu);
	if (r)
		goto out_fpu;
	atomic_inc(&tv_nr_vcpus);

	/*
	 * The fd is made before the vCPU is published, under vm->lock, so
	 * that a vCPU in vm->vcpus[] never goes away before its VM.  The
	 * caller's VM fd keeps the VM alive throughout; closing the new fd
	 * at once only drops the reference taken here.
	 */
	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		r = -EEXIST;
		goto out_unlock;
	}
	refcount_inc(&vm->users);
	r = anon_inode_getfd("thinvisor-vcpu", &tv_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (r < 0) {
		/* Not the last reference: the caller holds the VM fd. */
		refcount_dec(&vm->users);
		goto out_unlock;
	}
	/* Pairs with smp_load_acquire() in tv_vm_vcpu(). */
	smp_store_release(&vm->vcpus[id], vcpu);
	mutex_unlock(&vm->lock);
	return r;

out_unlock:
	mutex_unlock(&vm->lock);
	tv_lapic_destroy(vcpu);
	tv_ops->vcpu_free(vcpu);
	atomic_dec(&tv_nr_vcpus);
out_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
out_page:
	tv_stats_vcpu_free(vcpu);
	__free_page(vcpu->run_page);
out_free:
	kfree(vcpu);
	return r;
}
