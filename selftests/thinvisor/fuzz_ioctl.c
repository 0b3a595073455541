// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer (issue #12): a hostile launcher.  Random sequences of
 * every ioctl on /dev/thinvisor, VM and vCPU fds, with boundary and random
 * arguments and bad pointers (NULL, unmapped, read-only, kernel, across
 * the end of a mapping), from several threads at once, with close(),
 * dup(), fork() and mmap() of run pages among them; munmap() of slot
 * memory while a vCPU runs; vCPU fds closed while IPIs fly.
 *
 * What must hold: every ioctl returns a result or an errno the API
 * documents; every RUN ends in a documented exit; afterwards the module
 * holds no VM, vCPU or reference more than before.  That the host
 * survives with a clean kernel log, and that the module unloads, is
 * checked after the suite by run-tests.sh.
 *
 * Seeded: the seed is printed; TV_FUZZ_SEED / tv.fuzz_seed= replays it,
 * TV_FUZZ_SCALE / tv.fuzz_scale= runs longer (tv_fuzz.h).
 */
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "tv_test.h"
#include "tv_fuzz.h"

enum kind { K_DEV, K_VM, K_VCPU };

#define MAX_OBJS	48
#define NR_THREADS	4
#define NR_RAM		4
#define RAM_SIZE	(2UL << 20)
#define MAX_MAPS	16

struct obj {
	int fd;			/* -1: free */
	enum kind kind;
	struct tv_run *run;	/* a vCPU's run page, unmapped only at the end */
	bool msr_exits;
	long closes;		/* g.closes when this copy was taken */
};

/* What every thread shares. */
static struct {
	pthread_mutex_t lock;
	struct obj objs[MAX_OBJS];
	void *runs[MAX_OBJS * 4];	/* run pages to unmap at the end */
	int nruns;
	long nr_slots, nr_vcpus, max_cpuid, max_msrs, run_size;
	int vendor;
	/* Memory for slots, and pointers the kernel must refuse. */
	uint8_t *ram[NR_RAM];
	uint8_t *ro, *none, *edge;
	/*
	 * What lets a RUN's page be judged as that RUN's: no other RUN in
	 * flight when it began, none begun after it, and no fd closed (so
	 * renumbered to another vCPU) since its fd was picked.
	 */
	long run_starts, runs_in_flight, closes;
	/* Results. */
	long ops, runs_done, exits, judged, forks;
	int bad;
	char first_bad[256];
} g = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void note_bad(uint64_t seed, int thread, long op, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note_bad(uint64_t seed, int thread, long op, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&g.lock);
	if (g.bad++ < 20)
		printf("# BAD (seed %llu thread %d op %ld): %s\n",
		       (unsigned long long)seed, thread, op, msg);
	if (!g.first_bad[0])
		snprintf(g.first_bad, sizeof(g.first_bad), "thread %d op %ld: %s",
			 thread, op, msg);
	pthread_mutex_unlock(&g.lock);
}

/* The errnos api.rst gives for some ioctl, and what a stale fd gives. */
static bool errno_documented(int e)
{
	switch (e) {
	case EINVAL: case EFAULT: case ENOTTY: case E2BIG: case EEXIST:
	case EBUSY: case ENOMEM: case EINTR: case EIO: case EBADF:
	case EMFILE: case ENFILE:
		return true;
	case EOPNOTSUPP:	/* VMX vCPUs off (vmx_vcpus=0) */
		return getenv("TV_VCPUS_OFF") != NULL;
	}
	return false;
}

static void add_obj(int fd, enum kind kind, struct tv_run *run)
{
	int i;

	pthread_mutex_lock(&g.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (g.objs[i].fd < 0)
			break;
	if (run && g.nruns < (int)(sizeof(g.runs) / sizeof(g.runs[0]))) {
		g.runs[g.nruns++] = run;
	} else if (run) {
		munmap(run, g.run_size);	/* no room to keep it: never used */
		run = NULL;
	}
	if (i == MAX_OBJS) {
		close(fd);
	} else {
		g.objs[i].fd = fd;
		g.objs[i].kind = kind;
		g.objs[i].run = run;
		g.objs[i].msr_exits = false;
	}
	pthread_mutex_unlock(&g.lock);
}

/* A random live object (a copy), preferring a kind; false if none. */
static bool pick_obj(uint64_t *rs, int want, struct obj *o, int *slot)
{
	int i, start = tv_rand_below(rs, MAX_OBJS), any = -1;

	pthread_mutex_lock(&g.lock);
	for (i = 0; i < MAX_OBJS; i++) {
		struct obj *c = &g.objs[(start + i) % MAX_OBJS];

		if (c->fd < 0)
			continue;
		if (any < 0)
			any = (start + i) % MAX_OBJS;
		if (want < 0 || (int)c->kind == want) {
			any = (start + i) % MAX_OBJS;
			break;
		}
	}
	if (any >= 0) {
		*o = g.objs[any];
		o->closes = g.closes;
		if (slot)
			*slot = any;
	}
	pthread_mutex_unlock(&g.lock);
	return any >= 0;
}

static int nr_objs(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_OBJS; i++)
		n += g.objs[i].fd >= 0;
	return n;
}

/* A pointer for an ioctl's struct of len bytes: mostly good, often not. */
static void *pick_ptr(uint64_t *rs, void *good, size_t len)
{
	switch (tv_rand_below(rs, 12)) {
	case 0: return NULL;
	case 1: return g.none;
	case 2: return g.ro;		/* fine to read, EFAULT to write */
	case 3: return g.edge + 4096 - (len > 8 ? len / 2 : 1);	/* runs into PROT_NONE */
	case 4: return (void *)0xffffffff81000000UL;	/* kernel */
	case 5: return (void *)((uintptr_t)good + 1);	/* unaligned */
	case 6: return (void *)(uintptr_t)tv_rand(rs);
	default: return good;
	}
}

/* Fill a struct: zeros (reserved fields valid), random bytes, or boundaries. */
static void fill(uint64_t *rs, void *p, size_t len)
{
	uint8_t *b = p;
	size_t i;

	switch (tv_rand_below(rs, 3)) {
	case 0:
		memset(p, 0, len);
		break;
	case 1:
		for (i = 0; i < len; i++)
			b[i] = tv_rand(rs);
		break;
	default:
		memset(p, 0, len);
		for (i = 0; i < len && i < 64; i += 8) {
			uint64_t v = TV_PICK(rs, 0, 1, 0xff, 0xffffffff, ~0ULL, 1ULL << 63,
					     0x8000000000000000ULL - 1, 4096);

			memcpy(b + i, &v, len - i < 8 ? len - i : 8);
		}
		break;
	}
}

static uint64_t pick_u64(uint64_t *rs)
{
	return TV_PICK(rs, 0, 1, 2, 3, 15, 16, 23, 24, 31, 32, 63, 64, 255, 256,
		       4095, 4096, 0x7fffffff, 0x80000000, 0xffffffff,
		       0x100000000ULL, ~0ULL, 1ULL << 63, tv_rand(rs),
		       tv_rand(rs) & 0xff);
}

/* MSRs worth writing from the host: the ones the module owns, and the APIC. */
static uint32_t pick_msr(uint64_t *rs)
{
	return TV_PICK(rs, 0x10, 0x1b, 0x277, 0x174, 0x175, 0x176, 0x1a0, 0x6e0,
		       0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
		       0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
		       0x802, 0x808, 0x80b, 0x80f, 0x830, 0x830, 0x830, 0x832,
		       0x838, 0x839, 0x83e, 0x83f, 0x800 + tv_rand_below(rs, 256),
		       tv_rand(rs) & 0xffffffff);
}

static unsigned long pick_ioctl(uint64_t *rs)
{
	static const unsigned long known[] = {
		TV_GET_API_VERSION, TV_CHECK_CAP, TV_CREATE_VM, TV_GET_SUPPORTED_CPUID,
		TV_SET_MEMORY_REGION, TV_CREATE_VCPU, TV_SET_CPUID, TV_ENABLE_CAP,
		TV_IRQ_LINE, TV_RUN, TV_GET_REGS, TV_SET_REGS, TV_GET_SREGS,
		TV_SET_SREGS, TV_GET_MSRS, TV_SET_MSRS, TV_GET_XSAVE, TV_SET_XSAVE,
		TV_GET_EVENTS, TV_SET_EVENTS,
	};

	switch (tv_rand_below(rs, 20)) {
	case 0:	/* the magic with any number, direction and size */
		return _IOC(tv_rand_below(rs, 4), TV_IOCTL_MAGIC, tv_rand_below(rs, 64),
			    tv_rand_below(rs, 1 << 14));
	case 1:	/* a known number with a wrong size */
		return (known[tv_rand_below(rs, 20)] & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       (tv_rand_below(rs, 1 << 14) << _IOC_SIZESHIFT);
	case 2:
		return tv_rand(rs) & 0xffffffff;
	default:
		return known[tv_rand_below(rs, 20)];
	}
}

/* The argument of one ioctl: a number, or a struct (good or bad) in buf. */
static unsigned long make_arg(uint64_t *rs, unsigned long cmd, uint8_t *buf, size_t bufsz)
{
	size_t len = _IOC_SIZE(cmd);

	switch (cmd) {
	case TV_GET_API_VERSION:
	case TV_RUN:
		return TV_PICK(rs, 0, 0, 0, 1, ~0UL);
	case TV_CHECK_CAP:
		return TV_PICK(rs, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, pick_u64(rs));
	case TV_CREATE_VM:
		return TV_PICK(rs, 0, 0, 0, 1, ~0UL);
	case TV_CREATE_VCPU:
		return TV_PICK(rs, 0, 1, 2, 3, g.nr_vcpus - 1, g.nr_vcpus, g.nr_vcpus + 1,
			       tv_rand_below(rs, g.nr_vcpus), ~0UL, 1UL << 32);
	case TV_SET_MEMORY_REGION: {
		struct tv_memory_region *m = (void *)buf;
		uint64_t size = TV_PICK(rs, 0, 4096, 64 << 10, RAM_SIZE, RAM_SIZE / 2,
					4097, 1ULL << 40, ~0ULL & ~4095ULL,
					tv_rand(rs) & 0x1ff000);
		int r = tv_rand_below(rs, NR_RAM);

		memset(m, 0, sizeof(*m));
		m->slot = TV_PICK(rs, 0, 1, 2, g.nr_slots - 1, g.nr_slots, ~0U,
				  tv_rand_below(rs, g.nr_slots));
		m->flags = TV_PICK(rs, 0, 0, 0, TV_MEM_READONLY, tv_rand(rs));
		m->guest_phys_addr = TV_PICK(rs, 0, 0x100000, 0xfee00000, 0xfec00000,
					     (tv_rand(rs) & 0xfffff) << 12,
					     (1ULL << 48) - 4096, 1ULL << 48, 0x123,
					     ~0ULL & ~4095ULL, tv_rand(rs));
		m->size = size;
		m->userspace_addr = TV_PICK(rs, (uintptr_t)g.ram[r],
					    (uintptr_t)g.ram[r],
					    (uintptr_t)g.ram[r] + RAM_SIZE / 2,
					    (uintptr_t)g.ro, (uintptr_t)g.none,
					    (uintptr_t)g.edge, 0, 0xffffffff81000000UL,
					    (uintptr_t)g.ram[r] + 1,
					    0x00007ffffffff000UL, tv_rand(rs));
		if (!tv_rand_below(rs, 16))
			m->reserved[tv_rand_below(rs, 4)] = tv_rand(rs) | 1;
		return (unsigned long)pick_ptr(rs, m, sizeof(*m));
	}
	case TV_SET_CPUID:
	case TV_GET_SUPPORTED_CPUID: {
		struct tv_cpuid *c = (void *)buf;
		size_t room = (bufsz - sizeof(*c)) / sizeof(c->entries[0]);
		uint32_t n = TV_PICK(rs, 0, 1, 2, g.max_cpuid, g.max_cpuid + 1,
				     0x7fffffff, ~0U, tv_rand_below(rs, room));
		size_t i;

		fill(rs, c, sizeof(*c) + (n < room ? n : room) * sizeof(c->entries[0]));
		c->nent = n;
		c->reserved = tv_rand_below(rs, 8) ? 0 : tv_rand(rs);
		for (i = 0; i < n && i < room; i++) {
			if (tv_rand_below(rs, 4))
				memset(c->entries[i].reserved, 0, sizeof(c->entries[i].reserved));
			if (tv_rand_below(rs, 2))
				c->entries[i].flags &= TV_CPUID_FLAG_INDEXED;
		}
		return (unsigned long)pick_ptr(rs, c, sizeof(*c));
	}
	case TV_ENABLE_CAP: {
		struct tv_enable_cap *e = (void *)buf;

		fill(rs, e, sizeof(*e));
		if (tv_rand_below(rs, 2)) {
			memset(e, 0, sizeof(*e));
			e->cap = TV_PICK(rs, TV_CAP_MSR_EXIT_USER, 0, 100, pick_u64(rs));
			e->args[0] = TV_PICK(rs, 0, 1, 2, pick_u64(rs));
		}
		return (unsigned long)pick_ptr(rs, e, sizeof(*e));
	}
	case TV_IRQ_LINE: {
		struct tv_irq_line *l = (void *)buf;

		memset(l, 0, sizeof(*l));
		l->gsi = TV_PICK(rs, 0, 4, 23, 24, 25, ~0U, tv_rand_below(rs, 24));
		l->level = TV_PICK(rs, 0, 1, 1, 2, ~0U);
		if (!tv_rand_below(rs, 8))
			l->reserved[tv_rand_below(rs, 2)] = tv_rand(rs) | 1;
		return (unsigned long)pick_ptr(rs, l, sizeof(*l));
	}
	case TV_GET_MSRS:
	case TV_SET_MSRS: {
		struct tv_msrs *m = (void *)buf;
		size_t room = (bufsz - sizeof(*m)) / sizeof(m->entries[0]);
		uint32_t n = TV_PICK(rs, 0, 1, 2, 8, g.max_msrs, g.max_msrs + 1, ~0U,
				     tv_rand_below(rs, room));
		size_t i;

		memset(m, 0, sizeof(*m));
		m->nmsrs = n;
		if (!tv_rand_below(rs, 8))
			m->reserved = tv_rand(rs);
		for (i = 0; i < n && i < room; i++) {
			m->entries[i].index = pick_msr(rs);
			m->entries[i].reserved = tv_rand_below(rs, 16) ? 0 : 1;
			/* ICR: mostly fixed or NMI IPIs, by shorthand or id. */
			m->entries[i].data = m->entries[i].index == 0x830 ?
				TV_PICK(rs, 0xc0040, 0x80040, 0x40040, 0x400 | (1ULL << 32),
					0x500, 0x600 | (tv_rand_below(rs, 4) << 32),
					0xc0400, tv_rand(rs) & 0xfffff) :
				pick_u64(rs);
		}
		return (unsigned long)pick_ptr(rs, m, sizeof(*m));
	}
	default:
		/* REGS, SREGS, XSAVE, EVENTS and unknown numbers: any bytes. */
		if (len > bufsz)
			len = bufsz;
		fill(rs, buf, len);
		if (cmd == TV_SET_SREGS && tv_rand_below(rs, 2)) {
			struct tv_sregs *s = (void *)buf;

			/* Garbage the API accepts, so that RUN meets it. */
			memset(s->reserved, 0, sizeof(s->reserved));
			memset(s->gdt.pad, 0, sizeof(s->gdt.pad));
			memset(s->idt.pad, 0, sizeof(s->idt.pad));
			s->cr0 &= 0xffffffff;
			s->cr8 &= 15;
			s->efer &= TV_PICK(rs, 0, 0x501, 0xd01, 0x100, 0x400, 0xd00);
		}
		if ((cmd == TV_SET_REGS || cmd == TV_SET_EVENTS) && tv_rand_below(rs, 2)) {
			/* Reserved fields zero: the ioctl takes it. */
			if (cmd == TV_SET_REGS)
				memset(((struct tv_regs *)buf)->reserved, 0,
				       sizeof(((struct tv_regs *)buf)->reserved));
			else
				memset(&((struct tv_events *)buf)->pad, 0,
				       sizeof(struct tv_events) -
				       offsetof(struct tv_events, pad));
		}
		return (unsigned long)pick_ptr(rs, buf, len);
	}
}

/* A RUN bounded by this thread's kicker, its result checked. */
static void do_run(uint64_t seed, int t, long op, struct tv_kicker *k, struct obj *o)
{
	struct tv_run *run = o->run;
	long start, alone;
	int r, err;

	if (run && !tv_rand_below(&seed, 8))
		run->immediate_exit = 1;
	start = __atomic_add_fetch(&g.run_starts, 1, __ATOMIC_SEQ_CST);
	alone = __atomic_add_fetch(&g.runs_in_flight, 1, __ATOMIC_SEQ_CST) == 1;
	tv_kicker_arm(k, 2000);
	r = ioctl(o->fd, TV_RUN, 0);
	err = errno;
	tv_kicker_disarm(k);
	if (run)
		run->immediate_exit = 0;
	__atomic_add_fetch(&g.runs_done, 1, __ATOMIC_RELAXED);
	if (r == -1 && err != EINTR) {
		/* No registers yet, a stale fd, a child's: documented errors. */
		if (!errno_documented(err) || err == EINTR)
			note_bad(seed, t, op, "TV_RUN: %s", strerror(err));
		goto out;
	}
	__atomic_add_fetch(&g.exits, 1, __ATOMIC_RELAXED);
	if (run) {
		/*
		 * Other threads' RUNs of the same vCPU (through this fd, a
		 * dup of it, or the fd number reused for another vCPU) write
		 * the page too: judge one copy, taken when none of those can
		 * have happened since this RUN began.
		 */
		struct tv_run snap;
		const char *why;

		memcpy(&snap, run, sizeof(snap));
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!alone || __atomic_load_n(&g.run_starts, __ATOMIC_SEQ_CST) != start ||
		    __atomic_load_n(&g.closes, __ATOMIC_SEQ_CST) != o->closes)
			goto out;
		__atomic_add_fetch(&g.judged, 1, __ATOMIC_RELAXED);
		why = tv_fuzz_exit_problem(r, err, &snap, g.run_size, true);
		if (why)
			note_bad(seed, t, op, "%s", why);
	}
out:
	__atomic_sub_fetch(&g.runs_in_flight, 1, __ATOMIC_SEQ_CST);
}

/* A child of fork(): the VM and vCPU fds it inherited are not its own. */
static void child(uint64_t rs)
{
	struct tv_regs regs;
	int i, bad = 0;

	for (i = 0; i < MAX_OBJS; i++) {
		struct obj *o = &g.objs[i];
		unsigned long cmd;
		int r;

		if (o->fd < 0 || o->kind == K_DEV)
			continue;
		memset(&regs, 0, sizeof(regs));
		cmd = o->kind == K_VM ? TV_PICK(&rs, TV_CREATE_VCPU, TV_IRQ_LINE) :
					TV_PICK(&rs, TV_RUN, TV_SET_REGS, TV_GET_REGS);
		r = ioctl(o->fd, cmd, cmd == TV_SET_REGS || cmd == TV_GET_REGS ?
				      (unsigned long)&regs : 0);
		/* EBADF: the parent's table changed under fork(). */
		if (r >= 0 || (errno != EIO && errno != EBADF && errno != EFAULT))
			bad = 1;
	}
	_exit(bad);
}

struct worker {
	pthread_t th;
	int id;
	uint64_t seed;
	long nops;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	uint64_t rs = w->seed;
	struct tv_kicker kick = { 0 };
	uint8_t *buf = malloc(64 << 10);
	long op;

	for (op = 0; op < w->nops; op++) {
		struct obj o;
		int slot;
		unsigned long cmd, arg;
		int r;

		switch (tv_rand_below(&rs, 32)) {
		case 0: {	/* open the device */
			int fd;

			if (nr_objs() > MAX_OBJS - 8)
				break;
			fd = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);
			if (fd >= 0)
				add_obj(fd, K_DEV, NULL);
			break;
		}
		case 1: case 2: {	/* a VM */
			if (nr_objs() > MAX_OBJS - 8 || !pick_obj(&rs, K_DEV, &o, NULL))
				break;
			r = ioctl(o.fd, TV_CREATE_VM, 0);
			if (r >= 0)
				add_obj(r, K_VM, NULL);
			else if (!errno_documented(errno))
				note_bad(w->seed, w->id, op, "TV_CREATE_VM: %s", strerror(errno));
			break;
		}
		case 3: case 4: case 5: {	/* a vCPU, with its run page */
			struct tv_run *run;

			if (nr_objs() > MAX_OBJS - 4 || !pick_obj(&rs, K_VM, &o, NULL))
				break;
			r = ioctl(o.fd, TV_CREATE_VCPU, tv_rand_below(&rs, g.nr_vcpus + 2));
			if (r < 0) {
				if (!errno_documented(errno))
					note_bad(w->seed, w->id, op, "TV_CREATE_VCPU: %s",
						 strerror(errno));
				break;
			}
			run = mmap(NULL, g.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
			add_obj(r, K_VCPU, run == MAP_FAILED ? NULL : run);
			break;
		}
		case 6: {	/* close one */
			if (!pick_obj(&rs, -1, &o, &slot))
				break;
			pthread_mutex_lock(&g.lock);
			if (g.objs[slot].fd == o.fd) {
				g.objs[slot].fd = -1;
				__atomic_add_fetch(&g.closes, 1, __ATOMIC_SEQ_CST);
				close(o.fd);
			}
			pthread_mutex_unlock(&g.lock);
			break;
		}
		case 7: {	/* dup one */
			if (nr_objs() > MAX_OBJS - 8 || !pick_obj(&rs, -1, &o, NULL))
				break;
			r = fcntl(o.fd, F_DUPFD_CLOEXEC, 3);
			if (r >= 0)
				add_obj(r, o.kind, o.kind == K_VCPU ?
					mmap(NULL, g.run_size, PROT_READ | PROT_WRITE,
					     MAP_SHARED, r, 0) : NULL);
			break;
		}
		case 8: {	/* mmap a vCPU fd (or another) badly, and unmap it */
			size_t len = TV_PICK(&rs, 4096, 8192, 1, 0, 1 << 20);
			off_t off = TV_PICK(&rs, 0, 4096, 1, -4096, 1L << 40);
			void *p;

			if (!pick_obj(&rs, TV_PICK(&rs, K_VCPU, K_VCPU, K_VM, K_DEV), &o, NULL))
				break;
			p = mmap(NULL, len, TV_PICK(&rs, PROT_READ | PROT_WRITE, PROT_READ,
						    PROT_EXEC | PROT_READ),
				 TV_PICK(&rs, MAP_SHARED, MAP_PRIVATE), o.fd, off);
			if (p != MAP_FAILED) {
				*(volatile uint8_t *)p;		/* fault it in */
				munmap(p, len);
			}
			break;
		}
		case 9: {	/* fork: the child's ioctls must fail with EIO */
			pid_t pid;
			int status;

			pthread_mutex_lock(&g.lock);	/* a consistent table to copy */
			pid = fork();
			if (pid == 0)
				child(rs);
			pthread_mutex_unlock(&g.lock);
			if (pid > 0) {
				waitpid(pid, &status, 0);
				__atomic_add_fetch(&g.forks, 1, __ATOMIC_RELAXED);
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					note_bad(w->seed, w->id, op,
						 "a child's VM/vCPU ioctl did not fail with EIO (status 0x%x)",
						 status);
			}
			break;
		}
		case 10: {	/* slot memory goes away (maybe during a RUN) and comes back */
			int i = tv_rand_below(&rs, NR_RAM);
			void *p;

			p = mmap(g.ram[i], RAM_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (p == MAP_FAILED)
				note_bad(w->seed, w->id, op, "remap: %s", strerror(errno));
			break;
		}
		case 11: {	/* random guest code in slot memory */
			int i = tv_rand_below(&rs, NR_RAM);
			size_t at = tv_rand_below(&rs, RAM_SIZE / 4096) * 4096, j;

			for (j = 0; j < 4096; j += 8)
				*(uint64_t *)(g.ram[i] + at + j) = tv_rand(&rs);
			break;
		}
		case 12: case 13: case 14: case 15:	/* RUN */
			if (!pick_obj(&rs, K_VCPU, &o, NULL) || o.kind != K_VCPU)
				break;
			do_run(w->seed ^ op, w->id, op, &kick, &o);
			break;
		default: {	/* any ioctl on any fd */
			if (!pick_obj(&rs, TV_PICK(&rs, -1, K_DEV, K_VM, K_VCPU, K_VCPU), &o, NULL))
				break;
			cmd = pick_ioctl(&rs);
			if (cmd == TV_RUN) {
				if (o.kind == K_VCPU)
					do_run(w->seed ^ op, w->id, op, &kick, &o);
				break;
			}
			arg = make_arg(&rs, cmd, buf, 64 << 10);
			r = ioctl(o.fd, cmd, arg);
			if (r >= 0) {
				/* New fds are kept (and closed by the end). */
				if (cmd == TV_CREATE_VM && o.kind == K_DEV)
					add_obj(r, K_VM, NULL);
				else if (cmd == TV_CREATE_VCPU && o.kind == K_VM)
					add_obj(r, K_VCPU, NULL);
			} else if (!errno_documented(errno)) {
				note_bad(w->seed, w->id, op, "ioctl 0x%lx on a %s fd: %s", cmd,
					 o.kind == K_DEV ? "device" : o.kind == K_VM ? "VM" : "vCPU",
					 strerror(errno));
			}
			break;
		}
		}
		__atomic_add_fetch(&g.ops, 1, __ATOMIC_RELAXED);
	}
	tv_kicker_free(&kick);
	free(buf);
	return NULL;
}

static void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	TV_CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	return p;
}

static void setup_shared(int dev)
{
	int i;

	for (i = 0; i < MAX_OBJS; i++)
		g.objs[i].fd = -1;
	g.nr_slots = ioctl(dev, TV_CHECK_CAP, TV_CAP_NR_SLOTS);
	g.nr_vcpus = ioctl(dev, TV_CHECK_CAP, TV_CAP_NR_VCPUS);
	g.max_cpuid = ioctl(dev, TV_CHECK_CAP, TV_CAP_MAX_CPUID);
	g.max_msrs = ioctl(dev, TV_CHECK_CAP, TV_CAP_MAX_MSRS);
	g.run_size = ioctl(dev, TV_CHECK_CAP, TV_CAP_RUN_SIZE);
	g.vendor = ioctl(dev, TV_CHECK_CAP, TV_CAP_VENDOR);
	for (i = 0; i < NR_RAM; i++)
		g.ram[i] = map(RAM_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
	g.ro = map(8192, PROT_READ);
	g.none = map(8192, PROT_NONE);
	g.edge = map(8192, PROT_READ | PROT_WRITE);
	mprotect(g.edge + 4096, 4096, PROT_NONE);
}

/* Everything closed and unmapped: the VMs go with their last reference. */
static void teardown_shared(void)
{
	int i;

	for (i = 0; i < MAX_OBJS; i++)
		if (g.objs[i].fd >= 0)
			close(g.objs[i].fd);
	for (i = 0; i < g.nruns; i++)
		munmap(g.runs[i], g.run_size);
	for (i = 0; i < NR_RAM; i++)
		munmap(g.ram[i], RAM_SIZE);
	munmap(g.ro, 8192);
	munmap(g.none, 8192);
	munmap(g.edge, 8192);
	memset(&g.objs, 0, sizeof(g.objs));
	g.nruns = 0;
}

FIXTURE(fuzz) {
	int dev;
	long vms0, vcpus0, refs0;
};

FIXTURE_SETUP(fuzz)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	ASSERT_EQ(0, tv_module_objects(&self->vms0, &self->vcpus0))
		TH_LOG("/sys/kernel/debug/thinvisor/objects unreadable");
	self->refs0 = tv_module_refcnt();
	ASSERT_LE(0, self->refs0) TH_LOG("/sys/module/thinvisor/refcnt unreadable");
}

FIXTURE_TEARDOWN(fuzz)
{
	close(self->dev);
}

/* No VM, vCPU or module reference is left of what a test made. */
#define EXPECT_NOTHING_LEFT() do {					\
	long __vms = -1, __vcpus = -1;					\
	ASSERT_EQ(0, tv_module_objects(&__vms, &__vcpus));		\
	EXPECT_EQ(self->vms0, __vms);					\
	EXPECT_EQ(self->vcpus0, __vcpus);				\
	EXPECT_EQ(self->refs0, tv_module_refcnt());			\
} while (0)

/*
 * NR_THREADS threads, each its own seeded sequence of random operations
 * on one shared table of fds.  Bounded by operations, not time: 1500 per
 * thread, a 40th of that on VMX.
 */
TEST_F_TIMEOUT(fuzz, random_ioctls_from_threads, 590)
{
	uint64_t seed = tv_fuzz_seed();
	struct worker w[NR_THREADS];
	int i;

	setup_shared(self->dev);
	/* A first VM with a vCPU, so that even short runs reach RUN. */
	i = ioctl(self->dev, TV_CREATE_VM, 0);
	ASSERT_LE(0, i);
	add_obj(dup(self->dev), K_DEV, NULL);
	add_obj(i, K_VM, NULL);
	for (i = 0; i < NR_THREADS; i++) {
		w[i].id = i;
		w[i].seed = seed * 31 + i;
		w[i].nops = tv_fuzz_rounds(1500, g.vendor, 40);
		ASSERT_EQ(0, pthread_create(&w[i].th, NULL, worker, &w[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(w[i].th, NULL);
	TH_LOG("%ld operations, %ld RUNs (%ld ended in an exit, %ld of them judged), %ld forks, %d problems",
	       g.ops, g.runs_done, g.exits, g.judged, g.forks, g.bad);
	teardown_shared();
	EXPECT_EQ(0, g.bad) TH_LOG("first: %s", g.first_bad);
	EXPECT_NOTHING_LEFT();
}

/* A 64-bit guest that stores to its memory forever. */
TV_BLOB64(blob_store_loop, "1:\n\tincq 0x2000(%rip)\n\tjmp 1b\n\t");

struct runner {
	struct tv_vcpu *vcpu;
	volatile int stop;
	long runs, bad;
	char why[160];
};

static void *run_until_stopped(void *arg)
{
	struct runner *r = arg;
	struct tv_kicker kick = { 0 };

	while (!r->stop) {
		const char *why;
		int rc, err;

		tv_kicker_arm(&kick, 1000);
		rc = __tv_vcpu_run(r->vcpu);
		err = errno;
		tv_kicker_disarm(&kick);
		why = tv_fuzz_exit_problem(rc, err, r->vcpu->run, r->vcpu->run_size, false);
		if (why && !r->bad++)
			snprintf(r->why, sizeof(r->why), "%s", why);
		r->runs++;
	}
	tv_kicker_free(&kick);
	return NULL;
}

/*
 * The memory behind a slot is unmapped and mapped again (new pages) while
 * the vCPU runs in it, and slots are replaced and deleted meanwhile
 * (EBUSY while a vCPU is in RUN, or done between RUNs).  The pinned pages
 * stay the guest's; nothing leaks when the VM goes.
 */
TEST_F_TIMEOUT(fuzz, munmap_slot_memory_during_run, 590)
{
	uint64_t rs = tv_fuzz_seed() ^ 0x5107;
	struct runner r = { 0 };
	pthread_t th;
	struct tv_vm *vm;
	uint8_t *ram;
	long i, n;

	vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB64_OF(blob_store_loop), &r.vcpu);
	ram = tv_vm_add_ram(vm, TV_SLOT_FIRST_FREE, 0x10000000, RAM_SIZE, 0);
	n = tv_fuzz_rounds(200, vm->vendor, 40);
	ASSERT_EQ(0, pthread_create(&th, NULL, run_until_stopped, &r));
	for (i = 0; i < n; i++) {
		void *p;
		int ret;

		switch (tv_rand_below(&rs, 4)) {
		case 0:	/* the blob's own memory, under the running guest */
			p = tv_gpa2hva(vm, TV_BLOB_GPA);
			ASSERT_EQ(0, munmap((void *)((uintptr_t)p & ~4095UL), 4096));
			p = mmap((void *)((uintptr_t)p & ~4095UL), 4096,
				 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			ASSERT_NE(MAP_FAILED, p);
			break;
		case 1:
			ASSERT_EQ(0, munmap(ram, RAM_SIZE));
			p = mmap(ram, RAM_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			ASSERT_NE(MAP_FAILED, p);
			break;
		case 2:	/* replace the extra slot */
		case 3:	/* or delete it and make it again */
			ret = __tv_set_memory_region(vm, TV_SLOT_FIRST_FREE, 0, 0x10000000,
						     tv_rand_below(&rs, 4) ? RAM_SIZE : 0, ram);
			EXPECT_TRUE(ret == 0 || errno == EBUSY || errno == EFAULT)
				TH_LOG("TV_SET_MEMORY_REGION: %s", strerror(errno));
			break;
		}
		if (!(i % 16))
			sched_yield();
	}
	r.stop = 1;
	pthread_join(th, NULL);
	TH_LOG("%ld memory changes, %ld RUNs", n, r.runs);
	EXPECT_EQ(0, r.bad) TH_LOG("%s", r.why);
	tv_vm_free(vm);
	EXPECT_NOTHING_LEFT();
}

/* 64-bit guest: halt with interrupts on, forever (IPIs wake it). */
static void halt_forever(void)
{
	for (;;)
		asm volatile("sti; hlt; cli");
}

/*
 * Thread A sends IPIs (fixed, NMI, INIT, to all and by id) through the
 * ICR of vCPU 0 with TV_SET_MSRS; vCPUs 1 and 2 run halted guests that
 * the IPIs wake; the main thread makes vCPUs of fresh ids and closes
 * their fds at once, and closes the running vCPUs' fds too.  Issue #12's
 * finding 1 was a use-after-free here.
 */
struct ipi_storm {
	struct tv_vcpu *sender;
	volatile int stop;
	long sent;
	uint64_t seed;
};

static void *send_ipis(void *arg)
{
	struct ipi_storm *s = arg;
	uint64_t rs = s->seed;
	struct {
		struct tv_msrs m;
		struct tv_msr_entry e;
	} set = { .m.nmsrs = 1, .e.index = 0x830 };

	while (!s->stop) {
		set.e.data = TV_PICK(&rs, 0xc0040, 0xc0040, 0x80040, 0xc0400,
				     0x40 | (tv_rand_below(&rs, 64) << 32),
				     0x400 | (tv_rand_below(&rs, 4) << 32),
				     0xc0500);	/* INIT to all but self */
		ioctl(s->sender->fd, TV_SET_MSRS, &set);
		__atomic_store_n(&s->sent, s->sent + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST_F_TIMEOUT(fuzz, vcpu_fds_closed_during_ipis, 590)
{
	struct ipi_storm s = { .seed = tv_fuzz_seed() ^ 0x1b1 };
	struct runner r[2] = { 0 };
	pthread_t sender, runners[2];
	struct tv_vm *vm;
	long i, n, made = 0;
	int id;

	vm = tv_vm_create_std();
	s.sender = tv_vcpu_add_guest(vm, 0, TV_MODE_LONG64, (uint64_t)halt_forever);
	for (i = 0; i < 2; i++)
		r[i].vcpu = tv_vcpu_add_guest(vm, 1 + i, TV_MODE_LONG64,
					      (uint64_t)halt_forever);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&runners[i], NULL, run_until_stopped, &r[i]));
	ASSERT_EQ(0, pthread_create(&sender, NULL, send_ipis, &s));
	n = tv_fuzz_rounds(200, vm->vendor, 30);
	for (i = 0, id = 3; i < n && id < vm->max_vcpus; i++) {
		int fd = __tv_create_vcpu(vm, id++);

		if (fd >= 0) {
			made++;
			close(fd);
		}
		if (i == n / 2) {
			/* The running vCPUs' fds go too; RUN holds the file. */
			close(r[0].vcpu->fd);
			r[0].vcpu->fd = -1;
		}
		if (id == vm->max_vcpus)
			id = 3;	/* ids stay taken: EEXIST from here on */
		/* On a one-CPU machine the sender runs only if we let it. */
		sched_yield();
	}
	/* Bochs' one CPU may not have run the sender yet: wait for it (10 s at most). */
	for (i = 0; i < 10000 && !__atomic_load_n(&s.sent, __ATOMIC_RELAXED); i++)
		usleep(1000);
	s.stop = 1;
	pthread_join(sender, NULL);
	for (i = 0; i < 2; i++) {
		r[i].stop = 1;
		pthread_join(runners[i], NULL);
	}
	TH_LOG("%ld IPIs, %ld vCPUs made and closed, RUNs %ld and %ld",
	       s.sent, made, r[0].runs, r[1].runs);
	EXPECT_LT(0, s.sent);
	EXPECT_LT(0, made);
	/* RUN on the closed fd: EBADF, counted as a problem; the open one is clean. */
	EXPECT_EQ(0, r[1].bad) TH_LOG("%s", r[1].why);
	tv_vm_free(vm);
	EXPECT_NOTHING_LEFT();
}

TEST_HARNESS_MAIN
