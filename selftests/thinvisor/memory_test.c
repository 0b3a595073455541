// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: what the guest writes the host sees and back, read-only
 * slots, accesses where no slot is, replacing and deleting slots, slots
 * touching each other, a larger slot, and EBUSY while a vCPU runs.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include "tv_test.h"

#define SLOT_GPA	0x40000000UL
#define SLOT_SIZE	(2UL << 20)
#define SLOT		TV_SLOT_FIRST_FREE

FIXTURE(mem) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(mem)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(mem)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_fill(uint64_t gpa, uint64_t n, uint64_t seed)
{
	volatile uint64_t *p = (volatile uint64_t *)gpa;
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = seed * (i + 1);
	GUEST_SYNC(1);
	GUEST_DONE();
}

TEST_F(mem, guest_write_seen_by_host)
{
	uint64_t *host;
	struct tv_ucall uc;
	uint64_t i, heap;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_fill, &self->vcpu);
	host = tv_vm_add_ram(self->vm, SLOT, SLOT_GPA, SLOT_SIZE, 0);
	tv_vcpu_set_args(self->vcpu, 3, (uint64_t)SLOT_GPA, (uint64_t)(SLOT_SIZE / 8),
			 (uint64_t)0x9e3779b97f4a7c15ULL);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	for (i = 0; i < SLOT_SIZE / 8; i++)
		ASSERT_EQ(0x9e3779b97f4a7c15ULL * (i + 1), host[i]) TH_LOG("word %lu", i);

	/* And in the standard heap slot too. */
	tv_vm_free(self->vm);
	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_fill, &self->vcpu);
	heap = tv_vm_alloc(self->vm, 4096);
	tv_vcpu_set_args(self->vcpu, 3, heap, (uint64_t)512, (uint64_t)3);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	host = tv_gpa2hva(self->vm, heap);
	for (i = 0; i < 512; i++)
		ASSERT_EQ(3 * (i + 1), host[i]);
}

static void guest_sum(uint64_t gpa, uint64_t n)
{
	volatile uint64_t *p = (volatile uint64_t *)gpa;
	uint64_t i, sum;

	for (;;) {
		sum = 0;
		for (i = 0; i < n; i++)
			sum += p[i] ^ i;
		GUEST_SYNC_ARGS(1, sum, p[0], p[n - 1], 0);
	}
}

TEST_F(mem, host_write_seen_by_guest)
{
	uint64_t *host, i, sum = 0, n = SLOT_SIZE / 8;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_sum, &self->vcpu);
	host = tv_vm_add_ram(self->vm, SLOT, SLOT_GPA, SLOT_SIZE, 0);
	for (i = 0; i < n; i++) {
		host[i] = i * 0x0101010101ULL + 7;
		sum += host[i] ^ i;
	}
	tv_vcpu_set_args(self->vcpu, 2, (uint64_t)SLOT_GPA, n);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(sum, uc.args[1]);
	/* A change while the vCPU is stopped is seen at once. */
	host[0] = 0xfeedfacecafebeefULL;
	host[n - 1] = 42;
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0xfeedfacecafebeefULL, uc.args[2]);
	EXPECT_EQ(42, uc.args[3]);
}

static void mmio_write32(uint64_t gpa, uint32_t v)
{
	asm volatile("movl %0, (%1)" : : "r"(v), "r"(gpa) : "memory");
}

static uint32_t mmio_read32(uint64_t gpa)
{
	uint32_t v;

	asm volatile("movl (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
	return v;
}

static void guest_read_write_read(uint64_t gpa)
{
	uint32_t before = mmio_read32(gpa);

	mmio_write32(gpa, 0xdeadbeef);
	GUEST_SYNC_ARGS(1, before, mmio_read32(gpa), 0, 0);
	GUEST_DONE();
}

/*
 * A read-only slot: reads see its memory, a write is an MMIO exit with
 * is_write = 1, and the memory stays as it was.
 */
TEST_F(mem, readonly_slot_write_is_mmio)
{
	struct tv_run *run;
	struct tv_ucall uc;
	uint32_t *host, d;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_write_read, &self->vcpu);
	host = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, host);
	host[0x100] = 0x11223344;
	if (__tv_set_memory_region(self->vm, SLOT, TV_MEM_READONLY, SLOT_GPA, SLOT_SIZE, host)) {
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(0, ioctl(self->dev, TV_CHECK_CAP, TV_CAP_READONLY_MEM));
		SKIP(return, "no TV_CAP_READONLY_MEM");
	}
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)SLOT_GPA + 0x400);
	run = self->vcpu->run;
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(SLOT_GPA + 0x400, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&d, run->mmio.data, 4);
	EXPECT_EQ(0xdeadbeef, d);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0x11223344, uc.args[1]);	/* read before the write */
	EXPECT_EQ(0x11223344, uc.args[2]);	/* and after: unchanged */
	EXPECT_EQ(0x11223344, host[0x100]);
	tv_vm_delete_slot(self->vm, SLOT);
	munmap(host, SLOT_SIZE);
}

/* Where no slot is, reads and writes are MMIO exits (low hole, high hole). */
TEST_F(mem, no_slot_access_is_mmio)
{
	static const uint64_t where[] = { TV_MMIO_GPA + 0x124, TV_MMIO_HIGH_GPA + 0x10,
					  SLOT_GPA + 0x1000 };
	struct tv_ucall uc;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct tv_run *run;
		uint32_t d;

		tv_vm_free(self->vm);
		self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_write_read,
						  &self->vcpu);
		run = self->vcpu->run;
		tv_vcpu_set_args(self->vcpu, 1, where[i]);
		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
		EXPECT_EQ(where[i], run->mmio.phys_addr);
		EXPECT_EQ(4, run->mmio.len);
		EXPECT_EQ(0, run->mmio.is_write);
		d = 0x1000 + i;
		memcpy(run->mmio.data, &d, 4);
		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
		EXPECT_EQ(where[i], run->mmio.phys_addr);
		EXPECT_EQ(1, run->mmio.is_write);
		memcpy(&d, run->mmio.data, 4);
		EXPECT_EQ(0xdeadbeef, d);
		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
		EXPECT_EQ(0, run->mmio.is_write);
		d = 0x2000 + i;
		memcpy(run->mmio.data, &d, 4);
		TV_RUN_SYNC(self->vcpu, &uc, 1);
		EXPECT_EQ(0x1000 + i, uc.args[1]);
		EXPECT_EQ(0x2000 + i, uc.args[2]);
	}
}

static void guest_read_forever(uint64_t gpa)
{
	for (;;) {
		uint64_t v = *(volatile uint64_t *)gpa;

		*(volatile uint64_t *)(gpa + 8) = v + 1;
		GUEST_SYNC_ARGS(1, v, 0, 0, 0);
	}
}

/* Replacing a slot while the vCPU is stopped: the guest sees the new memory. */
TEST_F(mem, replace_slot_while_stopped)
{
	uint64_t *a, *b;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_forever, &self->vcpu);
	/* Our own mapping, so that the library leaves it when replaced. */
	a = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a);
	tv_set_memory_region(self->vm, SLOT, 0, SLOT_GPA, SLOT_SIZE, a);
	a[0] = 0xaaaa;
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)SLOT_GPA);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0xaaaa, uc.args[1]);
	EXPECT_EQ(0xaaab, a[1]);

	b = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, b);
	b[0] = 0xbbbb;
	/* The same slot number, a new backing (a smaller one, too). */
	ASSERT_EQ(0, __tv_set_memory_region(self->vm, SLOT, 0, SLOT_GPA, SLOT_SIZE / 2, b))
		TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0xbbbb, uc.args[1]);
	EXPECT_EQ(0xbbbc, b[1]);
	EXPECT_EQ(0xaaab, a[1]);	/* the old memory is left alone */
	tv_vm_delete_slot(self->vm, SLOT);
	munmap(a, SLOT_SIZE);
	munmap(b, SLOT_SIZE);
}

/* After size 0 deletes a slot, its addresses are MMIO. */
TEST_F(mem, deleted_slot_is_mmio)
{
	uint64_t *a;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_forever, &self->vcpu);
	a = tv_vm_add_ram(self->vm, SLOT, SLOT_GPA, SLOT_SIZE, 0);
	a[0] = 5;
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)SLOT_GPA);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	tv_vm_delete_slot(self->vm, SLOT);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(SLOT_GPA, self->vcpu->run->mmio.phys_addr);
	EXPECT_EQ(0, self->vcpu->run->mmio.is_write);
	/* The slot number is free again, even for another place. */
	a = tv_vm_add_ram(self->vm, SLOT, SLOT_GPA + SLOT_SIZE, SLOT_SIZE, 0);
	EXPECT_NE(NULL, a);
}

static void guest_write_across(uint64_t gpa)
{
	*(volatile uint64_t *)(gpa - 4) = 0x8877665544332211ULL;
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* Two slots back to back: one guest store lands half in each. */
TEST_F(mem, adjacent_slots)
{
	uint8_t *lo, *hi;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_write_across, &self->vcpu);
	lo = tv_vm_add_ram(self->vm, SLOT, SLOT_GPA, 1 << 20, 0);
	hi = tv_vm_add_ram(self->vm, SLOT + 1, SLOT_GPA + (1 << 20), 1 << 20, 0);
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)SLOT_GPA + (1 << 20));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0x44332211, *(uint32_t *)(lo + (1 << 20) - 4));
	EXPECT_EQ(0x88776655, *(uint32_t *)hi);
}

static void guest_touch_pages(uint64_t gpa, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += 4096)
		*(volatile uint64_t *)(gpa + off) = gpa + off;
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* A 64 MiB slot at 3 GiB: every page reachable, no exit on the way. */
TEST_F(mem, large_slot_every_page)
{
	uint64_t size = 64UL << 20, gpa = 0xc8000000UL, off;
	struct tv_ucall uc;
	uint8_t *host;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_touch_pages, &self->vcpu);
	host = tv_vm_add_ram(self->vm, SLOT, gpa, size, 0);
	tv_vcpu_set_args(self->vcpu, 2, gpa, size);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	for (off = 0; off < size; off += 4096)
		ASSERT_EQ(gpa + off, *(uint64_t *)(host + off)) TH_LOG("offset 0x%lx", off);
}

TV_BLOB(blob_halt,
	"cli\n\t"
	"1: hlt\n\t"
	"jmp 1b\n\t");

static void on_sig(int sig)
{
}

struct halted {
	struct tv_vcpu *vcpu;
	volatile int started;
	int ret, err;
	pid_t tid;
};

static void *run_halted(void *arg)
{
	struct halted *h = arg;

	h->tid = tv_gettid();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	h->started = 1;
	h->ret = __tv_vcpu_run(h->vcpu);
	h->err = errno;
	return NULL;
}

/* While a vCPU is inside TV_RUN, changing a slot is EBUSY; after, it works. */
TEST_F(mem, set_region_busy_while_running)
{
	struct sigaction sa = { .sa_handler = on_sig };
	struct halted h = {};
	pthread_t th;
	void *p;
	int r, err;

	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB_FOR(blob_halt, TV_MODE_LONG64),
					  &self->vcpu);
	p = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	h.vcpu = self->vcpu;
	pthread_create(&th, NULL, run_halted, &h);
	while (!h.started)
		usleep(1000);
	/* Inside TV_RUN, halted: the case where EBUSY must come. */
	EXPECT_TRUE(tv_wait_asleep_in_run(h.tid, self->vcpu->fd, 10000))
		TH_LOG("the vCPU never halted in TV_RUN");
	errno = 0;
	r = __tv_set_memory_region(self->vm, SLOT, 0, SLOT_GPA, SLOT_SIZE, p);
	err = errno;
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EBUSY, err);
	EXPECT_EQ(-1, h.ret);
	EXPECT_EQ(EINTR, h.err);
	EXPECT_EQ(0, __tv_set_memory_region(self->vm, SLOT, 0, SLOT_GPA, SLOT_SIZE, p))
		TH_LOG("after the run: %s", strerror(errno));
	tv_vm_delete_slot(self->vm, SLOT);
	munmap(p, SLOT_SIZE);
}

TEST_HARNESS_MAIN
