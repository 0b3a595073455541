// SPDX-License-Identifier: GPL-2.0
/*
 * Running guests: ucalls in all three modes, guest assertions, arguments,
 * signals, immediate_exit, HLT, several vCPUs, and a vCPU thread that
 * moves between host CPUs while its guest runs.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>

#include "tv_test.h"

FIXTURE(run) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(run)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(run)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_sync_stages(void)
{
	uint64_t i;

	for (i = 1; i <= 3; i++)
		GUEST_SYNC_ARGS(i, i * 10, i * 100, 0x1122334455667788ULL, ~i);
	GUEST_DONE();
}

TEST_F(run, ucall_sync_then_done)
{
	struct tv_ucall uc;
	uint64_t i;

	self->vm = tv_vm_create_with_vcpu(guest_sync_stages, &self->vcpu);
	for (i = 1; i <= 3; i++) {
		TV_RUN_SYNC(self->vcpu, &uc, i);
		EXPECT_EQ(i * 10, uc.args[1]);
		EXPECT_EQ(i * 100, uc.args[2]);
		EXPECT_EQ(0x1122334455667788ULL, uc.args[3]);
		EXPECT_EQ(~i, uc.args[4]);
	}
	TV_RUN_DONE(self->vcpu, &uc);
}

static const int guest_assert_line = __LINE__ + 5;	/* the assertion */
static void guest_assert_fails(void)
{
	volatile uint64_t a = 5;

	GUEST_ASSERT_EQ(a, 6);
	GUEST_DONE();
}

/* The guest's assertion reaches the host with file, line and values. */
TEST_F(run, guest_assert_reports_file_line)
{
	struct tv_ucall uc;
	char file[64] = "";

	self->vm = tv_vm_create_with_vcpu(guest_assert_fails, &self->vcpu);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_ABORT);
	tv_read_guest(self->vm, uc.args[1], file, sizeof(file) - 1);
	EXPECT_STREQ(__FILE__, file);
	EXPECT_EQ(guest_assert_line, uc.args[2]);
	EXPECT_EQ(5, uc.args[3]);
	EXPECT_EQ(6, uc.args[4]);
}

static void guest_returns(void)
{
}

TEST_F(run, guest_return_without_done_aborts)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_returns, &self->vcpu);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_ABORT);
}

static void guest_echo_args(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			    uint64_t e, uint64_t f)
{
	GUEST_SYNC_ARGS(a, b, c, d, e + f);
	GUEST_DONE();
}

TEST_F(run, guest_function_arguments)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_echo_args, &self->vcpu);
	tv_vcpu_set_args(self->vcpu, 6, (uint64_t)7, (uint64_t)-1,
			 (uint64_t)0x8000000000000000ULL, (uint64_t)42,
			 (uint64_t)1000, (uint64_t)2000);
	TV_RUN_SYNC(self->vcpu, &uc, 7);
	EXPECT_EQ((uint64_t)-1, uc.args[1]);
	EXPECT_EQ(0x8000000000000000ULL, uc.args[2]);
	EXPECT_EQ(42, uc.args[3]);
	EXPECT_EQ(3000, uc.args[4]);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * Each mode reports its stage 1 with a value computed in it: 16-bit code
 * wraps a 16-bit add, 32-bit code a 32-bit one, 64-bit code neither.
 */
TV_BLOB(blob_modes,
	"mov $0xfffffff0, %ebx\n\t"
	"mov $0x20, %ecx\n\t"
	".if TV_BITS == 16\n\t"
	"add %cx, %bx\n\t"
	".elseif TV_BITS == 32\n\t"
	"add %ecx, %ebx\n\t"
	".else\n\t"
	"mov %ebx, %ebx\n\t"
	"add %rcx, %rbx\n\t"
	".endif\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

static void check_mode_blob(struct __test_metadata *_metadata, FIXTURE_DATA(run) *self,
			    enum tv_mode mode, uint64_t expect_rbx)
{
	struct tv_ucall uc;
	struct tv_sregs s;

	self->vm = tv_vm_create_with_blob(mode, TV_BLOB_FOR(blob_modes, mode), &self->vcpu);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(expect_rbx, uc.args[0]) TH_LOG("mode %s", tv_mode_name(mode));
	/* The mode survives the exit. */
	tv_get_sregs(self->vcpu, &s);
	EXPECT_EQ(mode == TV_MODE_LONG64, !!(s.efer & EFER_LMA));
	EXPECT_EQ(mode != TV_MODE_REAL16, !!(s.cr0 & X86_CR0_PE));
	TV_RUN_DONE(self->vcpu, &uc);
	/* A finished blob says DONE again. */
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(run, real16_guest)
{
	check_mode_blob(_metadata, self, TV_MODE_REAL16, 0xffff0010);
}

TEST_F(run, prot32_guest)
{
	check_mode_blob(_metadata, self, TV_MODE_PROT32, 0x10);
}

TEST_F(run, long64_guest)
{
	check_mode_blob(_metadata, self, TV_MODE_LONG64, 0x100000010ULL);
}

/* immediate_exit: TV_RUN returns EINTR at once and the guest did not move. */
TEST_F(run, immediate_exit)
{
	struct tv_regs before, after;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_sync_stages, &self->vcpu);
	tv_get_regs(self->vcpu, &before);
	self->vcpu->run->immediate_exit = 1;
	errno = 0;
	EXPECT_EQ(-1, __tv_vcpu_run(self->vcpu));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(TV_EXIT_INTR, self->vcpu->run->exit_reason);
	tv_get_regs(self->vcpu, &after);
	EXPECT_EQ(before.rip, after.rip);
	EXPECT_EQ(before.rsp, after.rsp);
	/* And again: it is not a one-shot. */
	errno = 0;
	EXPECT_EQ(-1, __tv_vcpu_run(self->vcpu));
	EXPECT_EQ(EINTR, errno);
	self->vcpu->run->immediate_exit = 0;
	TV_RUN_SYNC(self->vcpu, &uc, 1);
}

/* --- signals ------------------------------------------------------------ */

static void on_sigusr1(int sig)
{
}

static void install_sigusr1(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
}

struct run_thread {
	struct tv_vcpu *vcpu;
	int ret, err;
	uint32_t exit_reason;
	double wall, cpu;	/* seconds in the TV_RUN */
	volatile int started;
};

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run_once(void *arg)
{
	struct run_thread *t = arg;
	double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);

	t->started = 1;
	t->ret = __tv_vcpu_run(t->vcpu);
	t->err = errno;
	t->exit_reason = t->vcpu->run->exit_reason;
	t->wall = now(CLOCK_MONOTONIC) - w0;
	t->cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

/* Run once in a thread, signal it after delay_ms, and wait. */
static void run_and_signal(struct run_thread *t, struct tv_vcpu *vcpu, int delay_ms)
{
	pthread_t th;

	install_sigusr1();
	memset(t, 0, sizeof(*t));
	t->vcpu = vcpu;
	pthread_create(&th, NULL, run_once, t);
	while (!t->started)
		usleep(1000);
	usleep(delay_ms * 1000);
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
}

static volatile uint64_t guest_release_flag;

static void guest_spin_until_released(void)
{
	GUEST_SYNC(1);
	while (!guest_release_flag)
		;
	GUEST_SYNC(2);
	GUEST_DONE();
}

/* A signal ends a TV_RUN in a busy guest; the next TV_RUN goes on. */
TEST_F(run, signal_interrupts_busy_guest)
{
	struct run_thread t;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_spin_until_released, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	run_and_signal(&t, self->vcpu, 200);
	ASSERT_EQ(-1, t.ret);
	EXPECT_EQ(EINTR, t.err);
	EXPECT_EQ(TV_EXIT_INTR, t.exit_reason);
	/* Still spinning: interrupted again, then released. */
	run_and_signal(&t, self->vcpu, 50);
	ASSERT_EQ(-1, t.ret);
	EXPECT_EQ(EINTR, t.err);
	guest_release_flag = 1;
	tv_sync_global_to_guest(self->vm, guest_release_flag);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB(blob_hlt,
	"cli\n\t"
	"mov $0x1234, %ebx\n\t"
	"hlt\n\t"
	"mov $0x5678, %ebx\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/*
 * HLT with interrupts off: a signal ends the TV_RUN (EINTR) without using
 * the CPU meanwhile, and the guest is still halted after it, as a CPU stays
 * halted with IF clear: the next TV_RUN sleeps again instead of running on
 * past the HLT.
 */
TEST_F(run, hlt_stays_halted_after_signal)
{
	struct run_thread t;
	struct tv_ucall uc;
	struct tv_regs regs;

	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB_FOR(blob_hlt, TV_MODE_LONG64),
					  &self->vcpu);
	run_and_signal(&t, self->vcpu, 300);
	ASSERT_EQ(-1, t.ret);
	EXPECT_EQ(EINTR, t.err);
	EXPECT_EQ(TV_EXIT_INTR, t.exit_reason);
	EXPECT_LE(0.3, t.wall) TH_LOG("RUN ended after %.3f s, before the signal", t.wall);
	EXPECT_GT(t.wall / 2, t.cpu) TH_LOG("the vCPU thread used %.3f s of CPU in %.3f s",
					    t.cpu, t.wall);
	tv_get_regs(self->vcpu, &regs);
	EXPECT_EQ(0x1234, regs.rbx);
	run_and_signal(&t, self->vcpu, 100);
	EXPECT_EQ(-1, t.ret);
	EXPECT_EQ(TV_EXIT_INTR, t.exit_reason)
		TH_LOG("the guest ran on past HLT: %s", tv_exit_str(self->vcpu));
	/* The second RUN slept too, until the signal. */
	EXPECT_LE(0.1, t.wall) TH_LOG("the second RUN ended after %.3f s", t.wall);
	EXPECT_GT(t.wall / 2, t.cpu) TH_LOG("the second RUN used %.3f s of CPU in %.3f s",
					    t.cpu, t.wall);
	EXPECT_NE(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc));
}

/*
 * immediate_exit ends RUN at once for a halted vCPU too (before, only a
 * signal woke it), and the vCPU stays halted.
 */
TEST_F(run, immediate_exit_while_halted)
{
	struct run_thread t;
	struct tv_regs regs;
	bool alarm_came;

	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB_FOR(blob_hlt, TV_MODE_LONG64),
					  &self->vcpu);
	run_and_signal(&t, self->vcpu, 100);
	ASSERT_EQ(-1, t.ret);
	ASSERT_EQ(EINTR, t.err);
	self->vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-1, __tv_vcpu_run_bounded(self->vcpu, 5, &alarm_came));
	EXPECT_EQ(EINTR, errno);
	EXPECT_FALSE(alarm_came) TH_LOG("RUN slept until the alarm");
	EXPECT_EQ(TV_EXIT_INTR, self->vcpu->run->exit_reason);
	self->vcpu->run->immediate_exit = 0;
	/* Still halted at the same place: a signal ends the next RUN. */
	run_and_signal(&t, self->vcpu, 50);
	EXPECT_EQ(-1, t.ret);
	EXPECT_EQ(TV_EXIT_INTR, t.exit_reason);
	tv_get_regs(self->vcpu, &regs);
	EXPECT_EQ(0x1234, regs.rbx);
}

/* --- several vCPUs, and migration -------------------------------------- */

static void guest_count(uint64_t id, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		GUEST_SYNC_ARGS(i, id, 0, 0, 0);
	GUEST_DONE();
}

struct count_thread {
	struct tv_vcpu *vcpu;
	uint64_t n;
	char error[256];
	volatile int done;
};

static void *count_run(void *arg)
{
	struct count_thread *t = arg;
	struct tv_ucall uc;
	uint64_t i;

	for (i = 0; i <= t->n; i++) {
		uint64_t cmd;

		if (__tv_vcpu_run(t->vcpu)) {
			snprintf(t->error, sizeof(t->error), "TV_RUN %lu: %s",
				 (unsigned long)i, strerror(errno));
			break;
		}
		cmd = tv_get_ucall(t->vcpu, &uc);
		if (i < t->n && (cmd != TV_UCALL_SYNC || uc.args[0] != i ||
				 uc.args[1] != (uint64_t)t->vcpu->id)) {
			snprintf(t->error, sizeof(t->error), "step %lu: %s",
				 (unsigned long)i, tv_exit_str(t->vcpu));
			break;
		}
		if (i == t->n && cmd != TV_UCALL_DONE)
			snprintf(t->error, sizeof(t->error), "end: %s", tv_exit_str(t->vcpu));
	}
	t->done = 1;
	return NULL;
}

/*
 * Four vCPUs of one VM, each in its own thread, make exits at the same
 * time: each sees its own state.  Whether they are in the guest at once is
 * two_vcpus_in_guest_at_once's question.
 */
TEST_F(run, four_vcpus_run_side_by_side)
{
	struct count_thread t[4];
	pthread_t th[4];
	int i;

	self->vm = tv_vm_create_std();
	for (i = 0; i < 4; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].vcpu = tv_vcpu_add_guest(self->vm, i, TV_MODE_LONG64,
					      (uint64_t)(uintptr_t)guest_count);
		t[i].n = 200;
		tv_vcpu_set_args(t[i].vcpu, 2, (uint64_t)i, t[i].n);
	}
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, count_run, &t[i]);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		EXPECT_STREQ("", t[i].error) TH_LOG("vCPU %d", i);
	}
}

/*
 * Two vCPUs hand a token back and forth in guest memory, with no exit in
 * between.  Pinned to two host CPUs, each hand-off takes microseconds, as
 * both are in the guest at the same time.  Were they not (one host CPU, or
 * a module that let one vCPU of a VM in at a time), each hand-off would
 * wait for the host to preempt the spinning vCPU: a scheduler tick, 1 ms
 * or more, or for ever.
 */
static volatile uint64_t pp_token;

static inline uint64_t pp_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((uint64_t)hi << 32);
}

static void guest_pingpong(uint64_t id, uint64_t rounds)
{
	uint64_t r, t0, dt, best = ~0ULL;

	/* vCPU 0 makes the token odd, vCPU 1 answers by making it even. */
	for (r = 0; r < rounds; r++) {
		if (id == 0) {
			t0 = pp_rdtsc();
			pp_token = 2 * r + 1;
			while (pp_token != 2 * r + 2)
				asm volatile("pause" : : : "memory");
			dt = pp_rdtsc() - t0;	/* one round trip */
			if (dt < best)
				best = dt;
		} else {
			while (pp_token != 2 * r + 1)
				asm volatile("pause" : : : "memory");
			pp_token = 2 * r + 2;
		}
	}
	GUEST_SYNC_ARGS(1, id, best, 0, 0);
	GUEST_DONE();
}

struct pp_thread {
	struct tv_vcpu *vcpu;
	int cpu;		/* -1: not pinned */
	uint64_t best;
	char error[256];
};

static void *pp_run(void *arg)
{
	struct pp_thread *t = arg;
	struct tv_ucall uc;
	cpu_set_t one;

	if (t->cpu >= 0) {
		CPU_ZERO(&one);
		CPU_SET(t->cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one)) {
			snprintf(t->error, sizeof(t->error), "pin: %s", strerror(errno));
			return NULL;
		}
	}
	if (__tv_vcpu_run(t->vcpu) || tv_get_ucall(t->vcpu, &uc) != TV_UCALL_SYNC) {
		snprintf(t->error, sizeof(t->error), "%s", tv_exit_str(t->vcpu));
		return NULL;
	}
	t->best = uc.args[2];
	if (__tv_vcpu_run(t->vcpu) || tv_get_ucall(t->vcpu, &uc) != TV_UCALL_DONE)
		snprintf(t->error, sizeof(t->error), "end: %s", tv_exit_str(t->vcpu));
	return NULL;
}

/* TSC ticks per microsecond of this host (the guest's TSC runs with it). */
static double tsc_per_us(void)
{
	double w0 = now(CLOCK_MONOTONIC);
	uint64_t t0 = pp_rdtsc();

	usleep(50000);
	return (pp_rdtsc() - t0) / ((now(CLOCK_MONOTONIC) - w0) * 1e6);
}

TEST_F(run, two_vcpus_in_guest_at_once)
{
	struct pp_thread t[2] = {};
	int cpus[2], ncpu = 0, c, i;
	uint64_t rounds;
	cpu_set_t all;
	pthread_t th[2];
	double best_us;

	sched_getaffinity(0, sizeof(all), &all);
	for (c = 0; c < CPU_SETSIZE && ncpu < 2; c++)
		if (CPU_ISSET(c, &all))
			cpus[ncpu++] = c;
	/* On one CPU every hand-off waits for a tick: fewer rounds. */
	rounds = ncpu >= 2 ? 1000 : 20;

	self->vm = tv_vm_create_std();
	for (i = 0; i < 2; i++) {
		t[i].vcpu = tv_vcpu_add_guest(self->vm, i, TV_MODE_LONG64,
					      (uint64_t)(uintptr_t)guest_pingpong);
		tv_vcpu_set_args(t[i].vcpu, 2, (uint64_t)i, rounds);
		t[i].cpu = ncpu >= 2 ? cpus[i] : -1;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, pp_run, &t[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		EXPECT_STREQ("", t[i].error) TH_LOG("vCPU %d", i);
	}
	best_us = t[0].best / tsc_per_us();
	TH_LOG("%lu round trips, the fastest %.1f us, on %d host CPU(s)",
	       (unsigned long)rounds, best_us, ncpu);
	if (ncpu < 2) {
		/* Only that the two took turns, through the host's scheduler. */
		TH_LOG("one host CPU: the vCPUs took turns, not concurrency");
		return;
	}
	EXPECT_GT(200.0, best_us)
		TH_LOG("no round trip faster than a host tick: the vCPUs never ran at once");
}

/*
 * Another thread moves the vCPU thread from CPU to CPU while its guest
 * runs and makes exits: the guest must see nothing of it.
 */
TEST_F(run, vcpu_thread_migrates_between_cpus)
{
	struct count_thread t = { .n = 3000 };
	cpu_set_t all, one;
	int cpus[64], ncpu = 0, c, moves = 0;
	pthread_t th;

	if (tv_nr_cpus() < 2)
		SKIP(return, "only one CPU");
	sched_getaffinity(0, sizeof(all), &all);
	for (c = 0; c < CPU_SETSIZE && ncpu < 64; c++)
		if (CPU_ISSET(c, &all))
			cpus[ncpu++] = c;

	self->vm = tv_vm_create_std();
	t.vcpu = tv_vcpu_add_guest(self->vm, 0, TV_MODE_LONG64,
				   (uint64_t)(uintptr_t)guest_count);
	tv_vcpu_set_args(t.vcpu, 2, (uint64_t)0, t.n);
	pthread_create(&th, NULL, count_run, &t);
	while (!t.done) {
		CPU_ZERO(&one);
		CPU_SET(cpus[moves % ncpu], &one);
		ASSERT_EQ(0, pthread_setaffinity_np(th, sizeof(one), &one));
		moves++;
		usleep(500);
	}
	pthread_join(th, NULL);
	EXPECT_STREQ("", t.error);
	EXPECT_LE(4, moves);
	TH_LOG("%d moves", moves);
}

/* --- hypercall from C --------------------------------------------------- */

static void guest_hypercalls(void)
{
	uint64_t r;

	r = tv_hypercall(0x1234, 1, 2, 3, 4);
	GUEST_ASSERT_EQ(r, 0xabcdef);
	r = tv_hypercall(0, 0, 0, 0, 0);
	GUEST_ASSERT_EQ(r, (uint64_t)-1);
	GUEST_DONE();
}

TEST_F(run, hypercall_from_c)
{
	struct tv_run *run;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_hypercalls, &self->vcpu);
	run = self->vcpu->run;
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_HYPERCALL);
	EXPECT_EQ(0x1234, run->hypercall.nr);
	EXPECT_EQ(1, run->hypercall.args[0]);
	EXPECT_EQ(2, run->hypercall.args[1]);
	EXPECT_EQ(3, run->hypercall.args[2]);
	EXPECT_EQ(4, run->hypercall.args[3]);
	run->hypercall.ret = 0xabcdef;
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_HYPERCALL);
	EXPECT_EQ(0, run->hypercall.nr);
	run->hypercall.ret = (uint64_t)-1;
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
