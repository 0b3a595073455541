// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel IOAPIC: its registers through MMIO at 0xfec00000, edge and
 * level pins driven by TV_IRQ_LINE reaching the guest through its x2APIC,
 * Remote IRR and EOI for level pins, and TV_IRQ_LINE's bad inputs.
 */
#include "tv_test.h"

#define IOAPIC_BASE	0xfec00000UL
#define X2APIC_EOI	0x80b
#define X2APIC_SVR	0x80f
#define X2APIC_TMR0	0x818
#define EDGE_PIN	4
#define EDGE_VECTOR	0x34
#define LEVEL_PIN	10
#define LEVEL_VECTOR	0x3a
#define REDIR_LEVEL	(1U << 15)
#define REDIR_MASKED	(1U << 16)

FIXTURE(ioapic) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(ioapic)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(ioapic)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + 0x10) = val;
}

static uint32_t ioapic_read(uint32_t reg)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	return *(volatile uint32_t *)(IOAPIC_BASE + 0x10);
}

static void set_line(struct __test_metadata *_metadata, struct tv_vm *vm,
		     uint32_t gsi, uint32_t level)
{
	struct tv_irq_line l = { .gsi = gsi, .level = level };

	ASSERT_EQ(0, ioctl(vm->fd, TV_IRQ_LINE, &l)) TH_LOG("%s", strerror(errno));
}

static volatile uint64_t ticks, last_vector, tmr_seen;

static void count_irq(struct tv_ex_frame *f)
{
	ticks++;
	last_vector = f->vector;
	tmr_seen = tv_rdmsr(X2APIC_TMR0 + f->vector / 32) & (1U << (f->vector % 32));
	if (f->vector == LEVEL_VECTOR && ticks == 3)
		ioapic_write(0x10 + 2 * LEVEL_PIN, LEVEL_VECTOR | REDIR_LEVEL | REDIR_MASKED);
	tv_wrmsr(X2APIC_EOI, 0);
}

static void take_interrupts(void)
{
	asm volatile("sti; nop; nop; cli" : : : "memory");
}

static void guest_registers(void)
{
	uint32_t id, version, low;

	id = ioapic_read(0);
	version = ioapic_read(1);
	ioapic_write(0x10 + 2 * EDGE_PIN, 0x12345);
	low = ioapic_read(0x10 + 2 * EDGE_PIN);
	GUEST_SYNC_ARGS(1, id, version, low, ioapic_read(0x11 + 2 * EDGE_PIN));
	GUEST_DONE();
}

TEST_F(ioapic, registers_through_mmio)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_registers, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ((23 << 16) | 0x20, uc.args[2]);
	/* Writable bits kept, delivery status and Remote IRR read-only. */
	EXPECT_EQ(0x12345 & ~((1U << 12) | (1U << 14)), uc.args[3]);
	EXPECT_EQ(0, uc.args[4]);
	TV_RUN_DONE(self->vcpu, &uc);
	EXPECT_EQ(24, ioctl(self->dev, TV_CHECK_CAP, TV_CAP_IOAPIC_PINS));
}

static void guest_edge(void)
{
	tv_guest_handlers[EDGE_VECTOR] = count_irq;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
	ioapic_write(0x11 + 2 * EDGE_PIN, 0);	/* to APIC ID 0 */
	ioapic_write(0x10 + 2 * EDGE_PIN, EDGE_VECTOR);
	GUEST_SYNC(1);			/* the host raises the line */
	take_interrupts();
	GUEST_SYNC_ARGS(2, ticks, last_vector, tmr_seen, 0);
	take_interrupts();
	GUEST_SYNC_ARGS(3, ticks, 0, 0, 0);
	take_interrupts();
	GUEST_SYNC_ARGS(4, ticks, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(ioapic, edge_pin_fires_on_rising_edge)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_edge, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	set_line(_metadata, self->vm, EDGE_PIN, 1);
	set_line(_metadata, self->vm, EDGE_PIN, 0);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(EDGE_VECTOR, uc.args[2]);
	EXPECT_EQ(0, uc.args[3]) TH_LOG("an edge vector is not in TMR");
	/* High twice is one edge. */
	set_line(_metadata, self->vm, EDGE_PIN, 1);
	set_line(_metadata, self->vm, EDGE_PIN, 1);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(2, uc.args[1]);
	set_line(_metadata, self->vm, EDGE_PIN, 0);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	EXPECT_EQ(2, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_level(void)
{
	tv_guest_handlers[LEVEL_VECTOR] = count_irq;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
	ioapic_write(0x11 + 2 * LEVEL_PIN, 0);
	ioapic_write(0x10 + 2 * LEVEL_PIN, LEVEL_VECTOR | REDIR_LEVEL);
	GUEST_SYNC(1);			/* the host raises the line and keeps it */
	/* Each EOI re-sends it while the line is high; the third masks it. */
	while (ticks < 3)
		take_interrupts();
	take_interrupts();
	GUEST_SYNC_ARGS(2, ticks, tmr_seen, ioapic_read(0x10 + 2 * LEVEL_PIN), 0);
	/* Lowered and unmasked: quiet. */
	ioapic_write(0x10 + 2 * LEVEL_PIN, LEVEL_VECTOR | REDIR_LEVEL);
	take_interrupts();
	GUEST_SYNC_ARGS(3, ticks, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(ioapic, level_pin_refires_after_eoi_while_high)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_level, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	set_line(_metadata, self->vm, LEVEL_PIN, 1);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(3, uc.args[1]);
	EXPECT_NE(0, uc.args[2]) TH_LOG("a level vector is in TMR");
	EXPECT_NE(0, uc.args[3] & REDIR_MASKED);
	set_line(_metadata, self->vm, LEVEL_PIN, 0);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(3, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(ioapic, irq_line_bad_inputs)
{
	struct tv_irq_line l = { .gsi = 24, .level = 1 };
	struct tv_vcpu *v;

	self->vm = tv_vm_create();
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQ_LINE, &l, EINVAL);
	l.gsi = 0;
	l.level = 2;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQ_LINE, &l, EINVAL);
	l.level = 1;
	l.reserved[1] = 1;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQ_LINE, &l, EINVAL);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQ_LINE, NULL, EFAULT);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQ_LINE, (void *)1, EFAULT);
	EXPECT_IOCTL_ERR(self->dev, TV_IRQ_LINE, &l, ENOTTY);
	v = tv_vcpu_add(self->vm, 0);
	EXPECT_IOCTL_ERR(v->fd, TV_IRQ_LINE, &l, ENOTTY);
	/* A good one with no vCPU to deliver to is fine. */
	l.reserved[1] = 0;
	EXPECT_EQ(0, ioctl(self->vm->fd, TV_IRQ_LINE, &l));
}

TEST_HARNESS_MAIN
