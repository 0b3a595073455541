// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's x2APIC: the timer in TSC-deadline, one-shot and periodic
 * modes waking a halted guest, self-IPIs, EOI and priorities, IPIs between
 * vCPUs, and the MSRs and CPUID bits that describe it.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "tv_test.h"

#define X2APIC_TPR		0x808
#define X2APIC_PPR		0x80a
#define X2APIC_EOI		0x80b
#define X2APIC_SVR		0x80f
#define X2APIC_ISR0		0x810
#define X2APIC_IRR0		0x820
#define X2APIC_ICR		0x830
#define X2APIC_LVT_TIMER	0x832
#define X2APIC_TIMER_INIT	0x838
#define X2APIC_TIMER_CUR	0x839
#define X2APIC_TIMER_DIV	0x83e
#define X2APIC_SELF_IPI		0x83f
#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_TSC_DEADLINE	0x6e0

#define TIMER_VECTOR		0xec
#define IPI_VECTOR		0xf2
#define LOW_VECTOR		0x41
#define TIMER_TSC_DEADLINE	(2 << 17)
#define TIMER_PERIODIC		(1 << 17)

FIXTURE(apic) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(apic)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(apic)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static volatile uint64_t ticks, last_vector, isr_seen;

static void nop_handler(int sig)
{
}

static double clock_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double cpu_s(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static inline uint64_t tv_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((uint64_t)hi << 32);
}

static void count_irq(struct tv_ex_frame *f)
{
	ticks++;
	last_vector = f->vector;
	isr_seen = tv_rdmsr(X2APIC_ISR0 + f->vector / 32) & (1U << (f->vector % 32));
	tv_wrmsr(X2APIC_EOI, 0);
}

static void apic_on(void)
{
	tv_guest_handlers[TIMER_VECTOR] = count_irq;
	tv_guest_handlers[IPI_VECTOR] = count_irq;
	tv_guest_handlers[LOW_VECTOR] = count_irq;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
}

/* Halt with interrupts on until n interrupts came. */
static void wait_ticks(uint64_t n)
{
	while (ticks < n)
		asm volatile("sti; hlt; cli" : : : "memory");
}

static void guest_deadline(void)
{
	uint64_t t0;

	apic_on();
	tv_wrmsr(X2APIC_LVT_TIMER, TIMER_VECTOR | TIMER_TSC_DEADLINE);
	t0 = tv_rdtsc();
	tv_wrmsr(MSR_IA32_TSC_DEADLINE, t0 + 2000000);
	wait_ticks(1);
	GUEST_SYNC_ARGS(1, ticks, last_vector, tv_rdtsc() - t0, isr_seen);
	/* The deadline fired once: it reads 0 again. */
	GUEST_SYNC_ARGS(2, tv_rdmsr(MSR_IA32_TSC_DEADLINE), 0, 0, 0);
	/* A deadline in the past fires at once. */
	tv_wrmsr(MSR_IA32_TSC_DEADLINE, 1);
	wait_ticks(2);
	GUEST_SYNC_ARGS(3, ticks, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(apic, tsc_deadline_timer_wakes_halted_guest)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_deadline, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(TIMER_VECTOR, uc.args[2]);
	EXPECT_LE(2000000, uc.args[3]);
	EXPECT_NE(0, uc.args[4]) TH_LOG("the vector was not in service in its handler");
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(0, uc.args[1]);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(2, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * Three periods, then a stop.  A host that is slow to run the guest may
 * let a fourth expiry in before the stop: up to one tick more is an APIC
 * doing its job.  After the stop, four periods' time or more with
 * interrupts on (32 M TSC ticks: 8 ms at up to 4 GHz) bring at most the
 * one that was pending at the stop.
 */
static void guest_periodic(void)
{
	uint64_t cur, at_stop, t0;

	apic_on();
	tv_wrmsr(X2APIC_TIMER_DIV, 0xb);	/* divide by 1 */
	tv_wrmsr(X2APIC_LVT_TIMER, TIMER_VECTOR | TIMER_PERIODIC);
	tv_wrmsr(X2APIC_TIMER_INIT, 2000000);	/* 2 ms at 1 GHz */
	cur = tv_rdmsr(X2APIC_TIMER_CUR);
	wait_ticks(3);
	tv_wrmsr(X2APIC_TIMER_INIT, 0);		/* stops it */
	at_stop = ticks;
	GUEST_SYNC_ARGS(1, at_stop, cur, tv_rdmsr(X2APIC_TIMER_CUR), 0);
	t0 = tv_rdtsc();
	asm volatile("sti" : : : "memory");
	while (tv_rdtsc() - t0 < 32000000ULL)
		asm volatile("pause");
	asm volatile("cli" : : : "memory");
	GUEST_SYNC_ARGS(2, ticks - at_stop, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(apic, periodic_timer_ticks_and_stops)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_periodic, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_LE(3, uc.args[1]);
	EXPECT_GE(4, uc.args[1]);
	EXPECT_GE(2000000, uc.args[2]);
	EXPECT_LT(0, uc.args[2]) TH_LOG("the current count did not count down");
	EXPECT_EQ(0, uc.args[3]);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_GE(1, uc.args[1]) TH_LOG("%llu ticks after the stop",
					(unsigned long long)uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * One-shot: the count runs down once, fires once and stays at 0; writing
 * the initial count again starts another single expiry.
 */
static void guest_oneshot(void)
{
	uint64_t cur, t0;

	int try;

	apic_on();
	tv_wrmsr(X2APIC_TIMER_DIV, 0xb);	/* divide by 1 */
	tv_wrmsr(X2APIC_LVT_TIMER, TIMER_VECTOR);	/* mode 0: one-shot */
	/*
	 * The count runs out in a few ms of the host's time: a vCPU thread
	 * preempted between the two MSR exits (a loaded emulator) reads 0.
	 * That expiry is then taken and the count armed again, a few times.
	 */
	for (try = 0; try < 8; try++) {
		tv_wrmsr(X2APIC_TIMER_INIT, 2000000);
		cur = tv_rdmsr(X2APIC_TIMER_CUR);
		if (cur)
			break;
		wait_ticks(1);
		ticks = 0;
	}
	wait_ticks(1);
	GUEST_SYNC_ARGS(1, ticks, cur, tv_rdmsr(X2APIC_TIMER_CUR), last_vector);
	/* Far longer than the count with interrupts on: no second expiry. */
	t0 = tv_rdtsc();
	asm volatile("sti" : : : "memory");
	while (tv_rdtsc() - t0 < 32000000ULL)
		asm volatile("pause");
	asm volatile("cli" : : : "memory");
	GUEST_SYNC_ARGS(2, ticks, tv_rdmsr(X2APIC_TIMER_CUR), 0, 0);
	/* A new initial count arms it again, for one expiry. */
	tv_wrmsr(X2APIC_TIMER_INIT, 2000000);
	wait_ticks(2);
	GUEST_SYNC_ARGS(3, ticks, 0, 0, 0);
	GUEST_DONE();
}

TEST_F(apic, oneshot_timer_fires_once)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_oneshot, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_GE(2000000, uc.args[2]);
	EXPECT_LT(0, uc.args[2]) TH_LOG("the current count did not start from the initial count");
	EXPECT_EQ(0, uc.args[3]) TH_LOG("the current count after the expiry");
	EXPECT_EQ(TIMER_VECTOR, uc.args[4]);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("a one-shot timer fired again");
	EXPECT_EQ(0, uc.args[2]);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(2, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_self_ipi(void)
{
	apic_on();
	tv_wrmsr(X2APIC_SELF_IPI, IPI_VECTOR);
	/* Pending but masked by IF: it waits in IRR. */
	GUEST_SYNC_ARGS(1, ticks, tv_rdmsr(X2APIC_IRR0 + IPI_VECTOR / 32), 0, 0);
	asm volatile("sti; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(2, ticks, last_vector, 0, 0);
	/* TPR above the vector's class holds it back; lowering it lets it in. */
	tv_wrmsr(X2APIC_TPR, 0x50);
	tv_wrmsr(X2APIC_SELF_IPI, LOW_VECTOR);
	asm volatile("sti; nop; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(3, ticks, tv_rdmsr(X2APIC_PPR), 0, 0);
	tv_wrmsr(X2APIC_TPR, 0);
	asm volatile("sti; nop; cli" : : : "memory");
	GUEST_SYNC_ARGS(4, ticks, last_vector, 0, 0);
	GUEST_DONE();
}

TEST_F(apic, self_ipi_respects_if_and_tpr)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_self_ipi, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_NE(0, uc.args[2] & (1U << (IPI_VECTOR % 32)));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(IPI_VECTOR, uc.args[2]);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("vector 0x41 got past TPR 0x50");
	EXPECT_EQ(0x50, uc.args[2]);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	EXPECT_EQ(2, uc.args[1]);
	EXPECT_EQ(LOW_VECTOR, uc.args[2]);
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_msrs(void)
{
	uint64_t base = tv_rdmsr(MSR_IA32_APICBASE);
	uint8_t gp_disable = tv_wrmsr_safe(MSR_IA32_APICBASE, base & ~(1ULL << 10));
	uint64_t id = tv_rdmsr(0x802);
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	GUEST_SYNC_ARGS(1, base, gp_disable, id, c);
	GUEST_SYNC_ARGS(2, tv_rdmsr(0x803) & 0xff, tv_wrmsr_safe(0x802, 5),
			tv_wrmsr_safe(X2APIC_TPR, 1ULL << 32), d);
	GUEST_DONE();
}

TEST_F(apic, base_msr_id_version_and_cpuid)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_msrs, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	/* Enabled, x2APIC mode, BSP, at the usual address. */
	EXPECT_EQ(0xfee00d00, uc.args[1]);
	EXPECT_EQ(13, uc.args[2]) TH_LOG("leaving x2APIC mode must #GP");
	EXPECT_EQ(0, uc.args[3]);
	EXPECT_NE(0, uc.args[4] & (1U << 21)) TH_LOG("CPUID.1:ECX.x2APIC");
	EXPECT_NE(0, uc.args[4] & (1U << 24)) TH_LOG("CPUID.1:ECX.TSC_DEADLINE");
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(0x14, uc.args[1]);
	EXPECT_EQ(13, uc.args[2]) TH_LOG("the ID register is read-only");
	EXPECT_EQ(13, uc.args[3]) TH_LOG("TPR has no high half");
	EXPECT_NE(0, uc.args[4] & (1U << 9)) TH_LOG("CPUID.1:EDX.APIC");
	TV_RUN_DONE(self->vcpu, &uc);
}

/* vCPU 1 halts until vCPU 0 sends it a fixed IPI by its x2APIC ID. */
static void guest_ipi(uint64_t me)
{
	apic_on();
	if (me == 1) {
		GUEST_SYNC(1);		/* ready */
		wait_ticks(1);
		GUEST_SYNC_ARGS(2, ticks, last_vector, 0, 0);
	} else {
		tv_wrmsr(X2APIC_ICR, ((uint64_t)1 << 32) | IPI_VECTOR);
		GUEST_SYNC(3);
	}
	GUEST_DONE();
}

TEST_F(apic, ipi_wakes_other_vcpu)
{
	struct tv_runner r;

	tv_wake_halted_vcpu1(_metadata, &self->vm, &self->vcpu, guest_ipi, &r);
	EXPECT_EQ(1, r.uc.args[1]);
	EXPECT_EQ(IPI_VECTOR, r.uc.args[2]);
}

/*
 * SMP start-up as Linux does it: vCPU 1 waits for a SIPI (set through
 * TV_SET_EVENTS, as a launcher does for its APs); vCPU 0 sends INIT and
 * SIPI with vector 0x10; vCPU 1 starts in real mode at 0x10000.
 */
#define SIPI_VECTOR	0x10
#define AP_PORT		0x77

static void guest_bsp(void)
{
	tv_wrmsr(X2APIC_ICR, ((uint64_t)1 << 32) | (5 << 8) | (1 << 14));	/* INIT */
	tv_wrmsr(X2APIC_ICR, ((uint64_t)1 << 32) | (5 << 8) | (1 << 15));	/* de-assert */
	tv_wrmsr(X2APIC_ICR, ((uint64_t)1 << 32) | (6 << 8) | SIPI_VECTOR);	/* SIPI */
	GUEST_DONE();
}

struct ap_thread {
	struct tv_vcpu *vcpu;
	int ret, err;
	int done;
	pid_t tid;
};

static void *run_ap(void *arg)
{
	struct ap_thread *t = arg;

	__atomic_store_n(&t->tid, tv_gettid(), __ATOMIC_RELEASE);
	t->ret = __tv_vcpu_run(t->vcpu);
	t->err = errno;
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* mov $0x5a, %al; out %al, $AP_PORT; hlt: what the SIPI starts. */
static const uint8_t ap_code[] = { 0xb0, 0x5a, 0xe6, AP_PORT, 0xf4 };

/* The AP's thread sleeps in its RUN (halted, or waiting for its SIPI). */
static bool ap_asleep(struct ap_thread *t)
{
	while (!__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	return tv_wait_asleep_in_run(t->tid, t->vcpu->fd, 10000);
}

/* The AP's RUN ended at ap_code's OUT, in real mode at the SIPI vector. */
static void expect_ap_started(struct __test_metadata *_metadata, struct ap_thread *t)
{
	struct tv_sregs s;

	ASSERT_EQ(0, t->ret) TH_LOG("AP RUN: %s", strerror(t->err));
	TV_ASSERT_EXIT(t->vcpu, TV_EXIT_IO);
	EXPECT_EQ(AP_PORT, t->vcpu->run->io.port);
	EXPECT_EQ(0x5a, *(uint8_t *)tv_io_data(t->vcpu));
	tv_get_sregs(t->vcpu, &s);
	EXPECT_EQ(SIPI_VECTOR << 12, s.cs.base);
	EXPECT_EQ(SIPI_VECTOR << 8, s.cs.selector);
	EXPECT_EQ(0, s.cr0 & X86_CR0_PE);
}

TEST_F(apic, init_sipi_starts_waiting_vcpu)
{
	struct tv_events ev = { .wait_for_sipi = 1 };
	struct ap_thread t = {};
	struct tv_ucall uc;
	struct tv_vcpu *ap;
	pthread_t th;

	self->vm = tv_vm_create_with_vcpu(guest_bsp, &self->vcpu);
	ap = tv_vcpu_add(self->vm, 1);
	tv_write_guest(self->vm, SIPI_VECTOR << 12, ap_code, sizeof(ap_code));
	/* No registers set: a vCPU waiting for a SIPI may still RUN. */
	ASSERT_EQ(0, ioctl(ap->fd, TV_SET_EVENTS, &ev));
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, ioctl(ap->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(1, ev.wait_for_sipi);

	t.vcpu = ap;
	ASSERT_EQ(0, pthread_create(&th, NULL, run_ap, &t));
	EXPECT_TRUE(ap_asleep(&t)) TH_LOG("the AP did not sleep in RUN waiting for its SIPI");
	TV_RUN_DONE(self->vcpu, &uc);
	pthread_join(th, NULL);

	expect_ap_started(_metadata, &t);
	ASSERT_EQ(0, ioctl(ap->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(0, ev.wait_for_sipi);
}

static void guest_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

/*
 * INIT is not held off by HLT: a vCPU halted with interrupts off that gets
 * INIT and SIPI starts at the SIPI's vector, as a CPU does.
 */
TEST_F(apic, init_sipi_wakes_halted_vcpu)
{
	struct ap_thread t = {};
	struct tv_ucall uc;
	struct tv_vcpu *ap;
	pthread_t th;
	int i;

	self->vm = tv_vm_create_with_vcpu(guest_bsp, &self->vcpu);
	ap = tv_vcpu_add_guest(self->vm, 1, TV_MODE_LONG64, (uint64_t)guest_halt_forever);
	tv_write_guest(self->vm, SIPI_VECTOR << 12, ap_code, sizeof(ap_code));
	ASSERT_EQ(0, sigaction(SIGUSR1, &(struct sigaction){ .sa_handler = nop_handler }, NULL));
	t.vcpu = ap;
	ASSERT_EQ(0, pthread_create(&th, NULL, run_ap, &t));
	EXPECT_TRUE(ap_asleep(&t)) TH_LOG("the AP did not halt");
	TV_RUN_DONE(self->vcpu, &uc);
	for (i = 0; i < 300 && !__atomic_load_n(&t.done, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	EXPECT_NE(0, __atomic_load_n(&t.done, __ATOMIC_ACQUIRE))
		TH_LOG("the halted AP slept on after INIT and SIPI");
	if (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE))
		pthread_kill(th, SIGUSR1);	/* ends its RUN with EINTR */
	pthread_join(th, NULL);
	expect_ap_started(_metadata, &t);
}

/* immediate_exit ends RUN at once for a vCPU waiting for a SIPI too. */
TEST_F(apic, wait_for_sipi_honours_immediate_exit)
{
	struct tv_events ev = { .wait_for_sipi = 1 };
	struct tv_vcpu *ap;
	bool alarm_came;

	self->vm = tv_vm_create_with_vcpu(guest_bsp, &self->vcpu);
	ap = tv_vcpu_add(self->vm, 1);
	ASSERT_EQ(0, ioctl(ap->fd, TV_SET_EVENTS, &ev));
	ap->run->immediate_exit = 1;
	/* Without it honoured, only the alarm would end the sleep. */
	EXPECT_EQ(-1, __tv_vcpu_run_bounded(ap, 5, &alarm_came));
	EXPECT_EQ(EINTR, errno);
	EXPECT_FALSE(alarm_came) TH_LOG("RUN slept until the alarm");
	EXPECT_EQ(TV_EXIT_INTR, ap->run->exit_reason);
	ASSERT_EQ(0, ioctl(ap->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(1, ev.wait_for_sipi);
}

/* A vCPU waiting for a SIPI sleeps in RUN; a signal ends it with EINTR. */
TEST_F(apic, wait_for_sipi_sleeps_until_signal)
{
	struct tv_events ev = { .wait_for_sipi = 1 };
	struct tv_vcpu *ap;
	double t0, c0, slept, cpu;

	self->vm = tv_vm_create_with_vcpu(guest_bsp, &self->vcpu);
	ap = tv_vcpu_add(self->vm, 1);
	ASSERT_EQ(0, ioctl(ap->fd, TV_SET_EVENTS, &ev));
	/* A handler that does nothing: the signal only ends the sleep. */
	ASSERT_EQ(0, sigaction(SIGALRM, &(struct sigaction){ .sa_handler = nop_handler }, NULL));
	t0 = now_s();
	c0 = cpu_s();
	alarm(1);
	EXPECT_EQ(-1, __tv_vcpu_run(ap));
	EXPECT_EQ(EINTR, errno);
	slept = now_s() - t0;
	cpu = cpu_s() - c0;
	EXPECT_EQ(TV_EXIT_INTR, ap->run->exit_reason);
	/* RUN slept until the alarm, not less, and without using the CPU. */
	EXPECT_LE(0.9, slept) TH_LOG("RUN returned after %.3f s", slept);
	EXPECT_GT(0.2, cpu) TH_LOG("the waiting vCPU used %.3f s of CPU", cpu);
}

TEST_HARNESS_MAIN
