// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of virtio-rng, userspace/virtio/rng.c, with its thread: the
 * test plays the guest's driver over the device's register window and a
 * buffer that plays guest memory, rings the doorbell through QueueNotify
 * as a guest would, and waits (bounded) for the used ring and the
 * interrupt line.  Then a hostile queue: the device must set
 * DEVICE_NEEDS_RESET, raise the line, and still stop cleanly.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "virtio/mmio.h"
#include "virtio/rng.h"

#define RAM_SIZE	0x40000ULL
#define DESC_GPA	0x1000ULL
#define AVAIL_GPA	0x2000ULL
#define USED_GPA	0x3000ULL
#define DATA_GPA	0x10000ULL
#define QSIZE		16

static atomic_int irq_level, irq_raises;

static void test_irq(void *opaque, bool level)
{
	(void)opaque;
	atomic_store(&irq_level, level);
	if (level)
		atomic_fetch_add(&irq_raises, 1);
}

FIXTURE(rng) {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtio_rng *r;
};

FIXTURE_SETUP(rng)
{
	self->ram = calloc(1, RAM_SIZE);
	ASSERT_NE(NULL, self->ram);
	self->mem = (struct guest_mem){ .host = self->ram, .size = RAM_SIZE, .low = RAM_SIZE,
					.high_gpa = 1ULL << 32 };
	atomic_store(&irq_level, 0);
	atomic_store(&irq_raises, 0);
	self->r = virtio_rng_start(&self->mem, test_irq, NULL);
	ASSERT_NE(NULL, self->r);
}

FIXTURE_TEARDOWN(rng)
{
	virtio_rng_stop(self->r);
	free(self->ram);
}

static uint32_t rd(struct virtio_rng *r, uint64_t off)
{
	uint32_t v = 0;

	virtio_rng_access(r, off, false, (uint8_t *)&v, 4);
	return v;
}

static void wr(struct virtio_rng *r, uint64_t off, uint32_t v)
{
	virtio_rng_access(r, off, true, (uint8_t *)&v, 4);
}

static void bring_up(struct virtio_rng *r)
{
	wr(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(r, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(r, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	wr(r, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(r, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(r, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA);
	wr(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL_GPA);
	wr(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED_GPA);
	wr(r, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void offer(uint8_t *ram, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags)
{
	struct virtq_desc *d = (struct virtq_desc *)(ram + DESC_GPA) + i;
	uint16_t *avail = (uint16_t *)(ram + AVAIL_GPA);
	uint16_t idx = avail[1];

	*d = (struct virtq_desc){ addr, len, flags, 0 };
	avail[2 + idx % QSIZE] = i;
	__atomic_store_n(&avail[1], idx + 1, __ATOMIC_RELEASE);
}

static uint16_t used_idx(uint8_t *ram)
{
	return __atomic_load_n((uint16_t *)(ram + USED_GPA + 2), __ATOMIC_ACQUIRE);
}

/* Wait up to 5 s for cond; the device thread works meanwhile. */
#define WAIT_FOR(cond) ({						\
	int __i;							\
	for (__i = 0; __i < 5000 && !(cond); __i++)			\
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);	\
	(cond);								\
})

TEST_F(rng, fills_buffers_and_interrupts)
{
	uint32_t len, nonzero = 0;
	unsigned int i;

	bring_up(self->r);
	ASSERT_EQ(VIRTIO_ID_RNG, rd(self->r, VIRTIO_MMIO_DEVICE_ID));
	offer(self->ram, 0, DATA_GPA, 4096, VIRTQ_DESC_F_WRITE);
	wr(self->r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram) == 1));
	ASSERT_TRUE(WAIT_FOR(atomic_load(&irq_level)));
	memcpy(&len, self->ram + USED_GPA + 8, 4);
	EXPECT_EQ(4096, len);
	for (i = 0; i < 4096; i++)
		nonzero += self->ram[DATA_GPA + i] != 0;
	EXPECT_GT(nonzero, 3900);
	EXPECT_EQ(VIRTIO_MMIO_INT_VRING, rd(self->r, VIRTIO_MMIO_INTERRUPT_STATUS));
	wr(self->r, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT_FALSE(atomic_load(&irq_level));
	/* A second request, into high memory of the buffer. */
	offer(self->ram, 1, DATA_GPA + 0x10000, 100, VIRTQ_DESC_F_WRITE);
	wr(self->r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram) == 2));
	ASSERT_TRUE(WAIT_FOR(atomic_load(&irq_level)));
	EXPECT_EQ(2, atomic_load(&irq_raises));
}

TEST_F(rng, readable_buffer_gets_nothing)
{
	uint32_t len = 1;

	bring_up(self->r);
	offer(self->ram, 0, DATA_GPA, 64, 0);	/* device-readable */
	wr(self->r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram) == 1));
	memcpy(&len, self->ram + USED_GPA + 8, 4);
	EXPECT_EQ(0, len);
	EXPECT_EQ(0, self->ram[DATA_GPA]);
}

TEST_F(rng, hostile_queue_needs_reset)
{
	bring_up(self->r);
	offer(self->ram, 0, RAM_SIZE - 8, 64, VIRTQ_DESC_F_WRITE);	/* past RAM */
	wr(self->r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(WAIT_FOR(rd(self->r, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
	EXPECT_TRUE(WAIT_FOR(atomic_load(&irq_level)));
	EXPECT_EQ(VIRTIO_MMIO_INT_CONFIG, rd(self->r, VIRTIO_MMIO_INTERRUPT_STATUS));
	EXPECT_EQ(0, used_idx(self->ram));
	/* After a reset the device serves again. */
	wr(self->r, VIRTIO_MMIO_STATUS, 0);
	EXPECT_FALSE(atomic_load(&irq_level));
	memset(self->ram, 0, 0x4000);
	bring_up(self->r);
	offer(self->ram, 0, DATA_GPA, 16, VIRTQ_DESC_F_WRITE);
	wr(self->r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(WAIT_FOR(used_idx(self->ram) == 1));
}

/* Without DRIVER_OK a notify does nothing, and stop still returns. */
TEST_F(rng, notify_before_driver_ok_ignored)
{
	offer(self->ram, 0, DATA_GPA, 16, VIRTQ_DESC_F_WRITE);
	wr(self->r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	EXPECT_EQ(0, used_idx(self->ram));
	EXPECT_EQ(0, atomic_load(&irq_raises));
}

TEST_HARNESS_MAIN
