// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of virtio-blk, userspace/virtio/blk.c, with its queue threads
 * and io_uring, over a real file: the test plays the guest's driver over
 * the device's register window and a buffer that plays guest memory,
 * rings each queue's doorbell through QueueNotify, and waits (bounded)
 * for the used ring.  Reads see the file, writes and flushes land in it,
 * a read-only disk refuses writes, the lock keeps a second writer out,
 * discard and write-zeroes leave zeros in the file and nothing else
 * changed, two queues are served at once, a chain with no status byte sets
 * DEVICE_NEEDS_RESET, and a reset with I/O in flight returns.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "virtio/blk.h"
#include "virtio/blk_req.h"
#include "virtio/mmio.h"

#define RAM_SIZE	0x100000ULL
#define QSIZE		16
/* The queues' size; a test may set more (each test runs in its own process). */
static unsigned int qsize = QSIZE;
/* Queue q's rings, a page each, from RING_GPA + q * 0x4000. */
#define RING_GPA	0x1000ULL
#define DESC(q)		(RING_GPA + (q) * 0x4000ULL)
#define AVAIL(q)	(DESC(q) + 0x1000)
#define USED(q)		(DESC(q) + 0x2000)
#define HDR_GPA		0x20000ULL
#define STATUS_GPA	0x21000ULL
#define DATA_GPA	0x40000ULL
#define DISK_BYTES	(1024 * 1024)

static atomic_int irq_raises;

static void test_irq(void *opaque, bool level)
{
	(void)opaque;
	if (level)
		atomic_fetch_add(&irq_raises, 1);
}

FIXTURE(blk) {
	uint8_t *ram;
	struct guest_mem mem;
	char path[64];
	struct virtio_blk *b;
	uint16_t next_desc[2];
};

/* A file of DISK_BYTES, byte i holding (i / 512 + i) & 0xff. */
static int make_image(const char *path)
{
	static uint8_t buf[DISK_BYTES];
	unsigned int i;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	for (i = 0; i < DISK_BYTES; i++)
		buf[i] = (i / 512 + i) & 0xff;
	if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

FIXTURE_SETUP(blk)
{
	self->ram = calloc(1, RAM_SIZE);
	ASSERT_NE(NULL, self->ram);
	self->mem = (struct guest_mem){ .host = self->ram, .size = RAM_SIZE, .low = RAM_SIZE,
					.high_gpa = 1ULL << 32 };
	snprintf(self->path, sizeof(self->path), "/tmp/blk_test.%d", getpid());
	ASSERT_EQ(0, make_image(self->path));
	atomic_store(&irq_raises, 0);
	self->b = NULL;
}

FIXTURE_TEARDOWN(blk)
{
	virtio_blk_stop(self->b);
	unlink(self->path);
	free(self->ram);
}

static struct virtio_blk *start(struct _test_data_blk *self, const char *suffix, unsigned int nq)
{
	char spec[80];

	snprintf(spec, sizeof(spec), "%s%s", self->path, suffix);
	return virtio_blk_start(virtio_blk_open(spec), nq, "unit-disk", &self->mem,
				test_irq, NULL);
}

static uint32_t rd(struct virtio_blk *b, uint64_t off)
{
	uint32_t v = 0;

	virtio_blk_access(b, off, false, (uint8_t *)&v, 4);
	return v;
}

static void wr(struct virtio_blk *b, uint64_t off, uint32_t v)
{
	virtio_blk_access(b, off, true, (uint8_t *)&v, 4);
}

static void bring_up(struct virtio_blk *b, unsigned int nq)
{
	uint32_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	unsigned int q;

	wr(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(b, VIRTIO_MMIO_STATUS, s);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_BLK_F_FLUSH | 1U << VIRTIO_BLK_F_MQ |
	   1U << VIRTIO_F_EVENT_IDX | 1U << VIRTIO_F_INDIRECT_DESC);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	s |= VIRTIO_STATUS_FEATURES_OK;
	wr(b, VIRTIO_MMIO_STATUS, s);
	for (q = 0; q < nq; q++) {
		wr(b, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(b, VIRTIO_MMIO_QUEUE_NUM, qsize);
		wr(b, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC(q));
		wr(b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL(q));
		wr(b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED(q));
		wr(b, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(b, VIRTIO_MMIO_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
}

static void set_desc(uint8_t *ram, unsigned int q, unsigned int i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	*((struct virtq_desc *)(ram + DESC(q)) + i) = (struct virtq_desc){ addr, len, flags, next };
}

static void offer(uint8_t *ram, unsigned int q, uint16_t head)
{
	uint16_t *avail = (uint16_t *)(ram + AVAIL(q));
	uint16_t idx = avail[1];

	avail[2 + idx % qsize] = head;
	/* used_event: an interrupt for every completion. */
	avail[2 + qsize] = idx;
	__atomic_store_n(&avail[1], idx + 1, __ATOMIC_RELEASE);
}

static uint16_t used_idx(uint8_t *ram, unsigned int q)
{
	return __atomic_load_n((uint16_t *)(ram + USED(q) + 2), __ATOMIC_ACQUIRE);
}

static uint32_t used_len(uint8_t *ram, unsigned int q, uint16_t n)
{
	uint32_t len;

	memcpy(&len, ram + USED(q) + 4 + 8 * (n % qsize) + 4, 4);
	return len;
}

/* Wait up to 5 s for cond; the device threads work meanwhile. */
#define WAIT_FOR(cond) ({						\
	int __i;							\
	for (__i = 0; __i < 5000 && !(cond); __i++)			\
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);	\
	(cond);								\
})

/*
 * A request of type at sector on queue q with len data bytes at data
 * (device-writable for reads and IDs), as Linux frames it: header, data,
 * status; descriptors 3 * slot on.  The status byte is set to 0xff first.
 */
static void request(uint8_t *ram, unsigned int q, unsigned int slot, uint32_t type,
		    uint64_t sector, uint64_t data, uint32_t len)
{
	uint64_t hdr = HDR_GPA + q * 0x400 + slot * 16, status = STATUS_GPA + q * 0x100 + slot;
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned int d = 3 * slot;

	memcpy(ram + hdr, &type, 4);
	memset(ram + hdr + 4, 0, 4);
	memcpy(ram + hdr + 8, &sector, 8);
	ram[status] = 0xff;
	if (len) {
		set_desc(ram, q, d, hdr, 16, VIRTQ_DESC_F_NEXT, d + 1);
		set_desc(ram, q, d + 1, data, len,
			 VIRTQ_DESC_F_NEXT | (in ? VIRTQ_DESC_F_WRITE : 0), d + 2);
		set_desc(ram, q, d + 2, status, 1, VIRTQ_DESC_F_WRITE, 0);
	} else {
		set_desc(ram, q, d, hdr, 16, VIRTQ_DESC_F_NEXT, d + 2);
		set_desc(ram, q, d + 2, status, 1, VIRTQ_DESC_F_WRITE, 0);
	}
	offer(ram, q, d);
}

static uint8_t status_of(uint8_t *ram, unsigned int q, unsigned int slot)
{
	return __atomic_load_n(&ram[STATUS_GPA + q * 0x100 + slot], __ATOMIC_ACQUIRE);
}

static uint8_t pattern(uint64_t i)
{
	return (i / 512 + i) & 0xff;
}

TEST_F(blk, config_and_features)
{
	uint64_t cap;
	uint32_t f0, f1;

	self->b = start(self, "", 2);
	ASSERT_NE(NULL, self->b);
	EXPECT_EQ(VIRTIO_ID_BLOCK, rd(self->b, VIRTIO_MMIO_DEVICE_ID));
	cap = rd(self->b, VIRTIO_MMIO_CONFIG) | (uint64_t)rd(self->b, VIRTIO_MMIO_CONFIG + 4) << 32;
	EXPECT_EQ(DISK_BYTES / 512, cap);
	EXPECT_EQ(254, rd(self->b, VIRTIO_MMIO_CONFIG + 12));		/* seg_max */
	EXPECT_EQ(512, rd(self->b, VIRTIO_MMIO_CONFIG + 20));			/* blk_size */
	EXPECT_EQ(2, rd(self->b, VIRTIO_MMIO_CONFIG + 32) >> 16);		/* num_queues */
	wr(self->b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f0 = rd(self->b, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(self->b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f1 = rd(self->b, VIRTIO_MMIO_DEVICE_FEATURES);
	EXPECT_TRUE(f0 & 1U << VIRTIO_BLK_F_FLUSH);
	EXPECT_TRUE(f0 & 1U << VIRTIO_BLK_F_MQ);
	EXPECT_TRUE(f0 & 1U << VIRTIO_F_EVENT_IDX);
	EXPECT_TRUE(f0 & 1U << VIRTIO_F_INDIRECT_DESC);
	EXPECT_FALSE(f0 & 1U << VIRTIO_BLK_F_RO);
	EXPECT_EQ(1, f1);
	/* The configuration is read-only. */
	wr(self->b, VIRTIO_MMIO_CONFIG, 0);
	EXPECT_EQ(DISK_BYTES / 512, rd(self->b, VIRTIO_MMIO_CONFIG));
}

TEST_F(blk, reads_the_file)
{
	unsigned int i, bad = 0;

	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 1);
	request(self->ram, 0, 0, VIRTIO_BLK_T_IN, 7, DATA_GPA, 8192);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 1));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 0));
	EXPECT_EQ(8193, used_len(self->ram, 0, 0));
	for (i = 0; i < 8192; i++)
		bad += self->ram[DATA_GPA + i] != pattern(7 * 512 + i);
	EXPECT_EQ(0, bad);
	EXPECT_TRUE(WAIT_FOR(atomic_load(&irq_raises) == 1));
	/* The ID. */
	request(self->ram, 0, 1, VIRTIO_BLK_T_GET_ID, 0, DATA_GPA, 20);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 2));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 1));
	EXPECT_EQ(0, memcmp(self->ram + DATA_GPA, "unit-disk\0", 10));
}

TEST_F(blk, writes_and_flushes_reach_the_file)
{
	uint8_t back[4096];
	int fd;

	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 1);
	memset(self->ram + DATA_GPA, 0x5a, 4096);
	request(self->ram, 0, 0, VIRTIO_BLK_T_OUT, 2047 - 7, DATA_GPA, 4096);
	request(self->ram, 0, 1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 2));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 0));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 1));
	EXPECT_EQ(1, used_len(self->ram, 0, 0));
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4096, pread(fd, back, 4096, (2047 - 7) * 512));
	close(fd);
	EXPECT_EQ(0x5a, back[0]);
	EXPECT_EQ(0x5a, back[4095]);
	/* Past the end: IOERR, and nothing written. */
	request(self->ram, 0, 2, VIRTIO_BLK_T_OUT, 2047, DATA_GPA, 1024);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 3));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, status_of(self->ram, 0, 2));
}

/* One discard/write-zeroes range at DATA_GPA, as the driver lays it out. */
static void range(uint8_t *ram, uint64_t sector, uint32_t count, uint32_t flags)
{
	memcpy(ram + DATA_GPA, &sector, 8);
	memcpy(ram + DATA_GPA + 8, &count, 4);
	memcpy(ram + DATA_GPA + 12, &flags, 4);
}

/* Bytes [from, to) of the file: how many differ from zero and from the pattern. */
static void count_file(const char *path, uint64_t from, uint64_t to, unsigned int *nonzero,
		       unsigned int *changed)
{
	static uint8_t buf[DISK_BYTES];
	uint64_t i;
	int fd = open(path, O_RDONLY);

	*nonzero = *changed = 0;
	if (fd < 0 || pread(fd, buf, DISK_BYTES, 0) != DISK_BYTES) {
		*nonzero = *changed = ~0U;
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	for (i = from; i < to; i++) {
		*nonzero += buf[i] != 0;
		*changed += buf[i] != pattern(i);
	}
}

TEST_F(blk, discard_and_write_zeroes_reach_the_file)
{
	unsigned int nonzero, changed;
	uint32_t f0;

	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	wr(self->b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f0 = rd(self->b, VIRTIO_MMIO_DEVICE_FEATURES);
	if (!(f0 & 1U << VIRTIO_BLK_F_DISCARD) || !(f0 & 1U << VIRTIO_BLK_F_WRITE_ZEROES))
		SKIP(return, "/tmp's file system takes no PUNCH_HOLE or ZERO_RANGE");
	bring_up(self->b, 1);
	/* Discard sectors 16-23, write zeroes over 64-71, then 128-135 with unmap. */
	range(self->ram, 16, 8, 0);
	request(self->ram, 0, 0, VIRTIO_BLK_T_DISCARD, 0, DATA_GPA, 16);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 1));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 0));
	range(self->ram, 64, 8, 0);
	request(self->ram, 0, 1, VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA_GPA, 16);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 2));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 1));
	range(self->ram, 128, 8, VIRTIO_BLK_WZ_FLAG_UNMAP);
	request(self->ram, 0, 2, VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA_GPA, 16);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 3));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 2));
	/* A range past the end: IOERR, and the file unchanged. */
	range(self->ram, DISK_BYTES / 512 - 4, 8, 0);
	request(self->ram, 0, 3, VIRTIO_BLK_T_DISCARD, 0, DATA_GPA, 16);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 4));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, status_of(self->ram, 0, 3));

	count_file(self->path, 16 * 512, 24 * 512, &nonzero, &changed);
	EXPECT_EQ(0, nonzero);
	count_file(self->path, 64 * 512, 72 * 512, &nonzero, &changed);
	EXPECT_EQ(0, nonzero);
	count_file(self->path, 128 * 512, 136 * 512, &nonzero, &changed);
	EXPECT_EQ(0, nonzero);
	/* Everything around the three ranges is as it was. */
	count_file(self->path, 0, 16 * 512, &nonzero, &changed);
	EXPECT_EQ(0, changed);
	count_file(self->path, 24 * 512, 64 * 512, &nonzero, &changed);
	EXPECT_EQ(0, changed);
	count_file(self->path, 72 * 512, 128 * 512, &nonzero, &changed);
	EXPECT_EQ(0, changed);
	count_file(self->path, 136 * 512, DISK_BYTES, &nonzero, &changed);
	EXPECT_EQ(0, changed);
}

TEST_F(blk, read_only_refuses_writes)
{
	uint8_t back[512];
	uint32_t f0;
	int fd;

	self->b = start(self, ",ro", 1);
	ASSERT_NE(NULL, self->b);
	wr(self->b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f0 = rd(self->b, VIRTIO_MMIO_DEVICE_FEATURES);
	EXPECT_TRUE(f0 & 1U << VIRTIO_BLK_F_RO);
	EXPECT_FALSE(f0 & 1U << VIRTIO_BLK_F_DISCARD);
	EXPECT_FALSE(f0 & 1U << VIRTIO_BLK_F_WRITE_ZEROES);
	bring_up(self->b, 1);
	memset(self->ram + DATA_GPA, 0x5a, 512);
	request(self->ram, 0, 0, VIRTIO_BLK_T_OUT, 0, DATA_GPA, 512);
	request(self->ram, 0, 1, VIRTIO_BLK_T_IN, 1, DATA_GPA + 4096, 512);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 2));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, status_of(self->ram, 0, 0));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 1));
	EXPECT_EQ(pattern(512), self->ram[DATA_GPA + 4096]);
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(512, pread(fd, back, 512, 0));
	close(fd);
	EXPECT_EQ(pattern(0), back[0]);
	EXPECT_EQ(pattern(511), back[511]);
}

/* flock: one writer and nobody else, or any number of readers. */
TEST_F(blk, image_locking_and_bad_files)
{
	struct virtio_blk_image *a, *b;
	char spec[80];

	a = virtio_blk_open(self->path);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(NULL, virtio_blk_open(self->path));
	snprintf(spec, sizeof(spec), "%s,ro", self->path);
	EXPECT_EQ(NULL, virtio_blk_open(spec));
	virtio_blk_image_close(a);
	a = virtio_blk_open(spec);
	ASSERT_NE(NULL, a);
	b = virtio_blk_open(spec);
	EXPECT_NE(NULL, b);
	EXPECT_EQ(NULL, virtio_blk_open(self->path));
	virtio_blk_image_close(a);
	virtio_blk_image_close(b);
	EXPECT_EQ(NULL, virtio_blk_open("/nonexistent/disk.img"));
	EXPECT_EQ(NULL, virtio_blk_open("/tmp"));
	EXPECT_EQ(NULL, virtio_blk_open("/dev/null"));
	snprintf(spec, sizeof(spec), "%s,rw", self->path);
	EXPECT_EQ(NULL, virtio_blk_open(spec));
	EXPECT_EQ(NULL, virtio_blk_open(",ro"));
	ASSERT_EQ(0, truncate(self->path, 100));
	EXPECT_EQ(NULL, virtio_blk_open(self->path));
}

TEST_F(blk, two_queues_served_at_once)
{
	unsigned int q, i, bad = 0;

	self->b = start(self, "", 2);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 2);
	for (q = 0; q < 2; q++)
		for (i = 0; i < 4; i++)
			request(self->ram, q, i, VIRTIO_BLK_T_IN, 100 * q + 8 * i,
				DATA_GPA + (q * 4 + i) * 4096, 4096);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 4 && used_idx(self->ram, 1) == 4));
	for (q = 0; q < 2; q++)
		for (i = 0; i < 4; i++) {
			EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, q, i));
			bad += self->ram[DATA_GPA + (q * 4 + i) * 4096 + 1000] !=
			       pattern((100 * q + 8 * i) * 512 + 1000);
		}
	EXPECT_EQ(0, bad);
}

/*
 * More requests in one kick than the queue's io_uring submission ring
 * holds (BLK_SQ_ENTRIES, 64): the ring is submitted when full, and every
 * request is served.  80 reads of one sector each, 3 descriptors each,
 * in a queue of 256.
 */
TEST_F(blk, more_requests_than_the_submission_ring)
{
	unsigned int i, bad = 0, n = 80;

	qsize = 256;
	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 1);
	for (i = 0; i < n; i++)
		request(self->ram, 0, i, VIRTIO_BLK_T_IN, i, DATA_GPA + i * 512, 512);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == n));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, i));
		bad += self->ram[DATA_GPA + i * 512 + 100] != pattern(i * 512 + 100);
	}
	EXPECT_EQ(0, bad);
}

TEST_F(blk, chain_without_status_needs_reset)
{
	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 1);
	set_desc(self->ram, 0, 0, HDR_GPA, 16, 0, 0);	/* a header and nothing else */
	offer(self->ram, 0, 0);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(rd(self->b, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
	EXPECT_EQ(0, used_idx(self->ram, 0));
	/* A reset, and the device serves again. */
	wr(self->b, VIRTIO_MMIO_STATUS, 0);
	memset(self->ram, 0, DATA_GPA);
	bring_up(self->b, 1);
	request(self->ram, 0, 0, VIRTIO_BLK_T_IN, 0, DATA_GPA, 512);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 1));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 0));
}

/* A request whose head is still in flight is offered again: the queue is broken. */
TEST_F(blk, head_offered_twice_needs_reset)
{
	unsigned int i;

	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 1);
	request(self->ram, 0, 0, VIRTIO_BLK_T_IN, 0, DATA_GPA, 128 * 1024);
	for (i = 0; i < 8; i++)
		offer(self->ram, 0, 0);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	/*
	 * The thread takes every chain in the ring before it submits: the
	 * second is head 0 again, still in flight.  The first still completes.
	 */
	ASSERT_TRUE(WAIT_FOR(rd(self->b, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
	EXPECT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 1));
	EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self->ram, 0, 0));
}

TEST_F(blk, reset_with_io_in_flight_returns)
{
	unsigned int i;

	self->b = start(self, "", 1);
	ASSERT_NE(NULL, self->b);
	bring_up(self->b, 1);
	for (i = 0; i < 5; i++)
		request(self->ram, 0, i, VIRTIO_BLK_T_IN, 0, DATA_GPA + i * 0x20000, 0x20000);
	wr(self->b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr(self->b, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(0, rd(self->b, VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0, rd(self->b, VIRTIO_MMIO_QUEUE_READY));
}

TEST_HARNESS_MAIN
