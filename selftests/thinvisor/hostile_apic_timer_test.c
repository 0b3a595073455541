// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest's (or launcher's) APIC timer (issue #12, finding 6): a
 * 1 ns periodic timer must not become an interrupt storm on a host CPU,
 * and the largest counts and deadlines must not wrap into short ones.
 * All through TV_SET_MSRS, with no RUN: the timer runs regardless.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <x86intrin.h>

#include "tv_test.h"

#define X2APIC_LVT_TIMER	0x832
#define X2APIC_TIMER_INIT	0x838
#define X2APIC_TIMER_CUR	0x839
#define X2APIC_TIMER_DIV	0x83e
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define LVT_MASKED		(1 << 16)
#define TIMER_PERIODIC		(1 << 17)
#define TIMER_TSC_DEADLINE	(2 << 17)
#define DIV_BY_1		0xb
#define DIV_BY_128		0xa

FIXTURE(timer) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(timer)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = tv_vm_create();
	self->vcpu = tv_vcpu_add(self->vm, 0);
}

FIXTURE_TEARDOWN(timer)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Loop iterations this thread gets through in one second of wall time. */
static long spin_one_second(void)
{
	double end = now_s() + 1;
	long n = 0;

	while (now_s() < end)
		n++;
	return n;
}

/*
 * Periodic, count 1, divide by 1: a 1 ns period as asked.  Pinned to one
 * CPU, where the hrtimer is armed, this thread must keep most of its
 * speed (the module holds the period to its minimum); the kernel log
 * check after the suite catches "hrtimer: interrupt took" too.
 */
TEST_F_TIMEOUT(timer, one_ns_period_is_no_storm, 60)
{
	cpu_set_t one;
	long before, during;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	before = spin_one_second();
	tv_set_msr(self->vcpu, X2APIC_TIMER_DIV, DIV_BY_1);
	tv_set_msr(self->vcpu, X2APIC_LVT_TIMER, LVT_MASKED | TIMER_PERIODIC | 0x40);
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 1);
	during = spin_one_second();
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 0);
	TH_LOG("spins per second: %ld before, %ld with the timer", before, during);
	EXPECT_LT(before / 2, during);
	/* The count never reads above what was set. */
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 1);
	EXPECT_GE(1, tv_get_msr(self->vcpu, X2APIC_TIMER_CUR));
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 0);
}

/*
 * The largest count at the largest divisor: 2^32 * 128 ns, about nine
 * minutes.  Right after it starts, nearly all of it is left.
 */
TEST_F(timer, largest_count_does_not_wrap)
{
	uint64_t cur;

	tv_set_msr(self->vcpu, X2APIC_TIMER_DIV, DIV_BY_128);
	tv_set_msr(self->vcpu, X2APIC_LVT_TIMER, LVT_MASKED | TIMER_PERIODIC | 0x40);
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 0xffffffff);
	cur = tv_get_msr(self->vcpu, X2APIC_TIMER_CUR);
	/* 0x1000000 counts of 128 ns: two seconds of slack. */
	EXPECT_LT(0xffffffffULL - 0x1000000, cur) TH_LOG("TMCCT 0x%llx", (unsigned long long)cur);
	EXPECT_GE(0xffffffffULL, cur);
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 0);
}

/*
 * A count at a divisor of 64 or more: the bus cycles per count times
 * 10^9 ns no longer fit 32 bits.  Right after it starts, the current
 * count is nearly the initial one (a millisecond is about 7800 counts).
 */
TEST_F(timer, count_at_divide_128_reads_right)
{
	uint64_t cur;

	tv_set_msr(self->vcpu, X2APIC_TIMER_DIV, DIV_BY_128);
	tv_set_msr(self->vcpu, X2APIC_LVT_TIMER, LVT_MASKED | 0x40);	/* one-shot */
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 1000000);		/* 128 ms */
	cur = tv_get_msr(self->vcpu, X2APIC_TIMER_CUR);
	EXPECT_GE(1000000, cur) TH_LOG("TMCCT %llu", (unsigned long long)cur);
	EXPECT_LT(500000, cur) TH_LOG("TMCCT %llu", (unsigned long long)cur);
	tv_set_msr(self->vcpu, X2APIC_TIMER_INIT, 0);
}

/*
 * TSC deadlines far ahead stay armed (the MSR reads 0 once it fired):
 * 2^62 cycles, and 2^64 / 10^6 cycles and a bit, whose product with
 * 10^6 (kHz to ns) wraps 64 bits to a few milliseconds.
 */
TEST_F(timer, far_tsc_deadline_does_not_fire)
{
	const uint64_t far[] = { 1ULL << 62, 18446744073709ULL + 100000000ULL };
	unsigned int i;

	tv_set_msr(self->vcpu, X2APIC_LVT_TIMER, LVT_MASKED | TIMER_TSC_DEADLINE | 0x40);
	for (i = 0; i < 2; i++) {
		uint64_t deadline = __rdtsc() + far[i];

		tv_set_msr(self->vcpu, MSR_IA32_TSC_DEADLINE, deadline);
		usleep(300 * 1000);
		EXPECT_EQ(deadline, tv_get_msr(self->vcpu, MSR_IA32_TSC_DEADLINE))
			TH_LOG("a deadline %llu cycles ahead", (unsigned long long)far[i]);
		tv_set_msr(self->vcpu, MSR_IA32_TSC_DEADLINE, 0);
	}
}

TEST_HARNESS_MAIN
