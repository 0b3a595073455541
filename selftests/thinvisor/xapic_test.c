// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC in xAPIC mode: the IA32_APIC_BASE transitions the SDM
 * allows and refuses, the MMIO page at 0xfee00000 (timer, EOI, odd
 * accesses), logical flat IPIs between vCPUs and IOAPIC pins sent to a
 * logical destination.  This is the mode a stock Linux guest runs in.
 */
#include <pthread.h>

#include "tv_test.h"

#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define BASE_EN			(1ULL << 11)
#define BASE_EXTD		(1ULL << 10)
#define BASE_BSP		(1ULL << 8)
#define APIC_PAGE		0xfee00000UL
#define IOAPIC_BASE		0xfec00000UL

/* xAPIC register offsets */
#define APIC_ID			0x20
#define APIC_VERSION		0x30
#define APIC_TPR		0x80
#define APIC_EOI		0xb0
#define APIC_LDR		0xd0
#define APIC_DFR		0xe0
#define APIC_SVR		0xf0
#define APIC_ISR0		0x100
#define APIC_IRR0		0x200
#define APIC_ICR		0x300
#define APIC_ICR2		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_SELF_IPI		0x3f0	/* x2APIC only: reserved in xAPIC mode */

#define TIMER_VECTOR		0xec
#define IPI_VECTOR		0xf2
#define PIN_VECTOR		0x61
#define PIN			5
#define TIMER_TSC_DEADLINE	(2 << 17)
#define ICR_LOGICAL		(1 << 11)

FIXTURE(xapic) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(xapic)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(xapic)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static uint32_t apic_read(uint32_t off)
{
	return *(volatile uint32_t *)(APIC_PAGE + off);
}

static void apic_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(APIC_PAGE + off) = val;
}

static volatile uint64_t ticks, last_vector, isr_seen;

static void count_irq(struct tv_ex_frame *f)
{
	ticks++;
	last_vector = f->vector;
	isr_seen = apic_read(APIC_ISR0 + (f->vector / 32) * 0x10) & (1U << (f->vector % 32));
	apic_write(APIC_EOI, 0);
}

/* From reset (x2APIC) to xAPIC mode the way Linux does it: through disabled. */
static void to_xapic(void)
{
	uint64_t base = tv_rdmsr(MSR_IA32_APICBASE);

	tv_wrmsr(MSR_IA32_APICBASE, base & ~(BASE_EN | BASE_EXTD));
	tv_wrmsr(MSR_IA32_APICBASE, (base & ~BASE_EXTD) | BASE_EN);
	tv_guest_handlers[TIMER_VECTOR] = count_irq;
	tv_guest_handlers[IPI_VECTOR] = count_irq;
	tv_guest_handlers[PIN_VECTOR] = count_irq;
	apic_write(APIC_SVR, 0x1ff);
}

static void wait_ticks(uint64_t n)
{
	while (ticks < n)
		asm volatile("sti; hlt; cli" : : : "memory");
}

static void guest_modes(void)
{
	uint64_t base = tv_rdmsr(MSR_IA32_APICBASE), v;
	uint8_t x2_to_x = tv_wrmsr_safe(MSR_IA32_APICBASE, base & ~BASE_EXTD);
	uint8_t extd_only = tv_wrmsr_safe(MSR_IA32_APICBASE, (base & ~BASE_EN) | BASE_EXTD);
	uint8_t moved = tv_wrmsr_safe(MSR_IA32_APICBASE, (base & 0xfff) | 0xfed00000);
	uint8_t off_to_x2, off_msr;

	GUEST_SYNC_ARGS(1, base, x2_to_x, extd_only, moved);
	tv_wrmsr(MSR_IA32_APICBASE, base & ~(BASE_EN | BASE_EXTD));
	off_msr = tv_rdmsr_safe(0x802, &v);
	off_to_x2 = tv_wrmsr_safe(MSR_IA32_APICBASE, base);
	GUEST_SYNC_ARGS(2, tv_rdmsr(MSR_IA32_APICBASE), off_msr, off_to_x2, 0);
	tv_wrmsr(MSR_IA32_APICBASE, (base & ~BASE_EXTD) | BASE_EN);
	GUEST_SYNC_ARGS(3, apic_read(APIC_ID), apic_read(APIC_VERSION) & 0xff,
			tv_rdmsr_safe(0x803, &v), tv_rdmsr(MSR_IA32_APICBASE));
	/* xAPIC to x2APIC is allowed directly. */
	tv_wrmsr(MSR_IA32_APICBASE, base);
	GUEST_SYNC_ARGS(4, tv_rdmsr(0x802), tv_rdmsr(MSR_IA32_APICBASE), 0, 0);
	GUEST_DONE();
}

TEST_F(xapic, base_msr_transitions)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_modes, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(APIC_PAGE | BASE_EN | BASE_EXTD | BASE_BSP, uc.args[1]);
	EXPECT_EQ(13, uc.args[2]) TH_LOG("x2APIC straight to xAPIC must #GP");
	EXPECT_EQ(13, uc.args[3]) TH_LOG("EXTD without EN must #GP");
	EXPECT_EQ(13, uc.args[4]) TH_LOG("moving the APIC page must #GP");
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(APIC_PAGE | BASE_BSP, uc.args[1]);
	EXPECT_EQ(13, uc.args[2]) TH_LOG("x2APIC MSRs of a disabled APIC must #GP");
	EXPECT_EQ(13, uc.args[3]) TH_LOG("disabled straight to x2APIC must #GP");
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(0, uc.args[1]) TH_LOG("xAPIC ID of vCPU 0");
	EXPECT_EQ(0x14, uc.args[2]);
	EXPECT_EQ(13, uc.args[3]) TH_LOG("x2APIC MSRs in xAPIC mode must #GP");
	EXPECT_EQ(APIC_PAGE | BASE_EN | BASE_BSP, uc.args[4]);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ(APIC_PAGE | BASE_EN | BASE_EXTD | BASE_BSP, uc.args[2]);
	TV_RUN_DONE(self->vcpu, &uc);
}

static inline uint64_t tv_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((uint64_t)hi << 32);
}

static void guest_timer(void)
{
	to_xapic();
	apic_write(APIC_LVT_TIMER, TIMER_VECTOR | TIMER_TSC_DEADLINE);
	tv_wrmsr(MSR_IA32_TSC_DEADLINE, tv_rdtsc() + 1000000);
	wait_ticks(1);
	GUEST_SYNC_ARGS(1, ticks, last_vector, isr_seen,
			apic_read(APIC_ISR0 + (TIMER_VECTOR / 32) * 0x10));
	GUEST_DONE();
}

TEST_F(xapic, timer_and_eoi_through_the_page)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_timer, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(TIMER_VECTOR, uc.args[2]);
	EXPECT_NE(0, uc.args[3]) TH_LOG("ISR did not show the vector in its handler");
	EXPECT_EQ(0, uc.args[4]) TH_LOG("the EOI through the page did not end it");
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_odd(void)
{
	uint64_t wide;
	uint8_t byte;

	to_xapic();
	wide = *(volatile uint64_t *)(APIC_PAGE + APIC_VERSION);
	byte = *(volatile uint8_t *)(APIC_PAGE + APIC_VERSION);
	/* SELF_IPI is not a register in xAPIC mode: nothing becomes pending. */
	apic_write(APIC_SELF_IPI, IPI_VECTOR);
	apic_write(APIC_ID, 0x5000000);
	GUEST_SYNC_ARGS(1, wide, byte, apic_read(APIC_IRR0 + (IPI_VECTOR / 32) * 0x10),
			apic_read(APIC_ID));
	/* A self IPI through the ICR shorthand does arrive. */
	apic_write(APIC_ICR, (1 << 18) | IPI_VECTOR);
	asm volatile("sti; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(2, ticks, last_vector, apic_read(APIC_ICR), 0);
	GUEST_DONE();
}

TEST_F(xapic, odd_accesses_and_reserved_registers)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_odd, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[1]) TH_LOG("an 8-byte access reads as zero");
	EXPECT_EQ(0, uc.args[2]) TH_LOG("a 1-byte access reads as zero");
	EXPECT_EQ(0, uc.args[3]) TH_LOG("a write to the reserved 0x3f0 raised a vector");
	EXPECT_EQ(0, uc.args[4]) TH_LOG("the ID register is read-only");
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(IPI_VECTOR, uc.args[2]);
	EXPECT_EQ((1 << 18) | IPI_VECTOR, uc.args[3]) TH_LOG("ICR reads back, never busy");
	TV_RUN_DONE(self->vcpu, &uc);
}

/* In x2APIC mode the page is not the APIC's: the access goes to userspace. */
static void guest_page_in_x2apic_mode(void)
{
	GUEST_SYNC_ARGS(1, apic_read(APIC_VERSION), 0, 0, 0);
	GUEST_DONE();
}

TEST_F(xapic, page_is_plain_mmio_in_x2apic_mode)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_page_in_x2apic_mode, &self->vcpu);
	tv_vcpu_run(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(APIC_PAGE + APIC_VERSION, self->vcpu->run->mmio.phys_addr);
	EXPECT_EQ(0, self->vcpu->run->mmio.is_write);
	memcpy(self->vcpu->run->mmio.data, "\x78\x56\x34\x12", 4);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0x12345678, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * Flat logical mode as Linux sets it up with up to 8 CPUs: each vCPU's LDR
 * holds one bit; vCPU 0 sends to mask 0x04 (nobody), then to 0x02.
 */
static void guest_logical(uint64_t me)
{
	to_xapic();
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 1U << (24 + me));
	if (me == 1) {
		GUEST_SYNC(1);		/* ready */
		wait_ticks(1);
		GUEST_SYNC_ARGS(2, ticks, last_vector, apic_read(APIC_LDR), apic_read(APIC_DFR));
	} else {
		apic_write(APIC_ICR2, 0x04 << 24);
		apic_write(APIC_ICR, ICR_LOGICAL | IPI_VECTOR);
		apic_write(APIC_ICR2, 0x02 << 24);
		apic_write(APIC_ICR, ICR_LOGICAL | IPI_VECTOR);
		GUEST_SYNC(3);
	}
	GUEST_DONE();
}

TEST_F(xapic, logical_flat_ipi_wakes_other_vcpu)
{
	struct tv_runner r;

	tv_wake_halted_vcpu1(_metadata, &self->vm, &self->vcpu, guest_logical, &r);
	EXPECT_EQ(1, r.uc.args[1]) TH_LOG("mask 0x04 reached vCPU 1, or 0x02 did not");
	EXPECT_EQ(IPI_VECTOR, r.uc.args[2]);
	EXPECT_EQ(0x02000000, r.uc.args[3]);
	EXPECT_EQ(0xffffffff, r.uc.args[4]);
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + 0x10) = val;
}

/* An IOAPIC pin routed to logical destination 0x01, as Linux's flat mode does. */
static void guest_pin(void)
{
	to_xapic();
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 0x01000000);
	ioapic_write(0x11 + 2 * PIN, 0x01000000);
	ioapic_write(0x10 + 2 * PIN, ICR_LOGICAL | PIN_VECTOR);
	GUEST_SYNC(1);
	asm volatile("sti; nop; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(2, ticks, last_vector, 0, 0);
	/* A logical destination that is nobody's: nothing arrives. */
	ioapic_write(0x11 + 2 * PIN, 0x80000000);
	GUEST_SYNC(3);
	asm volatile("sti; nop; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(4, ticks, 0, 0, 0);
	GUEST_DONE();
}

static void pulse(struct __test_metadata *_metadata, struct tv_vm *vm)
{
	struct tv_irq_line l = { .gsi = PIN, .level = 1 };

	ASSERT_EQ(0, ioctl(vm->fd, TV_IRQ_LINE, &l)) TH_LOG("%s", strerror(errno));
	l.level = 0;
	ASSERT_EQ(0, ioctl(vm->fd, TV_IRQ_LINE, &l)) TH_LOG("%s", strerror(errno));
}

TEST_F(xapic, ioapic_pin_to_logical_destination)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_pin, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	pulse(_metadata, self->vm);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(PIN_VECTOR, uc.args[2]);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	pulse(_metadata, self->vm);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("a pin for logical 0x80 reached LDR 0x01");
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * Cluster logical mode (DFR model 0): a destination's high nibble is the
 * cluster, its low nibble a mask within it.  This vCPU is cluster 2,
 * member bit 1 (LDR 0x21).  A pin for 0x23 (members 0 and 1 of cluster
 * 2) reaches it, one for 0x12 (cluster 1) does not; and lowest-priority
 * delivery reaches it like fixed.
 */
#define DM_LOWEST		(1 << 8)

static void guest_cluster(void)
{
	to_xapic();
	apic_write(APIC_DFR, 0x0fffffff);
	apic_write(APIC_LDR, 0x21000000);
	ioapic_write(0x11 + 2 * PIN, 0x23000000);
	ioapic_write(0x10 + 2 * PIN, ICR_LOGICAL | PIN_VECTOR);
	GUEST_SYNC(1);
	asm volatile("sti; nop; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(2, ticks, last_vector, apic_read(APIC_DFR), 0);
	ioapic_write(0x11 + 2 * PIN, 0x12000000);
	GUEST_SYNC(3);
	asm volatile("sti; nop; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(4, ticks, 0, 0, 0);
	ioapic_write(0x11 + 2 * PIN, 0x21000000);
	ioapic_write(0x10 + 2 * PIN, ICR_LOGICAL | DM_LOWEST | PIN_VECTOR);
	GUEST_SYNC(5);
	asm volatile("sti; nop; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(6, ticks, last_vector, 0, 0);
	GUEST_DONE();
}

TEST_F(xapic, ioapic_pin_cluster_and_lowest_priority)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_cluster, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	pulse(_metadata, self->vm);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("cluster 2 mask 0x3 did not reach LDR 0x21");
	EXPECT_EQ(PIN_VECTOR, uc.args[2]);
	EXPECT_EQ(0x0fffffff, uc.args[3]);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	pulse(_metadata, self->vm);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("a pin for cluster 1 reached cluster 2");
	TV_RUN_SYNC(self->vcpu, &uc, 5);
	pulse(_metadata, self->vm);
	TV_RUN_SYNC(self->vcpu, &uc, 6);
	EXPECT_EQ(2, uc.args[1]) TH_LOG("lowest-priority delivery did not arrive");
	EXPECT_EQ(PIN_VECTOR, uc.args[2]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
