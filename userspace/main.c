// SPDX-License-Identifier: GPL-2.0
/*
 * thinrun: the thinvisor launcher.
 *
 * Today it runs a flat real-mode binary (--raw): loaded at 0x7c00 like a
 * boot sector, with an 8250 serial port at 0x3f8 on stdout and an exit
 * port at 0xf4.  Booting Linux kernels comes next.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/thinvisor.h>

#include "vmm.h"
#include "dev/serial8250.h"

#define RAW_LOAD_ADDR	0x7c00
#define EXIT_PORT	0xf4

/* thinrun's exit statuses (Documentation/launcher.rst). */
enum {
	EXIT_POWEROFF = 0,	/* the guest wrote 0 to the exit port */
	EXIT_ERROR = 1,		/* thinrun could not go on */
	EXIT_USAGE = 2,
	EXIT_TRIPLE_FAULT = 3,
	EXIT_GUEST_FAILURE = 4,	/* the guest wrote nonzero to the exit port */
	EXIT_SIGNAL = 130,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: thinrun --raw FILE [--mem MB]\n"
		"       thinrun --info\n"
		"  --raw FILE  run a flat 16-bit binary, loaded at 0x7c00 in real mode;\n"
		"              COM1 (0x3f8) is stdout, a write to port 0xf4 ends the run\n"
		"  --mem MB    guest memory in MiB (1 to 4096, default 16)\n"
		"  --info      show what /dev/thinvisor offers on this host\n"
		"  --help      this text\n"
		"exit status: 0 guest powered off, 1 error, 2 usage, 3 triple fault,\n"
		"             4 guest reported failure, 130 interrupted\n");
}

static int show_info(void)
{
	int fd = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);
	int version, vendor;

	if (fd < 0) {
		fprintf(stderr, "thinrun: /dev/thinvisor: %s (is thinvisor.ko loaded?)\n",
			strerror(errno));
		return EXIT_ERROR;
	}
	version = ioctl(fd, TV_GET_API_VERSION, 0);
	vendor = ioctl(fd, TV_CHECK_CAP, TV_CAP_VENDOR);
	printf("thinvisor API version %d, vendor %s, %d vCPUs and %d memory slots per VM\n",
	       version,
	       vendor == TV_VENDOR_AMD_SVM ? "AMD SVM" :
	       vendor == TV_VENDOR_INTEL_VMX ? "Intel VMX" : "unknown",
	       ioctl(fd, TV_CHECK_CAP, TV_CAP_NR_VCPUS),
	       ioctl(fd, TV_CHECK_CAP, TV_CAP_NR_SLOTS));
	close(fd);
	return 0;
}

#define RAW_MAX_SIZE	(0x10000 - RAW_LOAD_ADDR)

/* Read the whole image first: a bad file is an error before any VM. */
static int read_raw(const char *path, char *buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "thinrun: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size > RAW_MAX_SIZE) {
		fprintf(stderr, "thinrun: %s: a raw image is 1 byte to %d KiB\n",
			path, RAW_MAX_SIZE / 1024);
		close(fd);
		return -1;
	}
	n = read(fd, buf, st.st_size);
	close(fd);
	if (n != st.st_size) {
		fprintf(stderr, "thinrun: %s: short read\n", path);
		return -1;
	}
	*len = n;
	return 0;
}

/* One port-I/O exit; returns -1 to go on, or thinrun's exit status. */
static int handle_io(struct vmm *v)
{
	struct tv_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool in = run->io.direction == TV_IO_IN;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.size == 1 && serial_io(run->io.port, in, data))
			continue;
		if (run->io.port == EXIT_PORT && !in) {
			if (data[0])
				fprintf(stderr, "thinrun: guest exit code %u\n", data[0]);
			return data[0] ? EXIT_GUEST_FAILURE : EXIT_POWEROFF;
		}
		if (in)
			memset(data, 0xff, run->io.size);	/* nothing there */
	}
	return -1;
}

static int run_loop(struct vmm *v)
{
	struct tv_run *run = v->run;
	int status;

	for (;;) {
		if (vmm_run(v))
			return EXIT_ERROR;
		switch (run->exit_reason) {
		case TV_EXIT_IO:
			status = handle_io(v);
			if (status >= 0)
				return status;
			break;
		case TV_EXIT_MMIO:
			/* No devices yet: reads see all ones, writes vanish. */
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			break;
		case TV_EXIT_HYPERCALL:
			run->hypercall.ret = (uint64_t)-1;
			break;
		case TV_EXIT_INTR:
			return EXIT_SIGNAL;
		case TV_EXIT_SHUTDOWN:
			fprintf(stderr, "thinrun: the guest triple-faulted\n");
			return EXIT_TRIPLE_FAULT;
		case TV_EXIT_FAIL_ENTRY:
			fprintf(stderr, "thinrun: the CPU refused the guest state (reason 0x%llx)\n",
				(unsigned long long)run->fail_entry.hardware_reason);
			return EXIT_ERROR;
		default:
			fprintf(stderr, "thinrun: unexpected exit %u\n", run->exit_reason);
			return EXIT_ERROR;
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "raw", required_argument, NULL, 'r' },
		{ "mem", required_argument, NULL, 'm' },
		{ "info", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char image[RAW_MAX_SIZE];
	const char *raw = NULL;
	unsigned long mem_mb = 16;
	size_t image_len;
	struct vmm v;
	char *end;
	int c, status;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			raw = optarg;
			break;
		case 'm':
			errno = 0;
			mem_mb = strtoul(optarg, &end, 10);
			if (errno || *end || mem_mb < 1 || mem_mb > 4096) {
				fprintf(stderr, "thinrun: --mem %s: give 1 to 4096 (MiB)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'i':
			return show_info();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!raw || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}

	if (read_raw(raw, image, &image_len))
		return EXIT_ERROR;
	if (vmm_open(&v, mem_mb << 20) || vmm_vcpu_real_mode(&v, 0, RAW_LOAD_ADDR)) {
		vmm_close(&v);
		return EXIT_ERROR;
	}
	memcpy((char *)v.ram + RAW_LOAD_ADDR, image, image_len);
	status = run_loop(&v);
	vmm_close(&v);
	return status;
}
