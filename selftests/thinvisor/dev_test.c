// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/thinvisor: API version, capabilities, VM creation, and taking turns
 * with KVM for SVM/VMX.
 */
#include <sys/resource.h>
#include <linux/kvm.h>

#include "tv_test.h"

static int read_vendor(char *buf, size_t len)
{
	FILE *f = fopen("/sys/class/misc/thinvisor/vendor", "r");

	if (!f || !fgets(buf, len, f))
		return -1;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	TV_OPEN_DEV_OR_SKIP(self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, api_version)
{
	EXPECT_EQ(TV_API_VERSION, ioctl(self->fd, TV_GET_API_VERSION, 0));
}

TEST_F(dev, api_version_rejects_argument)
{
	EXPECT_IOCTL_ERR(self->fd, TV_GET_API_VERSION, 1UL, EINVAL);
}

TEST_F(dev, check_cap_vendor_matches_sysfs)
{
	char vendor[16];
	int cap = ioctl(self->fd, TV_CHECK_CAP, TV_CAP_VENDOR);

	ASSERT_EQ(0, read_vendor(vendor, sizeof(vendor)));
	if (!strcmp(vendor, "svm")) {
		EXPECT_EQ(TV_VENDOR_AMD_SVM, cap);
	} else {
		EXPECT_STREQ("vmx", vendor);
		EXPECT_EQ(TV_VENDOR_INTEL_VMX, cap);
	}
}

TEST_F(dev, check_cap_unknown_is_zero)
{
	EXPECT_EQ(0, ioctl(self->fd, TV_CHECK_CAP, 0UL));
	EXPECT_EQ(0, ioctl(self->fd, TV_CHECK_CAP, 0xffffUL));
	EXPECT_EQ(0, ioctl(self->fd, TV_CHECK_CAP, ~0UL));
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	EXPECT_IOCTL_ERR(self->fd, _IO(TV_IOCTL_MAGIC, 0xff), 0UL, ENOTTY);
	EXPECT_IOCTL_ERR(self->fd, _IO(0xAE, 0x01), 0UL, ENOTTY);
}

TEST_F(dev, vm_and_vcpu_ioctls_on_dev_fd_are_enotty)
{
	EXPECT_IOCTL_ERR(self->fd, TV_CREATE_VCPU, 0UL, ENOTTY);
	EXPECT_IOCTL_ERR(self->fd, TV_RUN, 0UL, ENOTTY);
}

TEST_F(dev, create_vm_rejects_nonzero_type)
{
	EXPECT_IOCTL_ERR(self->fd, TV_CREATE_VM, 1UL, EINVAL);
	EXPECT_IOCTL_ERR(self->fd, TV_CREATE_VM, ~0UL, EINVAL);
}

TEST_F(dev, create_vm_gives_cloexec_fd)
{
	int vm = ioctl(self->fd, TV_CREATE_VM, 0);

	ASSERT_LE(0, vm);
	EXPECT_EQ(FD_CLOEXEC, fcntl(vm, F_GETFD) & FD_CLOEXEC);
	/* A VM fd is not a system fd. */
	EXPECT_IOCTL_ERR(vm, TV_CREATE_VM, 0UL, ENOTTY);
	EXPECT_IOCTL_ERR(vm, TV_GET_API_VERSION, 0UL, ENOTTY);
	EXPECT_EQ(0, close(vm));
}

TEST_F(dev, many_vms_at_once)
{
	int vms[64], i;

	for (i = 0; i < 64; i++) {
		vms[i] = ioctl(self->fd, TV_CREATE_VM, 0);
		ASSERT_LE(0, vms[i]) TH_LOG("VM %d: %s", i, strerror(errno));
	}
	for (i = 0; i < 64; i++)
		EXPECT_EQ(0, close(vms[i]));
	/* The last close turned SVM/VMX off; the next VM turns it on again. */
	i = ioctl(self->fd, TV_CREATE_VM, 0);
	ASSERT_LE(0, i);
	close(i);
}

static int open_kvm_or_skip(struct __test_metadata *_metadata)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		SKIP(return -1, "/dev/kvm: %s (kvm_amd/kvm_intel not loaded)", strerror(errno));
	return kvm;
}

/* While KVM holds SVM/VMX (it has a VM), thinvisor refuses with EBUSY. */
TEST_F(dev, create_vm_refused_while_kvm_vm_lives)
{
	int kvm = open_kvm_or_skip(_metadata);
	int kvm_vm, vm;

	if (kvm < 0)
		return;
	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, kvm_vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	EXPECT_IOCTL_ERR(self->fd, TV_CREATE_VM, 0UL, EBUSY);
	/* KVM was not disturbed: it can still create a vCPU. */
	vm = ioctl(kvm_vm, KVM_CREATE_VCPU, 0);
	EXPECT_LE(0, vm) TH_LOG("KVM_CREATE_VCPU: %s", strerror(errno));
	if (vm >= 0)
		close(vm);
	close(kvm_vm);
	close(kvm);
	/* And once KVM lets go, thinvisor takes its turn. */
	vm = ioctl(self->fd, TV_CREATE_VM, 0);
	EXPECT_LE(0, vm) TH_LOG("TV_CREATE_VM after KVM: %s", strerror(errno));
	if (vm >= 0)
		close(vm);
}

/* While thinvisor holds SVM/VMX, KVM is refused, and gets its turn after. */
TEST_F(dev, kvm_refused_while_thinvisor_vm_lives)
{
	int kvm = open_kvm_or_skip(_metadata);
	int vm, kvm_vm;

	if (kvm < 0)
		return;
	vm = ioctl(self->fd, TV_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	errno = 0;
	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	EXPECT_EQ(-1, kvm_vm);
	/*
	 * KVM's errno when it cannot turn SVM/VMX on is its own: EBUSY on
	 * Linux 6.1 (hardware_enable_all()); EIO on 6.12, where the enabling
	 * runs as a CPU hotplug callback that fails with EIO.
	 */
	EXPECT_TRUE(errno == EBUSY || errno == EIO) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	if (kvm_vm >= 0)
		close(kvm_vm);
	close(vm);
	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	EXPECT_LE(0, kvm_vm) TH_LOG("KVM_CREATE_VM after thinvisor: %s", strerror(errno));
	if (kvm_vm >= 0)
		close(kvm_vm);
	close(kvm);
}

TEST_HARNESS_MAIN
