// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's local APIC, entirely in software (the emulated CPUs offer no
 * AVIC or APICv).  It comes out of reset in x2APIC mode (the MSRs at
 * 0x800-0x8ff), as firmware that enabled x2APIC would leave it, and the
 * guest may take it to xAPIC mode the architectural way (IA32_APIC_BASE,
 * through the disabled state): then the same registers are the MMIO page
 * at 0xfee00000, with flat or cluster logical destinations.  Linux drops
 * x2APIC on a hypervisor it does not know unless it has interrupt
 * remapping, so a stock kernel runs in xAPIC mode.
 *
 * The timer runs on a host hrtimer in TSC-deadline, one-shot and periodic
 * modes.  A timer or IPI sets a bit in IRR from any context; the vCPU
 * thread moves the highest deliverable vector into vcpu->events before each
 * entry, and into ISR once the backend has injected it.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/nospec.h>
#include <linux/sched.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "thinvisor.h"
#include "lapic.h"

#define X2APIC_MSR_BASE		0x800
#define X2APIC_REG(msr)		((msr) - X2APIC_MSR_BASE)
#define X2APIC_ID			0x02
#define X2APIC_VERSION		0x03
#define X2APIC_TPR		0x08
#define X2APIC_PPR		0x0a
#define X2APIC_EOI		0x0b
#define X2APIC_LDR		0x0d
#define XAPIC_DFR		0x0e	/* xAPIC mode only */
#define X2APIC_SVR		0x0f
#define X2APIC_ISR0		0x10
#define X2APIC_TMR0		0x18
#define X2APIC_IRR0		0x20
#define X2APIC_ESR		0x28
#define X2APIC_ICR		0x30
#define XAPIC_ICR2		0x31	/* xAPIC mode only: the destination */
#define X2APIC_LVT_TIMER		0x32
#define X2APIC_LVT_LAST		0x37
#define X2APIC_TIMER_INIT		0x38
#define X2APIC_TIMER_CUR		0x39
#define X2APIC_TIMER_DIV		0x3e
#define X2APIC_SELF_IPI		0x3f

#define X2APIC_VERSION_VALUE	0x50014	/* version 0x14, 6 LVT entries */
#define X2APIC_LVT_MASKED		BIT(16)
#define X2APIC_TIMER_MODE(lvt)	(((lvt) >> 17) & 3)
#define X2APIC_TIMER_ONESHOT	0
#define X2APIC_TIMER_PERIODIC	1
#define X2APIC_TIMER_TSC_DEADLINE	2
#define X2APIC_SVR_ENABLED	BIT(8)
#define X2APIC_ICR_DM(icr)	(((icr) >> 8) & 7)
#define X2APIC_ICR_LOGICAL	BIT(11)
#define XAPIC_ICR_BUSY		BIT(12)
#define X2APIC_ICR_DM_FIXED	0
#define X2APIC_ICR_DM_NMI		4
#define X2APIC_ICR_DM_INIT	5
#define X2APIC_ICR_DM_SIPI	6
#define X2APIC_ICR_LEVEL_ASSERT	BIT(14)
#define X2APIC_ICR_SHORTHAND(icr)	(((icr) >> 18) & 3)
#define X2APIC_BASE_BSP		BIT_ULL(8)
#define X2APIC_BASE_MODE		(TV_APIC_BASE_EN | TV_APIC_BASE_EXTD)
#define XAPIC_DFR_FLAT		0xf
/*
 * The shortest periodic timer (KVM's min_timer_period_us is 200 too): a
 * shorter one would re-arm in hard-irq context without end, whether or not
 * the LVT is masked and whether or not anybody is in RUN.
 */
#define TV_APIC_MIN_PERIOD_NS	(200 * NSEC_PER_USEC)

static int tv_lapic_top(const unsigned long *bits)
{
	int v = find_last_bit(bits, 256);

	return v == 256 ? -1 : v;
}

/* Processor priority: the higher of TPR and the highest vector in service. */
static u32 tv_lapic_ppr(struct tv_lapic *a)
{
	int isr = tv_lapic_top(a->isr);
	u32 isr_class = isr < 0 ? 0 : isr & 0xf0;

	return max_t(u32, a->tpr & 0xff, isr_class);
}

/* Any vector, from any context: set it pending and wake or kick the vCPU. */
void tv_lapic_raise(struct tv_vcpu *vcpu, u8 vector)
{
	set_bit(vector, vcpu->lapic.irr);
	tv_vcpu_kick(vcpu);
}

static void tv_lapic_timer_fire(struct tv_lapic *a)
{
	struct tv_vcpu *vcpu = container_of(a, struct tv_vcpu, lapic);

	if (!(a->lvt[0] & X2APIC_LVT_MASKED))
		tv_lapic_raise(vcpu, a->lvt[0] & 0xff);
}

static enum hrtimer_restart tv_lapic_timer_fn(struct hrtimer *t)
{
	struct tv_lapic *a = container_of(t, struct tv_lapic, timer);

	if (X2APIC_TIMER_MODE(a->lvt[0]) == X2APIC_TIMER_TSC_DEADLINE)
		WRITE_ONCE(a->tsc_deadline, 0);		/* it reads 0 once fired */
	tv_lapic_timer_fire(a);
	if (X2APIC_TIMER_MODE(a->lvt[0]) == X2APIC_TIMER_PERIODIC && a->period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(max_t(u64, a->period_ns,
							 TV_APIC_MIN_PERIOD_NS)));
		return HRTIMER_RESTART;
	}
	return HRTIMER_NORESTART;
}

/* The count timer ticks at TV_APIC_BUS_HZ divided by the divide register. */
static u32 tv_lapic_divisor(struct tv_lapic *a)
{
	u32 d = (a->divide & 3) | ((a->divide >> 1) & 4);

	return d == 7 ? 1 : 2 << d;
}

static void tv_lapic_start_count(struct tv_lapic *a)
{
	hrtimer_cancel(&a->timer);
	a->period_ns = 0;
	if (!a->initial_count)
		return;
	/* Up to 2^32 * 128 bus cycles: the product with 10^9 needs 128 bits. */
	a->period_ns = mul_u64_u32_div((u64)a->initial_count * tv_lapic_divisor(a),
				       NSEC_PER_SEC, TV_APIC_BUS_HZ);
	if (X2APIC_TIMER_MODE(a->lvt[0]) == X2APIC_TIMER_PERIODIC)
		a->period_ns = max_t(u64, a->period_ns, TV_APIC_MIN_PERIOD_NS);
	a->count_start = ktime_get();
	hrtimer_start(&a->timer, ns_to_ktime(a->period_ns), HRTIMER_MODE_REL);
}

static u32 tv_lapic_current_count(struct tv_lapic *a)
{
	s64 left;

	if (!a->period_ns || !hrtimer_active(&a->timer))
		return 0;
	left = ktime_to_ns(hrtimer_get_remaining(&a->timer));
	/*
	 * Due but its callback not run yet (a busy host): a periodic count
	 * has already reloaded, and never reads 0; a one-shot one has ended.
	 */
	if (left <= 0 && X2APIC_TIMER_MODE(a->lvt[0]) == X2APIC_TIMER_PERIODIC)
		left = a->period_ns - (u64)-left % a->period_ns;
	if (left <= 0)
		return 0;
	/* A period raised to the minimum would read above the initial count. */
	return min_t(u64, a->initial_count,
		     div_u64(mul_u64_u32_div(left, TV_APIC_BUS_HZ, NSEC_PER_SEC),
			     tv_lapic_divisor(a)));
}

/* TSC-deadline mode: a deadline at or before now fires at once. */
static void tv_lapic_set_deadline(struct tv_lapic *a, u64 deadline)
{
	u64 now = rdtsc();

	hrtimer_cancel(&a->timer);
	a->tsc_deadline = deadline;
	if (!deadline || X2APIC_TIMER_MODE(a->lvt[0]) != X2APIC_TIMER_TSC_DEADLINE)
		return;
	if (deadline <= now || !tsc_khz) {
		a->tsc_deadline = 0;
		tv_lapic_timer_fire(a);
		return;
	}
	/* 128-bit product: a deadline far ahead must not wrap to one close by. */
	hrtimer_start(&a->timer,
		      ns_to_ktime(min_t(u64, mul_u64_u32_div(deadline - now, NSEC_PER_MSEC,
							     tsc_khz), KTIME_MAX)),
		      HRTIMER_MODE_REL);
}

/* x2APIC logical ID: cluster (ID / 16) in bits 31:16, a bit per member. */
static u32 tv_lapic_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | BIT(id & 0xf);
}

/*
 * Does vCPU t take an interrupt sent to dest?  wide: a 32-bit x2APIC
 * destination (broadcast 0xffffffff); else 8 bits (xAPIC ICR, IOAPIC),
 * broadcast 0xff.  Logical destinations follow the target's own mode:
 * x2APIC clusters, or xAPIC flat or cluster as its DFR says.
 */
bool tv_lapic_accepts(struct tv_vcpu *t, u32 dest, bool logical, bool wide)
{
	struct tv_lapic *a = &t->lapic;
	u64 base = READ_ONCE(a->base);
	u32 ldr;

	if (!(base & TV_APIC_BASE_EN))
		return false;
	if (dest == (wide ? 0xffffffff : 0xff))
		return true;
	if (!logical)
		return dest == t->id;
	if (base & TV_APIC_BASE_EXTD) {
		ldr = tv_lapic_x2apic_ldr(t->id);
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	ldr = READ_ONCE(a->ldr) >> 24;
	if ((READ_ONCE(a->dfr) >> 28) == XAPIC_DFR_FLAT)
		return dest & ldr;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static int tv_lapic_ipi(struct tv_vcpu *vcpu, u64 icr, bool wide)
{
	struct tv_vm *vm = vcpu->vm;
	u32 dest = wide ? icr >> 32 : icr >> 56;
	bool logical = icr & X2APIC_ICR_LOGICAL;
	u8 vector = icr & 0xff;
	int dm = X2APIC_ICR_DM(icr), i;

	if (dm != X2APIC_ICR_DM_FIXED && dm != X2APIC_ICR_DM_NMI &&
	    dm != X2APIC_ICR_DM_INIT && dm != X2APIC_ICR_DM_SIPI)
		return 0;	/* SMI, lowest priority, ExtINT: not offered */
	/* The de-assert half of an INIT (level 0) does nothing. */
	if (dm == X2APIC_ICR_DM_INIT && !(icr & X2APIC_ICR_LEVEL_ASSERT))
		return 0;

	for (i = 0; i < TV_MAX_VCPUS; i++) {
		struct tv_vcpu *t = tv_vm_vcpu(vm, i);
		bool hit;

		if (!t)
			continue;
		switch (X2APIC_ICR_SHORTHAND(icr)) {
		case 1:
			hit = t == vcpu;
			break;
		case 2:
			hit = true;
			break;
		case 3:
			hit = t != vcpu;
			break;
		default:
			hit = tv_lapic_accepts(t, dest, logical, wide);
			break;
		}
		if (!hit)
			continue;
		switch (dm) {
		case X2APIC_ICR_DM_NMI:
			WRITE_ONCE(t->lapic.nmi_pending, true);
			tv_vcpu_kick(t);
			break;
		case X2APIC_ICR_DM_INIT:
			tv_vcpu_init_signal(t);
			break;
		case X2APIC_ICR_DM_SIPI:
			tv_vcpu_sipi(t, vector);
			break;
		default:
			tv_lapic_raise(t, vector);
		}
	}
	return 0;
}

/* EOI ends the highest vector in service; a level one goes to the IOAPIC. */
static void tv_lapic_eoi(struct tv_vcpu *vcpu)
{
	struct tv_lapic *a = &vcpu->lapic;
	int v = tv_lapic_top(a->isr);

	if (v < 0)
		return;
	__clear_bit(v, a->isr);
	if (test_and_clear_bit(v, a->tmr))
		tv_ioapic_eoi(vcpu->vm, v);
}

/*
 * A register by its number (the x2APIC MSR minus 0x800, or the xAPIC
 * offset / 16), in the APIC's current mode.  -EINVAL for a register that
 * does not exist or refuses the value: #GP in x2APIC mode, ignored in
 * xAPIC mode.
 */
int tv_lapic_read(struct tv_vcpu *vcpu, u32 reg, u64 *data)
{
	struct tv_lapic *a = &vcpu->lapic;
	bool x2 = a->base & TV_APIC_BASE_EXTD;

	switch (reg) {
	case X2APIC_ID:
		*data = x2 ? vcpu->id : vcpu->id << 24;
		return 0;
	case X2APIC_VERSION:
		*data = X2APIC_VERSION_VALUE;
		return 0;
	case X2APIC_TPR:
		*data = a->tpr;
		return 0;
	case X2APIC_PPR:
		*data = tv_lapic_ppr(a);
		return 0;
	case X2APIC_LDR:
		*data = x2 ? tv_lapic_x2apic_ldr(vcpu->id) : a->ldr;
		return 0;
	case XAPIC_DFR:
		*data = a->dfr;
		return x2 ? -EINVAL : 0;
	case X2APIC_SVR:
		*data = a->svr;
		return 0;
	case X2APIC_ISR0 ... X2APIC_ISR0 + 7:
		*data = ((u32 *)a->isr)[array_index_nospec(reg - X2APIC_ISR0, 8)];
		return 0;
	case X2APIC_TMR0 ... X2APIC_TMR0 + 7:
		*data = ((u32 *)a->tmr)[array_index_nospec(reg - X2APIC_TMR0, 8)];
		return 0;
	case X2APIC_IRR0 ... X2APIC_IRR0 + 7:
		*data = ((u32 *)a->irr)[array_index_nospec(reg - X2APIC_IRR0, 8)];
		return 0;
	case X2APIC_ESR:
		*data = 0;
		return 0;
	case X2APIC_ICR:
		*data = x2 ? a->icr : (u32)a->icr;
		return 0;
	case XAPIC_ICR2:
		*data = a->icr >> 32;
		return x2 ? -EINVAL : 0;
	case X2APIC_LVT_TIMER ... X2APIC_LVT_LAST:
		*data = a->lvt[array_index_nospec(reg - X2APIC_LVT_TIMER, ARRAY_SIZE(a->lvt))];
		return 0;
	case X2APIC_TIMER_INIT:
		*data = a->initial_count;
		return 0;
	case X2APIC_TIMER_CUR:
		*data = tv_lapic_current_count(a);
		return 0;
	case X2APIC_TIMER_DIV:
		*data = a->divide;
		return 0;
	default:
		return -EINVAL;		/* a reserved register */
	}
}

/* The registers that exist in one mode only, or differ between the two. */
static int tv_lapic_write_mode_reg(struct tv_vcpu *vcpu, u32 reg, u64 data, bool x2)
{
	struct tv_lapic *a = &vcpu->lapic;

	switch (reg) {
	case X2APIC_ID:
		return -EINVAL;		/* read-only here in both modes */
	case X2APIC_LDR:
		if (x2)
			return -EINVAL;
		WRITE_ONCE(a->ldr, data & 0xff000000);
		return 0;
	case XAPIC_DFR:
		if (x2)
			return -EINVAL;
		WRITE_ONCE(a->dfr, data | 0x0fffffff);
		return 0;
	case X2APIC_ICR:
		if (x2) {
			a->icr = data;
			return tv_lapic_ipi(vcpu, data, true);
		}
		/* In xAPIC mode the low half sends, to the ICR2 destination. */
		a->icr = (a->icr & GENMASK_ULL(63, 32)) | (data & ~XAPIC_ICR_BUSY);
		return tv_lapic_ipi(vcpu, a->icr, false);
	case XAPIC_ICR2:
		if (x2)
			return -EINVAL;
		a->icr = (u32)a->icr | ((data & 0xff000000) << 32);
		return 0;
	case X2APIC_SELF_IPI:
		if (!x2)
			return -EINVAL;
		tv_lapic_raise(vcpu, data & 0xff);
		return 0;
	}
	return -ENOENT;
}

int tv_lapic_write(struct tv_vcpu *vcpu, u32 reg, u64 data)
{
	struct tv_lapic *a = &vcpu->lapic;
	bool x2 = a->base & TV_APIC_BASE_EXTD;
	int r;

	/* Only the x2APIC ICR is 64 bits wide; the rest refuse the high half. */
	if (reg != X2APIC_ICR && (data >> 32))
		return -EINVAL;
	r = tv_lapic_write_mode_reg(vcpu, reg, data, x2);
	if (r != -ENOENT)
		return r;
	switch (reg) {
	case X2APIC_TPR:
		a->tpr = data & 0xff;
		return 0;
	case X2APIC_EOI:
		tv_lapic_eoi(vcpu);
		return 0;
	case X2APIC_SVR:
		a->svr = data & 0x1ff;
		return 0;
	case X2APIC_ESR:
		return 0;
	case X2APIC_LVT_TIMER:
		if (X2APIC_TIMER_MODE(data) != X2APIC_TIMER_MODE(a->lvt[0])) {
			hrtimer_cancel(&a->timer);
			a->tsc_deadline = 0;
		}
		a->lvt[0] = data & 0x700ff;
		return 0;
	case X2APIC_LVT_TIMER + 1 ... X2APIC_LVT_LAST:
		a->lvt[array_index_nospec(reg - X2APIC_LVT_TIMER, ARRAY_SIZE(a->lvt))] =
			data & 0x1ffff;
		return 0;
	case X2APIC_TIMER_INIT:
		if (X2APIC_TIMER_MODE(a->lvt[0]) == X2APIC_TIMER_TSC_DEADLINE)
			return 0;
		a->initial_count = data;
		tv_lapic_start_count(a);
		return 0;
	case X2APIC_TIMER_DIV:
		a->divide = data & 0xb;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * The xAPIC page, for a vCPU whose APIC is in xAPIC mode: io.c hands over
 * each decoded access inside it.  Registers are 32 bits wide at 16-byte
 * strides; any other access, and a reserved register, reads as zero and
 * writes nothing, as the SDM leaves them undefined.
 */
bool tv_lapic_mmio(struct tv_vcpu *vcpu, u64 gpa, bool write, u32 len, u64 *val)
{
	u64 off = gpa - TV_APIC_BASE_ADDR, data = 0;

	if (gpa < TV_APIC_BASE_ADDR || off >= PAGE_SIZE ||
	    (vcpu->lapic.base & X2APIC_BASE_MODE) != TV_APIC_BASE_EN)
		return false;
	if (len != 4 || (off & 0xf)) {
		if (!write)
			*val = 0;
		return true;
	}
	if (write)
		tv_lapic_write(vcpu, off >> 4, (u32)*val);
	else if (!tv_lapic_read(vcpu, off >> 4, &data))
		*val = (u32)data;
	else
		*val = 0;
	return true;
}

/*
 * IA32_APIC_BASE: enabled or not, xAPIC or x2APIC mode, at 0xfee00000
 * only.  x2APIC mode is left only through the disabled state, and reached
 * only from xAPIC mode (SDM 10.12.5); the BSP bit is the CPU's.
 */
static int tv_lapic_set_base(struct tv_vcpu *vcpu, u64 data)
{
	struct tv_lapic *a = &vcpu->lapic;
	u64 mode = data & X2APIC_BASE_MODE, old = a->base & X2APIC_BASE_MODE;

	if ((data & ~(X2APIC_BASE_BSP | X2APIC_BASE_MODE)) != TV_APIC_BASE_ADDR ||
	    mode == TV_APIC_BASE_EXTD ||
	    (old == X2APIC_BASE_MODE && mode == TV_APIC_BASE_EN) ||
	    (!old && mode == X2APIC_BASE_MODE))
		return -EINVAL;
	if (!mode) {
		/* Disabling the APIC masks its sources and stops its timer. */
		int i;

		hrtimer_cancel(&a->timer);
		a->tsc_deadline = 0;
		for (i = 0; i < ARRAY_SIZE(a->lvt); i++)
			a->lvt[i] |= X2APIC_LVT_MASKED;
		a->svr &= ~X2APIC_SVR_ENABLED;
	}
	WRITE_ONCE(a->base, (a->base & X2APIC_BASE_BSP) | TV_APIC_BASE_ADDR | mode);
	return 0;
}

/*
 * IA32_APIC_BASE, the x2APIC registers (in x2APIC mode only; #GP
 * otherwise, as on hardware) and IA32_TSC_DEADLINE.
 */
int tv_lapic_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data)
{
	if (index >= X2APIC_MSR_BASE && index <= X2APIC_MSR_BASE + 0xff) {
		if (!(vcpu->lapic.base & TV_APIC_BASE_EXTD))
			return -EINVAL;
		return tv_lapic_read(vcpu, X2APIC_REG(index), data);
	}
	if (index == MSR_IA32_APICBASE) {
		*data = vcpu->lapic.base;
		return 0;
	}
	if (index == MSR_IA32_TSC_DEADLINE) {
		*data = vcpu->lapic.tsc_deadline;
		return 0;
	}
	return -ENOENT;
}

int tv_lapic_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data)
{
	if (index >= X2APIC_MSR_BASE && index <= X2APIC_MSR_BASE + 0xff) {
		if (!(vcpu->lapic.base & TV_APIC_BASE_EXTD))
			return -EINVAL;
		return tv_lapic_write(vcpu, X2APIC_REG(index), data);
	}
	if (index == MSR_IA32_APICBASE)
		return tv_lapic_set_base(vcpu, data);
	if (index == MSR_IA32_TSC_DEADLINE) {
		tv_lapic_set_deadline(&vcpu->lapic, data);
		return 0;
	}
	return -ENOENT;
}

/*
 * Before an entry: offer the highest deliverable vector to the backend.  It
 * stays in IRR until tv_lapic_injected() sees that it went in.
 */
void tv_lapic_offer(struct tv_vcpu *vcpu)
{
	struct tv_lapic *a = &vcpu->lapic;
	int v;

	/* The common case on the exit path: nothing pending at all. */
	if (!(READ_ONCE(a->irr[0]) | READ_ONCE(a->irr[1]) | READ_ONCE(a->irr[2]) |
	      READ_ONCE(a->irr[3]) | READ_ONCE(a->nmi_pending)))
		return;

	if (READ_ONCE(a->nmi_pending) && !vcpu->events.nmi_pending) {
		WRITE_ONCE(a->nmi_pending, false);
		vcpu->events.nmi_pending = 1;
	}
	if (a->offered >= 0 || (vcpu->events.interrupt.flags & TV_EVENT_VALID))
		return;
	if (!(a->svr & X2APIC_SVR_ENABLED) || !(a->base & TV_APIC_BASE_EN))
		return;
	v = tv_lapic_top(a->irr);
	if (v < 0 || (v & 0xf0) <= (tv_lapic_ppr(a) & 0xf0))
		return;
	vcpu->events.interrupt.vector = v;
	vcpu->events.interrupt.flags = TV_EVENT_VALID;
	a->offered = v;
}

/* After an exit: the offered vector, if injected, is now in service. */
void tv_lapic_injected(struct tv_vcpu *vcpu)
{
	struct tv_lapic *a = &vcpu->lapic;

	if (a->offered < 0 || (vcpu->events.interrupt.flags & TV_EVENT_VALID))
		return;
	clear_bit(a->offered, a->irr);
	__set_bit(a->offered, a->isr);
	a->offered = -1;
	tv_stats_count(vcpu->stats, TV_STAT_IRQS_INJECTED);
}

bool tv_lapic_has_interrupt(struct tv_vcpu *vcpu)
{
	struct tv_lapic *a = &vcpu->lapic;
	int v = tv_lapic_top(a->irr);

	return READ_ONCE(a->nmi_pending) ||
	       (v >= 0 && (a->svr & X2APIC_SVR_ENABLED) && (a->base & TV_APIC_BASE_EN) &&
		(v & 0xf0) > (tv_lapic_ppr(a) & 0xf0));
}

void tv_lapic_init(struct tv_vcpu *vcpu)
{
	struct tv_lapic *a = &vcpu->lapic;
	int i;

	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	a->timer.function = tv_lapic_timer_fn;
	a->base = TV_APIC_BASE_ADDR | X2APIC_BASE_MODE |
		  (vcpu->id == 0 ? X2APIC_BASE_BSP : 0);
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (i = 0; i < ARRAY_SIZE(a->lvt); i++)
		a->lvt[i] = X2APIC_LVT_MASKED;
	a->offered = -1;
}

void tv_lapic_destroy(struct tv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->lapic.timer);
}
