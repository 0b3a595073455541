// SPDX-License-Identifier: GPL-2.0
/*
 * Guest state the CPU refuses, and how guest memory is mapped: a state
 * VM entry refuses is an exit (TV_EXIT_FAIL_ENTRY), never a host crash, and the
 * vCPU runs again once the state is good; huge host pages become huge
 * NPT/EPT leaves (counted in /sys/kernel/debug/thinvisor/mmu_leaves).
 */
#include <sys/mman.h>

#include "tv_test.h"

#define HUGE_GPA	0x80000000UL
#define HUGE_SIZE	(4UL << 20)
#define SLOT		TV_SLOT_FIRST_FREE

FIXTURE(state) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(state)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(state)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_done(void)
{
	GUEST_DONE();
}

/*
 * A state only the CPU refuses: VM entry's checks on segments (an unusable
 * TR), which TV_SET_SREGS leaves to the CPU.  SVM's VMRUN checks nothing a
 * caller can set that TV_SET_SREGS lets through (sregs_input_test), so
 * there is no such state on SVM.
 */
TEST_F(state, bad_sregs_fail_entry_then_recover)
{
	struct tv_sregs good, bad;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	if (self->vm->vendor != TV_VENDOR_INTEL_VMX)
		SKIP(return, "VMX only: no state TV_SET_SREGS takes makes SVM's VMRUN fail");
	tv_get_sregs(self->vcpu, &good);
	bad = good;
	bad.tr.attrib = 0;
	tv_set_sregs(self->vcpu, &bad);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_FAIL_ENTRY);
	/* The refusal is stable, and says why in the same way each time. */
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_FAIL_ENTRY);
	TH_LOG("hardware reason 0x%llx",
	       (unsigned long long)self->vcpu->run->fail_entry.hardware_reason);

	tv_set_sregs(self->vcpu, &good);
	TV_RUN_DONE(self->vcpu, &uc);
}

/* CR0 bits above 31 and unknown EFER bits are refused by the ioctl itself. */
TEST_F(state, nonsense_sregs_einval)
{
	struct tv_sregs s;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	tv_get_sregs(self->vcpu, &s);
	s.cr0 |= 1ULL << 40;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_SREGS, &s, EINVAL);
	tv_get_sregs(self->vcpu, &s);
	s.efer |= 1ULL << 20;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_SREGS, &s, EINVAL);
	tv_get_sregs(self->vcpu, &s);
	s.cr8 = 16;
	EXPECT_IOCTL_ERR(self->vcpu->fd, TV_SET_SREGS, &s, EINVAL);
}

static int read_leaves(long *k4, long *m2, long *g1)
{
	FILE *f = fopen("/sys/kernel/debug/thinvisor/mmu_leaves", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "4k %ld 2m %ld 1g %ld", k4, m2, g1);
	fclose(f);
	return n == 3 ? 0 : -1;
}

static int reserve_huge_pages(long n)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r+");
	long have = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &have) != 1)
		have = 0;
	if (have < n) {
		rewind(f);
		fprintf(f, "%ld\n", n);
	}
	fclose(f);
	return 0;
}

/* HUGE_SIZE of 2 MiB pages, or NULL after a SKIP where there are none. */
static uint8_t *map_huge_or_skip(struct __test_metadata *_metadata)
{
	long k4, m2, g1;
	void *p;

	if (read_leaves(&k4, &m2, &g1))
		SKIP(return NULL, "no /sys/kernel/debug/thinvisor/mmu_leaves (debugfs)");
	reserve_huge_pages(4);
	p = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		SKIP(return NULL, "no 2 MiB huge pages: %s", strerror(errno));
	return p;
}

static void guest_touch(uint64_t gpa, uint64_t size)
{
	volatile uint8_t *p = (volatile uint8_t *)gpa;
	uint64_t off;

	for (off = 0; off < size; off += 4096)
		p[off] = (uint8_t)(off >> 12);
	GUEST_DONE();
}

/*
 * hugetlbfs-backed memory at a 2 MiB-aligned guest address: two 2 MiB
 * leaves, no 4 KiB ones; gone again when the slot goes.
 */
TEST_F(state, huge_pages_map_as_2m_leaves)
{
	long k4, m2, g1, k4b, m2b, g1b;
	struct tv_ucall uc;
	uint8_t *host;

	host = map_huge_or_skip(_metadata);
	if (!host)
		return;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_touch, &self->vcpu);
	ASSERT_EQ(0, read_leaves(&k4, &m2, &g1));
	tv_set_memory_region(self->vm, SLOT, 0, HUGE_GPA, HUGE_SIZE, host);
	ASSERT_EQ(0, read_leaves(&k4b, &m2b, &g1b));
	EXPECT_EQ(m2 + 2, m2b);
	EXPECT_EQ(k4, k4b);
	EXPECT_EQ(g1, g1b);

	tv_vcpu_set_args(self->vcpu, 2, (uint64_t)HUGE_GPA, (uint64_t)HUGE_SIZE);
	TV_RUN_DONE(self->vcpu, &uc);
	/* The guest wrote each page's number, modulo 256, at its start. */
	EXPECT_EQ(5, host[5 * 4096]);
	EXPECT_EQ(3, host[(2UL << 20) + 3 * 4096]);

	tv_vm_delete_slot(self->vm, SLOT);
	ASSERT_EQ(0, read_leaves(&k4b, &m2b, &g1b));
	EXPECT_EQ(m2, m2b);
	munmap(host, HUGE_SIZE);
}

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << 26)
#endif

/*
 * A 1 GiB huge page (the SVM test machine reserves one at boot with
 * hugepagesz=1G hugepages=1) at a 1 GiB-aligned guest address: one leaf.
 */
TEST_F(state, gigantic_page_maps_as_1g_leaf)
{
	long k4, m2, g1, k4b, m2b, g1b;
	uint8_t *host;

	if (read_leaves(&k4, &m2, &g1))
		SKIP(return, "no /sys/kernel/debug/thinvisor/mmu_leaves (debugfs)");
	host = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	if (host == MAP_FAILED)
		SKIP(return, "no 1 GiB huge page reserved: %s", strerror(errno));

	self->vm = tv_vm_create();
	tv_set_memory_region(self->vm, 0, 0, 1UL << 30, 1UL << 30, host);
	ASSERT_EQ(0, read_leaves(&k4b, &m2b, &g1b));
	EXPECT_EQ(g1 + 1, g1b);
	EXPECT_EQ(m2, m2b);
	EXPECT_EQ(k4, k4b);
	tv_vm_delete_slot(self->vm, 0);
	ASSERT_EQ(0, read_leaves(&k4b, &m2b, &g1b));
	EXPECT_EQ(g1, g1b);
	munmap(host, 1UL << 30);
}

/* The same memory at a guest address that is not 2 MiB aligned: 4 KiB leaves. */
TEST_F(state, misaligned_huge_pages_map_as_4k_leaves)
{
	long k4, m2, g1, k4b, m2b, g1b;
	uint8_t *host;

	host = map_huge_or_skip(_metadata);
	if (!host)
		return;

	self->vm = tv_vm_create();
	ASSERT_EQ(0, read_leaves(&k4, &m2, &g1));
	tv_set_memory_region(self->vm, 0, 0, HUGE_GPA + 4096, HUGE_SIZE, host);
	ASSERT_EQ(0, read_leaves(&k4b, &m2b, &g1b));
	EXPECT_EQ(m2, m2b);
	EXPECT_EQ(k4 + (long)(HUGE_SIZE / 4096), k4b);
	tv_vm_delete_slot(self->vm, 0);
	munmap(host, HUGE_SIZE);
}

TEST_HARNESS_MAIN
