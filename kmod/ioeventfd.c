// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbells: a guest write to a registered MMIO address or port signals
 * an eventfd and the guest goes on, with no exit to userspace
 * (TV_IOEVENTFD, Documentation/api.rst).
 *
 * The entries are a list the exit path reads under RCU, without a lock:
 * it is short (a few entries per device) and changes only by ioctl,
 * under vm->lock.  An entry is freed after a grace period, so a vCPU
 * that found it may still signal its eventfd, whose context the entry
 * holds a reference to.
 */
#include <linux/eventfd.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "thinvisor.h"
#include "offload.h"

#define TV_IOEVENTFD_FLAGS	(TV_IOEVENTFD_FLAG_DATAMATCH | TV_IOEVENTFD_FLAG_PIO | \
				 TV_IOEVENTFD_FLAG_DEASSIGN)
#define TV_PORTS		0x10000ULL

struct tv_ioeventfd_entry {
	struct list_head list;		/* vm->ioeventfds */
	struct rcu_head rcu;
	struct eventfd_ctx *ctx;
	u64 addr;
	u64 datamatch;
	u32 len;			/* 0: a write of any size */
	bool pio;
	bool match_data;
};

/* The request is well formed: 0 or -EINVAL. */
static int tv_ioeventfd_check(const struct tv_ioeventfd *a)
{
	u32 len = a->len ? a->len : 1;
	int i;

	for (i = 0; i < ARRAY_SIZE(a->reserved); i++)
		if (a->reserved[i])
			return -EINVAL;
	if (a->flags & ~TV_IOEVENTFD_FLAGS)
		return -EINVAL;
	if (a->len != 0 && a->len != 1 && a->len != 2 && a->len != 4 && a->len != 8)
		return -EINVAL;
	if (a->flags & TV_IOEVENTFD_FLAG_DATAMATCH) {
		/* A value wider than the write could never match. */
		if (!a->len || (a->len < 8 && a->datamatch >> (a->len * 8)))
			return -EINVAL;
	}
	if (a->addr + len < a->addr)
		return -EINVAL;
	if ((a->flags & TV_IOEVENTFD_FLAG_PIO) && a->addr + len > TV_PORTS)
		return -EINVAL;
	return 0;
}

/*
 * Two entries the same write could both match (KVM's rule): the same
 * place, and their sizes and values not told apart.
 */
static bool tv_ioeventfd_collide(const struct tv_ioeventfd_entry *e,
				 const struct tv_ioeventfd_entry *n)
{
	if (e->pio != n->pio || e->addr != n->addr)
		return false;
	if (!e->len || !n->len)
		return true;
	return e->len == n->len &&
	       (!e->match_data || !n->match_data || e->datamatch == n->datamatch);
}

static bool tv_ioeventfd_same(const struct tv_ioeventfd_entry *e,
			      const struct tv_ioeventfd_entry *n)
{
	return e->ctx == n->ctx && e->pio == n->pio && e->addr == n->addr &&
	       e->len == n->len && e->match_data == n->match_data &&
	       (!e->match_data || e->datamatch == n->datamatch);
}

static int tv_ioeventfd_assign(struct tv_vm *vm, struct tv_ioeventfd_entry *n)
{
	struct tv_ioeventfd_entry *e, *copy;
	unsigned int count = 0;

	list_for_each_entry(e, &vm->ioeventfds, list) {
		if (tv_ioeventfd_collide(e, n))
			return -EEXIST;
		count++;
	}
	if (count >= TV_MAX_IOEVENTFDS)
		return -ENOSPC;
	copy = kmemdup(n, sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!copy)
		return -ENOMEM;
	list_add_tail_rcu(&copy->list, &vm->ioeventfds);
	return 0;
}

static int tv_ioeventfd_deassign(struct tv_vm *vm, struct tv_ioeventfd_entry *n)
{
	struct tv_ioeventfd_entry *e;

	list_for_each_entry(e, &vm->ioeventfds, list) {
		if (!tv_ioeventfd_same(e, n))
			continue;
		list_del_rcu(&e->list);
		/* Its context stays referenced by a vCPU that found it: wait. */
		synchronize_rcu();
		eventfd_ctx_put(e->ctx);
		kfree(e);
		return 0;
	}
	return -ENOENT;
}

int tv_ioeventfd_ioctl(struct tv_vm *vm, struct tv_ioeventfd __user *argp)
{
	struct tv_ioeventfd a;
	struct tv_ioeventfd_entry n = {};
	int r;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	r = tv_ioeventfd_check(&a);
	if (r)
		return r;
	n.ctx = eventfd_ctx_fdget(a.fd);
	if (IS_ERR(n.ctx))
		return PTR_ERR(n.ctx);
	n.addr = a.addr;
	n.len = a.len;
	n.pio = a.flags & TV_IOEVENTFD_FLAG_PIO;
	n.match_data = a.flags & TV_IOEVENTFD_FLAG_DATAMATCH;
	n.datamatch = n.match_data ? a.datamatch : 0;

	mutex_lock(&vm->lock);
	if (a.flags & TV_IOEVENTFD_FLAG_DEASSIGN)
		r = tv_ioeventfd_deassign(vm, &n);
	else
		r = tv_ioeventfd_assign(vm, &n);
	mutex_unlock(&vm->lock);
	/* An assigned entry took its own reference (the copy's). */
	if (r || (a.flags & TV_IOEVENTFD_FLAG_DEASSIGN))
		eventfd_ctx_put(n.ctx);
	return r;
}

/*
 * The exit path: a guest write of len bytes of val (already truncated to
 * len) at addr.  True when an entry took it: its eventfd is signalled and
 * the caller resumes the guest past the instruction.
 */
bool tv_ioeventfd_write(struct tv_vm *vm, bool pio, u64 addr, u32 len, u64 val)
{
	struct tv_ioeventfd_entry *e;
	bool hit = false;

	if (list_empty(&vm->ioeventfds))
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(e, &vm->ioeventfds, list) {
		if (e->addr != addr || e->pio != pio || (e->len && e->len != len) ||
		    (e->match_data && e->datamatch != val))
			continue;
		tv_eventfd_signal(e->ctx);
		hit = true;
		break;
	}
	rcu_read_unlock();
	return hit;
}

/* The VM is going: no vCPU runs, no ioctl can come. */
void tv_ioeventfd_release(struct tv_vm *vm)
{
	struct tv_ioeventfd_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &vm->ioeventfds, list) {
		list_del(&e->list);
		eventfd_ctx_put(e->ctx);
		kfree(e);
	}
}
