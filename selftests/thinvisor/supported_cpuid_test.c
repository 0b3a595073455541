// SPDX-License-Identifier: GPL-2.0
/*
 * TV_GET_SUPPORTED_CPUID on /dev/thinvisor: the guest CPU model the
 * module backs on this host (Documentation/cpuid.rst), and its bad inputs.
 */
#include <cpuid.h>
#include <sys/mman.h>

#include "tv_test.h"

#define ROOM	256	/* TV_CAP_MAX_CPUID */

FIXTURE(sup) {
	int fd;
	struct tv_cpuid *c;
};

FIXTURE_SETUP(sup)
{
	TV_OPEN_DEV_OR_SKIP(self->fd);
	self->c = calloc(1, sizeof(*self->c) + ROOM * sizeof(self->c->entries[0]));
	ASSERT_NE(NULL, self->c);
	self->c->nent = ROOM;
}

FIXTURE_TEARDOWN(sup)
{
	free(self->c);
	if (self->fd >= 0)
		close(self->fd);
}

static const struct tv_cpuid_entry *find(const struct tv_cpuid *c, uint32_t fn,
					 uint32_t index)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & TV_CPUID_FLAG_INDEXED) ||
		     c->entries[i].index == index))
			return &c->entries[i];
	return NULL;
}

TEST_F(sup, reports_a_backed_cpu)
{
	const struct tv_cpuid_entry *e;
	uint32_t i;

	ASSERT_EQ(0, ioctl(self->fd, TV_GET_SUPPORTED_CPUID, self->c));
	ASSERT_GT(self->c->nent, 3);
	ASSERT_LE(self->c->nent, ROOM);
	EXPECT_EQ(ROOM, ioctl(self->fd, TV_CHECK_CAP, TV_CAP_MAX_CPUID));
	for (i = 0; i < self->c->nent; i++) {
		e = &self->c->entries[i];
		EXPECT_EQ(0, e->reserved[0] | e->reserved[1] | e->reserved[2]);
		EXPECT_EQ(0, e->flags & ~TV_CPUID_FLAG_INDEXED);
	}
	e = find(self->c, 1, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, e->edx & (1U << 7 | 1U << 12 | 1U << 14));	/* MCE, MTRR, MCA */
	EXPECT_EQ(0, e->ecx & (1U << 3 | 1U << 5 | 1U << 15));	/* MONITOR, VMX, PDCM */
	EXPECT_NE(0, e->ecx & (1U << 21));			/* x2APIC: emulated */
	e = find(self->c, 0x80000001, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, e->ecx & (1U << 2));			/* SVM */
	EXPECT_NE(0, e->edx & (1U << 29));			/* long mode */
	e = find(self->c, 7, 0);
	if (e) {
		unsigned int a, b, c, d;

		/*
		 * The speculation controls (bits 26-29, 31) only where this
		 * CPU has them (Documentation/cpuid.rst); CORE_CAPABILITIES
		 * (30) never.
		 */
		__cpuid_count(7, 0, a, b, c, d);
		EXPECT_EQ(0, e->edx & ~d & 0xfc000000);
		EXPECT_EQ(0, e->edx & (1U << 30));
	}
	EXPECT_EQ(NULL, find(self->c, 0xa, 0));			/* no PMU */
}

/* What it reports, TV_SET_CPUID takes. */
TEST_F(sup, set_cpuid_takes_it)
{
	struct tv_vm *vm;

	ASSERT_EQ(0, ioctl(self->fd, TV_GET_SUPPORTED_CPUID, self->c));
	vm = tv_vm_create();
	tv_vm_set_cpuid(vm, self->c->entries, self->c->nent);
	tv_vm_free(vm);
}

TEST_F(sup, too_little_room_says_how_much)
{
	uint32_t n;

	ASSERT_EQ(0, ioctl(self->fd, TV_GET_SUPPORTED_CPUID, self->c));
	n = self->c->nent;
	self->c->nent = n - 1;
	EXPECT_IOCTL_ERR(self->fd, TV_GET_SUPPORTED_CPUID, self->c, E2BIG);
	EXPECT_EQ(n, self->c->nent);
	self->c->nent = 0;
	EXPECT_IOCTL_ERR(self->fd, TV_GET_SUPPORTED_CPUID, self->c, E2BIG);
	EXPECT_EQ(n, self->c->nent);
}

/* More room than TV_CAP_MAX_CPUID: only that much is used. */
TEST_F(sup, huge_nent_is_capped)
{
	self->c->nent = 0xffffffffU;
	ASSERT_EQ(0, ioctl(self->fd, TV_GET_SUPPORTED_CPUID, self->c));
	EXPECT_LE(self->c->nent, ROOM);
}

TEST_F(sup, reserved_must_be_zero)
{
	self->c->reserved = 1;
	EXPECT_IOCTL_ERR(self->fd, TV_GET_SUPPORTED_CPUID, self->c, EINVAL);
}

TEST_F(sup, bad_pointer)
{
	EXPECT_IOCTL_ERR(self->fd, TV_GET_SUPPORTED_CPUID, (void *)8, EFAULT);
	EXPECT_IOCTL_ERR(self->fd, TV_GET_SUPPORTED_CPUID, NULL, EFAULT);
}

/* The header readable, the entries behind it not writable. */
TEST_F(sup, entries_not_writable)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tv_cpuid *c;

	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, mprotect(m + page, page, PROT_READ));
	c = (struct tv_cpuid *)(m + page - sizeof(*c));
	c->nent = ROOM;
	c->reserved = 0;
	EXPECT_IOCTL_ERR(self->fd, TV_GET_SUPPORTED_CPUID, c, EFAULT);
	munmap(m, 2 * page);
}

/* Not a VM ioctl. */
TEST_F(sup, not_on_a_vm_fd)
{
	struct tv_vm *vm = tv_vm_create();

	EXPECT_IOCTL_ERR(vm->fd, TV_GET_SUPPORTED_CPUID, self->c, ENOTTY);
	tv_vm_free(vm);
}

TEST_HARNESS_MAIN
