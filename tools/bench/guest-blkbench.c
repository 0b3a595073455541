// SPDX-License-Identifier: GPL-2.0
/*
 * blkbench: the guest's side of the virtio-blk benchmark (make bench,
 * tools/bench/blk_bench.sh), a static program in the guest's initramfs
 * (fio is not there).  On a block device, with O_DIRECT so that every
 * read reaches the device, for SECONDS each:
 *   randread_qd1   4 KiB reads at random 4 KiB-aligned offsets, one at a time;
 *   randread_qd32  the same with 32 in flight (Linux AIO: io_submit and
 *                  io_getevents, by system call, no libaio);
 *   seqread        128 KiB reads one after the other, from the start,
 *                  wrapping at the end.
 * Prints one line for the host:
 *   thinvisor-guest: blkbench qd1_iops=N qd32_iops=N seq_mbps=N ios=N
 * (ios: every read it did, for the exits-per-I/O figure), and exits 0;
 * or a line with "blkbench FAILED" and exits 1.
 * Usage: blkbench DEVICE SECONDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SMALL		4096
#define LARGE		(128 * 1024)
#define DEPTH		32

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	/* xorshift64: any spread of offsets will do. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what)
{
	printf("thinvisor-guest: blkbench FAILED, %s: %s\n", what, strerror(errno));
	exit(1);
}

static off_t random_offset(uint64_t size)
{
	return (off_t)(next_random() % (size / SMALL)) * SMALL;
}

static uint64_t qd1(int fd, uint64_t size, void *buf, double secs, uint64_t *ios)
{
	double end = now() + secs, start = now();
	uint64_t n = 0;

	while (now() < end) {
		if (pread(fd, buf, SMALL, random_offset(size)) != SMALL)
			fail("4 KiB read");
		n++;
	}
	*ios += n;
	return n / (now() - start);
}

static uint64_t qd32(int fd, uint64_t size, uint8_t *buf, double secs, uint64_t *ios)
{
	struct iocb cb[DEPTH], *list[DEPTH];
	struct io_event ev[DEPTH];
	aio_context_t ctx = 0;
	double end, start;
	uint64_t n = 0;
	unsigned int i, inflight = 0;
	long got;

	if (syscall(SYS_io_setup, DEPTH, &ctx))
		fail("io_setup");
	for (i = 0; i < DEPTH; i++) {
		memset(&cb[i], 0, sizeof(cb[i]));
		cb[i].aio_fildes = fd;
		cb[i].aio_lio_opcode = IOCB_CMD_PREAD;
		cb[i].aio_buf = (uintptr_t)(buf + i * SMALL);
		cb[i].aio_nbytes = SMALL;
		cb[i].aio_offset = random_offset(size);
		cb[i].aio_data = i;
		list[i] = &cb[i];
	}
	start = now();
	end = start + secs;
	if (syscall(SYS_io_submit, ctx, DEPTH, list) != DEPTH)
		fail("io_submit");
	inflight = DEPTH;
	while (inflight) {
		got = syscall(SYS_io_getevents, ctx, 1, DEPTH, ev, NULL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fail("io_getevents");
		}
		inflight -= got;
		for (i = 0; i < got; i++) {
			struct iocb *c = &cb[ev[i].data];

			if (ev[i].res != SMALL) {
				errno = ev[i].res < 0 ? -ev[i].res : EIO;
				fail("4 KiB async read");
			}
			n++;
			if (now() >= end)
				continue;
			c->aio_offset = random_offset(size);
			if (syscall(SYS_io_submit, ctx, 1, &c) != 1)
				fail("io_submit");
			inflight++;
		}
	}
	syscall(SYS_io_destroy, ctx);
	*ios += n;
	return n / (now() - start);
}

static uint64_t seq(int fd, uint64_t size, void *buf, double secs, uint64_t *ios)
{
	double end = now() + secs, start = now();
	uint64_t bytes = 0, n = 0;
	off_t off = 0;

	while (now() < end) {
		if (off + LARGE > (off_t)size)
			off = 0;
		if (pread(fd, buf, LARGE, off) != LARGE)
			fail("128 KiB read");
		off += LARGE;
		bytes += LARGE;
		n++;
	}
	*ios += n;
	return bytes / (now() - start) / 1e6;
}

int main(int argc, char **argv)
{
	uint64_t size, ios = 0, r1, r32, mbps;
	double secs;
	void *buf;
	int fd;

	secs = argc == 3 ? atof(argv[2]) : 0;
	if (secs <= 0) {
		fprintf(stderr, "usage: blkbench DEVICE SECONDS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0)
		fail(argv[1]);
	/* A block device, or (to try it out) a regular file. */
	if (ioctl(fd, BLKGETSIZE64, &size)) {
		struct stat st;

		if (fstat(fd, &st) || !S_ISREG(st.st_mode))
			fail("BLKGETSIZE64");
		size = st.st_size;
	}
	if (size < LARGE)
		fail("the disk is smaller than 128 KiB");
	if (posix_memalign(&buf, 4096, DEPTH * SMALL > LARGE ? DEPTH * SMALL : LARGE))
		fail("memory");
	r1 = qd1(fd, size, buf, secs, &ios);
	r32 = qd32(fd, size, buf, secs, &ios);
	mbps = seq(fd, size, buf, secs, &ios);
	printf("thinvisor-guest: blkbench qd1_iops=%llu qd32_iops=%llu seq_mbps=%llu ios=%llu\n",
	       (unsigned long long)r1, (unsigned long long)r32, (unsigned long long)mbps,
	       (unsigned long long)ios);
	return 0;
}
