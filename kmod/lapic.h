/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's local APIC (x2APIC or xAPIC mode), in software: lapic.c. */
#ifndef THINVISOR_LAPIC_H
#define THINVISOR_LAPIC_H

#include <linux/hrtimer.h>
#include <linux/types.h>

/* The APIC timer's input clock in one-shot and periodic modes. */
#define TV_APIC_BUS_HZ	1000000000ULL

/* IA32_APIC_BASE: the one address the xAPIC page may have, and the mode. */
#define TV_APIC_BASE_ADDR	0xfee00000ULL
#define TV_APIC_BASE_EXTD	BIT_ULL(10)
#define TV_APIC_BASE_EN		BIT_ULL(11)

struct tv_vcpu;

struct tv_lapic {
	unsigned long irr[BITS_TO_LONGS(256)];	/* set from any context */
	unsigned long isr[BITS_TO_LONGS(256)];	/* the vCPU thread's own */
	unsigned long tmr[BITS_TO_LONGS(256)];	/* level-triggered vectors */
	u64 base;				/* IA32_APIC_BASE */
	u64 icr;
	u64 tsc_deadline;
	u64 period_ns;
	ktime_t count_start;
	u32 tpr, svr;
	u32 ldr, dfr;		/* xAPIC mode's logical destination */
	u32 lvt[6];		/* timer, thermal, perf, LINT0, LINT1, error */
	u32 initial_count, divide;
	int offered;		/* vector handed to the backend, or -1 */
	bool nmi_pending;
	struct hrtimer timer;
};

void tv_lapic_init(struct tv_vcpu *vcpu);
void tv_lapic_destroy(struct tv_vcpu *vcpu);
void tv_lapic_raise(struct tv_vcpu *vcpu, u8 vector);
/* A register by number: the x2APIC MSR - 0x800, or the xAPIC offset / 16. */
int tv_lapic_read(struct tv_vcpu *vcpu, u32 reg, u64 *data);
int tv_lapic_write(struct tv_vcpu *vcpu, u32 reg, u64 data);
bool tv_lapic_accepts(struct tv_vcpu *t, u32 dest, bool logical, bool wide);
/* An access to the xAPIC page: false if it is not this vCPU's APIC's. */
bool tv_lapic_mmio(struct tv_vcpu *vcpu, u64 gpa, bool write, u32 len, u64 *val);
/* IA32_APIC_BASE, the x2APIC range and IA32_TSC_DEADLINE; -ENOENT for others. */
int tv_lapic_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data);
int tv_lapic_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data);
void tv_lapic_offer(struct tv_vcpu *vcpu);
void tv_lapic_injected(struct tv_vcpu *vcpu);
bool tv_lapic_has_interrupt(struct tv_vcpu *vcpu);

#endif
