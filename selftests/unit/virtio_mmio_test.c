// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the virtio-mmio transport, userspace/virtio/mmio.c: the
 * test plays Linux's virtio_mmio driver through the register window
 * (identification, the status handshake, feature negotiation, queue
 * setup, notify, interrupt and its acknowledgment, reset), then the
 * driver out of order: every write the device status does not allow
 * must change nothing, and a malformed queue must set
 * DEVICE_NEEDS_RESET with a configuration interrupt.
 */
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "virtio/mmio.h"

#define RAM_SIZE	0x20000ULL
#define DESC_GPA	0x1000ULL
#define AVAIL_GPA	0x2000ULL
#define USED_GPA	0x3000ULL

struct fake {
	int activated, resets;
	int activate_answer;
	bool irq;
	int irq_changes;
};

/* The kicks queue q's eventfd holds (and so clears). */
static uint64_t kicks(struct virtio_mmio *d, unsigned int q)
{
	uint64_t n = 0;

	if (read(virtio_mmio_kick_fd(d, q), &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static int fake_activate(void *opaque)
{
	struct fake *f = opaque;

	f->activated++;
	return f->activate_answer;
}

static void fake_reset(void *opaque)
{
	((struct fake *)opaque)->resets++;
}

static void fake_irq(void *opaque, bool level)
{
	struct fake *f = opaque;

	f->irq = level;
	f->irq_changes++;
}

static const struct virtio_mmio_ops fake_ops = {
	.activate = fake_activate, .reset = fake_reset,
};

FIXTURE(mmio) {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtio_mmio d;
	struct fake f;
};

FIXTURE_SETUP(mmio)
{
	self->ram = calloc(1, RAM_SIZE);
	ASSERT_NE(NULL, self->ram);
	self->mem = (struct guest_mem){ .host = self->ram, .size = RAM_SIZE, .low = RAM_SIZE,
					.high_gpa = 1ULL << 32 };
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, virtio_mmio_init(&self->d, VIRTIO_ID_RNG, 1ULL << VIRTIO_F_INDIRECT_DESC, 2,
				      16, &self->mem, &fake_ops, &self->f, fake_irq, &self->f));
}

FIXTURE_TEARDOWN(mmio)
{
	virtio_mmio_destroy(&self->d);
	free(self->ram);
}

static uint32_t rd(struct virtio_mmio *d, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	virtio_mmio_access(d, off, false, (uint8_t *)&v, 4);
	return v;
}

static void wr(struct virtio_mmio *d, uint64_t off, uint32_t v)
{
	virtio_mmio_access(d, off, true, (uint8_t *)&v, 4);
}

/* Linux's order: ACK, DRIVER, features, FEATURES_OK. */
static void negotiate(struct virtio_mmio *d, uint64_t features)
{
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue(struct virtio_mmio *d, unsigned int q, uint32_t num)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL_GPA);
	wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED_GPA);
	wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

#define ALL_OK	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
		 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)

static void bring_up(struct virtio_mmio *d)
{
	negotiate(d, 1ULL << VIRTIO_F_VERSION_1);
	setup_queue(d, 0, 16);
	wr(d, VIRTIO_MMIO_STATUS, ALL_OK);
}

TEST_F(mmio, identifies_as_modern)
{
	EXPECT_EQ(VIRTIO_MMIO_MAGIC_VALUE, rd(&self->d, VIRTIO_MMIO_MAGIC));
	EXPECT_EQ(2, rd(&self->d, VIRTIO_MMIO_VERSION));
	EXPECT_EQ(VIRTIO_ID_RNG, rd(&self->d, VIRTIO_MMIO_DEVICE_ID));
	EXPECT_NE(0, rd(&self->d, VIRTIO_MMIO_VENDOR_ID));
	wr(&self->d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	EXPECT_EQ(1U << VIRTIO_F_INDIRECT_DESC, rd(&self->d, VIRTIO_MMIO_DEVICE_FEATURES));
	wr(&self->d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	EXPECT_EQ(1, rd(&self->d, VIRTIO_MMIO_DEVICE_FEATURES));	/* VERSION_1 */
	wr(&self->d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_DEVICE_FEATURES));
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0xffffffff, rd(&self->d, VIRTIO_MMIO_SHM_LEN_LOW));
}

TEST_F(mmio, handshake_queue_notify_interrupt)
{
	negotiate(&self->d, 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_INDIRECT_DESC);
	EXPECT_EQ(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK,
		  rd(&self->d, VIRTIO_MMIO_STATUS));
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT_EQ(16, rd(&self->d, VIRTIO_MMIO_QUEUE_NUM_MAX));
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_QUEUE_READY));
	setup_queue(&self->d, 0, 16);
	EXPECT_EQ(1, rd(&self->d, VIRTIO_MMIO_QUEUE_READY));
	EXPECT_TRUE(self->d.vq[0].indirect);
	/* A queue past the device's reads as absent. */
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 2);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_QUEUE_NUM_MAX));
	wr(&self->d, VIRTIO_MMIO_STATUS, ALL_OK);
	EXPECT_EQ(ALL_OK, rd(&self->d, VIRTIO_MMIO_STATUS));
	EXPECT_EQ(1, self->f.activated);
	EXPECT_TRUE(virtio_mmio_live(&self->d));

	wr(&self->d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, kicks(&self->d, 0));
	/* Queue 1 was never made ready, queue 5 does not exist. */
	wr(&self->d, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(&self->d, VIRTIO_MMIO_QUEUE_NOTIFY, 5);
	EXPECT_EQ(0, kicks(&self->d, 0));
	EXPECT_EQ(0, kicks(&self->d, 1));
	EXPECT_EQ(-1, virtio_mmio_kick_fd(&self->d, 5));

	/* Used buffers: the line goes high until the driver acknowledges. */
	virtio_mmio_used(&self->d, 0);
	EXPECT_TRUE(self->f.irq);
	EXPECT_EQ(VIRTIO_MMIO_INT_VRING, rd(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS));
	virtio_mmio_used(&self->d, 0);
	EXPECT_EQ(1, self->f.irq_changes);	/* already high */
	wr(&self->d, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT_FALSE(self->f.irq);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS));
}

TEST_F(mmio, driver_suppressing_interrupts_gets_none)
{
	bring_up(&self->d);
	*(uint16_t *)(self->ram + AVAIL_GPA) = VIRTQ_AVAIL_F_NO_INTERRUPT;
	virtio_mmio_used(&self->d, 0);
	EXPECT_FALSE(self->f.irq);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS));
}

TEST_F(mmio, reset_forgets_everything)
{
	bring_up(&self->d);
	virtio_mmio_used(&self->d, 0);
	EXPECT_TRUE(self->f.irq);
	wr(&self->d, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(1, self->f.resets);
	EXPECT_FALSE(self->f.irq);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS));
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_QUEUE_READY));
	EXPECT_EQ(0, self->d.driver_features);
	wr(&self->d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_EQ(0, kicks(&self->d, 0));
	/* And it comes up again. */
	bring_up(&self->d);
	EXPECT_EQ(ALL_OK, rd(&self->d, VIRTIO_MMIO_STATUS));
}

TEST_F(mmio, features_refused_without_version_1_or_beyond_offer)
{
	negotiate(&self->d, 0);		/* a legacy driver */
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	wr(&self->d, VIRTIO_MMIO_STATUS, 0);
	negotiate(&self->d, 1ULL << VIRTIO_F_VERSION_1 | 1ULL << 5);	/* not offered */
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	/* DRIVER_OK without FEATURES_OK does not take. */
	wr(&self->d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_DRIVER_OK);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
	EXPECT_EQ(0, self->f.activated);
}

TEST_F(mmio, writes_out_of_place_change_nothing)
{
	/* Features before DRIVER. */
	wr(&self->d, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	EXPECT_EQ(0, self->d.driver_features);
	/* Status out of order: DRIVER without ACKNOWLEDGE, FEATURES_OK without DRIVER. */
	wr(&self->d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS));
	wr(&self->d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FEATURES_OK);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS));
	/* Queue registers before FEATURES_OK. */
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(&self->d, VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(&self->d, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA);
	EXPECT_EQ(0, self->d.vq[0].size);
	EXPECT_EQ(0, self->d.vq[0].desc_gpa);

	bring_up(&self->d);
	/* Features after FEATURES_OK, queue registers after DRIVER_OK. */
	wr(&self->d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(&self->d, VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_F_INDIRECT_DESC);
	EXPECT_EQ(1ULL << VIRTIO_F_VERSION_1, self->d.driver_features);
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(&self->d, VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(&self->d, VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_QUEUE_READY));
	/* A ready queue's addresses stay. */
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(&self->d, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x5000);
	EXPECT_EQ(DESC_GPA, self->d.vq[0].desc_gpa);
	/* Clearing a status bit, or setting NEEDS_RESET, is not the driver's. */
	wr(&self->d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	EXPECT_EQ(ALL_OK, rd(&self->d, VIRTIO_MMIO_STATUS));
	wr(&self->d, VIRTIO_MMIO_STATUS, ALL_OK | VIRTIO_STATUS_NEEDS_RESET);
	EXPECT_EQ(ALL_OK, rd(&self->d, VIRTIO_MMIO_STATUS));
	/* Read-only registers stay. */
	wr(&self->d, VIRTIO_MMIO_MAGIC, 0);
	wr(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	EXPECT_EQ(VIRTIO_MMIO_MAGIC_VALUE, rd(&self->d, VIRTIO_MMIO_MAGIC));
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS));
	EXPECT_EQ(1, self->f.activated);
}

TEST_F(mmio, narrow_or_unaligned_register_access_ignored)
{
	uint8_t b = 0xaa;
	uint16_t w = 0xaaaa;
	uint32_t v = 0xaaaaaaaa;

	virtio_mmio_access(&self->d, VIRTIO_MMIO_STATUS, true, &b, 1);
	virtio_mmio_access(&self->d, VIRTIO_MMIO_STATUS, true, (uint8_t *)&w, 2);
	virtio_mmio_access(&self->d, VIRTIO_MMIO_STATUS + 1, true, (uint8_t *)&v, 4);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_STATUS));
	virtio_mmio_access(&self->d, VIRTIO_MMIO_MAGIC, false, &b, 1);
	EXPECT_EQ(0, b);
	/* The (empty) configuration space reads 0 at any width. */
	virtio_mmio_access(&self->d, VIRTIO_MMIO_CONFIG + 3, false, (uint8_t *)&w, 2);
	EXPECT_EQ(0, w);
}

TEST_F(mmio, bad_ring_at_ready_needs_reset)
{
	negotiate(&self->d, 1ULL << VIRTIO_F_VERSION_1);
	wr(&self->d, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(&self->d, VIRTIO_MMIO_QUEUE_NUM, 16);
	wr(&self->d, VIRTIO_MMIO_QUEUE_DESC_LOW, RAM_SIZE - 16);	/* past RAM */
	wr(&self->d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL_GPA);
	wr(&self->d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED_GPA);
	wr(&self->d, VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_QUEUE_READY));
	EXPECT_TRUE(rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	/* A queue size above the maximum reads back as no size at all. */
	wr(&self->d, VIRTIO_MMIO_STATUS, 0);
	negotiate(&self->d, 1ULL << VIRTIO_F_VERSION_1);
	setup_queue(&self->d, 0, 32);
	EXPECT_EQ(0, rd(&self->d, VIRTIO_MMIO_QUEUE_READY));
	EXPECT_TRUE(rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

TEST_F(mmio, malformed_queue_needs_reset_and_interrupts)
{
	uint32_t gen;

	bring_up(&self->d);
	gen = rd(&self->d, VIRTIO_MMIO_CONFIG_GENERATION);
	virtio_mmio_needs_reset(&self->d);
	EXPECT_TRUE(rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	EXPECT_EQ(VIRTIO_MMIO_INT_CONFIG, rd(&self->d, VIRTIO_MMIO_INTERRUPT_STATUS));
	EXPECT_TRUE(self->f.irq);
	EXPECT_NE(gen, rd(&self->d, VIRTIO_MMIO_CONFIG_GENERATION));
	EXPECT_FALSE(virtio_mmio_live(&self->d));
	/* No more notifications reach the device until a reset. */
	wr(&self->d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_EQ(0, kicks(&self->d, 0));
	wr(&self->d, VIRTIO_MMIO_STATUS, 0);
	bring_up(&self->d);
	wr(&self->d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, kicks(&self->d, 0));
}

TEST_F(mmio, refused_activation_needs_reset)
{
	self->f.activate_answer = -1;
	bring_up(&self->d);
	EXPECT_TRUE(rd(&self->d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	EXPECT_FALSE(virtio_mmio_live(&self->d));
}

TEST_HARNESS_MAIN
