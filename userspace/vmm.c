// SPDX-License-Identifier: GPL-2.0
/* thinrun: thin wrappers over the /dev/thinvisor ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"

static int fail(const char *what)
{
	fprintf(stderr, "thinrun: %s: %s\n", what, strerror(errno));
	return -1;
}

int vmm_open(struct vmm *v, uint64_t ram_size)
{
	struct tv_memory_region r = { .slot = 0, .guest_phys_addr = 0 };
	int version;

	memset(v, 0, sizeof(*v));
	v->dev = v->vm = v->vcpu = -1;
	v->dev = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);
	if (v->dev < 0)
		return fail("/dev/thinvisor (is thinvisor.ko loaded?)");
	version = ioctl(v->dev, TV_GET_API_VERSION, 0);
	if (version != TV_API_VERSION) {
		fprintf(stderr, "thinrun: thinvisor API version %d, expected %d\n",
			version, TV_API_VERSION);
		return -1;
	}
	v->vm = ioctl(v->dev, TV_CREATE_VM, 0);
	if (v->vm < 0)
		return fail("TV_CREATE_VM");

	v->ram_size = ram_size;
	v->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->ram == MAP_FAILED) {
		v->ram = NULL;
		return fail("guest memory");
	}
	/* Huge pages where the host has them: the NPT/EPT maps them whole. */
	madvise(v->ram, ram_size, MADV_HUGEPAGE);
	r.size = ram_size;
	r.userspace_addr = (uintptr_t)v->ram;
	if (ioctl(v->vm, TV_SET_MEMORY_REGION, &r))
		return fail("TV_SET_MEMORY_REGION");

	v->vcpu = ioctl(v->vm, TV_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		return fail("TV_CREATE_VCPU");
	v->run_size = ioctl(v->dev, TV_CHECK_CAP, TV_CAP_RUN_SIZE);
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return fail("mmap of the run page");
	}
	return 0;
}

int vmm_vcpu_real_mode(struct vmm *v, uint16_t cs, uint16_t ip)
{
	struct tv_segment data = { .limit = 0xffff, .attrib = 0x93 };
	struct tv_segment code = { .base = (uint64_t)cs << 4, .selector = cs,
				   .limit = 0xffff, .attrib = 0x9b };
	struct tv_sregs s = {
		.cs = code, .ds = data, .es = data, .fs = data, .gs = data,
		.ss = data, .cr0 = 0x10,
		.tr = { .limit = 0xffff, .attrib = 0x8b },
		.ldt = { .limit = 0xffff, .attrib = 0x82 },
		.gdt = { .limit = 0xffff }, .idt = { .limit = 0x3ff },
	};
	struct tv_regs r = { .rip = ip, .rsp = 0x7000, .rflags = 2 };

	if (ioctl(v->vcpu, TV_SET_SREGS, &s))
		return fail("TV_SET_SREGS");
	if (ioctl(v->vcpu, TV_SET_REGS, &r))
		return fail("TV_SET_REGS");
	return 0;
}

int vmm_run(struct vmm *v)
{
	if (ioctl(v->vcpu, TV_RUN, 0) && errno != EINTR)
		return fail("TV_RUN");
	return 0;
}

void vmm_close(struct vmm *v)
{
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->vcpu >= 0)
		close(v->vcpu);
	if (v->vm >= 0)
		close(v->vm);
	if (v->dev >= 0)
		close(v->dev);
	if (v->ram)
		munmap(v->ram, v->ram_size);
}
