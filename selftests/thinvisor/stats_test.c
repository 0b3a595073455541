// SPDX-License-Identifier: GPL-2.0
/*
 * The VM statistics file (TV_GET_STATS_FD, debugfs thinvisor/vm/PID-N/stats):
 * a guest that makes exactly N CPUID exits, M port-I/O exits to userspace
 * and K halts shows N, M and K; every histogram sums to its count; counts
 * add up across vCPU migration; the switch stops and restarts counting;
 * doorbells matched in the kernel are counted; bad reads and a bad ioctl
 * argument get EINVAL; reading a VM that is being destroyed is safe.
 */
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "tv_test.h"

#define DEBUGFS			"/sys/kernel/debug/thinvisor"
#define X2APIC_EOI		0x80b
#define X2APIC_SVR		0x80f
#define X2APIC_LVT_TIMER	0x832
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define TIMER_VECTOR		0xec
#define TIMER_TSC_DEADLINE	(2 << 17)

#define N_CPUID			37
#define M_OUT			23
#define K_HLT			5
#define OUT_PORT		0x80

/* The whole file, as one pread gives it. */
struct stats {
	uint8_t buf[65536];
	size_t size;
	struct tv_stats_header *h;
};

static int stats_read(int fd, struct stats *s)
{
	ssize_t n = pread(fd, s->buf, sizeof(s->buf), 0);

	if (n < (ssize_t)sizeof(struct tv_stats_header))
		return -1;
	s->size = n;
	s->h = (struct tv_stats_header *)s->buf;
	return 0;
}

static const struct tv_stats_desc *stats_desc(const struct stats *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->h->num_desc; i++) {
		const struct tv_stats_desc *d = (const void *)(s->buf + s->h->desc_offset +
							      i * s->h->desc_size);

		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

static const uint64_t *stats_values(const struct stats *s, const char *name)
{
	const struct tv_stats_desc *d = stats_desc(s, name);

	if (!d)
		tv_die("no statistic %s", name);
	return (const uint64_t *)(s->buf + s->h->data_offset + d->offset);
}

static uint64_t stat(const struct stats *s, const char *name)
{
	return stats_values(s, name)[0];
}

static uint64_t hist_sum(const struct stats *s, const char *name)
{
	const struct tv_stats_desc *d = stats_desc(s, name);
	const uint64_t *v = stats_values(s, name);
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < d->size; i++)
		sum += v[i];
	return sum;
}

static int stats_fd(struct tv_vm *vm)
{
	return ioctl(vm->fd, TV_GET_STATS_FD, 0);
}

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* This process's newest VM in debugfs: thinvisor/vm/PID-N, largest N. */
static bool newest_vm_dir(char *path, size_t len)
{
	DIR *d = opendir(DEBUGFS "/vm");
	struct dirent *e;
	int pid, n, best = -1;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "%d-%d", &pid, &n) == 2 && pid == getpid() && n > best)
			best = n;
	closedir(d);
	if (best < 0)
		return false;
	snprintf(path, len, DEBUGFS "/vm/%d-%d/stats", getpid(), best);
	return true;
}

FIXTURE(stats) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
	int sfd;
};

FIXTURE_SETUP(stats)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->sfd = -1;
}

FIXTURE_TEARDOWN(stats)
{
	if (self->sfd >= 0)
		close(self->sfd);
	tv_vm_free(self->vm);
	close(self->dev);
	write_file(DEBUGFS "/stats", "1");
}

static volatile uint64_t ticks;

static void count_irq(struct tv_ex_frame *f)
{
	ticks++;
	tv_wrmsr(X2APIC_EOI, 0);
}

/*
 * Between SYNC 1 and SYNC 2: N CPUIDs, M OUTs to port 0x80, and K
 * halts, each woken by a TSC-deadline timer already due (2 WRMSRs each:
 * the deadline and the EOI).
 */
static void guest_counts(void)
{
	uint32_t a, b, c, d;
	int i;

	tv_guest_handlers[TIMER_VECTOR] = count_irq;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
	tv_wrmsr(X2APIC_LVT_TIMER, TIMER_VECTOR | TIMER_TSC_DEADLINE);
	GUEST_SYNC(1);
	for (i = 0; i < N_CPUID; i++)
		tv_cpuid(0, 0, &a, &b, &c, &d);
	for (i = 0; i < M_OUT; i++)
		asm volatile("outb %%al, %0" : : "i"(OUT_PORT), "a"(i));
	for (i = 0; i < K_HLT; i++) {
		tv_wrmsr(MSR_IA32_TSC_DEADLINE, 1);
		while (ticks < (uint64_t)i + 1)
			asm volatile("sti; hlt; cli" : : : "memory");
	}
	GUEST_SYNC(2);
	GUEST_DONE();
}

/* Run guest_counts from SYNC 1 to SYNC 2, with the stats at each in a, b. */
static void run_counts(struct __test_metadata *_metadata, struct tv_vcpu *vcpu,
		       int sfd, struct stats *a, struct stats *b)
{
	struct tv_ucall uc;
	int i;

	TV_RUN_SYNC(vcpu, &uc, 1);
	ASSERT_EQ(0, stats_read(sfd, a));
	for (i = 0; i < M_OUT; i++) {
		TV_ASSERT_RUN_OK(vcpu);
		TV_ASSERT_EXIT(vcpu, TV_EXIT_IO);
		ASSERT_EQ(OUT_PORT, vcpu->run->io.port);
	}
	TV_RUN_SYNC(vcpu, &uc, 2);
	ASSERT_EQ(0, stats_read(sfd, b));
}

#define DELTA(name)	(stat(&b, name) - stat(&a, name))

TEST_F(stats, stats_counts_exact)
{
	static struct stats a, b;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd) TH_LOG("TV_GET_STATS_FD: %s", strerror(errno));
	run_counts(_metadata, self->vcpu, self->sfd, &a, &b);

	EXPECT_EQ(TV_STATS_F_COUNTING, b.h->flags & TV_STATS_F_COUNTING);
	EXPECT_EQ(1, b.h->nr_vcpus);
	EXPECT_EQ(N_CPUID, DELTA("exits.cpuid"));
	/* The OUTs and the SYNC 2 ucall, each a return to userspace. */
	EXPECT_EQ(M_OUT + 1, DELTA("exits.io"));
	EXPECT_EQ(M_OUT + 1, DELTA("user_exits.io"));
	EXPECT_EQ(K_HLT, DELTA("exits.hlt"));
	EXPECT_EQ(K_HLT, DELTA("halt_wakeups"));
	EXPECT_EQ(K_HLT, DELTA("irqs_injected"));
	EXPECT_EQ(2 * K_HLT, DELTA("exits.wrmsr"));
	EXPECT_EQ(0, DELTA("exits.npf"));
	EXPECT_EQ(0, DELTA("user_exits.mmio"));
	EXPECT_EQ(0, DELTA("doorbells"));
}

/*
 * The same guest with port 0x80 a doorbell (TV_IOEVENTFD): its M OUTs
 * stay in the kernel, each counted in "doorbells" and in the eventfd,
 * and only the SYNC's OUT returns to userspace.
 */
TEST_F(stats, stats_counts_doorbells)
{
	struct tv_ioeventfd io = {
		.addr = OUT_PORT, .len = 1, .flags = TV_IOEVENTFD_FLAG_PIO,
	};
	static struct stats a, b;
	struct tv_ucall uc;
	uint64_t kicks = 0;
	int efd;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd) TH_LOG("TV_GET_STATS_FD: %s", strerror(errno));
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	io.fd = efd;
	ASSERT_EQ(0, ioctl(self->vm->fd, TV_IOEVENTFD, &io)) TH_LOG("%s", strerror(errno));

	TV_RUN_SYNC(self->vcpu, &uc, 1);
	ASSERT_EQ(0, stats_read(self->sfd, &a));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	ASSERT_EQ(0, stats_read(self->sfd, &b));
	ASSERT_EQ(sizeof(kicks), read(efd, &kicks, sizeof(kicks)));
	close(efd);

	EXPECT_EQ(M_OUT, kicks);
	EXPECT_EQ(M_OUT, DELTA("doorbells"));
	EXPECT_EQ(M_OUT + 1, DELTA("exits.io"));
	EXPECT_EQ(1, DELTA("user_exits.io"));
}

/*
 * With the vCPU out of RUN every exit is closed: each exit kind's
 * histogram sums to its count.  A round trip through userspace closes at
 * the next entry, so the last one (the SYNC's) is not in its histogram yet.
 */
TEST_F(stats, stats_histogram_sums)
{
	static const char *const kinds[] = {
		"none", "extint", "nmi", "cpuid", "hlt", "io", "npf", "rdmsr",
		"wrmsr", "hypercall", "xsetbv", "rdtscp", "ud", "exception", "rdpmc",
		"wbinvd", "unknown",
	};
	static struct stats a, b;
	char count[64], hist[64];
	const uint64_t *cpuid;
	unsigned int i;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	run_counts(_metadata, self->vcpu, self->sfd, &a, &b);

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(count, sizeof(count), "exits.%s", kinds[i]);
		snprintf(hist, sizeof(hist), "exit_cycles.%s", kinds[i]);
		EXPECT_EQ(stat(&b, count), hist_sum(&b, hist)) TH_LOG("%s", kinds[i]);
	}
	EXPECT_EQ(stat(&b, "user_exits.io") - 1, hist_sum(&b, "user_cycles.io"));
	EXPECT_LE(M_OUT + 1, stat(&b, "user_exits.io"));
	/* The histograms count cycles: a CPUID exit takes more than none. */
	cpuid = stats_values(&b, "exit_cycles.cpuid");
	EXPECT_GT(N_CPUID, cpuid[0]);
	EXPECT_EQ(TV_STATS_UNIT_CYCLES, stats_desc(&b, "exit_cycles.cpuid")->unit);
	EXPECT_EQ(TV_STATS_TYPE_LOG2_HIST, stats_desc(&b, "exit_cycles.cpuid")->type);
	EXPECT_LT(0, b.h->tsc_khz);
}

/* The module's "mitigations=" list (sysfs features) has NAME. */
static bool module_mitigation(const char *name)
{
	char line[4096], want[64];
	FILE *f = fopen("/sys/class/misc/thinvisor/features", "r");
	char *m;
	bool found = false;

	if (!f)
		return false;
	snprintf(want, sizeof(want), ",%s,", name);
	while (fgets(line, sizeof(line), f)) {
		m = strstr(line, "mitigations=");
		if (!m)
			continue;
		m += strlen("mitigations=") - 1;
		*m = ',';
		m[strcspn(m, " \n")] = '\0';
		strcat(m, ",");
		found = found || strstr(m, want);
	}
	fclose(f);
	return found;
}

#define N_LIGHT		2000

/* N_LIGHT CPUID exits between the two syncs, and nothing else. */
static void guest_light_exits(void)
{
	uint32_t a, b, c, d;
	int i;

	GUEST_SYNC(1);
	for (i = 0; i < N_LIGHT; i++)
		tv_cpuid(0, 0, &a, &b, &c, &d);
	GUEST_SYNC(2);
	GUEST_DONE();
}

/*
 * L1TF (VMX, a host kernel with PTE inversion): the L1D is flushed as
 * the host kernel chose.  With l1tf=full before every entry; with its
 * default only when host data may be in the L1D (l1d_flush_cond): CPUID
 * exits handled in the kernel do not ask for one, so of N_LIGHT entries
 * only the first (RUN came back from userspace) and those after a host
 * interrupt or a reschedule flush.
 */
TEST_F(stats, stats_l1d_flush_follows_host)
{
	static struct stats a, b;
	struct tv_ucall uc;
	uint64_t flushes, entries;
	unsigned int i;

	if (!module_mitigation("l1d_flush") && !module_mitigation("l1d_flush_sw"))
		SKIP(return, "the module flushes no L1D on this host (no L1TF, or SVM)");
	self->vm = tv_vm_create_with_vcpu(guest_light_exits, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	ASSERT_EQ(0, stats_read(self->sfd, &a));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	ASSERT_EQ(0, stats_read(self->sfd, &b));

	/* Every exit between the reads followed one entry between them. */
	entries = 0;
	for (i = 0; i < b.h->num_desc; i++) {
		const struct tv_stats_desc *d = (const void *)(b.buf + b.h->desc_offset +
							       i * b.h->desc_size);

		if (!strncmp(d->name, "exits.", 6))
			entries += DELTA(d->name);
	}
	flushes = DELTA("l1d_flushes");
	TH_LOG("%" PRIu64 " L1D flushes for %" PRIu64 " entries (%s)", flushes, entries,
	       module_mitigation("l1d_flush_cond") ? "conditional" : "every entry");
	ASSERT_LE(N_LIGHT, entries);
	if (module_mitigation("l1d_flush_cond")) {
		EXPECT_LE(1, flushes);
		EXPECT_GT(entries / 4, flushes);
	} else {
		EXPECT_EQ(entries, flushes);
	}
}

/* The layout: magic, version, sizes, every descriptor inside the data. */
TEST_F(stats, stats_layout)
{
	static struct stats s;
	const struct tv_stats_desc *d;
	uint32_t i, j;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	ASSERT_EQ(0, stats_read(self->sfd, &s));
	EXPECT_EQ(TV_STATS_MAGIC, s.h->magic);
	EXPECT_EQ(TV_STATS_VERSION, s.h->version);
	EXPECT_EQ(sizeof(struct tv_stats_header), s.h->header_size);
	EXPECT_EQ(sizeof(struct tv_stats_desc), s.h->desc_size);
	EXPECT_EQ(s.h->header_size, s.h->desc_offset);
	EXPECT_EQ(s.h->desc_offset + s.h->num_desc * s.h->desc_size, s.h->data_offset);
	EXPECT_EQ(s.h->data_offset + s.h->data_size, s.size);
	for (i = 0; i < s.h->num_desc; i++) {
		d = (const void *)(s.buf + s.h->desc_offset + i * s.h->desc_size);
		EXPECT_NE(0, d->name[0]);
		EXPECT_NE(NULL, memchr(d->name, 0, sizeof(d->name)));
		EXPECT_LE(d->offset + d->size * 8, s.h->data_size) TH_LOG("%s", d->name);
		EXPECT_EQ(0, d->offset % 8);
		EXPECT_TRUE(d->type == TV_STATS_TYPE_COUNTER ||
			    d->type == TV_STATS_TYPE_LOG2_HIST);
		for (j = 0; j < i; j++)
			EXPECT_NE(0, strcmp(d->name, ((const struct tv_stats_desc *)
				(s.buf + s.h->desc_offset + j * s.h->desc_size))->name));
	}
	EXPECT_NE(NULL, stats_desc(&s, "exits.cpuid"));
	EXPECT_NE(NULL, stats_desc(&s, "user_cycles.io"));
}

static volatile uintptr_t bad_addr = 8;

/* Bad arguments and reads: EINVAL; the file is read-only, no ioctls. */
TEST_F(stats, stats_bad_inputs)
{
	static struct stats s;
	uint8_t part[100];
	size_t size;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_GET_STATS_FD, 1, EINVAL);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_GET_STATS_FD, -1L, EINVAL);
	/* Not on /dev/thinvisor nor on a vCPU fd. */
	EXPECT_IOCTL_ERR(self->dev, TV_GET_STATS_FD, 0, ENOTTY);
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_STATS_FD, 0, ENOTTY);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	ASSERT_EQ(0, stats_read(self->sfd, &s));
	size = s.size;

	errno = 0;
	EXPECT_EQ(-1, pread(self->sfd, part, sizeof(part), size + 1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(self->sfd, part, sizeof(part), 1L << 40));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(self->sfd, part, sizeof(part), -8));
	EXPECT_EQ(EINVAL, errno);
	/* At the end: end of file; across it: what is left. */
	EXPECT_EQ(0, pread(self->sfd, part, sizeof(part), size));
	EXPECT_EQ(8, pread(self->sfd, part, sizeof(part), size - 8));
	EXPECT_EQ(0, pread(self->sfd, part, 0, 0));
	/* Any offset inside: the same bytes as a whole read (the descriptors). */
	ASSERT_EQ(sizeof(part), pread(self->sfd, part, sizeof(part), s.h->desc_offset + 3));
	EXPECT_EQ(0, memcmp(part, s.buf + s.h->desc_offset + 3, sizeof(part)));
	/* A buffer the caller does not own. */
	errno = 0;
	EXPECT_EQ(-1, pread(self->sfd, (void *)bad_addr, 64, 0));
	EXPECT_EQ(EFAULT, errno);
	/* Read-only: no write, no mmap, no ioctl. */
	errno = 0;
	EXPECT_EQ(-1, write(self->sfd, part, 8));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->sfd, 0));
	EXPECT_IOCTL_ERR(self->sfd, TV_RUN, 0, ENOTTY);
	/* read() goes on from the file position. */
	ASSERT_EQ(0, lseek(self->sfd, 0, SEEK_SET));
	EXPECT_EQ(16, read(self->sfd, part, 16));
	EXPECT_EQ(16, read(self->sfd, part + 16, 16));
	EXPECT_EQ(0, memcmp(part, s.buf, 32));
}

/*
 * Counts add up whatever CPU the vCPU's thread runs on: RUN after RUN on
 * each CPU in turn.  (On a machine with one CPU it never moves; the
 * counts must still add up.)
 */
TEST_F(stats, stats_survive_migration)
{
	static struct stats a, b;
	struct tv_ucall uc;
	int ncpus = tv_nr_cpus(), i, moved = 0, last = -1;
	cpu_set_t set;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	ASSERT_EQ(0, stats_read(self->sfd, &a));
	for (i = 0; i < M_OUT; i++) {
		CPU_ZERO(&set);
		CPU_SET(i % ncpus, &set);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
		if (last >= 0 && sched_getcpu() != last)
			moved++;
		last = sched_getcpu();
		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_IO);
	}
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	ASSERT_EQ(0, stats_read(self->sfd, &b));
	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
	TH_LOG("%d CPUs, the vCPU thread moved %d times", ncpus, moved);
	if (ncpus > 1)
		EXPECT_LT(0, moved);
	EXPECT_EQ(N_CPUID, DELTA("exits.cpuid"));
	EXPECT_EQ(M_OUT + 1, DELTA("user_exits.io"));
	EXPECT_EQ(K_HLT, DELTA("exits.hlt"));
}

/* debugfs thinvisor/stats = 0 stops counting; 1 starts it again. */
TEST_F(stats, stats_switch)
{
	static struct stats a, b;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	ASSERT_TRUE(write_file(DEBUGFS "/stats", "0")) TH_LOG(DEBUGFS "/stats: %s", strerror(errno));
	run_counts(_metadata, self->vcpu, self->sfd, &a, &b);
	EXPECT_EQ(0, b.h->flags & TV_STATS_F_COUNTING);
	EXPECT_EQ(0, stat(&b, "exits.cpuid"));
	EXPECT_EQ(0, stat(&b, "exits.io"));
	ASSERT_TRUE(write_file(DEBUGFS "/stats", "1"));
	tv_vm_free(self->vm);
	close(self->sfd);

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	self->sfd = stats_fd(self->vm);
	ASSERT_LE(0, self->sfd);
	run_counts(_metadata, self->vcpu, self->sfd, &a, &b);
	EXPECT_EQ(TV_STATS_F_COUNTING, b.h->flags & TV_STATS_F_COUNTING);
	EXPECT_EQ(N_CPUID, DELTA("exits.cpuid"));
	EXPECT_EQ(stat(&b, "exits.cpuid"), hist_sum(&b, "exit_cycles.cpuid"));
}

/* The stats fd holds the VM: its counts outlive the VM fd. */
TEST_F(stats, stats_fd_holds_vm)
{
	static struct stats a, b;
	int sfd;

	self->vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
	sfd = stats_fd(self->vm);
	ASSERT_LE(0, sfd);
	run_counts(_metadata, self->vcpu, sfd, &a, &b);
	tv_vm_free(self->vm);
	self->vm = NULL;
	ASSERT_EQ(0, stats_read(sfd, &a));
	EXPECT_EQ(1, a.h->nr_vcpus);
	EXPECT_EQ(stat(&b, "exits.cpuid"), stat(&a, "exits.cpuid"));
	close(sfd);
}

struct reader {
	char path[128];
	volatile int stop;
	int fd, ok, eio, other;
};

static void *read_until_gone(void *arg)
{
	struct reader *r = arg;
	static __thread struct stats s;

	while (!r->stop) {
		ssize_t n = pread(r->fd, s.buf, sizeof(s.buf), 0);

		if (n > 0 && ((struct tv_stats_header *)s.buf)->magic == TV_STATS_MAGIC) {
			r->ok++;
		} else if (n < 0 && errno == EIO) {
			r->eio++;
			break;
		} else {
			r->other++;
			break;
		}
	}
	return NULL;
}

/*
 * A reader of debugfs vm/PID-N/stats while the VM goes: every read gives
 * the whole file or EIO once the VM is gone, never garbage (nor an oops:
 * the run's kernel_log_clean).
 */
TEST_F(stats, stats_read_while_destroyed)
{
	struct reader r;
	pthread_t th;
	int i;

	for (i = 0; i < 20; i++) {
		struct tv_vm *vm = tv_vm_create_with_vcpu(guest_counts, &self->vcpu);
		struct tv_ucall uc;

		TV_RUN_SYNC(self->vcpu, &uc, 1);
		memset(&r, 0, sizeof(r));
		ASSERT_TRUE(newest_vm_dir(r.path, sizeof(r.path))) TH_LOG("no " DEBUGFS "/vm/%d-N", getpid());
		r.fd = open(r.path, O_RDONLY);
		ASSERT_LE(0, r.fd) TH_LOG("%s: %s", r.path, strerror(errno));
		ASSERT_EQ(0, pthread_create(&th, NULL, read_until_gone, &r));
		usleep(i * 500);
		tv_vm_free(vm);
		usleep(20000);
		r.stop = 1;
		pthread_join(th, NULL);
		EXPECT_EQ(0, r.other) TH_LOG("round %d: a read gave neither the file nor EIO", i);
		EXPECT_EQ(1, r.eio) TH_LOG("round %d: reads went on after the VM was gone", i);
		/* Gone from debugfs with the VM. */
		EXPECT_NE(0, access(r.path, F_OK));
		close(r.fd);
	}
}

TEST_HARNESS_MAIN
