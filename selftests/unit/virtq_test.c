// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the split virtqueue, userspace/virtio/virtq.c: a buffer
 * plays guest memory (a low part and a part above a hole, as thinrun
 * maps it), the test plays the driver, writing descriptors and the avail
 * ring by hand, hostile ones included: loops, chains longer than the
 * queue, addresses outside guest memory or across its end or into the
 * hole, zero lengths, readable after writable, bad heads and indices,
 * indirect tables nested, misshapen or not negotiated.  Each must break
 * the queue (and nothing more: no crash, no hang, no access outside the
 * buffer, which ASan or valgrind would also show); a broken queue stays
 * broken.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "virtio/virtq.h"

#define LOW		0x10000ULL	/* guest RAM at 0 */
#define HIGH_GPA	0x100000ULL	/* and the rest here, after a hole */
#define HIGH		0x10000ULL
#define QSIZE		8
#define DESC_GPA	0x1000ULL
#define AVAIL_GPA	0x2000ULL
#define USED_GPA	0x3000ULL
#define DATA_GPA	0x8000ULL
#define INDIRECT_GPA	0x6000ULL

FIXTURE(ring) {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtq q;
	struct virtq_chain c;
};

FIXTURE_SETUP(ring)
{
	self->ram = calloc(1, LOW + HIGH);
	ASSERT_NE(NULL, self->ram);
	self->mem = (struct guest_mem){ .host = self->ram, .size = LOW + HIGH, .low = LOW,
					.high_gpa = HIGH_GPA };
	virtq_reset(&self->q);
	self->q.size = QSIZE;
	self->q.desc_gpa = DESC_GPA;
	self->q.avail_gpa = AVAIL_GPA;
	self->q.used_gpa = USED_GPA;
	ASSERT_EQ(0, virtq_setup(&self->q, &self->mem, 256));
}

FIXTURE_TEARDOWN(ring)
{
	free(self->ram);
}

static struct virtq_desc *desc_at(uint8_t *ram, uint64_t table, unsigned int i)
{
	return (struct virtq_desc *)(ram + table) + i;
}

static void set_desc(uint8_t *ram, unsigned int i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	*desc_at(ram, DESC_GPA, i) = (struct virtq_desc){ addr, len, flags, next };
}

static uint16_t *avail(uint8_t *ram)
{
	return (uint16_t *)(ram + AVAIL_GPA);
}

/* The driver makes head available: ring entry at idx, then idx + 1. */
static void offer(uint8_t *ram, uint16_t head)
{
	uint16_t idx = avail(ram)[1];

	avail(ram)[2 + idx % QSIZE] = head;
	avail(ram)[1] = idx + 1;
}

static uint16_t used_idx(uint8_t *ram)
{
	return *(uint16_t *)(ram + USED_GPA + 2);
}

static void used_elem(uint8_t *ram, unsigned int i, uint32_t *id, uint32_t *len)
{
	memcpy(id, ram + USED_GPA + 4 + 8 * i, 4);
	memcpy(len, ram + USED_GPA + 8 + 8 * i, 4);
}

TEST_F(ring, empty_then_one_chain_then_used)
{
	uint32_t id, len;

	EXPECT_EQ(VIRTQ_EMPTY, virtq_pop(&self->q, &self->mem, &self->c));
	set_desc(self->ram, 3, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 5);
	set_desc(self->ram, 5, DATA_GPA + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	offer(self->ram, 3);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	EXPECT_EQ(3, self->c.head);
	ASSERT_EQ(2, self->c.n);
	EXPECT_EQ(self->ram + DATA_GPA, self->c.buf[0].p);
	EXPECT_EQ(16, self->c.buf[0].len);
	EXPECT_FALSE(self->c.buf[0].writable);
	EXPECT_EQ(self->ram + DATA_GPA + 0x100, self->c.buf[1].p);
	EXPECT_TRUE(self->c.buf[1].writable);
	EXPECT_EQ(16, self->c.readable);
	EXPECT_EQ(64, self->c.writable);
	EXPECT_EQ(VIRTQ_EMPTY, virtq_pop(&self->q, &self->mem, &self->c));
	virtq_push(&self->q, 3, 64);
	EXPECT_EQ(1, used_idx(self->ram));
	used_elem(self->ram, 0, &id, &len);
	EXPECT_EQ(3, id);
	EXPECT_EQ(64, len);
}

TEST_F(ring, high_memory_buffer_is_found)
{
	set_desc(self->ram, 0, HIGH_GPA + 0x10, 32, VIRTQ_DESC_F_WRITE, 0);
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	EXPECT_EQ(self->ram + LOW + 0x10, self->c.buf[0].p);
}

/* The indices wrap at 65536 and the ring at its size: many rounds work. */
TEST_F(ring, indices_wrap)
{
	unsigned int round;
	uint32_t id, len;

	set_desc(self->ram, 1, DATA_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	for (round = 0; round < 70000; round++) {
		offer(self->ram, 1);
		ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
		virtq_push(&self->q, self->c.head, round & 0xff);
	}
	EXPECT_EQ((uint16_t)70000, used_idx(self->ram));
	used_elem(self->ram, (70000 - 1) % QSIZE, &id, &len);
	EXPECT_EQ(1, id);
	EXPECT_EQ((70000 - 1) & 0xff, len);
}

TEST_F(ring, full_length_chain_is_fine)
{
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		set_desc(self->ram, i, DATA_GPA + i * 16, 16,
			 i < QSIZE - 1 ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	EXPECT_EQ(QSIZE, self->c.n);
}

/* Each hostile queue must break, and stay broken. */
static void expect_broken(struct __test_metadata *_metadata, struct virtq *q,
			  const struct guest_mem *mem, struct virtq_chain *c)
{
	EXPECT_EQ(VIRTQ_BROKEN, virtq_pop(q, mem, c));
	EXPECT_TRUE(q->broken);
	EXPECT_EQ(VIRTQ_BROKEN, virtq_pop(q, mem, c));
}

TEST_F(ring, loop_breaks)
{
	set_desc(self->ram, 0, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self->ram, 1, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 0);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, self_loop_breaks)
{
	set_desc(self->ram, 2, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 2);
	offer(self->ram, 2);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, next_out_of_table_breaks)
{
	set_desc(self->ram, 0, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, QSIZE);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, head_out_of_table_breaks)
{
	offer(self->ram, QSIZE);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, avail_index_beyond_ring_breaks)
{
	set_desc(self->ram, 0, DATA_GPA, 16, 0, 0);
	avail(self->ram)[1] = QSIZE + 1;	/* 9 new entries in a ring of 8 */
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, zero_length_breaks)
{
	set_desc(self->ram, 0, DATA_GPA, 0, VIRTQ_DESC_F_WRITE, 0);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, buffer_outside_memory_breaks)
{
	static const struct { uint64_t addr; uint32_t len; } bad[] = {
		{ LOW - 8, 16 },			/* across the end of low RAM */
		{ LOW, 16 },				/* in the hole */
		{ HIGH_GPA - 8, 16 },			/* from the hole into high RAM */
		{ HIGH_GPA + HIGH - 8, 16 },		/* across the end of RAM */
		{ HIGH_GPA + HIGH, 1 },			/* past it */
		{ UINT64_MAX - 4, 16 },			/* wrapping */
		{ 0, 0xffffffff },			/* longer than RAM */
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(self->ram + AVAIL_GPA, 0, 0x2000);	/* avail and used */
		ASSERT_EQ(0, virtq_setup(&self->q, &self->mem, 256));
		set_desc(self->ram, 0, bad[i].addr, bad[i].len, VIRTQ_DESC_F_WRITE, 0);
		offer(self->ram, 0);
		EXPECT_EQ(VIRTQ_BROKEN, virtq_pop(&self->q, &self->mem, &self->c))
			TH_LOG("buffer %u at 0x%llx", i, (unsigned long long)bad[i].addr);
	}
}

TEST_F(ring, readable_after_writable_breaks)
{
	set_desc(self->ram, 0, DATA_GPA, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(self->ram, 1, DATA_GPA, 16, 0, 0);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

/* A reset and a new setup serve the queue again. */
TEST_F(ring, setup_again_after_broken)
{
	offer(self->ram, QSIZE);
	EXPECT_EQ(VIRTQ_BROKEN, virtq_pop(&self->q, &self->mem, &self->c));
	memset(self->ram + AVAIL_GPA, 0, 0x2000);
	ASSERT_EQ(0, virtq_setup(&self->q, &self->mem, 256));
	set_desc(self->ram, 0, DATA_GPA, 16, 0, 0);
	offer(self->ram, 0);
	EXPECT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
}

TEST_F(ring, bad_setup_refused)
{
	struct virtq q;

	virtq_reset(&q);
	q.desc_gpa = DESC_GPA;
	q.avail_gpa = AVAIL_GPA;
	q.used_gpa = USED_GPA;
	q.size = 0;
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.size = 6;				/* not a power of 2 */
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.size = 512;				/* above the maximum */
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.size = 8;
	q.desc_gpa = DESC_GPA + 8;		/* not 16-aligned */
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.desc_gpa = DESC_GPA;
	q.avail_gpa = AVAIL_GPA + 1;
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.avail_gpa = AVAIL_GPA;
	q.used_gpa = USED_GPA + 2;
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.used_gpa = LOW - 16;			/* ring across the end of low RAM */
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	q.used_gpa = LOW + 0x100;		/* in the hole */
	EXPECT_EQ(-1, virtq_setup(&q, &self->mem, 256));
	EXPECT_FALSE(q.ready);
	q.used_gpa = USED_GPA;
	EXPECT_EQ(0, virtq_setup(&q, &self->mem, 256));
	EXPECT_TRUE(q.ready);
}

TEST_F(ring, indirect_table)
{
	unsigned int i;

	self->q.indirect = true;
	for (i = 0; i < 4; i++)
		*desc_at(self->ram, INDIRECT_GPA, i) = (struct virtq_desc){
			DATA_GPA + 16 * i, 16,
			(i ? VIRTQ_DESC_F_WRITE : 0) | (i < 3 ? VIRTQ_DESC_F_NEXT : 0), i + 1 };
	set_desc(self->ram, 2, INDIRECT_GPA, 4 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(self->ram, 2);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	EXPECT_EQ(2, self->c.head);
	EXPECT_EQ(4, self->c.n);
	EXPECT_EQ(16, self->c.readable);
	EXPECT_EQ(48, self->c.writable);
}

TEST_F(ring, indirect_not_negotiated_breaks)
{
	*desc_at(self->ram, INDIRECT_GPA, 0) = (struct virtq_desc){ DATA_GPA, 16, 0, 0 };
	set_desc(self->ram, 0, INDIRECT_GPA, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, indirect_in_indirect_breaks)
{
	self->q.indirect = true;
	*desc_at(self->ram, INDIRECT_GPA, 0) =
		(struct virtq_desc){ INDIRECT_GPA + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0 };
	*desc_at(self->ram, INDIRECT_GPA + 0x100, 0) = (struct virtq_desc){ DATA_GPA, 16, 0, 0 };
	set_desc(self->ram, 0, INDIRECT_GPA, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, indirect_misshapen_breaks)
{
	static const struct { uint64_t addr; uint32_t len; uint16_t flags; } bad[] = {
		{ INDIRECT_GPA, 0, VIRTQ_DESC_F_INDIRECT },		/* empty */
		{ INDIRECT_GPA, 24, VIRTQ_DESC_F_INDIRECT },		/* not 16 * n */
		{ LOW - 16, 32, VIRTQ_DESC_F_INDIRECT },		/* across RAM's end */
		{ INDIRECT_GPA, 16 * 257, VIRTQ_DESC_F_INDIRECT },	/* too many */
		{ INDIRECT_GPA, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT },
	};
	unsigned int i;

	*desc_at(self->ram, INDIRECT_GPA, 0) = (struct virtq_desc){ DATA_GPA, 16, 0, 0 };
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(self->ram + AVAIL_GPA, 0, 0x2000);
		ASSERT_EQ(0, virtq_setup(&self->q, &self->mem, 256));
		self->q.indirect = true;
		set_desc(self->ram, 0, bad[i].addr, bad[i].len, bad[i].flags, 1);
		set_desc(self->ram, 1, DATA_GPA, 16, 0, 0);
		offer(self->ram, 0);
		EXPECT_EQ(VIRTQ_BROKEN, virtq_pop(&self->q, &self->mem, &self->c))
			TH_LOG("indirect descriptor %u", i);
	}
}

TEST_F(ring, indirect_loop_breaks)
{
	self->q.indirect = true;
	*desc_at(self->ram, INDIRECT_GPA, 0) =
		(struct virtq_desc){ DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 1 };
	*desc_at(self->ram, INDIRECT_GPA, 1) =
		(struct virtq_desc){ DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 0 };
	set_desc(self->ram, 0, INDIRECT_GPA, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(self->ram, 0);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

/* A 256-entry indirect table chained whole is the longest chain taken. */
TEST_F(ring, indirect_full_table_then_one_more_breaks)
{
	unsigned int i;

	self->q.indirect = true;
	for (i = 0; i < VIRTQ_MAX_SIZE; i++)
		*desc_at(self->ram, INDIRECT_GPA, i) = (struct virtq_desc){
			DATA_GPA, 16, i < VIRTQ_MAX_SIZE - 1 ? VIRTQ_DESC_F_NEXT : 0, i + 1 };
	set_desc(self->ram, 0, INDIRECT_GPA, 16 * VIRTQ_MAX_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	EXPECT_EQ(VIRTQ_MAX_SIZE, self->c.n);
	/* Two direct buffers, then the full table: 258 buffers in all. */
	set_desc(self->ram, 1, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 2);
	set_desc(self->ram, 2, DATA_GPA, 16, VIRTQ_DESC_F_NEXT, 3);
	set_desc(self->ram, 3, INDIRECT_GPA, 16 * VIRTQ_MAX_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
	offer(self->ram, 1);
	expect_broken(_metadata, &self->q, &self->mem, &self->c);
}

TEST_F(ring, interrupt_suppression)
{
	EXPECT_TRUE(virtq_should_interrupt(&self->q));
	avail(self->ram)[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	EXPECT_FALSE(virtq_should_interrupt(&self->q));
}

/*
 * VIRTIO_F_EVENT_IDX: an interrupt only once the used index passes the
 * driver's used_event (after the avail ring) since the last one; the
 * flag no longer counts.  The device's avail_event (after the used ring)
 * asks for a notification at the next new entry.
 */
TEST_F(ring, event_idx_interrupts)
{
	uint16_t *used_event = &avail(self->ram)[2 + QSIZE];
	unsigned int i;

	self->q.event_idx = true;
	set_desc(self->ram, 0, DATA_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	avail(self->ram)[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event = 2;	/* wake me when entry 2 is used */
	for (i = 0; i < 2; i++) {
		offer(self->ram, 0);
		ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
		virtq_push(&self->q, 0, 8);
	}
	/* The first decision always interrupts (nothing signalled before). */
	EXPECT_TRUE(virtq_should_interrupt(&self->q));
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	virtq_push(&self->q, 0, 8);	/* used index 3: entry 2 is used */
	EXPECT_TRUE(virtq_should_interrupt(&self->q));
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	virtq_push(&self->q, 0, 8);	/* 4: used_event 2 already passed */
	EXPECT_FALSE(virtq_should_interrupt(&self->q));
	*used_event = 4;
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	virtq_push(&self->q, 0, 8);	/* 5: passes 4 */
	EXPECT_TRUE(virtq_should_interrupt(&self->q));
}

TEST_F(ring, event_idx_asks_for_the_next_kick)
{
	uint16_t avail_event;

	self->q.event_idx = true;
	set_desc(self->ram, 0, DATA_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	offer(self->ram, 0);
	offer(self->ram, 0);
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	/* One still in the ring: pop again, no notification will say so. */
	EXPECT_TRUE(virtq_wait_for_notify(&self->q));
	ASSERT_EQ(VIRTQ_CHAIN, virtq_pop(&self->q, &self->mem, &self->c));
	EXPECT_FALSE(virtq_wait_for_notify(&self->q));
	memcpy(&avail_event, self->ram + USED_GPA + 4 + 8 * QSIZE, 2);
	EXPECT_EQ(2, avail_event);
}

TEST_HARNESS_MAIN
