/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's local APIC (x2APIC mode), in software: lapic.c. */
#ifndef THINVISOR_LAPIC_H
#define THINVISOR_LAPIC_H

#include <linux/hrtimer.h>
#include <linux/types.h>

/* The APIC timer's input clock in one-shot and periodic modes. */
#define TV_APIC_BUS_HZ	1000000000ULL

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
	u32 lvt[6];		/* timer, thermal, perf, LINT0, LINT1, error */
	u32 initial_count, divide;
	int offered;		/* vector handed to the backend, or -1 */
	bool nmi_pending;
	struct hrtimer timer;
};

void tv_lapic_init(struct tv_vcpu *vcpu);
void tv_lapic_destroy(struct tv_vcpu *vcpu);
void tv_lapic_raise(struct tv_vcpu *vcpu, u8 vector);
int tv_lapic_read(struct tv_vcpu *vcpu, u32 msr, u64 *data);
int tv_lapic_write(struct tv_vcpu *vcpu, u32 msr, u64 data);
/* IA32_APIC_BASE, the x2APIC range and IA32_TSC_DEADLINE; -ENOENT for others. */
int tv_lapic_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data);
int tv_lapic_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data);
void tv_lapic_offer(struct tv_vcpu *vcpu);
void tv_lapic_injected(struct tv_vcpu *vcpu);
bool tv_lapic_has_interrupt(struct tv_vcpu *vcpu);

#endif
