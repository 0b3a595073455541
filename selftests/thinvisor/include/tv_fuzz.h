/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two fuzzing lanes (fuzz_ioctl, hostile_guest) share: a seeded
 * generator, their seed and length from the environment or the test
 * machine's kernel command line, a timer that bounds every TV_RUN of a
 * thread, and the check that an exit is one the API documents.
 *
 * Replaying: TV_FUZZ_SEED=N (or tv.fuzz_seed=N on the machine's command
 * line: TESTVM_CMDLINE=tv.fuzz_seed=N) gives the same sequence of
 * operations per thread; TV_FUZZ_SCALE=K (tv.fuzz_scale=K) runs K times
 * as many.  Threads interleave as the scheduler decides, so a replay of
 * a multi-threaded run repeats each thread's operations, not their order.
 */
#ifndef TV_FUZZ_H
#define TV_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct tv_run;

/* splitmix64: small, fast, and the same everywhere. */
static inline uint64_t tv_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t tv_rand_below(uint64_t *s, uint64_t n)
{
	return n ? tv_rand(s) % n : 0;
}

/* One of n values, picked at random. */
#define TV_PICK(s, ...) ({						\
	const uint64_t __v[] = { __VA_ARGS__ };				\
	__v[tv_rand_below((s), sizeof(__v) / sizeof(__v[0]))];		\
})

/* A number from TV_FUZZ_NAME or tv.fuzz_name=, else dflt. */
uint64_t tv_fuzz_param(const char *name, uint64_t dflt);
/* The run's seed (printed, with how to replay it). */
uint64_t tv_fuzz_seed(void);
/*
 * How many rounds a lane does: base times TV_FUZZ_SCALE, divided by
 * vmx_div on VMX (the Bochs machine runs about 50 times slower), at
 * least 1.
 */
uint64_t tv_fuzz_rounds(uint64_t base, int vendor, uint64_t vmx_div);

/*
 * The kicker: a periodic signal to this thread (SIGUSR2, no SA_RESTART)
 * every us microseconds while armed, so that a TV_RUN whose guest never
 * exits (a spin, HLT with interrupts off, a wait for SIPI) returns EINTR.
 * Periodic, not one-shot: a signal that comes just before the ioctl is
 * taken in userspace and would leave the RUN unbounded.
 */
struct tv_kicker {
	timer_t timer;
	bool made;
};
void tv_kicker_arm(struct tv_kicker *k, unsigned int us);
void tv_kicker_disarm(struct tv_kicker *k);
void tv_kicker_free(struct tv_kicker *k);

/*
 * NULL when TV_RUN's result (r, errno err, the run page) is one the API
 * documents; otherwise what is wrong.  msr_exits: TV_CAP_MSR_EXIT_USER may
 * be on for this VM.
 */
const char *tv_fuzz_exit_problem(int r, int err, const struct tv_run *run,
				 size_t run_size, bool msr_exits);


#endif
