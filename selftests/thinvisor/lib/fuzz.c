// SPDX-License-Identifier: GPL-2.0
/* The fuzzing lanes' shared pieces (tv_fuzz.h). */
#include <ctype.h>
#include <signal.h>
#include <sys/syscall.h>

#include "tv_util.h"
#include "tv_fuzz.h"

uint64_t tv_fuzz_param(const char *name, uint64_t dflt)
{
	char key[64], env[64], line[4096];
	const char *v = NULL;
	FILE *f;
	size_t i;

	snprintf(env, sizeof(env), "TV_FUZZ_%s", name);
	for (i = 0; env[i]; i++)
		env[i] = toupper((unsigned char)env[i]);
	v = getenv(env);
	if (v)
		return strtoull(v, NULL, 0);
	/* In a test machine: its kernel command line (TESTVM_CMDLINE). */
	f = fopen("/proc/cmdline", "r");
	if (!f)
		return dflt;
	if (fgets(line, sizeof(line), f)) {
		char *p;

		snprintf(key, sizeof(key), "tv.fuzz_%s=", name);
		p = strstr(line, key);
		if (p && (p == line || p[-1] == ' ')) {
			fclose(f);
			return strtoull(p + strlen(key), NULL, 0);
		}
	}
	fclose(f);
	return dflt;
}

uint64_t tv_fuzz_seed(void)
{
	static uint64_t seed;
	struct timespec ts;

	if (seed)
		return seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = tv_fuzz_param("seed", 0);
	if (!seed)
		seed = ((uint64_t)ts.tv_sec * 1000000007ULL) ^ ts.tv_nsec ^ getpid();
	printf("# seed %llu: replay with TV_FUZZ_SEED=%llu (in a test machine: TESTVM_CMDLINE=tv.fuzz_seed=%llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed,
	       (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

uint64_t tv_fuzz_rounds(uint64_t base, int vendor, uint64_t vmx_div)
{
	uint64_t n = base * tv_fuzz_param("scale", 1);

	if (vendor == TV_VENDOR_INTEL_VMX && vmx_div)
		n /= vmx_div;
	return n ? n : 1;
}

static void tv_kick(int sig)
{
}

void tv_kicker_arm(struct tv_kicker *k, unsigned int us)
{
	struct itimerspec its = {
		.it_value = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 },
	};

	if (!k->made) {
		struct sigaction sa = { .sa_handler = tv_kick };	/* no SA_RESTART */
		struct sigevent sev = {
			.sigev_notify = SIGEV_THREAD_ID,
			.sigev_signo = SIGUSR2,
		};

		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR2, &sa, NULL);
		sev._sigev_un._tid = syscall(SYS_gettid);	/* sigev_notify_thread_id */
		TV_CHECK(!timer_create(CLOCK_MONOTONIC, &sev, &k->timer),
			 "timer_create: %s", strerror(errno));
		k->made = true;
	}
	its.it_interval = its.it_value;
	timer_settime(k->timer, 0, &its, NULL);
}

void tv_kicker_disarm(struct tv_kicker *k)
{
	struct itimerspec its = { 0 };

	if (k->made)
		timer_settime(k->timer, 0, &its, NULL);
}

void tv_kicker_free(struct tv_kicker *k)
{
	if (k->made)
		timer_delete(k->timer);
	k->made = false;
}

const char *tv_fuzz_exit_problem(int r, int err, const struct tv_run *run,
				 size_t run_size, bool msr_exits)
{
	static __thread char why[160];

	if (r == -1) {
		if (err != EINTR) {
			snprintf(why, sizeof(why), "TV_RUN failed: %s", strerror(err));
			return why;
		}
		if (run->exit_reason != TV_EXIT_INTR) {
			snprintf(why, sizeof(why), "EINTR with exit_reason %u", run->exit_reason);
			return why;
		}
		return NULL;
	}
	if (r != 0) {
		snprintf(why, sizeof(why), "TV_RUN returned %d", r);
		return why;
	}
	switch (run->exit_reason) {
	case TV_EXIT_IO:
		if (run->io.direction > TV_IO_OUT ||
		    (run->io.size != 1 && run->io.size != 2 && run->io.size != 4) ||
		    !run->io.count ||
		    run->io.data_offset + (uint64_t)run->io.size * run->io.count > run_size) {
			snprintf(why, sizeof(why),
				 "IO exit dir %u size %u count %u at offset %llu",
				 run->io.direction, run->io.size, run->io.count,
				 (unsigned long long)run->io.data_offset);
			return why;
		}
		return NULL;
	case TV_EXIT_MMIO:
		if (run->mmio.len != 1 && run->mmio.len != 2 && run->mmio.len != 4 &&
		    run->mmio.len != 8) {
			snprintf(why, sizeof(why), "MMIO exit of %u bytes", run->mmio.len);
			return why;
		}
		return NULL;
	case TV_EXIT_MSR:
		if (!msr_exits)
			return "an MSR exit with TV_CAP_MSR_EXIT_USER off";
		return NULL;
	case TV_EXIT_HYPERCALL:
	case TV_EXIT_SHUTDOWN:
	case TV_EXIT_FAIL_ENTRY:
		return NULL;
	case TV_EXIT_INTERNAL_ERROR:
		if (run->internal.suberror < TV_INTERNAL_EMULATION ||
		    run->internal.suberror > TV_INTERNAL_DELIVERY) {
			snprintf(why, sizeof(why), "internal error suberror %u",
				 run->internal.suberror);
			return why;
		}
		return NULL;
	default:
		snprintf(why, sizeof(why), "exit_reason %u after a successful RUN",
			 run->exit_reason);
		return why;
	}
}
