// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the RTC clock registers, userspace/dev/cmos_rtc.c: what
 * Linux's mc146818_get_time() reads, for a known time.
 */
#include "kselftest_harness.h"
#include "dev/cmos_rtc.h"

/* 2026-11-26 19:45:07 UTC, a Thursday */
#define NOW	1795722307

static uint8_t rd(struct cmos_rtc *rtc, uint8_t index)
{
	uint8_t v = index;

	cmos_rtc_io(rtc, CMOS_INDEX_PORT, false, &v, NOW);
	v = 0xee;
	cmos_rtc_io(rtc, CMOS_DATA_PORT, true, &v, NOW);
	return v;
}

TEST(clock_in_bcd)
{
	struct cmos_rtc rtc = { 0 };

	EXPECT_EQ(0x07, rd(&rtc, 0x00));
	EXPECT_EQ(0x45, rd(&rtc, 0x02));
	EXPECT_EQ(0x19, rd(&rtc, 0x04));
	EXPECT_EQ(0x05, rd(&rtc, 0x06));
	EXPECT_EQ(0x26, rd(&rtc, 0x07));
	EXPECT_EQ(0x11, rd(&rtc, 0x08));
	EXPECT_EQ(0x26, rd(&rtc, 0x09));
}

TEST(status_registers)
{
	struct cmos_rtc rtc = { 0 };

	EXPECT_EQ(0, rd(&rtc, 0x0a) & 0x80);	/* no update in progress */
	EXPECT_EQ(0x02, rd(&rtc, 0x0b));	/* 24-hour, BCD */
	EXPECT_EQ(0x80, rd(&rtc, 0x0d));	/* valid */
	EXPECT_EQ(0x07, rd(&rtc, 0x80));	/* the NMI bit is not the index */
	EXPECT_EQ(0, rd(&rtc, 0x32));
}

TEST(other_ports)
{
	struct cmos_rtc rtc = { 0 };
	uint8_t v = 0;

	EXPECT_EQ(DEV_NOT_MINE, cmos_rtc_io(&rtc, 0x72, true, &v, NOW));
	EXPECT_EQ(DEV_HANDLED, cmos_rtc_io(&rtc, CMOS_DATA_PORT, false, &v, NOW));
}

TEST_HARNESS_MAIN
