// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts from eventfds (TV_IRQFD, Documentation/api.rst): a signal of
 * the eventfd drives an IOAPIC pin of the VM, and for a virtio-mmio
 * device the module also serves the InterruptStatus and InterruptACK
 * registers of its window, so that neither the interrupt nor its
 * acknowledgment costs an exit to userspace.
 *
 * An irqfd waits on its eventfd's wait queue.  The wake-up runs in
 * atomic context (the eventfd's queue lock held, interrupts off): it
 * injects at once, which only takes the IOAPIC's lock (irq-safe: it is
 * also taken from the APIC timer's hrtimer) and wakes or kicks vCPUs.
 * EPOLLHUP (the eventfd's last fd closed), a deassign and the VM's end
 * all take the irqfd off vm->irqfds under vm->irqfd_lock (the first one
 * wins) and queue its shutdown, which leaves the wait queue and frees
 * it; the VM waits for those before it goes (tv_irqfd_release()).
 *
 * A virtio window lives as long as an irqfd names it; the exit path
 * finds it under RCU.  Its status changes under the IOAPIC's lock, with
 * the line it drives: up while any bit is set.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "thinvisor.h"
#include "offload.h"

#define TV_IRQFD_FLAGS		(TV_IRQFD_FLAG_DEASSIGN | TV_IRQFD_FLAG_VIRTIO_MMIO)
#define TV_VIRTIO_WINDOW	0x1000ULL
#define TV_VIRTIO_INT_ALL	3U	/* VRING and CONFIG */
/* The transport's registers the module looks at (virtio 4.2.2). */
#define TV_VIRTIO_INT_STATUS	0x60
#define TV_VIRTIO_INT_ACK	0x64
#define TV_VIRTIO_STATUS	0x70

struct tv_virtio_win {
	struct list_head list;		/* vm->virtio_wins, RCU */
	struct rcu_head rcu;
	u64 base;
	u32 gsi;
	u32 status;			/* InterruptStatus: under the IOAPIC lock */
	unsigned int users;		/* irqfds naming it: under vm->lock */
};

struct tv_irqfd_entry {
	struct tv_vm *vm;
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct shutdown;
	struct list_head list;		/* vm->irqfds while active */
	u32 gsi;
	u32 bits;			/* what a signal sets in win->status */
	struct tv_virtio_win *win;	/* NULL: a pulse on the pin */
};

static struct workqueue_struct *tv_irqfd_wq;

int tv_irqfd_init(void)
{
	tv_irqfd_wq = alloc_workqueue("thinvisor-irqfd", 0, 0);
	return tv_irqfd_wq ? 0 : -ENOMEM;
}

void tv_irqfd_exit(void)
{
	destroy_workqueue(tv_irqfd_wq);
}

/* A signal: from the eventfd's wake-up, in atomic context. */
static void tv_irqfd_fire(struct tv_irqfd_entry *f)
{
	struct tv_ioapic *io = &f->vm->ioapic;
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	if (f->win) {
		WRITE_ONCE(f->win->status, f->win->status | f->bits);
		tv_ioapic_line_locked(f->vm, f->gsi, true);
	} else {
		tv_ioapic_line_locked(f->vm, f->gsi, true);
		tv_ioapic_line_locked(f->vm, f->gsi, false);
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

/* Off the list and to its shutdown; vm->irqfd_lock held. */
static void tv_irqfd_deactivate(struct tv_irqfd_entry *f)
{
	list_del_init(&f->list);
	queue_work(tv_irqfd_wq, &f->shutdown);
}

static int tv_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct tv_irqfd_entry *f = container_of(wait, struct tv_irqfd_entry, wait);
	__poll_t events = key_to_poll(key);
	struct tv_vm *vm = f->vm;
	unsigned long flags;
	u64 cnt;

	if (events & EPOLLIN) {
		/* Consumed, so that a later assign does not see it again. */
		eventfd_ctx_do_read(f->ctx, &cnt);
		tv_irqfd_fire(f);
	}
	if (events & EPOLLHUP) {
		spin_lock_irqsave(&vm->irqfd_lock, flags);
		if (!list_empty(&f->list))
			tv_irqfd_deactivate(f);
		spin_unlock_irqrestore(&vm->irqfd_lock, flags);
	}
	return 0;
}

static void tv_irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct tv_irqfd_entry *f = container_of(pt, struct tv_irqfd_entry, pt);

	add_wait_queue_priority(wqh, &f->wait);
}

/* The window at base for pin gsi, found or made; vm->lock held. */
static struct tv_virtio_win *tv_virtio_win_get(struct tv_vm *vm, u64 base, u32 gsi)
{
	struct tv_virtio_win *w;

	list_for_each_entry(w, &vm->virtio_wins, list) {
		if (w->base != base)
			continue;
		if (w->gsi != gsi)
			return ERR_PTR(-EINVAL);
		w->users++;
		return w;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return ERR_PTR(-ENOMEM);
	w->base = base;
	w->gsi = gsi;
	w->users = 1;
	list_add_tail_rcu(&w->list, &vm->virtio_wins);
	return w;
}

/* The last irqfd of a window is gone: its line drops; vm->lock held. */
static void tv_virtio_win_put(struct tv_vm *vm, struct tv_virtio_win *w)
{
	unsigned long flags;

	if (--w->users)
		return;
	spin_lock_irqsave(&vm->ioapic.lock, flags);
	if (w->status)
		tv_ioapic_line_locked(vm, w->gsi, false);
	WRITE_ONCE(w->status, 0);
	spin_unlock_irqrestore(&vm->ioapic.lock, flags);
	list_del_rcu(&w->list);
	kfree_rcu(w, rcu);
}

static void tv_irqfd_shutdown(struct work_struct *work)
{
	struct tv_irqfd_entry *f = container_of(work, struct tv_irqfd_entry, shutdown);
	struct tv_vm *vm = f->vm;
	u64 cnt;

	/* After this no wake-up runs for f. */
	eventfd_ctx_remove_wait_queue(f->ctx, &f->wait, &cnt);
	mutex_lock(&vm->lock);
	if (f->win)
		tv_virtio_win_put(vm, f->win);
	tv_ioapic_unclaim(vm, f->gsi);
	vm->nr_irqfds--;
	mutex_unlock(&vm->lock);
	eventfd_ctx_put(f->ctx);
	kfree(f);
}

/* The pin's other irqfds agree with this one: 0 or -EBUSY; vm->lock held. */
static int tv_irqfd_pin_free(struct tv_vm *vm, const struct tv_irqfd *a)
{
	struct tv_virtio_win *w;

	list_for_each_entry(w, &vm->virtio_wins, list) {
		if (w->gsi != a->gsi)
			continue;
		/* A virtio line is the window's alone. */
		if (!(a->flags & TV_IRQFD_FLAG_VIRTIO_MMIO) || w->base != a->virtio_base)
			return -EBUSY;
	}
	if ((a->flags & TV_IRQFD_FLAG_VIRTIO_MMIO) && tv_ioapic_claimed(vm, a->gsi)) {
		/* Claimed by plain irqfds (a window's own are found above). */
		list_for_each_entry(w, &vm->virtio_wins, list)
			if (w->gsi == a->gsi)
				return 0;
		return -EBUSY;
	}
	return 0;
}

static int tv_irqfd_assign(struct tv_vm *vm, const struct tv_irqfd *a)
{
	struct tv_irqfd_entry *f, *tmp;
	struct file *file;
	__poll_t events;
	unsigned long flags;
	int r;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	file = eventfd_fget(a->fd);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto out_free;
	}
	f->ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(f->ctx)) {
		r = PTR_ERR(f->ctx);
		goto out_fput;
	}
	f->vm = vm;
	f->gsi = a->gsi;
	f->bits = a->virtio_status;
	INIT_LIST_HEAD(&f->list);
	INIT_WORK(&f->shutdown, tv_irqfd_shutdown);
	init_waitqueue_func_entry(&f->wait, tv_irqfd_wakeup);
	init_poll_funcptr(&f->pt, tv_irqfd_queue_proc);

	mutex_lock(&vm->lock);
	r = -ENOSPC;
	if (vm->nr_irqfds >= TV_MAX_IRQFDS)
		goto out_unlock;
	r = 0;
	spin_lock_irqsave(&vm->irqfd_lock, flags);
	list_for_each_entry(tmp, &vm->irqfds, list)
		if (tmp->ctx == f->ctx)
			r = -EBUSY;
	spin_unlock_irqrestore(&vm->irqfd_lock, flags);
	if (!r)
		r = tv_irqfd_pin_free(vm, a);
	if (r)
		goto out_unlock;
	if (a->flags & TV_IRQFD_FLAG_VIRTIO_MMIO) {
		f->win = tv_virtio_win_get(vm, a->virtio_base, a->gsi);
		if (IS_ERR(f->win)) {
			r = PTR_ERR(f->win);
			goto out_unlock;
		}
	}
	tv_ioapic_claim(vm, a->gsi);
	vm->nr_irqfds++;
	spin_lock_irqsave(&vm->irqfd_lock, flags);
	list_add_tail(&f->list, &vm->irqfds);
	spin_unlock_irqrestore(&vm->irqfd_lock, flags);

	/*
	 * On the queue from here on.  The file reference held keeps
	 * EPOLLHUP away, and vm->lock a deassign, until it is there.  A
	 * count already in the eventfd (a signal before the assign) fires
	 * once now; the next signal's wake-up consumes it.
	 */
	events = vfs_poll(file, &f->pt);
	if (events & EPOLLIN)
		tv_irqfd_fire(f);
	mutex_unlock(&vm->lock);
	fput(file);
	return 0;

out_unlock:
	mutex_unlock(&vm->lock);
	eventfd_ctx_put(f->ctx);
out_fput:
	fput(file);
out_free:
	kfree(f);
	return r;
}

static int tv_irqfd_deassign(struct tv_vm *vm, const struct tv_irqfd *a)
{
	struct tv_irqfd_entry *f, *found = NULL;
	struct eventfd_ctx *ctx;
	unsigned long flags;

	ctx = eventfd_ctx_fdget(a->fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mutex_lock(&vm->lock);
	spin_lock_irqsave(&vm->irqfd_lock, flags);
	list_for_each_entry(f, &vm->irqfds, list) {
		if (f->ctx == ctx && f->gsi == a->gsi) {
			found = f;
			tv_irqfd_deactivate(f);
			break;
		}
	}
	spin_unlock_irqrestore(&vm->irqfd_lock, flags);
	mutex_unlock(&vm->lock);
	eventfd_ctx_put(ctx);
	if (!found)
		return -ENOENT;
	/* Gone, line and window included, when the ioctl returns. */
	flush_workqueue(tv_irqfd_wq);
	return 0;
}

int tv_irqfd_ioctl(struct tv_vm *vm, struct tv_irqfd __user *argp)
{
	struct tv_irqfd a;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (a.reserved[0] || a.reserved[1] || (a.flags & ~TV_IRQFD_FLAGS) ||
	    a.gsi >= TV_IOAPIC_PINS)
		return -EINVAL;
	if (a.flags & TV_IRQFD_FLAG_DEASSIGN) {
		if (a.flags != TV_IRQFD_FLAG_DEASSIGN || a.virtio_status || a.virtio_base)
			return -EINVAL;
		return tv_irqfd_deassign(vm, &a);
	}
	if (a.flags & TV_IRQFD_FLAG_VIRTIO_MMIO) {
		if (!a.virtio_status || (a.virtio_status & ~TV_VIRTIO_INT_ALL) ||
		    (a.virtio_base & (TV_VIRTIO_WINDOW - 1)) ||
		    a.virtio_base + TV_VIRTIO_WINDOW < a.virtio_base)
			return -EINVAL;
	} else if (a.virtio_status || a.virtio_base) {
		return -EINVAL;
	}
	return tv_irqfd_assign(vm, &a);
}

/*
 * The exit path: a guest MMIO access at gpa (*val the value written, or
 * where a read goes).  True when the module served it: a read of
 * InterruptStatus or a write of InterruptACK in a registered window.  A
 * write of 0 to Status (a device reset) clears InterruptStatus here and
 * still goes to userspace, which resets the rest.
 */
bool tv_irqfd_virtio_mmio(struct tv_vm *vm, u64 gpa, bool write, u32 len, u64 *val)
{
	struct tv_ioapic *io = &vm->ioapic;
	struct tv_virtio_win *w;
	unsigned long flags;
	bool served = false;
	u64 off;

	if (list_empty(&vm->virtio_wins) || len != 4)
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(w, &vm->virtio_wins, list) {
		off = gpa - w->base;
		if (off >= TV_VIRTIO_WINDOW)
			continue;
		if (off == TV_VIRTIO_INT_STATUS && !write) {
			*val = READ_ONCE(w->status);
			served = true;
		} else if ((off == TV_VIRTIO_INT_ACK && write) ||
			   (off == TV_VIRTIO_STATUS && write && !*val)) {
			spin_lock_irqsave(&io->lock, flags);
			if (w->status) {
				WRITE_ONCE(w->status, off == TV_VIRTIO_STATUS ? 0 :
					   w->status & ~(u32)*val);
				if (!w->status)
					tv_ioapic_line_locked(vm, w->gsi, false);
			}
			spin_unlock_irqrestore(&io->lock, flags);
			served = off == TV_VIRTIO_INT_ACK;
		}
		break;
	}
	rcu_read_unlock();
	return served;
}

/*
 * The VM is going (its last fd closed, before its vCPUs are freed): every
 * irqfd still active is shut down, and those an EPOLLHUP or a deassign
 * already queued are waited for.
 */
void tv_irqfd_release(struct tv_vm *vm)
{
	struct tv_irqfd_entry *f, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&vm->irqfd_lock, flags);
	list_for_each_entry_safe(f, tmp, &vm->irqfds, list)
		tv_irqfd_deactivate(f);
	spin_unlock_irqrestore(&vm->irqfd_lock, flags);
	flush_workqueue(tv_irqfd_wq);
}
