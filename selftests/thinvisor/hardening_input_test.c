// SPDX-License-Identifier: GPL-2.0
/*
 * Caller input the module must refuse cleanly (issue #12, finding 13 and
 * a follow-up): nonzero pad bytes of SET_SREGS' descriptor tables; a memory
 * slot too large for the module's page array (with an unlimited memlock,
 * as root has, it used to reach a kvcalloc() above INT_MAX, which WARNs);
 * and MSR values (SET_MSRS stops at one it refuses) checked against the guest's virtual-address width, 57
 * bits where the guest can turn on 5-level paging (SVM on a host with
 * LA57), else 48; and writable slots backed by a file's page cache
 * (other than shmem's or hugetlbfs'), which would stay pinned and written
 * behind the filesystem's back.
 */
#include <cpuid.h>
#include <sys/mman.h>
#include <sys/mount.h>

#include "tv_test.h"

FIXTURE(hin) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(hin)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(hin)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_done(void)
{
	GUEST_DONE();
}

TEST_F(hin, set_sregs_nonzero_dtable_pad_einval)
{
	struct tv_sregs good, bad, now;
	int i;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	tv_get_sregs(self->vcpu, &good);
	for (i = 0; i < 6; i++) {
		bad = good;
		if (i < 3)
			bad.gdt.pad[i] = 1;
		else
			bad.idt.pad[i - 3] = 0x8000;
		bad.gdt.base ^= 0x1000;	/* would be taken with the pad */
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, TV_SET_SREGS, &bad))
			TH_LOG("%s pad[%d] nonzero was taken", i < 3 ? "gdt" : "idt", i % 3);
		EXPECT_EQ(EINVAL, errno);
		tv_get_sregs(self->vcpu, &now);
		EXPECT_EQ(good.gdt.base, now.gdt.base) TH_LOG("the refused SET_SREGS changed GDTR");
	}
	TV_RUN_DONE(self->vcpu, &((struct tv_ucall){0}));
}

/* CPUID 0x80000008 EAX[7:0]: the host's physical-address width. */
static unsigned int host_phys_bits(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000008, &a, &b, &c, &d))
		return 36;
	return a & 0xff;
}

TEST_F(hin, slot_above_the_page_array_limit_einval)
{
	/* INT_MAX / 8 pages is just under 1 TiB; one byte more is 1 TiB. */
	uint64_t size = 1ULL << 40;

	/*
	 * With fewer than 40 physical-address bits the range check refuses
	 * it as well (EINVAL either way); with 40 (the SVM machine) only the
	 * size limit does.
	 */
	TH_LOG("host physical-address bits: %u", host_phys_bits());
	self->vm = tv_vm_create();
	/* No memory behind it: the size is refused before anything is pinned. */
	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(self->vm, 0, 0, 0, size, (void *)(1ULL << 40)));
	EXPECT_EQ(EINVAL, errno) TH_LOG("a 1 TiB slot: %s", strerror(errno));
}

static void *map_file(const char *path, size_t size, int *fd)
{
	void *p;

	*fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (*fd < 0 || ftruncate(*fd, size))
		return MAP_FAILED;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	return p;
}

TEST_F(hin, writable_slot_of_a_file_mapping_is_refused)
{
	char dir[] = "/tmp/tv-ramfs-XXXXXX", path[64];
	const size_t size = 4 * 4096;
	int fd = -1, mfd;
	void *p, *m;

	ASSERT_NE(NULL, mkdtemp(dir));
	if (mount("none", dir, "ramfs", 0, NULL)) {
		rmdir(dir);
		SKIP(return, "mount ramfs: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/ram", dir);
	p = map_file(path, size, &fd);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("%s: %s", path, strerror(errno));
	self->vm = tv_vm_create();

	errno = 0;
	EXPECT_EQ(-1, __tv_set_memory_region(self->vm, 0, 0, 0, size, p))
		TH_LOG("a writable slot of a ramfs file was pinned");
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* Read-only for the guest: nothing is written behind the file's back. */
	EXPECT_EQ(0, __tv_set_memory_region(self->vm, 1, TV_MEM_READONLY, 1 << 20, size, p))
		TH_LOG("read-only slot of a file: %s", strerror(errno));

	/* shmem (memfd) is what launchers use for shared guest memory. */
	mfd = memfd_create("tv-guest", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, size));
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(0, __tv_set_memory_region(self->vm, 2, 0, 2 << 20, size, m))
		TH_LOG("a memfd slot: %s", strerror(errno));

	tv_vm_free(self->vm);
	self->vm = NULL;
	munmap(m, size);
	close(mfd);
	munmap(p, size);
	close(fd);
	umount(dir);
	rmdir(dir);
}

static bool guest_can_la57(struct tv_vm *vm)
{
	unsigned int a, b, c, d;

	__cpuid_count(7, 0, a, b, c, d);
	return vm->vendor == TV_VENDOR_AMD_SVM && (c & (1U << 16));
}

TEST_F(hin, msr_canonical_width_follows_the_guest)
{
	static const uint32_t msrs[] = {
		MSR_GS_BASE, MSR_FS_BASE, MSR_KERNEL_GS_BASE, MSR_LSTAR,
	};
	const uint64_t la57_only = 0xff00000000001000ULL;
	const uint64_t never = 0x0100000000000000ULL;
	const uint64_t both = 0xffff800000002000ULL;
	struct {
		struct tv_msrs h;
		struct tv_msr_entry e;
	} m;
	bool la57;
	int i;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	la57 = guest_can_la57(self->vm);
	for (i = 0; i < 4; i++) {
		tv_set_msr(self->vcpu, msrs[i], both);
		EXPECT_EQ(both, tv_get_msr(self->vcpu, msrs[i]));

		memset(&m, 0, sizeof(m));
		m.h.nmsrs = 1;
		m.e.index = msrs[i];
		m.e.data = la57_only;
		EXPECT_EQ(la57 ? 1 : 0, ioctl(self->vcpu->fd, TV_SET_MSRS, &m))
			TH_LOG("MSR 0x%x = 0x%llx with%s 5-level paging possible", msrs[i],
			       (unsigned long long)la57_only, la57 ? "" : "out");
		EXPECT_EQ(la57 ? la57_only : both, tv_get_msr(self->vcpu, msrs[i]));

		m.e.data = never;
		EXPECT_EQ(0, ioctl(self->vcpu->fd, TV_SET_MSRS, &m))
			TH_LOG("MSR 0x%x = 0x%llx is canonical in no mode", msrs[i],
			       (unsigned long long)never);
	}
}

TEST_HARNESS_MAIN
