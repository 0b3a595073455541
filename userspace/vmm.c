// SPDX-License-Identifier: GPL-2.0
/* thinrun: thin wrappers over the /dev/thinvisor ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "thinstat/statsfile.h"
#include "vmm.h"

static int fail(const char *what)
{
	fprintf(stderr, "thinrun: %s: %s\n", what, strerror(errno));
	return -1;
}

int vmm_open(struct vmm *v, uint64_t ram_size)
{
	return vmm_open_split(v, ram_size, ram_size, 0, 1);
}

/* One slot from 0, or two around a hole: [0, low) and [high_gpa, ...). */
static int add_slots(struct vmm *v, uint64_t low, uint64_t high_gpa)
{
	struct tv_memory_region r = { .slot = 0, .guest_phys_addr = 0 };

	r.size = low;
	r.userspace_addr = (uintptr_t)v->ram;
	if (ioctl(v->vm, TV_SET_MEMORY_REGION, &r))
		return fail("TV_SET_MEMORY_REGION");
	if (low == v->ram_size)
		return 0;
	r.slot = 1;
	r.guest_phys_addr = high_gpa;
	r.size = v->ram_size - low;
	r.userspace_addr = (uintptr_t)v->ram + low;
	if (ioctl(v->vm, TV_SET_MEMORY_REGION, &r))
		return fail("TV_SET_MEMORY_REGION (above the MMIO hole)");
	return 0;
}

static int add_vcpus(struct vmm *v, unsigned int n)
{
	struct vmm_vcpu *c;

	v->run_size = ioctl(v->dev, TV_CHECK_CAP, TV_CAP_RUN_SIZE);
	v->vcpus = calloc(n, sizeof(*v->vcpus));
	if (!v->vcpus)
		return fail("vCPUs");
	for (v->nr_vcpus = 0; v->nr_vcpus < n; v->nr_vcpus++) {
		c = &v->vcpus[v->nr_vcpus];
		c->fd = ioctl(v->vm, TV_CREATE_VCPU, v->nr_vcpus);
		if (c->fd < 0)
			return fail("TV_CREATE_VCPU");
		c->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED) {
			c->run = NULL;
			v->nr_vcpus++;	/* so that vmm_close() closes its fd */
			return fail("mmap of the run page");
		}
	}
	return 0;
}

int vmm_open_split(struct vmm *v, uint64_t ram_size, uint64_t low, uint64_t high_gpa,
		   unsigned int nr_vcpus)
{
	int version;

	memset(v, 0, sizeof(*v));
	v->dev = v->vm = v->stats = -1;
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
	if (vmm_print_stats)
		v->stats = ioctl(v->vm, TV_GET_STATS_FD, 0);

	v->ram_size = ram_size;
	v->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->ram == MAP_FAILED) {
		v->ram = NULL;
		return fail("guest memory");
	}
	/* Huge pages where the host has them: the NPT/EPT maps them whole. */
	madvise(v->ram, ram_size, MADV_HUGEPAGE);
	if (add_slots(v, low, high_gpa))
		return -1;
	return add_vcpus(v, nr_vcpus);
}

int vmm_vcpu_real_mode(struct vmm *v, unsigned int id, uint16_t cs, uint16_t ip)
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

	return vmm_set_state(v, id, &r, &s);
}

int vmm_set_state(struct vmm *v, unsigned int id, const struct tv_regs *regs,
		  const struct tv_sregs *sregs)
{
	if (ioctl(v->vcpus[id].fd, TV_SET_SREGS, sregs))
		return fail("TV_SET_SREGS");
	if (ioctl(v->vcpus[id].fd, TV_SET_REGS, regs))
		return fail("TV_SET_REGS");
	return 0;
}

int vmm_wait_for_sipi(struct vmm *v, unsigned int id)
{
	struct tv_events ev;

	if (ioctl(v->vcpus[id].fd, TV_GET_EVENTS, &ev))
		return fail("TV_GET_EVENTS");
	ev.wait_for_sipi = 1;
	if (ioctl(v->vcpus[id].fd, TV_SET_EVENTS, &ev))
		return fail("TV_SET_EVENTS");
	return 0;
}

int vmm_set_cpuid(struct vmm *v, const struct tv_cpuid *cpuid)
{
	if (ioctl(v->vm, TV_SET_CPUID, cpuid))
		return fail("TV_SET_CPUID");
	return 0;
}

int vmm_irq_line(struct vmm *v, uint32_t gsi, bool level)
{
	struct tv_irq_line line = { .gsi = gsi, .level = level };

	if (ioctl(v->vm, TV_IRQ_LINE, &line))
		return fail("TV_IRQ_LINE");
	return 0;
}

int vmm_enable_msr_exits(struct vmm *v)
{
	struct tv_enable_cap cap = { .cap = TV_CAP_MSR_EXIT_USER, .args = { 1 } };

	if (ioctl(v->vm, TV_ENABLE_CAP, &cap))
		return fail("TV_ENABLE_CAP(TV_CAP_MSR_EXIT_USER)");
	return 0;
}

int vmm_check_cap(int cap)
{
	int fd = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return fail("/dev/thinvisor (is thinvisor.ko loaded?)");
	ret = ioctl(fd, TV_CHECK_CAP, cap);
	if (ret < 0)
		fail("TV_CHECK_CAP");
	close(fd);
	return ret;
}

int vmm_run(struct vmm *v, unsigned int id)
{
	if (ioctl(v->vcpus[id].fd, TV_RUN, 0) && errno != EINTR)
		return fail("TV_RUN");
	return 0;
}

bool vmm_print_stats;

/* The VM's exits by kind, as thinstat --once shows them, on stderr. */
static void print_stats(struct vmm *v)
{
	struct statsfile s;

	if (v->stats < 0) {
		fprintf(stderr, "thinrun: no exit statistics: TV_GET_STATS_FD: %s\n",
			strerror(errno));
		return;
	}
	if (statsfile_read(v->stats, &s)) {
		fprintf(stderr, "thinrun: exit statistics: %s\n", strerror(errno));
		return;
	}
	fprintf(stderr, "thinrun: exits of the VM (%u vCPUs), times from the module's histograms:\n",
		s.h->nr_vcpus);
	statsfile_print_table(stderr, &s, NULL, 0, "thinrun:   ");
	statsfile_free(&s);
}

void vmm_close(struct vmm *v)
{
	unsigned int i;

	if (vmm_print_stats && v->vm >= 0 && v->nr_vcpus)
		print_stats(v);
	if (v->stats >= 0)
		close(v->stats);

	for (i = 0; i < v->nr_vcpus; i++) {
		if (v->vcpus[i].run)
			munmap(v->vcpus[i].run, v->run_size);
		if (v->vcpus[i].fd >= 0)
			close(v->vcpus[i].fd);
	}
	free(v->vcpus);
	if (v->vm >= 0)
		close(v->vm);
	if (v->dev >= 0)
		close(v->dev);
	if (v->ram)
		munmap(v->ram, v->ram_size);
}
