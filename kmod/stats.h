/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU statistics: exits by kind, RUN returns by userspace-exit reason,
 * a few events, and log2 histograms of how long each exit took, in TSC
 * cycles.  Only the vCPU's own thread writes its counters, with plain
 * increments (no lock, no atomic); a reader sums every vCPU (stats.c).
 *
 * The exit path pays, while counting is on, one RDTSC and an increment at
 * the exit, and one RDTSC, a BSR and an increment at the next entry.  Off
 * (debugfs thinvisor/stats = 0), a static key makes each hook a jump over
 * it.
 *
 * Timing: an exit's cycles run from the exit to the next entry when the
 * kernel handled it (for HLT that includes the sleep), or to the return
 * from TV_RUN when it went to userspace; that return's round trip, from
 * the exit to the next entry, lands in the histogram of its
 * userspace-exit reason.
 */
#ifndef THINVISOR_STATS_H
#define THINVISOR_STATS_H

#include <linux/bitops.h>
#include <linux/jump_label.h>
#include <linux/types.h>
#include <asm/msr.h>

#include "exit.h"

struct tv_vm;
struct tv_vcpu;
struct dentry;

/* The reasons of struct tv_run's exit_reason (TV_EXIT_*), and one more. */
#define TV_STATS_NR_USER	10	/* the last: a reason this list lacks */
#define TV_STATS_BUCKETS	40	/* 2^38 cycles and up in the last */

/* The histograms: each exit kind, then each userspace reason. */
#define TV_STATS_NR_HIST	(TV_X_NR + TV_STATS_NR_USER)

/* Index into tv_vcpu_stats.v[]: the data of the stats file, in order. */
enum {
	TV_STAT_EXITS = 0,				/* [TV_X_NR] */
	TV_STAT_USER = TV_STAT_EXITS + TV_X_NR,		/* [TV_STATS_NR_USER] */
	TV_STAT_DOORBELLS = TV_STAT_USER + TV_STATS_NR_USER,
	TV_STAT_IRQS_INJECTED,
	TV_STAT_HALT_WAKEUPS,
	TV_STAT_L1D_FLUSHES,		/* L1TF: the flushes before VMX entries */
	TV_STAT_HIST,			/* [TV_STATS_NR_HIST][TV_STATS_BUCKETS] */
	TV_STAT_NR_VALUES = TV_STAT_HIST + TV_STATS_NR_HIST * TV_STATS_BUCKETS
};

struct tv_vcpu_stats {
	u64 t_exit;		/* TSC at the last exit */
	u32 pending;		/* 1 + the histogram the next entry closes; 0: none */
	u32 gen;		/* tv_stats_gen when t_exit was taken */
	u64 v[TV_STAT_NR_VALUES];
};

DECLARE_STATIC_KEY_TRUE(tv_stats_on);
/* Bumped when counting is turned on: times taken before are stale. */
extern u32 tv_stats_gen;

int tv_stats_vcpu_init(struct tv_vcpu *vcpu);
void tv_stats_vcpu_free(struct tv_vcpu *vcpu);
void tv_stats_vm_init(struct tv_vm *vm);
void tv_stats_vm_destroy(struct tv_vm *vm);
int tv_stats_get_fd(struct tv_vm *vm, unsigned long arg);
void tv_stats_debugfs_init(struct dentry *dir);

static __always_inline void tv_stats_record(struct tv_vcpu_stats *s, u64 now)
{
	s64 d = now - s->t_exit;
	unsigned int b = d > 0 ? fls64(d) : 0;

	if (b >= TV_STATS_BUCKETS)
		b = TV_STATS_BUCKETS - 1;
	if (s->gen == READ_ONCE(tv_stats_gen))
		s->v[TV_STAT_HIST + (s->pending - 1) * TV_STATS_BUCKETS + b]++;
}

/* Just before the world switch: close the last exit's histogram entry. */
static __always_inline void tv_stats_entry(struct tv_vcpu_stats *s)
{
	if (!static_branch_likely(&tv_stats_on) || !s->pending)
		return;
	tv_stats_record(s, rdtsc());
	s->pending = 0;
}

/* Just after the world switch: count the exit and start its clock. */
static __always_inline void tv_stats_exit(struct tv_vcpu_stats *s, u32 kind)
{
	if (!static_branch_likely(&tv_stats_on))
		return;
	s->t_exit = rdtsc();
	s->gen = READ_ONCE(tv_stats_gen);
	if (kind >= TV_X_NR)
		kind = TV_X_UNKNOWN;
	s->v[TV_STAT_EXITS + kind]++;
	s->pending = 1 + kind;
}

/* An event counter (TV_STAT_DOORBELLS, ...), from the vCPU's thread. */
static __always_inline void tv_stats_count(struct tv_vcpu_stats *s, int stat)
{
	if (static_branch_likely(&tv_stats_on))
		s->v[stat]++;
}

/* TV_RUN returns to userspace: the exit's kernel part ends, the trip starts. */
void tv_stats_leave(struct tv_vcpu_stats *s, u32 exit_reason);

#endif
