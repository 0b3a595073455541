// SPDX-License-Identifier: GPL-2.0
/*
 * thinrun --kernel: boot a Linux bzImage through the 64-bit boot protocol.
 *
 * Everything that can be wrong with the files and the options is found
 * before a VM exists: the kernel is read and its header checked, the
 * kernel, initrd and command line placed in a guest of --mem bytes, and
 * --cpus checked against the module's limit.  Then guest memory, the
 * payload, boot_params, the ACPI tables, the page tables and vCPU 0's
 * registers, and the vCPU threads (machine.c).  vCPU 0 starts at the
 * kernel's 64-bit entry; the others wait for the INIT and SIPI with
 * which the kernel starts its secondary CPUs, as after a reset.
 *
 * The command line the kernel gets starts with what a machine without a
 * PIT needs (guest_cmdline()); the user's own options come after it and
 * so win, the kernel taking the last value of an option.
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
#include "tsc.h"
#include "boot/acpi.h"
#include "boot/bzimage.h"
#include "boot/layout.h"
#include "boot/longmode.h"
#include "virtio/blk.h"
#include "virtio/net.h"
#include "virtio/vsock.h"

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

/* len bytes at offset off of the file; -1 with a message. */
static int read_at(int fd, const char *path, void *buf, uint64_t len, uint64_t off)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len > (1U << 30) ? (1U << 30) : len, off);
		if (n <= 0) {
			fprintf(stderr, "thinrun: %s: %s\n", path, n ? strerror(errno) : "short read");
			return -1;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * The kernel's first 4 KiB, which hold its setup header: the rest is read
 * from the file straight into guest memory once it is placed, so that a
 * kernel of tens of MiB never sits in thinrun's own memory too.
 */
#define KERNEL_HEADER_READ	4096

static int read_kernel_header(const char *path, uint8_t *buf, uint64_t *size)
{
	int fd = open_file(path, "kernel", KERNEL_MAX_SIZE, size);

	if (fd < 0)
		return -1;
	if (read_at(fd, path, buf, *size < KERNEL_HEADER_READ ? *size : KERNEL_HEADER_READ, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * What thinrun puts before the user's command line:
 * - tsc_early_khz=: with no PIT the kernel cannot calibrate the TSC, and
 *   this is the one way Linux 6.1 takes its frequency on every vendor
 *   (tsc.c says why);
 * - tsc=reliable: the TSC passes through from a host that keeps time on
 *   it, the same on every vCPU; the only clock Linux could check it
 *   against here is the jiffies count of its own timer interrupts, which
 *   come late when the host is busy, and with that check Linux marked
 *   the TSC unstable in the SVM test machine and fell back to jiffies;
 * - reboot=acpi: with a hardware-reduced FADT and no DMI match, Linux
 *   6.1 makes its reboot method EFI (reboot_init(), efi_reboot_required())
 *   even where there is no EFI; that fails, and it goes on to the BIOS's
 *   real-mode reset vector, skipping the ACPI reset register and the
 *   keyboard controller, so a reboot or a panic never reached thinrun;
 * - panic=-1: a panicked guest resets at once (thinrun's exit status 5)
 *   rather than spin with thinrun waiting forever;
 * - pci=off: there is no PCI, and the kernel need not look for it (nor
 *   print "PCI: Fatal" when it finds no config space).
 * NULL with a message if there is no memory.
 */
static char *guest_cmdline(const char *user)
{
	uint32_t khz = host_tsc_khz();
	char tsc[32] = "";
	char *s;
	int n;

	if (khz)
		snprintf(tsc, sizeof(tsc), "tsc_early_khz=%u ", khz);
	n = asprintf(&s, "%stsc=reliable reboot=acpi panic=-1 pci=off %s", tsc, user);
	if (n < 0) {
		fprintf(stderr, "thinrun: out of memory\n");
		return NULL;
	}
	if (!khz)
		fprintf(stderr, "thinrun: the TSC frequency is unknown; give tsc_early_khz=\n");
	return s;
}

/* Virtio-mmio slot i: its window and its IOAPIC pin (layout.h). */
static struct acpi_virtio_mmio virtio_slot(unsigned int i)
{
	return (struct acpi_virtio_mmio){
		.base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_WINDOW, .size = VIRTIO_MMIO_WINDOW,
		.gsi = VIRTIO_MMIO_GSI_BASE + i,
	};
}

/*
 * --net and --vsock: the tap, /dev/vhost-net, /dev/vhost-vsock and the
 * guest's CID are taken before the VM exists, so that each of their
 * errors comes before the guest starts; in the slots after the disks'.
 */
static int open_vhost_devices(const struct linux_opts *o, struct machine_devices *devs)
{
	if (o->net) {
		devs->net = virtio_net_open(o->net);
		if (!devs->net)
			return -1;
		devs->net_slot = VIRTIO_SLOT_NET;
	}
	if (o->vsock_cid) {
		devs->vsock = virtio_vsock_open(o->vsock_cid);
		if (!devs->vsock)
			return -1;
		devs->vsock_slot = VIRTIO_SLOT_VSOCK;
	}
	return 0;
}

/*
 * Stop vhost and close; --stats says how many of the devices' register
 * accesses reached thinrun (the setup's: kicks and interrupts never do).
 */
static void close_vhost_devices(const struct linux_opts *o, struct machine_devices *devs)
{
	unsigned long all, requests;

	if (o->stats && devs->net) {
		all = virtio_net_accesses(devs->net, &requests);
		fprintf(stderr, "thinrun: virtio-net: %lu register accesses in thinrun, "
			"%lu to QueueNotify/InterruptStatus/InterruptACK\n", all, requests);
	}
	if (o->stats && devs->vsock) {
		all = virtio_vsock_accesses(devs->vsock, &requests);
		fprintf(stderr, "thinrun: virtio-vsock: %lu register accesses in thinrun, "
			"%lu to QueueNotify/InterruptStatus/InterruptACK\n", all, requests);
	}
	virtio_net_close(devs->net);
	virtio_vsock_close(devs->vsock);
	devs->net = NULL;
	devs->vsock = NULL;
}

/* The registers, the CPUID table and the firmware tables; APs wait for a SIPI. */
static int setup_vcpu(struct vmm *v, const struct linux_opts *o,
		      const struct machine_devices *devs, const struct boot_entry *entry)
{
	struct tv_cpuid *cpuid;
	struct tv_sregs sregs;
	struct tv_regs regs;
	char err[256];
	int max = vmm_check_cap(TV_CAP_MAX_CPUID);
	unsigned int i;
	struct acpi_virtio_mmio virtio[VIRTIO_MMIO_SLOTS];
	unsigned int nvirtio = 0;

	/* The virtio-mmio slots where machine.c puts the devices. */
	if (o->rng)
		virtio[nvirtio++] = virtio_slot(VIRTIO_SLOT_RNG);
	for (i = 0; i < o->ndisks; i++)
		virtio[nvirtio++] = virtio_slot(VIRTIO_SLOT_DISK(i));
	/* The network and the host socket, in the slots linux_boot() gave them. */
	if (devs->net)
		virtio[nvirtio++] = virtio_slot(devs->net_slot);
	if (devs->vsock)
		virtio[nvirtio++] = virtio_slot(devs->vsock_slot);
	if (acpi_build_devices(v->ram, BOOT_ACPI_ADDR, BOOT_ACPI_END - BOOT_ACPI_ADDR, o->cpus,
			       virtio, nvirtio, err, sizeof(err)) < 0) {
		fprintf(stderr, "thinrun: %s\n", err);
		return -1;
	}
	longmode_setup(v->ram, entry, &regs, &sregs);
	cpuid = max > 0 ? cpuid_guest_table(v->dev, max, o->cpus) : NULL;
	if (!cpuid) {
		fprintf(stderr, "thinrun: no CPUID table for the guest\n");
		return -1;
	}
	if (vmm_set_cpuid(v, cpuid) || vmm_set_state(v, 0, &regs, &sregs) ||
	    vmm_enable_msr_exits(v)) {
		free(cpuid);
		return -1;
	}
	free(cpuid);
	for (i = 1; i < v->nr_vcpus; i++)
		if (vmm_wait_for_sipi(v, i))
			return -1;
	return 0;
}

int linux_boot(const struct linux_opts *o)
{
	const char *user_cmdline = o->cmdline ? o->cmdline : "";
	char *cmdline = NULL;
	size_t extra;
	struct bzimage_info info;
	struct boot_entry entry;
	uint64_t initrd_len = 0;
	int initrd_fd = -1, kernel_fd, max_cpus, status = EXIT_ERROR;
	uint8_t kernel[KERNEL_HEADER_READ] = {};
	uint64_t kernel_len;
	char err[256];
	struct vmm v;
	struct machine_devices devs = { .linux_guest = true, .rng = o->rng, .stats = o->stats };
	unsigned int i;

	kernel_fd = read_kernel_header(o->kernel, kernel, &kernel_len);
	if (kernel_fd < 0)
		return EXIT_ERROR;
	/* Every disk opened and locked before the guest exists. */
	for (i = 0; i < o->ndisks; i++) {
		devs.disks[i] = virtio_blk_open(o->disks[i]);
		if (!devs.disks[i])
			goto out;
		devs.ndisks++;
	}
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
	cmdline = guest_cmdline(user_cmdline);
	if (!cmdline)
		goto out;
	/* Said in the user's terms: thinrun's own options are not theirs. */
	extra = strlen(cmdline) - strlen(user_cmdline);
	if (strlen(cmdline) > info.cmdline_size) {
		fprintf(stderr, "thinrun: the command line is %zu bytes; this kernel takes at most %zu\n"
			"         after the %zu that thinrun puts first (%.*s)\n",
			strlen(user_cmdline), info.cmdline_size - extra, extra,
			(int)extra - 1, cmdline);
		status = EXIT_USAGE;
		goto out;
	}
	if (bzimage_place(&info, initrd_len, strlen(cmdline), o->mem, &entry,
			  err, sizeof(err))) {
		fprintf(stderr, "thinrun: %s\n", err);
		status = EXIT_USAGE;
		goto out;
	}
	if (open_vhost_devices(o, &devs))
		goto out_devs;
	max_cpus = vmm_check_cap(TV_CAP_NR_VCPUS);
	if (max_cpus <= 0)
		goto out_devs;
	if (o->cpus > (unsigned int)max_cpus) {
		fprintf(stderr, "thinrun: --cpus %u: thinvisor runs at most %d vCPUs in a VM\n",
			o->cpus, max_cpus);
		status = EXIT_USAGE;
		goto out_devs;
	}

	if (vmm_open_split(&v, o->mem, layout_low_ram(o->mem), MMIO_HOLE_END, o->cpus))
		goto out_vm;
	if (bzimage_load_setup(kernel, kernel_len, NULL, initrd_len, cmdline, v.ram, o->mem,
			       &entry, err, sizeof(err))) {
		fprintf(stderr, "thinrun: %s\n", err);
		goto out_vm;
	}
	if (read_at(kernel_fd, o->kernel, (uint8_t *)v.ram + info.load_addr,
		    info.payload_size, info.setup_size))
		goto out_vm;
	if (initrd_fd >= 0 &&
	    read_at(initrd_fd, o->initrd, (uint8_t *)v.ram + entry.initrd_addr, initrd_len, 0))
		goto out_vm;
	if (setup_vcpu(&v, o, &devs, &entry))
		goto out_vm;
	status = machine_run(&v, &devs);
	devs.ndisks = 0;	/* machine_run() closed them */
out_vm:
	/* vhost lets go of guest memory before it goes. */
	close_vhost_devices(o, &devs);
	vmm_close(&v);
out_devs:
	close_vhost_devices(o, &devs);
out:
	for (i = 0; i < devs.ndisks; i++)
		virtio_blk_image_close(devs.disks[i]);
	if (initrd_fd >= 0)
		close(initrd_fd);
	close(kernel_fd);
	free(cmdline);
	return status;
}
