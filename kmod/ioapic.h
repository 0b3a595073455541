/* SPDX-License-Identifier: GPL-2.0 */
/* The VM's IOAPIC, in software: ioapic.c. */
#ifndef THINVISOR_IOAPIC_H
#define THINVISOR_IOAPIC_H

#include <linux/spinlock.h>
#include <linux/types.h>

#define TV_IOAPIC_BASE	0xfec00000ULL
#define TV_IOAPIC_SIZE	0x1000
#define TV_IOAPIC_PINS	24

struct tv_vm;
struct tv_irq_line;

struct tv_ioapic {
	spinlock_t lock;	/* TV_IRQ_LINE, EOIs and MMIO from any vCPU */
	u64 redir[TV_IOAPIC_PINS];
	u32 level;		/* the pins' input lines, a bit each */
	u32 regsel;
	u8 id;
	u8 irqfds[TV_IOAPIC_PINS];	/* irqfds driving each pin (irqfd.c) */
};

void tv_ioapic_init(struct tv_vm *vm);
int tv_ioapic_set_line(struct tv_vm *vm, struct tv_irq_line __user *argp);
void tv_ioapic_line_locked(struct tv_vm *vm, u32 gsi, bool level);
void tv_ioapic_claim(struct tv_vm *vm, u32 gsi);
void tv_ioapic_unclaim(struct tv_vm *vm, u32 gsi);
bool tv_ioapic_claimed(struct tv_vm *vm, u32 gsi);
void tv_ioapic_eoi(struct tv_vm *vm, u8 vector);
bool tv_ioapic_mmio(struct tv_vm *vm, u64 gpa, bool write, u32 len, u64 *val);

#endif
