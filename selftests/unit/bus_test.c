// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of thinrun's device bus, userspace/bus.c: ranges are found
 * by any address inside them and by no address outside, an access that
 * crosses a range's end (or two ranges) finds nothing and reads all
 * ones, overlapping and empty ranges are refused, and each access
 * reaches its device with the offset from the range's base.
 */
#include "kselftest_harness.h"
#include "bus.h"

struct probe {
	int calls;
	uint64_t offset;
	bool is_write;
	unsigned int len;
	enum dev_event answer;
};

static enum dev_event probe_access(void *opaque, uint64_t offset, bool is_write,
				   uint8_t *data, unsigned int len)
{
	struct probe *p = opaque;

	p->calls++;
	p->offset = offset;
	p->is_write = is_write;
	p->len = len;
	if (!is_write)
		memset(data, 0x5a, len);
	return p->answer;
}

FIXTURE(bus) {
	struct bus b;
	struct probe p[4];
};

FIXTURE_SETUP(bus)
{
	int i;

	bus_init(&self->b, "test");
	memset(self->p, 0, sizeof(self->p));
	for (i = 0; i < 4; i++)
		self->p[i].answer = DEV_HANDLED;
}

FIXTURE_TEARDOWN(bus)
{
}

TEST_F(bus, finds_each_range_by_every_end)
{
	/* Added out of order: the bus keeps them sorted. */
	ASSERT_EQ(0, bus_add(&self->b, 0x3f8, 8, probe_access, &self->p[0], "uart"));
	ASSERT_EQ(0, bus_add(&self->b, 0x40, 4, probe_access, &self->p[1], "pit"));
	ASSERT_EQ(0, bus_add(&self->b, 0x600, 3, probe_access, &self->p[2], "pm"));
	ASSERT_EQ(0, bus_add(&self->b, 0x61, 1, probe_access, &self->p[3], "portb"));
	EXPECT_EQ(&self->p[1], bus_find(&self->b, 0x40, 1)->opaque);
	EXPECT_EQ(&self->p[1], bus_find(&self->b, 0x43, 1)->opaque);
	EXPECT_EQ(NULL, bus_find(&self->b, 0x44, 1));
	EXPECT_EQ(NULL, bus_find(&self->b, 0x3f, 1));
	EXPECT_EQ(&self->p[3], bus_find(&self->b, 0x61, 1)->opaque);
	EXPECT_EQ(NULL, bus_find(&self->b, 0x60, 1));
	EXPECT_EQ(NULL, bus_find(&self->b, 0x62, 1));
	EXPECT_EQ(&self->p[0], bus_find(&self->b, 0x3f8, 1)->opaque);
	EXPECT_EQ(&self->p[0], bus_find(&self->b, 0x3ff, 1)->opaque);
	EXPECT_EQ(NULL, bus_find(&self->b, 0x400, 1));
	EXPECT_EQ(&self->p[2], bus_find(&self->b, 0x602, 1)->opaque);
	EXPECT_EQ(NULL, bus_find(&self->b, 0, 1));
	EXPECT_EQ(NULL, bus_find(&self->b, UINT64_MAX, 1));
}

TEST_F(bus, access_gets_offset_direction_and_size)
{
	uint8_t data[8] = { 0 };

	ASSERT_EQ(0, bus_add(&self->b, 0xd0000000, 0x1000, probe_access, &self->p[0], "dev"));
	EXPECT_EQ(DEV_HANDLED, bus_access(&self->b, 0xd0000070, true, data, 4));
	EXPECT_EQ(1, self->p[0].calls);
	EXPECT_EQ(0x70, self->p[0].offset);
	EXPECT_TRUE(self->p[0].is_write);
	EXPECT_EQ(4, self->p[0].len);
	EXPECT_EQ(DEV_HANDLED, bus_access(&self->b, 0xd0000ff8, false, data, 8));
	EXPECT_EQ(0xff8, self->p[0].offset);
	EXPECT_FALSE(self->p[0].is_write);
	EXPECT_EQ(0x5a, data[7]);
}

TEST_F(bus, nothing_there_reads_all_ones)
{
	uint8_t data[4] = { 1, 2, 3, 4 };

	ASSERT_EQ(0, bus_add(&self->b, 0x100, 0x10, probe_access, &self->p[0], "dev"));
	EXPECT_EQ(DEV_NOT_MINE, bus_access(&self->b, 0x200, false, data, 4));
	EXPECT_EQ(0xff, data[0]);
	EXPECT_EQ(0xff, data[3]);
	/* A write to nothing vanishes and leaves the data alone. */
	data[0] = 7;
	EXPECT_EQ(DEV_NOT_MINE, bus_access(&self->b, 0x200, true, data, 1));
	EXPECT_EQ(7, data[0]);
	EXPECT_EQ(0, self->p[0].calls);
}

TEST_F(bus, device_that_declines_reads_all_ones)
{
	uint8_t data[2] = { 0 };

	self->p[0].answer = DEV_NOT_MINE;
	ASSERT_EQ(0, bus_add(&self->b, 0x100, 0x10, probe_access, &self->p[0], "dev"));
	EXPECT_EQ(DEV_NOT_MINE, bus_access(&self->b, 0x100, false, data, 2));
	EXPECT_EQ(1, self->p[0].calls);
	EXPECT_EQ(0xff, data[0]);
	EXPECT_EQ(0xff, data[1]);
}

TEST_F(bus, access_across_an_end_finds_nothing)
{
	uint8_t data[8];

	ASSERT_EQ(0, bus_add(&self->b, 0x100, 0x10, probe_access, &self->p[0], "a"));
	ASSERT_EQ(0, bus_add(&self->b, 0x110, 0x10, probe_access, &self->p[1], "b"));
	EXPECT_EQ(NULL, bus_find(&self->b, 0x10c, 8));	/* a into b */
	EXPECT_EQ(NULL, bus_find(&self->b, 0x11c, 8));	/* b past its end */
	EXPECT_EQ(NULL, bus_find(&self->b, 0xfc, 8));	/* before a into a */
	EXPECT_NE(NULL, bus_find(&self->b, 0x108, 8));
	EXPECT_NE(NULL, bus_find(&self->b, 0x118, 8));
	EXPECT_EQ(DEV_NOT_MINE, bus_access(&self->b, 0x10c, false, data, 8));
	EXPECT_EQ(0, self->p[0].calls + self->p[1].calls);
	EXPECT_EQ(0xff, data[7]);
	/* Zero length, and a length that wraps the address space. */
	EXPECT_EQ(NULL, bus_find(&self->b, 0x100, 0));
	EXPECT_EQ(NULL, bus_find(&self->b, UINT64_MAX - 2, 8));
}

TEST_F(bus, overlaps_and_empty_ranges_refused)
{
	ASSERT_EQ(0, bus_add(&self->b, 0x100, 0x10, probe_access, &self->p[0], "a"));
	EXPECT_EQ(-1, bus_add(&self->b, 0x100, 0x10, probe_access, NULL, "same"));
	EXPECT_EQ(-1, bus_add(&self->b, 0x10f, 1, probe_access, NULL, "last byte"));
	EXPECT_EQ(-1, bus_add(&self->b, 0xf0, 0x11, probe_access, NULL, "first byte"));
	EXPECT_EQ(-1, bus_add(&self->b, 0x0, 0x1000, probe_access, NULL, "around"));
	EXPECT_EQ(-1, bus_add(&self->b, 0x104, 2, probe_access, NULL, "inside"));
	EXPECT_EQ(-1, bus_add(&self->b, 0x200, 0, probe_access, NULL, "empty"));
	EXPECT_EQ(-1, bus_add(&self->b, UINT64_MAX, 2, probe_access, NULL, "wraps"));
	EXPECT_EQ(1, self->b.n);
	/* Touching is not overlapping. */
	EXPECT_EQ(0, bus_add(&self->b, 0xf0, 0x10, probe_access, NULL, "below"));
	EXPECT_EQ(0, bus_add(&self->b, 0x110, 0x10, probe_access, NULL, "above"));
	EXPECT_EQ(0, bus_add(&self->b, UINT64_MAX, 1, probe_access, NULL, "top byte"));
	EXPECT_EQ(4, self->b.n);
	EXPECT_NE(NULL, bus_find(&self->b, UINT64_MAX, 1));
}

TEST_F(bus, full_bus_refuses_more)
{
	unsigned int i;

	for (i = 0; i < BUS_MAX_RANGES; i++)
		ASSERT_EQ(0, bus_add(&self->b, 0x1000 * (BUS_MAX_RANGES - i), 0x10,
				     probe_access, &self->p[0], "r"));
	EXPECT_EQ(-1, bus_add(&self->b, 0, 1, probe_access, NULL, "one more"));
	for (i = 1; i <= BUS_MAX_RANGES; i++) {
		EXPECT_NE(NULL, bus_find(&self->b, 0x1000 * i + 0xf, 1));
		EXPECT_EQ(NULL, bus_find(&self->b, 0x1000 * i + 0x10, 1));
	}
}

/* What each device answers comes back: power-off and reset are not swallowed. */
TEST_F(bus, device_answer_passes_through)
{
	uint8_t data = 0;

	self->p[0].answer = DEV_POWEROFF;
	self->p[1].answer = DEV_RESET;
	ASSERT_EQ(0, bus_add(&self->b, 0x600, 1, probe_access, &self->p[0], "sleep"));
	ASSERT_EQ(0, bus_add(&self->b, 0x602, 1, probe_access, &self->p[1], "reset"));
	EXPECT_EQ(DEV_POWEROFF, bus_access(&self->b, 0x600, true, &data, 1));
	EXPECT_EQ(DEV_RESET, bus_access(&self->b, 0x602, true, &data, 1));
	EXPECT_EQ(DEV_NOT_MINE, bus_access(&self->b, 0x601, true, &data, 1));
}

TEST_HARNESS_MAIN
