// SPDX-License-Identifier: GPL-2.0
/* thinrun: the thinvisor launcher. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/thinvisor.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: thinrun --info\n"
		"  --info   show what /dev/thinvisor offers on this host\n"
		"  --help   this text\n");
}

static int show_info(void)
{
	int fd = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);
	int version, vendor;

	if (fd < 0) {
		fprintf(stderr, "thinrun: /dev/thinvisor: %s (is thinvisor.ko loaded?)\n",
			strerror(errno));
		return 1;
	}
	version = ioctl(fd, TV_GET_API_VERSION, 0);
	vendor = ioctl(fd, TV_CHECK_CAP, TV_CAP_VENDOR);
	printf("thinvisor API version %d, vendor %s\n", version,
	       vendor == TV_VENDOR_AMD_SVM ? "AMD SVM" :
	       vendor == TV_VENDOR_INTEL_VMX ? "Intel VMX" : "unknown");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "info", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			return show_info();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	usage(stderr);
	return 2;
}
