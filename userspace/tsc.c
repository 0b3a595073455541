// SPDX-License-Identifier: GPL-2.0
/*
 * The TSC frequency, for a guest that has no PIT to calibrate against.
 *
 * Linux 6.1 takes it from tsc_early_khz= on its command line on any CPU
 * (arch/x86/kernel/tsc.c, determine_cpu_tsc_frequencies()); from CPUID
 * leaf 0x15 only on Intel, and from no CPUID leaf at all on AMD under a
 * hypervisor it does not know.  So thinrun passes tsc_early_khz= (see
 * linux.c), with the frequency found here: CPUID leaf 0x15 where the
 * host CPU states its crystal clock, otherwise the TSC measured against
 * CLOCK_MONOTONIC_RAW over 20 ms.  The host kernel's clock runs on its
 * own calibration of the same TSC, so guest and host agree on time.
 */
#include <cpuid.h>
#include <time.h>
#include <x86intrin.h>

#include "tsc.h"

#define MEASURE_NS	20000000ULL
#define SAMPLES		8

static uint32_t from_cpuid(void)
{
	unsigned int max, den, num, crystal_hz, d;

	__cpuid(0, max, den, num, d);
	if (max < 0x15)
		return 0;
	__cpuid(0x15, den, num, crystal_hz, d);
	if (!den || !num || !crystal_hz)
		return 0;
	return (uint64_t)crystal_hz * num / den / 1000;
}

static uint64_t ns_of(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

/* A (TSC, clock) pair from the tightest of a few bracketed reads. */
static void sample(uint64_t *tsc, uint64_t *ns)
{
	uint64_t a, b, best = UINT64_MAX;
	struct timespec ts;
	int i;

	for (i = 0; i < SAMPLES; i++) {
		a = __rdtsc();
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		b = __rdtsc();
		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*ns = ns_of(&ts);
		}
	}
}

static uint32_t measured(void)
{
	uint64_t tsc0, ns0, tsc1, ns1;
	struct timespec nap = { 0, MEASURE_NS };

	sample(&tsc0, &ns0);
	while (nanosleep(&nap, &nap))
		;
	sample(&tsc1, &ns1);
	if (ns1 <= ns0 || tsc1 <= tsc0)
		return 0;
	return (uint32_t)(((tsc1 - tsc0) * 1000000ULL + (ns1 - ns0) / 2) / (ns1 - ns0));
}

uint32_t host_tsc_khz(void)
{
	uint32_t khz = from_cpuid();

	return khz ? khz : measured();
}
