// SPDX-License-Identifier: GPL-2.0
/*
 * TV_SET_MEMORY_REGION's documented refusals not covered elsewhere: a
 * kernel address as userspace_addr, a guest range past the physical-address
 * limit, RLIMIT_MEMLOCK for a caller without CAP_IPC_LOCK, a failed
 * replacement that must keep the old slot, and EIO for ioctls from a
 * process other than the VM's creator.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "tv_test.h"

#define SLOT_GPA	0x40000000UL
#define SLOT_SIZE	(2UL << 20)
#define SLOT		TV_SLOT_FIRST_FREE

FIXTURE(region) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(region)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(region)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int set_region(struct tv_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		      uint64_t uaddr)
{
	struct tv_memory_region r = { .slot = slot, .guest_phys_addr = gpa, .size = size,
				      .userspace_addr = uaddr };

	errno = 0;
	return ioctl(vm->fd, TV_SET_MEMORY_REGION, &r);
}

/*
 * The top of user space: 47 bits, or 56 where the host runs with 5-level
 * paging (only there can anything be mapped at 2^47).
 */
static uint64_t user_space_top(void)
{
	void *p = mmap((void *)(1ULL << 47), 4096, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 1ULL << 47;
	munmap(p, 4096);
	return 1ULL << 56;
}

TEST_F(region, kernel_address_as_userspace_addr_einval)
{
	void *p = map_anon(1 << 20);
	uint64_t top = user_space_top();

	ASSERT_NE(NULL, p);
	self->vm = tv_vm_create();
	/* The direct map, and the kernel's text. */
	EXPECT_EQ(-1, set_region(self->vm, 0, 0, 1 << 20, 0xffff888000000000ULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_region(self->vm, 0, 0, 1 << 20, 0xffffffff81000000ULL));
	EXPECT_EQ(EINVAL, errno);
	/* A user range that runs past the top of user space. */
	EXPECT_EQ(-1, set_region(self->vm, 0, 0, 1 << 20, top - 0x80000));
	EXPECT_EQ(EINVAL, errno) TH_LOG("top of user space %#llx", (unsigned long long)top);
	/* A non-canonical address. */
	EXPECT_EQ(-1, set_region(self->vm, 0, 0, 1 << 20, top));
	EXPECT_EQ(EINVAL, errno);
	/* And the same slot with real user memory works. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 1 << 20, (uintptr_t)p)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, 0));
	munmap(p, 1 << 20);
}

/* The CPU's physical-address width, capped at 48 bits as api.rst says. */
static unsigned int gpa_bits(void)
{
	unsigned int a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008U), "c"(0));
	return (a & 0xff) < 48 ? (a & 0xff) : 48;
}

TEST_F(region, guest_range_past_phys_limit_einval)
{
	uint64_t top = 1ULL << gpa_bits();
	void *p = map_anon(8192);

	ASSERT_NE(NULL, p);
	TH_LOG("guest-physical limit: %u bits", gpa_bits());
	self->vm = tv_vm_create();
	EXPECT_EQ(-1, set_region(self->vm, 0, top, 4096, (uintptr_t)p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_region(self->vm, 0, top - 4096, 8192, (uintptr_t)p));
	EXPECT_EQ(EINVAL, errno) TH_LOG("a range crossing the limit");
	EXPECT_EQ(-1, set_region(self->vm, 0, 1ULL << 52, 4096, (uintptr_t)p));
	EXPECT_EQ(EINVAL, errno);
	/* Its last page below the limit is a guest address like any other. */
	EXPECT_EQ(0, set_region(self->vm, 0, top - 4096, 4096, (uintptr_t)p))
		TH_LOG("the last page below the limit: %s", strerror(errno));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, 0));
	munmap(p, 8192);
}

/*
 * A caller without CAP_IPC_LOCK pins no more than RLIMIT_MEMLOCK: over it
 * is ENOMEM, under it works.  The test process drops root (and so every
 * capability) after opening the VM; it is the harness's own child.
 */
TEST_F(region, memlock_limit_for_caller_not_root_enomem)
{
	struct rlimit lim = { .rlim_cur = 1 << 20, .rlim_max = 1 << 20 };
	void *p = map_anon(4 << 20);

	ASSERT_NE(NULL, p);
	self->vm = tv_vm_create();	/* no memory pinned yet */
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &lim));
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(-1, set_region(self->vm, 0, 0, 4 << 20, (uintptr_t)p));
	EXPECT_EQ(ENOMEM, errno) TH_LOG("4 MiB over a 1 MiB RLIMIT_MEMLOCK: %s", strerror(errno));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 512 << 10, (uintptr_t)p))
		TH_LOG("512 KiB under a 1 MiB RLIMIT_MEMLOCK: %s", strerror(errno));
	/* The two slots together would pass the limit. */
	EXPECT_EQ(-1, set_region(self->vm, 1, 1 << 20, 768 << 10, (uintptr_t)p + (1 << 20)));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, 0));
	/* Deleting the slot gave its pages back to the count. */
	EXPECT_EQ(0, set_region(self->vm, 1, 1 << 20, 768 << 10, (uintptr_t)p + (1 << 20)))
		TH_LOG("after the delete: %s", strerror(errno));
	EXPECT_EQ(0, set_region(self->vm, 1, 0, 0, 0));
	munmap(p, 4 << 20);
}

static void guest_read_word(uint64_t gpa)
{
	uint64_t i;

	for (i = 1;; i++)
		GUEST_SYNC_ARGS(i, *(volatile uint64_t *)gpa, 0, 0, 0);
}

/*
 * api.rst: "if the new one cannot be made, the old one is kept".  Three
 * replacements that fail, each at another stage (overlap found first,
 * user memory that ends in a hole, a range past the limit); after each,
 * the guest still reads the old slot's memory.
 */
TEST_F(region, failed_replacement_keeps_old_slot)
{
	uint64_t *old, stage = 0;
	struct tv_ucall uc;
	char *holey;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_word, &self->vcpu);
	old = tv_vm_add_ram(self->vm, SLOT, SLOT_GPA, SLOT_SIZE, 0);
	old[0] = 0x01d5107;
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)SLOT_GPA);
	TV_RUN_SYNC(self->vcpu, &uc, ++stage);
	ASSERT_EQ(0x01d5107, uc.args[1]);

	/* A new range overlapping the main slot. */
	holey = map_anon(SLOT_SIZE);
	ASSERT_NE(NULL, holey);
	memset(holey, 0x5a, SLOT_SIZE);
	EXPECT_EQ(-1, set_region(self->vm, SLOT, TV_HEAP_GPA, SLOT_SIZE, (uintptr_t)holey));
	EXPECT_EQ(EEXIST, errno);
	TV_RUN_SYNC(self->vcpu, &uc, ++stage);
	EXPECT_EQ(0x01d5107, uc.args[1]) TH_LOG("after EEXIST");

	/* User memory whose last page is gone: pinning fails part way. */
	ASSERT_EQ(0, munmap(holey + SLOT_SIZE - 4096, 4096));
	EXPECT_EQ(-1, set_region(self->vm, SLOT, SLOT_GPA, SLOT_SIZE, (uintptr_t)holey));
	EXPECT_EQ(EFAULT, errno);
	TV_RUN_SYNC(self->vcpu, &uc, ++stage);
	EXPECT_EQ(0x01d5107, uc.args[1]) TH_LOG("after EFAULT");

	/* A range past the physical-address limit. */
	EXPECT_EQ(-1, set_region(self->vm, SLOT, 1ULL << 52, SLOT_SIZE, (uintptr_t)holey));
	EXPECT_EQ(EINVAL, errno);
	/* Still the old memory, and still live: a host write shows. */
	old[0] = 0x0d1e;
	TV_RUN_SYNC(self->vcpu, &uc, ++stage);
	EXPECT_EQ(0x0d1e, uc.args[1]) TH_LOG("after EINVAL");
	munmap(holey, SLOT_SIZE - 4096);
}

/* Each VM and vCPU ioctl from a child process: EIO, documented on both. */
TEST_F(region, ioctls_from_another_process_eio)
{
	struct tv_regs regs;
	int status, bad = 0;
	pid_t pid;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_word, &self->vcpu);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *p = map_anon(4096);

		if (ioctl(self->vm->fd, TV_CREATE_VCPU, 7) != -1 || errno != EIO)
			bad |= 1;
		if (set_region(self->vm, SLOT, SLOT_GPA, 4096, (uintptr_t)p) != -1 || errno != EIO)
			bad |= 2;
		if (ioctl(self->vcpu->fd, TV_GET_REGS, &regs) != -1 || errno != EIO)
			bad |= 4;
		if (ioctl(self->vcpu->fd, TV_RUN, 0) != -1 || errno != EIO)
			bad |= 8;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status) & 1) TH_LOG("TV_CREATE_VCPU from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 2) TH_LOG("TV_SET_MEMORY_REGION from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 4) TH_LOG("TV_GET_REGS from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 8) TH_LOG("TV_RUN from a child");
	/* The creator's VM is unharmed. */
	{
		struct tv_ucall uc;

		TV_RUN_SYNC(self->vcpu, &uc, 1);
	}
}

TEST_HARNESS_MAIN
