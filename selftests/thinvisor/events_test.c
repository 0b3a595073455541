// SPDX-License-Identifier: GPL-2.0
/*
 * Events: what SET_EVENTS refuses beyond reserved fields, NMIs and
 * interrupts it injects, and NMIs sent as IPIs (to the sender, and to a
 * vCPU halted with interrupts off).
 */
#include <pthread.h>

#include "tv_test.h"

#define X2APIC_EOI		0x80b
#define X2APIC_SVR		0x80f
#define X2APIC_ICR		0x830
#define NMI_VECTOR		2
#define INJECTED_VECTOR		0x40
#define DM_NMI			(4 << 8)

FIXTURE(events) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(events)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(events)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_done(void)
{
	GUEST_DONE();
}

/* Refused, and the vCPU's events are as they were. */
#define EXPECT_EVENTS_EINVAL(vcpu, ev, before) do {			\
	struct tv_events __now;						\
	EXPECT_IOCTL_ERR((vcpu)->fd, TV_SET_EVENTS, (ev), EINVAL);	\
	ASSERT_EQ(0, ioctl((vcpu)->fd, TV_GET_EVENTS, &__now));		\
	EXPECT_EQ(0, memcmp(&__now, (before), sizeof(__now)))		\
		TH_LOG("a refused SET_EVENTS changed the events");	\
} while (0)

/* api.rst: every field SET_EVENTS checks, one bad value at a time. */
TEST_F(events, set_events_bad_values_einval)
{
	struct tv_events before = {}, ev;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	before.nmi_pending = 1;		/* something to keep */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &before));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &before));

	ev = (struct tv_events){ .exception = { .vector = 32, .flags = TV_EVENT_VALID } };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .exception = { .vector = 255, .flags = TV_EVENT_VALID } };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .interrupt = { .vector = 0x40,
			.flags = TV_EVENT_VALID | TV_EVENT_HAS_ERROR } };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .exception = { .vector = 6, .flags = TV_EVENT_VALID | 0x4 } };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .interrupt = { .vector = 0x40, .flags = 0x80000000U } };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .nmi_pending = 2 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .interrupt_shadow = 2 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .wait_for_sipi = 2 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .pad[4] = 1 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .exception.pad[2] = 1 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .interrupt.pad[0] = 1 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
	ev = (struct tv_events){ .interrupt.reserved = 1 };
	EXPECT_EVENTS_EINVAL(self->vcpu, &ev, &before);
}

static volatile uint64_t nmis, irqs, last_vector, nmi_rip, irq_rip;

static void on_nmi(struct tv_ex_frame *f)
{
	nmis++;
	nmi_rip = f->rip;
}

static void on_irq(struct tv_ex_frame *f)
{
	irqs++;
	last_vector = f->vector;
	irq_rip = f->rip;
}

/*
 * An NMI set pending with SET_EVENTS is delivered at the next entry, with
 * interrupts off, before the guest's next instruction.
 */
static void guest_takes_nmi(void)
{
	tv_guest_handlers[NMI_VECTOR] = on_nmi;
	asm volatile("cli" : : : "memory");
	GUEST_SYNC_ARGS(1, nmis, 0, 0, 0);
	GUEST_SYNC_ARGS(2, nmis, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(events, nmi_set_pending_reaches_guest)
{
	struct tv_events ev;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_takes_nmi, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[1]);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	ev.nmi_pending = 1;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("the NMI handler ran %lu times",
					(unsigned long)uc.args[1]);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(0, ev.nmi_pending) TH_LOG("the NMI stayed pending after its delivery");
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * An interrupt set with SET_EVENTS waits for the guest's IF: nothing while
 * interrupts are off, its vector through the IDT once they are on.
 */
static void guest_takes_irq(void)
{
	tv_guest_handlers[INJECTED_VECTOR] = on_irq;
	asm volatile("cli" : : : "memory");
	GUEST_SYNC_ARGS(1, irqs, 0, 0, 0);
	GUEST_SYNC_ARGS(2, irqs, 0, 0, 0);
	asm volatile("sti; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(3, irqs, last_vector, 0, 0);
	GUEST_DONE();
}

TEST_F(events, interrupt_set_waits_for_if)
{
	struct tv_events ev;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_takes_irq, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	ev.interrupt.vector = INJECTED_VECTOR;
	ev.interrupt.flags = TV_EVENT_VALID;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(0, uc.args[1]) TH_LOG("an interrupt got in with IF clear");
	/* Still pending across the exit. */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(TV_EVENT_VALID, ev.interrupt.flags & TV_EVENT_VALID);
	EXPECT_EQ(INJECTED_VECTOR, ev.interrupt.vector);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(INJECTED_VECTOR, uc.args[2]);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(0, ev.interrupt.flags & TV_EVENT_VALID);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * STI; HLT with an interrupt already due: the STI shadow keeps it out
 * until HLT has run, and it then wakes the HLT (SDM 6.8.3; Linux's
 * safe_halt()).  Taken at the HLT instead, it would return to the HLT and
 * the vCPU would sleep with nothing left to wake it.  The guest stops on
 * a ucall (a one-byte OUT) right before its HLT; the test makes that
 * OUT an STI (TV_SET_EVENTS: the shadow, and the interrupt due) and runs
 * it again.  QEMU's TCG loses the shadow a VMRUN loads and takes the
 * interrupt window at the HLT at once: the module must not inject there.
 */
extern const char shadow_hlt[], shadow_after_hlt[];

static void guest_sti_hlt(void)
{
	tv_guest_handlers[INJECTED_VECTOR] = on_irq;
	asm volatile("sti\n\t"
		     "mov $" TV_STR(TV_UCALL_SYNC) ", %%eax\n\t"
		     "mov $1, %%ebx\n\t"
		     "outb %%al, $" TV_STR(TV_UCALL_PORT) "\n"
		     "shadow_hlt:\n\t"
		     "hlt\n"
		     "shadow_after_hlt:\n\t"
		     "cli"
		     : : : "rax", "rbx", "memory");
	GUEST_SYNC_ARGS(2, irqs, irq_rip, 0, 0);
	GUEST_DONE();
}

TEST_F(events, interrupt_in_sti_shadow_wakes_the_hlt)
{
	struct tv_events ev;
	struct tv_regs regs;
	struct tv_ucall uc;
	bool alarm_came;

	self->vm = tv_vm_create_with_vcpu(guest_sti_hlt, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	tv_get_regs(self->vcpu, &regs);
	ASSERT_EQ((uintptr_t)shadow_hlt, regs.rip);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	ev.interrupt.vector = INJECTED_VECTOR;
	ev.interrupt.flags = TV_EVENT_VALID;
	ev.interrupt_shadow = 1;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(1, ev.interrupt_shadow);
	ASSERT_EQ(0, __tv_vcpu_run_bounded(self->vcpu, 10, &alarm_came))
		TH_LOG("the HLT never woke: the interrupt went in at it (%s)",
		       alarm_came ? "RUN stopped by the test after 10 s" : strerror(errno));
	ASSERT_EQ(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc)) TH_LOG("%s", tv_exit_str(self->vcpu));
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ((uintptr_t)shadow_after_hlt, uc.args[2]) TH_LOG("taken at 0x%llx, the HLT at %p",
		(unsigned long long)uc.args[2], shadow_hlt);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * An interrupt whose delivery an exit cut short goes in again, once.  The
 * guest moves its IDT to a page with no slot (in the hole below 1 MiB):
 * delivering the injected interrupt reads the gate there and faults in
 * the NPT/EPT.  That access is the CPU's, not the instruction at RIP's:
 * RUN must stop with TV_INTERNAL_DELIVERY at the gate's address, RIP
 * unmoved and the interrupt still queued (TV_GET_EVENTS); once the test
 * has put the IDT there, the next RUN delivers it once, then runs the
 * instruction it came before (a load the module must not take for MMIO).
 */
#define IDT_HOLE_GPA		0xe0000

static volatile uint32_t moved_from = 0x1234, moved_to;

static void guest_idt_in_hole(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { 256 * 16 - 1, IDT_HOLE_GPA };
	uint32_t v;

	tv_guest_handlers[INJECTED_VECTOR] = on_irq;
	asm volatile("cli; lidt %0" : : "m"(idtr) : "memory");
	GUEST_SYNC(1);
	/* The interrupt window opens after the NOP, before the load. */
	asm volatile("sti; nop; movl (%1), %0; movl %0, (%2); cli"
		     : "=&r"(v) : "r"(&moved_from), "r"(&moved_to) : "memory");
	GUEST_SYNC_ARGS(2, irqs, last_vector, moved_to, 0);
	GUEST_DONE();
}

TEST_F(events, interrupt_cut_short_by_exit_goes_in_once)
{
	struct tv_run *run;
	struct tv_events ev;
	struct tv_ucall uc;
	void *idt;

	self->vm = tv_vm_create_with_vcpu(guest_idt_in_hole, &self->vcpu);
	run = self->vcpu->run;
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	ev.interrupt.vector = INJECTED_VECTOR;
	ev.interrupt.flags = TV_EVENT_VALID;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev));

	ASSERT_EQ(0, __tv_vcpu_run(self->vcpu)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(TV_EXIT_INTERNAL_ERROR, run->exit_reason) TH_LOG("%s", tv_exit_str(self->vcpu));
	EXPECT_EQ(TV_INTERNAL_DELIVERY, run->internal.suberror);
	EXPECT_EQ(IDT_HOLE_GPA + INJECTED_VECTOR * 16, run->internal.gpa & ~15ULL)
		TH_LOG("gpa 0x%llx", (unsigned long long)run->internal.gpa);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(TV_EVENT_VALID, ev.interrupt.flags & TV_EVENT_VALID)
		TH_LOG("the interrupt cut short is not queued again");
	EXPECT_EQ(INJECTED_VECTOR, ev.interrupt.vector);

	/* The IDT, at last, where the guest put it: a copy of its own. */
	idt = tv_vm_add_ram(self->vm, TV_SLOT_FIRST_FREE, IDT_HOLE_GPA, 4096, 0);
	memcpy(idt, tv_gpa2hva(self->vm, TV_IDT_GPA), 4096);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("the handler ran %lu times", (unsigned long)uc.args[1]);
	EXPECT_EQ(INJECTED_VECTOR, uc.args[2]);
	EXPECT_EQ(0x1234, uc.args[3]) TH_LOG("the load after the interrupt did not run once");
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(0, ev.interrupt.flags & TV_EVENT_VALID) TH_LOG("still queued after delivery");
	TV_RUN_DONE(self->vcpu, &uc);
}

/* An NMI IPI to the sender's own x2APIC ID arrives even with IF clear. */
static void guest_nmi_self(void)
{
	tv_guest_handlers[NMI_VECTOR] = on_nmi;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
	asm volatile("cli" : : : "memory");
	tv_wrmsr(X2APIC_ICR, ((uint64_t)0 << 32) | DM_NMI);
	asm volatile("nop; nop" : : : "memory");
	GUEST_SYNC_ARGS(1, nmis, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(events, nmi_ipi_to_self)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_nmi_self, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("NMIs seen: %lu", (unsigned long)uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * vCPU 1 halts with interrupts off: only an NMI (or INIT) wakes it.
 * vCPU 0 sends it an NMI IPI; its handler runs and it goes on past HLT.
 */
static void guest_nmi_pair(uint64_t me)
{
	tv_guest_handlers[NMI_VECTOR] = on_nmi;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
	if (me == 1) {
		GUEST_SYNC(1);
		asm volatile("cli; hlt" : : : "memory");
		GUEST_SYNC_ARGS(2, nmis, 0, 0, 0);
	} else {
		tv_wrmsr(X2APIC_ICR, ((uint64_t)1 << 32) | DM_NMI);
		GUEST_SYNC(3);
	}
	GUEST_DONE();
}

TEST_F(events, nmi_ipi_wakes_vcpu_halted_with_if_clear)
{
	struct tv_runner r;

	tv_wake_halted_vcpu1(_metadata, &self->vm, &self->vcpu, guest_nmi_pair, &r);
	EXPECT_EQ(1, r.uc.args[1]) TH_LOG("NMIs seen by vCPU 1");
}

TEST_HARNESS_MAIN
