// SPDX-License-Identifier: GPL-2.0
/*
 * thinrun: the thinvisor launcher.
 *
 * --raw runs a flat real-mode binary: loaded at 0x7c00 like a boot
 * sector, with an 8250 serial port at 0x3f8 on stdout and an exit port
 * at 0xf4.  --kernel boots a Linux bzImage (linux.c).  This file has the
 * options and the raw flow; machine.c runs the vCPUs, run.c has the exit
 * loop of each.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include <linux/thinvisor.h>

#include "thinrun.h"
#include "virtio/vhost_opts.h"

#define RAW_LOAD_ADDR	0x7c00
#define RAW_MEM_MAX_MB	4096
#define LINUX_MEM_MB	256		/* --kernel's default --mem */
#define LINUX_MEM_MAX_MB (1UL << 20)	/* 1 TiB, or the host's memory if less */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: thinrun --raw FILE [--mem MB]\n"
		"       thinrun --kernel FILE [--initrd FILE] [--cmdline STR] [--mem MB] [--cpus N]\n"
		"                        [--rng] [--disk FILE[,ro]]... [--net tap=IFNAME[,mac=MAC]]\n"
		"                        [--vsock CID]\n"
		"       thinrun --info | --version\n"
		"  --raw FILE     run a flat 16-bit binary, loaded at 0x7c00 in real mode;\n"
		"                 COM1 (0x3f8) is stdout, a write to port 0xf4 ends the run\n"
		"  --kernel FILE  boot a Linux bzImage (64-bit boot protocol, ACPI tables)\n"
		"  --initrd FILE  its initrd\n"
		"  --cmdline STR  its command line\n"
		"  --mem MB       guest memory in MiB (--raw: 1 to 4096, default 16;\n"
		"                 --kernel: up to the host's memory, default 256)\n"
		"  --cpus N       vCPUs, one thread each (default 1)\n"
		"  --rng          a virtio-rng device (virtio-mmio), fed by getrandom()\n"
		"  --disk FILE[,ro]  a virtio-blk disk (virtio-mmio) backed by FILE, a file or\n"
		"                 block device, locked while thinrun runs; ,ro: read-only.\n"
		"                 Up to 4; the guest sees them in this order\n"
		"  --net tap=IFNAME[,mac=MAC][,vhost=off]\n"
		"                 a virtio-net device on the existing tap IFNAME, served by\n"
		"                 the host's vhost-net (vhost=off: by thinrun); MAC by\n"
		"                 default derived from IFNAME\n"
		"  --vsock CID    a virtio-vsock device on the host's vhost-vsock, the guest\n"
		"                 at context ID CID (3 to 4294967294)\n"
		"  --stats        at the end, the VM's exits by kind (count, p50, p99), the\n"
		"                 virtio devices' requests and exits, and the launcher's\n"
		"                 peak memory beyond the guest's\n"
		"  --info         show what /dev/thinvisor offers on this host\n"
		"  --version      thinrun's version, and the API version of the loaded module\n"
		"  --help         this text\n"
		"COM1 is stdin and stdout; on a terminal, Ctrl-A x ends the run.\n"
		"exit status: 0 guest powered off, 1 error, 2 usage, 3 triple fault,\n"
		"             4 guest reported failure, 5 guest reset (reboot, or a Linux\n"
		"             guest's panic), 128+N stopped by signal N (130 also Ctrl-A x)\n");
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

static int run_raw(const char *path, unsigned long mem_mb)
{
	static char image[RAW_MAX_SIZE];
	size_t image_len;
	struct vmm v;
	int status;

	if (read_raw(path, image, &image_len))
		return EXIT_ERROR;
	if (vmm_open(&v, mem_mb << 20) || vmm_vcpu_real_mode(&v, 0, 0, RAW_LOAD_ADDR)) {
		vmm_close(&v);
		return EXIT_ERROR;
	}
	memcpy((char *)v.ram + RAW_LOAD_ADDR, image, image_len);
	status = machine_run(&v, &(struct machine_devices){ .linux_guest = false });
	vmm_close(&v);
	return status;
}

/* The most --mem for a Linux guest: 1 TiB, or less on a smaller host. */
static unsigned long linux_mem_max_mb(void)
{
	struct sysinfo si;
	unsigned long long host;

	if (sysinfo(&si))
		return LINUX_MEM_MAX_MB;
	host = (unsigned long long)si.totalram * si.mem_unit >> 20;
	return host < LINUX_MEM_MAX_MB ? host : LINUX_MEM_MAX_MB;
}

/*
 * --stats: the process's peak resident memory (VmHWM: this program only,
 * not what its parent had before exec) less the guest's memory, which the
 * module pins whole and so is all resident.  Only for a guest that ran:
 * before that, the guest's memory may not be there at all.
 */
static void report_peak_rss(uint64_t guest_bytes)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned long hwm_kib = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lu kB", &hwm_kib) == 1)
			break;
	fclose(f);
	fprintf(stderr, "thinrun: peak RSS %lu KiB: guest memory %llu KiB, launcher %lld KiB\n",
		hwm_kib, (unsigned long long)(guest_bytes >> 10),
		(long long)hwm_kib - (long long)(guest_bytes >> 10));
}

static bool parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && end != s && !*end && s[0] != '-';
}

static bool mem_ok(const char *arg, unsigned long max, unsigned long *mb)
{
	if (parse_ulong(arg, mb) && *mb >= 1 && *mb <= max)
		return true;
	fprintf(stderr, "thinrun: --mem %s: give 1 to %lu (MiB)\n", arg, max);
	return false;
}

/* The release, and the uAPI this thinrun speaks beside the module's. */
static int show_version(void)
{
	int fd = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);

	printf("thinrun %s (thinvisor API version %d)\n", THINVISOR_VERSION, TV_API_VERSION);
	if (fd < 0) {
		printf("thinvisor.ko: /dev/thinvisor: %s\n", strerror(errno));
		return 0;
	}
	printf("thinvisor.ko: API version %d\n", ioctl(fd, TV_GET_API_VERSION, 0));
	close(fd);
	return 0;
}

/* --disk FILE[,ro]: kept for linux_boot(), which opens it before the guest starts. */
static int add_disk(struct linux_opts *lo, const char *spec)
{
	const char *comma = strrchr(spec, ',');

	if (comma && strcmp(comma, ",ro")) {
		fprintf(stderr, "thinrun: --disk %s: the one option is ',ro'\n", spec);
		return -1;
	}
	if (lo->ndisks == THINRUN_MAX_DISKS) {
		fprintf(stderr, "thinrun: --disk %s: at most %d disks\n", spec, THINRUN_MAX_DISKS);
		return -1;
	}
	lo->disks[lo->ndisks++] = spec;
	return 0;
}

/*
 * Every thread thinrun starts (vCPUs, disk queues, rng, vhost watchers,
 * the console's reader) gets a small stack, whatever the C library's
 * default (glibc's is RLIMIT_STACK, 8 MiB; musl's, which thinrun is
 * linked with, 128 KiB).  None needs more than a few KiB, and where the
 * host has transparent huge pages "always" (Debian's default), an 8 MiB
 * stack has 2 MiB-aligned room that the kernel backs, on the first
 * touch, with one 2 MiB page, all of it resident: 2048 KiB of one
 * thread's stack in make bench's boot_rss (tracing.rst).  A mapping
 * smaller than 2 MiB never gets a huge page.
 */
#define THREAD_STACK_BYTES	(256 * 1024)

static void small_thread_stacks(void)
{
	pthread_attr_t a;

	if (pthread_attr_init(&a))
		return;
	if (!pthread_attr_setstacksize(&a, THREAD_STACK_BYTES))
		pthread_setattr_default_np(&a);
	pthread_attr_destroy(&a);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "raw", required_argument, NULL, 'r' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "rng", no_argument, NULL, 'R' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'N' },
		{ "vsock", required_argument, NULL, 'C' },
		{ "stats", no_argument, NULL, 's' },
		{ "info", no_argument, NULL, 'i' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct linux_opts lo = { .cpus = 1 };
	static struct net_opts net;
	char err[160];
	const char *raw = NULL, *mem_arg = NULL;
	unsigned long mem_mb = 0, cpus;
	bool linux_only = false, stats = false;
	int c, status;

	small_thread_stacks();
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			raw = optarg;
			break;
		case 'k':
			lo.kernel = optarg;
			break;
		case 'I':
			lo.initrd = optarg;
			linux_only = true;
			break;
		case 'c':
			lo.cmdline = optarg;
			linux_only = true;
			break;
		case 'm':
			mem_arg = optarg;	/* checked once the mode is known */
			break;
		case 'n':
			/* The module's limit is checked in linux.c. */
			if (!parse_ulong(optarg, &cpus) || cpus < 1 || cpus > UINT_MAX) {
				fprintf(stderr, "thinrun: --cpus %s: give a number of vCPUs, 1 or more\n",
					optarg);
				return EXIT_USAGE;
			}
			lo.cpus = cpus;
			linux_only = true;
			break;
		case 'R':
			lo.rng = true;
			linux_only = true;
			break;
		case 'd':
			if (add_disk(&lo, optarg))
				return EXIT_USAGE;
			linux_only = true;
			break;
		/* The network and the host socket (virtio/net.h, virtio/vsock.h). */
		case 'N':
			if (lo.net) {
				fprintf(stderr, "thinrun: --net: one network device at most\n");
				return EXIT_USAGE;
			}
			if (net_opts_parse(optarg, &net, err, sizeof(err))) {
				fprintf(stderr, "thinrun: --net %s\n", err);
				return EXIT_USAGE;
			}
			lo.net = &net;
			linux_only = true;
			break;
		case 'C':
			if (vsock_cid_parse(optarg, &lo.vsock_cid, err, sizeof(err))) {
				fprintf(stderr, "thinrun: %s\n", err);
				return EXIT_USAGE;
			}
			linux_only = true;
			break;
		case 's':
			stats = true;
			vmm_print_stats = true;
			break;
		case 'i':
			return show_info();
		case 'V':
			return show_version();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!raw == !lo.kernel || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (raw) {
		if (linux_only) {
			fprintf(stderr, "thinrun: --initrd, --cmdline, --cpus, --rng, --disk, --net and --vsock go with --kernel\n");
			return EXIT_USAGE;
		}
		if (mem_arg && !mem_ok(mem_arg, RAW_MEM_MAX_MB, &mem_mb))
			return EXIT_USAGE;
		mem_mb = mem_arg ? mem_mb : 16;
		status = run_raw(raw, mem_mb);
		if (stats && status != EXIT_ERROR)
			report_peak_rss((uint64_t)mem_mb << 20);
		return status;
	}
	/* The least memory depends on the kernel: linux.c says. */
	if (mem_arg && !mem_ok(mem_arg, linux_mem_max_mb(), &mem_mb))
		return EXIT_USAGE;
	lo.mem = (uint64_t)(mem_arg ? mem_mb : LINUX_MEM_MB) << 20;
	lo.stats = stats;
	status = linux_boot(&lo);
	if (stats && status != EXIT_ERROR)
		report_peak_rss(lo.mem);
	return status;
}
