// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to every ioctl: the wrong kind of fd, bad pointers, reserved
 * fields, sizes over the caps, slots that overlap or are misaligned, vCPU
 * ids out of range or taken, RUN before the registers were set, and a VM fd
 * closed while a vCPU runs.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "tv_test.h"

FIXTURE(bad) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
	void *none;	/* a page with no access: copies from it fault */
};

FIXTURE_SETUP(bad)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = tv_vm_create();
	self->vcpu = tv_vcpu_add(self->vm, 0);
	self->none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->none);
}

FIXTURE_TEARDOWN(bad)
{
	tv_vm_free(self->vm);
	munmap(self->none, 4096);
	close(self->dev);
}

static long cap(FIXTURE_DATA(bad) *self, long c)
{
	return ioctl(self->dev, TV_CHECK_CAP, c);
}

TEST_F(bad, vm_and_system_ioctls_on_vcpu_fd)
{
	struct tv_memory_region r = {};
	int fd = self->vcpu->fd;

	EXPECT_IOCTL_ERR(fd, TV_SET_MEMORY_REGION, &r, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_CREATE_VCPU, 1UL, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_SET_CPUID, &r, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_ENABLE_CAP, &r, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_API_VERSION, 0UL, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_CHECK_CAP, 1UL, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_CREATE_VM, 0UL, ENOTTY);
	EXPECT_IOCTL_ERR(fd, _IO(TV_IOCTL_MAGIC, 0x7f), 0UL, ENOTTY);
}

TEST_F(bad, vcpu_ioctls_on_vm_fd)
{
	char buf[8192] = {};
	int fd = self->vm->fd;

	EXPECT_IOCTL_ERR(fd, TV_RUN, 0UL, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_REGS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_SET_REGS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_SREGS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_SET_SREGS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_MSRS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_SET_MSRS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_XSAVE, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_SET_XSAVE, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_EVENTS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_SET_EVENTS, buf, ENOTTY);
	EXPECT_IOCTL_ERR(fd, TV_GET_API_VERSION, 0UL, ENOTTY);
}

/* Every ioctl that copies a struct: NULL and an unreadable page. */
TEST_F(bad, bad_pointers_efault)
{
	void *ptrs[] = { NULL, self->none, (void *)-4096L };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		void *p = ptrs[i];

		EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_MEMORY_REGION, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_REGS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_REGS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_SREGS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_SREGS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_MSRS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_MSRS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_XSAVE, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_XSAVE, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_EVENTS, p, EFAULT);
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_EVENTS, p, EFAULT);
	}
}

/* A header that is readable, entries that run into an unreadable page. */
TEST_F(bad, entries_past_readable_memory_efault)
{
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tv_msrs *m;
	struct tv_cpuid *c;

	ASSERT_NE(MAP_FAILED, two);
	ASSERT_EQ(0, mprotect(two + 4096, 4096, PROT_NONE));
	m = (struct tv_msrs *)(two + 4096 - sizeof(*m) - sizeof(struct tv_msr_entry));
	m->nmsrs = 2;
	m->reserved = 0;
	m->entries[0].index = MSR_STAR;
	m->entries[0].reserved = 0;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_MSRS, m, EFAULT);
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_MSRS, m, EFAULT);
	c = (struct tv_cpuid *)(two + 4096 - sizeof(*c) - sizeof(struct tv_cpuid_entry));
	memset(c, 0, sizeof(*c) + sizeof(struct tv_cpuid_entry));
	c->nent = 2;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, c, EFAULT);
	munmap(two, 8192);
}

TEST_F(bad, reserved_fields_einval)
{
	void *ram = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tv_memory_region r = { .slot = 0, .guest_phys_addr = 0, .size = 1 << 20,
				      .userspace_addr = (uintptr_t)ram };
	struct {
		struct tv_cpuid h;
		struct tv_cpuid_entry e[1];
	} c = { .h.nent = 1, .e[0].function = 1 };
	struct tv_enable_cap ec = { .cap = TV_CAP_MSR_EXIT_USER, .args[0] = 1 };
	struct {
		struct tv_msrs h;
		struct tv_msr_entry e[1];
	} m = { .h.nmsrs = 1, .e[0].index = MSR_STAR };
	struct tv_regs regs = {};
	struct tv_sregs sregs;
	struct tv_events ev = {};
	unsigned int i;

	ASSERT_NE(MAP_FAILED, ram);
	for (i = 0; i < 4; i++) {
		r.reserved[i] = 1;
		EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_MEMORY_REGION, &r, EINVAL);
		r.reserved[i] = 0;
	}
	c.h.reserved = 1;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, &c, EINVAL);
	c.h.reserved = 0;
	for (i = 0; i < 3; i++) {
		c.e[0].reserved[i] = 1;
		EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, &c, EINVAL);
		c.e[0].reserved[i] = 0;
	}
	c.e[0].flags = 0x80;	/* an unknown flag */
	EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, &c, EINVAL);
	c.e[0].flags = 0;
	EXPECT_EQ(0, ioctl(self->vm->fd, TV_SET_CPUID, &c)) TH_LOG("%s", strerror(errno));

	ec.flags = 1;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, &ec, EINVAL);
	ec.flags = 0;
	for (i = 0; i < 4; i++) {
		ec.reserved[i] = 1;
		EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, &ec, EINVAL);
		ec.reserved[i] = 0;
	}
	ec.cap = 0xffff;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, &ec, EINVAL);

	m.h.reserved = 1;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_MSRS, &m, EINVAL);
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_MSRS, &m, EINVAL);
	m.h.reserved = 0;
	m.e[0].reserved = 1;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_MSRS, &m, EINVAL);
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_MSRS, &m, EINVAL);

	regs.rflags = 2;
	for (i = 0; i < 6; i++) {
		regs.reserved[i] = 1;
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_REGS, &regs, EINVAL);
		regs.reserved[i] = 0;
	}
	tv_get_sregs(self->vcpu, &sregs);
	for (i = 0; i < 8; i++) {
		sregs.reserved[i] = 1;
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_SREGS, &sregs, EINVAL);
		sregs.reserved[i] = 0;
	}
	for (i = 0; i < 6; i++) {
		ev.reserved[i] = 1;
		EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_EVENTS, &ev, EINVAL);
		ev.reserved[i] = 0;
	}
	ev.exception.reserved = 1;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_EVENTS, &ev, EINVAL);
	munmap(ram, 1 << 20);
}

TEST_F(bad, memory_region_misaligned_or_bad_flags)
{
	uint8_t *ram = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tv_vm *vm = self->vm;

	ASSERT_NE(MAP_FAILED, ram);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0, 0x100001, 1 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0, 0x100800, 1 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0, 0x100000, 0x1800, ram));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0, 0x100000, 1 << 20, ram + 0x10));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0x2, 0x100000, 1 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0x80000000, 0x100000, 1 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	/* gpa + size wraps around */
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 0, 0, 0xfffffffffff00000ULL, 2 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	/* All of that left nothing behind: the good one works. */
	EXPECT_EQ(0, __tv_set_memory_region(vm, 0, 0, 0x100000, 1 << 20, ram))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, __tv_set_memory_region(vm, 0, 0, 0, 0, NULL));
	munmap(ram, 2 << 20);
}

TEST_F(bad, memory_region_slot_out_of_range)
{
	void *ram = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long nslots = cap(self, TV_CAP_NR_SLOTS);

	ASSERT_NE(MAP_FAILED, ram);
	ASSERT_LT(0, nslots) TH_LOG("TV_CAP_NR_SLOTS is not reported");
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(self->vm, nslots, 0, 0, 1 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(self->vm, 0xffffffff, 0, 0, 1 << 20, ram));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, __tv_set_memory_region(self->vm, nslots - 1, 0, 0, 1 << 20, ram))
		TH_LOG("the last slot: %s", strerror(errno));
	EXPECT_EQ(0, __tv_set_memory_region(self->vm, nslots - 1, 0, 0, 0, NULL));
	munmap(ram, 1 << 20);
}

TEST_F(bad, memory_region_overlap_eexist)
{
	uint8_t *ram = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tv_vm *vm = self->vm;

	ASSERT_NE(MAP_FAILED, ram);
	ASSERT_EQ(0, __tv_set_memory_region(vm, 0, 0, 0x200000, 2 << 20, ram));
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 1, 0, 0x200000, 2 << 20, ram + (2 << 20)));
	EXPECT_EQ(EEXIST, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 1, 0, 0x100000, 2 << 20, ram + (2 << 20)));
	EXPECT_EQ(EEXIST, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 1, 0, 0x3ff000, 4096, ram + (2 << 20)));
	EXPECT_EQ(EEXIST, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(vm, 1, 0, 0x300000, 4096, ram + (2 << 20)));
	EXPECT_EQ(EEXIST, errno);
	/* Touching is not overlapping. */
	EXPECT_EQ(0, __tv_set_memory_region(vm, 1, 0, 0x400000, 1 << 20, ram + (2 << 20)))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, __tv_set_memory_region(vm, 2, 0, 0x100000, 1 << 20, ram + (3 << 20)))
		TH_LOG("%s", strerror(errno));
	/* Replacing slot 0 by itself is not an overlap with itself. */
	EXPECT_EQ(0, __tv_set_memory_region(vm, 0, 0, 0x200000, 1 << 20, ram))
		TH_LOG("%s", strerror(errno));
	tv_vm_free(self->vm);
	self->vm = NULL;
	munmap(ram, 4 << 20);
}

/* Memory that is not there cannot be pinned. */
TEST_F(bad, memory_region_unmapped_uaddr_efault)
{
	void *gone = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, 1 << 20);	/* a user address nothing is mapped at now */
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(self->vm, 0, 0, 0, 1 << 20, self->none));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(self->vm, 0, 0, 0, 1 << 20, gone));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(bad, vcpu_id_out_of_range_or_taken)
{
	long nvcpus = cap(self, TV_CAP_NR_VCPUS);
	int fd;

	ASSERT_LT(0, nvcpus) TH_LOG("TV_CAP_NR_VCPUS is not reported");
	EXPECT_IOCTL_ERR(self->vm->fd, TV_CREATE_VCPU, (unsigned long)nvcpus, EINVAL);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_CREATE_VCPU, ~0UL, EINVAL);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_CREATE_VCPU, 1UL << 32, EINVAL);
	EXPECT_IOCTL_ERR(self->vm->fd, TV_CREATE_VCPU, 0UL, EEXIST);
	fd = __tv_create_vcpu(self->vm, nvcpus - 1);
	EXPECT_LE(0, fd) TH_LOG("the last id: %s", strerror(errno));
	EXPECT_IOCTL_ERR(self->vm->fd, TV_CREATE_VCPU, (unsigned long)nvcpus - 1, EEXIST);
	if (fd >= 0)
		close(fd);
}

TEST_F(bad, table_sizes_over_the_caps_e2big)
{
	long max_cpuid = cap(self, TV_CAP_MAX_CPUID), max_msrs = cap(self, TV_CAP_MAX_MSRS);
	struct tv_cpuid *c;
	struct tv_msrs *m;
	long i;

	ASSERT_LT(0, max_cpuid) TH_LOG("TV_CAP_MAX_CPUID is not reported");
	ASSERT_LT(0, max_msrs) TH_LOG("TV_CAP_MAX_MSRS is not reported");
	c = calloc(1, sizeof(*c) + (max_cpuid + 1) * sizeof(c->entries[0]));
	m = calloc(1, sizeof(*m) + (max_msrs + 1) * sizeof(m->entries[0]));
	ASSERT_TRUE(c && m);
	/* The brand string: a value TV_SET_CPUID takes on any host. */
	for (i = 0; i <= max_cpuid; i++)
		c->entries[i].function = 0x80000002;
	c->nent = max_cpuid + 1;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, c, E2BIG);
	c->nent = 0xffffffff;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, c, E2BIG);
	c->nent = max_cpuid;
	EXPECT_EQ(0, ioctl(self->vm->fd, TV_SET_CPUID, c)) TH_LOG("%s", strerror(errno));

	for (i = 0; i <= max_msrs; i++)
		m->entries[i].index = MSR_STAR;
	m->nmsrs = max_msrs + 1;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_MSRS, m, E2BIG);
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_MSRS, m, E2BIG);
	m->nmsrs = 0xffffffff;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_GET_MSRS, m, E2BIG);
	m->nmsrs = max_msrs;
	EXPECT_EQ(max_msrs, ioctl(self->vcpu->fd, TV_GET_MSRS, m)) TH_LOG("%s", strerror(errno));
	free(c);
	free(m);
}

TV_BLOB(blob_done, TV_BLOB_DONE);

/* RUN needs both SET_REGS and SET_SREGS first. */
TEST_F(bad, run_before_regs_and_sregs_einval)
{
	struct tv_vm *vm;
	struct tv_vcpu *a, *b, *c;
	struct tv_regs regs = { .rflags = 2 };
	struct tv_sregs sregs;
	struct tv_ucall uc;

	tv_vm_free(self->vm);
	self->vm = vm = tv_vm_create_std();
	a = tv_vcpu_add(vm, 0);
	b = tv_vcpu_add(vm, 1);
	c = tv_vcpu_add(vm, 2);
	EXPECT_IOCTL_ERR(a->fd, TV_RUN, 0UL, EINVAL);
	tv_set_regs(a, &regs);
	EXPECT_IOCTL_ERR(a->fd, TV_RUN, 0UL, EINVAL);
	tv_sregs_for_mode(vm, TV_MODE_LONG64, &sregs);
	tv_set_sregs(b, &sregs);
	EXPECT_IOCTL_ERR(b->fd, TV_RUN, 0UL, EINVAL);
	/* GET_* do not count as setting. */
	tv_get_regs(c, &regs);
	tv_get_sregs(c, &sregs);
	EXPECT_IOCTL_ERR(c->fd, TV_RUN, 0UL, EINVAL);
	/* With both, it runs; a nonzero argument is still refused. */
	tv_vcpu_setup(c, TV_MODE_REAL16, tv_vm_load_blob(vm, TV_BLOB_FOR(blob_done, TV_MODE_REAL16)));
	EXPECT_IOCTL_ERR(c->fd, TV_RUN, 1UL, EINVAL);
	TV_RUN_DONE(c, &uc);
}

TEST_F(bad, run_page_mmap_offset_or_size)
{
	long size = cap(self, TV_CAP_RUN_SIZE);
	void *p;

	if (size <= 0)
		size = 4096;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->vcpu->fd, 4096);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, size);
	p = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->vcpu->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, size + 4096);
	/* A VM fd has no run page. */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->vm->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

/* --- closing the VM fd under a running vCPU ---------------------------- */

static void guest_sync_forever(void)
{
	uint64_t i;

	for (i = 0;; i++)
		GUEST_SYNC(i);
}

struct runner {
	struct tv_vcpu *vcpu;
	volatile int stop;
	long runs, bad_exits, errors;
	int last_errno;
};

static void *run_until_told(void *arg)
{
	struct runner *r = arg;
	struct tv_ucall uc;

	while (!r->stop) {
		if (__tv_vcpu_run(r->vcpu)) {
			r->errors++;
			r->last_errno = errno;
			break;
		}
		if (tv_get_ucall(r->vcpu, &uc) != TV_UCALL_SYNC ||
		    uc.args[0] != (uint64_t)r->runs)
			r->bad_exits++;
		r->runs++;
	}
	return NULL;
}

/*
 * Another thread closes the VM fd while the vCPU runs: the vCPU fd keeps
 * its VM alive (api.rst, TV_CREATE_VCPU), so the vCPU runs on with no
 * error; once the vCPU fd is closed too, the module holds no reference and
 * works as before.
 */
TEST_F(bad, close_vm_fd_while_vcpu_runs)
{
	struct runner r = {};
	struct tv_vm *vm;
	long refs_before, refs_after, runs_at_close;
	pthread_t th;
	int i;

	tv_vm_free(self->vm);
	self->vm = NULL;
	/*
	 * The count is the whole machine's: a process that ran before this
	 * test (a killed thinrun, in the slow VMX machine) may still be
	 * letting go of its files.  Sample it once it holds still, and below
	 * want no more references than that, not exactly as many.
	 */
	refs_before = tv_module_refcnt();
	for (i = 0; i < 20; i++) {
		usleep(100 * 1000);
		refs_after = tv_module_refcnt();
		if (refs_after == refs_before)
			break;
		refs_before = refs_after;
	}
	/* An unreadable count would make the check below -1 <= -1. */
	ASSERT_LE(0, refs_before) TH_LOG("/sys/module/thinvisor/refcnt unreadable");
	vm = tv_vm_create_with_vcpu(guest_sync_forever, &r.vcpu);
	pthread_create(&th, NULL, run_until_told, &r);
	while (r.runs < 50)
		usleep(1000);
	ASSERT_EQ(0, close(vm->fd));
	close(vm->dev_fd);
	vm->fd = vm->dev_fd = -1;
	runs_at_close = r.runs;
	usleep(200 * 1000);
	r.stop = 1;
	pthread_join(th, NULL);
	TH_LOG("%ld runs, %ld after the close; %ld errors (%s)", r.runs,
	       r.runs - runs_at_close, r.errors, r.errors ? strerror(r.last_errno) : "-");
	EXPECT_EQ(0, r.bad_exits);
	EXPECT_EQ(0, r.errors) TH_LOG("RUN after the VM fd closed: %s", strerror(r.last_errno));
	EXPECT_LT(0, r.runs - runs_at_close) TH_LOG("the vCPU stopped at the close");
	/* The vCPU fd still answers. */
	{
		struct tv_regs regs;

		EXPECT_EQ(0, ioctl(r.vcpu->fd, TV_GET_REGS, &regs))
			TH_LOG("GET_REGS: %s", strerror(errno));
	}
	tv_vm_free(vm);		/* closes the vCPU fd, unmaps the RAM */

	for (i = 0; i < 100 && (refs_after = tv_module_refcnt()) > refs_before; i++)
		usleep(10 * 1000);
	EXPECT_LE(refs_after, refs_before) TH_LOG("module references left behind");
	/* The module still works. */
	vm = tv_vm_create_with_vcpu(guest_sync_forever, &r.vcpu);
	{
		struct tv_ucall uc;

		TV_RUN_SYNC(r.vcpu, &uc, 0);
	}
	tv_vm_free(vm);
}

/* The vCPU fd keeps working after the VM fd is closed. */
TEST_F(bad, vcpu_outlives_vm_fd)
{
	struct tv_vcpu *vcpu;
	struct tv_vm *vm;
	struct tv_ucall uc;

	tv_vm_free(self->vm);
	self->vm = NULL;
	vm = tv_vm_create_with_vcpu(guest_sync_forever, &vcpu);
	TV_RUN_SYNC(vcpu, &uc, 0);
	close(vm->fd);
	vm->fd = -1;
	/* Guest memory is still the VM's: the vCPU runs on. */
	TV_RUN_SYNC(vcpu, &uc, 1);
	TV_RUN_SYNC(vcpu, &uc, 2);
	tv_vm_free(vm);
}

TEST_HARNESS_MAIN
