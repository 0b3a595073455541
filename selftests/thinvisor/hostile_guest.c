// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile-guest lane (issue #12): guests that do what no sane guest
 * does, on every vCPU at once.  Random instruction bytes in real,
 * protected and long mode; random MSR, port and MMIO accesses, XSETBV of
 * random values; CR, EFER and segment garbage through TV_SET_SREGS; IPI
 * and self-IPI storms with a periodic APIC timer at the smallest period;
 * triple faults in a loop.
 *
 * What must hold: every RUN ends in an exit the API documents (or EINTR
 * from the test's own timer signal), a vCPU given a sane state again
 * runs again, and nothing is left in the module afterwards.  That the
 * host survives with a clean kernel log is checked by run-tests.sh.
 *
 * Seeded and bounded by rounds (tv_fuzz.h: TV_FUZZ_SEED, TV_FUZZ_SCALE).
 */
#include <pthread.h>
#include <sys/mman.h>

#include "tv_test.h"
#include "tv_guest.h"
#include "tv_fuzz.h"

#define MAX_THREADS	4

/* How many vCPUs run at once: one more than the host has CPUs, up to 4. */
static int nr_runners(void)
{
	int n = tv_nr_cpus() + 1;

	return n > MAX_THREADS ? MAX_THREADS : n < 2 ? 2 : n;
}

/* Exits seen, by reason (0..8), and what went wrong. */
struct tally {
	long exits[TV_EXIT_INTERNAL_ERROR + 1];
	long bad;
	char why[200];
};

static void tally_add(struct tally *t, const struct tally *o)
{
	int i;

	for (i = 0; i <= TV_EXIT_INTERNAL_ERROR; i++)
		t->exits[i] += o->exits[i];
	if (o->bad && !t->bad)
		snprintf(t->why, sizeof(t->why), "%s", o->why);
	t->bad += o->bad;
}

static void tally_log(const char *what, const struct tally *t)
{
	printf("# %s: io %ld mmio %ld hypercall %ld shutdown %ld fail_entry %ld msr %ld intr %ld internal %ld\n",
	       what, t->exits[TV_EXIT_IO], t->exits[TV_EXIT_MMIO],
	       t->exits[TV_EXIT_HYPERCALL], t->exits[TV_EXIT_SHUTDOWN],
	       t->exits[TV_EXIT_FAIL_ENTRY], t->exits[TV_EXIT_MSR],
	       t->exits[TV_EXIT_INTR], t->exits[TV_EXIT_INTERNAL_ERROR]);
}

/*
 * One bounded RUN, checked, with the exit answered at random (the data of
 * an IN or MMIO read, a hypercall's result, an MSR's value or #GP).
 * Returns the exit reason, or -1 when the RUN itself was wrong.
 */
static int run_once(struct tv_vcpu *v, struct tv_kicker *k, uint64_t *rs,
		    struct tally *t, bool msr_exits)
{
	struct tv_run *run = v->run;
	const char *why;
	int r, err;

	tv_kicker_arm(k, 2000);
	r = __tv_vcpu_run(v);
	err = errno;
	tv_kicker_disarm(k);
	why = tv_fuzz_exit_problem(r, err, run, v->run_size, msr_exits);
	if (why) {
		if (!t->bad++)
			snprintf(t->why, sizeof(t->why), "vCPU %d: %s", v->id, why);
		return -1;
	}
	t->exits[run->exit_reason]++;
	switch (run->exit_reason) {
	case TV_EXIT_IO:
		if (run->io.direction == TV_IO_IN) {
			uint8_t *d = tv_io_data(v);
			uint32_t i;

			for (i = 0; i < run->io.size * run->io.count; i++)
				d[i] = tv_rand(rs);
		}
		break;
	case TV_EXIT_MMIO:
		if (!run->mmio.is_write) {
			uint64_t x = tv_rand(rs);

			memcpy(run->mmio.data, &x, 8);
		}
		break;
	case TV_EXIT_HYPERCALL:
		run->hypercall.ret = tv_rand(rs);
		break;
	case TV_EXIT_MSR:
		run->msr.error = tv_rand_below(rs, 2);
		run->msr.data = tv_rand(rs);
		break;
	}
	return run->exit_reason;
}

/* Whether an exit ends a round of a guest that cannot go on. */
static bool exit_ends_round(int reason)
{
	return reason < 0 || reason == TV_EXIT_SHUTDOWN || reason == TV_EXIT_FAIL_ENTRY ||
	       reason == TV_EXIT_INTERNAL_ERROR || reason == TV_EXIT_INTR;
}

TV_BLOB(blob_done, TV_BLOB_DONE);

/*
 * After the hostile vCPUs, a new vCPU of the same VM, in a sane state,
 * must run to DONE: what they did broke nothing beyond their own state.
 * (Not the hostile vCPUs themselves: one that ran HLT stays halted
 * across TV_SET_REGS and TV_SET_SREGS, as api.rst says, until an event
 * wakes it, and random code leaves no handler for one.)
 */
static bool vm_still_runs(struct tv_vm *vm, int id, enum tv_mode mode, struct tv_kicker *k,
			  struct tally *t)
{
	uint64_t entry = TV_BLOB_GPA + 0x1000 * id;
	struct tv_blob b = TV_BLOB_FOR(blob_done, mode);
	struct tv_vcpu *v = vm->vcpus[id] ? vm->vcpus[id] : tv_vcpu_add(vm, id);
	uint64_t rs = 1;
	int i;

	tv_write_guest(vm, entry, b.start, b.end - b.start);
	tv_vcpu_setup(v, mode, entry);
	for (i = 0; i < 50; i++) {
		int reason = run_once(v, k, &rs, t, false);

		if (reason == TV_EXIT_IO && tv_get_ucall(v, NULL) == TV_UCALL_DONE)
			return true;
		if (reason < 0)
			return false;
	}
	if (!t->bad++)
		snprintf(t->why, sizeof(t->why), "a new vCPU %d in %s did not run: %s", v->id,
			 tv_mode_name(mode), tv_exit_str(v));
	return false;
}

/* --- random instruction bytes --------------------------------------- */

struct bytes_job {
	struct tv_vcpu *v;
	enum tv_mode mode;
	uint64_t seed;
	long rounds;
	pthread_barrier_t *round_start, *round_end;
	struct tally t;
};

static void *random_bytes_runner(void *arg)
{
	struct bytes_job *j = arg;
	struct tv_kicker k = { 0 };
	uint64_t rs = j->seed;
	long r;

	for (r = 0; r < j->rounds; r++) {
		int n;

		pthread_barrier_wait(j->round_start);
		tv_vcpu_setup(j->v, j->mode, TV_BLOB_GPA + 0x1000 * j->v->id);
		/* Random registers too: they are operands. */
		if (tv_rand_below(&rs, 2)) {
			struct tv_regs regs;

			tv_get_regs(j->v, &regs);
			regs.rax = tv_rand(&rs);
			regs.rbx = tv_rand(&rs);
			regs.rcx = tv_rand_below(&rs, 64);
			regs.rdx = tv_rand(&rs);
			regs.rsi = tv_rand(&rs) & 0xfffff;
			regs.rdi = tv_rand(&rs) & 0xfffff;
			tv_set_regs(j->v, &regs);
		}
		for (n = 0; n < 40; n++)
			if (exit_ends_round(run_once(j->v, &k, &rs, &j->t, false)))
				break;
		pthread_barrier_wait(j->round_end);
	}
	tv_kicker_free(&k);
	return NULL;
}

FIXTURE(hostile) {
	int dev;
	long vms0, vcpus0, refs0;
};

FIXTURE_SETUP(hostile)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	ASSERT_EQ(0, tv_module_objects(&self->vms0, &self->vcpus0))
		TH_LOG("/sys/kernel/debug/thinvisor/objects unreadable");
	self->refs0 = tv_module_refcnt();
	ASSERT_LE(0, self->refs0);
}

FIXTURE_TEARDOWN(hostile)
{
	close(self->dev);
}

#define EXPECT_NOTHING_LEFT() do {					\
	long __vms = -1, __vcpus = -1;					\
	ASSERT_EQ(0, tv_module_objects(&__vms, &__vcpus));		\
	EXPECT_EQ(self->vms0, __vms);					\
	EXPECT_EQ(self->vcpus0, __vcpus);				\
	EXPECT_EQ(self->refs0, tv_module_refcnt());			\
} while (0)

/*
 * Every vCPU of one VM runs its own page of random bytes at once, in one
 * mode; between rounds the page tables, GDT, TSS and IDT come back (the
 * guests write anywhere) and the pages get new bytes.  Afterwards each
 * vCPU runs a sane guest to its end.
 */
static void random_bytes(struct __test_metadata *_metadata, enum tv_mode mode,
			 uint64_t seed)
{
	int nthreads = nr_runners(), i;
	struct bytes_job jobs[MAX_THREADS] = { 0 };
	pthread_t th[MAX_THREADS];
	pthread_barrier_t start, end;
	struct tally all = { 0 };
	struct tv_kicker k = { 0 };
	uint64_t rs = seed;
	struct tv_vm *vm;
	uint8_t *low, *saved;
	long rounds, r;

	vm = tv_vm_create_std();
	rounds = tv_fuzz_rounds(30, vm->vendor, 15);
	low = tv_gpa2hva(vm, 0);
	saved = malloc(TV_BLOB_GPA);
	memcpy(saved, low, TV_BLOB_GPA);
	pthread_barrier_init(&start, NULL, nthreads + 1);
	pthread_barrier_init(&end, NULL, nthreads + 1);
	for (i = 0; i < nthreads; i++) {
		jobs[i].v = tv_vcpu_add(vm, i);
		jobs[i].mode = mode;
		jobs[i].seed = seed * 7 + i;
		jobs[i].rounds = rounds;
		jobs[i].round_start = &start;
		jobs[i].round_end = &end;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, random_bytes_runner, &jobs[i]));
	}
	for (r = 0; r < rounds; r++) {
		uint64_t *code = tv_gpa2hva(vm, TV_BLOB_GPA);
		size_t n;

		memcpy(low, saved, TV_BLOB_GPA);
		for (n = 0; n < TV_BLOB_MAX / 8; n++)
			code[n] = tv_rand(&rs);
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&end);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		tally_add(&all, &jobs[i].t);
	}
	memcpy(low, saved, TV_BLOB_GPA);
	vm_still_runs(vm, nthreads, mode, &k, &all);
	tv_kicker_free(&k);
	printf("# %s, %d vCPUs, %ld rounds\n", tv_mode_name(mode), nthreads, rounds);
	tally_log("exits", &all);
	EXPECT_EQ(0, all.bad) TH_LOG("%ld problems, first: %s", all.bad, all.why);
	free(saved);
	tv_vm_free(vm);
}

TEST_F_TIMEOUT(hostile, random_bytes_real_mode, 590)
{
	random_bytes(_metadata, TV_MODE_REAL16, tv_fuzz_seed() ^ 16);
	EXPECT_NOTHING_LEFT();
}

TEST_F_TIMEOUT(hostile, random_bytes_protected_mode, 590)
{
	random_bytes(_metadata, TV_MODE_PROT32, tv_fuzz_seed() ^ 32);
	EXPECT_NOTHING_LEFT();
}

TEST_F_TIMEOUT(hostile, random_bytes_long_mode, 590)
{
	random_bytes(_metadata, TV_MODE_LONG64, tv_fuzz_seed() ^ 64);
	EXPECT_NOTHING_LEFT();
}

/* --- random MSR, port, MMIO and XCR accesses (a 64-bit C guest) ------ */

#define X86_CR4_OSXSAVE		(1UL << 18)

static inline uint64_t guest_rand(uint64_t *s)
{
	return tv_rand(s);
}

static uint32_t guest_msr(uint64_t *s)
{
	switch (guest_rand(s) % 6) {
	case 0: return guest_rand(s) & 0x1fff;
	case 1: return 0xc0000000 | (guest_rand(s) & 0x1fff);
	case 2: return 0x800 | (guest_rand(s) & 0xff);	/* x2APIC */
	case 3: return 0x40000000 | (guest_rand(s) & 0xff);
	case 4: return 0xc0010000 | (guest_rand(s) & 0x1fff);
	default: return guest_rand(s);
	}
}

/* MSRs whose random values would only end this guest at once. */
static bool guest_msr_suicidal(uint32_t msr)
{
	return msr == MSR_EFER || msr == MSR_FS_BASE || msr == MSR_GS_BASE ||
	       msr == 0x1b /* APIC_BASE */ || msr == 0x277 /* PAT */ ||
	       msr == 0x80f /* SVR */ || msr == 0x830;	/* ICR: INIT to self */
}

static uint64_t guest_mmio_gpa(uint64_t *s)
{
	switch (guest_rand(s) % 5) {
	case 0: return 0xfee00000 + (guest_rand(s) & 0xff8);	/* (x)APIC page */
	case 1: return 0xfec00000 + (guest_rand(s) & 0x18);	/* IOAPIC */
	case 2: return TV_MMIO_GPA + (guest_rand(s) & 0xff8);
	case 3: return TV_MMIO_HIGH_GPA + (guest_rand(s) & 0xfff8);
	default: return 0xe0000000 + (guest_rand(s) & 0xffff8);	/* nothing there */
	}
}

/* Interrupts and NMIs a random LVT or IOAPIC entry sends: taken, ended. */
static void guest_on_any_irq(struct tv_ex_frame *f)
{
	if (f->vector != 2)
		tv_wrmsr_safe(0x80b, 0);	/* EOI (x2APIC mode, if it still is) */
}

static void guest_io_storm(uint64_t seed, uint64_t n)
{
	uint64_t s = seed, i, v;
	uint32_t a, b, c, d;
	bool xsave;

	for (i = 32; i < 256; i++)
		tv_guest_handlers[i] = guest_on_any_irq;
	tv_guest_handlers[2] = guest_on_any_irq;

	tv_cpuid(1, 0, &a, &b, &c, &d);
	xsave = c & (1u << 26);
	if (xsave) {
		uint64_t cr4;

		asm volatile("mov %%cr4, %0" : "=r"(cr4));
		asm volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_OSXSAVE));
	}
	for (i = 0; i < n; i++) {
		uint32_t msr = guest_msr(&s);
		uint16_t port = guest_rand(&s);
		volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)guest_mmio_gpa(&s);

		if (port == TV_UCALL_PORT)
			port++;
		if (!(i % 128))
			GUEST_SYNC_ARGS(1, i, n, 0, 0);	/* progress, for the host's report */
		switch (guest_rand(&s) % 8) {
		case 0:
			tv_rdmsr_safe(msr, &v);
			break;
		case 1:
			if (!guest_msr_suicidal(msr))
				tv_wrmsr_safe(msr, guest_rand(&s) >> (guest_rand(&s) & 63));
			break;
		case 2:
			asm volatile("outb %b0, %w1" : : "a"((uint8_t)guest_rand(&s)), "Nd"(port));
			asm volatile("inl %w1, %0" : "=a"(a) : "Nd"(port));
			break;
		case 3:
			asm volatile("outl %0, %w1" : : "a"((uint32_t)guest_rand(&s)), "Nd"(port));
			asm volatile("inw %w1, %w0" : "=a"(a) : "Nd"(port));
			break;
		case 4:
			switch (guest_rand(&s) % 4) {
			case 0: *p = guest_rand(&s); break;
			case 1: *(volatile uint16_t *)p = guest_rand(&s); break;
			case 2: *(volatile uint32_t *)p = guest_rand(&s); break;
			default: *(volatile uint64_t *)p = guest_rand(&s); break;
			}
			break;
		case 5:
			v = *(volatile uint32_t *)p + *(volatile uint64_t *)p;
			break;
		case 6: {	/* XSETBV: any XCR, any value; #GP or #UD mostly */
			uint64_t x = guest_rand(&s) & (guest_rand(&s) % 2 ? 0xff : 0x7ffff);
			uint32_t idx = guest_rand(&s) % 4 ? 0 : guest_rand(&s);

			asm volatile(TV_SAFE_PRE "xsetbv" TV_SAFE_POST
				     : : "c"(idx), "a"((uint32_t)x), "d"((uint32_t)(x >> 32))
				     : "memory");
			/* Back to a sane XCR0, so that the guest's own code runs. */
			if (xsave)
				asm volatile(TV_SAFE_PRE "xsetbv" TV_SAFE_POST
					     : : "c"(0), "a"(3), "d"(0) : "memory");
			break;
		}
		default:
			tv_hypercall(guest_rand(&s), guest_rand(&s), 0, 0, 0);
			break;
		}
	}
	GUEST_DONE();
}

struct io_job {
	uint64_t seed, n, progress;
	bool msr_exits;
	bool done;
	struct tally t;
};

/* Each thread its own VM: the guest's fault fixup is one global per VM. */
static void *io_storm_runner(void *arg)
{
	struct io_job *j = arg;
	struct tv_kicker k = { 0 };
	uint64_t rs = j->seed ^ 0xabc;
	struct tv_vcpu *v;
	struct tv_vm *vm;
	long n, intr = 0;

	vm = tv_vm_create_std();
	v = tv_vcpu_add_guest(vm, 0, TV_MODE_LONG64, (uint64_t)guest_io_storm);
	if (j->msr_exits)
		TV_CHECK(!__tv_enable_cap(vm, TV_CAP_MSR_EXIT_USER, 1), "TV_ENABLE_CAP: %s",
			 strerror(errno));
	tv_vcpu_set_args(v, 2, j->seed, j->n);
	for (n = 0; n < 10 * (long)j->n + 1000; n++) {
		int reason = run_once(v, &k, &rs, &j->t, j->msr_exits);

		if (reason < 0)
			break;
		if (reason == TV_EXIT_IO && v->run->io.port == TV_UCALL_PORT) {
			struct tv_ucall uc;
			uint64_t cmd = tv_get_ucall(v, &uc);

			if (cmd == TV_UCALL_SYNC) {
				j->progress = uc.args[1];
				continue;
			}
			/* DONE, or the guest gave up (an exception it did not expect). */
			j->done = cmd == TV_UCALL_DONE;
			if (!j->done)
				printf("# guest %d stopped: %s\n", (int)(j->seed & 0xff),
				       tv_exit_str(v));
			break;
		}
		/* A guest that stopped itself (an INIT or a halt) ends too. */
		intr = reason == TV_EXIT_INTR ? intr + 1 : 0;
		if (intr > 20 || reason == TV_EXIT_SHUTDOWN || reason == TV_EXIT_FAIL_ENTRY)
			break;
	}
	if (!j->done) {
		struct tv_regs regs;

		tv_get_regs(v, &regs);
		printf("# guest %d not done after %ld RUNs: %llu of %llu accesses, rip 0x%llx, last %s\n",
		       (int)(j->seed & 0xff), n, (unsigned long long)j->progress,
		       (unsigned long long)j->n, (unsigned long long)regs.rip, tv_exit_str(v));
	}
	tv_kicker_free(&k);
	tv_vm_free(vm);
	return NULL;
}

/*
 * On every runner at once: random RDMSR/WRMSR (with MSR exits to
 * userspace in half the VMs), port I/O, MMIO to the APIC, the IOAPIC and
 * holes, XSETBV of random values, hypercalls.  The guest catches its
 * #GPs; the host answers every exit with random data.
 */
TEST_F_TIMEOUT(hostile, random_msr_port_mmio_xsetbv, 590)
{
	uint64_t seed = tv_fuzz_seed() ^ 0x10;
	int nthreads = nr_runners(), i, done = 0;
	struct io_job jobs[MAX_THREADS] = { 0 };
	pthread_t th[MAX_THREADS];
	struct tally all = { 0 };
	int vendor = ioctl(self->dev, TV_CHECK_CAP, TV_CAP_VENDOR);

	for (i = 0; i < nthreads; i++) {
		jobs[i].seed = seed * 13 + i;
		jobs[i].n = tv_fuzz_rounds(1000, vendor, 25);
		jobs[i].msr_exits = i % 2;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, io_storm_runner, &jobs[i]));
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		tally_add(&all, &jobs[i].t);
		done += jobs[i].done;
	}
	printf("# %d guests of %lu accesses each, %d reached the end\n", nthreads,
	       (unsigned long)jobs[0].n, done);
	tally_log("exits", &all);
	EXPECT_EQ(0, all.bad) TH_LOG("%ld problems, first: %s", all.bad, all.why);
	/* A guest may stop itself; not all of them, every time. */
	EXPECT_LT(0, done);
	EXPECT_NOTHING_LEFT();
}

/* --- CR, EFER and segment garbage ------------------------------------ */

static void garble_segment(uint64_t *rs, struct tv_segment *s)
{
	switch (tv_rand_below(rs, 4)) {
	case 0: s->attrib = tv_rand(rs); break;
	case 1: s->base = tv_rand(rs); break;
	case 2: s->limit = tv_rand(rs); break;
	default: s->selector = tv_rand(rs); break;
	}
}

/* TV_FUZZ_TRACE=1 (tv.fuzz_trace=1): each state, before its RUN, on stdout. */
static void trace_state(long round, enum tv_mode mode, const struct tv_sregs *s,
			const struct tv_regs *regs, int set_err)
{
	const struct tv_segment *g[] = { &s->cs, &s->ds, &s->ss, &s->tr, &s->ldt };
	static const char *const gn[] = { "cs", "ds", "ss", "tr", "ldt" };
	unsigned int i;

	printf("# round %ld %s set_sregs %d cr0 %llx cr3 %llx cr4 %llx efer %llx rip %llx rflags %llx gdt %llx/%x idt %llx/%x\n",
	       round, tv_mode_name(mode), set_err, (unsigned long long)s->cr0,
	       (unsigned long long)s->cr3, (unsigned long long)s->cr4,
	       (unsigned long long)s->efer, (unsigned long long)regs->rip,
	       (unsigned long long)regs->rflags, (unsigned long long)s->gdt.base,
	       s->gdt.limit, (unsigned long long)s->idt.base, s->idt.limit);
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		printf("#   %s sel %x base %llx limit %x attr %x\n", gn[i], g[i]->selector,
		       (unsigned long long)g[i]->base, g[i]->limit, g[i]->attrib);
	fflush(stdout);
}

/*
 * Random bits in CR0, CR3, CR4, EFER, segments and descriptor tables
 * (what TV_SET_SREGS takes), random RIP and RFLAGS, then RUN: TV_SET_SREGS
 * may refuse the state (EINVAL), VM entry may (TV_EXIT_FAIL_ENTRY, VMX
 * only) or the guest may fault, but the host must not care.  Then a sane
 * state, and the vCPU runs again.  Here the lane found states VMRUN
 * refuses reaching the CPU, after which QEMU's TCG let a guest with
 * interrupts off keep its host CPU (security.rst).
 */
TEST_F_TIMEOUT(hostile, sregs_garbage_then_recovery, 590)
{
	uint64_t rs = tv_fuzz_seed() ^ 0x5e;
	static const enum tv_mode modes[] = { TV_MODE_REAL16, TV_MODE_PROT32, TV_MODE_LONG64 };
	struct tally t = { 0 };
	struct tv_kicker k = { 0 };
	struct tv_vm *vm = tv_vm_create_std();
	struct tv_vcpu *v = tv_vcpu_add(vm, 0);
	long rounds = tv_fuzz_rounds(200, vm->vendor, 20), r, refused = 0;
	bool trace = tv_fuzz_param("trace", 0);
	uint8_t *low = tv_gpa2hva(vm, 0), *saved = malloc(TV_BLOB_GPA);

	ASSERT_NE(NULL, saved);
	memcpy(saved, low, TV_BLOB_GPA);
	for (r = 0; r < rounds; r++) {
		enum tv_mode mode = modes[tv_rand_below(&rs, 3)];
		struct tv_sregs s;
		struct tv_regs regs;
		int i, set_err, n = 1 + tv_rand_below(&rs, 4);

		/* The last round's guest may have written anywhere. */
		memcpy(low, saved, TV_BLOB_GPA);
		tv_vcpu_setup(v, mode, TV_BLOB_GPA);
		tv_get_sregs(v, &s);
		tv_get_regs(v, &regs);
		for (i = 0; i < n; i++) {
			switch (tv_rand_below(&rs, 10)) {
			case 0: s.cr0 ^= 1ULL << tv_rand_below(&rs, 32); break;
			case 1: s.cr4 ^= 1ULL << tv_rand_below(&rs, 32); break;
			case 2: s.cr4 = tv_rand(&rs) & 0xffffffff; break;
			case 3: s.efer ^= TV_PICK(&rs, EFER_LME, EFER_LMA, EFER_NXE, EFER_SCE); break;
			case 4: s.cr3 = tv_rand(&rs) & TV_PICK(&rs, ~0ULL, 0xfffff000, 0xfff); break;
			case 5: garble_segment(&rs, TV_PICK(&rs, 0, 1, 2, 3, 4, 5, 6, 7) == 0 ?
					       &s.cs : TV_PICK(&rs, 0, 1) ? &s.ss : &s.tr); break;
			case 6: garble_segment(&rs, TV_PICK(&rs, 0, 1) ? &s.ds : &s.ldt); break;
			case 7: s.idt.limit = tv_rand(&rs); s.gdt.base = tv_rand(&rs); break;
			case 8: regs.rflags = tv_rand(&rs); break;
			default: regs.rip = tv_rand(&rs); break;
			}
		}
		set_err = ioctl(v->fd, TV_SET_SREGS, &s) ? errno : 0;
		if (set_err) {
			EXPECT_EQ(EINVAL, set_err);
			refused++;
		}
		tv_set_regs(v, &regs);
		if (trace) {
			/* What the vCPU holds now: a refused state left it as it was. */
			tv_get_sregs(v, &s);
			trace_state(r, mode, &s, &regs, set_err);
		}
		for (i = 0; i < 8; i++) {
			int reason = run_once(v, &k, &rs, &t, false);

			if (trace) {
				printf("#   RUN %d: %s\n", i, tv_exit_str(v));
				fflush(stdout);
			}
			if (exit_ends_round(reason))
				break;
		}
	}
	memcpy(low, saved, TV_BLOB_GPA);
	free(saved);
	for (r = 0; r < 3; r++)
		EXPECT_TRUE(vm_still_runs(vm, 1, modes[r], &k, &t)) TH_LOG("%s", t.why);
	tv_kicker_free(&k);
	printf("# %ld rounds, %ld states refused by TV_SET_SREGS\n", rounds, refused);
	tally_log("exits", &t);
	EXPECT_EQ(0, t.bad) TH_LOG("%ld problems, first: %s", t.bad, t.why);
	tv_vm_free(vm);
	EXPECT_NOTHING_LEFT();
}

/* --- IPI storms and the smallest timer period ------------------------ */

#define VEC_IPI		0x40
#define VEC_TIMER	0x41
#define X2APIC_EOI	0x80b
#define X2APIC_ICR	0x830
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TMICT	0x838
#define X2APIC_TDCR	0x83e
#define X2APIC_SELF_IPI	0x83f

static volatile uint64_t guest_irqs[MAX_THREADS * 4];
static volatile uint64_t guest_timer_irqs[MAX_THREADS * 4];
static volatile uint64_t guest_timer_cap;

static void guest_on_irq(struct tv_ex_frame *f)
{
	uint32_t id = tv_rdmsr(0x802) % (MAX_THREADS * 4);

	__atomic_add_fetch(&guest_irqs[id], 1, __ATOMIC_RELAXED);
	/*
	 * The timer stops itself after a number of its interrupts: where
	 * taking one costs more than its 200 us period (the Bochs machine,
	 * where an exit costs tens of emulated microseconds), the guest
	 * does nothing but take them, and the storm's loop would never end.
	 */
	if (f->vector == VEC_TIMER && ++guest_timer_irqs[id] >= guest_timer_cap)
		tv_wrmsr(X2APIC_TMICT, 0);
	if (f->vector != 2)
		tv_wrmsr(X2APIC_EOI, 0);
}

/*
 * Every vCPU: a 1-count periodic timer (the module makes that its
 * shortest period, 200 us) for timer_cap of its interrupts, self-IPIs,
 * IPIs and NMIs to all.
 */
static void guest_ipi_storm(uint64_t seed, uint64_t n, uint64_t timer_cap)
{
	uint64_t s = seed, i;
	uint32_t id = tv_rdmsr(0x802) % (MAX_THREADS * 4);

	guest_timer_cap = timer_cap;
	tv_guest_handlers[VEC_IPI] = guest_on_irq;
	tv_guest_handlers[VEC_TIMER] = guest_on_irq;
	tv_guest_handlers[2] = guest_on_irq;
	tv_wrmsr(0x80f, 0x1ff);				/* SVR: APIC on */
	tv_wrmsr(X2APIC_TDCR, 0xb);			/* divide by 1 */
	tv_wrmsr(X2APIC_LVT_TIMER, (1 << 17) | VEC_TIMER);	/* periodic */
	tv_wrmsr(X2APIC_TMICT, 1);
	for (i = 0; i < n; i++) {
		switch (guest_rand(&s) % 5) {
		case 0: tv_wrmsr(X2APIC_SELF_IPI, VEC_IPI); break;
		case 1: tv_wrmsr(X2APIC_ICR, 0xc0000 | VEC_IPI); break;	/* all but self */
		case 2: tv_wrmsr(X2APIC_ICR, 0x80000 | VEC_IPI); break;	/* all */
		case 3: tv_wrmsr(X2APIC_ICR, 0xc0400); break;		/* NMI to the others */
		default:
			tv_wrmsr(X2APIC_ICR, ((guest_rand(&s) % MAX_THREADS) << 32) | VEC_IPI);
			break;
		}
		asm volatile("sti; nop; cli");
	}
	tv_wrmsr(X2APIC_TMICT, 0);
	GUEST_SYNC_ARGS(1, guest_irqs[id], guest_timer_irqs[id], 0, 0);
	/* Take what is still in flight, then end. */
	asm volatile("sti; nop; nop; cli");
	GUEST_DONE();
}

struct storm_job {
	struct tv_vcpu *v;
	uint64_t seed;
	long max_runs;
	bool done;
	uint64_t irqs, timer_irqs;
	struct tally t;
};

static void *storm_runner(void *arg)
{
	struct storm_job *j = arg;
	struct tv_kicker k = { 0 };
	uint64_t rs = j->seed;
	long n;

	for (n = 0; n < j->max_runs; n++) {
		struct tv_ucall uc;
		int reason = run_once(j->v, &k, &rs, &j->t, false);

		if (reason < 0 || reason == TV_EXIT_SHUTDOWN || reason == TV_EXIT_FAIL_ENTRY)
			break;
		if (reason != TV_EXIT_IO)
			continue;
		switch (tv_get_ucall(j->v, &uc)) {
		case TV_UCALL_SYNC:
			j->irqs = uc.args[1];
			j->timer_irqs = uc.args[2];
			break;
		case TV_UCALL_DONE:
			j->done = true;
			break;
		default:
			if (!j->t.bad++)
				snprintf(j->t.why, sizeof(j->t.why), "vCPU %d: %s", j->v->id,
					 tv_exit_str(j->v));
			break;
		}
		if (j->done || j->t.bad)
			break;
	}
	tv_kicker_free(&k);
	return NULL;
}

/*
 * Bounded by counts, not time: n loop turns and timer_cap timer
 * interrupts a vCPU, and at most max_runs RUNs (each ended by the
 * kicker's 2 ms at the latest) to do them in.
 */
TEST_F_TIMEOUT(hostile, ipi_storm_and_tiny_timer_period, 590)
{
	int nthreads = nr_runners(), i;
	struct storm_job jobs[MAX_THREADS] = { 0 };
	pthread_t th[MAX_THREADS];
	struct tally all = { 0 };
	struct tv_vm *vm = tv_vm_create_std();
	uint64_t n = tv_fuzz_rounds(5000, vm->vendor, 50), seed = tv_fuzz_seed() ^ 0x1919;
	uint64_t timer_cap = tv_fuzz_rounds(2000, vm->vendor, 20);

	for (i = 0; i < nthreads; i++) {
		jobs[i].v = tv_vcpu_add_guest(vm, i, TV_MODE_LONG64, (uint64_t)guest_ipi_storm);
		jobs[i].seed = seed + i;
		jobs[i].max_runs = 20 * n + 10 * timer_cap + 1000;
		tv_vcpu_set_args(jobs[i].v, 3, seed + i, n, timer_cap);
	}
	for (i = 0; i < nthreads; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, storm_runner, &jobs[i]));
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		tally_add(&all, &jobs[i].t);
		printf("# vCPU %d: %s after %llu turns, %llu interrupts taken, %llu of them the timer's (at most %llu)\n",
		       i, jobs[i].done ? "done" : "not done", (unsigned long long)n,
		       (unsigned long long)jobs[i].irqs, (unsigned long long)jobs[i].timer_irqs,
		       (unsigned long long)timer_cap);
		EXPECT_TRUE(jobs[i].done);
		EXPECT_LT(0, jobs[i].irqs);
		/* Every loop turn has exits: more than one 200 us period passes. */
		EXPECT_LT(0, jobs[i].timer_irqs);
	}
	tally_log("exits", &all);
	EXPECT_EQ(0, all.bad) TH_LOG("%ld problems, first: %s", all.bad, all.why);
	tv_vm_free(vm);
	EXPECT_NOTHING_LEFT();
}

/* --- triple faults in a loop ----------------------------------------- */

/* With an IDT of limit 0, any exception is a triple fault. */
TV_BLOB(blob_ud2, ".byte 0x0f, 0x0b\n\t");

struct triple_job {
	struct tv_vcpu *v;
	long rounds, shutdowns;
	struct tally t;
};

static void *triple_runner(void *arg)
{
	static const enum tv_mode modes[] = { TV_MODE_REAL16, TV_MODE_PROT32, TV_MODE_LONG64 };
	struct triple_job *j = arg;
	struct tv_kicker k = { 0 };
	uint64_t rs = j->v->id;
	long r;

	for (r = 0; r < j->rounds; r++) {
		enum tv_mode mode = modes[r % 3];
		struct tv_sregs s;
		int reason;

		tv_vcpu_setup(j->v, mode, TV_BLOB_GPA + 0x1000 * (mode + 1) * 4 +
			      0x100 * j->v->id);
		tv_get_sregs(j->v, &s);
		s.idt.limit = 0;
		tv_set_sregs(j->v, &s);
		reason = run_once(j->v, &k, &rs, &j->t, false);
		if (reason == TV_EXIT_SHUTDOWN) {
			struct tv_regs regs;

			j->shutdowns++;
			tv_get_regs(j->v, &regs);	/* the state stays readable */
		} else if (reason != TV_EXIT_INTR && !j->t.bad++) {
			snprintf(j->t.why, sizeof(j->t.why), "vCPU %d in %s: %s, not a shutdown",
				 j->v->id, tv_mode_name(mode), tv_exit_str(j->v));
		}
	}
	tv_kicker_free(&k);
	return NULL;
}

TEST_F_TIMEOUT(hostile, triple_faults_in_a_loop, 590)
{
	int nthreads = nr_runners(), i, m;
	struct triple_job jobs[MAX_THREADS] = { 0 };
	pthread_t th[MAX_THREADS];
	struct tally all = { 0 };
	struct tv_vm *vm = tv_vm_create_std();
	long rounds = tv_fuzz_rounds(100, vm->vendor, 20);

	/* ud2 at each vCPU's entry, in each mode's 16 KiB of the blob area. */
	for (m = 0; m < 3; m++)
		for (i = 0; i < nthreads; i++) {
			struct tv_blob b = TV_BLOB_FOR(blob_ud2, (enum tv_mode)m);

			tv_write_guest(vm, TV_BLOB_GPA + 0x1000 * (m + 1) * 4 + 0x100 * i,
				       b.start, b.end - b.start);
		}
	for (i = 0; i < nthreads; i++) {
		jobs[i].v = tv_vcpu_add(vm, i);
		jobs[i].rounds = rounds;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, triple_runner, &jobs[i]));
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		tally_add(&all, &jobs[i].t);
		/* A kick may come first now and then; shutdowns are the rule. */
		EXPECT_LT(rounds / 2, jobs[i].shutdowns);
	}
	tally_log("exits", &all);
	EXPECT_EQ(0, all.bad) TH_LOG("%ld problems, first: %s", all.bad, all.why);
	tv_vm_free(vm);
	EXPECT_NOTHING_LEFT();
}

TEST_HARNESS_MAIN
