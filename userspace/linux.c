// SPDX-License-Identifier: GPL-2.0
/*
 * thinrun --kernel: boot a Linux bzImage through the 64-bit boot protocol.
 *
 * Everything that can be wrong with the files and the options is found
 * before a VM exists: the kernel is read and its header checked, the
 * kernel, initrd and command line placed in a guest of --mem bytes, and
 * --cpus checked against the module's limit.  Then guest memory, the
 * payload, boot_params, the ACPI tables, the page tables and vCPU 0's
 * registers, and the exit loop.
 *
 * Only vCPU 0 runs: the others would start through INIT/SIPI, and the
 * module has no local APIC yet (Documentation/launcher.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "thinrun.h"
#include "guest_cpuid.h"
#include "boot/acpi.h"
#include "boot/bzimage.h"
#include "boot/layout.h"
#include "boot/longmode.h"

/* A bzImage is tens of MiB at most; anything bigger is not one. */
#define KERNEL_MAX_SIZE	(256U << 20)

/* Open a regular file and give its size; -1 with a message. */
static int open_file(const char *path, const char *what, uint64_t max, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "thinrun: %s %s: %s\n", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > max) {
		fprintf(stderr, "thinrun: %s %s: not a regular file of 1 byte to %llu MiB\n",
			what, path, (unsigned long long)(max >> 20));
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* Read len bytes; -1 with a message. */
static int read_all(int fd, const char *path, void *buf, uint64_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len > (1U << 30) ? (1U << 30) : len);
		if (n <= 0) {
			fprintf(stderr, "thinrun: %s: %s\n", path, n ? strerror(errno) : "short read");
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static void *read_kernel(const char *path, size_t *len)
{
	uint64_t size;
	void *buf;
	int fd = open_file(path, "kernel", KERNEL_MAX_SIZE, &size);

	if (fd < 0)
		return NULL;
	buf = malloc(size);
	if (!buf || read_all(fd, path, buf, size)) {
		if (!buf)
			fprintf(stderr, "thinrun: kernel %s: out of memory\n", path);
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*len = size;
	return buf;
}

/* The registers, the CPUID table and the firmware tables of vCPU 0. */
static int setup_vcpu(struct vmm *v, const struct linux_opts *o,
		      const struct boot_entry *entry)
{
	struct tv_cpuid *cpuid;
	struct tv_sregs sregs;
	struct tv_regs regs;
	char err[256];
	int max = vmm_check_cap(TV_CAP_MAX_CPUID);

	if (acpi_build(v->ram, BOOT_ACPI_ADDR, BOOT_ACPI_END - BOOT_ACPI_ADDR, o->cpus,
		       err, sizeof(err)) < 0) {
		fprintf(stderr, "thinrun: %s\n", err);
		return -1;
	}
	longmode_setup(v->ram, entry, &regs, &sregs);
	cpuid = max > 0 ? cpuid_guest_table(max) : NULL;
	if (!cpuid) {
		fprintf(stderr, "thinrun: no CPUID table for the guest\n");
		return -1;
	}
	if (vmm_set_cpuid(v, cpuid) || vmm_set_state(v, &regs, &sregs)) {
		free(cpuid);
		return -1;
	}
	free(cpuid);
	return 0;
}

int linux_boot(const struct linux_opts *o)
{
	const char *cmdline = o->cmdline ? o->cmdline : "";
	struct bzimage_info info;
	struct boot_entry entry;
	uint64_t initrd_len = 0;
	int initrd_fd = -1, max_cpus, status = EXIT_ERROR;
	size_t kernel_len;
	void *kernel;
	char err[256];
	struct vmm v;

	kernel = read_kernel(o->kernel, &kernel_len);
	if (!kernel)
		return EXIT_ERROR;
	if (bzimage_parse(kernel, kernel_len, &info, err, sizeof(err))) {
		fprintf(stderr, "thinrun: kernel %s: %s\n", o->kernel, err);
		goto out;
	}
	if (o->initrd) {
		/* Read later, straight into guest memory. */
		initrd_fd = open_file(o->initrd, "initrd", UINT32_MAX, &initrd_len);
		if (initrd_fd < 0)
			goto out;
	}
	if (bzimage_place(&info, initrd_len, strlen(cmdline), o->mem, &entry,
			  err, sizeof(err))) {
		fprintf(stderr, "thinrun: %s\n", err);
		status = EXIT_USAGE;
		goto out;
	}
	max_cpus = vmm_check_cap(TV_CAP_NR_VCPUS);
	if (max_cpus <= 0)
		goto out;
	if (o->cpus > (unsigned int)max_cpus) {
		fprintf(stderr, "thinrun: --cpus %u: thinvisor runs at most %d vCPUs in a VM\n",
			o->cpus, max_cpus);
		status = EXIT_USAGE;
		goto out;
	}

	if (vmm_open_split(&v, o->mem, layout_low_ram(o->mem), MMIO_HOLE_END))
		goto out_vm;
	if (bzimage_load(kernel, kernel_len, NULL, initrd_len, cmdline, v.ram, o->mem,
			 &entry, err, sizeof(err))) {
		fprintf(stderr, "thinrun: %s\n", err);
		goto out_vm;
	}
	if (initrd_fd >= 0 &&
	    read_all(initrd_fd, o->initrd, (uint8_t *)v.ram + entry.initrd_addr, initrd_len))
		goto out_vm;
	if (setup_vcpu(&v, o, &entry))
		goto out_vm;
	status = run_loop(&v, true);
out_vm:
	vmm_close(&v);
out:
	if (initrd_fd >= 0)
		close(initrd_fd);
	free(kernel);
	return status;
}
