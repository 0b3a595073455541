// SPDX-License-Identifier: GPL-2.0
/*
 * TV_IOEVENTFD: guest writes to a registered MMIO address or port signal
 * an eventfd with no exit to userspace.  Each test's guest ends its
 * doorbells with a ucall (an OUT that exits), so a RUN that returns with
 * that ucall and nothing before it is the proof that the doorbells cost
 * no userspace exit; the eventfd's counter says how many were taken.
 * Then what must still exit (a data-match miss, another size), duplicates,
 * deassign, a closed eventfd, a closed VM, and the bad inputs.
 */
#include <poll.h>
#include <sys/eventfd.h>

#include "tv_test.h"

#define DOORBELL	TV_MMIO_HIGH_GPA	/* no slot: MMIO */
#define DOORBELL_PORT	0x510
#define N_DOORBELLS	1000
#define MATCH		7

FIXTURE(ioeventfd) {
	int dev;
	int efd;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(ioeventfd)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(ioeventfd)
{
	if (self->vm)
		tv_vm_free(self->vm);
	if (self->efd >= 0)
		close(self->efd);
	close(self->dev);
}

static int __assign(struct tv_vm *vm, int fd, uint64_t addr, uint32_t len, uint32_t flags,
		    uint64_t datamatch)
{
	struct tv_ioeventfd e = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd, .flags = flags,
	};

	return ioctl(vm->fd, TV_IOEVENTFD, &e);
}

/* The eventfd's counter (and so 0 again), 0 when nothing came. */
static uint64_t drain(int efd)
{
	uint64_t n = 0;

	if (read(efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static void mmio_write8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}

static void guest_mmio_doorbells(void)
{
	int i;

	for (i = 0; i < N_DOORBELLS; i++)
		mmio_write32(DOORBELL, MATCH);
	GUEST_SYNC(1);
	mmio_write32(DOORBELL, MATCH + 1);	/* a data-match miss */
	mmio_write8(DOORBELL, MATCH);		/* another size */
	mmio_write32(DOORBELL, MATCH);
	GUEST_SYNC(2);
	mmio_write32(DOORBELL, MATCH);		/* after the deassign */
	GUEST_DONE();
}

/* N doorbells, one userspace exit (the ucall), the counter at N. */
TEST_F(ioeventfd, mmio_doorbells_cost_no_userspace_exit)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_mmio_doorbells, &self->vcpu);
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL, 4, TV_IOEVENTFD_FLAG_DATAMATCH,
			      MATCH)) TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(N_DOORBELLS, drain(self->efd));

	/* The miss exits to userspace as a plain MMIO write, and so does a byte. */
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(DOORBELL, self->vcpu->run->mmio.phys_addr);
	EXPECT_EQ(4, self->vcpu->run->mmio.len);
	EXPECT_EQ(1, self->vcpu->run->mmio.is_write);
	EXPECT_EQ(MATCH + 1, self->vcpu->run->mmio.data[0]);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(1, self->vcpu->run->mmio.len);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, drain(self->efd));

	/* Deassigned: the same write exits. */
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL, 4,
			      TV_IOEVENTFD_FLAG_DATAMATCH | TV_IOEVENTFD_FLAG_DEASSIGN, MATCH));
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(MATCH, self->vcpu->run->mmio.data[0]);
	TV_RUN_DONE(self->vcpu, &uc);
	EXPECT_EQ(0, drain(self->efd));
}

static void guest_any_size(void)
{
	mmio_write8(DOORBELL, 1);
	mmio_write32(DOORBELL, 2);
	*(volatile uint64_t *)DOORBELL = 3;
	*(volatile uint16_t *)DOORBELL = 4;
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* len 0: a write of any size, any value. */
TEST_F(ioeventfd, len_zero_matches_every_size)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_any_size, &self->vcpu);
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL, 0, 0, 0));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(4, drain(self->efd));
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_port_doorbells(void)
{
	int i;

	for (i = 0; i < N_DOORBELLS; i++)
		asm volatile("outl %0, %w1" : : "a"(0x1234u), "Nd"(DOORBELL_PORT));
	GUEST_SYNC(1);
	asm volatile("outb %0, %w1" : : "a"((uint8_t)1), "Nd"(DOORBELL_PORT));
	GUEST_DONE();
}

TEST_F(ioeventfd, port_doorbells_cost_no_userspace_exit)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_port_doorbells, &self->vcpu);
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL_PORT, 4, TV_IOEVENTFD_FLAG_PIO, 0));
	/* The same address as MMIO is another entry, not a duplicate. */
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL_PORT, 4, 0, 0));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(N_DOORBELLS, drain(self->efd));
	/* A byte OUT does not match a 4-byte doorbell: an I/O exit. */
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_IO);
	EXPECT_EQ(DOORBELL_PORT, self->vcpu->run->io.port);
	EXPECT_EQ(1, self->vcpu->run->io.size);
	TV_RUN_DONE(self->vcpu, &uc);
	EXPECT_EQ(0, drain(self->efd));
}

TEST_F(ioeventfd, duplicates_are_eexist)
{
	int other = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, other);
	self->vm = tv_vm_create();
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL, 4, TV_IOEVENTFD_FLAG_DATAMATCH, 1));
	/* The same write could match both: refused, whatever the eventfd. */
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, DOORBELL, 4,
			       TV_IOEVENTFD_FLAG_DATAMATCH, 1));
	EXPECT_EQ(EEXIST, errno);
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, other, DOORBELL, 4, 0, 0));
	EXPECT_EQ(EEXIST, errno);
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, other, DOORBELL, 0, 0, 0));
	EXPECT_EQ(EEXIST, errno);
	/* Told apart by value, size or space: fine. */
	EXPECT_EQ(0, __assign(self->vm, other, DOORBELL, 4, TV_IOEVENTFD_FLAG_DATAMATCH, 2));
	EXPECT_EQ(0, __assign(self->vm, other, DOORBELL, 2, 0, 0));
	EXPECT_EQ(0, __assign(self->vm, other, DOORBELL_PORT, 4, 0, 0));
	EXPECT_EQ(0, __assign(self->vm, other, DOORBELL_PORT, 4, TV_IOEVENTFD_FLAG_PIO, 0));
	close(other);
}

#define A DOORBELL_PORT
TEST_F(ioeventfd, deassign_must_match_exactly)
{
	int other = eventfd(0, EFD_CLOEXEC);
	uint32_t dm = TV_IOEVENTFD_FLAG_DATAMATCH, de = TV_IOEVENTFD_FLAG_DEASSIGN;

	ASSERT_LE(0, other);
	/* An address that is both a port and MMIO: only the space differs. */
	self->vm = tv_vm_create();
	ASSERT_EQ(0, __assign(self->vm, self->efd, A, 4, dm, 1));
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, A, 4, dm | de, 2));
	EXPECT_EQ(ENOENT, errno);
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, A, 4, de, 0));
	EXPECT_EQ(ENOENT, errno);
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, other, A, 4, dm | de, 1));
	EXPECT_EQ(ENOENT, errno);
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, A, 4, dm | de | TV_IOEVENTFD_FLAG_PIO,
			       1));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, __assign(self->vm, self->efd, A, 4, dm | de, 1));
	/* Once only; then the place is free again. */
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, A, 4, dm | de, 1));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, __assign(self->vm, other, A, 4, 0, 0));
	close(other);
}
#undef A

TEST_F(ioeventfd, bad_inputs)
{
	struct tv_ioeventfd e = { .addr = DOORBELL, .len = 4, .fd = self->efd };
	struct tv_vcpu *v;
	int i;

	self->vm = tv_vm_create();
#define BAD(field, value, err) do {					\
		struct tv_ioeventfd b = e;				\
		b.field = (value);					\
		EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, &b, err);	\
	} while (0)
	BAD(flags, 0x8, EINVAL);
	BAD(flags, 1U << 31, EINVAL);
	BAD(len, 3, EINVAL);
	BAD(len, 16, EINVAL);
	BAD(reserved[0], 1, EINVAL);
	BAD(reserved[4], 1, EINVAL);
	BAD(addr, ~0ULL - 2, EINVAL);		/* wraps */
	BAD(fd, -1, EBADF);
	BAD(fd, 1000000, EBADF);
	BAD(fd, self->dev, EINVAL);		/* not an eventfd */
	{
		struct tv_ioeventfd b = e;

		b.flags = TV_IOEVENTFD_FLAG_DATAMATCH;
		b.len = 0;			/* a value with no size */
		EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, &b, EINVAL);
		b.len = 1;
		b.datamatch = 0x100;		/* wider than the write */
		EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, &b, EINVAL);
		b.len = 4;
		b.datamatch = 1ULL << 32;
		EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, &b, EINVAL);
		b.flags = TV_IOEVENTFD_FLAG_PIO;
		b.datamatch = 0;
		b.addr = 0xfffe;		/* past the last port */
		EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, &b, EINVAL);
		b.addr = 0x10000;
		b.len = 0;
		EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, &b, EINVAL);
		b.addr = 0xfffc;		/* the last 4 ports: fine */
		b.len = 4;
		EXPECT_EQ(0, ioctl(self->vm->fd, TV_IOEVENTFD, &b));
	}
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IOEVENTFD, NULL, EFAULT);
	EXPECT_IOCTL_ERR(self->dev, TV_IOEVENTFD, &e, ENOTTY);
	v = tv_vcpu_add(self->vm, 0);
	EXPECT_IOCTL_ERR(v->fd, TV_IOEVENTFD, &e, ENOTTY);

	/* At most TV_CAP_IOEVENTFD entries (the PIO one above is one). */
	EXPECT_EQ(256, ioctl(self->dev, TV_CHECK_CAP, TV_CAP_IOEVENTFD));
	for (i = 0; i < 256 - 1; i++) {
		ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL + 8 * i, 4, 0, 0))
			TH_LOG("entry %d: %s", i, strerror(errno));
	}
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, DOORBELL - 8, 4, 0, 0));
	EXPECT_EQ(ENOSPC, errno);
}

static void guest_doorbell_then_done(void)
{
	mmio_write32(DOORBELL, MATCH);
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* The entry holds the eventfd's context: the guest's write still goes. */
TEST_F(ioeventfd, eventfd_closed_while_assigned)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_doorbell_then_done, &self->vcpu);
	ASSERT_EQ(0, __assign(self->vm, self->efd, DOORBELL, 4, 0, 0));
	close(self->efd);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	/* Its number may be reused by another file: deassign by it is ENOENT or EINVAL. */
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	errno = 0;
	EXPECT_EQ(-1, __assign(self->vm, self->efd, DOORBELL, 4, TV_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(ENOENT, errno);
	TV_RUN_DONE(self->vcpu, &uc);
}

/* Entries go with the VM; their eventfds stay usable. */
TEST_F(ioeventfd, vm_closed_with_live_entries)
{
	uint64_t one = 1;
	int i;

	for (i = 0; i < 20; i++) {
		struct tv_vm *vm = tv_vm_create();

		ASSERT_EQ(0, __assign(vm, self->efd, DOORBELL, 4, 0, 0));
		ASSERT_EQ(0, __assign(vm, self->efd, DOORBELL_PORT, 2, TV_IOEVENTFD_FLAG_PIO, 0));
		tv_vm_free(vm);
	}
	EXPECT_EQ(sizeof(one), write(self->efd, &one, sizeof(one)));
	EXPECT_EQ(1, drain(self->efd));
}

TEST_HARNESS_MAIN
