// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of virtio-blk request parsing, userspace/virtio/blk_req.c:
 * chains as virtq_pop() hands them over (buffers already inside guest
 * memory), framed as Linux frames them and in every other way the spec
 * allows, and hostile ones: no status byte, a short header, data in the
 * wrong direction, lengths not a multiple of a sector, ranges past the
 * end of the disk or wrapping, writes to a read-only disk, unknown types,
 * discard segments with bad flags or sizes.  Each gets its answer (or
 * BLK_PARSE_NO_STATUS) and never an iovec outside the chain's buffers.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "virtio/blk_req.h"

#define SECTORS		1024	/* a 512 KiB disk */

struct hdr {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
};

FIXTURE(req) {
	uint8_t mem[65536];
	unsigned int used;	/* bytes of mem handed out */
	struct virtq_chain c;
	struct blk_geometry g;
	struct blk_req r;
};

FIXTURE_SETUP(req)
{
	memset(self->mem, 0xa5, sizeof(self->mem));
	self->used = 0;
	self->c = (struct virtq_chain){ .head = 3 };
	self->g = (struct blk_geometry){ .sectors = SECTORS, .discard = true,
					 .write_zeroes = true, .max_discard_sectors = 256 };
}

FIXTURE_TEARDOWN(req)
{
}

/* Append a buffer of len bytes (from the fixture's memory) to the chain. */
static uint8_t *buf(struct _test_data_req *self, uint32_t len, bool writable)
{
	uint8_t *p = self->mem + self->used;

	self->used += len;
	self->c.buf[self->c.n] = (struct virtq_buf){ .p = p, .len = len, .writable = writable };
	self->c.n++;
	if (writable)
		self->c.writable += len;
	else
		self->c.readable += len;
	return p;
}

static void header(struct _test_data_req *self, uint32_t type, uint64_t sector)
{
	struct hdr h = { .type = type, .sector = sector };

	memcpy(buf(self, sizeof(h), false), &h, sizeof(h));
}

/* Every iovec lies inside the fixture's memory. */
static bool iov_inside(struct _test_data_req *self)
{
	unsigned int i;

	for (i = 0; i < self->r.niov; i++) {
		uint8_t *p = self->r.iov[i].iov_base;

		if (p < self->mem || p + self->r.iov[i].iov_len > self->mem + self->used)
			return false;
	}
	return true;
}

static uint64_t iov_bytes(const struct blk_req *r)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < r->niov; i++)
		n += r->iov[i].iov_len;
	return n;
}

/* Linux's read: header, data (writable), status (writable), each its own. */
TEST_F(req, read_as_linux_frames_it)
{
	uint8_t *data, *status;

	header(self, VIRTIO_BLK_T_IN, 8);
	data = buf(self, 4096, true);
	status = buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_READ, self->r.op);
	EXPECT_EQ(8 * 512, self->r.offset);
	EXPECT_EQ(4096, self->r.len);
	ASSERT_EQ(1, self->r.niov);
	EXPECT_EQ((void *)data, self->r.iov[0].iov_base);
	EXPECT_EQ(status, self->r.status_p);
	EXPECT_EQ(4097, blk_req_written(&self->r, VIRTIO_BLK_S_OK));
	EXPECT_EQ(1, blk_req_written(&self->r, VIRTIO_BLK_S_IOERR));
}

/* Any framing: header split in two, data and status in one buffer. */
TEST_F(req, read_framed_otherwise)
{
	struct hdr h = { .type = VIRTIO_BLK_T_IN, .sector = 2 };
	uint8_t *a, *b, *data;

	a = buf(self, 5, false);
	b = buf(self, 11, false);
	memcpy(a, &h, 5);
	memcpy(b, (uint8_t *)&h + 5, 11);
	buf(self, 512, true);
	data = buf(self, 1025, true);	/* 1024 data bytes, then the status */
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_READ, self->r.op);
	EXPECT_EQ(1024, self->r.offset);
	EXPECT_EQ(1536, self->r.len);
	EXPECT_EQ(2, self->r.niov);
	EXPECT_EQ(1024, self->r.iov[1].iov_len);
	EXPECT_EQ(data + 1024, self->r.status_p);
	EXPECT_TRUE(iov_inside(self));
}

/* A write whose header and data share one readable buffer. */
TEST_F(req, write_header_and_data_in_one_buffer)
{
	struct hdr h = { .type = VIRTIO_BLK_T_OUT, .sector = 1023 };
	uint8_t *p = buf(self, 16 + 512, false);

	memcpy(p, &h, sizeof(h));
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_WRITE, self->r.op);
	EXPECT_EQ(1023 * 512, self->r.offset);
	ASSERT_EQ(1, self->r.niov);
	EXPECT_EQ((void *)(p + 16), self->r.iov[0].iov_base);
	EXPECT_EQ(512, self->r.iov[0].iov_len);
	EXPECT_EQ(1, blk_req_written(&self->r, VIRTIO_BLK_S_OK));
}

TEST_F(req, no_writable_byte_cannot_be_answered)
{
	header(self, VIRTIO_BLK_T_IN, 0);
	buf(self, 512, false);
	EXPECT_EQ(BLK_PARSE_NO_STATUS, blk_req_parse(&self->c, &self->g, &self->r));
	self->c.n = 0;
	self->c.readable = 0;
	EXPECT_EQ(BLK_PARSE_NO_STATUS, blk_req_parse(&self->c, &self->g, &self->r));
}

/* A readable buffer after the writable ones (virtq_pop() refuses it, but not here). */
TEST_F(req, status_not_in_last_buffer)
{
	header(self, VIRTIO_BLK_T_FLUSH, 0);
	buf(self, 1, true);
	buf(self, 1, false);
	EXPECT_EQ(BLK_PARSE_NO_STATUS, blk_req_parse(&self->c, &self->g, &self->r));
}

TEST_F(req, short_header_is_ioerr)
{
	buf(self, 15, false);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_NONE, self->r.op);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	/* Only a status byte: no header at all. */
	self->c = (struct virtq_chain){ 0 };
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
}

TEST_F(req, data_in_the_wrong_direction_is_ioerr)
{
	header(self, VIRTIO_BLK_T_IN, 0);
	buf(self, 512, false);	/* a read with data to the device */
	buf(self, 512, true);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_NONE, self->r.op);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);

	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_OUT, 0);
	buf(self, 512, true);	/* a write with data from the device */
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
}

TEST_F(req, lengths_not_in_sectors_are_ioerr)
{
	static const uint32_t lens[] = { 0, 1, 511, 513, 4095 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		self->c = (struct virtq_chain){ 0 };
		self->used = 0;
		header(self, VIRTIO_BLK_T_IN, 0);
		if (lens[i])
			buf(self, lens[i], true);
		buf(self, 1, true);
		ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
		EXPECT_EQ(BLK_OP_NONE, self->r.op);
		EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	}
}

/* The last sector reads; one past it, a sector number near 2^64 or 2^55, does not. */
TEST_F(req, range_past_the_end_is_ioerr)
{
	static const uint64_t bad[] = { SECTORS, SECTORS - 1, UINT64_MAX, UINT64_MAX / 512,
					(UINT64_MAX / 512) + 1, 1ULL << 55 };
	unsigned int i;

	header(self, VIRTIO_BLK_T_IN, SECTORS - 1);
	buf(self, 512, true);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_READ, self->r.op);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		self->c = (struct virtq_chain){ 0 };
		self->used = 0;
		header(self, VIRTIO_BLK_T_IN, bad[i]);
		buf(self, 1024, true);	/* two sectors: SECTORS - 1 + 2 is past too */
		buf(self, 1, true);
		ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
		EXPECT_EQ(BLK_OP_NONE, self->r.op);
		EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	}
}

TEST_F(req, read_only_disk_refuses_writes)
{
	self->g.ro = true;
	header(self, VIRTIO_BLK_T_OUT, 0);
	buf(self, 512, false);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_NONE, self->r.op);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	/* Reads and flushes still go. */
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_IN, 0);
	buf(self, 512, true);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_READ, self->r.op);
}

TEST_F(req, flush_and_get_id)
{
	uint8_t *id;

	header(self, VIRTIO_BLK_T_FLUSH, 0);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_FLUSH, self->r.op);
	/* A flush with data is malformed. */
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_FLUSH, 0);
	buf(self, 512, true);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	/* GET_ID fills at most 20 bytes of a bigger buffer. */
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_GET_ID, 0);
	id = buf(self, 64, true);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_GET_ID, self->r.op);
	EXPECT_EQ(20, iov_bytes(&self->r));
	EXPECT_EQ((void *)id, self->r.iov[0].iov_base);
	EXPECT_EQ(21, blk_req_written(&self->r, VIRTIO_BLK_S_OK));
}

TEST_F(req, unknown_types_are_unsupp)
{
	static const uint32_t types[] = { 2, 3, 5, 7, 12, 14, 0x80000000u, UINT32_MAX };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		self->c = (struct virtq_chain){ 0 };
		header(self, types[i], 0);
		buf(self, 1, true);
		ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
		EXPECT_EQ(BLK_OP_NONE, self->r.op);
		EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, self->r.status);
	}
}

static void segment(struct _test_data_req *self, uint64_t sector, uint32_t count, uint32_t flags)
{
	uint8_t *p = buf(self, 16, false);

	memcpy(p, &sector, 8);
	memcpy(p + 8, &count, 4);
	memcpy(p + 12, &flags, 4);
}

TEST_F(req, discard_and_write_zeroes)
{
	header(self, VIRTIO_BLK_T_DISCARD, 0);
	segment(self, 16, 8, 0);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_DISCARD, self->r.op);
	EXPECT_EQ(16 * 512, self->r.offset);
	EXPECT_EQ(8 * 512, self->r.len);

	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_WRITE_ZEROES, 0);
	segment(self, 0, 256, VIRTIO_BLK_WZ_FLAG_UNMAP);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_WRITE_ZEROES, self->r.op);
	EXPECT_TRUE(self->r.unmap);
}

TEST_F(req, bad_discards)
{
	struct { uint32_t type; uint64_t sector; uint32_t count, flags; uint8_t want; } t[] = {
		{ VIRTIO_BLK_T_DISCARD, 0, 8, VIRTIO_BLK_WZ_FLAG_UNMAP, VIRTIO_BLK_S_UNSUPP },
		{ VIRTIO_BLK_T_DISCARD, 0, 8, 0x80, VIRTIO_BLK_S_UNSUPP },
		{ VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 2, VIRTIO_BLK_S_UNSUPP },
		{ VIRTIO_BLK_T_DISCARD, 0, 0, 0, VIRTIO_BLK_S_IOERR },
		{ VIRTIO_BLK_T_DISCARD, 0, 257, 0, VIRTIO_BLK_S_IOERR },	/* > max */
		{ VIRTIO_BLK_T_DISCARD, SECTORS - 4, 8, 0, VIRTIO_BLK_S_IOERR },
		{ VIRTIO_BLK_T_WRITE_ZEROES, UINT64_MAX - 2, 8, 0, VIRTIO_BLK_S_IOERR },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		self->c = (struct virtq_chain){ 0 };
		header(self, t[i].type, 0);
		segment(self, t[i].sector, t[i].count, t[i].flags);
		buf(self, 1, true);
		ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
		EXPECT_EQ(BLK_OP_NONE, self->r.op);
		EXPECT_EQ(t[i].want, self->r.status);
	}
	/* Two segments (max_discard_seg is 1), or half of one. */
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_DISCARD, 0);
	segment(self, 0, 8, 0);
	segment(self, 8, 8, 0);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_DISCARD, 0);
	buf(self, 8, false);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
	/* Not offered, or on a read-only disk. */
	self->g.discard = false;
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_DISCARD, 0);
	segment(self, 0, 8, 0);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, self->r.status);
	self->g.ro = true;
	self->c = (struct virtq_chain){ 0 };
	header(self, VIRTIO_BLK_T_WRITE_ZEROES, 0);
	segment(self, 0, 8, 0);
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, self->r.status);
}

/* The longest chain: 254 data buffers of one sector each. */
TEST_F(req, longest_chain)
{
	unsigned int i;

	header(self, VIRTIO_BLK_T_IN, 0);
	for (i = 0; i < VIRTQ_MAX_SIZE - 2; i++)
		buf(self, 512 / 2, true);	/* half sectors: the total counts */
	buf(self, 1, true);
	ASSERT_EQ(BLK_PARSE_OK, blk_req_parse(&self->c, &self->g, &self->r));
	EXPECT_EQ(BLK_OP_READ, self->r.op);
	EXPECT_EQ(VIRTQ_MAX_SIZE - 2, self->r.niov);
	EXPECT_EQ((VIRTQ_MAX_SIZE - 2) * 256, self->r.len);
	EXPECT_TRUE(iov_inside(self));
}

TEST(iov_advance)
{
	uint8_t a[100], b[50], c[10];
	struct iovec iov[3] = { { a, 100 }, { b, 50 }, { c, 10 } };
	unsigned int n;

	n = blk_iov_advance(iov, 3, 30);
	ASSERT_EQ(3, n);
	EXPECT_EQ((void *)(a + 30), iov[0].iov_base);
	EXPECT_EQ(70, iov[0].iov_len);
	n = blk_iov_advance(iov, n, 70);
	ASSERT_EQ(2, n);
	EXPECT_EQ((void *)b, iov[0].iov_base);
	n = blk_iov_advance(iov, n, 55);
	ASSERT_EQ(1, n);
	EXPECT_EQ((void *)(c + 5), iov[0].iov_base);
	EXPECT_EQ(5, iov[0].iov_len);
	EXPECT_EQ(0, blk_iov_advance(iov, n, 5));
}

TEST_HARNESS_MAIN
