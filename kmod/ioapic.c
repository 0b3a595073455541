// SPDX-License-Identifier: GPL-2.0
/*
 * A small IOAPIC per VM, at guest-physical 0xfec00000, emulated in the
 * module: 24 pins, edge and level triggered, to an APIC ID or to a logical
 * destination (flat or cluster, as the target APICs say).  Userspace drives
 * the pins with TV_IRQ_LINE; a level pin delivered once waits (Remote IRR)
 * for the guest's EOI of its vector.
 */
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "thinvisor.h"
#include "ioapic.h"

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDIR	0x10
#define IOAPIC_VERSION_VALUE	((TV_IOAPIC_PINS - 1) << 16 | 0x20)

#define REDIR_VECTOR(e)		((e) & 0xff)
#define REDIR_DM(e)		(((e) >> 8) & 7)
#define REDIR_DM_LOWEST		1
#define REDIR_LOGICAL		BIT_ULL(11)
#define REDIR_REMOTE_IRR	BIT_ULL(14)
#define REDIR_LEVEL		BIT_ULL(15)
#define REDIR_MASKED		BIT_ULL(16)
#define REDIR_DEST(e)		((e) >> 56)
/* What the guest may write: all but the read-only status bits 12 and 14. */
#define REDIR_WRITABLE		(~(BIT_ULL(12) | REDIR_REMOTE_IRR))

/* Called with the lock held: send the pin's vector if it should go now. */
static void tv_ioapic_deliver(struct tv_vm *vm, struct tv_ioapic *io, int pin)
{
	u64 e = io->redir[pin];
	int i;

	if (e & REDIR_MASKED)
		return;
	if (e & REDIR_LEVEL) {
		if (!(io->level & BIT(pin)) || (e & REDIR_REMOTE_IRR))
			return;
		io->redir[pin] |= REDIR_REMOTE_IRR;
	}
	/*
	 * Fixed goes to every APIC the destination names; lowest priority to
	 * the first of them (all vCPUs are equal here).
	 */
	if (REDIR_DM(e) > REDIR_DM_LOWEST)
		return;
	for (i = 0; i < TV_MAX_VCPUS; i++) {
		struct tv_vcpu *t = tv_vm_vcpu(vm, i);

		if (!t || !tv_lapic_accepts(t, REDIR_DEST(e), e & REDIR_LOGICAL, false))
			continue;
		if (e & REDIR_LEVEL)
			set_bit(REDIR_VECTOR(e), t->lapic.tmr);
		tv_lapic_raise(t, REDIR_VECTOR(e));
		if (REDIR_DM(e) == REDIR_DM_LOWEST)
			return;
	}
}

/* Drive pin gsi's input line; the lock held (irqfd.c takes it too). */
void tv_ioapic_line_locked(struct tv_vm *vm, u32 gsi, bool level)
{
	struct tv_ioapic *io = &vm->ioapic;
	bool was = io->level & BIT(gsi);

	lockdep_assert_held(&io->lock);
	if (level)
		io->level |= BIT(gsi);
	else
		io->level &= ~BIT(gsi);
	/* An edge pin fires on the rising edge; a level pin while high. */
	if (level && (!was || (io->redir[gsi] & REDIR_LEVEL)))
		tv_ioapic_deliver(vm, io, gsi);
}

/*
 * An irqfd drives pin gsi from now on, and TV_IRQ_LINE may not.  The
 * count changes under vm->lock (irqfd.c) and is read under the IOAPIC's.
 */
void tv_ioapic_claim(struct tv_vm *vm, u32 gsi)
{
	unsigned long flags;

	spin_lock_irqsave(&vm->ioapic.lock, flags);
	vm->ioapic.irqfds[gsi]++;
	spin_unlock_irqrestore(&vm->ioapic.lock, flags);
}

void tv_ioapic_unclaim(struct tv_vm *vm, u32 gsi)
{
	unsigned long flags;

	spin_lock_irqsave(&vm->ioapic.lock, flags);
	vm->ioapic.irqfds[gsi]--;
	spin_unlock_irqrestore(&vm->ioapic.lock, flags);
}

bool tv_ioapic_claimed(struct tv_vm *vm, u32 gsi)
{
	return READ_ONCE(vm->ioapic.irqfds[gsi]);
}

int tv_ioapic_set_line(struct tv_vm *vm, struct tv_irq_line __user *argp)
{
	struct tv_ioapic *io = &vm->ioapic;
	struct tv_irq_line l;
	unsigned long flags;
	int r = 0;

	if (copy_from_user(&l, argp, sizeof(l)))
		return -EFAULT;
	if (l.gsi >= TV_IOAPIC_PINS || l.level > 1 || l.reserved[0] ||
	    l.reserved[1])
		return -EINVAL;

	spin_lock_irqsave(&io->lock, flags);
	if (io->irqfds[l.gsi])
		r = -EBUSY;	/* the irqfd's line, not userspace's */
	else
		tv_ioapic_line_locked(vm, l.gsi, l.level);
	spin_unlock_irqrestore(&io->lock, flags);
	return r;
}

/* The guest's EOI of a level-triggered vector: its pins may fire again. */
void tv_ioapic_eoi(struct tv_vm *vm, u8 vector)
{
	struct tv_ioapic *io = &vm->ioapic;
	unsigned long flags;
	int pin;

	spin_lock_irqsave(&io->lock, flags);
	for (pin = 0; pin < TV_IOAPIC_PINS; pin++) {
		u64 e = io->redir[pin];

		if ((e & REDIR_LEVEL) && REDIR_VECTOR(e) == vector &&
		    (e & REDIR_REMOTE_IRR)) {
			io->redir[pin] &= ~REDIR_REMOTE_IRR;
			tv_ioapic_deliver(vm, io, pin);
		}
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

static u32 tv_ioapic_read_reg(struct tv_ioapic *io, u32 reg)
{
	u32 pin = (reg - IOAPIC_REG_REDIR) / 2;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return io->id << 24;
	case IOAPIC_REG_VERSION:
		return IOAPIC_VERSION_VALUE;
	default:
		if (reg < IOAPIC_REG_REDIR || pin >= TV_IOAPIC_PINS)
			return 0;
		return (reg & 1) ? io->redir[pin] >> 32 : (u32)io->redir[pin];
	}
}

static void tv_ioapic_write_reg(struct tv_vm *vm, struct tv_ioapic *io,
				u32 reg, u32 val)
{
	u32 pin = (reg - IOAPIC_REG_REDIR) / 2;
	u64 e;

	if (reg == IOAPIC_REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (reg < IOAPIC_REG_REDIR || pin >= TV_IOAPIC_PINS)
		return;
	e = io->redir[pin];
	if (reg & 1)
		e = (e & 0xffffffffULL) | ((u64)val << 32);
	else
		e = (e & ~0xffffffffULL) | val;
	io->redir[pin] = (e & REDIR_WRITABLE) | (io->redir[pin] & REDIR_REMOTE_IRR);
	/* A level pin unmasked while high fires now. */
	tv_ioapic_deliver(vm, io, pin);
}

/*
 * An MMIO access inside the IOAPIC's page, decoded by io.c: true if it was
 * the IOAPIC's (then *val holds what a read returns).
 */
bool tv_ioapic_mmio(struct tv_vm *vm, u64 gpa, bool write, u32 len, u64 *val)
{
	struct tv_ioapic *io = &vm->ioapic;
	u64 off = gpa - TV_IOAPIC_BASE;
	unsigned long flags;

	if (gpa < TV_IOAPIC_BASE || off >= TV_IOAPIC_SIZE)
		return false;
	spin_lock_irqsave(&io->lock, flags);
	if (off == IOAPIC_REGSEL) {
		if (write)
			io->regsel = *val & 0xff;
		else
			*val = io->regsel;
	} else if (off == IOAPIC_WINDOW) {
		if (write)
			tv_ioapic_write_reg(vm, io, io->regsel, *val);
		else
			*val = tv_ioapic_read_reg(io, io->regsel);
	} else if (!write) {
		*val = 0;
	}
	spin_unlock_irqrestore(&io->lock, flags);
	return true;
}

void tv_ioapic_init(struct tv_vm *vm)
{
	struct tv_ioapic *io = &vm->ioapic;
	int pin;

	spin_lock_init(&io->lock);
	for (pin = 0; pin < TV_IOAPIC_PINS; pin++)
		io->redir[pin] = REDIR_MASKED;
}
